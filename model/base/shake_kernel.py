"""Shake kernels for synth.py (mirrored by the TS fine-tuner's shake-trajectory.ts and
shake-kernel.ts): Boracchi & Foi random trajectories rasterised into PSFs, and measured kernels
resized to the spec's extent and centred on their centroid."""
from __future__ import annotations

import numpy as np
from PIL import Image


def uniform(rng: np.random.Generator, lo_hi: list[float]) -> float:
    return float(rng.uniform(lo_hi[0], lo_hi[1]))


def trajectory(rng: np.random.Generator, t: dict) -> np.ndarray:
    """Boracchi & Foi (2012) random camera path: inertia, centripetal pull, Gaussian jitter
    and rare abrupt shakes. Returns complex positions; the shape only (see scale_path)."""
    n, length = t["samples"], t["pathLength"]
    anxiety, centripetal = uniform(rng, t["anxiety"]), uniform(rng, t["centripetal"])
    gauss, big = uniform(rng, t["gaussianTerm"]), uniform(rng, t["freqBigShakes"])
    step = length / (n - 1)
    v = np.exp(1j * rng.uniform(0, 2 * np.pi)) * (anxiety if anxiety > 0 else step)
    x = np.zeros(n, dtype=np.complex128)
    shakes = rng.random(n) < big * anxiety
    noise = rng.standard_normal(n) + 1j * rng.standard_normal(n)
    for k in range(n - 1):
        jump = 2 * v * np.exp(1j * (np.pi + (rng.random() - 0.5))) if shakes[k] else 0
        v = v + jump + anxiety * (gauss * noise[k] - centripetal * x[k]) * step
        v = v / (abs(v) + 1e-12) * step
        x[k + 1] = x[k] + v
    return x


def scale_path(points: np.ndarray, extent: float) -> np.ndarray:
    """The raw path curls, so its length says little about the blur; scale the path so the
    larger side of its bounding box is `extent` px (the spec calibrates this to real shake)."""
    span = max(np.ptp(points.real), np.ptp(points.imag), 1e-6)
    return points * (extent / span)


def splat_centred(dy: np.ndarray, dx: np.ndarray, w: np.ndarray, even_side: bool = False) -> np.ndarray:
    """Bilinear splat of weighted points, given relative to their centre, into a normalised
    kernel whose pixel (r, r) is that centre; r leaves a pixel beyond the farthest point.
    Odd side 2r + 1, or 2r + 2 (`even_side`: the trajectory kernels' side, last row and column empty)."""
    r = int(np.ceil(max(np.abs(dy).max(), np.abs(dx).max()))) + 1
    side = 2 * r + (2 if even_side else 1)
    k = np.zeros((side, side))
    py, px = dy + r, dx + r
    y0, x0 = np.floor(py).astype(int), np.floor(px).astype(int)
    fy, fx = py - y0, px - x0
    for oy, ox, f in ((0, 0, (1 - fx) * (1 - fy)), (0, 1, fx * (1 - fy)), (1, 0, (1 - fx) * fy), (1, 1, fx * fy)):
        np.add.at(k, (y0 + oy, x0 + ox), w * f)
    return k / k.sum()


def rasterize(points: np.ndarray) -> np.ndarray:
    """Bilinear splat of path samples into a normalised PSF (equal time per sample)."""
    p = points - points.mean()
    return splat_centred(p.imag, p.real, np.ones(len(p)), even_side=True)


def resize_kernel(k: np.ndarray, extent: float) -> np.ndarray:
    """Scale a measured kernel so its support spans ~extent px (real shake is mostly < 30 px)."""
    scale = min(1.0, extent / max(k.shape))
    size = max(3, int(round(max(k.shape) * scale)) | 1)
    out = np.asarray(Image.fromarray(k.astype(np.float32)).resize((size, size), Image.BILINEAR))
    out = np.clip(out, 0, None).astype(np.float64)
    return out / out.sum()


def center_kernel(k: np.ndarray) -> np.ndarray:
    """Move a kernel's centroid onto the centre pixel of an odd-sized kernel (bilinear splat of
    each tap, which keeps the centroid exact). Measured kernels sit up to ~7 px off centre; left
    there, the blurred crop is shifted against its sharp target and a model trained on it
    learns to smear instead of sharpen."""
    ys, xs = np.nonzero(k > 0)
    w = k[ys, xs]
    return splat_centred(ys - (w * ys).sum() / w.sum(), xs - (w * xs).sum() / w.sum(), w)


def kernel_extent(k: np.ndarray) -> int:
    ys, xs = np.nonzero(k > k.max() * 0.05)
    return int(max(np.ptp(ys), np.ptp(xs)) + 1)
