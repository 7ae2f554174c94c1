"""PSNR / SSIM on 8-bit images, whole image, RGB (SSIM averaged over channels, 11x11
Gaussian window sigma 1.5, as Wang et al. 2004 and skimage with gaussian_weights=True)."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F


def psnr_u8(a: np.ndarray, b: np.ndarray) -> float:
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else float(10 * np.log10(255.0 ** 2 / mse))


def _gauss_window(size: int = 11, sigma: float = 1.5) -> torch.Tensor:
    x = torch.arange(size, dtype=torch.float64) - size // 2
    g = torch.exp(-(x ** 2) / (2 * sigma ** 2))
    g = g / g.sum()
    return (g[:, None] * g[None, :])[None, None]


def ssim_u8(a: np.ndarray, b: np.ndarray) -> float:
    """a, b: HWC uint8. Valid-region SSIM (no padding), mean over pixels and channels."""
    ta = torch.from_numpy(a.astype(np.float64)).permute(2, 0, 1)[:, None]
    tb = torch.from_numpy(b.astype(np.float64)).permute(2, 0, 1)[:, None]
    w = _gauss_window()
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mu_a, mu_b = F.conv2d(ta, w), F.conv2d(tb, w)
    var_a = F.conv2d(ta * ta, w) - mu_a ** 2
    var_b = F.conv2d(tb * tb, w) - mu_b ** 2
    cov = F.conv2d(ta * tb, w) - mu_a * mu_b
    s = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a ** 2 + mu_b ** 2 + c1) * (var_a + var_b + c2))
    return float(s.mean())


def model_to_u8(t: torch.Tensor) -> np.ndarray:
    """(1,3,H,W) in [-1,1] -> HWC uint8, rounded as an 8-bit file would store it."""
    x = ((t[0].clamp(-1, 1) + 1) * 127.5).round().byte()
    return x.permute(1, 2, 0).numpy()


@torch.no_grad()
def restore_u8(model: torch.nn.Module, blurred_u8: np.ndarray) -> np.ndarray:
    """Whole-image inference with reflect padding to a multiple of 4 (as the app's engine),
    on the device the model's weights are on."""
    h, w = blurred_u8.shape[:2]
    x = torch.from_numpy(blurred_u8.astype(np.float32) / 127.5 - 1.0).permute(2, 0, 1)[None]
    x = x.to(next(model.parameters()).device)
    ph, pw = (-h) % 4, (-w) % 4
    if ph or pw:
        x = F.pad(x, (0, pw, 0, ph), mode="reflect")
    return model_to_u8(model(x)[:, :, :h, :w].cpu())


def evaluate_pairs(model: torch.nn.Module, pairs: list[tuple[str, np.ndarray, np.ndarray]],
                   centred_targets: list[np.ndarray] | None = None) -> dict:
    """Mean input and output PSNR/SSIM over (name, blurred, sharp) pairs, plus per-pair rows.
    centred_targets: one other target per pair (alignment.py), scored from the same outputs as
    in_psnr_c / out_psnr_c."""
    model.eval()
    rows = []
    for i, (name, blurred, sharp) in enumerate(pairs):
        out = restore_u8(model, blurred)
        rows.append({"name": name, "in_psnr": psnr_u8(blurred, sharp), "out_psnr": psnr_u8(out, sharp),
                     "in_ssim": ssim_u8(blurred, sharp), "out_ssim": ssim_u8(out, sharp)})
        if centred_targets:
            target = centred_targets[i]
            rows[-1].update({"in_psnr_c": psnr_u8(blurred, target), "out_psnr_c": psnr_u8(out, target)})
    model.train()
    keys = ["in_psnr", "out_psnr", "in_ssim", "out_ssim"] + (["in_psnr_c", "out_psnr_c"] if centred_targets else [])
    mean = {k: float(np.mean([r[k] for r in rows])) for k in keys}
    return {**mean, "rows": rows}
