"""train.py's command line and its learning-rate schedule (also used by capacity_probe.py and the
smoke test), kept apart so the trainer itself stays one job."""
from __future__ import annotations

import argparse
import math
from pathlib import Path

import torch


def parse_args(argv: list[str] | None = None, description: str | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ckpt-dir", type=Path, default=Path("/work/ckpt/base"))
    p.add_argument("--minutes", type=float, default=60.0, help="wall-clock budget; saves and stops in time")
    p.add_argument("--max-steps", type=int, default=10 ** 9)
    p.add_argument("--phase", choices=["content", "gan"], default="content")
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--size", type=int, default=128, help="square crop edge, multiple of 4")
    p.add_argument("--lr", type=float, default=6e-4)
    p.add_argument("--warmup", type=int, default=300)
    p.add_argument("--cosine-steps", type=int, default=8000, help="cosine horizon (steps) after warm-up")
    p.add_argument("--cosine-minutes", type=float, default=0.0,
                   help="cosine horizon in wall-clock minutes of this call instead of steps (one-call GPU "
                        "budgets, where the step time is not known ahead); 0 = use --cosine-steps")
    p.add_argument("--mix", default="frames=0.8,pairs=0.2", help="source weights: frames, pairs, synth, mild")
    p.add_argument("--perceptual", type=float, default=0.0, help="weight of VGG conv3_3 L2 (gan: 100)")
    p.add_argument("--content", type=float, default=1.0, help="weight of the content term")
    p.add_argument("--content-loss", choices=["charbonnier", "rmse"], default="charbonnier",
                   help="content term: Charbonnier (smooth L1) or per-image RMSE (L2, what PSNR measures)")
    p.add_argument("--frequency", type=float, default=0.0, help="weight of the spectral L1 term (losses.frequency_l1)")
    p.add_argument("--centre-pairs", action="store_true",
                   help="train on the GoPro pairs with each target moved onto its blur's centroid (alignment.py)")
    p.add_argument("--adversarial", type=float, default=1.0, help="weight of the WGAN generator term (gan phase)")
    p.add_argument("--n-critic", type=int, default=5)
    p.add_argument("--val-every", type=int, default=1000)
    p.add_argument("--val-pairs", type=int, default=4, help="how many GOPR0374 pairs to validate on")
    p.add_argument("--val-crop", type=int, default=0, help="centre crop edge for validation (0 = whole image)")
    p.add_argument("--ckpt-every", type=int, default=500)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--echo", type=int, default=1,
                   help="train on each batch this many times, under other flips/rotations (batches.echoed; "
                        "a GPU waiting on its data workers); 1 = off")
    p.add_argument("--synth-on-device", action="store_true",
                   help="render the synth and mild samples on the training device (device_shake.py): the "
                        "workers only draw them; for a GPU that would otherwise wait on its data workers")
    p.add_argument("--workers", type=int, default=0,
                   help="data worker processes (0 = one thread; a GPU needs many, batches.py)")
    p.add_argument("--amp", choices=["off", "bf16"], default="off",
                   help="bf16 autocast for the forward passes (GPU; emulated and slow on this CPU)")
    # GOPR0477 averages of 7-13 frames give 32 dB inputs on average, 20-28 frames ~24.8 dB like the
    # GOPR0374 validation pairs (24.35 dB): the range sets how large a blur the model sees.
    p.add_argument("--frames", default="7,13", help="min,max consecutive frames averaged per blurred sample")
    p.add_argument("--frame-average", choices=["linear", "srgb"], default="linear",
                   help="average the frames in linear light or in stored sRGB values (data.average_frames)")
    p.add_argument("--frame-range", default="", help="first,end: train on this stretch of the 299 frames only")
    p.add_argument("--base", type=int, default=32, help="generator head width (encoder: 2x, 4x)")
    p.add_argument("--growth", type=int, default=32, help="channels each dense layer adds")
    p.add_argument("--dense-conv", choices=["separable", "full"], default="separable",
                   help="DenseBlock convs: depthwise-separable (paper) or full 3x3")
    p.add_argument("--dilations", default="1",
                   help="dilation cycle of the DenseBlock's 3x3 convs, e.g. 1,2,4 (architecture.py)")
    p.add_argument("--residual", choices=["srgb", "linear"], default="linear",
                   help="add the generator's residual in sRGB or in linear light (architecture.py)")
    p.add_argument("--synth-spec", type=Path, default=None,
                   help="synthetic-shake spec JSON for the synth source (default: synthesis-spec.json)")
    p.add_argument("--mild-spec", type=Path, default=None,
                   help="spec for the mild source (default: synthesis-spec-mild.json, 0-8 px shake)")
    p.add_argument("--photos", type=Path, action="append", default=[],
                   help="extra folder of sharp photos for the synth source (repeatable; e.g. fetch-photos.sh DEST)")
    p.add_argument("--ema", type=float, default=0.0,
                   help="keep an exponential moving average of the generator with this decay (e.g. 0.999); "
                        "validation, best.pt and export then use it (0 = off)")
    p.add_argument("--init", type=Path, help="start generator weights from this checkpoint (new run)")
    return p.parse_args(argv)


def lr_at(step: int, a: argparse.Namespace, elapsed_s: float = 0.0) -> float:
    """Linear warm-up over a.warmup steps, then cosine to 2 % of the peak over a.cosine_steps steps,
    or over a.cosine_minutes of wall clock (elapsed_s: seconds since this call's training began)."""
    if step < a.warmup:
        return a.lr * (step + 1) / a.warmup
    if a.cosine_minutes > 0:
        t = min(1.0, elapsed_s / (a.cosine_minutes * 60))
    else:
        t = min(1.0, (step - a.warmup) / max(1, a.cosine_steps))
    return a.lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * t)))  # floor at 2 % of peak
