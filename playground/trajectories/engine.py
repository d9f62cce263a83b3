r"""The batched trajectory engine: M optimizers × K starts on a 2-D surface, stepped together.

All M·K points live in one (M·K, 2) numpy array. Each step evaluates the surface gradient
once for all of them, then hands each method its (K, 2) slice, a view, to the very update
rule that ``torch.optim``-style training uses (:mod:`playground.optim`), which updates it in
place. Numpy's cost on tiny arrays is per call (~1 µs), not per element, so the work per step
is a few dozen calls whatever M and K are.

A start that diverges freezes at its last good point, so every recorded array stays finite;
with a tolerance, a start whose gradient norm falls below it stops. :class:`~playground.
trajectories.guard.Guard` keeps that bookkeeping, so a step reads: gradient, rules, guard.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from playground.optim import METHODS
from playground.schedules import ReduceOnPlateau, Schedule
from playground.surfaces import Surface
from playground.trajectories.guard import Guard, Readings

MAX_STEPS = 100_000
CLIP_EPS = 1e-6    # as torch.nn.utils.clip_grad_norm_: scale by max_norm / (norm + 1e-6)


@dataclass(frozen=True)
class RunOptions:
    """Everything about a run except the method: lr schedule, gradient noise, clipping, stopping.

    ``noise`` is the standard deviation sigma of Gaussian noise added to every gradient,
    g + sigma·N(0, 1), imitating mini-batch gradients; all methods in a race see the same
    draws (seeded by ``seed``), so differences come from the methods alone. ``clip`` > 0 scales
    each start's gradient down to at most that norm. ``tol`` > 0 stops a start once its true
    gradient norm is below it. ``plateau`` multiplies the learning rate by ``plateau_factor``
    whenever a start's loss has not improved for ``plateau_patience`` steps (on top of ``schedule``).
    """

    schedule: Schedule = field(default_factory=Schedule)
    plateau: bool = False
    plateau_factor: float = 0.5
    plateau_patience: int = 20
    noise: float = 0.0
    seed: int = 0
    clip: float = 0.0
    tol: float = 0.0

    def __post_init__(self) -> None:
        for name in ("noise", "clip", "tol"):
            value = getattr(self, name)
            if not (np.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a finite number >= 0 (0 turns it off), not {value!r}")
        if not (isinstance(self.seed, (int, np.integer)) and self.seed >= 0):
            raise ValueError(f"seed must be a whole number >= 0, not {self.seed!r}")
        if self.plateau:
            ReduceOnPlateau(self.plateau_factor, self.plateau_patience)  # validates the two settings


@dataclass(frozen=True)
class Trajectory:
    """One method's run from K starts; step 0 is the start. Every array is finite."""

    method: str
    hyperparameters: dict[str, Any]
    positions: np.ndarray    # (steps + 1, K, 2)
    losses: np.ndarray       # (steps + 1, K)
    grad_norms: np.ndarray   # (steps + 1, K) norm of the true gradient (before noise and clipping)
    updates: np.ndarray      # (steps, K, 2) the change in position at each step
    lrs: np.ndarray          # (steps, K) the learning rate used at each step
    diverged_at: np.ndarray  # (K,) first step whose point was non-finite or far away; -1 = never
    stopped_at: np.ndarray   # (K,) step at which the gradient norm fell below tol; -1 = never

    @property
    def steps(self) -> int:
        return len(self.updates)

    def reached(self, tol: float, start: int = 0) -> int | None:
        """The first step at which ``start``'s gradient norm is below ``tol``; None if never."""
        below = np.flatnonzero(self.grad_norms[:, start] < tol) if tol > 0 else np.array([], dtype=int)
        return int(below[0]) if len(below) else None


def configure(surface: Surface, method: str, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """The full hyperparameters of ``method`` on ``surface``: registry defaults, the surface's tuned
    learning rate, then ``overrides``; invalid values raise torch.optim's own ValueError."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
    overrides = {"lr": surface.lr(method), **overrides}
    METHODS[method].make([torch.zeros(1)], **overrides)  # torch.optim's checks, with its messages
    return METHODS[method].hyperparameters(**overrides)


def as_starts(start: Sequence[float] | np.ndarray) -> np.ndarray:
    """One (x, y) or K of them as a finite (K, 2) float array."""
    starts = np.atleast_2d(np.asarray(start, dtype=float))
    if starts.ndim != 2 or starts.shape[1] != 2 or len(starts) == 0:
        raise ValueError(f"a start is one (x, y) pair or an array of shape (K, 2), not shape {starts.shape}")
    if not np.isfinite(starts).all():
        raise ValueError("start coordinates must be finite numbers")
    return starts


class Engine:
    """M methods × K starts advanced one step at a time by :meth:`step`.

    After each step, ``P`` holds the positions (M·K, 2), ``loss`` and ``norm`` the loss and true
    gradient norm there, ``G`` the gradient each rule was given and ``used`` the plateau multipliers.
    Method m owns rows m·K ... (m+1)·K - 1; its rule state is ``states[m]``.

    Speed notes (measured): numpy broadcasting of a (N, 1) or (2,) operand against (N, 2) is
    ~5x slower than same-shape or 1-D work, and ``np.hypot`` ~10x slower than ``sqrt(x*x + y*y)``,
    so per-start factors are spread to (N, 2) and columns are handled as 1-D views.
    """

    def __init__(self, surface: Surface, methods: Mapping[str, Mapping[str, Any]],
                 start: Sequence[float] | np.ndarray, steps: int, options: RunOptions) -> None:
        if not (isinstance(steps, (int, np.integer)) and 1 <= steps <= MAX_STEPS):
            raise ValueError(f"steps must be a whole number from 1 to {MAX_STEPS}, not {steps!r}")
        if not methods:
            raise ValueError("choose at least one method")
        starts = as_starts(start)
        self.surface, self.options, self.steps, self.t = surface, options, int(steps), 0
        self.names = list(methods)
        self.hyper = [configure(surface, name, methods[name]) for name in self.names]
        self.rules = [METHODS[name].rule for name in self.names]
        self.base_lr = np.array([h["lr"] for h in self.hyper], dtype=float)
        self.K = K = len(starts)
        M = len(self.names)
        self.P = np.tile(starts, (M, 1))
        self.G = np.zeros_like(self.P)
        self.rows = [slice(m * K, (m + 1) * K) for m in range(M)]
        # Views made once: each rule updates its slice of P in place; the surface reads columns of P.
        self.views = [(self.P[rows], self.G[rows]) for rows in self.rows]
        self.x, self.y = self.P[:, 0], self.P[:, 1]
        self.calls = [dict(h) for h in self.hyper]  # keyword sets whose "lr" each step overwrites
        self.states: list[dict] = [{} for _ in range(M)]
        self.factors = options.schedule.factors(self.steps)
        self.plateau = (ReduceOnPlateau(options.plateau_factor, options.plateau_patience)
                        if options.plateau else None)
        self.multiplier = self.used = np.ones(M * K)
        self.rng = np.random.default_rng(options.seed)
        with np.errstate(all="ignore"):
            x, y = self.x, self.y
            # A formula like "x" returns a view of P, and "x + y**2" has the constant d/dx = 1:
            # such outputs get copied into fresh arrays of the right shape at every step.
            self.copy_outputs = any(np.shape(a) != x.shape or np.shares_memory(a, self.P)
                                    for a in (surface.f(np, x, y), *surface.df(x, y)))
            self.loss, (self.gx, self.gy), self.norm = self._evaluate()
        self.guard = Guard(self.P, surface.domain, options.tol)
        self.guard.start(self.P, self.readings)

    @property
    def readings(self) -> Readings:
        return self.loss, self.norm, self.gx, self.gy

    @property
    def active(self) -> np.ndarray:
        return self.guard.active

    @property
    def diverged_at(self) -> np.ndarray:
        return self.guard.diverged_at

    @property
    def stopped_at(self) -> np.ndarray:
        return self.guard.stopped_at

    def _evaluate(self) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray], np.ndarray]:
        """Loss, gradient and its norm at P. Calls the surface's formulas directly (inside the
        caller's errstate): Surface.value/grad add ~10 µs of checks per call, half a step's budget."""
        loss, (gx, gy) = self.surface.f(np, self.x, self.y), self.surface.df(self.x, self.y)
        if self.copy_outputs:
            loss, gx, gy = (np.broadcast_to(np.asarray(a, dtype=float), self.x.shape).copy()
                            for a in (loss, gx, gy))
        return loss, (gx, gy), np.sqrt(gx * gx + gy * gy)

    def _gradient(self) -> None:
        """Fill G with the gradient the rules see: the true one, plus noise, then clipped."""
        G, options = self.G, self.options
        G[:, 0], G[:, 1] = self.gx, self.gy
        if options.noise > 0:  # one draw per start, shared by all methods (common random numbers)
            G.reshape(len(self.names), self.K, 2)[:] += options.noise * self.rng.standard_normal((self.K, 2))
        if options.clip > 0:
            gx, gy = G[:, 0], G[:, 1]
            scale = np.minimum(1.0, options.clip / (np.sqrt(gx * gx + gy * gy) + CLIP_EPS))
            gx *= scale
            gy *= scale

    def step(self) -> None:
        with np.errstate(all="ignore"):
            self._gradient()
            self.guard.before(self.P)
            self._rules()
            self.guard.restore(self.P)
            previous = self.readings
            self.loss, (self.gx, self.gy), self.norm = self._evaluate()
            self.t += 1
            self.guard.after(self.P, self.readings, previous, self.t)
            if self.plateau is not None:
                self.multiplier = np.asarray(self.plateau.update(self.loss), dtype=float)

    def _rules(self) -> None:
        """Each method's rule moves its rows of P, at this step's learning rate."""
        factor = self.factors[self.t]
        self.used = self.multiplier  # per-start plateau multipliers for this step (all 1 without)
        if self.plateau is not None:
            spread = np.repeat(self.multiplier * factor, 2).reshape(-1, 2)
        for m, rule in enumerate(self.rules):
            call = self.calls[m]
            call["lr"] = self.base_lr[m] * (factor if self.plateau is None else spread[self.rows[m]])
            rule(*self.views[m], self.states[m], **call)

    def learning_rates(self, used: np.ndarray) -> np.ndarray:
        """The (steps, M·K) learning rates, given the plateau multipliers ``used`` at each step."""
        return self.base_lr.repeat(self.K) * self.factors[:, None] * used


def race(surface: Surface, methods: Mapping[str, Mapping[str, Any]] | Sequence[str],
         start: Sequence[float] | np.ndarray, steps: int, options: RunOptions | None = None
         ) -> dict[str, Trajectory]:
    """Run several methods from the same start(s) together: ``methods`` maps a registry name to
    its hyperparameter overrides (or is a list of names, all with defaults)."""
    if not isinstance(methods, Mapping):
        methods = {name: {} for name in methods}
    engine = Engine(surface, methods, start, steps, options or RunOptions())
    n = engine.steps
    positions = np.empty((n + 1, *engine.P.shape))
    losses, norms = np.empty((n + 1, len(engine.P))), np.empty((n + 1, len(engine.P)))
    used = np.ones((n, len(engine.P)))
    positions[0], losses[0], norms[0] = engine.P, engine.loss, engine.norm
    for t in range(n):
        engine.step()
        positions[t + 1], losses[t + 1], norms[t + 1] = engine.P, engine.loss, engine.norm
        if engine.plateau is not None:
            used[t] = engine.used
    updates, lrs = np.diff(positions, axis=0), engine.learning_rates(used)
    return {name: Trajectory(name, hyper, positions[:, rows], losses[:, rows], norms[:, rows],
                             updates[:, rows],
                             lrs[:, rows], engine.diverged_at[rows], engine.stopped_at[rows])
            for name, hyper, rows in zip(engine.names, engine.hyper, engine.rows, strict=True)}


def run(surface: Surface, method: str, start: Sequence[float] | np.ndarray, steps: int,
        options: RunOptions | None = None, **hyperparameters: Any) -> Trajectory:
    """One method from one start (x, y) or from K starts at once (a (K, 2) array)."""
    return race(surface, {method: hyperparameters}, start, steps, options)[method]
