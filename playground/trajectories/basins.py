"""Basins of attraction: from a grid of starts, which minimum does each method end in, and how fast?

The whole grid is one batch for the engine (K = grid² starts per method, all methods together),
so a 100 × 100 map of six methods is one 60,000-row run. ``should_stop`` is asked before every
step (:mod:`playground.stopping`), so a 400 × 400 map of thousands of steps ends when asked.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

from playground.stopping import StopCheck, check, never
from playground.surfaces import Surface
from playground.trajectories.engine import Engine, RunOptions

DIVERGED, STALLED = -1, -2
DEFAULT_TOL = 1e-3     # gradient norm below which a start counts as converged (when options.tol is 0)
RADIUS = 0.05          # "at a minimum": within this fraction of the domain size ...
SEPARATION = 0.25      # ... and within this fraction of the distance between the two closest minima
CHECK_EVERY = 25       # steps between checks whether every start has stopped (then the run ends early)


@dataclass(frozen=True)
class BasinMap:
    """One method's map. Row i, column j is the start (xs[j], ys[i])."""

    method: str
    xs: np.ndarray
    ys: np.ndarray
    label: np.ndarray   # (grid, grid) index into surface.minima (converged there), DIVERGED or STALLED
    steps: np.ndarray   # (grid, grid) step at which a converged start got ‖∇f‖ below tol; else -1

    @property
    def success_rate(self) -> float:
        """Fraction of starts that converged: gradient norm below the tolerance, at a known minimum."""
        return float(np.mean(self.label >= 0))


def grid_starts(surface: Surface, grid: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cell centres of a grid × grid lattice over the domain: xs, ys and the (grid², 2) starts."""
    (x0, x1), (y0, y1) = surface.domain
    xs = x0 + (np.arange(grid) + 0.5) * (x1 - x0) / grid
    ys = y0 + (np.arange(grid) + 0.5) * (y1 - y0) / grid
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([gx.ravel(), gy.ravel()])


def arrival_radius(surface: Surface) -> float:
    """How close to a minimum counts as having reached it."""
    (x0, x1), (y0, y1) = surface.domain
    radius = RADIUS * max(x1 - x0, y1 - y0)
    if len(surface.minima) > 1:
        closest = min(np.hypot(a[0] - b[0], a[1] - b[1]) for a, b in combinations(surface.minima, 2))
        radius = min(radius, SEPARATION * closest)
    return radius


def basins(surface: Surface, methods: Mapping[str, Mapping[str, Any]] | Sequence[str], grid: int = 100,
           steps: int = 500, options: RunOptions | None = None,
           should_stop: StopCheck = never) -> dict[str, BasinMap]:
    """Run every method from every grid start and label where each one ends: the index of the
    minimum it *converged* to (its gradient norm fell below the tolerance within the arrival
    radius of that minimum), DIVERGED, or STALLED (everything else: still travelling, crawling
    near a minimum without getting the gradient norm down, or stopped somewhere else).
    ``should_stop()`` is asked before every step; True raises ``Stopped`` with the steps taken."""
    if not (isinstance(grid, (int, np.integer)) and 2 <= grid <= 400):
        raise ValueError(f"grid must be a whole number from 2 to 400, not {grid!r}")
    if not isinstance(methods, Mapping):
        methods = {name: {} for name in methods}
    options = options or RunOptions()
    if options.tol == 0:
        options = dataclasses.replace(options, tol=DEFAULT_TOL)
    xs, ys, starts = grid_starts(surface, grid)
    engine = Engine(surface, methods, starts, steps, options)
    for t in range(engine.steps):
        if t % CHECK_EVERY == 0 and not engine.active.any():
            break
        check(should_stop, t)
        engine.step()
    index, distance = surface.nearest_minimum(engine.P[:, 0], engine.P[:, 1])
    converged = (engine.stopped_at >= 0) & (distance < arrival_radius(surface))
    label = np.where(converged, index, STALLED)
    label = np.where(engine.diverged_at >= 0, DIVERGED, label)
    label = label.reshape(-1, grid, grid)
    steps_taken = np.where(label >= 0, engine.stopped_at.reshape(-1, grid, grid), -1)
    return {name: BasinMap(name, xs, ys, label[m], steps_taken[m]) for m, name in enumerate(engine.names)}
