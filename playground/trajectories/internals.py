r"""Inside the optimizer: one method, one start, one step, read from the state dict its rule fills.

:func:`inspect` replays the run to step k with the same engine (same noise draws, clipping and
schedule), copies the rule's state for the chosen start, takes step k, and copies it again.
:func:`~playground.trajectories.worked.worked_update` then writes the step out with its numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.surfaces import Surface
from playground.trajectories.engine import Engine, RunOptions

FIRST_MOMENT = ("exp_avg", "momentum_buffer")
SECOND_MOMENT = ("exp_avg_sq", "square_avg", "sum", "exp_inf")


@dataclass(frozen=True)
class Internals:
    """Step ``step`` (from ``position`` = θ_k to θ_{k+1}) of one start; vectors are (x, y)."""

    method: str
    step: int
    hyperparameters: dict[str, Any]
    position: np.ndarray        # θ_k
    gradient: np.ndarray        # g as the rule received it (after noise and clipping)
    lr: float                   # η at this step (after the schedule)
    before: dict[str, Any]      # the rule's state for this start before the step
    after: dict[str, Any]       # ... and after it
    update: np.ndarray          # θ_{k+1} - θ_k (0 when this step diverged: the point stays at θ_k)
    frozen_at: int = -1         # the step at which this start had already stopped or diverged (-1: moving)
    diverged: bool = False      # this very step diverged: its new point was not finite or too far

    @property
    def diverged_at(self) -> int:
        """The step the run diverged at if this step diverged (step + 1), else -1."""
        return self.step + 1 if self.diverged else -1

    @property
    def t(self) -> int:
        """The rule's own step count for this update (1 on the first step)."""
        return self.step + 1

    @property
    def first_moment(self) -> np.ndarray | None:
        return next((self.after[key] for key in FIRST_MOMENT if key in self.after), None)

    @property
    def second_moment(self) -> np.ndarray | None:
        return next((self.after[key] for key in SECOND_MOMENT if key in self.after), None)

    @property
    def effective_step(self) -> np.ndarray:
        """Per coordinate, how far the point moved per unit of gradient, -Δθ_i / g_i: η for plain
        SGD, larger where momentum or an adaptive denominator amplifies the step (0 where g_i = 0)."""
        g = self.gradient
        safe = np.where(g != 0, g, 1.0)
        # + 0.0 turns -0.0 (a zero update over a positive g) into 0: a student should never read "-0".
        return np.where(g != 0, -self.update / safe, 0.0) + 0.0


def _row(value: Any, index: int) -> Any:
    """This start's entry of a state value: a (K, 2) buffer's row, or a scalar as a float."""
    array = np.asarray(value, dtype=float)
    return array[index].copy() if array.ndim == 2 else float(array)


def inspect(surface: Surface, method: str, start: Sequence[float] | np.ndarray, step: int, steps: int,
            options: RunOptions | None = None, index: int = 0, **hyperparameters: Any) -> Internals:
    """The optimizer's internals at 0-based ``step`` of a ``steps``-step run of ``method`` (with
    ``options`` and ``hyperparameters`` as in :func:`run`) from start ``index`` of ``start``."""
    if not 0 <= step < steps:
        raise ValueError(f"step must be from 0 to {steps - 1}, not {step}")
    walk = _walk(Engine(surface, {method: hyperparameters}, start, steps, options or RunOptions()), index)
    for _ in range(step):
        walk.skip()
    return walk.take(method, step)


def trace(surface: Surface, method: str, start: Sequence[float] | np.ndarray, steps: int,
          options: RunOptions | None = None, index: int = 0, **hyperparameters: Any) -> list[Internals]:
    """:func:`inspect` at every step 0 … steps − 1 of one run, read as the run goes (one pass, not
    one replay per step)."""
    walk = _walk(Engine(surface, {method: hyperparameters}, start, steps, options or RunOptions()), index)
    return [walk.take(method, step) for step in range(steps)]


@dataclass
class _Walk:
    """An engine stepped one update at a time, with start ``index``'s state read around a step."""

    engine: Engine
    index: int

    def skip(self) -> None:
        self.engine.step()

    def take(self, method: str, step: int) -> Internals:
        """Take step ``step`` and read the rule's state before and after it."""
        engine, index = self.engine, self.index
        state = engine.states[0]
        before = {key: _row(value, index) for key, value in state.items()}
        position = engine.P[index].copy()
        stopped = max(engine.diverged_at[index], engine.stopped_at[index])
        frozen_at = stopped if not engine.active[index] else -1
        engine.step()
        lr = float(engine.base_lr[0] * engine.factors[step] * engine.used[index])
        after = {key: _row(value, index) for key, value in state.items()}
        diverged = bool(frozen_at < 0 and engine.diverged_at[index] == step + 1)
        return Internals(method, step, engine.hyper[0], position, engine.G[index].copy(), lr, before, after,
                         engine.P[index] - position, int(frozen_at), diverged)


def _walk(engine: Engine, index: int) -> _Walk:
    if not 0 <= index < engine.K:
        raise ValueError(f"index must be from 0 to {engine.K - 1}, not {index}")
    return _Walk(engine, index)
