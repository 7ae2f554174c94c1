"""Smoke test of the recipe on CPU (~1 min): a few content steps and one GAN+perceptual
step from scratch into a temp folder, resume (with data workers and bf16 autocast), export to
ONNX (checker + op list + onnxruntime-node parity), the manifest through the app's zod schema,
the lent-GPU path (device_pack.py + device_train.sh, on CPU), and the synthetic shake rendered
on the training device against synth.py (device_shake_check.py).
  python3 model/base/smoke_test.py     (exit code 0 = pass)
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import torch
from PIL import Image

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
import device_shake_check  # noqa: E402
import train  # noqa: E402
import train_args  # noqa: E402
from batches import dihedral, echoed  # noqa: E402
from checkpoints import load_checkpoint  # noqa: E402
from export_onnx import training_summary  # noqa: E402
from losses import VGG_PT, frequency_l1, per_image_rmse  # noqa: E402

ZOD_CHECK = """
import { readFileSync } from 'node:fs';
import { modelManifestSchema } from './model/src/models/manifest.ts';
const r = modelManifestSchema.safeParse(JSON.parse(readFileSync(process.argv[1], 'utf8')));
if (!r.success) { console.error(JSON.stringify(r.error.issues)); process.exit(1); }
"""


def run(cmd: list[str], env: dict[str, str] | None = None) -> str:
    r = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise SystemExit(f"FAILED: {' '.join(cmd)}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    return r.stdout


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ck = Path(tmp) / "ckpt"
        # The synthetic source draws from the warp spec (kernels, measured kernels and warped
        # frames, blurred on stored values), the frames are averaged in sRGB, and the mild source
        # draws 0-8 px shake: every source kind.
        common = ["--ckpt-dir", str(ck), "--batch", "2", "--size", "64", "--mix", "pairs=1,synth=1,frames=1,mild=1",
                  "--synth-spec", str(HERE / "synthesis-spec-gopro-warp.json"), "--frame-average", "srgb",
                  "--val-pairs", "1", "--val-crop", "128", "--ckpt-every", "1", "--val-every", "1000"]
        train.main(common + ["--max-steps", "2"])
        first = load_checkpoint(ck / "latest.pt")
        assert first["step"] == 2, first["step"]
        validation_and_best(common, Path(tmp) / "val-ckpt")
        # Resume must continue the step count, not restart it; this leg also runs the GPU
        # machine's paths on CPU: forked data workers and bf16 autocast.
        # …and the spectral loss with centred training pairs.
        train.main(common + ["--max-steps", "3", "--workers", "2", "--amp", "bf16", "--frequency", "0.1", "--centre-pairs"])
        assert load_checkpoint(ck / "latest.pt")["step"] == 3
        x = torch.rand(1, 3, 16, 16)
        assert float(frequency_l1(x, x)) == 0.0 and float(frequency_l1(x, x.flip(3))) > 0.0
        # per image: an image off by 0.5 everywhere and an exact one average to 0.25 (+ eps)
        pair = torch.stack([x[0] + 0.5, x[0]])
        assert abs(float(per_image_rmse(pair, torch.cat([x, x]))) - 0.25) < 1e-3
        if VGG_PT.exists():
            train.main(common + ["--max-steps", "4", "--phase", "gan", "--perceptual", "100", "--n-critic", "1",
                                 "--adversarial", "0.5"])
            gan = load_checkpoint(ck / "latest.pt")
            assert gan["step"] == 4
            losses = training_summary(gan)["losses"]
            assert losses.endswith("perceptual 100.0, adversarial 0.5 (gan phase)"), losses
        else:
            print(f"skipped GAN step: {VGG_PT} missing (run convert_vgg.py)")
        # The lent GPU's data path: workers draw shake jobs, the training device renders them.
        train.main(common + ["--max-steps", "6", "--workers", "1", "--synth-on-device"])
        assert load_checkpoint(ck / "latest.pt")["step"] == 6
        out = Path(tmp) / "export"
        print(run([sys.executable, str(HERE / "export_onnx.py"), "--ckpt", str(ck / "latest.pt"), "--out-dir", str(out)]))
        man = out / "unshake-base.manifest.json"
        assert json.loads(man.read_text())["io"]["inputName"] == "blurred"
        run(["npx", "tsx", "--eval", ZOD_CHECK, str(man)])
        warm_start_counts_steps(common, ck)
        device_round_trip(Path(tmp), ck / "latest.pt")
        step_probe_runs(Path(tmp))
        probe_and_centred_sets(Path(tmp))
    device_shake_check.check_all()
    photos_too_small()
    mild_shake_is_short()
    no_evaluation_kernels()
    schedule_check()
    echo_check()
    print("smoke test passed")


def mild_shake_is_short() -> None:
    """The mild source shares the main source's photos and draws shake of at most ~9 px."""
    import numpy as np
    from shake_kernel import kernel_extent
    from synth import MILD_SPEC, ShakeSynthesizer
    main_synth = ShakeSynthesizer.load(HERE / "synthesis-spec-gopro-clean-warp.json")
    mild = main_synth.with_spec(MILD_SPEC)
    assert mild.photos is main_synth.photos
    rng = np.random.default_rng(0)
    extents = [kernel_extent(mild.kernel(rng)) for _ in range(200)]
    assert max(extents) <= 10 and min(extents) == 1, (min(extents), max(extents))


def validation_and_best(common: list[str], ck: Path) -> None:
    """--val-every is honoured at any interval (it was only at multiples of 50), and a resume
    whose latest.pt is older than best.pt keeps best.pt's score (a worse model replaced it)."""
    from checkpoints import save_atomic
    # The same run in another folder, validating every 2 steps (argparse keeps the last value given).
    args = common + ["--ckpt-dir", str(ck)]
    train.main(args + ["--max-steps", "3", "--val-every", "2", "--ckpt-every", "1000"])
    rows = (ck / "log.csv").read_text().splitlines()
    header = rows[0].split(",")
    validated = [r.split(",")[0] for r in rows[1:] if r.split(",")[header.index("val_out_psnr_c")]]
    assert validated == ["2", "3"], validated
    best = load_checkpoint(ck / "best.pt")["best"]
    stale = load_checkpoint(ck / "latest.pt")
    stale["best"] = -1.0  # as if killed after a validation, before the next latest.pt
    save_atomic(stale, ck / "latest.pt")
    resumed = train.Trainer(train_args.parse_args(args + ["--max-steps", "3"]))
    assert resumed.best == best, (resumed.best, best)


def no_evaluation_kernels() -> None:
    """Levin's 8 kernels made the Levin test blurs: no spec's bank may hold them (their type says
    "motion" like the training kernels'; every shipped spec asked for "motion")."""
    import json
    import numpy as np
    from data import DATA
    from synth import load_bank
    raw = json.loads((DATA / "kernels" / "kernels.json").read_text())
    levin = [np.asarray(v["data"]) for k, v in raw.items() if k.startswith("levin09_")]
    assert len(levin) == 8
    for spec_file in sorted(HERE.glob("synthesis-spec*.json")):
        bank = load_bank(json.loads(spec_file.read_text()))
        assert bank, spec_file.name
        assert not any(k.shape == l.shape and np.array_equal(k, l) for k in bank for l in levin), spec_file.name


def photos_too_small() -> None:
    """A photo too small for the drawn shake is passed over for another (run 19 died on a 321-px
    CBSD68 photo at 256² crops), and when none has room the error says what to change."""
    import numpy as np
    from synth import ShakeSynthesizer
    s = ShakeSynthesizer.load(HERE / "synthesis-spec-gopro-warp.json")
    by_side = sorted(s.photos, key=lambda p: min(p.shape[:2]))
    small, large = by_side[0], by_side[-1]
    size = min(small.shape[:2]) - 20
    s.photos = [small, large]
    rng = np.random.default_rng(4)
    for _ in range(12):
        blurred, sharp = s.sample(rng, size)
        assert blurred.shape == sharp.shape == (size, size, 3), blurred.shape
    s.photos = [small]
    try:
        s.sample(rng, min(small.shape[:2]))
    except ValueError as e:
        assert "has room for a" in str(e), e
    else:
        raise AssertionError("a photo without room for any shake was used")


def probe_and_centred_sets(tmp: Path) -> None:
    """capacity_probe.py trains on a stretch of the frames and scores the held-out stretch (here
    with a dilated DenseBlock and a moving average, which export then ships: its parity check
    runs the dilated graph in onnxruntime-node); estimate_kernels.py writes the centred Levin set
    (one grey target per blurred image)."""
    probe = tmp / "probe"
    run([sys.executable, str(HERE / "capacity_probe.py"), "--chunk", "2", "--chunks", "1", "--", "--ckpt-dir",
         str(probe), "--mix", "frames=1", "--batch", "2", "--size", "64", "--val-pairs", "1", "--val-crop", "128",
         "--dilations", "1,2", "--ema", "0.9"])
    rows = (probe / "probe.csv").read_text().splitlines()
    assert len(rows) == 2 and rows[1].startswith("2,") and ",," not in rows[1], rows
    state = load_checkpoint(probe / "latest.pt")
    assert state["config"]["dilations"] == "1,2" and state["ema"] is not None
    print(run([sys.executable, str(HERE / "export_onnx.py"), "--ckpt", str(probe / "latest.pt"),
               "--out-dir", str(tmp / "probe-export")]))
    levin = tmp / "levin-centred"
    run([sys.executable, str(HERE / "estimate_kernels.py"), "--from", "levin", "--centred-set", str(levin)])
    index = (levin / "index.tsv").read_text().splitlines()
    assert len(index) == 33, len(index)
    with Image.open(levin / index[1].split("\t")[1]) as target:
        assert target.mode == "L" and target.size == (255, 255), (target.mode, target.size)


def warm_start_counts_steps(common: list[str], ck: Path) -> None:
    """A run started with --init counts the steps its weights had, and the export's version and
    training summary say all of them (run 21 continued run 18); this one trains on per-image RMSE,
    which the summary names."""
    warm = ck.parent / "warm"
    args = [warm.as_posix() if v == str(ck) else v for v in common]
    train.main(args + ["--init", str(ck / "latest.pt"), "--max-steps", "1", "--content-loss", "rmse"])
    state = load_checkpoint(warm / "latest.pt")
    before = load_checkpoint(ck / "latest.pt")["step"]
    assert (state["step"], state["init_steps"]) == (1, before), (state["step"], state["init_steps"])
    out = ck.parent / "warm-export"
    run([sys.executable, str(HERE / "export_onnx.py"), "--ckpt", str(warm / "latest.pt"), "--out-dir", str(out)])
    man = json.loads((out / "unshake-base.manifest.json").read_text())
    assert man["version"] == f"0.{before + 1}.0" and man["training"]["continuedFromSteps"] == before, man["version"]
    assert man["training"]["losses"].startswith("per-image RMSE 1.0,"), man["training"]["losses"]


def device_round_trip(tmp: Path, ckpt: Path) -> None:
    """The lent-GPU path on CPU: pack the data, then device_train.sh resumes the carried
    checkpoint from the unpacked tar and returns checkpoint and logs through $OUT."""
    pack, out = tmp / "pack", tmp / "device-out"
    print(run([sys.executable, str(HERE / "device_pack.py"), "--out", str(pack), "--budget-mib", "40",
               "--max-frames", "30"]))
    (pack / "ckpt").mkdir()
    (pack / "ckpt" / "latest.pt").write_bytes(ckpt.read_bytes())
    out.mkdir()
    start = load_checkpoint(ckpt)["step"]
    # OMP_NUM_THREADS=1 as a caller might set it: the worker count must still see every core.
    env = {**os.environ, "PACK": str(pack), "OUT": str(out), "PYTHON": sys.executable, "OMP_NUM_THREADS": "1"}
    log = run(["bash", str(HERE / "device_train.sh"), "1.5", "--device", "cpu", "--batch", "2", "--size", "64",
               "--mix", "frames=1,pairs=1,synth=1", "--val-pairs", "1", "--val-crop", "128", "--ckpt-every", "1",
               "--cosine-minutes", "1", "--echo", "2", "--synth-on-device", "--max-steps", str(start + 2)], env)
    assert load_checkpoint(out / "latest.pt")["step"] == start + 2
    assert "resumed from" in (out / "train.log").read_text()
    assert f"of {len(os.sched_getaffinity(0))} cores" in log, log[:500]


def step_probe_runs(tmp: Path) -> None:
    """step_probe.py (where a GPU call's time goes) measures every part and writes its JSON."""
    probe = tmp / "probe.json"
    run([sys.executable, str(HERE / "step_probe.py"), "--device", "cpu", "--batch", "2", "--size", "64",
         "--workers", "1", "--samples", "1", "--stream-seconds", "1", "--synth-on-device", "--json", str(probe)])
    r = json.loads(probe.read_text())
    assert set(r["sample_ms"]) == {"synth", "mild", "frames", "pairs"} and r["stream_batches_per_s"] > 0, r
    assert r["synth_on_device"]["stream_batches_per_s"] > 0 and r["synth_on_device"]["render_ms_per_batch"] > 0, r
    assert r["gpu_step_ms"]["fp32"] > 0
    quick = tmp / "steps.json"  # device_train.sh's batch-size probe before a GPU call trains
    run([sys.executable, str(HERE / "step_probe.py"), "--device", "cpu", "--batch", "2", "--size", "32",
         "--step-only", "--step-batches", "1,4", "--json", str(quick)])
    r = json.loads(quick.read_text())
    assert set(r["step_ms_by_batch"]) == {"1", "4"} and "sample_ms" not in r, r


def echo_check() -> None:
    """Data echoing: each batch first as made, then under distinct transforms, applied alike to
    both halves of the pair; the 8 dihedral transforms are distinct."""
    x = torch.arange(2 * 3 * 4 * 4, dtype=torch.float32).reshape(2, 3, 4, 4)
    assert len({tuple(dihedral(x, k).flatten().tolist()) for k in range(8)}) == 8
    got = list(echoed(iter([(x, 2 * x), (x + 1, 2 * x + 2)]), 3, seed=5))
    assert len(got) == 6 and torch.equal(got[0][0], x) and torch.equal(got[3][0], x + 1)
    assert all(torch.equal(s, 2 * b) for b, s in got)  # the pair transformed alike
    views = {tuple(b.flatten().tolist()) for b, _ in got[:3]}
    assert len(views) == 3, "echoes of one batch must differ"


def schedule_check() -> None:
    """The learning rate: step warm-up, then cosine by steps or by this call's wall clock."""
    a = train_args.parse_args(["--lr", "1e-3", "--warmup", "10", "--cosine-steps", "100"])
    assert abs(train_args.lr_at(4, a) - 5e-4) < 1e-12 and abs(train_args.lr_at(110, a) - 2e-5) < 1e-12
    t = train_args.parse_args(["--lr", "1e-3", "--warmup", "10", "--cosine-minutes", "2"])
    assert train_args.lr_at(4, t, 1e6) == train_args.lr_at(4, a)  # warm-up is counted in steps either way
    assert abs(train_args.lr_at(500, t, 60.0) - 1e-3 * (0.02 + 0.98 * 0.5)) < 1e-12  # half the minutes
    assert abs(train_args.lr_at(11, t, 120.0) - 2e-5) < 1e-12


if __name__ == "__main__":
    main()
