"""Checkpoint files of this recipe: atomic writes, and loads that work on torch 1.13 (this CPU
machine) and torch >= 2.6 (a lent GPU machine), whose torch.load refuses non-tensor objects by
default. Our checkpoints hold the run's arguments (paths) and numpy RNG state beside the weights,
and they are only ever read from our own --ckpt-dir, so the full unpickler is the right one."""
from __future__ import annotations

import os
from pathlib import Path

import torch


def save_atomic(obj: dict, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)  # a crash mid-write never leaves a truncated checkpoint


def load_checkpoint(path: Path, device: str | torch.device = "cpu") -> dict:
    if not Path(path).is_file():
        raise FileNotFoundError(f"checkpoint not found: {path}")
    return torch.load(path, map_location=device, weights_only=False)


def generator_weights(state: dict) -> dict:
    """The weights a checkpoint ships: the moving average where the run kept one (train.py --ema),
    else the raw training weights."""
    return state.get("ema") or state["gen"]


def total_steps(state: dict) -> int:
    """A checkpoint's own steps plus those of the weights its run started from (train.py --init)."""
    return int(state.get("step", 0)) + int(state.get("init_steps", 0))
