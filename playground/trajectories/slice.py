"""The loss along the straight line from a run's start θ₀ to where it ended θ_T.

f(θ₀ + s·(θ_T − θ₀)) for s from 0 (the start) to 1 (the end) shows whether the straight way there
crosses a ridge the optimizer went around, or simply descends. A run that diverged ends at its last
finite point (the engine freezes it there), so its line ends there too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.surfaces import Surface
from playground.trajectories.engine import Trajectory

POINTS = 101  # points on the line, s = 0, 0.01, ..., 1
FLAT = 1e-9   # rises smaller than this (relative to the line's range of f) are rounding, not a ridge


@dataclass(frozen=True)
class LineSlice:
    """f at ``s`` along the line from ``start`` to ``end``; ``points`` are the (x, y) the values are at.
    Where f is undefined the loss is NaN."""

    start: np.ndarray
    end: np.ndarray
    s: np.ndarray
    points: np.ndarray
    loss: np.ndarray

    def _tolerance(self) -> float:
        finite = self.loss[np.isfinite(self.loss)]
        return FLAT * max(1.0, float(np.ptp(finite))) if len(finite) else FLAT

    @property
    def rise(self) -> float:
        """How far the highest point of the line lies above the start (0 when nothing is higher)."""
        highest = np.nanmax(self.loss) if np.isfinite(self.loss).any() else self.loss[0]
        rise = float(highest - self.loss[0])
        return rise if rise > self._tolerance() else 0.0

    @property
    def descends(self) -> bool:
        """Whether the loss never goes up along the line, start to end."""
        steps = np.diff(self.loss)
        return bool(np.all(np.isfinite(steps)) and np.all(steps <= self._tolerance()))


def line_slice(surface: Surface, start: np.ndarray, end: np.ndarray, points: int = POINTS) -> LineSlice:
    """f along the straight line from ``start`` to ``end``, at ``points`` evenly spaced s in [0, 1]."""
    start, end = np.asarray(start, dtype=float), np.asarray(end, dtype=float)
    s = np.linspace(0.0, 1.0, points)
    xy = start + s[:, None] * (end - start)
    with np.errstate(all="ignore"):  # a custom formula may be undefined somewhere on the line
        loss = np.asarray(surface.value(xy[:, 0], xy[:, 1]), dtype=float)
    return LineSlice(start, end, s, xy, np.where(np.isfinite(loss), loss, np.nan))


def run_slice(surface: Surface, path: Trajectory, index: int = 0, points: int = POINTS) -> LineSlice:
    """The line from start ``index`` of ``path`` to its last (finite) point."""
    return line_slice(surface, path.positions[0, index], path.positions[-1, index], points)
