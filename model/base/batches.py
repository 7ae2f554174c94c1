"""Training batches, prepared while the previous step trains.

workers = 0: one background thread (the CPU runs: the data work is small beside a 0.6 s step,
and the batches follow the run's own RNG, so a run is reproducible from its seed).
workers > 0: that many forked processes (a GPU step takes milliseconds, and one thread making
synthetic shake at ~60 ms per 256² sample would leave the GPU idle most of the time). Each
worker draws from its own RNG seeded by (seed, start step, worker id), so a resumed run draws
new batches rather than repeating the ones it already trained on.
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

Batch = tuple[torch.Tensor, torch.Tensor]


def _draw(sampler: TrainSampler, rng: np.random.Generator, batch: int) -> Batch:
    b, s = sampler.batch(rng, batch)
    return torch.from_numpy(b), torch.from_numpy(s)


class _WorkerBatches(IterableDataset):
    def __init__(self, sampler: TrainSampler, batch: int, seed: int, start_step: int) -> None:
        super().__init__()
        self.sampler, self.batch, self.seed, self.start_step = sampler, batch, seed, start_step

    def __iter__(self) -> Iterator[Batch]:
        info = get_worker_info()
        rng = np.random.default_rng([self.seed, self.start_step, info.id if info else 0])
        while True:
            yield _draw(self.sampler, rng, self.batch)


def _threaded(sampler: TrainSampler, batch: int, rng: np.random.Generator) -> Iterator[Batch]:
    with ThreadPoolExecutor(1) as pool:
        nxt = pool.submit(_draw, sampler, rng, batch)
        while True:
            ready = nxt.result()
            nxt = pool.submit(_draw, sampler, rng, batch)
            yield ready


def batch_stream(sampler: TrainSampler, batch: int, rng: np.random.Generator, *, workers: int = 0,
                 seed: int = 0, start_step: int = 0, pin_memory: bool = False) -> Iterator[Batch]:
    """Endless (blurred, sharp) float32 NCHW batches in [-1, 1]. rng drives the threaded path only."""
    if workers <= 0:
        return _threaded(sampler, batch, rng)
    loader = DataLoader(_WorkerBatches(sampler, batch, seed, start_step), batch_size=None,
                        num_workers=workers, prefetch_factor=4, persistent_workers=True,
                        pin_memory=pin_memory, multiprocessing_context="fork")
    return iter(loader)


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
