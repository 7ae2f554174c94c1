"""Train the base generator on CPU or GPU, with full resume and a wall-clock budget.

Phases: "content" (Charbonnier, optional perceptual) then "gan" (WGAN-GP + 100 x VGG conv3_3
perceptual + small Charbonnier, critic updated n_critic times per generator step, as the paper).
Run (CPU, see README.md for the environment):
  python3 model/base/train.py --minutes 110 --batch 8 --size 128
Re-running the same command resumes from <ckpt-dir>/latest.pt.
"""
from __future__ import annotations

import argparse
import copy
import csv
import sys
import time
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from architecture import Generator, GeneratorConfig, PatchCritic, count_params  # noqa: E402
from alignment import centred_pairs  # noqa: E402
from batches import batch_stream, echoed  # noqa: E402
from checkpoints import generator_weights, load_checkpoint, save_atomic, total_steps  # noqa: E402
from data import TrainSampler, load_pairs  # noqa: E402
from losses import (  # noqa: E402
    VGGConv33, charbonnier, critic_loss, frequency_l1, generator_adv_loss, per_image_rmse, perceptual)
from metrics import evaluate_pairs  # noqa: E402
from train_args import lr_at, parse_args  # noqa: E402
from train_log import BEST_METRIC, LOG_FIELDS, upgrade_log_header, val_columns  # noqa: E402


def center_crop(img: np.ndarray, size: int) -> np.ndarray:
    if size <= 0:
        return img
    h, w = img.shape[:2]
    y, x = (h - size) // 2, (w - size) // 2
    return img[y:y + size, x:x + size]


class Trainer:
    def __init__(self, a: argparse.Namespace) -> None:
        self.a = a
        self.dev = torch.device(a.device)
        a.ckpt_dir.mkdir(parents=True, exist_ok=True)
        self.gen = Generator(GeneratorConfig(base=a.base, growth=a.growth, dense_conv=a.dense_conv,
                                              residual=a.residual, dilations=a.dilations)).to(self.dev)
        self.opt = torch.optim.Adam(self.gen.parameters(), lr=a.lr, betas=(0.9, 0.999))
        # Moving average of the weights: in the capacity probes a single checkpoint's score moved by
        # up to 0.17 dB between checkpoints 2,000 steps apart, the average's by 0.09 (README "Capacity probes").
        self.ema = copy.deepcopy(self.gen).requires_grad_(False) if a.ema > 0 else None
        self.critic = self.copt = self.vgg = None
        if a.phase == "gan":
            self.critic = PatchCritic().to(self.dev)
            self.copt = torch.optim.Adam(self.critic.parameters(), lr=1e-4, betas=(0.5, 0.999))
        if a.perceptual > 0:
            self.vgg = VGGConv33().to(self.dev).eval()
        self.step, self.best = 0, -1.0
        # Steps the --init weights had already trained: the exported version counts all of them.
        self.init_steps = 0
        self.last_val, self.last_val_step = {}, -1
        self.rng = np.random.default_rng(a.seed)
        torch.manual_seed(a.seed)
        mix = {k: float(v) for k, v in (kv.split("=") for kv in a.mix.split(","))}
        lo, hi = (int(v) for v in a.frames.split(","))
        frame_range = tuple(int(v) for v in a.frame_range.split(",")) if a.frame_range else None
        self.sampler = TrainSampler(mix, a.size, synth_spec=a.synth_spec, frames=(lo, hi),
                                    photo_dirs=tuple(a.photos), frame_range=frame_range,
                                    frame_space=a.frame_average, centre_pairs=a.centre_pairs,
                                    mild_spec=a.mild_spec)
        # The dataset's targets and the same moved onto each blur's centroid (alignment.py): an
        # input-aligned model is scored 1.9-2.6 px off on the first, so best.pt follows the second.
        full = load_pairs(validation=True)[: a.val_pairs]
        self.val = self._val_crops(full)
        self.val_centred_targets = [s for _, _, s in self._val_crops(centred_pairs(full))]
        self.log_path = a.ckpt_dir / "log.csv"
        if self.log_path.exists():
            upgrade_log_header(self.log_path)
        self._resume()

    def _val_crops(self, pairs: list) -> list:
        return [(n, center_crop(b, self.a.val_crop), center_crop(s, self.a.val_crop)) for n, b, s in pairs]

    def _state(self) -> dict:
        return {"gen": self.gen.state_dict(), "opt": self.opt.state_dict(), "step": self.step,
                "best": self.best, "best_metric": BEST_METRIC, "init_steps": self.init_steps, "config": self.gen.cfg.to_dict(), "args": vars(self.a),
                "np_rng": self.rng.bit_generator.state, "torch_rng": torch.get_rng_state(),
                # The GPU's own generator (synthetic-shake noise, the penalty's weights) resumes too.
                "cuda_rng": torch.cuda.get_rng_state_all() if self.dev.type == "cuda" else None,
                "critic": self.critic.state_dict() if self.critic else None,
                "ema": self.ema.state_dict() if self.ema else None,
                "copt": self.copt.state_dict() if self.copt else None}

    def _resume(self) -> None:
        latest = self.a.ckpt_dir / "latest.pt"
        if latest.exists():
            s = load_checkpoint(latest, self.dev)
            saved = {**GeneratorConfig().to_dict(), **s.get("config", {})}
            if saved != self.gen.cfg.to_dict():
                raise SystemExit(f"{latest} holds a generator {saved}; pass the same --base/--growth/--dense-conv/--residual/--dilations "
                                 f"(got {self.gen.cfg.to_dict()}) or use another --ckpt-dir")
            self.gen.load_state_dict(s["gen"])
            if self.ema is not None:  # a run that starts keeping an average starts it from here
                self.ema.load_state_dict(s.get("ema") or s["gen"])
            # best.pt was chosen by another score before the centred targets: start that anew
            self.step, self.best = s["step"], s["best"] if s.get("best_metric") == BEST_METRIC else -1.0
            # A run stopped after a validation but before its next latest.pt has a newer best.pt:
            # never let a worse model replace it.
            self.best = max(self.best, self._saved_best())
            self.init_steps = int(s.get("init_steps", 0))
            self.rng.bit_generator.state = s["np_rng"]
            # Loaded onto the training device; the CPU generator takes CPU bytes only.
            torch.set_rng_state(s["torch_rng"].cpu())
            if s.get("cuda_rng") is not None and self.dev.type == "cuda":
                torch.cuda.set_rng_state_all([t.cpu() for t in s["cuda_rng"]])
            if s["args"]["phase"] == self.a.phase:  # a phase switch starts fresh optimisers
                self.opt.load_state_dict(s["opt"])
                if self.critic and s.get("critic"):
                    self.critic.load_state_dict(s["critic"])
                    self.copt.load_state_dict(s["copt"])
            print(f"resumed from {latest} at step {self.step} (best {BEST_METRIC} {self.best:.3f})", flush=True)
        elif self.a.init:
            init = load_checkpoint(self.a.init, self.dev)
            self.gen.load_state_dict(generator_weights(init))  # shapes must match
            self.init_steps = total_steps(init)
            if self.ema is not None:
                self.ema.load_state_dict(self.gen.state_dict())
            print(f"initialised generator from {self.a.init}", flush=True)

    def _saved_best(self) -> float:
        best = self.a.ckpt_dir / "best.pt"
        if not best.exists():
            return -1.0
        b = load_checkpoint(best, torch.device("cpu"))
        return float(b["best"]) if b.get("best_metric") == BEST_METRIC else -1.0

    def _autocast(self):
        return torch.autocast(self.dev.type, dtype=torch.bfloat16) if self.a.amp == "bf16" else nullcontext()

    def _gen_loss(self, out: torch.Tensor, sharp: torch.Tensor) -> dict[str, torch.Tensor]:
        content = per_image_rmse if self.a.content_loss == "rmse" else charbonnier
        terms = {"content": self.a.content * content(out, sharp)}
        if self.a.frequency > 0:
            terms["frequency"] = self.a.frequency * frequency_l1(out, sharp)
        if self.vgg is not None:
            terms["perceptual"] = self.a.perceptual * perceptual(self.vgg, out, sharp)
        if self.critic is not None:
            terms["adv"] = self.a.adversarial * generator_adv_loss(self.critic, out)
        return terms

    def train_step(self, blurred: torch.Tensor, sharp: torch.Tensor, elapsed_s: float = 0.0) -> dict[str, float]:
        blurred, sharp = blurred.to(self.dev, non_blocking=True), sharp.to(self.dev, non_blocking=True)
        for g in self.opt.param_groups:
            g["lr"] = lr_at(self.step, self.a, elapsed_s)
        logs: dict[str, float] = {}
        if self.critic is not None:
            # Critic steps reuse this batch's fake (detached): n_critic x fresh generator
            # forwards would cost n_critic x the generator time on CPU.
            with torch.no_grad(), self._autocast():
                fake = self.gen(blurred).float()
            for _ in range(self.a.n_critic):
                closs = critic_loss(self.critic, sharp, fake)
                self.copt.zero_grad(set_to_none=True)
                closs.backward()
                self.copt.step()
            logs["critic"] = float(closs)
        with self._autocast():
            out = self.gen(blurred)
        terms = self._gen_loss(out.float(), sharp)  # losses in float32
        loss = sum(terms.values())
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        self.step += 1
        self._update_ema()
        logs.update({k: float(v.detach()) for k, v in terms.items()})
        logs["loss"] = float(loss)
        return logs

    def _update_ema(self) -> None:
        if self.ema is None:
            return
        # TF's ExponentialMovingAverage warm-up: early on the average follows the weights closely.
        d = min(self.a.ema, (1 + self.step) / (10 + self.step))
        with torch.no_grad():
            for e, p in zip(self.ema.parameters(), self.gen.parameters()):
                e.mul_(d).add_(p.detach(), alpha=1 - d)

    @property
    def shipped(self) -> Generator:
        """The generator that validation scores and export ships: the average, where kept."""
        return self.ema if self.ema is not None else self.gen

    def validate(self) -> dict:
        # On the training device, in float32 (metrics.restore_u8 follows the model's device).
        r = evaluate_pairs(self.shipped, self.val, centred_targets=self.val_centred_targets)
        self.last_val, self.last_val_step = r, self.step
        if r["out_psnr_c"] > self.best:
            self.best = r["out_psnr_c"]
            save_atomic(self._state(), self.a.ckpt_dir / "best.pt")
        return r

    def log(self, row: dict) -> None:
        new = not self.log_path.exists()
        with self.log_path.open("a", newline="") as f:
            w = csv.DictWriter(f, fieldnames=LOG_FIELDS, extrasaction="ignore")
            if new:
                w.writeheader()
            w.writerow(row)

    def run(self) -> None:
        a, t0 = self.a, time.time()
        deadline = t0 + a.minutes * 60
        print(f"generator {count_params(self.gen):,} params; phase {a.phase}; batch {a.batch}x{a.size}^2; "
              f"device {self.dev}", flush=True)
        stream = batch_stream(self.sampler, a.batch, self.rng, workers=a.workers, seed=a.seed,
                              start_step=self.step, pin_memory=self.dev.type == "cuda",
                              render_on=self.dev if a.synth_on_device else None)
        batches = echoed(stream, a.echo, seed=a.seed + self.step) if a.echo > 1 else stream
        acc: dict[str, list[float]] = {}
        t_last, n_last, step_s = time.time(), 0, 0.0
        while self.step < a.max_steps and time.time() < deadline - 60:  # 60 s reserve to validate/save
            blurred, sharp = next(batches)
            for k, v in self.train_step(blurred, sharp, time.time() - t0).items():
                acc.setdefault(k, []).append(v)
            n_last += 1
            validate_now = self.step % a.val_every == 0  # any interval, not only multiples of 50
            if self.step % 50 == 0 or validate_now:
                step_s = (time.time() - t_last) / n_last
                row = {"step": self.step, "wall_s": round(time.time() - t0), "lr": f"{lr_at(self.step, a, time.time() - t0):.2e}",
                       "step_s": f"{step_s:.3f}", **{k: f"{np.mean(v):.5f}" for k, v in acc.items()}}
                if validate_now:
                    r = self.validate()
                    row.update(val_columns(r))
                print(" ".join(f"{k}={v}" for k, v in row.items()), flush=True)
                self.log(row)
                acc, t_last, n_last = {}, time.time(), 0
            if self.step % a.ckpt_every == 0:
                save_atomic(self._state(), a.ckpt_dir / "latest.pt")
        if hasattr(batches, "close"):
            batches.close()  # joins the prefetch thread
        r = self.last_val if self.last_val_step == self.step else self.validate()
        self.log({"step": self.step, "wall_s": round(time.time() - t0), **val_columns(r)})
        save_atomic(self._state(), a.ckpt_dir / "latest.pt")
        print(f"stopped at step {self.step}: val PSNR in {r['in_psnr']:.3f} -> out {r['out_psnr']:.3f} dB "
              f"(centred targets {r['in_psnr_c']:.3f} -> {r['out_psnr_c']:.3f}), "
              f"SSIM {r['in_ssim']:.4f} -> {r['out_ssim']:.4f}; best {self.best:.3f}", flush=True)


def main(argv: list[str] | None = None) -> None:
    a = parse_args(argv, __doc__)
    torch.set_num_threads(a.threads)
    torch.backends.cudnn.benchmark = True  # fixed crop size: let cuDNN pick the fastest kernels
    Trainer(a).run()


if __name__ == "__main__":
    main()
