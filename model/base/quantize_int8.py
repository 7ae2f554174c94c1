"""int8 trial for the shipped generator (issue 4: "fp32 vs fp16/int8 if quality holds <= 0.1 dB").

Static QDQ quantisation with onnxruntime's quantiser (pip `onnxruntime`, not needed by the app),
calibrated on crops of photos-extra/Kodak24 (never an evaluation set); then quality on the four
GOPR0374 validation pairs + gopro-official (whole images, reflect padding to the size multiple)
and speed of one 256^2 and 1024^2 tile at 2 threads, fp32 vs int8, in the same ORT version as
the app. Writes nothing into model/weights: the int8 file goes to --out.

  /work/venv-q/bin/python model/base/quantize_int8.py --out /tmp/unshake-base-int8.onnx
"""
import argparse
import csv
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort
from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
from PIL import Image

REPO = Path(__file__).resolve().parents[2]
DATA = REPO.parent / "shared" / "data"


def to_input(img: np.ndarray) -> np.ndarray:
    return (img.astype(np.float32) / 127.5 - 1.0).transpose(2, 0, 1)[None]


class KodakCrops(CalibrationDataReader):
    def __init__(self, n: int, size: int, seed: int = 0):
        rng = np.random.default_rng(seed)
        files = sorted((DATA / "photos-extra" / "Kodak24").glob("*.png"))
        if not files:
            raise SystemExit(f"no calibration photos in {DATA / 'photos-extra' / 'Kodak24'}")
        self.items = []
        for i in range(n):
            img = np.asarray(Image.open(files[i % len(files)]).convert("RGB"))
            y = rng.integers(0, img.shape[0] - size)
            x = rng.integers(0, img.shape[1] - size)
            self.items.append({"blurred": to_input(img[y:y + size, x:x + size])})
        self.it = iter(self.items)

    def get_next(self):
        return next(self.it, None)


def session(path: str, threads: int = 2) -> ort.InferenceSession:
    o = ort.SessionOptions()
    o.intra_op_num_threads = threads
    o.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(path, o, providers=["CPUExecutionProvider"])


def run_whole(s: ort.InferenceSession, img: np.ndarray, multiple: int = 4) -> np.ndarray:
    h, w = img.shape[:2]
    ph, pw = (-h) % multiple, (-w) % multiple
    padded = np.pad(img, ((0, ph), (0, pw), (0, 0)), mode="reflect")
    out = s.run(None, {"blurred": to_input(padded)})[0][0].transpose(1, 2, 0)[:h, :w]
    return np.clip(np.round((out + 1.0) * 127.5), 0, 255)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float(10 * np.log10(255.0 ** 2 / mse))


def pairs():
    for folder, only in (("gopro-train-pairs", "GOPR0374"), ("gopro-official", "")):
        with open(DATA / folder / "index.tsv") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                if row["blurred"].startswith(only):
                    yield folder, DATA / folder / row["blurred"], DATA / folder / row["sharp"]


def tile_seconds(s: ort.InferenceSession, t: int, runs: int = 5) -> float:
    x = {"blurred": np.random.default_rng(0).uniform(-1, 1, (1, 3, t, t)).astype(np.float32)}
    s.run(None, x)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        s.run(None, x)
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--model", default=str(REPO / "model" / "weights" / "unshake-base.onnx"))
    p.add_argument("--out", required=True)
    p.add_argument("--calib", type=int, default=24)
    a = p.parse_args()
    quantize_static(a.model, a.out, KodakCrops(a.calib, 256), quant_format=QuantFormat.QDQ,
                    per_channel=True, activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8)
    fp32, int8 = session(a.model), session(a.out)
    print("set\timage\tinput dB\tfp32 dB\tint8 dB\tint8-fp32 dB\tmax |int8-fp32| levels")
    deltas = []
    for folder, blurred, sharp in pairs():
        b = np.asarray(Image.open(blurred).convert("RGB"))
        g = np.asarray(Image.open(sharp).convert("RGB"))
        o32, o8 = run_whole(fp32, b), run_whole(int8, b)
        d = psnr(o8, g) - psnr(o32, g)
        deltas.append(d)
        print(f"{folder}\t{blurred.name}\t{psnr(b, g):.3f}\t{psnr(o32, g):.3f}\t{psnr(o8, g):.3f}\t{d:+.3f}\t{np.abs(o8 - o32).max():.0f}")
    print(f"mean int8 - fp32: {np.mean(deltas):+.3f} dB")
    for t in (256, 1024):
        s32, s8 = tile_seconds(fp32, t), tile_seconds(int8, t)
        print(f"tile {t}^2, 2 threads: fp32 {s32:.3f} s, int8 {s8:.3f} s ({s32 / s8:.2f}x)")


if __name__ == "__main__":
    main()
