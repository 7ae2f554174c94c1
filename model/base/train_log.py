"""train.py's CSV log: its columns, the upgrade of a log begun by an older version, and the
validation columns of a row."""
from __future__ import annotations

import csv
from pathlib import Path

BEST_METRIC = "val_out_psnr_c"  # what best.pt maximises
LOG_FIELDS = ["step", "wall_s", "lr", "loss", "content", "frequency", "perceptual", "adv", "critic",
              "val_in_psnr", "val_out_psnr", "val_in_ssim", "val_out_ssim", "val_in_psnr_c", "val_out_psnr_c", "step_s"]


def upgrade_log_header(path: Path, fields: list[str] = LOG_FIELDS) -> None:
    """A log begun by an older version (fewer columns) is rewritten with these fields, its rows
    kept and the new columns left empty, so resumed runs append matching rows."""
    with path.open(newline="") as f:
        rows = list(csv.DictReader(f))
        f.seek(0)
        header = next(csv.reader(f), [])
    if header == fields:
        return
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    tmp.replace(path)


def val_columns(r: dict) -> dict:
    """Validation columns of a log row; _c = scored against the centred targets."""
    return {"val_in_psnr": f"{r['in_psnr']:.3f}", "val_out_psnr": f"{r['out_psnr']:.3f}",
            "val_in_ssim": f"{r['in_ssim']:.4f}", "val_out_ssim": f"{r['out_ssim']:.4f}",
            "val_in_psnr_c": f"{r['in_psnr_c']:.3f}", "val_out_psnr_c": f"{r['out_psnr_c']:.3f}"}
