"""Can the generator learn at all? Fit 40 fixed heavy-blur GoPro crops and report PSNR per 100 steps.

A net that cannot gain on 40 crops it sees 60 times each will not gain on validation either: this
is the check that found PyTorch's default conv init starving the deep path (docs/decisions.md
"Variance-preserving init"). Compare inits:
  python3 model/base/learning_check.py --init default
  python3 model/base/learning_check.py --init variance-preserving
(~2.5 min each on 2 CPU threads with jemalloc, see README.md).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from architecture import Generator, GeneratorConfig  # noqa: E402
from data import FrameAverager, average_frames, gradient_energy, to_model  # noqa: E402
from losses import charbonnier  # noqa: E402


def heavy_blur_crops(count: int, size: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Averages of 11-21 frames from the fast-moving end of GOPR0477 (frames 190+), textured only."""
    frames = FrameAverager.load().frames
    rng = np.random.default_rng(seed)
    blurred, sharp = [], []
    while len(blurred) < count:
        n = int(rng.choice([11, 15, 21]))
        s = int(rng.integers(190, len(frames) - n))
        y, x = int(rng.integers(0, frames.shape[1] - size)), int(rng.integers(0, frames.shape[2] - size))
        b, t = average_frames(frames[s:s + n, y:y + size, x:x + size])
        if gradient_energy(t) < 0.01:
            continue
        blurred.append(to_model(b))
        sharp.append(to_model(t))
    return torch.from_numpy(np.stack(blurred)), torch.from_numpy(np.stack(sharp))


def default_torch_init(model: nn.Module) -> None:
    """What Generator used before: every conv's own reset_parameters (uniform, a=sqrt(5))."""
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)) and m is not model.tail:
            m.reset_parameters()


def psnr(a: torch.Tensor, b: torch.Tensor) -> float:
    return float(10 * torch.log10(4.0 / ((a - b) ** 2).mean()))  # range [-1, 1]: peak-to-peak 2


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--init", choices=["default", "variance-preserving"], default="variance-preserving")
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--lr", type=float, default=6e-4)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    blurred, sharp = heavy_blur_crops(40, 128, seed=1)
    gen = Generator(GeneratorConfig())
    if a.init == "default":
        default_torch_init(gen)
    opt = torch.optim.Adam(gen.parameters(), lr=a.lr)
    rng, t0 = np.random.default_rng(2), time.time()
    print(f"init {a.init}: input PSNR {psnr(blurred, sharp):.2f} dB over the 40 crops", flush=True)
    for step in range(1, a.steps + 1):
        idx = torch.from_numpy(rng.choice(len(blurred), 8, replace=False))
        loss = charbonnier(gen(blurred[idx]), sharp[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if step % 100 == 0:
            with torch.no_grad():
                print(f"step {step}: output PSNR {psnr(gen(blurred), sharp):.2f} dB ({time.time() - t0:.0f} s)",
                      flush=True)


if __name__ == "__main__":
    main()
