"""How blurred images differ from their targets in brightness and noise, on the evaluation sets and
on the training sources (docs/decisions.md "Blur domain"):

  python3 model/base/blur_stats.py [--samples 300] [--photos /work/photos] [--specs a.json,b.json]

Brightness: mean of blurred - sharp, in 8-bit sRGB levels and in % of the linear-light mean (a
blur that adds light up in linear light keeps the second; one on stored values keeps the first).
Noise: Immerkaer's estimate on the grey blurred image (levels; it also counts fine texture, so
compare the rows, do not read it as a sensor sigma).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from data import SRGB_TO_LINEAR, TrainSampler, load_pairs  # noqa: E402
from evaluate import load_index_set  # noqa: E402

HERE = Path(__file__).resolve().parent
BORDER = 30  # a blur pulls in content from outside the frame at the borders


def immerkaer(u8: np.ndarray) -> float:
    g = u8.astype(np.float64).mean(axis=2)
    c = (g[:-2, :-2] + g[:-2, 2:] + g[2:, :-2] + g[2:, 2:]
         - 2 * (g[:-2, 1:-1] + g[2:, 1:-1] + g[1:-1, :-2] + g[1:-1, 2:]) + 4 * g[1:-1, 1:-1])
    return float(np.sqrt(np.pi / 2) / 6 * np.abs(c).mean())


def row(name: str, pairs: list[tuple[np.ndarray, np.ndarray]]) -> str:
    d_u8, d_lin, noise = [], [], []
    for b, s in pairs:
        d_u8.append(b.astype(np.float64).mean() - s.astype(np.float64).mean())
        d_lin.append((SRGB_TO_LINEAR[b].mean() - SRGB_TO_LINEAR[s].mean()) / max(float(SRGB_TO_LINEAR[s].mean()), 1e-9) * 100)
        noise.append(immerkaer(b))
    return (f"| {name} | {len(pairs)} | {np.mean(d_u8):+.2f} | {np.median(d_u8):+.2f} | {np.mean(d_lin):+.2f} % | "
            f"{np.mean(noise):.2f} |")


def trimmed(pairs) -> list[tuple[np.ndarray, np.ndarray]]:
    c = (slice(BORDER, -BORDER), slice(BORDER, -BORDER))
    return [(b[c], s[c]) for _, b, s in pairs]


def sampled(sampler: TrainSampler, n: int, rng: np.random.Generator) -> list[tuple[np.ndarray, np.ndarray]]:
    to_u8 = lambda x: np.clip(np.rint((x.transpose(1, 2, 0) + 1) * 127.5), 0, 255).astype(np.uint8)  # noqa: E731
    return [tuple(to_u8(x) for x in sampler.sample(rng)) for _ in range(n)]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--samples", type=int, default=300, help="random 128-px samples per training source")
    p.add_argument("--photos", type=Path, action="append", default=[], help="extra sharp photos for the synthetic rows")
    p.add_argument("--specs", default="synthesis-spec-gopro.json,synthesis-spec-gopro-stored.json,synthesis-spec-gopro-clean.json")
    a = p.parse_args()
    print("| source | images | blurred - sharp, sRGB levels (mean) | (median) | linear light | noise (Immerkaer) |")
    print("|---|---|---|---|---|---|")
    for name in ("gopro-official", "levin"):
        print(row(name, trimmed(load_index_set(name))), flush=True)
    print(row("GOPR0374 (validation)", trimmed(load_pairs(True))), flush=True)
    print(row("GOPR0477 training pairs", trimmed(load_pairs(False))), flush=True)
    rng = np.random.default_rng(0)
    for space in ("linear", "srgb"):
        s = TrainSampler({"frames": 1}, 128, frames=(13, 31), frame_space=space)
        print(row(f"13-31-frame averages, {space}", sampled(s, a.samples, rng)), flush=True)
    for spec in a.specs.split(","):
        s = TrainSampler({"synth": 1}, 128, synth_spec=HERE / spec, photo_dirs=tuple(a.photos))
        print(row(f"synthetic, {spec}", sampled(s, a.samples, rng)), flush=True)


if __name__ == "__main__":
    main()
