"""Training/validation data: GoPro frame averaging, real GoPro pairs, synthetic shake.

All samples come out as float32 CHW arrays in [-1, 1] (the model's I/O convention).
Never reads gopro-official/ or levin/: those are evaluation-only sets.
"""
from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TypeVar

import numpy as np
from PIL import Image

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("UNSHAKE_DATA", REPO_ROOT.parent / "shared" / "data"))
FRAMES_DIR = DATA / "gopro-frames" / "GOPR0477_11_00"
PAIRS_DIR = DATA / "gopro-train-pairs"
VAL_SEQUENCE = "GOPR0374_11_00"  # its frames are not in gopro-frames/, so it is unseen
T = TypeVar("T")

# sRGB <-> linear light. Blur happens in linear light (photons add up), so averaging
# gamma-encoded values would darken highlights and shift colours.
_U8 = np.arange(256, dtype=np.float32) / 255.0
SRGB_TO_LINEAR = np.where(_U8 <= 0.04045, _U8 / 12.92, ((_U8 + 0.055) / 1.055) ** 2.4).astype(np.float32)


def linear_to_srgb(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return np.where(x <= 0.0031308, x * 12.92, 1.055 * np.power(x, 1 / 2.4) - 0.055).astype(np.float32)


def quantize_u8(srgb01: np.ndarray) -> np.ndarray:
    """Cameras store 8-bit files; rounding here keeps training inputs like real inputs."""
    return np.clip(np.rint(srgb01 * 255.0), 0, 255).astype(np.uint8)


def load_rgb(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"), dtype=np.uint8)


def image_files(folder: Path) -> list[Path]:
    """The PNG and JPEG files of a folder, sorted by name."""
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in (".png", ".jpg", ".jpeg"))


def to_model(u8_hwc: np.ndarray) -> np.ndarray:
    """uint8 HWC -> float32 CHW in [-1, 1]."""
    return (u8_hwc.astype(np.float32) / 127.5 - 1.0).transpose(2, 0, 1).copy()


def gradient_energy(u8_hwc: np.ndarray) -> float:
    """Mean absolute finite difference of the grey image (0..1 scale); low = sky, bokeh, walls."""
    g = u8_hwc.astype(np.float32).mean(axis=2) / 255.0
    return float(np.abs(np.diff(g, axis=0)).mean() + np.abs(np.diff(g, axis=1)).mean())


def augment(rng: np.random.Generator, *imgs: np.ndarray) -> list[np.ndarray]:
    """Same random flip/transpose for every image of a pair (8 dihedral variants)."""
    k = int(rng.integers(8))
    out = []
    for im in imgs:
        if k & 1:
            im = im[:, ::-1]
        if k & 2:
            im = im[::-1]
        if k & 4:
            im = im.transpose(1, 0, 2)
        out.append(np.ascontiguousarray(im))
    return out


def read_pairs_index() -> list[dict[str, str]]:
    index = PAIRS_DIR / "index.tsv"
    if not index.exists():
        raise FileNotFoundError(f"missing {index}: shared data not found at {DATA}")
    with index.open() as f:
        return list(csv.DictReader(f, delimiter="\t"))


def load_pairs(validation: bool) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(name, blurred u8 HWC, sharp u8 HWC); validation = the four GOPR0374 pairs
    (alignment.centred_pairs gives the same with centred targets)."""
    rows = [r for r in read_pairs_index() if (r["sequence"] == VAL_SEQUENCE) == validation]
    return [(r["blurred"], load_rgb(PAIRS_DIR / r["blurred"]), load_rgb(PAIRS_DIR / r["sharp"])) for r in rows]


def average_frames(stack: np.ndarray, space: str = "linear") -> tuple[np.ndarray, np.ndarray]:
    """(n, H, W, 3) uint8 consecutive frames -> (blurred, sharp): their mean rounded to 8 bits,
    and the middle frame. space "linear" averages in linear light (physics; the generator
    repository's pairs); "srgb" averages the stored values, as the official GoPro `blur` set and
    Levin's set behave (their blurs keep the sRGB mean, docs/decisions.md "Blur domain")."""
    if space == "srgb":
        return quantize_u8(stack.astype(np.float32).mean(axis=0) / 255.0), stack[len(stack) // 2]
    return quantize_u8(linear_to_srgb(SRGB_TO_LINEAR[stack].mean(axis=0))), stack[len(stack) // 2]


@dataclass
class FrameAverager:
    """GoPro recipe: mean of 7..13 consecutive 240 fps frames in linear light = blurred, the
    middle frame = sharp (odd counts only, so there is one middle frame). Frames stay uint8
    in memory (299 x 1280x720x3 = 0.8 GB)."""

    frames: np.ndarray  # (N, H, W, 3) uint8
    min_frames: int = 7
    max_frames: int = 13
    space: str = "linear"  # average_frames

    @classmethod
    def load(cls, directory: Path = FRAMES_DIR, frame_range: tuple[int, int] | None = None) -> "FrameAverager":
        """frame_range (first, end) keeps a stretch of the sequence, so another stretch can be held
        out (capacity_probe.py)."""
        files = sorted(directory.glob("*.jpg"))
        if frame_range is not None:
            files = files[frame_range[0]:frame_range[1]]
        if not files:
            raise FileNotFoundError(f"no frames in {directory}")
        return cls(np.stack([load_rgb(p) for p in files]))

    def sample(self, rng: np.random.Generator, size: int) -> tuple[np.ndarray, np.ndarray]:
        n_total, h, w, _ = self.frames.shape
        # Odd counts only: with an even count the "middle" frame is half a frame away from the
        # blur's centre in time, so the target is shifted against its input (the dataset's own
        # 8/10-frame pairs do that; pairs we generate need not).
        lo = self.min_frames | 1
        n = lo + 2 * int(rng.integers(0, (self.max_frames - lo) // 2 + 1))
        s = int(rng.integers(0, n_total - n + 1))
        y, x = int(rng.integers(0, h - size + 1)), int(rng.integers(0, w - size + 1))
        return average_frames(self.frames[s:s + n, y:y + size, x:x + size], self.space)


def random_crop(rng: np.random.Generator, size: int, *imgs: np.ndarray) -> list[np.ndarray]:
    h, w = imgs[0].shape[:2]
    y, x = int(rng.integers(0, h - size + 1)), int(rng.integers(0, w - size + 1))
    return [im[y:y + size, x:x + size] for im in imgs]


class TrainSampler:
    """Mixes sources by weight; rejects textureless crops (no signal to learn deblurring from).

    weights: {"frames": w, "pairs": w, "synth": w, "mild": w}; a source with weight 0 is not loaded.
    "mild" is synthetic shake from mild_spec (0-8 px, some none) on the same photos: nearly sharp
    inputs, which the net must learn to leave alone (length_sweep.py).
    min_energy 0.004 drops the flattest ~5 % of GoPro crops (their median is ~0.007).
    """

    def __init__(self, weights: dict[str, float], size: int, min_energy: float = 0.004,
                 synth_spec: Path | None = None, frames: tuple[int, int] = (7, 13),
                 photo_dirs: tuple[Path, ...] = (), frame_range: tuple[int, int] | None = None,
                 frame_space: str = "linear", centre_pairs: bool = False, mild_spec: Path | None = None) -> None:
        self.size, self.min_energy = size, min_energy
        self.names = [k for k, v in weights.items() if v > 0]
        p = np.array([weights[k] for k in self.names], dtype=np.float64)
        self.probs = p / p.sum()
        self.frames = FrameAverager.load(frame_range=frame_range) if "frames" in self.names else None
        if self.frames is not None:
            self.frames.min_frames, self.frames.max_frames = frames
            self.frames.space = frame_space
        self.pairs = load_pairs(validation=False) if "pairs" in self.names else None
        if self.pairs is not None and centre_pairs:
            # The pairs average 8 frames and take frame S + 4 as the target, half a frame off the
            # blur's centre in time (~2 px here): such a target teaches the net to keep some blur.
            from alignment import centred_pairs  # local import: alignment imports this module
            self.pairs = centred_pairs(self.pairs)
        self.synth = self.mild = None
        if "synth" in self.names or "mild" in self.names:
            from synth import MILD_SPEC, ShakeSynthesizer  # local import: optional dependency of the run
            self.synth = ShakeSynthesizer.load(synth_spec, photo_dirs)
            if "mild" in self.names:  # the same photos in memory, another spec
                self.mild = self.synth.with_spec(mild_spec or MILD_SPEC)

    def _draw(self, rng: np.random.Generator, source: str) -> tuple[np.ndarray, np.ndarray]:
        if source == "frames":
            return self.frames.sample(rng, self.size)
        if source == "pairs":
            _, b, s = self.pairs[int(rng.integers(len(self.pairs)))]
            b, s = random_crop(rng, self.size, b, s)
            return b, s
        return (self.mild if source == "mild" else self.synth).sample(rng, self.size)

    def _source(self, rng: np.random.Generator) -> str:
        return self.names[int(rng.choice(len(self.names), p=self.probs))]

    def sample(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        blurred, sharp = self._finished(rng, self._source(rng))
        return to_model(blurred), to_model(sharp)

    def _finished(self, rng: np.random.Generator, source: str) -> tuple[np.ndarray, np.ndarray]:
        """A textured, flipped (blurred, sharp) pair from one source, uint8 HWC."""
        blurred, sharp = self._textured(lambda: self._draw(rng, source), lambda drawn: drawn[1])
        return tuple(augment(rng, blurred, sharp))

    def _textured(self, draw: Callable[[], T], sharp_of: Callable[[T], np.ndarray]) -> T:
        """Draws until the sharp crop has texture, 10 tries at most (then keeps the last: a photo
        that is flat all over must not stall the run)."""
        for _ in range(10):
            drawn = draw()
            if gradient_energy(sharp_of(drawn)) >= self.min_energy:
                break
        return drawn

    def batch(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        pairs = [self.sample(rng) for _ in range(n)]
        return np.stack([p[0] for p in pairs]), np.stack([p[1] for p in pairs])

    def batch_parts(self, rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
        """A batch for `train.py --synth-on-device`: the frames and pairs samples finished
        ("blurred", "sharp": uint8 NHWC, a quarter of float32's bytes to pass between processes
        and to the device; batches.rendered converts them there), the synthetic ones as
        device_shake jobs to render there."""
        from device_shake import draw_job, jobs  # local import: device_shake imports synth, which imports this
        done, drawn = [], []
        for _ in range(n):
            source = self._source(rng)
            if source not in ("synth", "mild"):
                done.append(self._finished(rng, source))
                continue
            synth = self.mild if source == "mild" else self.synth
            placed = self._textured(lambda: synth.place(rng, self.size), lambda p: p.sharp(self.size))
            drawn.append(draw_job(rng, synth, placed))
        empty = np.zeros((0, self.size, self.size, 3), np.uint8)
        return {"blurred": np.stack([d[0] for d in done]) if done else empty,
                "sharp": np.stack([d[1] for d in done]) if done else empty, **jobs(drawn, self.size)}
