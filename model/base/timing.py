"""Wall-clock timing of device work: CUDA kernels run asynchronously, so a timer has to wait for
the device before it starts and before it stops, or it measures only the launches."""
from __future__ import annotations

import time
from typing import Any, Callable

import torch


def sync(dev: torch.device | str) -> None:
    if torch.device(dev).type == "cuda":
        torch.cuda.synchronize()


def device_seconds(dev: torch.device | str, fn: Callable[..., Any], *args: Any) -> float:
    """Seconds that fn(*args) takes, the device's queued work included."""
    sync(dev)
    t = time.perf_counter()
    fn(*args)
    sync(dev)
    return time.perf_counter() - t
