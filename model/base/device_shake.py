"""Synthetic camera shake rendered on the training device (`train.py --synth-on-device`).

On the lent H200 a generator step took 16 ms and the 14 CPU data workers made a batch of
16 x 256² every 300 ms, most of it the synthetic shake's 64 warps per sample (README "Lent GPU").
So the work splits: a data worker draws everything random that synth.py draws — the shake
(kernel or camera path of warps), the photo and crop, the highlight gain, noise levels, JPEG
quality, the flip — and cuts a canvas of photo pixels around the crop (`jobs`, numpy, about
2 ms a sample); the trainer's device renders the batch (`render`, torch): linear light,
highlight boost, FFT convolution or the warps' mean (grid_sample), Poisson-Gaussian noise, 8-bit
encoding, JPEG (jpeg_torch.py), flip. The same synthesis as synth.py / shake_warp.py and the TS
port, spec for spec; device_shake_check.py compares the two renderings on the same draws.
"""
from __future__ import annotations

import functools

import numpy as np
import torch
import torch.nn.functional as F

from architecture import linear_to_srgb
from data import SRGB_TO_LINEAR
from jpeg_torch import jpeg_round_trip
from shake_warp import Warp
from shake_kernel import uniform
from synth import Placement, ShakeSynthesizer

Jobs = dict[str, np.ndarray]


def canvas(photo: np.ndarray, top: int, left: int, size: int, pad: int) -> np.ndarray:
    """photo[top - pad : top + size + pad, left - pad : ...], edge pixels repeated past the photo
    (only where a shake's taps are zero: placement keeps every tap inside the photo)."""
    h, w = photo.shape[:2]
    rows = np.clip(np.arange(top - pad, top + size + pad), 0, h - 1)
    cols = np.clip(np.arange(left - pad, left + size + pad), 0, w - 1)
    return photo[rows[:, None], cols[None, :]]


def pad_needed(p: Placement) -> int:
    """Canvas margin for a placement: a kernel's centre tap is ((kh - 1) // 2, (kw - 1) // 2) (the
    even-sided trajectory kernels' last row and column are empty), a warp's margin is kh // 2."""
    return max(p.kh // 2, p.kw // 2)


def draw_job(rng: np.random.Generator, synth: ShakeSynthesizer, p: Placement) -> dict:
    """The degradation's random draws (synth.degrade's, minus the noise itself) and the flip."""
    spec = synth.spec
    sat, nz, jp = spec["saturation"], spec["noise"], spec["jpeg"]
    gain = uniform(rng, sat["gain"]) if rng.random() < sat["probability"] else 1.0
    peak, sigma = uniform(rng, nz["poissonPeak"]), uniform(rng, nz["gaussianSigma"])
    quality = int(rng.integers(jp["quality"][0], jp["quality"][1] + 1)) if rng.random() < jp["probability"] else 0
    return {"place": p, "gain": gain, "threshold": sat["threshold"], "peak": peak, "sigma": sigma,
            "quality": quality, "srgb": spec["colour"]["transfer"] == "srgb", "flip": int(rng.integers(8))}


def jobs(drawn: list[dict], size: int) -> Jobs:
    """Fixed-shape arrays for a batch of drawn jobs: canvases of side size + 2 pad (pad = the
    largest margin in the batch), kernels of side 2 pad + 1 centred at (pad, pad), warps' poses."""
    pad = max([pad_needed(d["place"]) for d in drawn], default=0)
    poses = max([len(d["place"].shake.dx) for d in drawn if isinstance(d["place"].shake, Warp)], default=1)
    n, side = len(drawn), 2 * pad + 1
    out = {"canvas": np.zeros((n, size + 2 * pad, size + 2 * pad, 3), np.uint8),
           "kernel": np.zeros((n, side, side), np.float32), "poses": np.zeros((n, poses, 3), np.float32),
           "pose_weight": np.zeros((n, poses), np.float32), "is_warp": np.zeros(n, bool),
           "centre_offset": np.zeros((n, 2), np.float32)}
    for key, dtype in (("gain", np.float32), ("threshold", np.float32), ("peak", np.float32),
                       ("sigma", np.float32), ("quality", np.int64), ("srgb", bool), ("flip", np.int64)):
        out[key] = np.array([d[key] for d in drawn], dtype=dtype)
    for i, d in enumerate(drawn):
        p = d["place"]
        top, left = p.top_left
        out["canvas"][i] = canvas(p.photo, top, left, size, pad)
        if isinstance(p.shake, Warp):
            h, w = p.photo.shape[:2]
            k = len(p.shake.dx)
            out["is_warp"][i] = True
            out["poses"][i, :k] = np.stack([p.shake.dx, p.shake.dy, p.shake.theta], 1)
            out["pose_weight"][i, :k] = 1.0 / k
            out["centre_offset"][i] = (top - (h - 1) / 2, left - (w - 1) / 2)
        else:
            kh, kw = p.shake.shape
            y0, x0 = pad - (kh - 1) // 2, pad - (kw - 1) // 2
            out["kernel"][i, y0:y0 + kh, x0:x0 + kw] = p.shake
    return out


def convolve(lin: torch.Tensor, kernel: torch.Tensor, pad: int, size: int) -> torch.Tensor:
    """lin (n, 3, S, S), kernel (n, 2 pad + 1, same) -> (n, 3, size, size): out[i] = sum_a
    k[a] lin[pad + i + pad - a], synth.fft_convolve_valid's sum on the crop, by a circular FFT
    whose wrap-around never reaches the crop."""
    s = lin.shape[-1]
    k = torch.zeros(kernel.shape[0], s, s, device=lin.device, dtype=lin.dtype)
    k[:, :kernel.shape[1], :kernel.shape[2]] = kernel
    k = torch.roll(k, shifts=(-pad, -pad), dims=(1, 2))
    out = torch.fft.irfft2(torch.fft.rfft2(lin) * torch.fft.rfft2(k).unsqueeze(1), s=(s, s))
    return out[..., pad:pad + size, pad:pad + size]


def warp_mean(lin: torch.Tensor, poses: torch.Tensor, weight: torch.Tensor, centre_offset: torch.Tensor,
              pad: int, size: int, chunk: int = 16) -> torch.Tensor:
    """shake_warp.warp_average on canvases: pose (dx, dy, theta) shows the photo at
    e^{-i theta} (z - d) for a point z relative to the photo's centre; centre_offset (n, 2) is
    the crop's top-left relative to that centre. `chunk` poses per grid_sample call, stacked
    along the height (64 calls' launch cost would rival a GPU step; all 64 at once, the memory)."""
    n, _, s, _ = lin.shape
    ii = torch.arange(size, device=lin.device, dtype=lin.dtype)
    oy, ox = centre_offset[:, 0].view(n, 1, 1, 1), centre_offset[:, 1].view(n, 1, 1, 1)
    py, px = oy + ii.view(1, 1, size, 1), ox + ii.view(1, 1, 1, size)
    acc = torch.zeros(n, 3, size, size, device=lin.device, dtype=lin.dtype)
    for k0 in range(0, poses.shape[1], chunk):
        pk = poses[:, k0:k0 + chunk]
        m = pk.shape[1]
        dx, dy, th = (pk[:, :, j].view(n, m, 1, 1) for j in range(3))
        c, sn = torch.cos(th), torch.sin(th)
        qx, qy = px - dx, py - dy
        x = c * qx + sn * qy - ox + pad  # canvas coordinates, (n, m, size, size)
        y = c * qy - sn * qx - oy + pad
        grid = torch.stack([2 * x / (s - 1) - 1, 2 * y / (s - 1) - 1], dim=-1).view(n, m * size, size, 2)
        frames = F.grid_sample(lin, grid, mode="bilinear", padding_mode="border", align_corners=True)
        acc += (frames.view(n, 3, m, size, size) * weight[:, k0:k0 + m].view(n, 1, m, 1, 1)).sum(2)
    return acc


def flip(x: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    """data.augment's 8 variants per sample (bit 1: mirror left-right, 2: upside down, 4: transpose)."""
    out = x.clone()
    for v in range(8):
        idx = (k == v).nonzero().flatten()
        if idx.numel() == 0 or v == 0:
            continue
        im = x[idx]
        if v & 1:
            im = im.flip(3)
        if v & 2:
            im = im.flip(2)
        if v & 4:
            im = im.transpose(2, 3)
        out[idx] = im
    return out


@functools.cache
def _decode_luts(device: torch.device) -> torch.Tensor:
    """u8 -> linear for colour.transfer "identity" (row 0) and "srgb" (row 1), made once per device
    rather than copied to it every batch."""
    return torch.stack([torch.arange(256, dtype=torch.float32) / 255, torch.from_numpy(SRGB_TO_LINEAR)]).to(device)


def render_linear(t: dict[str, torch.Tensor], size: int) -> torch.Tensor:
    """The deterministic part: linear light, highlight boost, blur. (n, 3, size, size) float32."""
    pad = (t["canvas"].shape[1] - size) // 2
    u8 = t["canvas"].permute(0, 3, 1, 2).long()
    luts = _decode_luts(u8.device)
    lin = torch.where(t["srgb"].view(-1, 1, 1, 1), luts[1][u8], luts[0][u8])
    lin = torch.where(lin > t["threshold"].view(-1, 1, 1, 1), lin * t["gain"].view(-1, 1, 1, 1), lin)
    out = torch.zeros(lin.shape[0], 3, size, size, device=lin.device)
    warp, kern = t["is_warp"].nonzero().flatten(), (~t["is_warp"]).nonzero().flatten()
    if kern.numel():
        out[kern] = convolve(lin[kern], t["kernel"][kern], pad, size)
    if warp.numel():
        out[warp] = warp_mean(lin[warp], t["poses"][warp], t["pose_weight"][warp], t["centre_offset"][warp], pad, size)
    return out


def render(t: dict[str, torch.Tensor], size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Jobs (as tensors on the device) -> (blurred, sharp) float32 NCHW in [-1, 1], flipped."""
    pad = (t["canvas"].shape[1] - size) // 2
    lin = render_linear(t, size)
    peak, sigma = t["peak"].view(-1, 1, 1, 1), t["sigma"].view(-1, 1, 1, 1)
    noisy = torch.poisson(lin.clamp_min(0) * peak) / peak + torch.randn_like(lin) * sigma
    enc = torch.where(t["srgb"].view(-1, 1, 1, 1), linear_to_srgb(noisy.clamp(0, 1)), noisy.clamp(0, 1))
    u8 = (enc * 255).round().clamp(0, 255)
    jp = (t["quality"] > 0).nonzero().flatten()
    if jp.numel():
        u8[jp] = jpeg_round_trip(u8[jp], t["quality"][jp])
    sharp = t["canvas"][:, pad:pad + size, pad:pad + size].permute(0, 3, 1, 2).float()
    return flip(u8 / 127.5 - 1, t["flip"]), flip(sharp / 127.5 - 1, t["flip"])
