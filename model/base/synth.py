"""Synthetic camera shake (parameters: synthesis-spec.json, mirrored by the TS fine-tuner).

sharp sRGB u8 -> linear (the spec's colour.transfer: "srgb" = the sRGB EOTF, physics;
"identity" = stored values as they are, which is how the official GoPro blur set and Levin's
blurs behave: they keep the sRGB mean, docs/decisions.md "Blur domain") -> boost highlights (they clip after blurring, as in real photos)
-> convolve with a shake kernel (Boracchi & Foi trajectory or a measured kernel, resized to the
spec's extent) -> Poisson-Gaussian noise -> clip -> sRGB -> u8 -> optional JPEG.
Kernels sum to 1, so mean linear brightness is preserved apart from clipping and noise.
  python3 model/base/synth.py --check 200   # brightness / length statistics
  python3 model/base/synth.py --golden test/fixtures/synth-golden.json   # cross-check fixture for the TS port
"""
from __future__ import annotations

import argparse
import base64
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from data import DATA, SRGB_TO_LINEAR, gradient_energy, image_files, linear_to_srgb, load_rgb, quantize_u8

SPEC = Path(__file__).resolve().parent / "synthesis-spec.json"


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


def fast_fft_length(n: int) -> int:
    """Smallest 5-smooth number >= n: pocketfft is 2-3x slower on lengths with large prime
    factors (a 256² crop plus a 56 px kernel needs 311, a prime)."""
    while True:
        m = n
        for p in (2, 3, 5):
            while m % p == 0:
                m //= p
        if m == 1:
            return n
        n += 1


def fft_convolve_valid(img: np.ndarray, k: np.ndarray) -> np.ndarray:
    """'valid' 2-D convolution of each channel of img (H, W, C) with k, via FFT. The transform
    is padded past the full size, which leaves the valid part unchanged (to ~1e-15)."""
    h, w = img.shape[:2]
    kh, kw = k.shape
    fh, fw = fast_fft_length(h + kh - 1), fast_fft_length(w + kw - 1)
    chw = np.ascontiguousarray(img.transpose(2, 0, 1))  # contiguous planes transform faster
    out = np.fft.irfft2(np.fft.rfft2(chw, s=(fh, fw)) * np.fft.rfft2(k, s=(fh, fw)), s=(fh, fw))
    return out[:, kh - 1:h, kw - 1:w].transpose(1, 2, 0)


IDENTITY_TO_LINEAR = np.arange(256, dtype=np.float32) / 255.0


def decode(u8: np.ndarray, transfer: str) -> np.ndarray:
    return (SRGB_TO_LINEAR if transfer == "srgb" else IDENTITY_TO_LINEAR)[u8].astype(np.float64)


def encode_u8(lin: np.ndarray, transfer: str) -> np.ndarray:
    x = np.clip(lin, 0, 1)
    return quantize_u8(linear_to_srgb(x) if transfer == "srgb" else x)


def blur_linear(sharp_big: np.ndarray, k: np.ndarray, gain: float | None, threshold: float,
                transfer: str = "srgb") -> np.ndarray:
    """The deterministic part of the recipe: u8 -> linear (per transfer) -> highlight boost -> valid blur."""
    lin = decode(sharp_big, transfer)
    if gain is not None:
        lin = np.where(lin > threshold, lin * gain, lin)
    return fft_convolve_valid(lin, k)


@dataclass
class ShakeSynthesizer:
    spec: dict
    photos: list[np.ndarray]
    bank: list[np.ndarray]

    @classmethod
    def load(cls, spec_path: Path | None = None, extra_dirs: tuple[Path, ...] = ()) -> "ShakeSynthesizer":
        """extra_dirs: more sharp photos beside the spec's sources (e.g. fetch-photos.sh output)."""
        spec = json.loads((spec_path or SPEC).read_text())
        dirs = [DATA / src for src in spec["sources"]] + list(extra_dirs)
        missing = [str(d) for d in dirs if not d.is_dir()]
        if missing:
            raise FileNotFoundError(f"photo folder(s) not found: {', '.join(missing)}")
        photos = [load_rgb(p) for d in dirs for p in image_files(d)]
        if not photos:
            raise FileNotFoundError(f"no .png/.jpg photos in {', '.join(str(d) for d in dirs)}")
        raw = json.loads((DATA / spec["bank"]["file"]).read_text())
        bank = [np.asarray(v["data"], dtype=np.float64) for v in raw.values()
                if any(t in v["type"] for t in spec["bank"]["types"])]
        return cls(spec, photos, bank)

    def kernel(self, rng: np.random.Generator) -> np.ndarray:
        return self.kernel_and_source(rng)[0]

    def kernel_and_source(self, rng: np.random.Generator) -> tuple[np.ndarray, str]:
        mix = self.spec["kernelMix"]
        if rng.random() < mix["trajectory"] / (mix["trajectory"] + mix["bank"]):
            t = self.spec["trajectory"]
            path = trajectory(rng, t)
            path = path[: max(2, int(len(path) * uniform(rng, t["exposure"])))]
            return rasterize(scale_path(path, uniform(rng, t["extentPx"]))), "trajectory"
        b = self.spec["bank"]
        k = center_kernel(resize_kernel(self.bank[int(rng.integers(len(self.bank)))], uniform(rng, b["maxExtentPx"])))
        return (np.rot90(k, int(rng.integers(4))) if b["randomRotate90"] else k), "bank"

    def degrade(self, rng: np.random.Generator, sharp_big: np.ndarray, k: np.ndarray) -> np.ndarray:
        """sharp_big: u8 crop larger than the output by the kernel size - 1. Returns u8 blurred."""
        sat = self.spec["saturation"]
        # Pixels near white were likely clipped by the camera: give them more energy than 1.
        gain = uniform(rng, sat["gain"]) if rng.random() < sat["probability"] else None
        transfer = self.spec["colour"]["transfer"]
        blurred = blur_linear(sharp_big, k, gain, sat["threshold"], transfer)
        nz = self.spec["noise"]
        peak = uniform(rng, nz["poissonPeak"])
        blurred = rng.poisson(np.clip(blurred, 0, None) * peak) / peak
        blurred = blurred + rng.normal(0, uniform(rng, nz["gaussianSigma"]), blurred.shape)
        u8 = encode_u8(blurred, transfer)
        jp = self.spec["jpeg"]
        if rng.random() < jp["probability"]:
            buf = io.BytesIO()
            Image.fromarray(u8).save(buf, format="JPEG", quality=int(rng.integers(jp["quality"][0], jp["quality"][1] + 1)))
            u8 = np.asarray(Image.open(buf).convert("RGB"))
        return u8

    def sample(self, rng: np.random.Generator, size: int) -> tuple[np.ndarray, np.ndarray]:
        k = self.kernel(rng)
        kh, kw = k.shape
        for _ in range(10):
            photo = self.photos[int(rng.integers(len(self.photos)))]
            h, w = photo.shape[:2]
            y, x = int(rng.integers(0, h - size - kh + 2)), int(rng.integers(0, w - size - kw + 2))
            big = photo[y:y + size + kh - 1, x:x + size + kw - 1]
            sharp = big[kh // 2:kh // 2 + size, kw // 2:kw // 2 + size]
            if gradient_energy(sharp) >= self.spec["crop"]["minGradientEnergy"]:
                break
        return self.degrade(rng, big, k), np.ascontiguousarray(sharp)


def check(n: int, seed: int = 0) -> None:
    s, rng = ShakeSynthesizer.load(), np.random.default_rng(seed)
    d_lin, d_u8, ext = [], [], []
    for _ in range(n):
        ext.append(_extent(s.kernel(rng)))
    for _ in range(n):
        b, sh = s.sample(rng, 128)
        d_lin.append(SRGB_TO_LINEAR[b].mean() - SRGB_TO_LINEAR[sh].mean())
        d_u8.append(b.astype(float).mean() - sh.astype(float).mean())
    print(f"kernel extent px: median {np.median(ext):.0f}, p90 {np.percentile(ext, 90):.0f}, max {max(ext)}")
    print(f"mean brightness blurred - sharp: linear {np.mean(d_lin):+.5f}, 8-bit {np.mean(d_u8):+.3f} grey levels")


# Fixture for the TypeScript port (test/unit/train/synth-*.test.ts). The two sides draw from
# different RNGs, so only the deterministic chain is compared exactly (noise and JPEG off);
# the random parts are compared through distribution statistics.
GOLDEN_PHOTO = "photos-extra/Kodak24/kodim08.png"  # PNG: both sides decode it bit-exactly
GOLDEN_CROP = {"left": 56, "top": 168, "size": 48}  # textured, with highlights above the threshold
GOLDEN_GAIN = 2.5
GOLDEN_RESIZE = [("levin09_k4", 13.7), ("lai2016_kernel_04", 21.3)]


def _kernel_json(k: np.ndarray) -> dict:
    return {"width": int(k.shape[1]), "height": int(k.shape[0]), "data": [float(v) for v in k.ravel()]}


def _extent(k: np.ndarray) -> int:
    ys, xs = np.nonzero(k > k.max() * 0.05)
    return int(max(np.ptp(ys), np.ptp(xs)) + 1)


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

    rng = np.random.default_rng(seed)
    draws = [s.kernel_and_source(rng) for _ in range(500)]
    ext = [_extent(k) for k, _ in draws]
    kernel_stats = {"draws": len(draws), "seed": seed, "medianExtent": float(np.median(ext)),
                    "p90Extent": float(np.percentile(ext, 90)), "bankShare": sum(src == "bank" for _, src in draws) / len(draws)}
    brightness = _brightness(s, rng, seed)
    # The stored-value variant (colour.transfer identity) through the whole random chain.
    stored = ShakeSynthesizer.load(SPEC.with_name(STORED_SPEC))
    brightness_stored = {"spec": STORED_SPEC, **_brightness(stored, np.random.default_rng(seed), seed)}
    fixture = {"generatedBy": "python3 model/base/synth.py --golden test/fixtures/synth-golden.json",
               "specVersion": s.spec["version"], "photo": GOLDEN_PHOTO, "crop": c, "saturationThreshold": thr,
               "chain": chain, "resize": resized, "center": centered, "rasterize": path, "kernelStats": kernel_stats, "brightness": brightness,
               "brightnessStored": brightness_stored}
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
    tmp.replace(out)  # atomic: a failed run never leaves half a fixture
    print(f"wrote {out} ({out.stat().st_size // 1024} kB): kernels {kernel_stats}, brightness {brightness}, stored {brightness_stored}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", type=int, default=100, help="samples for the statistics")
    ap.add_argument("--golden", type=Path, help="write the TS cross-check fixture here instead")
    args = ap.parse_args()
    if args.golden:
        golden(args.golden)
    else:
        check(args.check)
