"""Measure the camera-shake kernels of real blurred/sharp pairs, to calibrate synthesis-spec.json.

For each pair of gopro-train-pairs/ it estimates one global kernel K with blurred = K * sharp
(grey, linear light, Hann-windowed Wiener least squares) and prints its extent (the box of taps
above 10 % of the peak). Camera shake is global, so a pair whose blur comes from the camera
gives a crisp line or arc; object motion and parallax give a blurry star around a small peak.
  python3 model/base/estimate_kernels.py                      # all pairs
  python3 model/base/estimate_kernels.py --png /tmp/k.png     # also save the kernels side by side
  python3 model/base/estimate_kernels.py --spec synthesis-spec.json   # and the spec's extents
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from PIL import Image

from data import PAIRS_DIR, SRGB_TO_LINEAR, load_rgb, read_pairs_index

RADIUS = 60  # px: larger than any GoPro-pair blur measured (52 px)


def estimate_kernel(blurred: np.ndarray, sharp: np.ndarray, radius: int = RADIUS) -> np.ndarray:
    """u8 HWC pair -> normalised (2r+1)² kernel (negative taps dropped)."""
    b, s = (SRGB_TO_LINEAR[im].mean(axis=2) for im in (blurred, sharp))
    b, s = b - b.mean(), s - s.mean()
    window = np.outer(np.hanning(b.shape[0]), np.hanning(b.shape[1]))  # no edge wrap-around
    fb, fs = np.fft.fft2(b * window), np.fft.fft2(s * window)
    damping = 1e-6 * np.abs(fs).max() ** 2  # Wiener term: keeps frequencies sharp lacks from exploding
    k = np.fft.fftshift(np.real(np.fft.ifft2(np.conj(fs) * fb / (np.abs(fs) ** 2 + damping))))
    cy, cx = k.shape[0] // 2, k.shape[1] // 2
    k = k[cy - radius:cy + radius + 1, cx - radius:cx + radius + 1].clip(0)
    return k / k.sum()


def extent(k: np.ndarray, level: float = 0.1) -> tuple[int, int]:
    """(width, height) in px of the taps above `level` x the peak."""
    ys, xs = np.nonzero(k > level * k.max())
    return int(np.ptp(xs)) + 1, int(np.ptp(ys)) + 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--png", type=Path, help="save the kernels side by side (peak = white)")
    ap.add_argument("--spec", type=Path, help="also print this synthesis spec's kernel extents")
    a = ap.parse_args()
    tiles = []
    print("pair\tinput_psnr_db\twidth_px\theight_px")
    for row in read_pairs_index():
        k = estimate_kernel(load_rgb(PAIRS_DIR / row["blurred"]), load_rgb(PAIRS_DIR / row["sharp"]))
        w, h = extent(k)
        print(f"{row['blurred']}\t{row['input_psnr_db']}\t{w}\t{h}")
        tiles.append((k / k.max() * 255).astype(np.uint8))
    if a.png:
        Image.fromarray(np.concatenate(tiles, axis=1)).save(a.png)
    if a.spec:
        from synth import ShakeSynthesizer, _extent  # local: loads the photos only when asked
        s, rng = ShakeSynthesizer.load(a.spec), np.random.default_rng(0)
        ext = [_extent(s.kernel(rng)) for _ in range(300)]
        print(f"spec {a.spec.name}: extent p10 {np.percentile(ext, 10):.0f}, median {np.median(ext):.0f}, "
              f"p90 {np.percentile(ext, 90):.0f} px (300 draws)")


if __name__ == "__main__":
    main()
