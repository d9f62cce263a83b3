r"""Learning-rate schedules: a multiplier on the base learning rate at each step.

A :class:`Schedule` is a pure function of (step, total), so the same object drives the 2-D
optimizer race and a network's ``torch.optim.lr_scheduler.LambdaLR``. Each named schedule equals
a ``torch.optim.lr_scheduler`` class run for ``total`` steps (``step``: ``StepLR``,
``exponential``: ``ExponentialLR``, ``cosine``: ``CosineAnnealingLR``, ``one_cycle``:
``OneCycleLR``; see :class:`Schedule` for the exact arguments), and tests/test_schedules.py checks
each against torch step by step. :class:`ReduceOnPlateau` instead reacts to the loss, as
``torch.optim.lr_scheduler.ReduceLROnPlateau``, and keeps one multiplier per run so K
trajectories can be scheduled at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import cast, overload

import numpy as np

SCHEDULES = ("constant", "step", "exponential", "cosine", "warmup_cosine", "one_cycle")
KINDS = SCHEDULES  # the name the training pages import

ONE_CYCLE_WARMUP = 0.3   # fraction of the run spent rising when one_cycle has no explicit warmup (pct_start)
ONE_CYCLE_START = 1 / 25  # one_cycle starts at lr/25, as torch's OneCycleLR (div_factor=25)
ONE_CYCLE_FINAL = ONE_CYCLE_START / 1e4  # and ends at lr/25/1e4 (final_div_factor=1e4) unless told otherwise


def _anneal(start: float, end: float, t: float) -> float:
    """From ``start`` at t=0 to ``end`` at t=1 along half a cosine, written as torch's
    ``OneCycleLR._annealing_cos``."""
    return end + (start - end) / 2.0 * (math.cos(math.pi * t) + 1)


@dataclass(frozen=True)
class Schedule:
    r"""The learning-rate multiplier :math:`\eta_t / \eta` at 0-based step t of a run of T steps.

    - ``constant``: 1.
    - ``step``: :math:`\gamma^{\lfloor t / s \rfloor}`, multiply by gamma every ``step_size`` steps:
      ``StepLR(step_size=s, gamma=gamma)``.
    - ``exponential``: :math:`\gamma^{t / s}`, the smooth version of ``step`` (the same factor gamma
      per ``step_size`` steps, applied a little every step): ``ExponentialLR(gamma=gamma ** (1 / s))``.
    - ``cosine``: :math:`m + (1 - m)\,\tfrac12(1 + \cos(\pi t / T))` with m = ``min_factor``, from 1
      down to m at t = T: ``CosineAnnealingLR(T_max=T, eta_min=m * lr)``.
    - ``warmup_cosine`` (no single torch class): :math:`(t + 1) / w` for t < w = ``warmup``, so it
      reaches 1 at t = w - 1; then :math:`m + (1 - m)\,\tfrac12(1 + \cos(\pi (t - w) / \max(1, T - w)))`,
      1 again at t = w and m at t = T.
    - ``one_cycle``: ``OneCycleLR(max_lr=lr, total_steps=T, pct_start=p, anneal_strategy="cos",
      div_factor=25, final_div_factor=1 / (25 m), three_phase=False)`` with p = w / T (0.3 when
      ``warmup`` is 0) and m = ``min_factor`` (default 1/(25·10⁴), torch's final_div_factor=1e4; 0
      means final_div_factor=inf): a cosine rise from 1/25 to 1 ending at step p·T - 1, then a
      cosine fall to m at step T - 1. A large middle learning rate explores, a small final one settles.

    ``min_factor`` is the final multiplier of the three cosine schedules; left as None it becomes
    torch's default for the kind on construction: 1/(25·10⁴) for ``one_cycle``, else 0.
    """

    kind: str = "constant"
    step_size: int = 100
    gamma: float = 0.5
    warmup: int = 0
    min_factor: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in SCHEDULES:
            raise ValueError(f"unknown schedule {self.kind!r}; choose from {', '.join(SCHEDULES)}")
        if not (isinstance(self.step_size, (int, np.integer)) and self.step_size >= 1):
            raise ValueError(f"step_size must be a whole number of steps >= 1, not {self.step_size!r}")
        if not (0 < self.gamma <= 1):
            raise ValueError(f"gamma must be in (0, 1] so the learning rate decays, not {self.gamma!r}")
        if not (isinstance(self.warmup, (int, np.integer)) and self.warmup >= 0):
            raise ValueError(f"warmup must be a whole number of steps >= 0, not {self.warmup!r}")
        if self.min_factor is None:
            object.__setattr__(self, "min_factor", ONE_CYCLE_FINAL if self.kind == "one_cycle" else 0.0)
        elif not (0 <= self.min_factor <= 1):
            raise ValueError(f"min_factor must be in [0, 1], not {self.min_factor!r}")

    @property
    def floor(self) -> float:
        """``min_factor``, typed as the float it always is once constructed."""
        return cast(float, self.min_factor)

    def factor(self, step: int, total: int) -> float:
        """The multiplier at 0-based ``step`` of a run of ``total`` steps (steps past the end
        keep the value at the end: step ``total``, or ``total - 1`` for one_cycle, whose torch
        class stops there)."""
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
            return _anneal(1.0, self.floor, step / total)
        if self.kind == "warmup_cosine":
            if step < self.warmup:
                return (step + 1) / self.warmup
            return _anneal(1.0, self.floor, (step - self.warmup) / max(1, total - self.warmup))
        return self._one_cycle(min(step, total - 1), total)

    def _one_cycle(self, step: int, total: int) -> float:
        """OneCycleLR's two phases, with its float phase boundaries: the rise ends at step
        ``pct_start * total - 1`` and the fall at ``total - 1``."""
        pct_start = self.warmup / total if self.warmup else ONE_CYCLE_WARMUP
        peak, last = float(pct_start * total) - 1, total - 1
        if step < peak:
            return _anneal(ONE_CYCLE_START, 1.0, step / peak)
        # At step == peak both phases give 1; past a peak at or after the last step (warmup >= total)
        # there is no fall, and torch would divide by zero.
        return _anneal(1.0, self.floor, (step - peak) / (last - peak) if last > peak else 0.0)

    def factors(self, total: int) -> np.ndarray:
        """All ``total`` multipliers at once, e.g. to precompute a run's learning rates."""
        return np.array([self.factor(step, total) for step in range(total)])


class ReduceOnPlateau:
    """``torch.optim.lr_scheduler.ReduceLROnPlateau`` in ``mode="min"``, ``threshold_mode="rel"``,
    acting on a multiplier of the base learning rate instead of on the learning rate itself.

    After each loss: it is *better* when ``loss < best * (1 - threshold)`` (for a negative best
    this accepts a loss slightly above it, as torch does); a better loss becomes ``best`` and
    resets the count of bad steps, otherwise the count grows by one. During ``cooldown`` steps
    after a reduction the count is held at 0. When the count exceeds ``patience`` the multiplier
    becomes ``max(multiplier * factor, min_factor)``, unless that lowers it by ``eps`` or less,
    and the count restarts. With base learning rate lr this is torch's class with
    ``min_lr=min_factor * lr`` and ``eps=eps * lr``.

    :meth:`update` takes one loss or an array of K losses (one per run) and returns the
    current multiplier(s) in the same shape, so K trajectories are scheduled independently.
    A NaN loss is never better.
    """

    def __init__(self, factor: float = 0.5, patience: int = 20, threshold: float = 1e-4,
                 min_factor: float = 1e-3, cooldown: int = 0, eps: float = 1e-8) -> None:
        if not (0 < factor < 1):
            raise ValueError(f"factor must be in (0, 1) so the learning rate shrinks, not {factor!r}")
        if not (isinstance(patience, (int, np.integer)) and patience >= 0):
            raise ValueError(f"patience must be a whole number of steps >= 0, not {patience!r}")
        if not (threshold >= 0):
            raise ValueError(f"threshold must be >= 0, not {threshold!r}")
        if not (0 <= min_factor <= 1):
            raise ValueError(f"min_factor must be in [0, 1], not {min_factor!r}")
        if not (isinstance(cooldown, (int, np.integer)) and cooldown >= 0):
            raise ValueError(f"cooldown must be a whole number of steps >= 0, not {cooldown!r}")
        if not (eps >= 0):
            raise ValueError(f"eps must be >= 0, not {eps!r}")
        self.factor, self.patience, self.cooldown = factor, patience, cooldown
        self.threshold, self.min_factor, self.eps = threshold, min_factor, eps
        self.best: np.ndarray | None = None
        self.bad: np.ndarray | None = None
        self.cooling: np.ndarray | None = None
        self.multiplier: np.ndarray | None = None

    @overload
    def update(self, loss: float) -> float: ...
    @overload
    def update(self, loss: np.ndarray) -> float | np.ndarray: ...

    def update(self, loss: float | np.ndarray) -> float | np.ndarray:
        loss = np.asarray(loss, dtype=float)
        best, bad, cooling, multiplier = self.best, self.bad, self.cooling, self.multiplier
        if best is None or bad is None or cooling is None or multiplier is None:  # the first update
            best = np.full(loss.shape, np.inf)
            bad = cooling = np.zeros(loss.shape, dtype=int)
            multiplier = np.ones(loss.shape)
        with np.errstate(invalid="ignore"):  # inf * 0 when threshold is 1: NaN, never better (as torch)
            better = loss < best * (1.0 - self.threshold)
        self.best = np.where(better, loss, best)
        bad = np.where(better, 0, bad + 1)
        in_cooldown = cooling > 0
        cooling = np.where(in_cooldown, cooling - 1, cooling)
        bad = np.where(in_cooldown, 0, bad)
        reduce = bad > self.patience
        lowered = np.maximum(multiplier * self.factor, self.min_factor)
        multiplier = np.where(reduce & (multiplier - lowered > self.eps), lowered, multiplier)
        self.multiplier = multiplier
        self.cooling = np.where(reduce, self.cooldown, cooling)
        self.bad = np.where(reduce, 0, bad)
        return float(multiplier) if multiplier.ndim == 0 else multiplier.copy()
