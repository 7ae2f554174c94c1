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
  python3 model/base/estimate_kernels.py --from levin [--centred-set /work/ckpt/levin-centred]
      # the same for the 32 Levin images (255², kernels <= 27 px: radius 25)
"""
from __future__ import annotations

import argparse
import csv
import os
from pathlib import Path

import numpy as np
from PIL import Image

from alignment import LEVIN_RADIUS, RADIUS, centred_target, centroid, estimate_kernel, extent, fourier_shift
from data import DATA, PAIRS_DIR, VAL_SEQUENCE, load_rgb, read_pairs_index
from metrics import psnr_u8

LEVIN_DIR = DATA / "levin"


def source_pairs(source: str) -> list[tuple[str, Path, Path, str]]:
    """(blurred name, blurred path, sharp path, input PSNR) of gopro-train-pairs/ or levin/."""
    if source == "levin":
        rows = csv.DictReader((LEVIN_DIR / "index.tsv").open(), delimiter="\t")
        return [(r["blurred"], LEVIN_DIR / r["blurred"], LEVIN_DIR / r["sharp"], r["input_psnr_db"]) for r in rows]
    return [(r["blurred"], PAIRS_DIR / r["blurred"], PAIRS_DIR / r["sharp"], r["input_psnr_db"])
            for r in read_pairs_index()]


def write_centred_set(out: Path, source: str) -> None:
    """index.tsv + centred targets (one per blurred image: the shift depends on its kernel); the
    blurred column points at the original files. Levin's grey targets stay grey."""
    out.mkdir(parents=True, exist_ok=True)
    radius = LEVIN_RADIUS if source == "levin" else RADIUS
    lines = ["blurred\tsharp\tcentroid_dy\tcentroid_dx"]
    for name, blurred, sharp, _ in source_pairs(source):
        if source != "levin" and not name.startswith(VAL_SEQUENCE):
            continue
        target, (dy, dx) = centred_target(load_rgb(blurred), load_rgb(sharp), radius)
        target_name = Path(name).stem + "_gt-centred.png"
        Image.fromarray(target[..., 0] if source == "levin" else target).save(out / target_name)
        lines.append(f"{os.path.relpath(blurred, out)}\t{target_name}\t{dy:.3f}\t{dx:.3f}")
    (out / "index.tsv").write_text("\n".join(lines) + "\n")
    print(f"wrote {len(lines) - 1} pairs to {out}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--png", type=Path, help="save the kernels side by side (peak = white)")
    ap.add_argument("--spec", type=Path, help="also print this synthesis spec's kernel extents")
    ap.add_argument("--centred-set", type=Path, help="write the GOPR0374 (or Levin) pairs with centred targets here")
    ap.add_argument("--from", dest="source", choices=["pairs", "levin"], default="pairs",
                    help="gopro-train-pairs/ (centred set: its GOPR0374 pairs) or levin/")
    a = ap.parse_args()
    if a.centred_set:
        write_centred_set(a.centred_set, a.source)
        return
    tiles, ceilings = [], []
    radius = LEVIN_RADIUS if a.source == "levin" else RADIUS
    print("pair\tinput_psnr_db\twidth_px\theight_px\tcentroid_dy\tcentroid_dx\tcentred_target_psnr_db")
    for name, blurred_path, sharp_path, input_psnr in source_pairs(a.source):
        blurred, sharp = load_rgb(blurred_path), load_rgb(sharp_path)
        k = estimate_kernel(blurred, sharp, radius)
        (w, h), (dy, dx) = extent(k), centroid(k)
        ceilings.append(psnr_u8(fourier_shift(sharp, dy, dx), sharp))
        print(f"{name}\t{input_psnr}\t{w}\t{h}\t{dy:+.2f}\t{dx:+.2f}\t{ceilings[-1]:.2f}")
        tiles.append((k / k.max() * 255).astype(np.uint8))
    print(f"mean centred-target PSNR (a perfect input-aligned deblurrer's score): {np.mean(ceilings):.2f} dB")
    if a.png:
        Image.fromarray(np.concatenate(tiles, axis=1)).save(a.png)
    if a.spec:
        from shake_kernel import kernel_extent
        from synth import ShakeSynthesizer  # local: loads the photos only when asked
        s, rng = ShakeSynthesizer.load(a.spec), np.random.default_rng(0)
        ext = [kernel_extent(s.kernel(rng)) for _ in range(300)]
        print(f"spec {a.spec.name}: extent p10 {np.percentile(ext, 10):.0f}, median {np.median(ext):.0f}, "
              f"p90 {np.percentile(ext, 90):.0f} px (300 draws)")


if __name__ == "__main__":
    main()
