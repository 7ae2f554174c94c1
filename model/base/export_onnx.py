"""Checkpoint -> ONNX generator + manifest (the app's I/O convention; see architecture.py).

  python3 model/base/export_onnx.py --ckpt /work/ckpt/base/best.pt --out-dir /work/ckpt/base/export
  python3 model/base/export_onnx.py --ckpt /work/ckpt/base/best.pt --ship   # -> model/weights/unshake-base.*
Checks: onnx.checker, op types against what ORT's CPU, CUDA and DirectML providers all run,
and torch-vs-ONNX max abs difference through onnxruntime (Python if importable, else
onnxruntime-node through `node`, which is what the app runs).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from architecture import Generator, GeneratorConfig, count_params, gmac_per_megapixel  # noqa: E402
from checkpoints import generator_weights, load_checkpoint, total_steps  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]
WEIGHTS = REPO_ROOT / "model" / "weights"
PORTABLE_OPS = {"Conv", "ConvTranspose", "Relu", "LeakyRelu", "Concat", "Add", "Tanh", "Clip",
                "Pad", "Mul", "Sub", "Constant", "Identity",
                # the linear-light residual's sRGB curve (architecture.py); all three providers run them
                "Div", "Pow", "Less", "Where"}
NODE_CHECK = """
import * as ort from 'onnxruntime-node';
import fs from 'node:fs';
const [model, inp, h, w] = process.argv.slice(1);
const b = fs.readFileSync(inp);
const x = new ort.Tensor('float32', new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4), [1, 3, +h, +w]);
const s = await ort.InferenceSession.create(model);
const y = (await s.run({ blurred: x })).sharp;
fs.writeFileSync(inp + '.out', Buffer.from(y.data.buffer, y.data.byteOffset, y.data.byteLength));
"""


def load_generator(ckpt: Path) -> tuple[Generator, dict]:
    state = load_checkpoint(ckpt)
    g = Generator(GeneratorConfig(**state.get("config", {})))
    g.load_state_dict(generator_weights(state))
    return g.eval(), state


def receptive_field_half_width(cfg: GeneratorConfig, size: int = 256) -> int:
    """Theoretical RF: with all weights positive and ReLUs open, every input pixel that can
    influence the centre output gets a non-zero gradient (taken before tanh, which saturates)."""
    g = Generator(cfg).double()
    with torch.no_grad():
        for p in g.parameters():
            p.copy_(torch.rand_like(p) * 0.1 + 0.01)
    pre_tanh: list[torch.Tensor] = []
    hook = g.tail.register_forward_hook(lambda _m, _i, out: pre_tanh.append(out))
    x = torch.zeros(1, 3, size, size, dtype=torch.float64, requires_grad=True)
    g(x)
    hook.remove()
    pre_tanh[0][0, 0, size // 2, size // 2].backward()
    ys, xs = np.nonzero(x.grad[0].abs().sum(0).numpy())
    c = size // 2
    return int(max(c - ys.min(), ys.max() - c, c - xs.min(), xs.max() - c))


def effective_margin(g: Generator, theoretical: int, tol_grey: float = 0.25, safety: int = 8) -> tuple[int, int]:
    """Tile margin the engine needs, measured: cut real photos (photos-extra, never eval sets) at a
    window edge and find the farthest distance from the cut where the output still differs from
    the uncut run by more than tol_grey 8-bit levels. The theoretical RF (every pixel with a
    non-zero path) is far wider than what a trained net's weights actually carry, and overlap
    costs time quadratically (issue 4). Returns (margin with safety, rounded to 4, capped by
    the theoretical RF; the measured distance)."""
    from data import DATA, load_rgb
    photos = sorted((DATA / "photos-extra" / "Kodak24").iterdir())[:4]
    size, cut, worst = 320, 64, 0
    with torch.no_grad():
        for path in photos:
            img = np.ascontiguousarray(load_rgb(path)[:size, :size])
            x = torch.from_numpy(img).permute(2, 0, 1)[None].float() / 127.5 - 1
            full = g(x)
            for dim in (2, 3):
                for side in ("start", "end"):
                    sl = [slice(None)] * 4
                    sl[dim] = slice(cut, None) if side == "start" else slice(0, size - cut)
                    part = g(x[tuple(sl)])
                    diff = ((part - full[tuple(sl)]).abs() * 127.5).amax(dim=(0, 1, 5 - dim))
                    if side == "end":
                        diff = diff.flip(0)  # distance from the cut edge
                    over = torch.nonzero(diff > tol_grey)
                    if len(over):
                        worst = max(worst, int(over.max()) + 1)
    margin = min(theoretical, ((worst + safety + 3) // 4) * 4)
    return margin, worst


def export(g: Generator, path: Path) -> list[str]:
    torch.onnx.export(
        g, torch.zeros(1, 3, 256, 256), str(path), input_names=["blurred"], output_names=["sharp"],
        dynamic_axes={"blurred": {2: "height", 3: "width"}, "sharp": {2: "height", 3: "width"}},
        opset_version=17, do_constant_folding=True)
    m = onnx.load(str(path))
    onnx.checker.check_model(m)
    ops = sorted({n.op_type for n in m.graph.node})
    bad = set(ops) - PORTABLE_OPS
    if bad:
        raise SystemExit(f"exported graph uses ops outside the portable set: {sorted(bad)}")
    return ops


def ort_max_diff(g: Generator, path: Path, h: int = 180, w: int = 244) -> tuple[float, str]:
    """Run one random image (odd-sized multiple of 4) through torch and onnxruntime."""
    x = torch.rand(1, 3, h, w, generator=torch.Generator().manual_seed(0)) * 2 - 1
    with torch.no_grad():
        ref = g(x).numpy()
    try:
        import onnxruntime as ort  # not packaged for this Python here; the Node path is the real one
        out = ort.InferenceSession(str(path)).run(["sharp"], {"blurred": x.numpy()})[0]
        return float(np.abs(out - ref).max()), "onnxruntime (python)"
    except ImportError:
        pass
    with tempfile.TemporaryDirectory() as tmp:
        inp = Path(tmp) / "x.bin"
        x.numpy().astype("<f4").tofile(inp)
        r = subprocess.run(["node", "--input-type=module", "-e", NODE_CHECK, str(path), str(inp), str(h), str(w)],
                           cwd=REPO_ROOT, capture_output=True, text=True)
        if r.returncode != 0:
            return math.nan, f"onnxruntime-node failed: {r.stderr.strip()[:300]}"
        out = np.fromfile(str(inp) + ".out", dtype="<f4").reshape(ref.shape)
    return float(np.abs(out - ref).max()), "onnxruntime-node (CPU EP)"


LICENSE = ("Weights: research use only. The training data's licences are unknown or not stated "
           "(../shared/data/SOURCES.md); see MODEL_CARD.md.")


def content_loss_name(option: str | None) -> str:
    # checkpoints from before --content-loss carry no such argument: they trained on Charbonnier
    return "per-image RMSE" if option == "rmse" else "Charbonnier"


def training_summary(state: dict) -> dict:
    """What the weights were trained on, from the run's own arguments (saved in the checkpoint)."""
    a = state.get("args") or {}
    get = a.get if isinstance(a, dict) else (lambda k, d=None: getattr(a, k, d))
    spec = get("synth_spec")
    space = "stored sRGB values" if get("frame_average") == "srgb" else "linear light"
    # runs from before --adversarial weighted the WGAN term 1
    adversarial = f", adversarial {get('adversarial', 1.0)}" if get("phase") == "gan" else ""
    return {"steps": total_steps(state), "mix": str(get("mix", "")), "crop": int(get("size", 0) or 0),
            "batch": int(get("batch", 0) or 0),
            "frames": f"averages of {get('frames', '7,13')} consecutive GOPR0477_11_00 frames in {space}",
            "synthesisSpec": Path(spec).name if spec else "synthesis-spec.json",
            "emaDecay": float(get("ema", 0.0) or 0.0),
            "losses": f"{content_loss_name(get('content_loss'))} {get('content', 1.0)}, spectral L1 {get('frequency', 0.0) or 0.0}, "
                      f"perceptual {get('perceptual', 0.0) or 0.0}{adversarial} ({get('phase', 'content')} phase)",
            "centredPairs": bool(get("centre_pairs", False)),
            "continuedFromSteps": int(state.get("init_steps", 0)),
            "heldOut": "never trained on gopro-official, Levin or the GOPR0374 validation pairs"}


def manifest(g: Generator, onnx_path: Path, rf: int, state: dict, tile: int) -> dict:
    return {
        "id": "unshake-base",
        "name": "Unshake base (Improved-DeblurGAN, CPU-trained)",
        "version": f"0.{total_steps(state)}.0",
        "license": LICENSE,
        "training": training_summary(state),
        # Shown to photographers (the Model menu's tooltip): plain words; the architecture is in the card.
        "description": ("Removes camera-shake blur. Learned from real camera shake (GoPro video frames) and "
                        "simulated shake on sharp photographs. What it gains, and where it falls short: MODEL_CARD.md."),
        "placeholder": False,
        "file": onnx_path.name,
        "sha256": hashlib.sha256(onnx_path.read_bytes()).hexdigest(),
        "parameters": count_params(g),
        "io": {"inputName": "blurred", "outputName": "sharp", "layout": "NCHW", "channels": 3,
               "colorSpace": "srgb", "range": [-1, 1], "sizeMultiple": 4,
               "receptiveFieldMargin": rf, "preferredTileSize": tile},
        "gmacPerMegapixel": round(gmac_per_megapixel(g), 2),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ckpt", type=Path, default=Path("/work/ckpt/base/best.pt"))
    p.add_argument("--out-dir", type=Path, default=Path("/work/ckpt/base/export"))
    p.add_argument("--ship", action="store_true", help="write model/weights/unshake-base.onnx + manifest")
    # 1024: the tile that fits the measured margin. With the old 12-px margin 256² tiles were the
    # fastest end to end (their activations stay in cache); the run-18 model needs a 40-px margin
    # (outputs still move > 1 grey level 28 px from a cut), so a 256² tile recomputes 53 % of its
    # pixels: 1.47-1.70 s/MP end to end at 256², 1.09 at 768², 0.92 at 1024² (docs/decisions.md).
    # The engine still caps it by free memory (model/src/infer/tile-size.ts).
    p.add_argument("--tile", type=int, default=1024)
    a = p.parse_args()
    out_dir = WEIGHTS if a.ship else a.out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    g, state = load_generator(a.ckpt)
    onnx_path = out_dir / "unshake-base.onnx"
    tmp = onnx_path.with_suffix(".onnx.tmp")
    ops = export(g, tmp)
    # Checked before it replaces anything: a model that does not match PyTorch never ships.
    diff, how = ort_max_diff(g, tmp)
    print(f"torch vs ONNX max abs diff {diff:.2e} via {how}")
    if not diff <= 1e-3:
        tmp.unlink()
        raise SystemExit("ONNX output does not match PyTorch within 1e-3; nothing was written")
    rf = receptive_field_half_width(g.cfg)
    margin, reach = effective_margin(g, rf)
    man = manifest(g, tmp, margin, state, a.tile)
    man["file"] = onnx_path.name
    man["io"]["theoreticalReceptiveField"] = rf
    man_tmp = out_dir / "unshake-base.manifest.json.tmp"
    man_tmp.write_text(json.dumps(man, indent=2) + "\n")
    # Model first, then its manifest, each by rename: the app never sees a half-written file.
    tmp.replace(onnx_path)
    man_tmp.replace(out_dir / "unshake-base.manifest.json")
    print(f"wrote {onnx_path} ({onnx_path.stat().st_size / 1e6:.2f} MB) from step {state['step']} ({total_steps(state)} in all)")
    print(f"ops: {', '.join(ops)}")
    print(f"params {man['parameters']:,}; GMAC/MP {man['gmacPerMegapixel']}; receptive-field half-width {rf} px "
          f"(theoretical); outputs move > 0.25 grey levels up to {reach} px from a cut -> tile margin {margin} px")


if __name__ == "__main__":
    main()
