"""The few array operations an update rule needs that operators alone cannot express.

Every update rule in :mod:`playground.optim` is written once and runs on two kinds of arrays:
torch tensors (inside ``Optimizer.step()``, on any device, for network training) and numpy
arrays (inside the 2-D trajectory engine, where numpy's per-call overhead on tiny arrays is a
fraction of torch's). Arithmetic operators, ``**`` and in-place operators behave the same on
both; the handful of functions below cover the rest.
"""

from __future__ import annotations

from typing import Union

import numpy as np
import torch

Array = Union[torch.Tensor, np.ndarray]


def zeros_like(x: Array) -> Array:
    return torch.zeros_like(x, memory_format=torch.preserve_format) if isinstance(x, torch.Tensor) else np.zeros_like(x)


def clone(x: Array) -> Array:
    return x.detach().clone() if isinstance(x, torch.Tensor) else np.array(x, copy=True)


def sqrt(x: Array) -> Array:
    return torch.sqrt(x) if isinstance(x, torch.Tensor) else np.sqrt(x)


def maximum(a: Array, b: Array) -> Array:
    return torch.maximum(a, b) if isinstance(a, torch.Tensor) else np.maximum(a, b)


def abs(x: Array) -> Array:  # noqa: A001 - reads as the math
    return torch.abs(x) if isinstance(x, torch.Tensor) else np.abs(x)


def step_counter(x: Array) -> Array | int:
    """A fresh step count: a float32 scalar tensor beside torch params (torch.optim's
    state_dict format), a plain int beside numpy arrays."""
    return torch.tensor(0.0) if isinstance(x, torch.Tensor) else 0
