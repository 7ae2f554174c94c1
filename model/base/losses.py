"""Losses: Charbonnier or per-image RMSE content, frequency L1, VGG19 conv3_3 perceptual (L2), WGAN-GP critic/generator terms."""
from __future__ import annotations

import os
from pathlib import Path

import torch
from torch import nn

# made by convert_vgg.py; outside the repo (9 MB). UNSHAKE_VGG_PT: where a lent GPU machine unpacked it.
VGG_PT = Path(os.environ.get("UNSHAKE_VGG_PT", "/work/ckpt/vgg19-block3.pt"))
CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)


def charbonnier(x: torch.Tensor, y: torch.Tensor, eps: float = 1e-3) -> torch.Tensor:
    """Smooth L1: L1's robustness to outliers with a defined gradient at 0."""
    return torch.sqrt((x - y) ** 2 + eps * eps).mean()


def per_image_rmse(x: torch.Tensor, y: torch.Tensor, eps: float = 1e-3) -> torch.Tensor:
    """Mean over the batch of each image's root-mean-square error. Within an image it is L2, whose
    optimum is the mean PSNR scores, where Charbonnier's is the median; its gradient has L1's size
    (err / rmse), so it can stand in for Charbonnier beside the spectral term without reweighting."""
    return torch.sqrt(((x - y) ** 2).flatten(1).mean(1) + eps * eps).mean()


def frequency_l1(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """L1 between the 2-D spectra (real and imaginary parts, orthonormal FFT, so on the pixels'
    scale by Parseval): a pixel loss averages a small net's residual towards the low frequencies
    it finds easy; this weighs the fine detail that deblurring must restore as much (MIMO-UNet's
    frequency loss, Cho et al. 2021)."""
    d = torch.fft.rfft2(x, norm="ortho") - torch.fft.rfft2(y, norm="ortho")
    return torch.view_as_real(d).abs().mean()


class VGGConv33(nn.Module):
    """VGG19 up to block3_conv3 (+ReLU): the paper's phi_{3,3}. Frozen."""

    def __init__(self, weights: Path = VGG_PT) -> None:
        super().__init__()
        cfg = [(3, 64), (64, 64), "pool", (64, 128), (128, 128), "pool", (128, 256), (256, 256), (256, 256)]
        layers: list[nn.Module] = []
        for c in cfg:
            if c == "pool":
                layers.append(nn.MaxPool2d(2))
            else:
                layers += [nn.Conv2d(c[0], c[1], 3, padding=1), nn.ReLU(inplace=True)]
        self.features = nn.Sequential(*layers)
        state = torch.load(weights, map_location="cpu")
        convs = [m for m in self.features if isinstance(m, nn.Conv2d)]
        names = ["block1_conv1", "block1_conv2", "block2_conv1", "block2_conv2",
                 "block3_conv1", "block3_conv2", "block3_conv3"]
        for conv, name in zip(convs, names):
            conv.weight.data.copy_(state[f"{name}.weight"])
            conv.bias.data.copy_(state[f"{name}.bias"])
        for p in self.parameters():
            p.requires_grad_(False)
        self.register_buffer("mean", torch.tensor(CAFFE_MEAN_BGR).view(1, 3, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # [-1,1] RGB -> caffe mode: 0..255 BGR minus the ImageNet means.
        bgr = (x.flip(1) + 1.0) * 127.5 - self.mean
        return self.features(bgr)


def perceptual(vgg: VGGConv33, out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """L2 on conv3_3 features, divided by 255^2: caffe inputs are 0..255, so this puts the
    loss on the scale of [0,1]-input features, where the paper's weight of 100 was tuned."""
    with torch.no_grad():
        ft = vgg(target)
    return torch.mean((vgg(out) - ft) ** 2) / 255.0 ** 2


def gradient_penalty(critic: nn.Module, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """WGAN-GP (Gulrajani et al. 2017): (||grad D(x_hat)|| - 1)^2 on random interpolates."""
    # on real's device: a CPU tensor of this shape cannot broadcast against CUDA ones
    a = torch.rand(real.size(0), 1, 1, 1, device=real.device)
    x_hat = (a * real + (1 - a) * fake).requires_grad_(True)
    d = critic(x_hat)
    (grad,) = torch.autograd.grad(d.sum(), x_hat, create_graph=True)
    return ((grad.flatten(1).norm(dim=1) - 1) ** 2).mean()


def critic_loss(critic: nn.Module, real: torch.Tensor, fake: torch.Tensor, gp_weight: float = 10.0) -> torch.Tensor:
    return critic(fake).mean() - critic(real).mean() + gp_weight * gradient_penalty(critic, real, fake)


def generator_adv_loss(critic: nn.Module, fake: torch.Tensor) -> torch.Tensor:
    return -critic(fake).mean()
