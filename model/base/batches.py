"""Training batches, prepared while the previous step trains.

workers = 0: one background thread (the CPU runs: the data work is small beside a 0.6 s step,
and the batches follow the run's own RNG, so a run is reproducible from its seed).
workers > 0: that many forked processes (a GPU step takes milliseconds, and one thread making
synthetic shake at ~60 ms per 256² sample would leave the GPU idle most of the time). Each
worker draws from its own RNG seeded by (seed, start step, worker id), so a resumed run draws
new batches rather than repeating the ones it already trained on.
render_on (train.py --synth-on-device): the workers draw the synthetic shake, the training
device renders it (device_shake.py), so a GPU is not left waiting on the CPU's warps.
echoed(): each batch trained on more than once, under other flips/rotations ("data echoing"),
for a GPU that its data workers cannot keep busy.
"""
from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import torch
from torch.utils.data import DataLoader, IterableDataset, get_worker_info

from data import TrainSampler
from device_shake import render

Batch = tuple[torch.Tensor, torch.Tensor]
Parts = dict[str, torch.Tensor]


def _draw(sampler: TrainSampler, rng: np.random.Generator, batch: int, parts: bool) -> Batch | Parts:
    if parts:
        return {k: torch.from_numpy(v) for k, v in sampler.batch_parts(rng, batch).items()}
    b, s = sampler.batch(rng, batch)
    return torch.from_numpy(b), torch.from_numpy(s)


class _WorkerBatches(IterableDataset):
    def __init__(self, sampler: TrainSampler, batch: int, seed: int, start_step: int, parts: bool) -> None:
        super().__init__()
        self.sampler, self.batch, self.seed, self.start_step, self.parts = sampler, batch, seed, start_step, parts

    def __iter__(self) -> Iterator[Batch | Parts]:
        info = get_worker_info()
        rng = np.random.default_rng([self.seed, self.start_step, info.id if info else 0])
        while True:
            yield _draw(self.sampler, rng, self.batch, self.parts)


def _threaded(sampler: TrainSampler, batch: int, rng: np.random.Generator, parts: bool) -> Iterator[Batch | Parts]:
    with ThreadPoolExecutor(1) as pool:
        nxt = pool.submit(_draw, sampler, rng, batch, parts)
        while True:
            ready = nxt.result()
            nxt = pool.submit(_draw, sampler, rng, batch, parts)
            yield ready


def batch_stream(sampler: TrainSampler, batch: int, rng: np.random.Generator, *, workers: int = 0,
                 seed: int = 0, start_step: int = 0, pin_memory: bool = False,
                 render_on: torch.device | None = None) -> Iterator[Batch]:
    """Endless (blurred, sharp) float32 NCHW batches in [-1, 1]. rng drives the threaded path only.
    render_on: the synthetic samples come from the workers as device_shake jobs and are rendered
    on that device (the batch is then on it already)."""
    parts = render_on is not None
    if workers <= 0:
        stream = _threaded(sampler, batch, rng, parts)
    else:
        loader = DataLoader(_WorkerBatches(sampler, batch, seed, start_step, parts), batch_size=None,
                            num_workers=workers, prefetch_factor=4, persistent_workers=True,
                            pin_memory=pin_memory, multiprocessing_context="fork")
        stream = iter(loader)
    return rendered(stream, sampler.size, render_on) if parts else stream


def rendered(stream: Iterator[Parts], size: int, device: torch.device) -> Iterator[Batch]:
    """Parts (batch_parts as tensors) -> whole batches on `device`: the finished samples moved
    there, the shake jobs rendered there (device_shake.render) and appended."""
    try:
        for parts in stream:
            t = {k: v.to(device, non_blocking=True) for k, v in parts.items()}
            blurred, sharp = (t.pop(k).permute(0, 3, 1, 2).float() / 127.5 - 1 for k in ("blurred", "sharp"))
            if t["canvas"].shape[0]:
                b, s = render(t, size)
                blurred, sharp = torch.cat([blurred, b]), torch.cat([sharp, s])
            yield blurred, sharp
    finally:
        if hasattr(stream, "close"):
            stream.close()


def dihedral(x: torch.Tensor, k: int) -> torch.Tensor:
    """One of the 8 rotations/reflections of NCHW images (k in 0..7; 0 = as is). A blurred/sharp
    pair transformed alike is still a pair: the shake turns with the photo."""
    if k >= 4:
        x = x.flip(3)
    return torch.rot90(x, k % 4, dims=(2, 3)).contiguous()


def echoed(stream: Iterator[Batch], times: int, seed: int = 0) -> Iterator[Batch]:
    """Each batch `times` times: as made, then under distinct other dihedral transforms. Data
    echoing (Choi et al., "Faster Neural Network Training with Data Echoing", 2019) for when the
    batch makers, not the accelerator, set the pace: on the lent H200 a 16x256² step took 16 ms
    and the 14 data workers delivered a batch every 300 ms (README "Lent GPU"). times <= 1
    passes the stream through untouched; crops must be square (rotations)."""
    if times > 8:
        raise ValueError(f"--echo {times}: a batch has only 8 distinct flips/rotations")
    rng = np.random.default_rng([seed, 8])
    try:
        for blurred, sharp in stream:
            yield blurred, sharp
            for k in rng.permutation(np.arange(1, 8))[: times - 1]:
                yield dihedral(blurred, int(k)), dihedral(sharp, int(k))
    finally:
        if hasattr(stream, "close"):
            stream.close()  # the threaded stream joins its prefetch thread
