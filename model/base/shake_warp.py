"""Camera shake as a path of small camera motions, not one kernel: the sharp photo is warped by
each pose of the path (translation + roll about the photo's centre) and the warped frames are
averaged in linear light, as a sensor adds up light over the exposure. Roll makes the blur vary
across the photo (longer far from the centre), which no single kernel gives; issue 5 asks for this
"trajectory averaging of warped frames". Parameters: the spec's "warp" section (synthesis-spec.json);
mirrored by model/src/train/synth/shake-warp.ts and cross-checked through the golden fixture.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np



@dataclass
class Warp:
    """Per-pose offsets (px) and roll (radians), each with mean 0: the average pose is the
    identity, so the sharp target sits on the blur's centroid (as center_kernel does for kernels)."""
    dx: np.ndarray
    dy: np.ndarray
    theta: np.ndarray


def roll_path(poses: int, swing: float, bend: float) -> np.ndarray:
    """Roll over the exposure: a linear swing plus a bend, centred to mean 0."""
    s = (np.arange(poses) + 0.5) / poses - 0.5
    theta = swing * s + bend * s * s
    return theta - theta.mean()


def resample_path(path: np.ndarray, poses: int) -> np.ndarray:
    """`poses` points evenly spaced in time along the path (linear interpolation), centred."""
    at = np.linspace(0.0, len(path) - 1, poses)
    i = np.arange(len(path))
    p = np.interp(at, i, path.real) + 1j * np.interp(at, i, path.imag)
    return p - p.mean()


def draw_warp(rng: np.random.Generator, w: dict, path: np.ndarray) -> Warp:
    """w: the spec's "warp" section; path: a camera path cut to its exposure and scaled to its
    extent (synth.py draws it as for kernels). Then drawn here, in this order (mirrored in TS):
    the roll swing, its sign, the bend."""
    p = resample_path(path, w["poses"])
    swing = np.deg2rad(float(rng.uniform(*w["rollDeg"]))) * (1.0 if rng.random() < 0.5 else -1.0)
    bend = float(rng.uniform(-1.0, 1.0)) * swing
    return Warp(p.real.copy(), p.imag.copy(), roll_path(w["poses"], swing, bend))


def warp_margin(warp: Warp, photo_h: int, photo_w: int) -> int:
    """Pixels a crop anywhere in the photo must have around it: the farthest any pose moves a pixel."""
    reach = float(np.max(np.hypot(warp.dx, warp.dy))) + float(np.max(np.abs(warp.theta))) * 0.5 * np.hypot(photo_h, photo_w)
    return int(np.ceil(reach)) + 2


def bilinear(flat: np.ndarray, h: int, w: int, y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Samples of flat = image.reshape(h * w, C) at float positions (clamped to the edge cells)."""
    y0 = np.clip(np.floor(y), 0, h - 2)
    x0 = np.clip(np.floor(x), 0, w - 2)
    fy, fx = (y - y0)[:, None], (x - x0)[:, None]
    i = y0.astype(np.int64) * w + x0.astype(np.int64)
    # One gather per corner with take (not fancy indexing), then the same arithmetic in place:
    # 3.7x faster here and bit-identical (top = a + (b - a) fx, ...). The warps were 80 % of a
    # training sample's cost, which kept a lent GPU waiting on its data workers (README "Lent GPU").
    a, top = flat.take(i, axis=0), flat.take(i + 1, axis=0)
    top -= a
    top *= fx
    top += a
    i += w
    c, out = flat.take(i, axis=0), flat.take(i + 1, axis=0)
    out -= c
    out *= fx
    out += c  # bottom
    out -= top
    out *= fy
    out += top
    return out


def warp_average(lin_big: np.ndarray, warp: Warp, top: int, left: int, photo_h: int, photo_w: int,
                 margin: int, size: int) -> np.ndarray:
    """Mean over poses of the warped crop. lin_big = photo[top:top + size + 2m, left:...] in
    linear light; output pixel (i, j) is photo pixel (top + m + i, left + m + j). Pose k moves a
    point z (relative to the photo centre, x + iy) to e^{i theta} z + d, so its frame at y shows
    the photo at e^{-i theta} (y - d). Float64 throughout (the TS port matches it to ~1e-12)."""
    h, w, ch = lin_big.shape
    flat = lin_big.reshape(h * w, ch)
    cy, cx = (photo_h - 1) / 2, (photo_w - 1) / 2
    yy, xx = np.divmod(np.arange(size * size, dtype=np.float64), size)
    py, px = yy + (top + margin) - cy, xx + (left + margin) - cx
    acc = np.zeros((size * size, ch))
    for dx, dy, th in zip(warp.dx, warp.dy, warp.theta):
        c, s = np.cos(th), np.sin(th)
        qx, qy = px - dx, py - dy
        acc += bilinear(flat, h, w, c * qy - s * qx + cy - top, c * qx + s * qy + cx - left)
    return (acc / len(warp.dx)).reshape(size, size, ch)
