"""CIFAR-style augmentation of a whole batch at once, on the batch's device: random horizontal
flips and pad-and-crop translations (reflect padding, as the fast CIFAR-10 recipes do)."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def flip_crop(images: torch.Tensor, pad: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """Flip each image left-right with probability ½, then shift it by up to ``pad`` pixels each
    way. ``images`` is a float batch (N, C, H, W); one gather does every crop, no Python loop."""
    n, _, height, width = images.shape
    device = images.device
    flip = torch.rand(n, device=device, generator=generator) < 0.5
    images = torch.where(flip[:, None, None, None], images.flip(-1), images)
    if pad == 0:
        return images
    padded = F.pad(images, (pad, pad, pad, pad), mode="reflect")
    dy, dx = torch.randint(0, 2 * pad + 1, (2, n, 1), device=device, generator=generator)
    rows = (dy + torch.arange(height, device=device))[:, None, :, None]   # (N, 1, H, 1)
    cols = (dx + torch.arange(width, device=device))[:, None, None, :]    # (N, 1, 1, W)
    batch = torch.arange(n, device=device)[:, None, None, None]
    channel = torch.arange(images.shape[1], device=device)[None, :, None, None]
    return padded[batch, channel, rows, cols]


def mirror_translate_views(images: torch.Tensor) -> list[tuple[float, torch.Tensor]]:
    """Test-time augmentation views with their weights: the image and its mirror (½), each also
    shifted one pixel up-left and down-right (¼ each), as in airbench's ``tta_level=2``."""
    padded = F.pad(images, (1, 1, 1, 1), mode="reflect")
    height, width = images.shape[-2:]
    shifted = [padded[..., :height, :width], padded[..., 2:, 2:]]
    views = [(0.25, images), *((0.125, view) for view in shifted)]
    return [(weight, view) for weight, base in views for view in (base, base.flip(-1))]
