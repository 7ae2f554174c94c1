"""Improved-DeblurGAN generator and PatchGAN critic (SEED.md, DESIGN.md "The generator").

I/O convention (the app's engine relies on it): NCHW float32 RGB sRGB in [-1, 1],
H and W multiples of 4, output = clamp(input + tanh(g(input)), -1, 1), or with residual="linear"
the same sum taken in linear light: srgb(clamp(linear(input) + tanh(g(input)), 0, 1)).
No normalisation layers: instance norm makes results depend on the evaluated size
(issue 5), and plain Conv/ConvTranspose/ReLU/Concat/Add/Tanh/Clip run on every ORT provider.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class GeneratorConfig:
    base: int = 32  # head width; the two encoder blocks use 2x and 4x this
    growth: int = 32  # channels each dense layer adds
    dense_layers: int = 9
    # "separable" (the paper) or "full" 3x3 convs inside the DenseBlock: the 0.8 M-parameter
    # variant; it learns faster per step at ~3x the MACs (see README "Runs").
    dense_conv: str = "separable"
    # Where the residual is added: "srgb" (the shipped weights) or "linear" light. Blur is a local
    # mean in linear light, so there the sharp image keeps the blurred one's local brightness and
    # a zero-mean residual suffices; in sRGB a blurred edge is brighter than its sharp version
    # (the curve is concave) and the small net learned that as a global darkening (docs/decisions.md).
    residual: str = "srgb"
    # Dilation of each dense layer's 3x3, as a cycle ("1,2,4" = 1,2,4,1,2,4,...). All 1 (the
    # shipped weights) gives the DenseBlock a 19 px receptive field at 1/4 scale (~100 px in the
    # image, less in effect) against real shake of 30-60 px; a cycle widens it at no cost in
    # parameters or MACs; it learnt no faster in the capacity probes (README "Capacity probes").
    dilations: str = "1"

    def dilation_of(self, layer: int) -> int:
        cycle = [int(v) for v in self.dilations.split(",")]
        return cycle[layer % len(cycle)]

    def to_dict(self) -> dict:
        return asdict(self)


def separable(c_in: int, c_out: int, stride: int = 1, dilation: int = 1) -> nn.Sequential:
    """Depthwise 3x3 (spatial) then pointwise 1x1 (channel mixing): ~9x fewer MACs than a 3x3."""
    return nn.Sequential(
        nn.Conv2d(c_in, c_in, 3, stride=stride, padding=dilation, dilation=dilation, groups=c_in),
        nn.Conv2d(c_in, c_out, 1),
    )


class DenseLayer(nn.Module):
    def __init__(self, c_in: int, growth: int, conv: str = "separable", dilation: int = 1) -> None:
        super().__init__()
        self.conv = (separable(c_in, growth, dilation=dilation) if conv == "separable"
                     else nn.Conv2d(c_in, growth, 3, padding=dilation, dilation=dilation))
        self.act = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([x, self.act(self.conv(x))], dim=1)


def init_variance_preserving(model: nn.Module) -> None:
    """He (Kaiming) normal init for every conv, zero biases. PyTorch's default (uniform, a=sqrt(5))
    shrinks activation variance by ~6x per conv+ReLU in theory; with no normalisation layers the
    deep path is starved (measured on a validation crop: transition output std 0.030 vs 0.34 with
    this init; decoder output 0.36x the head's skip vs 2.1x), and the net learns like a shallow
    one: on 40 fixed heavy-blur crops (learning_check.py), +0.36 dB after 300 steps with the
    default init, +1.70 dB with this (docs/decisions.md "Variance-preserving init").
    A depthwise conv feeds a pointwise conv with no ReLU between them, so it gets the linear gain."""
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            linear = m.groups > 1
            nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="linear" if linear else "relu")
        elif isinstance(m, nn.ConvTranspose2d):
            # ConvTranspose2d weights are (in, out, kh, kw): torch's "fan_out" is the real fan-in here.
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        else:
            continue
        if m.bias is not None:
            nn.init.zeros_(m.bias)


def srgb_to_linear(s: torch.Tensor) -> torch.Tensor:
    """sRGB [0, 1] -> linear light (IEC 61966-2-1). The clamp keeps pow's unused branch finite."""
    return torch.where(s < 0.04045, s / 12.92, ((s.clamp(min=0.04045) + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(v: torch.Tensor) -> torch.Tensor:
    """linear light [0, 1] -> sRGB; the linear toe keeps the gradient finite near black."""
    return torch.where(v < 0.0031308, v * 12.92, 1.055 * v.clamp(min=0.0031308) ** (1 / 2.4) - 0.055)


class UpBlock(nn.Module):
    """x2 up-sampling as two factorised transposed convs: 3x1 (rows) then 1x3 (columns)."""

    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        self.rows = nn.ConvTranspose2d(c_in, c_out, (3, 1), stride=(2, 1), padding=(1, 0), output_padding=(1, 0))
        self.cols = nn.ConvTranspose2d(c_out, c_out, (1, 3), stride=(1, 2), padding=(0, 1), output_padding=(0, 1))
        self.act = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.cols(self.rows(x)))


class Generator(nn.Module):
    def __init__(self, cfg: GeneratorConfig = GeneratorConfig()) -> None:
        super().__init__()
        self.cfg = cfg
        c1, c2, c3 = cfg.base, cfg.base * 2, cfg.base * 4
        self.head = nn.Sequential(nn.Conv2d(3, c1, 7, padding=3), nn.ReLU(inplace=True))
        self.down1 = nn.Sequential(separable(c1, c2, stride=2), nn.ReLU(inplace=True))
        self.down2 = nn.Sequential(separable(c2, c3, stride=2), nn.ReLU(inplace=True))
        layers, c = [], c3
        for i in range(cfg.dense_layers):
            layers.append(DenseLayer(c, cfg.growth, cfg.dense_conv, cfg.dilation_of(i)))
            c += cfg.growth
        self.dense = nn.Sequential(*layers)
        # Transition: 1x1 back to the encoder width so the decoder stays cheap.
        self.transition = nn.Sequential(nn.Conv2d(c, c3, 1), nn.ReLU(inplace=True))
        self.up1 = UpBlock(c3, c2)
        self.up2 = UpBlock(c2, c1)
        # 3x3 tail, not 7x7: a 7x7 conv to 3 channels at full resolution was 30 % of the CPU
        # step time (measured) for little extra context (the encoder already sees far).
        self.tail = nn.Conv2d(c1, 3, 3, padding=1)
        init_variance_preserving(self)
        # Identity start: tanh(0) = 0, so the untrained net returns its input unchanged
        # (issue 5 measured ~3x faster learning and never-worse-than-input early checkpoints).
        nn.init.zeros_(self.tail.weight)
        nn.init.zeros_(self.tail.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        e0 = self.head(x)
        e1 = self.down1(e0)
        e2 = self.down2(e1)
        d = self.transition(self.dense(e2))
        # Skip connections (added, not concatenated, to keep the decoder narrow).
        d = self.up1(d + e2) + e1
        d = self.up2(d) + e0
        residual = torch.tanh(self.tail(d))
        if self.cfg.residual == "linear":
            lin = torch.clamp(srgb_to_linear((x + 1) * 0.5) + residual, 0.0, 1.0)
            return linear_to_srgb(lin) * 2 - 1
        return torch.clamp(x + residual, -1.0, 1.0)


class PatchCritic(nn.Module):
    """PatchGAN critic of 4x4 convs (pix2pix 70x70 layout). No batch norm: WGAN-GP's
    per-sample gradient penalty is invalid with batch statistics."""

    def __init__(self, width: int = 64) -> None:
        super().__init__()
        w = width
        self.net = nn.Sequential(
            nn.Conv2d(3, w, 4, 2, 1), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(w, w * 2, 4, 2, 1), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(w * 2, w * 4, 4, 2, 1), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(w * 4, w * 8, 4, 1, 1), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(w * 8, 1, 4, 1, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def count_macs(model: nn.Module, h: int = 256, w: int = 256) -> int:
    """Multiply-accumulates of all Conv/ConvTranspose layers for one h x w input (hooks)."""
    total = 0

    def conv_hook(m: nn.Conv2d, _inp, out: torch.Tensor) -> None:
        nonlocal total
        k = m.kernel_size[0] * m.kernel_size[1] * (m.in_channels // m.groups)
        total += out.numel() * k  # per output element: k MACs

    def tconv_hook(m: nn.ConvTranspose2d, inp, _out) -> None:
        nonlocal total
        k = m.kernel_size[0] * m.kernel_size[1] * (m.out_channels // m.groups)
        total += inp[0].numel() * k  # each input element scatters into k outputs

    hooks = []
    for mod in model.modules():
        if isinstance(mod, nn.ConvTranspose2d):
            hooks.append(mod.register_forward_hook(tconv_hook))
        elif isinstance(mod, nn.Conv2d):
            hooks.append(mod.register_forward_hook(conv_hook))
    with torch.no_grad():
        model(torch.zeros(1, 3, h, w))
    for hk in hooks:
        hk.remove()
    return total


def gmac_per_megapixel(model: nn.Module) -> float:
    return count_macs(model, 256, 256) / (256 * 256) * 1e6 / 1e9


if __name__ == "__main__":
    g = Generator()
    print(f"generator params {count_params(g):,}  GMAC/MP {gmac_per_megapixel(g):.1f}")
    print(f"critic params {count_params(PatchCritic()):,}")
