"""device_shake.py against synth.py on the same draws (run by smoke_test.py; alone it also times
both renderings on this machine):
  python3 model/base/device_shake_check.py [--size 256 --batch 16 --device cpu]
- blur in linear light (kernels, measured kernels, warps; both transfers, highlight boost) within
  1e-5 of synth.py's float64 (pure arithmetic: the same sums in another order),
- the whole degradation (noise, 8-bit, JPEG) as strong as synth.py's: the same placements
  rendered both ways score the same PSNR against their targets within 0.5 dB on average,
- the JPEG round trip within 0.75 dB of Pillow's error at quality 85 and 95, 42 dB from Pillow's image,
- the flips as data.augment's, and the samples the workers finish unchanged on the way.
"""
from __future__ import annotations

import argparse
import io
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from batches import rendered
from data import DATA, TrainSampler, augment, image_files, load_rgb
from device_shake import draw_job, flip, jobs, render, render_linear
from jpeg_torch import jpeg_round_trip
from metrics import psnr_u8
from shake_warp import Warp, warp_average
from synth import ShakeSynthesizer, boosted_linear, fft_convolve_valid
from timing import device_seconds

HERE = Path(__file__).resolve().parent
WARP_SPEC = HERE / "synthesis-spec-gopro-clean-warp.json"


def draws(synth: ShakeSynthesizer, n: int, size: int, seed: int = 1) -> list[dict]:
    rng = np.random.default_rng(seed)
    return [draw_job(rng, synth, synth.place(rng, size)) for _ in range(n)]


def as_tensors(j: dict[str, np.ndarray], device: str = "cpu") -> dict[str, torch.Tensor]:
    return {k: torch.from_numpy(v).to(device) for k, v in j.items()}


def reference_linear(d: dict, size: int) -> np.ndarray:
    p = d["place"]
    lin = boosted_linear(p.big(size), None if d["gain"] == 1.0 else d["gain"], d["threshold"], "srgb" if d["srgb"] else "identity")
    if isinstance(p.shake, Warp):
        return warp_average(lin, p.shake, *p.where(size))
    return fft_convolve_valid(lin, p.shake)


def linear_matches(synth: ShakeSynthesizer, size: int = 96, n: int = 12) -> float:
    drawn = draws(synth, n, size)
    for i, d in enumerate(drawn[::3]):  # exercise the sRGB transfer and the highlight boost too
        d["srgb"], d["gain"] = True, 2.5 + i
    kinds = {type(d["place"].shake) for d in drawn}
    assert kinds == {Warp, np.ndarray}, f"draws should hold kernels and warps, got {kinds}"
    got = render_linear(as_tensors(jobs(drawn, size)), size).numpy().transpose(0, 2, 3, 1)
    worst = max(float(np.abs(g - reference_linear(d, size)).max()) for g, d in zip(got, drawn))
    assert worst < 1e-5, f"device blur differs from synth.py by {worst}"
    return worst


def degradation_matches(synth: ShakeSynthesizer, size: int = 96, n: int = 24) -> tuple[float, float]:
    """Mean PSNR (blurred vs sharp) over the same placements, synth.py's rendering and this one."""
    drawn = draws(synth, n, size, seed=2)
    rng = np.random.default_rng(3)
    cpu = []
    for d in drawn:
        cpu.append(psnr_u8(synth.degrade_placed(rng, d["place"], size), d["place"].sharp(size)))
    for d in drawn:
        d["flip"] = 0
    torch.manual_seed(0)
    b, s = render(as_tensors(jobs(drawn, size)), size)
    dev = [psnr_u8((bb + 1) * 127.5, (ss + 1) * 127.5) for bb, ss in zip(b.numpy(), s.numpy())]
    assert abs(np.mean(cpu) - np.mean(dev)) < 0.5, f"synth.py {np.mean(cpu):.2f} dB, device {np.mean(dev):.2f} dB"
    for d, ss in zip(drawn, s.numpy()):  # the targets are the placements' sharp crops
        assert np.array_equal(np.rint((ss.transpose(1, 2, 0) + 1) * 127.5), d["place"].sharp(size))
    return float(np.mean(cpu)), float(np.mean(dev))


def jpeg_matches_pillow() -> None:
    for f in image_files(DATA / "photos-extra" / "Kodak24")[:3]:
        im = np.ascontiguousarray(load_rgb(f)[:200, :248])  # not multiples of 16: the padding path
        for q in (85, 95):
            buf = io.BytesIO()
            Image.fromarray(im).save(buf, format="JPEG", quality=q)
            pil = np.asarray(Image.open(buf).convert("RGB"))
            ours = jpeg_round_trip(torch.from_numpy(im).permute(2, 0, 1)[None].float(), torch.tensor([q]))
            ours = ours[0].permute(1, 2, 0).numpy()
            assert abs(psnr_u8(ours, im) - psnr_u8(pil, im)) < 0.75 and psnr_u8(ours, pil) > 42, (f.name, q, psnr_u8(ours, im), psnr_u8(pil, im))


class _Fixed:
    """Stands in for augment's rng: its one draw is the flip asked for."""

    def __init__(self, k: int) -> None:
        self.k = k

    def integers(self, _: int) -> int:
        return self.k


def flips_match_augment() -> None:
    x = np.arange(8 * 4 * 4 * 3, dtype=np.uint8).reshape(8, 4, 4, 3)
    k = torch.tensor([5, 0, 7, 1, 6, 2, 4, 3])  # every variant, out of order
    got = flip(torch.from_numpy(x).permute(0, 3, 1, 2), k).permute(0, 2, 3, 1).numpy()
    for i, kk in enumerate(k.tolist()):
        assert np.array_equal(got[i], augment(_Fixed(kk), x[i])[0]), f"flip {kk} differs from data.augment"


def finished_parts_match() -> None:
    """Samples the workers finish (pairs, frames) arrive through batches.rendered exactly as
    through the CPU path: the same draws, the same float values."""
    sampler = TrainSampler({"pairs": 1.0}, 64)
    cpu_b, cpu_s = sampler.batch(np.random.default_rng(7), 3)
    parts = {k: torch.from_numpy(v) for k, v in sampler.batch_parts(np.random.default_rng(7), 3).items()}
    dev_b, dev_s = next(rendered(iter([parts]), 64, torch.device("cpu")))
    assert torch.equal(dev_b, torch.from_numpy(cpu_b)) and torch.equal(dev_s, torch.from_numpy(cpu_s))


def check_all() -> None:
    synth = ShakeSynthesizer.load(WARP_SPEC)
    print(f"device blur vs synth.py: max abs {linear_matches(synth):.2e}", flush=True)
    cpu, dev = degradation_matches(synth)
    print(f"blurred vs sharp, same placements: synth.py {cpu:.2f} dB, device {dev:.2f} dB", flush=True)
    jpeg_matches_pillow()
    flips_match_augment()
    finished_parts_match()
    print("device shake checks passed", flush=True)


def timing(size: int, batch: int, device: str) -> None:
    synth = ShakeSynthesizer.load(WARP_SPEC)
    t = time.perf_counter()
    drawn = draws(synth, batch, size, seed=4)
    j = jobs(drawn, size)
    t_draw = (time.perf_counter() - t) / batch
    t = time.perf_counter()
    for d in drawn:
        synth.degrade_placed(np.random.default_rng(0), d["place"], size)
    t_cpu = (time.perf_counter() - t) / batch
    tt = as_tensors(j, device)
    render(tt, size)  # warm
    t_dev = device_seconds(device, render, tt, size) / batch
    warps = int(j["is_warp"].sum())
    print(f"{batch} samples of {size}² ({warps} warps): draw + canvas {1000 * t_draw:.1f} ms/sample, synth.py degrade "
          f"{1000 * t_cpu:.1f} ms/sample, device render on {device} {1000 * t_dev:.1f} ms/sample "
          f"({torch.get_num_threads()} torch threads)")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--device", default="cpu")
    a = ap.parse_args()
    check_all()
    timing(a.size, a.batch, a.device)
