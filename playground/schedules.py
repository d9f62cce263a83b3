r"""Learning-rate schedules: a multiplier on the base learning rate at each step.

A :class:`Schedule` is a pure function of (step, total), so the same object drives the 2-D
optimizer race and a network's ``torch.optim.lr_scheduler.LambdaLR``.
:class:`ReduceOnPlateau` instead reacts to the loss, and keeps one multiplier per run so K
trajectories can be scheduled at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import overload

import numpy as np

SCHEDULES = ("constant", "step", "exponential", "cosine", "warmup_cosine", "one_cycle")
KINDS = SCHEDULES  # the name the training pages import

ONE_CYCLE_WARMUP = 0.3   # fraction of the run spent rising when one_cycle has no explicit warmup
ONE_CYCLE_START = 1 / 25  # one_cycle starts at lr/25, as torch's OneCycleLR (div_factor=25)


def _cosine(t: float, low: float, high: float) -> float:
    """From ``high`` at t=0 down to ``low`` at t=1 along half a cosine."""
    return low + (high - low) * 0.5 * (1 + math.cos(math.pi * min(max(t, 0.0), 1.0)))


@dataclass(frozen=True)
class Schedule:
    r"""The learning-rate multiplier :math:`\eta_t / \eta` of a named schedule.

    - ``constant``: 1.
    - ``step``: :math:`\gamma^{\lfloor t / s \rfloor}`, multiply by gamma every ``step_size`` steps.
    - ``exponential``: :math:`\gamma^{t / s}`, the smooth version of ``step`` (the same
      factor gamma per ``step_size`` steps, applied a little every step).
    - ``cosine``: half a cosine from 1 down to ``min_factor`` over the run.
    - ``warmup_cosine``: linear rise over ``warmup`` steps, then cosine down to ``min_factor``.
    - ``one_cycle``: cosine rise from 1/25 to 1 over ``warmup`` steps (30% of the run when
      0), then cosine down to ``min_factor``: a large middle learning rate explores, a small
      final one settles.
    """

    kind: str = "constant"
    step_size: int = 100
    gamma: float = 0.5
    warmup: int = 0
    min_factor: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in SCHEDULES:
            raise ValueError(f"unknown schedule {self.kind!r}; choose from {', '.join(SCHEDULES)}")
        if not (isinstance(self.step_size, (int, np.integer)) and self.step_size >= 1):
            raise ValueError(f"step_size must be a whole number of steps >= 1, not {self.step_size!r}")
        if not (0 < self.gamma <= 1):
            raise ValueError(f"gamma must be in (0, 1] so the learning rate decays, not {self.gamma!r}")
        if not (isinstance(self.warmup, (int, np.integer)) and self.warmup >= 0):
            raise ValueError(f"warmup must be a whole number of steps >= 0, not {self.warmup!r}")
        if not (0 <= self.min_factor <= 1):
            raise ValueError(f"min_factor must be in [0, 1], not {self.min_factor!r}")

    def factor(self, step: int, total: int) -> float:
        """The multiplier at 0-based ``step`` of a run of ``total`` steps (steps past the end
        keep the final value)."""
        if total < 1:
            raise ValueError(f"total must be at least 1 step, not {total}")
        if step < 0:
            raise ValueError(f"step must be >= 0, not {step}")
        step = min(step, total)
        if self.kind == "constant":
            return 1.0
        if self.kind == "step":
            return self.gamma ** (step // self.step_size)
        if self.kind == "exponential":
            return self.gamma ** (step / self.step_size)
        if self.kind == "cosine":
            return _cosine(step / total, self.min_factor, 1.0)
        if self.kind == "warmup_cosine":
            if step < self.warmup:
                return (step + 1) / self.warmup
            return _cosine((step - self.warmup) / max(1, total - self.warmup), self.min_factor, 1.0)
        rise = self.warmup or max(1, round(ONE_CYCLE_WARMUP * total))
        if step < rise:
            return _cosine(1 - step / rise, ONE_CYCLE_START, 1.0)
        return _cosine((step - rise) / max(1, total - rise), self.min_factor, 1.0)

    def factors(self, total: int) -> np.ndarray:
        """All ``total`` multipliers at once, e.g. to precompute a run's learning rates."""
        return np.array([self.factor(step, total) for step in range(total)])


class ReduceOnPlateau:
    """Multiply the learning rate by ``factor`` when the loss has not improved (by a relative
    ``threshold``) for more than ``patience`` steps, as ``torch.optim.lr_scheduler.ReduceLROnPlateau``
    in ``min`` mode; never below ``min_factor``.

    :meth:`update` takes one loss or an array of K losses (one per run) and returns the
    current multiplier(s) in the same shape, so K trajectories are scheduled independently.
    """

    def __init__(self, factor: float = 0.5, patience: int = 20, threshold: float = 1e-4,
                 min_factor: float = 1e-3) -> None:
        if not (0 < factor < 1):
            raise ValueError(f"factor must be in (0, 1) so the learning rate shrinks, not {factor!r}")
        if not (isinstance(patience, (int, np.integer)) and patience >= 0):
            raise ValueError(f"patience must be a whole number of steps >= 0, not {patience!r}")
        if not (threshold >= 0):
            raise ValueError(f"threshold must be >= 0, not {threshold!r}")
        if not (0 <= min_factor <= 1):
            raise ValueError(f"min_factor must be in [0, 1], not {min_factor!r}")
        self.factor, self.patience = factor, patience
        self.threshold, self.min_factor = threshold, min_factor
        self.best: np.ndarray | None = None
        self.bad: np.ndarray | None = None
        self.multiplier: np.ndarray | None = None

    @overload
    def update(self, loss: float) -> float: ...
    @overload
    def update(self, loss: np.ndarray) -> float | np.ndarray: ...

    def update(self, loss: float | np.ndarray) -> float | np.ndarray:
        loss = np.asarray(loss, dtype=float)
        best, bad, multiplier = self.best, self.bad, self.multiplier
        if best is None or bad is None or multiplier is None:  # the first update, which sets all three
            best = np.full(loss.shape, np.inf)
            bad = np.zeros(loss.shape, dtype=int)
            multiplier = np.ones(loss.shape)
        # Relative improvement that also works for negative losses: best - threshold * |best|.
        with np.errstate(invalid="ignore"):
            improved = loss < best - self.threshold * np.abs(best)
        improved |= np.isinf(best) & np.isfinite(loss)
        self.best = np.where(improved, loss, best)
        bad = np.where(improved, 0, bad + 1)
        reduce = bad > self.patience
        self.bad = np.where(reduce, 0, bad)
        self.multiplier = multiplier = np.where(reduce, np.maximum(multiplier * self.factor, self.min_factor),
                                                multiplier)
        return float(multiplier) if multiplier.ndim == 0 else multiplier.copy()
