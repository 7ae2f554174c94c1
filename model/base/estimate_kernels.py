"""Measure the camera-shake kernels of real blurred/sharp pairs (alignment.py), to calibrate
synthesis-spec.json and to see where each sharp target sits against its blur.

Per pair of gopro-train-pairs/: the extent of its global kernel (taps above 10 % of the peak),
its centroid (where the target sits against the blur), and the PSNR a perfect, input-aligned
deblurrer would score against the dataset's target (the target moved to the blur's centroid,
scored against the target). Camera shake is global, so a camera-shake pair gives a crisp line
or arc; object motion and parallax give a blurry star around a small peak.
  python3 model/base/estimate_kernels.py                      # all pairs
  python3 model/base/estimate_kernels.py --png /tmp/k.png     # also save the kernels side by side
  python3 model/base/estimate_kernels.py --spec synthesis-spec.json   # and the spec's extents
  python3 model/base/estimate_kernels.py --centred-set /work/ckpt/val-centred
      # write the GOPR0374 pairs with centred targets, for `npm run eval -- --set DIR`
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np
from PIL import Image

from alignment import centred_target, centroid, estimate_kernel, extent, fourier_shift
from data import PAIRS_DIR, VAL_SEQUENCE, load_rgb, read_pairs_index
from metrics import psnr_u8


def write_centred_set(out: Path) -> None:
    """index.tsv + centred targets; the blurred column points at the original files."""
    out.mkdir(parents=True, exist_ok=True)
    lines = ["blurred\tsharp\tcentroid_dy\tcentroid_dx"]
    for row in read_pairs_index():
        if row["sequence"] != VAL_SEQUENCE:
            continue
        target, (dy, dx) = centred_target(load_rgb(PAIRS_DIR / row["blurred"]), load_rgb(PAIRS_DIR / row["sharp"]))
        name = row["sharp"].replace("_gt.png", "_gt-centred.png")
        Image.fromarray(target).save(out / name)
        lines.append(f"{os.path.relpath(PAIRS_DIR / row['blurred'], out)}\t{name}\t{dy:.3f}\t{dx:.3f}")
    (out / "index.tsv").write_text("\n".join(lines) + "\n")
    print(f"wrote {len(lines) - 1} pairs to {out}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--png", type=Path, help="save the kernels side by side (peak = white)")
    ap.add_argument("--spec", type=Path, help="also print this synthesis spec's kernel extents")
    ap.add_argument("--centred-set", type=Path, help="write the GOPR0374 pairs with centred targets here")
    a = ap.parse_args()
    if a.centred_set:
        write_centred_set(a.centred_set)
        return
    tiles = []
    print("pair\tinput_psnr_db\twidth_px\theight_px\tcentroid_dy\tcentroid_dx\tcentred_target_psnr_db")
    for row in read_pairs_index():
        blurred, sharp = load_rgb(PAIRS_DIR / row["blurred"]), load_rgb(PAIRS_DIR / row["sharp"])
        k = estimate_kernel(blurred, sharp)
        (w, h), (dy, dx) = extent(k), centroid(k)
        ceiling = psnr_u8(fourier_shift(sharp, dy, dx), sharp)
        print(f"{row['blurred']}\t{row['input_psnr_db']}\t{w}\t{h}\t{dy:+.2f}\t{dx:+.2f}\t{ceiling:.2f}")
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
