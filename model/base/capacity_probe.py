"""In-distribution capacity probe: how much can a generator gain on heavy real blur when the
training data come from the same scene? It trains on GOPR0477 frames [0, 226) and, every
--chunk steps, scores whole-image averages of frames it never saw (four stretches of [230, 299),
input ~24 dB like the GOPR0374 pairs). A model that gains little even here is limited by its
capacity or its optimisation, not by how far the validation scenes are from the training one.
Adding synthetic shake on photos (--mix frames=0.5,synth=0.5) asks whether more varied data
raise what it reaches on the held-out frames.

  python3 model/base/capacity_probe.py --chunk 1000 --chunks 6 -- --ckpt-dir /work/ckpt/probe \\
      --mix frames=1 --frames 13,31 --size 128 --batch 4 --threads 1
Writes probe.csv (step, input and output PSNR/SSIM on the held-out averages, plus the GOPR0374
centred score the trainer logs) into the run's --ckpt-dir; resumes like train.py.
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from data import FrameAverager, average_frames  # noqa: E402
from metrics import evaluate_pairs  # noqa: E402
from train import Trainer  # noqa: E402
from train_args import parse_args  # noqa: E402
from train_log import upgrade_log_header  # noqa: E402

TRAIN_FRAMES = (0, 226)  # 4 frames of gap before the held-out stretch: no shared frame
HELD_OUT_FIRST = 230
# (start within the held-out stretch, frame count): odd counts, no overlap, inputs 23.4-24.5 dB
HELD_OUT = ((0, 13), (16, 11), (32, 11), (52, 13))
# held_out_*: the raw training weights; *_ema: their moving average (train.py --ema; empty without);
# val_out_psnr_c: the GOPR0374 centred score of the shipped weights (the average where kept)
FIELDS = ["step", "held_in_psnr", "held_out_psnr", "held_in_ssim", "held_out_ssim", "held_out_psnr_ema",
          "held_out_ssim_ema", "val_in_psnr_c", "val_out_psnr_c"]


def held_out_pairs() -> list[tuple[str, object, object]]:
    frames = FrameAverager.load(frame_range=(HELD_OUT_FIRST, 299)).frames
    pairs = []
    for start, n in HELD_OUT:
        blurred, sharp = average_frames(frames[start:start + n])
        pairs.append((f"frames {HELD_OUT_FIRST + start}+{n}", blurred, sharp))
    return pairs


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--chunk", type=int, default=1000, help="steps between held-out scores")
    p.add_argument("--chunks", type=int, default=6)
    own, rest = p.parse_known_args()
    train_args = [a for a in rest if a != "--"]
    a = parse_args([*train_args, "--frame-range", ",".join(map(str, TRAIN_FRAMES)),
                    "--val-every", str(own.chunk), "--minutes", "100000"])
    # pairs/ holds GOPR0477 pairs made of held-out frames; synthetic shake on photos shares none
    if "frames" not in a.mix or "pairs" in a.mix:
        raise SystemExit("the probe trains on GOPR0477 frames [0, 226), with or without synth: pass --mix frames=1[,synth=w]")
    held = held_out_pairs()
    trainer = Trainer(a)
    out = a.ckpt_dir / "probe.csv"
    while trainer.step < own.chunk * own.chunks:
        a.max_steps = (trainer.step // own.chunk + 1) * own.chunk
        trainer.run()
        r = evaluate_pairs(trainer.gen, held)
        ema = evaluate_pairs(trainer.ema, held) if trainer.ema is not None else None
        v = trainer.last_val
        row = {"step": trainer.step, "held_in_psnr": f"{r['in_psnr']:.3f}", "held_out_psnr": f"{r['out_psnr']:.3f}",
               "held_in_ssim": f"{r['in_ssim']:.4f}", "held_out_ssim": f"{r['out_ssim']:.4f}",
               "held_out_psnr_ema": f"{ema['out_psnr']:.3f}" if ema else "",
               "held_out_ssim_ema": f"{ema['out_ssim']:.4f}" if ema else "",
               "val_in_psnr_c": f"{v['in_psnr_c']:.3f}", "val_out_psnr_c": f"{v['out_psnr_c']:.3f}"}
        if out.exists():  # begun before the moving-average columns: add them, empty
            upgrade_log_header(out, FIELDS)
        new = not out.exists()
        with out.open("a", newline="") as f:
            w = csv.DictWriter(f, fieldnames=FIELDS)
            if new:
                w.writeheader()
            w.writerow(row)
        ema_gain = ema["out_psnr"] - ema["in_psnr"] if ema else 0.0
        print(f"probe step {trainer.step}: held-out {r['in_psnr']:.3f} -> {r['out_psnr']:.3f} dB "
              f"({r['out_psnr'] - r['in_psnr']:+.3f}{f'; average {ema_gain:+.3f}' if ema else ''}); GOPR0374 centred "
              f"{v['in_psnr_c']:.3f} -> {v['out_psnr_c']:.3f}", flush=True)


if __name__ == "__main__":
    main()
