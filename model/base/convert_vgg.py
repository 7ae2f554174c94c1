"""Convert the TF.js layers VGG19 (block1..block3) weights to a torch state dict, once.

The shards are raw float32 little-endian in weightsManifest order; Keras kernels are HWIO,
torch wants OIHW. Output: /work/ckpt/vgg19-block3.pt (outside the repo; 9 MB).
  python3 model/base/convert_vgg.py [--src DIR] [--out FILE]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch

from losses import VGG_PT

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SRC = REPO_ROOT.parent / "shared" / "weights" / "vgg19-block3"
DEFAULT_OUT = VGG_PT  # where losses.py reads it


def convert(src: Path) -> dict[str, torch.Tensor]:
    manifest = json.loads((src / "model.json").read_text())["weightsManifest"]
    state: dict[str, torch.Tensor] = {}
    for group in manifest:
        buf = b"".join((src / p).read_bytes() for p in group["paths"])
        offset = 0
        for spec in group["weights"]:
            if spec["dtype"] != "float32":
                raise ValueError(f"unexpected dtype {spec['dtype']} for {spec['name']}")
            n = int(np.prod(spec["shape"]))
            arr = np.frombuffer(buf, dtype="<f4", count=n, offset=offset).reshape(spec["shape"])
            offset += 4 * n
            layer, kind = spec["name"].split("/")
            if kind == "kernel":
                state[f"{layer}.weight"] = torch.from_numpy(arr.transpose(3, 2, 0, 1).copy())  # HWIO -> OIHW
            else:
                state[f"{layer}.bias"] = torch.from_numpy(arr.copy())
        if offset != len(buf):
            raise ValueError(f"group {group['paths']}: {len(buf) - offset} bytes left over")
    return state


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--src", type=Path, default=DEFAULT_SRC)
    p.add_argument("--out", type=Path, default=DEFAULT_OUT)
    a = p.parse_args()
    state = convert(a.src)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(state, a.out)
    n = sum(t.numel() for t in state.values())
    print(f"wrote {a.out}: {len(state) // 2} conv layers, {n:,} parameters")


if __name__ == "__main__":
    main()
