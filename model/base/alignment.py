"""Where a pair's sharp target sits against its blur: global kernel estimate, its centroid, and
the target moved onto the blur's centroid.

The four GOPR0374 validation pairs average 8 or 10 frames and take frame S + N//2 as the target:
half a frame after the exposure's temporal middle. A blurred image does not tell which way time
ran, so a model whose output is aligned with its input (ours: odd frame counts, centred kernels,
docs/decisions.md "Training pairs must be aligned") is scored against a target 1.9-2.6 px away.
Scoring against the target moved to the blur's centroid measures the deblurring itself.
"""
from __future__ import annotations

import numpy as np

from data import SRGB_TO_LINEAR

RADIUS = 60  # px: larger than any GoPro-pair blur measured (52 px)
LEVIN_RADIUS = 25  # px: Levin's kernels are at most 27 px wide, its images 255 px


def estimate_kernel(blurred: np.ndarray, sharp: np.ndarray, radius: int = RADIUS) -> np.ndarray:
    """One global kernel K with blurred = K * sharp (grey, linear light, Hann-windowed Wiener
    least squares): u8 HWC pair -> normalised (2r+1)² kernel, negative taps dropped."""
    b, s = (SRGB_TO_LINEAR[im].mean(axis=2) for im in (blurred, sharp))
    b, s = b - b.mean(), s - s.mean()
    window = np.outer(np.hanning(b.shape[0]), np.hanning(b.shape[1]))  # no edge wrap-around
    fb, fs = np.fft.fft2(b * window), np.fft.fft2(s * window)
    damping = 1e-6 * np.abs(fs).max() ** 2  # Wiener term: frequencies sharp lacks do not explode
    k = np.fft.fftshift(np.real(np.fft.ifft2(np.conj(fs) * fb / (np.abs(fs) ** 2 + damping))))
    cy, cx = k.shape[0] // 2, k.shape[1] // 2
    k = k[cy - radius:cy + radius + 1, cx - radius:cx + radius + 1].clip(0)
    return k / k.sum()


def extent(k: np.ndarray, level: float = 0.1) -> tuple[int, int]:
    """(width, height) in px of the taps above `level` x the peak."""
    ys, xs = np.nonzero(k > level * k.max())
    return int(np.ptp(xs)) + 1, int(np.ptp(ys)) + 1


def centroid(k: np.ndarray, level: float = 0.05) -> tuple[float, float]:
    """(dy, dx) of the kernel's centre of mass from its centre pixel; taps under `level` x the
    peak (estimation noise spread over the whole window) are left out."""
    k = np.where(k > level * k.max(), k, 0.0)
    ys, xs = np.indices(k.shape)
    r = k.shape[0] // 2
    return float((k * ys).sum() / k.sum() - r), float((k * xs).sum() / k.sum() - r)


def fourier_shift(img_u8: np.ndarray, dy: float, dx: float, pad: int = 32) -> np.ndarray:
    """Sub-pixel shift (content moves by +dy, +dx) without interpolation blur; reflect padding
    keeps the wrap-around of the FFT out of the image."""
    x = np.pad(img_u8.astype(np.float64), ((pad, pad), (pad, pad), (0, 0)), mode="reflect")
    fy = np.fft.fftfreq(x.shape[0])[:, None, None]
    fx = np.fft.fftfreq(x.shape[1])[None, :, None]
    phase = np.exp(-2j * np.pi * (fy * dy + fx * dx))
    out = np.real(np.fft.ifft2(np.fft.fft2(x, axes=(0, 1)) * phase, axes=(0, 1)))[pad:-pad, pad:-pad]
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def centred_target(blurred: np.ndarray, sharp: np.ndarray,
                   radius: int = RADIUS) -> tuple[np.ndarray, tuple[float, float]]:
    """The sharp target moved onto the blur's centroid, and the (dy, dx) it was moved by."""
    dy, dx = centroid(estimate_kernel(blurred, sharp, radius))
    return fourier_shift(sharp, dy, dx), (dy, dx)


def centred_pairs(pairs: list[tuple[str, np.ndarray, np.ndarray]],
                  radius: int = RADIUS) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(name, blurred, sharp) pairs with each target moved onto its blur's centroid."""
    return [(n, b, centred_target(b, s, radius)[0]) for n, b, s in pairs]
