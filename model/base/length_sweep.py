"""How much the generator gains as a function of shake length: is its reach the limit?

  python3 model/base/length_sweep.py --ckpt model/base/checkpoints/run21-best-step6408.pt [--csv out.csv]

Blurs held-out sharp images (the four GOPR0374 targets and the two gopro-official targets: never
trained on) with straight-line kernels of each length at four angles (length 1: no blur at all), in stored sRGB values (as
the evaluation blurs are, docs/decisions.md "Blur domain"), runs the generator on the whole
blurred image and scores PSNR on the centre (a margin of the longest kernel cut off, so borders
do not count), 8-bit rounded as a file would be. Prints mean input PSNR, output PSNR and gain per
length. A gain that falls to zero past some length while short shake gains well says the net's
reach (receptive field in effect) is the limit; a small gain at every length says it is not.
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from data import DATA, load_pairs, load_rgb  # noqa: E402
from export_onnx import load_generator  # noqa: E402
from metrics import psnr_u8, restore_u8  # noqa: E402
from shake_kernel import splat_centred  # noqa: E402
from synth import fft_convolve_valid  # noqa: E402

LENGTHS = (1, 3, 6, 10, 15, 21, 28, 36, 45, 56)
ANGLES = (0.0, 45.0, 90.0, 135.0)


def line_kernel(length: int, angle_deg: float) -> np.ndarray:
    """A straight shake of `length` px (end to end) at `angle_deg`: densely sampled points
    splatted bilinearly about the centre (shake_kernel.splat_centred), odd side, sum 1."""
    t = np.linspace(-0.5, 0.5, 64 * length) * (length - 1)
    a = np.deg2rad(angle_deg)
    return splat_centred(t * np.sin(a), t * np.cos(a), np.ones_like(t)).astype(np.float32)


def blur_stored(sharp_u8: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Same-size blur of the stored values (reflect-padded), rounded to 8 bits."""
    r = k.shape[0] // 2
    padded = np.pad(sharp_u8.astype(np.float32) / 255.0, ((r, r), (r, r), (0, 0)), mode="reflect")
    return np.clip(np.rint(fft_convolve_valid(padded, k) * 255.0), 0, 255).astype(np.uint8)


def targets() -> list[tuple[str, np.ndarray]]:
    folder = DATA / "gopro-official"
    with (folder / "index.tsv").open() as f:
        official = [r["sharp"] for r in csv.DictReader(f, delimiter="\t")]
    return [(n, s) for n, _, s in load_pairs(validation=True)] + [(n, load_rgb(folder / n)) for n in official]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ckpt", type=Path, required=True)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--csv", type=Path, help="also write one row per image, length and angle")
    p.add_argument("--lengths", default=",".join(map(str, LENGTHS)), help="comma-separated shake lengths (px)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    g, state = load_generator(a.ckpt)
    images = targets()
    lengths = [int(v) for v in a.lengths.split(",")]
    margin = max(lengths) // 2 + 8
    rows = []
    for length in lengths:
        for angle in ANGLES:
            k = line_kernel(length, angle)
            for name, sharp in images:
                blurred = blur_stored(sharp, k)
                out = restore_u8(g, blurred)
                c = (slice(margin, -margin), slice(margin, -margin))
                rows.append({"length": length, "angle": angle, "image": name,
                             "in_psnr": psnr_u8(blurred[c], sharp[c]), "out_psnr": psnr_u8(out[c], sharp[c])})
    print(f"checkpoint {a.ckpt} (step {state['step']}); {len(images)} images x {len(ANGLES)} angles per length\n")
    print("| length (px) | input PSNR | output PSNR | gain | worst gain | best gain |")
    print("|---|---|---|---|---|---|")
    for length in lengths:
        sel = [r for r in rows if r["length"] == length]
        i, o = np.mean([r["in_psnr"] for r in sel]), np.mean([r["out_psnr"] for r in sel])
        if np.isinf(i):  # length 1: the input is the target; what is left to read is the damage done
            print(f"| {length} (no blur) | ∞ | {o:.2f} | — | worst output {min(r['out_psnr'] for r in sel):.2f} | — |")
            continue
        gains = [r["out_psnr"] - r["in_psnr"] for r in sel]
        print(f"| {length} | {i:.2f} | {o:.2f} | {o - i:+.2f} | {min(gains):+.2f} | {max(gains):+.2f} |")
    if a.csv:
        with a.csv.open("w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)


if __name__ == "__main__":
    main()
