"""The engine's bookkeeping of starts that stop moving: diverged, or below the tolerance.

A start *diverges* when its loss or gradient stops being finite, |f| exceeds
:data:`LOSS_LIMIT` or it gets more than :data:`FAR` domain sizes away from the domain. It goes
back to its last good point and freezes there, reporting that point's loss, gradient and norm,
so every array the engine records stays finite; ``diverged_at`` says when. With a tolerance, a
start whose gradient norm falls below it *stops* (freezes where it is) and ``stopped_at`` says when.
"""

from __future__ import annotations

import numpy as np

LOSS_LIMIT = 1e12
FAR = 1e3          # a start more than FAR domain sizes outside the window has diverged

#: The readings at the points, as the engine keeps them: loss, gradient norm, ∂f/∂x, ∂f/∂y.
Readings = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


class Guard:
    """Which of N points still move, and since when the others do not."""

    def __init__(self, P: np.ndarray, domain: tuple[tuple[float, float], tuple[float, float]],
                 tol: float) -> None:
        (x0, x1), (y0, y1) = domain
        reach = FAR * max(x1 - x0, y1 - y0)
        self.lo, self.hi = min(x0, y0) - reach, max(x1, y1) + reach  # one square box: 2 reductions test it
        self.tol = tol
        n = len(P)
        self.active = np.ones(n, dtype=bool)
        self.hold = np.zeros_like(P, dtype=bool)  # ~active spread over both columns
        self.frozen = False  # any point frozen yet? (skips the restore while none is)
        self.held, self.prev = P.copy(), P.copy()
        self.diverged_at, self.stopped_at = np.full(n, -1), np.full(n, -1)
        self.last_good = np.zeros((n, 4))  # the readings each diverged point reports

    def start(self, P: np.ndarray, readings: Readings) -> None:
        """Check the starts: where f is undefined (or too large) a start diverged at step 0. It has
        no good point to report, so its readings are zeros that keep the arrays finite: they are
        placeholders, not values of f, and whoever shows that start reads f(start) itself."""
        bad = ~self._fine(P, readings)
        if bad.any():
            self.diverged_at[bad] = 0
            self._freeze(P, bad)
            self._report_last_good(readings, bad)
        self._check_tolerance(P, readings, 0)

    def before(self, P: np.ndarray) -> None:
        """Remember the points before the rules move them."""
        np.copyto(self.prev, P)

    def restore(self, P: np.ndarray) -> None:
        """Put the frozen points back where they froze, after the rules moved every point."""
        if self.frozen:
            np.copyto(P, self.held, where=self.hold)

    def after(self, P: np.ndarray, readings: Readings, previous: Readings, t: int) -> None:
        """After step ``t``, with ``readings`` taken at P (``previous`` before the step): freeze the
        points that just diverged at their last good point, and those within the tolerance."""
        if not self._all_fine(P, readings):
            ok = self._fine(P, readings)
            newly = self.active & ~ok
            if newly.any():
                self.diverged_at[newly] = t
                P[newly] = self.prev[newly]
                self._freeze(P, newly)
                self.last_good[newly] = np.stack(previous, axis=1)[newly]
            self._report_last_good(readings, ~ok)
        self._check_tolerance(P, readings, t)

    def _all_fine(self, P: np.ndarray, readings: Readings) -> bool:
        """Quick test that every point is fine; NaN fails every comparison, so it fails too."""
        loss, norm = readings[0], readings[1]
        return bool(np.abs(loss).max() <= LOSS_LIMIT and norm.max() < np.inf
                    and P.min() >= self.lo and P.max() <= self.hi)

    def _fine(self, P: np.ndarray, readings: Readings) -> np.ndarray:
        """Per point: is it fine (finite, |f| within LOSS_LIMIT, not far outside the domain)?"""
        ok = np.abs(readings[0]) <= LOSS_LIMIT
        ok &= readings[1] < np.inf
        for coordinate in (P[:, 0], P[:, 1]):
            ok &= (coordinate >= self.lo) & (coordinate <= self.hi)
        return ok

    def _freeze(self, P: np.ndarray, rows: np.ndarray) -> None:
        self.active[rows], self.frozen = False, True
        self.held[rows] = P[rows]
        self.hold[:, 0] = self.hold[:, 1] = ~self.active

    def _report_last_good(self, readings: Readings, rows: np.ndarray) -> None:
        """Diverged points report their last good loss, norm and gradient, never NaN or inf."""
        for reading, value in zip(readings, self.last_good[rows].T, strict=True):
            reading[rows] = value

    def _check_tolerance(self, P: np.ndarray, readings: Readings, t: int) -> None:
        if self.tol > 0:
            hit = self.active & (readings[1] < self.tol)
            if hit.any():
                self.stopped_at[hit] = t
                self._freeze(P, hit)
