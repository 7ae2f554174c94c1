"""The cross-check fixture for the TypeScript port of synth.py and shake_warp.py:
  python3 model/base/synth.py --golden test/fixtures/synth-golden.json
"""
from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np

from data import DATA, SRGB_TO_LINEAR, load_rgb
from shake_kernel import center_kernel, kernel_extent, rasterize, resize_kernel, scale_path
from shake_warp import Warp, resample_path, roll_path, warp_average, warp_margin
from synth import SPEC, ShakeSynthesizer, blur_linear, boosted_linear, encode_u8

# Fixture for the TypeScript port (test/unit/train/synth-*.test.ts). The two sides draw from
# different RNGs, so only the deterministic chain is compared exactly (noise and JPEG off);
# the random parts are compared through distribution statistics.
GOLDEN_PHOTO = "photos-extra/Kodak24/kodim08.png"  # PNG: both sides decode it bit-exactly
GOLDEN_CROP = {"left": 56, "top": 168, "size": 48}  # textured, with highlights above the threshold
GOLDEN_GAIN = 2.5
GOLDEN_RESIZE = [("kernels12_k10", 13.7), ("lai2016_kernel_04", 21.3)]


def _kernel_json(k: np.ndarray) -> dict:
    return {"width": int(k.shape[1]), "height": int(k.shape[0]), "data": [float(v) for v in k.ravel()]}


STORED_SPEC = "synthesis-spec-gopro-stored.json"


def _brightness(s: "ShakeSynthesizer", rng: np.random.Generator, seed: int) -> dict:
    """Mean-brightness change, blurred - sharp, over 200 random 64-px samples."""
    d_lin, d_u8 = [], []
    for _ in range(200):
        b, sh = s.sample(rng, 64)
        d_lin.append(float(SRGB_TO_LINEAR[b].mean() - SRGB_TO_LINEAR[sh].mean()))
        d_u8.append(float(b.astype(float).mean() - sh.astype(float).mean()))
    return {"samples": len(d_u8), "crop": 64, "seed": seed, "meanLinear": float(np.mean(d_lin)),
            "meanU8": float(np.mean(d_u8)), "medianU8": float(np.median(d_u8)),
            "p10U8": float(np.percentile(d_u8, 10)), "p90U8": float(np.percentile(d_u8, 90))}


WARP_SPEC = "synthesis-spec-gopro-warp.json"


def _warp_cases(photo: np.ndarray, points: np.ndarray, thr: float) -> dict:
    """A fixed warp (the curl resampled to 24 poses, scaled to 14 px, a 1.2 deg roll) on a crop far
    from the photo centre, where roll matters, through both transfers, with and without boost."""
    path = resample_path(scale_path(points, 14.0), 24)
    theta = roll_path(24, np.deg2rad(1.2), -np.deg2rad(0.5))
    w = Warp(path.real.copy(), path.imag.copy(), theta)
    h, wd = photo.shape[:2]
    size, top, left = 40, 20, 30
    m = warp_margin(w, h, wd)
    big = photo[top:top + size + 2 * m, left:left + size + 2 * m]
    cases = []
    for transfer in ("srgb", "identity"):
        for gain in (None, 2.5):
            lin = warp_average(boosted_linear(big, gain, thr, transfer), w, top, left, h, wd, m, size)
            cases.append({"transfer": transfer, "saturationGain": gain, "u8": base64.b64encode(encode_u8(lin, transfer).tobytes()).decode()})
    return {"curlExtent": 14.0, "poses": 24, "rollSwingDeg": 1.2, "rollBendDeg": -0.5,
            "dx": w.dx.tolist(), "dy": w.dy.tolist(), "theta": w.theta.tolist(), "margin": m,
            "top": top, "left": left, "size": size, "cases": cases}


def golden(out: Path, seed: int = 0) -> None:
    s = ShakeSynthesizer.load()
    raw = json.loads((DATA / s.spec["bank"]["file"]).read_text())
    line = np.full((1, 7), 1 / 7)
    ell = np.zeros((5, 5))
    ell[:, 0], ell[4, :] = [1, 2, 3, 4, 5], [5, 4, 3, 2, 1]  # asymmetric: catches a flipped kernel
    ell /= ell.sum()
    bank_name, bank_extent = GOLDEN_RESIZE[0]
    kernels = [("line-7x1", line, None), ("l-shape-5x5", ell, None),
               (f"{bank_name}-rot90", np.rot90(center_kernel(resize_kernel(np.asarray(raw[bank_name]["data"]), bank_extent)), 1),
                {"name": bank_name, "extent": bank_extent, "rot90": 1})]
    photo = load_rgb(DATA / GOLDEN_PHOTO)
    c, thr = GOLDEN_CROP, s.spec["saturation"]["threshold"]
    chain = []
    for name, k, bank in kernels:
        kh, kw = k.shape
        y, x = c["top"] - kh // 2, c["left"] - kw // 2  # as sample(): the sharp crop is big[kh//2:, kw//2:]
        big = photo[y:y + c["size"] + kh - 1, x:x + c["size"] + kw - 1]
        for transfer in ("srgb", "identity"):
            for gain in (None, GOLDEN_GAIN):
                u8 = encode_u8(blur_linear(big, k, gain, thr, transfer), transfer)
                chain.append({"name": name, "kernel": _kernel_json(k), "bank": bank, "saturationGain": gain,
                              "transfer": transfer, "u8": base64.b64encode(u8.tobytes()).decode()})
    resized = [{"name": n, "extent": e, **_kernel_json(resize_kernel(np.asarray(raw[n]["data"]), e))} for n, e in GOLDEN_RESIZE]
    centered = [{"name": n, "extent": e, **_kernel_json(center_kernel(resize_kernel(np.asarray(raw[n]["data"]), e)))}
                for n, e in GOLDEN_RESIZE]
    t = np.linspace(0, 3 * np.pi, 60)
    points = t * np.exp(1j * t) + 0.3j * t  # a fixed curl
    path = {"points": [[float(p.real), float(p.imag)] for p in points], "extent": 9.3,
            **_kernel_json(rasterize(scale_path(points, 9.3)))}

    warp = _warp_cases(photo, points, thr)
    rng = np.random.default_rng(seed)
    draws = [s.shake_and_source(rng) for _ in range(500)]
    ext = [kernel_extent(k) for k, _ in draws]
    kernel_stats = {"draws": len(draws), "seed": seed, "medianExtent": float(np.median(ext)),
                    "p90Extent": float(np.percentile(ext, 90)), "bankShare": sum(src == "bank" for _, src in draws) / len(draws)}
    brightness = _brightness(s, rng, seed)
    # The stored-value variant (colour.transfer identity) through the whole random chain.
    stored = ShakeSynthesizer.load(SPEC.with_name(STORED_SPEC))
    brightness_stored = {"spec": STORED_SPEC, **_brightness(stored, np.random.default_rng(seed), seed)}
    warped = ShakeSynthesizer.load(SPEC.with_name(WARP_SPEC))
    wrng = np.random.default_rng(seed)
    warp_share = sum(warped.shake_and_source(wrng)[1] == "warp" for _ in range(400)) / 400
    brightness_warp = {"spec": WARP_SPEC, "warpShare": warp_share, **_brightness(warped, np.random.default_rng(seed), seed)}
    fixture = {"generatedBy": "python3 model/base/synth.py --golden test/fixtures/synth-golden.json",
               "specVersion": s.spec["version"], "photo": GOLDEN_PHOTO, "crop": c, "saturationThreshold": thr,
               "chain": chain, "resize": resized, "center": centered, "rasterize": path, "kernelStats": kernel_stats, "brightness": brightness,
               "brightnessStored": brightness_stored, "warp": warp, "brightnessWarp": brightness_warp}
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
    tmp.replace(out)  # atomic: a failed run never leaves half a fixture
    print(f"wrote {out} ({out.stat().st_size // 1024} kB): kernels {kernel_stats}, brightness {brightness}, stored {brightness_stored}")


