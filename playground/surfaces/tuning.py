"""How the built-in surfaces' learning rates were chosen: a small search, rerun with
``python -m playground.surfaces.tuning``, which prints the table kept in ``builtin.py``.

A learning rate *works* for a method on a surface when the race's default run (300 steps from the
surface's start, constant learning rate, no noise, clipping or stopping) neither diverges (the
engine's ``diverged_at`` stays -1) nor stalls. A run has *not* stalled when at least one holds:

- it took off at least :data:`PROGRESS` of the way from f(start) down to the global minimum;
- it ends at least :data:`TRAVEL` of the window's longer side away from its start;
- it settled: at the average of its last :data:`TAIL` positions (the centre of any final
  oscillation) the gradient norm is below :data:`SETTLED` of the one at the start. A local minimum
  counts: being trapped there is a lesson, not a stall.

The search keeps a method's tuned learning rate (its own in ``Surface.lrs``, or the one of the
teaching method it is ``like``) when it works. Otherwise, and for a method with no tuned rate
(which would fall back to the registry default), it runs every rate in :data:`GRID` and picks,
among those that work and still work at the next rate up the grid (so a student's first nudge upward
does not blow the run up; where none does, as on the monkey saddle, whose paths escape to
infinity in finite time, among those that work), the one with the lowest final loss: the
smallest rate within 1e-3 of (f(start) - f(min)) of the lowest.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.optim import METHODS
from playground.surfaces.builtin import SURFACES
from playground.surfaces.surface import Surface
from playground.trajectories import Trajectory, run

STEPS = 300          # the race's default number of steps
PROGRESS = 0.9       # fraction of f(start) - f(global minimum) a working run takes off...
TRAVEL = 0.2         # ...or fraction of the window's longer side it travels...
SETTLED = 0.1        # ...or the fraction of the start's gradient norm it settles below...
TAIL = STEPS // 10   # ...over its last 30 positions
GRID = tuple(float(f"{m}e{e}") for e in range(-4, 3) for m in (1, 2, 5))  # 1e-4, 2e-4, 5e-4, ... 500


@dataclass(frozen=True)
class Verdict:
    """One default race of a method at one learning rate."""

    diverged: bool
    progress: float   # (f(start) - f(end)) / (f(start) - f(global minimum)); NaN without a known minimum
    travel: float     # distance from start to end over the window's longer side
    settled: float    # gradient norm at the average of the last TAIL positions over the one at the start
    final_loss: float

    @property
    def stalled(self) -> bool:
        return not (self.progress >= PROGRESS or self.travel >= TRAVEL or self.settled < SETTLED)

    @property
    def works(self) -> bool:
        return not self.diverged and not self.stalled


def verdict(surface: Surface, method: str, lr: float | None = None) -> Verdict:
    """The default race of ``method`` on ``surface`` at ``lr`` (the surface's own when None)."""
    overrides: dict[str, Any] = {} if lr is None else {"lr": lr}
    return judge(surface, run(surface, method, surface.start, STEPS, **overrides))


def judge(surface: Surface, trajectory: Trajectory) -> Verdict:
    """The verdict on a run of ``trajectory.steps`` steps from one start."""
    start, end = trajectory.positions[0, 0], trajectory.positions[-1, 0]
    f0, f1 = trajectory.losses[0, 0], trajectory.losses[-1, 0]
    (x0, x1), (y0, y1) = surface.domain
    progress = ((f0 - f1) / (f0 - float(surface.value(*surface.minima[0]))) if surface.minima else np.nan)
    centre = trajectory.positions[-TAIL:, 0].mean(axis=0)
    return Verdict(bool(trajectory.diverged_at[0] >= 0), float(progress),
                   float(np.hypot(*(end - start)) / max(x1 - x0, y1 - y0)),
                   float(np.hypot(*surface.grad(*centre)) / trajectory.grad_norms[0, 0]), float(f1))


def search(surface: Surface, method: str) -> float:
    """The learning rate for ``method`` on ``surface`` by the rule in the module docstring."""
    like = METHODS[method].like
    if (method in surface.lrs or like in surface.lrs) and verdict(surface, method).works:
        return surface.lr(method)
    verdicts = {lr: verdict(surface, method, lr) for lr in GRID}
    working = [lr for lr in GRID if verdicts[lr].works]
    safe = [lr for lr, up in itertools.pairwise(GRID) if verdicts[lr].works and verdicts[up].works] or working
    if not safe:
        raise RuntimeError(f"no learning rate in the grid works for {method} on {surface.name}")
    lowest = min(verdicts[lr].final_loss for lr in safe)
    scale = float(surface.value(*surface.start)) - (float(surface.value(*surface.minima[0]))
                                                    if surface.minima else lowest)
    return min(lr for lr in safe if verdicts[lr].final_loss <= lowest + 1e-3 * abs(scale))


def table() -> dict[str, dict[str, float]]:
    """Per surface, the rates ``Surface.lrs`` should hold: every method's, except an Adam variant
    whose borrowed rate works."""
    return {name: {method: lr for method in METHODS
                   if (lr := search(surface, method)) != surface.lr(method) or METHODS[method].like is None}
            for name, surface in SURFACES.items()}


if __name__ == "__main__":
    for name, rates in table().items():
        print(f"{name}: {rates}")
