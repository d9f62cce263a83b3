"""A 2-D loss surface: f(x, y), its analytic gradient, a plot window and what is known about it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np

Domain = tuple[tuple[float, float], tuple[float, float]]
Point = tuple[float, float]
Formula = Callable[[ModuleType, Any, Any], Any]  # f(xp, x, y), written against the array module xp
Partials = Callable[[np.ndarray, np.ndarray], tuple[Any, Any]]  # df(x, y) = (df/dx, df/dy), numpy only


def array_module(*arrays: Any) -> ModuleType:
    """``torch`` if any input is a torch tensor, else ``numpy``: formulas written against the
    returned module work on both, so tests can check gradients against torch autograd."""
    if any(type(a).__module__.startswith("torch") for a in arrays):
        import torch  # only reached when torch tensors are passed in, so numpy users never pay for it

        return torch
    return np


@dataclass(frozen=True)
class Surface:
    """A loss surface f(x, y) for the optimizer race.

    ``f(xp, x, y)`` is written against the array module ``xp`` (numpy or torch); ``df(x, y)``
    returns the analytic partials (df/dx, df/dy) with numpy. Use :meth:`value` and :meth:`grad`.
    ``latex`` is the right-hand side of ``f(x, y) = ...``. ``lrs`` holds per-method learning rates
    for an instructive race; a method not listed uses the registry default (see :meth:`lr`).
    ``log_color`` asks for contour colours on a log scale of ``f - min f`` (a huge value range).
    """

    name: str
    title: str
    latex: str
    f: Formula
    df: Partials
    domain: Domain
    minima: tuple[Point, ...]
    start: Point
    lrs: Mapping[str, float] = field(default_factory=dict)
    log_color: bool = False

    def value(self, x: Any, y: Any) -> Any:
        """f at matching-shape numpy arrays or scalars (an array of that shape), or at torch tensors
        (a tensor, so tests can differentiate it with autograd)."""
        xp = array_module(x, y)
        if xp is not np:
            return self.f(xp, x, y)
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        # overflow or log(-1) on a diverged run is not an error here: the engine handles non-finite values
        with np.errstate(all="ignore"):
            return _filled(self.f(np, x, y), np.broadcast_shapes(x.shape, y.shape))

    def grad(self, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        """The analytic gradient (df/dx, df/dy), each shaped like ``x``; numpy only, no autograd."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        with np.errstate(all="ignore"):
            gx, gy = self.df(x, y)
        shape = np.broadcast_shapes(x.shape, y.shape)
        return _filled(gx, shape), _filled(gy, shape)

    def lr(self, method: str) -> float:
        """The learning rate for ``method`` on this surface: tuned for it, else the one tuned for
        the teaching method it is ``like`` (NAdam is like Adam), else the registry default."""
        if method in self.lrs:
            return self.lrs[method]
        from playground.optim import METHODS  # lazy: the optimizers import torch

        like = METHODS[method].like
        if like is not None and like in self.lrs:
            return self.lrs[like]
        return METHODS[method].hyperparameters()["lr"]

    def nearest_minimum(self, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        """Index into :attr:`minima` of the nearest known minimum and the distance to it, elementwise.
        With no known minima (saddles) the index is -1 and the distance infinite."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        shape = np.broadcast_shapes(x.shape, y.shape)
        if not self.minima:
            return np.full(shape, -1), np.full(shape, np.inf)
        mx, my = np.asarray(self.minima, dtype=float).T
        distance = np.hypot(x[..., None] - mx, y[..., None] - my)
        index = np.argmin(distance, axis=-1)
        return index, np.take_along_axis(distance, index[..., None], axis=-1)[..., 0]


def _filled(g: Any, shape: tuple[int, ...]) -> np.ndarray:
    """``g`` as an array of ``shape``: a formula or partial that is constant comes back as a scalar."""
    g = np.asarray(g, dtype=float)
    return g if g.shape == shape else np.broadcast_to(g, shape).copy()
