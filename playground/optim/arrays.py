"""The few array operations an update rule needs that operators alone cannot express.

Every update rule in :mod:`playground.optim` is written once and runs on two kinds of arrays:
torch tensors (inside ``Optimizer.step()``, on any device, for network training) and numpy
arrays (inside the 2-D trajectory engine, where numpy's per-call overhead on tiny arrays is a
fraction of torch's). Arithmetic operators, ``**`` and in-place operators behave the same on
both; the handful of functions below cover the rest.
"""

from __future__ import annotations

import numpy as np
import torch

Array = torch.Tensor | np.ndarray


def zeros_like(x: Array) -> Array:
    if isinstance(x, torch.Tensor):
        return torch.zeros_like(x, memory_format=torch.preserve_format)
    return np.zeros_like(x)


def full_like(x: Array, value: float) -> Array:
    """Like ``x``, filled with ``value``; a complex ``x`` gets ``value`` in both its real and
    imaginary parts, since optimizers treat the two as separate coordinates."""
    if isinstance(x, torch.Tensor):
        fill = complex(value, value) if x.is_complex() else value
        return torch.full_like(x, fill, memory_format=torch.preserve_format)
    return np.full_like(x, value)


def clone(x: Array) -> Array:
    return x.detach().clone() if isinstance(x, torch.Tensor) else np.array(x, copy=True)


def sqrt(x: Array) -> Array:
    return torch.sqrt(x) if isinstance(x, torch.Tensor) else np.sqrt(x)


def maximum(a: Array, b: Array, out: Array | None = None) -> Array:
    """Elementwise max; ``out=a`` updates ``a`` in place without a temporary."""
    if isinstance(a, torch.Tensor):
        assert isinstance(b, torch.Tensor) and (out is None or isinstance(out, torch.Tensor)), "all torch"
        return torch.maximum(a, b, out=out)
    assert isinstance(b, np.ndarray) and (out is None or isinstance(out, np.ndarray)), "all numpy"
    return np.maximum(a, b, out=out)


def abs(x: Array) -> Array:  # noqa: A001 - reads as the math
    return torch.abs(x) if isinstance(x, torch.Tensor) else np.abs(x)


def step_counter(x: Array) -> Array | int:
    """A fresh step count: beside torch params a CPU scalar tensor of the default dtype
    (float32 unless changed), as in torch.optim's state_dict; beside numpy arrays a plain int."""
    return torch.tensor(0.0) if isinstance(x, torch.Tensor) else 0


def next_step(state: dict, like: Array) -> float:
    """Count one more step in ``state["step"]`` and return the new count t (1 on the first
    step) as a Python float, for bias corrections. The counter lives on the CPU, so reading
    it never waits for an accelerator."""
    if "step" not in state:
        state["step"] = step_counter(like)
    state["step"] += 1
    return float(state["step"])


def scalar(x: Array, value: float) -> Array:
    """A running scalar kept in state (NAdam's ``mu_product``) with torch.optim's precision:
    a CPU tensor of the default dtype (float32 unless changed), so products accumulate the
    same rounding as torch.optim; beside numpy arrays a 0-d array of that same dtype, so the
    two paths trace the same trajectory."""
    running = torch.tensor(value)
    return running if isinstance(x, torch.Tensor) else running.numpy().copy()


def buffer(state: dict, name: str, like: Array) -> Array:
    """``state[name]``, created as zeros shaped like ``like`` on first use."""
    if name not in state:
        state[name] = zeros_like(like)
    return state[name]
