"""Whole-image PSNR/SSIM of blurred input vs generator output (PyTorch side).

  python3 model/base/evaluate.py --ckpt /work/ckpt/base/best.pt [--sets val,gopro-official,levin]
Sets: val = the four GOPR0374 pairs of gopro-train-pairs/ (never trained on); val-centred = the
same with each target moved onto its blur's centroid (alignment.py);
gopro-official/ and levin/ (grey images run as 3 equal channels) are evaluation-only sets;
levin-centred = Levin with centred targets (as `estimate_kernels.py --from levin --centred-set`).
--strength A scores input + A x (output - input) (the app's strength slider past 1 included);
--self-ensemble averages the outputs of the 8 flips/transposes (test-time augmentation);
--coarse-to-fine first deblurs a half-size copy and adds its upsampled residual; --passes N runs g N times.
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

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


class Strength(nn.Module):
    """input + a x (g(input) - input): what the app's strength does to the whole image."""

    def __init__(self, g: nn.Module, a: float) -> None:
        super().__init__()
        self.g, self.a = g, a

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.a * (self.g(x) - x)


class SelfEnsemble(nn.Module):
    """Mean of g over the 8 flips/transposes of the input, each output turned back."""

    def __init__(self, g: nn.Module) -> None:
        super().__init__()
        self.g = g

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        outs = []
        for k in range(8):
            y = x.flip(2) if k & 1 else x
            y = y.flip(3) if k & 2 else y
            y = y.transpose(2, 3) if k & 4 else y
            o = self.g(y)
            o = o.transpose(2, 3) if k & 4 else o
            o = o.flip(3) if k & 2 else o
            outs.append(o.flip(2) if k & 1 else o)
        return torch.stack(outs).mean(0)


class CoarseToFine(nn.Module):
    """g at half size first (shake twice as short there, inside the net's reach), its residual
    upsampled onto the input, then g at full size: a test of whether reach limits the model."""

    def __init__(self, g: nn.Module) -> None:
        super().__init__()
        self.g = g

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        small = F.interpolate(x, scale_factor=0.5, mode="area")
        h, w = small.shape[-2:]
        padded = F.pad(small, (0, -w % 4, 0, -h % 4), mode="replicate")  # the net's 4-px multiple
        residual = (self.g(padded) - padded)[..., :h, :w]
        return self.g(x + F.interpolate(residual, size=x.shape[-2:], mode="bilinear", align_corners=False))


class Repeated(nn.Module):
    """g applied n times in a row."""

    def __init__(self, g: nn.Module, n: int) -> None:
        super().__init__()
        self.g, self.n = g, n

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for _ in range(self.n):
            x = self.g(x)
        return x


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ckpt", type=Path, default=Path("/work/ckpt/base/best.pt"))
    p.add_argument("--sets", default="val,gopro-official")
    p.add_argument("--per-image", action="store_true")
    p.add_argument("--strength", type=float, default=1.0)
    p.add_argument("--self-ensemble", action="store_true")
    p.add_argument("--coarse-to-fine", action="store_true")
    p.add_argument("--passes", type=int, default=1)
    a = p.parse_args()
    g, state = load_generator(a.ckpt)
    g = SelfEnsemble(g) if a.self_ensemble else g
    g = CoarseToFine(g) if a.coarse_to_fine else g
    g = Repeated(g, a.passes) if a.passes > 1 else g
    g = Strength(g, a.strength) if a.strength != 1.0 else g
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
