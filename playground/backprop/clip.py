r"""Gradient clipping, written out: by global norm and by value (the math of torch.nn.utils.clip_grad_*_).

By norm, every gradient is scaled by the same factor so the global norm
:math:`\lVert g \rVert = \sqrt{\sum_i \lVert g_i \rVert^2}` is at most ``max_norm``; the
direction of the step is kept. By value, each entry is clamped to [-c, c], which can turn the
direction.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch

MODES = ("none", "norm", "value")


def global_norm(params: Iterable[torch.Tensor]) -> float:
    norms = [torch.linalg.vector_norm(p.grad.detach()) for p in params if p.grad is not None]
    return float(torch.linalg.vector_norm(torch.stack(norms))) if norms else 0.0


@torch.no_grad()
def clip_grad_norm(params: Iterable[torch.Tensor], max_norm: float) -> float:
    """Scale the gradients in place to global norm ≤ ``max_norm``; returns the norm before."""
    params = list(params)
    total = global_norm(params)
    scale = min(1.0, max_norm / (total + 1e-6))  # the 1e-6 as in torch, against a zero norm
    for p in params:
        if p.grad is not None:
            p.grad.mul_(scale)
    return total


@torch.no_grad()
def clip_grad_value(params: Iterable[torch.Tensor], clip_value: float) -> None:
    """Clamp every gradient entry in place to [-clip_value, clip_value]."""
    for p in params:
        if p.grad is not None:
            p.grad.clamp_(-clip_value, clip_value)


def clip(params: Iterable[torch.Tensor], mode: str, threshold: float) -> None:
    """Apply one of :data:`MODES`."""
    if mode not in MODES:
        raise ValueError(f"clipping mode must be one of {MODES}, not {mode!r}")
    if mode == "norm":
        clip_grad_norm(params, threshold)
    elif mode == "value":
        clip_grad_value(params, threshold)
