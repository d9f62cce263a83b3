"""The same run through ``torch.optim``: the yardstick for our engine.

A 2-element float64 tensor is the parameter; its ``.grad`` is set from the surface's analytic
gradient (plus the same seeded noise, clipped by ``torch.nn.utils.clip_grad_norm_``), and the
learning rate of each step is written into the param group.

Two comparisons come out of it. :func:`step_parity` is what "matches torch.optim" means: at
every step torch.optim is handed our point and our optimizer state, takes one step, and lands
where ours did, up to rounding. :func:`torch_path` lets torch.optim walk the whole path on its
own; on a chaotic surface (Ackley, Rosenbrock's valley floor) two correct implementations that
differ by one rounding at one step end up far apart, so that path *drift* is shown beside the
parity, never in its place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from playground.optim import METHODS
from playground.schedules import ReduceOnPlateau
from playground.surfaces import Surface
from playground.trajectories.engine import Engine, RunOptions, Trajectory, as_starts, configure, run


class _TorchRun:
    """torch.optim's ``method`` on one float64 (x, y) parameter, fed as our engine feeds its rules."""

    def __init__(self, surface: Surface, method: str, start: np.ndarray, steps: int, options: RunOptions,
                 hyperparameters: dict[str, Any]) -> None:
        self.surface, self.options = surface, options
        self.hyper = configure(surface, method, hyperparameters)
        self.param = torch.tensor(start, dtype=torch.float64, requires_grad=True)
        self.optimizer = METHODS[method].make([self.param], backend="torch", **self.hyper)
        self.factors = options.schedule.factors(steps)
        self.plateau = (ReduceOnPlateau(options.plateau_factor, options.plateau_patience)
                        if options.plateau else None)
        self.rng, self.multiplier = np.random.default_rng(options.seed), 1.0

    @property
    def point(self) -> np.ndarray:
        return self.param.detach().numpy().copy()

    def step(self, t: int) -> np.ndarray:
        """Step ``t`` (0-based) from the current point; returns the new point."""
        x, y = self.param.detach().numpy()
        g = np.array(self.surface.grad(x, y), dtype=float)
        if self.options.noise > 0:  # the engine's draws: one (K, 2) batch per step, K = 1
            g += self.options.noise * self.rng.standard_normal((1, 2))[0]
        self.param.grad = torch.from_numpy(g)
        if self.options.clip > 0:
            torch.nn.utils.clip_grad_norm_([self.param], self.options.clip)
        self.optimizer.param_groups[0]["lr"] = self.hyper["lr"] * self.factors[t] * self.multiplier
        self.optimizer.step()
        return self.point

    def observe(self, point: np.ndarray) -> None:
        """The plateau schedule sees the loss at the point the step ended on."""
        if self.plateau is not None:
            self.multiplier = float(self.plateau.update(float(self.surface.value(*point))))

    def take(self, point: np.ndarray, state: dict[str, Any]) -> None:
        """Continue from our ``point`` and our rule's ``state`` (start 0 of a K-start engine)."""
        with torch.no_grad():
            self.param.copy_(torch.from_numpy(point))
        if state:  # an empty state is a rule's first step: torch.optim's fresh state is the same
            self.optimizer.state[self.param] = {key: _as_torch(value) for key, value in state.items()}


def _as_torch(value: Any) -> torch.Tensor:
    """One state entry of start 0 as torch.optim keeps it."""
    array = np.asarray(value)
    if array.ndim == 2:  # a (K, 2) buffer
        return torch.from_numpy(array[0].copy())
    if array.dtype.kind in "iu":  # the step count: torch.optim's is a tensor of the default dtype
        return torch.tensor(float(array))
    return torch.from_numpy(array.copy())  # a running scalar, in its own dtype (NAdam's float32 product)


def torch_path(surface: Surface, method: str, start: Sequence[float], steps: int,
               options: RunOptions | None = None, **hyperparameters: Any) -> np.ndarray:
    """Positions (steps + 1, 2) of ``torch.optim``'s ``method`` from one start. No divergence
    handling: compare it with our trajectory only up to where that one froze."""
    (first,) = as_starts(start)
    reference = _TorchRun(surface, method, first, steps, options or RunOptions(), hyperparameters)
    path = np.empty((steps + 1, 2))
    path[0] = first
    with np.errstate(all="ignore"):
        for t in range(steps):
            path[t + 1] = reference.step(t)
            reference.observe(path[t + 1])
    return path


def step_differences(surface: Surface, method: str, start: Sequence[float], steps: int,
                     options: RunOptions | None = None, **hyperparameters: Any) -> np.ndarray:
    """Per step t, the largest coordinate difference between our θ_{t+1} and torch.optim's step
    taken from our θ_t with our optimizer state (so rounding differences cannot accumulate).
    NaN where there is nothing to compare: the point had already frozen (diverged or within the
    tolerance), or this step diverged (ours went back to its last good point, torch's did not)."""
    options = options or RunOptions()
    (first,) = as_starts(start)
    engine = Engine(surface, {method: hyperparameters}, first, steps, options)
    reference = _TorchRun(surface, method, first, steps, options, hyperparameters)
    gaps = np.full(engine.steps, np.nan)
    with np.errstate(all="ignore"):
        for t in range(engine.steps):
            moving = bool(engine.active[0])
            if moving:
                reference.take(engine.P[0].copy(), engine.states[0])
                theirs = reference.step(t)
            engine.step()
            if moving and engine.diverged_at[0] < 0:
                gap = np.abs(theirs - engine.P[0]).max()
                gaps[t] = gap if np.isfinite(gap) else np.inf
            reference.observe(engine.P[0])
    return gaps


@dataclass(frozen=True)
class Parity:
    """How our method compares with torch.optim's on one run."""

    step: float   # largest per-step difference (see step_differences): the parity
    drift: float  # largest difference between the two whole paths, each walked on its own
    compared: int  # how many steps were compared (0: the start itself diverged)

    def matches(self, tol: float) -> bool:
        return self.step <= tol


def step_parity(surface: Surface, method: str, start: Sequence[float], steps: int,
                options: RunOptions | None = None, **hyperparameters: Any) -> Parity:
    """Per-step parity and path drift of ``method`` against torch.optim from one start."""
    gaps = step_differences(surface, method, start, steps, options, **hyperparameters)
    ours = run(surface, method, start, steps, options, **hyperparameters)
    theirs = torch_path(surface, method, start, steps, options, **hyperparameters)
    compared = gaps[~np.isnan(gaps)]
    largest = float(compared.max()) if len(compared) else 0.0
    return Parity(largest, max_difference(ours, theirs), len(compared))


def max_difference(ours: Trajectory, theirs: np.ndarray, index: int = 0) -> float:
    """Largest coordinate difference between our path from start ``index`` and torch's, over the
    steps before ours froze (diverged or stopped), where both are defined."""
    last = ours.steps + 1
    if ours.diverged_at[index] >= 0:
        last = ours.diverged_at[index]  # from that step on ours is frozen and torch's is not finite
    elif ours.stopped_at[index] >= 0:
        last = ours.stopped_at[index] + 1
    with np.errstate(invalid="ignore"):
        gap = np.abs(ours.positions[:last, index] - theirs[:last])
    return float(gap.max()) if np.isfinite(gap).all() and last > 0 else (0.0 if last == 0 else float("inf"))
