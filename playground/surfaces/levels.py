"""Contour levels for a map of f: where the iso-lines go, and the value a map's colour stands for.

A surface whose values span many decades (Rosenbrock's run from 0 to about 2500 on its window) is
coloured and contoured on a log scale of its height above the lowest value seen, ``f − min f``, so
the valley floor gets as many lines as the walls; the others on f itself. Either way the lines sit at
"nice" values (whole decades, or 1-2-5 steps) spread evenly over the range, as a topographic map's do.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.surfaces.surface import Surface

#: How many iso-lines a map aims for: enough to read the shape, few enough to tell apart.
TARGET = 12


@dataclass(frozen=True)
class Field:
    """A map of f sampled at the centres ``x`` (columns) and ``y`` (rows, from the bottom) of a grid
    of cells, with its colour scale and iso-lines. ``z`` (rows × columns) is each cell's colour value
    (``log10(f − min f)`` on a log scale, else f; NaN where f is undefined), ``lo``/``hi`` its range,
    ``lines`` the z of each iso-line and ``values`` the f − min f (log) or f (linear) each stands for."""

    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    lo: float
    hi: float
    lines: np.ndarray
    values: np.ndarray
    log: bool


def colour_value(f: np.ndarray, log: bool) -> np.ndarray:
    """The colour value of each f: ``log10(f − min f)`` floored at a millionth of the range (so the
    minimum itself has a finite colour), or f; NaN stays NaN."""
    f = np.asarray(f, dtype=float)
    finite = np.isfinite(f)
    if not log or not finite.any():
        return np.where(finite, f, np.nan)
    spread = f - f[finite].min()
    floor = max(float(spread[finite].max()), 1.0) * 1e-6
    with np.errstate(invalid="ignore"):
        return np.where(finite, np.log10(np.maximum(spread, 0) + floor), np.nan)


def field(surface: Surface, n: int, target: int = TARGET) -> Field:
    """``surface`` on an n × n grid of cells over its domain, with about ``target`` iso-lines
    strictly inside the range of its colour values (none on a flat map)."""
    (x0, x1), (y0, y1) = surface.domain
    x = x0 + (np.arange(n) + 0.5) * (x1 - x0) / n
    y = y0 + (np.arange(n) + 0.5) * (y1 - y0) / n
    f = np.asarray(surface.value(*np.meshgrid(x, y)), dtype=float)
    z = colour_value(f, surface.log_color)
    finite = z[np.isfinite(z)]
    if not len(finite) or finite.max() == finite.min():
        lo = hi = float(finite.max()) if len(finite) else 0.0
        return Field(x, y, z, lo, hi, np.empty(0), np.empty(0), surface.log_color)
    lo, hi = float(finite.min()), float(finite.max())
    step = _nice_step((hi - lo) / target, whole=surface.log_color)
    lines = np.arange(np.floor(lo / step) + 1, np.ceil(hi / step)) * step
    lines = lines[(lines > lo) & (lines < hi)]
    values = 10.0 ** lines if surface.log_color else lines
    return Field(x, y, z, lo, hi, lines, values, surface.log_color)


def _nice_step(raw: float, whole: bool) -> float:
    """The smallest 1-2-5 number (…, 0.5, 1, 2, 5, …) at least ``raw``; with ``whole``, at least 1
    and whole, so a log scale's lines fall on whole decades (0.01, 0.1, 1, 10, …)."""
    power = 10.0 ** np.floor(np.log10(raw))
    step = next(m * power for m in (1.0, 2.0, 5.0, 10.0) if m * power >= raw * (1 - 1e-9))
    return max(1.0, float(np.ceil(step))) if whole else float(step)
