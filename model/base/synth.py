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
from shake_kernel import center_kernel, kernel_extent, rasterize, resize_kernel, scale_path, trajectory, uniform
from shake_warp import Warp, draw_warp, warp_average, warp_margin

SPEC = Path(__file__).resolve().parent / "synthesis-spec.json"
MILD_SPEC = Path(__file__).resolve().parent / "synthesis-spec-mild.json"
# A shake drawn too big for most photos would otherwise spin: give up with a clear error after this many.
PHOTO_DRAWS = 100


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


def boosted_linear(u8: np.ndarray, gain: float | None, threshold: float, transfer: str) -> np.ndarray:
    """u8 -> linear (per transfer) -> highlights above the threshold times gain."""
    lin = decode(u8, transfer)
    return lin if gain is None else np.where(lin > threshold, lin * gain, lin)


def blur_linear(sharp_big: np.ndarray, k: np.ndarray, gain: float | None, threshold: float,
                transfer: str = "srgb") -> np.ndarray:
    """The deterministic part of the recipe: boosted_linear -> valid blur."""
    return fft_convolve_valid(boosted_linear(sharp_big, gain, threshold, transfer), k)


# Levin et al.'s 8 kernels made the Levin test set's blurs: evaluation data, never training
# data, whatever a spec's types say (their type is "motion (real camera shake, …)").
EVALUATION_KERNELS = ("levin09_",)


def load_bank(spec: dict) -> list[np.ndarray]:
    """The measured kernels of the types the spec names, less the evaluation sets' own."""
    raw = json.loads((DATA / spec["bank"]["file"]).read_text())
    return [np.asarray(v["data"], dtype=np.float64) for name, v in raw.items()
            if any(t in v["type"] for t in spec["bank"]["types"]) and not name.startswith(EVALUATION_KERNELS)]


@dataclass
class Placement:
    """shake: a kernel or a warp; the crop with its margin is photo[y:y + size + kh - 1,
    x:x + size + kw - 1] (a warp: kh = kw = 2 margin + 1), the sharp target its centre part."""
    shake: np.ndarray | Warp
    photo: np.ndarray
    y: int
    x: int
    kh: int
    kw: int

    @property
    def top_left(self) -> tuple[int, int]:
        """Where the sharp crop starts in the photo."""
        return self.y + self.kh // 2, self.x + self.kw // 2

    def sharp(self, size: int) -> np.ndarray:
        top, left = self.top_left
        return self.photo[top:top + size, left:left + size]

    def big(self, size: int) -> np.ndarray:
        """The crop with the shake's margin: degrade's input."""
        return self.photo[self.y:self.y + size + self.kh - 1, self.x:self.x + size + self.kw - 1]

    def where(self, size: int) -> tuple[int, int, int, int, int, int]:
        """degrade's `place` (and warp_average's arguments after the warp): top, left, photo h, w, margin, size."""
        h, w = self.photo.shape[:2]
        return self.y, self.x, h, w, self.kh // 2, size


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
        return cls(spec, photos, load_bank(spec))

    def with_spec(self, spec_path: Path) -> "ShakeSynthesizer":
        """Another spec's shake on the same photos (no second copy of them in memory)."""
        spec = json.loads(spec_path.read_text())
        return ShakeSynthesizer(spec, self.photos, load_bank(spec))

    def kernel(self, rng: np.random.Generator) -> np.ndarray | Warp:
        return self.shake_and_source(rng)[0]

    def shake_and_source(self, rng: np.random.Generator) -> tuple[np.ndarray | Warp, str]:
        """A kernel (random trajectory or measured), or a path of warps (spec "warp"). With no
        warp weight the draws are those of the kernel-only recipe."""
        mix = self.spec["kernelMix"]
        total = mix["trajectory"] + mix["bank"] + mix.get("warp", 0.0)
        r = rng.random()
        if r < mix["trajectory"] / total or r >= (mix["trajectory"] + mix["bank"]) / total:
            t = self.spec["trajectory"]
            path = trajectory(rng, t)
            path = path[: max(2, int(len(path) * uniform(rng, t["exposure"])))]
            if r < mix["trajectory"] / total:
                return rasterize(scale_path(path, uniform(rng, t["extentPx"]))), "trajectory"
            w = self.spec["warp"]
            return draw_warp(rng, w, scale_path(path, uniform(rng, w["extentPx"]))), "warp"
        b = self.spec["bank"]
        k = center_kernel(resize_kernel(self.bank[int(rng.integers(len(self.bank)))], uniform(rng, b["maxExtentPx"])))
        return (np.rot90(k, int(rng.integers(4))) if b["randomRotate90"] else k), "bank"

    def degrade(self, rng: np.random.Generator, sharp_big: np.ndarray, k: np.ndarray | Warp,
                place: tuple[int, int, int, int, int, int] | None = None) -> np.ndarray:
        """sharp_big: u8 crop larger than the output by the kernel size - 1 (a warp: by its
        margin on each side; place = top, left, photo h, photo w, margin, size). Returns u8 blurred."""
        sat = self.spec["saturation"]
        # Pixels near white were likely clipped by the camera: give them more energy than 1.
        gain = uniform(rng, sat["gain"]) if rng.random() < sat["probability"] else None
        transfer = self.spec["colour"]["transfer"]
        if isinstance(k, Warp):
            blurred = warp_average(boosted_linear(sharp_big, gain, sat["threshold"], transfer), k, *place)
        else:
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

    def _fitting_photo(self, rng: np.random.Generator, k: np.ndarray | Warp, size: int) -> tuple[np.ndarray, int, int]:
        """A random photo with room for the crop plus the shake's margin, and that margin as kernel
        sides. A photo too small for this draw's shake is passed over (small photos still serve
        smaller shakes); draws that fit consume the random stream exactly as before."""
        for _ in range(PHOTO_DRAWS):
            photo = self.photos[int(rng.integers(len(self.photos)))]
            h, w = photo.shape[:2]
            # A warp needs its margin on every side, like an odd kernel of side 2m + 1.
            kh, kw = (2 * warp_margin(k, h, w) + 1,) * 2 if isinstance(k, Warp) else k.shape
            if h >= size + kh - 1 and w >= size + kw - 1:
                return photo, kh, kw
        raise ValueError(f"no photo of {len(self.photos)} drawn in {PHOTO_DRAWS} tries has room for a "
                         f"{size}-px crop and a {kw}x{kh}-px shake: use larger photos or a smaller --size")

    def place(self, rng: np.random.Generator, size: int) -> Placement:
        """A shake and where it lands: a photo with room for it, and a textured crop in it."""
        k = self.kernel(rng)
        for _ in range(10):
            photo, kh, kw = self._fitting_photo(rng, k, size)
            h, w = photo.shape[:2]
            y, x = int(rng.integers(0, h - size - kh + 2)), int(rng.integers(0, w - size - kw + 2))
            placed = Placement(k, photo, y, x, kh, kw)
            if gradient_energy(placed.sharp(size)) >= self.spec["crop"]["minGradientEnergy"]:
                break
        return placed

    def degrade_placed(self, rng: np.random.Generator, p: Placement, size: int) -> np.ndarray:
        return self.degrade(rng, p.big(size), p.shake, p.where(size))

    def sample(self, rng: np.random.Generator, size: int) -> tuple[np.ndarray, np.ndarray]:
        p = self.place(rng, size)
        return self.degrade_placed(rng, p, size), np.ascontiguousarray(p.sharp(size))


def check(n: int, seed: int = 0) -> None:
    s, rng = ShakeSynthesizer.load(), np.random.default_rng(seed)
    d_lin, d_u8, ext = [], [], []
    for _ in range(n):
        ext.append(kernel_extent(s.kernel(rng)))
    for _ in range(n):
        b, sh = s.sample(rng, 128)
        d_lin.append(SRGB_TO_LINEAR[b].mean() - SRGB_TO_LINEAR[sh].mean())
        d_u8.append(b.astype(float).mean() - sh.astype(float).mean())
    print(f"kernel extent px: median {np.median(ext):.0f}, p90 {np.percentile(ext, 90):.0f}, max {max(ext)}")
    print(f"mean brightness blurred - sharp: linear {np.mean(d_lin):+.5f}, 8-bit {np.mean(d_u8):+.3f} grey levels")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", type=int, default=100, help="samples for the statistics")
    ap.add_argument("--golden", type=Path, help="write the TS cross-check fixture here instead")
    args = ap.parse_args()
    if args.golden:
        from synth_golden import golden  # the fixture builder; imports this module
        golden(args.golden)
    else:
        check(args.check)
