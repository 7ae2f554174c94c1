"""Where a training step's time goes on a machine: sample making per source (one process), the
generator step alone (random batch, fp32 and bf16 autocast), and the batch stream that train.py
uses with N worker processes (and, with --synth-on-device, the same with the synthetic shake
rendered on the device). Prints each figure as it is measured and writes them as JSON.

  UNSHAKE_DATA=... python3 model/base/step_probe.py --batch 16 --size 256 --workers 14 --json out.json
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from architecture import Generator, GeneratorConfig  # noqa: E402
from batches import batch_stream  # noqa: E402
from data import TrainSampler, augment, to_model  # noqa: E402
from device_shake import render  # noqa: E402
from losses import charbonnier, frequency_l1  # noqa: E402
from timing import device_seconds, sync  # noqa: E402


def time_sources(sampler: TrainSampler, size: int, n: int) -> dict[str, float]:
    rng, out = np.random.default_rng(0), {}
    for source in sampler.names:
        times = []
        for _ in range(n):
            t = time.perf_counter()
            b, s = sampler._draw(rng, source)  # noqa: SLF001 - the per-source cost is the point
            to_model(augment(rng, b, s)[0])
            times.append(time.perf_counter() - t)
        out[source] = 1000 * float(np.median(times))
        print(f"sample {source} {size}^2: median {out[source]:.1f} ms over {n}", flush=True)
    return out


def time_gpu_step(dev: torch.device, batch: int, size: int, amp: bool, steps: int = 20) -> float:
    gen = Generator(GeneratorConfig(residual="srgb")).to(dev)
    opt = torch.optim.Adam(gen.parameters(), lr=1e-4)
    x = torch.rand(batch, 3, size, size, device=dev) * 2 - 1
    y = torch.rand(batch, 3, size, size, device=dev) * 2 - 1
    ctx = (lambda: torch.autocast(dev.type, dtype=torch.bfloat16)) if amp else nullcontext

    def step() -> None:
        with ctx():
            out = gen(x)
        loss = charbonnier(out.float(), y) + frequency_l1(out.float(), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    def steps_of(n: int) -> None:
        for _ in range(n):
            step()

    steps_of(5)  # warm
    ms = 1000 * device_seconds(dev, steps_of, steps) / steps
    print(f"generator step batch {batch}x{size}^2 {'bf16' if amp else 'fp32'}: {ms:.1f} ms", flush=True)
    return ms


def time_parts(sampler: TrainSampler, batch: int, dev: torch.device, n: int = 5) -> dict[str, float]:
    """--synth-on-device: a worker's share (batch_parts: draws, canvases, finished samples) and the
    device's (device_shake.render), per batch, medians."""
    rng, made, drawn = np.random.default_rng(1), [], []
    for _ in range(n):
        t = time.perf_counter()
        drawn.append({k: torch.from_numpy(v) for k, v in sampler.batch_parts(rng, batch).items()})
        made.append(time.perf_counter() - t)
    rendered_s = []
    for parts in drawn:
        on_device = {k: v.to(dev) for k, v in parts.items() if k not in ("blurred", "sharp")}
        rendered_s.append(device_seconds(dev, render, on_device, sampler.size))
    out = {"worker_ms_per_batch": 1000 * float(np.median(made)), "render_ms_per_batch": 1000 * float(np.median(rendered_s[1:] or rendered_s))}
    print(f"synth on device, batch {batch}: worker {out['worker_ms_per_batch']:.1f} ms, render "
          f"{out['render_ms_per_batch']:.1f} ms (median, per batch)", flush=True)
    return out


def time_stream(sampler: TrainSampler, batch: int, workers: int, seconds: float,
                render_on: torch.device | None = None) -> float:
    stream = batch_stream(sampler, batch, np.random.default_rng(0), workers=workers, render_on=render_on)
    next(stream)  # workers started and warm
    t, n = time.perf_counter(), 0
    while time.perf_counter() - t < seconds:
        next(stream)
        n += 1
    if render_on is not None:
        sync(render_on)
    rate = n / (time.perf_counter() - t)
    where = f", synth rendered on {render_on}" if render_on is not None else ""
    print(f"batch stream, {workers} workers, batch {batch}{where}: {rate:.2f} batches/s", flush=True)
    return rate


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--size", type=int, default=256)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--samples", type=int, default=5, help="samples timed per source")
    p.add_argument("--stream-seconds", type=float, default=20.0)
    p.add_argument("--mix", default="synth=0.5,mild=0.1,frames=0.3,pairs=0.1")
    p.add_argument("--synth-spec", type=Path, default=None)
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--synth-on-device", action="store_true",
                   help="also time train.py --synth-on-device: worker and render shares, and that stream")
    p.add_argument("--step-batches", default="",
                   help="also time the fp32 step at these batch sizes, e.g. 32,64 (is the GPU full at --batch?)")
    p.add_argument("--step-only", action="store_true", help="time the generator step only, no data (seconds)")
    p.add_argument("--json", type=Path, default=None)
    a = p.parse_args()
    torch.backends.cudnn.benchmark = True
    dev = torch.device(a.device)
    res: dict = {"device": str(dev), "batch": a.batch, "size": a.size, "workers": a.workers}
    res["gpu_step_ms"] = {"fp32": time_gpu_step(dev, a.batch, a.size, False)}
    if dev.type == "cuda":
        res["gpu_step_ms"]["bf16"] = time_gpu_step(dev, a.batch, a.size, True)
    if a.step_batches:
        res["step_ms_by_batch"] = {int(b): time_gpu_step(dev, int(b), a.size, False) for b in a.step_batches.split(",")}
    if a.step_only:
        if a.json:
            a.json.write_text(json.dumps(res, indent=1))
        return
    t = time.perf_counter()
    mix = {k: float(v) for k, v in (kv.split("=") for kv in a.mix.split(","))}
    sampler = TrainSampler(mix, a.size, synth_spec=a.synth_spec, frames=(13, 31), frame_space="srgb")
    res["load_s"] = time.perf_counter() - t
    print(f"data loaded in {res['load_s']:.1f} s", flush=True)
    res["sample_ms"] = time_sources(sampler, a.size, a.samples)
    res["stream_batches_per_s"] = time_stream(sampler, a.batch, a.workers, a.stream_seconds)
    if a.synth_on_device:
        res["synth_on_device"] = time_parts(sampler, a.batch, dev)
        res["synth_on_device"]["stream_batches_per_s"] = time_stream(sampler, a.batch, a.workers, a.stream_seconds, dev)
    if a.json:
        a.json.write_text(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
