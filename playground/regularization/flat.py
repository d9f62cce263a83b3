"""Contiguous parameters: a group of tensors re-homed in one flat buffer the optimizer steps at once.

Every update rule in :mod:`playground.optim` is elementwise, so stepping one flat tensor that
holds all of a group's numbers is the same arithmetic, number for number, as stepping each
tensor on its own, but it launches each of the rule's dozen operations once instead of once
per tensor. For the lab's small MLPs, where a step costs per-operation overhead rather than
arithmetic, that makes the optimizer several times cheaper.
"""

from __future__ import annotations

import torch
from torch import nn


def flatten_(params: list[nn.Parameter]) -> nn.Parameter:
    """Move ``params`` and their gradients into one flat leaf tensor, and return it.

    Each parameter becomes a view of its slice of the flat tensor, and its ``grad`` a view of
    the flat tensor's ``grad``, so the model computes and back-propagates exactly as before and
    backward accumulates straight into the flat gradient. Clear it in place
    (``optimizer.zero_grad(set_to_none=False)``): setting it to None would cut the views loose.
    """
    flat = nn.Parameter(torch.cat([p.detach().reshape(-1) for p in params]))
    flat.grad = torch.zeros_like(flat)
    offset = 0
    for p in params:
        size = p.numel()
        p.data = flat.data[offset:offset + size].view_as(p)
        p.grad = flat.grad[offset:offset + size].view_as(p)
        offset += size
    return flat
