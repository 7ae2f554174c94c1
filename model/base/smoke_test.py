"""Smoke test of the recipe on CPU (~1 min): a few content steps and one GAN+perceptual
step from scratch into a temp folder, resume, export to ONNX (checker + op list +
onnxruntime-node parity), and the manifest through the app's zod schema.
  python3 model/base/smoke_test.py     (exit code 0 = pass)
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
import train  # noqa: E402
from losses import VGG_PT  # noqa: E402

ZOD_CHECK = """
import { readFileSync } from 'node:fs';
import { modelManifestSchema } from './model/src/models/manifest.ts';
const r = modelManifestSchema.safeParse(JSON.parse(readFileSync(process.argv[1], 'utf8')));
if (!r.success) { console.error(JSON.stringify(r.error.issues)); process.exit(1); }
"""


def run(cmd: list[str]) -> str:
    r = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"FAILED: {' '.join(cmd)}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    return r.stdout


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ck = Path(tmp) / "ckpt"
        common = ["--ckpt-dir", str(ck), "--batch", "2", "--size", "64", "--mix", "pairs=1,synth=1",
                  "--val-pairs", "1", "--val-crop", "128", "--ckpt-every", "1", "--val-every", "1000"]
        train.main(common + ["--max-steps", "2"])
        first = torch.load(ck / "latest.pt")
        assert first["step"] == 2, first["step"]
        # Resume must continue the step count, not restart it.
        train.main(common + ["--max-steps", "3"])
        assert torch.load(ck / "latest.pt")["step"] == 3
        if VGG_PT.exists():
            train.main(common + ["--max-steps", "4", "--phase", "gan", "--perceptual", "100", "--n-critic", "1"])
            assert torch.load(ck / "latest.pt")["step"] == 4
        else:
            print(f"skipped GAN step: {VGG_PT} missing (run convert_vgg.py)")
        out = Path(tmp) / "export"
        print(run([sys.executable, str(HERE / "export_onnx.py"), "--ckpt", str(ck / "latest.pt"), "--out-dir", str(out)]))
        man = out / "unshake-base.manifest.json"
        assert json.loads(man.read_text())["io"]["inputName"] == "blurred"
        run(["npx", "tsx", "--eval", ZOD_CHECK, str(man)])
    print("smoke test passed")


if __name__ == "__main__":
    main()
