"""What the race page computes, cached (bounded) so a rerun only redoes what a widget changed.

A :class:`RaceSpec` is the whole experiment as plain hashable values; the surface travels as
its name (or formula and window), never as an object, so every cache key is cheap to hash.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from playground import budget
from playground.budget import Estimate
from playground.surfaces import SURFACES, Surface, levels, parse
from playground.threads import interactive
from playground.trajectories import (
    BasinMap,
    Internals,
    Parity,
    RunOptions,
    Trajectory,
    basins,
    inspect,
    race,
    step_parity,
    trace,
)
from playground.ui.budget import stop_check
from playground.ui.i18n import t
from playground.ui.race.charts import FIELD
from playground.ui.shared import SharedCache

CUSTOM = "custom"
#: Largest per-step coordinate difference from torch.optim that still earns the ✓: float64
#: rounding of one step is ~1e-16 of |θ|, and a point may wander 1000 windows away before it
#: counts as diverged, so this leaves room for rounding and none for a wrong rule.
PARITY_TOL = 1e-10


@dataclass(frozen=True)
class RaceSpec:
    surface: str
    formula: str = ""
    window: float = 3.0
    methods: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()  # (name, hyperparameter items)
    start: tuple[float, float] = (0.0, 0.0)
    steps: int = 300
    options: RunOptions = field(default_factory=RunOptions)

    def overrides(self) -> dict[str, dict[str, Any]]:
        return {name: dict(items) for name, items in self.methods}

    def only(self, method: str) -> RaceSpec:
        """The same experiment with just ``method``: the cache key of per-method work, so changing
        one method's settings leaves the others' cached results valid."""
        return dataclasses.replace(self, methods=tuple(m for m in self.methods if m[0] == method))

    def load(self) -> Surface:
        return load_surface(self.surface, self.formula, self.window)


@st.cache_resource(max_entries=32, show_spinner=False)
def load_surface(name: str, formula: str = "", window: float = 3.0) -> Surface:
    """A built-in surface, or the typed formula over [-window, window]² (ExpressionError if bad)."""
    if name != CUSTOM:
        return SURFACES[name]
    return parse(formula, ((-window, window), (-window, window)))


@st.cache_data(max_entries=16, show_spinner=False)
def contour_field(name: str, formula: str, window: float) -> levels.Field:
    return levels.field(load_surface(name, formula, window), FIELD)


@st.cache_data(max_entries=16, show_spinner=False)
def race_paths(spec: RaceSpec) -> dict[str, Trajectory]:
    return race(spec.load(), spec.overrides(), spec.start, spec.steps, spec.options)


# The torch.optim checks of all sessions, computed once each (at most 64 kept) and one at a time
# in a thread of their own. A check is the slowest part of a race change (about 0.14 s of Python
# against 0.02 s for the race itself), and it is shown after the charts ("checking…" until then):
# queued here, thirty students changing a learning rate at once get their charts while the checks
# take turns, instead of every request thread sharing the interpreter thirty ways.
_CHECKED: SharedCache[Parity] = SharedCache(64)
_CHECKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="torch-optim-check")


def torch_parity(spec: RaceSpec, method: str, waiting: Callable[[float], None]) -> Parity:
    """``method`` against torch.optim: the largest per-step difference, and the path drift;
    ``waiting`` runs every few tenths of a second while another session's check of the same
    settings is under way."""
    only = spec.only(method)
    return _CHECKED.get((only, method), lambda: _CHECKER.submit(_parity, only, method).result(), waiting)


@interactive
def _parity(spec: RaceSpec, method: str) -> Parity:
    overrides = spec.overrides()[method]
    return step_parity(spec.load(), method, spec.start, spec.steps, spec.options, **overrides)


@st.cache_data(max_entries=64, show_spinner=False)
def internals(spec: RaceSpec, method: str, step: int) -> Internals:
    overrides = spec.overrides()[method]
    return inspect(spec.load(), method, spec.start, step, spec.steps, spec.options, **overrides)


@st.cache_data(max_entries=16, show_spinner=False)
def state_trace(spec: RaceSpec, method: str) -> list[Internals]:
    """The optimizer's internals at every step of ``method``'s run, for the map's arrows."""
    overrides = spec.overrides()[method]
    return trace(spec.load(), method, spec.start, spec.steps, spec.options, **overrides)


def race_estimate(spec: RaceSpec) -> Estimate:
    """The race's cost and its contour map's, said in the page's language."""
    work = t("race.budget.race_work", methods=len(spec.methods), steps=spec.steps)
    return dataclasses.replace(_race_seconds(spec), work=work, lower=t("race.budget.race_lower"))


def basins_estimate(spec: RaceSpec, grid: int) -> Estimate:
    """The basin map's cost, said in the page's language."""
    work = t("race.budget.basins_work", methods=len(spec.methods), starts=grid * grid, steps=spec.steps)
    return dataclasses.replace(_basins_seconds(spec, grid), work=work, lower=t("race.budget.basins_lower"))


@st.cache_data(max_entries=16, show_spinner=False)
def _race_seconds(spec: RaceSpec) -> Estimate:
    """The race's cost and its contour map's, with the surface's gradient timed once per experiment."""
    return budget.race_estimate(spec.load(), len(spec.methods), 1, spec.steps, drawn=FIELD * FIELD)


@st.cache_data(max_entries=16, show_spinner=False)
def _basins_seconds(spec: RaceSpec, grid: int) -> Estimate:
    """The basin map's cost, with the surface's gradient timed once per experiment (so the
    verdict does not flicker from one rerun to the next)."""
    return budget.race_estimate(spec.load(), len(spec.methods), grid * grid, spec.steps)


def basin_maps(spec: RaceSpec, grid: int) -> dict[str, BasinMap]:
    with st.spinner(t("race.basins.spinner")):  # shown only if the maps take long: not for a cached one
        return _basin_maps(spec, grid)


@st.cache_data(max_entries=4, show_spinner=False)
def _basin_maps(spec: RaceSpec, grid: int) -> dict[str, BasinMap]:
    # a changed setting or a closed tab ends the maps within a step (a half-done map is not cached)
    return basins(spec.load(), spec.overrides(), grid=grid, steps=spec.steps, options=spec.options,
                  should_stop=stop_check())
