"""Whole-image PSNR/SSIM of blurred input vs generator output (PyTorch side).

  python3 model/base/evaluate.py --ckpt /work/ckpt/base/best.pt [--sets val,gopro-official,levin]
Sets: val = the four GOPR0374 pairs of gopro-train-pairs/ (never trained on); val-centred = the
same with each target moved onto its blur's centroid (alignment.py);
gopro-official/ and levin/ (grey images run as 3 equal channels) are evaluation-only sets;
levin-centred = Levin with centred targets (as `estimate_kernels.py --from levin --centred-set`).
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from alignment import LEVIN_RADIUS, centred_pairs  # noqa: E402
from data import DATA, load_pairs, load_rgb  # noqa: E402
from export_onnx import load_generator  # noqa: E402
from metrics import evaluate_pairs  # noqa: E402


def load_index_set(name: str) -> list[tuple[str, np.ndarray, np.ndarray]]:
    folder = DATA / name
    with (folder / "index.tsv").open() as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    # load_rgb converts grey PNGs (Levin) to 3 equal channels, as the app would feed them.
    return [(r["blurred"], load_rgb(folder / r["blurred"]), load_rgb(folder / r["sharp"])) for r in rows]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ckpt", type=Path, default=Path("/work/ckpt/base/best.pt"))
    p.add_argument("--sets", default="val,gopro-official")
    p.add_argument("--per-image", action="store_true")
    a = p.parse_args()
    g, state = load_generator(a.ckpt)
    print(f"checkpoint {a.ckpt} (step {state['step']})\n")
    print("| set | images | input PSNR | output PSNR | gain | input SSIM | output SSIM |")
    print("|---|---|---|---|---|---|---|")
    for name in a.sets.split(","):
        if name.startswith("val"):
            pairs = centred_pairs(load_pairs(True)) if name == "val-centred" else load_pairs(True)
        elif name == "levin-centred":
            pairs = centred_pairs(load_index_set("levin"), LEVIN_RADIUS)
        else:
            pairs = load_index_set(name)
        r = evaluate_pairs(g, pairs)
        label = {"val": "GOPR0374 validation", "val-centred": "GOPR0374 validation, centred targets",
                 "levin-centred": "Levin, centred targets"}.get(name, name)
        print(f"| {label} | {len(pairs)} | {r['in_psnr']:.2f} | {r['out_psnr']:.2f} | "
              f"{r['out_psnr'] - r['in_psnr']:+.2f} | {r['in_ssim']:.4f} | {r['out_ssim']:.4f} |", flush=True)
        if a.per_image:
            for row in r["rows"]:
                print(f"|  {row['name']} | 1 | {row['in_psnr']:.2f} | {row['out_psnr']:.2f} | "
                      f"{row['out_psnr'] - row['in_psnr']:+.2f} | {row['in_ssim']:.4f} | {row['out_ssim']:.4f} |")


if __name__ == "__main__":
    main()
