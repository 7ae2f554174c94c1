"""JPEG compression round trip in torch, batched, for synthetic shake made on the training device
(device_shake.py). It does what Pillow's libjpeg does at `save(quality=q)` and `open()`: JFIF
YCbCr, 4:2:0 chroma (2x2 means), 8x8 DCT, IJG tables scaled by quality, rounding; decoding with
"fancy" (triangle) chroma upsampling, which is bilinear upsampling by 2 with half-pixel centres.
Floating point instead of libjpeg's fixed point, so a pixel can differ by a level or two
(device_shake_check.py measures it against Pillow); Huffman coding is lossless and skipped.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

# ITU T.81 Annex K tables (libjpeg's std_luminance_quant_tbl / std_chrominance_quant_tbl).
LUMA = [16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
        14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
        18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99]
CHROMA = [17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99,
          24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99] + [99] * 32


def quant_tables(quality: torch.Tensor) -> torch.Tensor:
    """(n,) integer qualities 1..100 -> (n, 2, 8, 8) luma/chroma tables, as jpeg_set_quality
    with force_baseline (entries clamped to 1..255)."""
    q = quality.clamp(1, 100).double()
    scale = torch.where(q < 50, 5000.0 / q, 200.0 - 2.0 * q)
    base = torch.tensor([LUMA, CHROMA], dtype=torch.float64, device=quality.device).view(1, 2, 8, 8)
    return torch.floor((base * scale.view(-1, 1, 1, 1) + 50) / 100).clamp(1, 255).float()


def _dct_matrix(device: torch.device) -> torch.Tensor:
    """Orthonormal DCT-II: JPEG's FDCT on an 8x8 block is D @ block @ D.T."""
    u = torch.arange(8, dtype=torch.float64).view(8, 1)
    x = torch.arange(8, dtype=torch.float64).view(1, 8)
    d = torch.cos((2 * x + 1) * u * math.pi / 16) * math.sqrt(2 / 8)
    d[0] /= math.sqrt(2)
    return d.float().to(device)


def _blocks_round_trip(plane: torch.Tensor, table: torch.Tensor, d: torch.Tensor) -> torch.Tensor:
    """plane (n, c, H, W), H and W multiples of 8, level-shifted; table (n, 8, 8) -> quantised and back."""
    n, c, h, w = plane.shape
    b = plane.reshape(n, c, h // 8, 8, w // 8, 8).permute(0, 1, 2, 4, 3, 5)  # n c by bx 8 8
    coef = d @ b @ d.T
    t = table.view(n, 1, 1, 1, 8, 8)
    back = d.T @ (torch.round(coef / t) * t) @ d
    return back.permute(0, 1, 2, 4, 3, 5).reshape(n, c, h, w)


def jpeg_round_trip(rgb: torch.Tensor, quality: torch.Tensor) -> torch.Tensor:
    """rgb (n, 3, H, W) float holding 0..255 integers; quality (n,) ints. Returns the decoded
    image, rounded and clamped to 0..255, same shape. Sides are padded by edge replication to a
    multiple of 16 (the 4:2:0 MCU), as libjpeg does, and cut back."""
    n, _, h, w = rgb.shape
    ph, pw = -h % 16, -w % 16
    x = F.pad(rgb, (0, pw, 0, ph), mode="replicate") if ph or pw else rgb
    r, g, b = x[:, 0:1], x[:, 1:2], x[:, 2:3]
    y = 0.299 * r + 0.587 * g + 0.114 * b
    cb = -0.168735892 * r - 0.331264108 * g + 0.5 * b + 128
    cr = 0.5 * r - 0.418687589 * g - 0.081312411 * b + 128
    chroma = F.avg_pool2d(torch.cat([cb, cr], 1), 2)
    tables, d = quant_tables(quality), _dct_matrix(rgb.device)
    # libjpeg's IDCT output is range-limited 8-bit samples: round and clamp before upsampling.
    y = (_blocks_round_trip(y - 128, tables[:, 0], d) + 128).round().clamp(0, 255)
    chroma = (_blocks_round_trip(chroma - 128, tables[:, 1], d) + 128).round().clamp(0, 255)
    chroma = F.interpolate(chroma, scale_factor=2, mode="bilinear", align_corners=False) - 128
    cb, cr = chroma[:, 0:1], chroma[:, 1:2]
    out = torch.cat([y + 1.402 * cr, y - 0.344136286 * cb - 0.714136286 * cr, y + 1.772 * cb], 1)
    return out.round().clamp(0, 255)[:, :, :h, :w]
