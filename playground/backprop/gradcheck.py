r"""Gradient checking: compare an analytic gradient with central differences, in float64.

``f`` is a function of no arguments that returns the loss as a float, reading ``params`` (a
dict of name → float64 torch tensor or numpy array) in place. Each entry is nudged by ±h in
turn and restored exactly, so

.. math::
    g_{\text{num}} = \frac{f(\theta + h e_i) - f(\theta - h e_i)}{2h},\qquad
    \text{rel} = \frac{\lVert g_{\text{num}} - g_{\text{ana}} \rVert}
                      {\lVert g_{\text{num}} \rVert + \lVert g_{\text{ana}} \rVert}

(0 when both norms are 0). Too large an h leaves truncation error O(h²); too small an h
drowns the difference in round-off, about machine-ε·|f|/h.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import torch

Array = torch.Tensor | np.ndarray
CORRECT, SUSPICIOUS, WRONG = "correct", "suspicious", "wrong"
CORRECT_BELOW, WRONG_ABOVE = 1e-7, 1e-4


def relative_error(numerical: np.ndarray, analytic: np.ndarray) -> float:
    scale = np.linalg.norm(numerical) + np.linalg.norm(analytic)
    return 0.0 if scale == 0 else float(np.linalg.norm(numerical - analytic) / scale)


def verdict(rel: float) -> str:
    """Below 1e-7 correct, up to 1e-4 suspicious, above that (or NaN) wrong."""
    if rel < CORRECT_BELOW:
        return CORRECT
    return SUSPICIOUS if rel <= WRONG_ABOVE else WRONG


@dataclass(frozen=True)
class ParamCheck:
    name: str
    numerical: np.ndarray
    analytic: np.ndarray
    relative_error: float

    @property
    def verdict(self) -> str:
        return verdict(self.relative_error)


@dataclass(frozen=True)
class GradCheckReport:
    h: float
    params: tuple[ParamCheck, ...]
    relative_error: float  # over all parameters at once

    @property
    def verdict(self) -> str:
        return verdict(self.relative_error)

    @property
    def worst(self) -> ParamCheck:
        return max(self.params, key=lambda p: np.nan_to_num(p.relative_error, nan=np.inf))


def _flat(param: Array) -> Array:
    """A flat view that writes through to ``param``."""
    if param.dtype not in (torch.float64, np.float64):
        raise ValueError(f"gradient checks need float64 parameters, got {param.dtype}")
    contiguous = param.is_contiguous() if isinstance(param, torch.Tensor) else param.flags.c_contiguous
    if not contiguous:
        raise ValueError("gradient checks need contiguous parameters (so a flat view writes through)")
    return param.reshape(-1)


def numerical_gradient(f: Callable[[], float], param: Array, h: float) -> np.ndarray:
    flat = _flat(param)
    grad = np.empty(flat.shape[0])
    for i in range(flat.shape[0]):
        original = float(flat[i])
        flat[i] = original + h
        plus = f()
        flat[i] = original - h
        minus = f()
        flat[i] = original
        grad[i] = (plus - minus) / (2 * h)
    return grad.reshape(tuple(param.shape))


def _numpy(array: Array) -> np.ndarray:
    return array.detach().cpu().numpy() if isinstance(array, torch.Tensor) else np.asarray(array)


def gradient_check(f: Callable[[], float], params: Mapping[str, Array], analytic_grads: Mapping[str, Array],
                   h: float = 1e-6) -> GradCheckReport:
    """Numerical vs analytic gradient of ``f`` for every entry of ``params`` (see the module doc)."""
    if not h > 0:
        raise ValueError(f"h must be positive, got {h}")
    checks = []
    for name, param in params.items():
        analytic = _numpy(analytic_grads[name]).astype(np.float64)
        if analytic.shape != tuple(param.shape):
            raise ValueError(f"{name}: the analytic gradient's shape {analytic.shape} is not the "
                             f"parameter's {tuple(param.shape)}")
        numerical = numerical_gradient(f, param, h)
        checks.append(ParamCheck(name, numerical, analytic, relative_error(numerical, analytic)))
    everything = [np.concatenate([c.numerical.ravel() for c in checks]),
                  np.concatenate([c.analytic.ravel() for c in checks])]
    return GradCheckReport(h, tuple(checks), relative_error(*everything))

