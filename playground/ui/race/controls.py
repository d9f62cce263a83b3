"""The race page's sidebar: every setting a URL-backed widget, gathered into a :class:`RaceSpec`.

A surface brings its own start and tuned learning rates: picking another one resets them
(a callback, before the widgets are drawn), so the URL only carries what the user changed.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from playground.optim import METHODS, TEACHING
from playground.schedules import SCHEDULES, Schedule
from playground.surfaces import SURFACES, ExpressionError, Surface
from playground.trajectories import RunOptions, configure
from playground.ui.escape import said_literally
from playground.ui.i18n import said_of, t
from playground.ui.knobs import knob
from playground.ui.race.compute import CUSTOM, RaceSpec, load_surface
from playground.ui.race.keys import LAST_GOOD, NAMESPACE
from playground.ui.urlstate import QueryState

SURFACE_CHOICES = (*SURFACES, CUSTOM)
DEFAULT_FORMULA = "0.5*x**2 + y**2 + sin(3*x)*cos(2*y)"
PLATEAU = "reduce_on_plateau"
SCHEDULE_CHOICES = (*SCHEDULES, PLATEAU)
MAX_STEPS = 5000


def _current_surface() -> Surface | None:
    qs = QueryState(NAMESPACE)
    try:
        return load_surface(qs.get("surface"), qs.get("formula", DEFAULT_FORMULA), qs.get("window", 3.0))
    except ExpressionError:
        return None


def _follow_surface() -> None:
    """Callback when the surface changes: move the start and learning rates to its own."""
    surface, qs = _current_surface(), QueryState(NAMESPACE)
    if surface is not None:
        qs.set("x", surface.start[0])
        qs.set("y", surface.start[1])
        for name in METHODS:
            qs.set(f"{name}.lr", surface.lr(name))


def pick_surface(qs: QueryState) -> tuple[str, str, float]:
    """Surface widgets; returns (name, formula, window) of a surface that loads. A bad formula
    shows its error and the last good formula stays in use."""
    # Titles looked up in a dict made during the run: a format_func called after it (AppTest calls it
    # outside the run) answers in the page's language too.
    titles = {**{name: t(f"race.surfaces.{name}") for name in SURFACES}, CUSTOM: t("race.controls.custom")}
    name = qs.choice("surface", t("race.controls.surface"), SURFACE_CHOICES, "rosenbrock",
                     format_func=titles.__getitem__, on_change=_follow_surface)
    if name != CUSTOM:
        return name, "", 3.0
    formula = qs.text("formula", "f(x, y) =", DEFAULT_FORMULA, max_chars=200, on_change=_follow_surface,
                      help=t("race.controls.formula_help"))
    window = qs.number("window", t("race.controls.window"), 3.0, lo=0.1, hi=1000.0,
                       on_change=_follow_surface)
    try:
        load_surface(CUSTOM, formula, window)
        st.session_state[LAST_GOOD] = (formula, window)
    except ExpressionError as error:
        st.error(t("race.controls.bad_formula", error=said_literally(error)))
        formula, window = st.session_state.get(LAST_GOOD, (DEFAULT_FORMULA, 3.0))
    return CUSTOM, formula, window


def _hyperparameters(qs: QueryState, name: str, surface: Surface) -> dict[str, Any]:
    """The method's editable hyperparameters as widgets, two to a row, as keyword overrides."""
    method = METHODS[name]
    chosen: dict[str, Any] = {}
    left, right = st.columns(2)
    for i, (key, default) in enumerate(method.knobs(lr=surface.lr(name)).items()):
        chosen[key] = knob(qs, f"{name}.{key}", key, default, where=left if i % 2 == 0 else right)
    return method.tuned(chosen)


def pick_methods(qs: QueryState, surface: Surface) -> dict[str, dict[str, Any]]:
    """The racing methods and their hyperparameters; a method whose settings torch.optim rejects
    is left out of the race with the reason shown."""
    names = list(METHODS)
    chosen = qs.choice("methods", t("race.controls.methods"), names, list(TEACHING), widget="multiselect",
                       help=t("race.controls.methods_help"))
    methods: dict[str, dict[str, Any]] = {}
    for name in chosen:
        with st.expander(f"⚙️ {name}"):
            st.caption(t(f"race.blurbs.{name}"))
            overrides = _hyperparameters(qs, name, surface)
            try:
                configure(surface, name, overrides)
                methods[name] = overrides
            except ValueError as error:
                st.error(t("race.controls.sits_out", name=name, error=said_of(error)))
    return methods


def _schedule(qs: QueryState) -> tuple[Schedule, bool, int, float]:
    titles = {kind: t(f"race.schedules.{kind}") for kind in SCHEDULE_CHOICES}  # a dict: see pick_surface
    kind = qs.choice("schedule", t("race.controls.schedule"), SCHEDULE_CHOICES, "constant",
                     format_func=titles.__getitem__)
    args: dict[str, Any] = {}
    patience, factor = 20, 0.5
    if kind in ("step", "exponential"):
        args["step_size"] = qs.number("step_size", t("race.controls.step_size"), 100, lo=1, hi=MAX_STEPS)
        args["gamma"] = qs.number("gamma", t("race.controls.gamma"), 0.5, lo=0.01, hi=1.0)
    if kind in ("warmup_cosine", "one_cycle"):
        args["warmup"] = qs.number("warmup", t("race.controls.warmup"), 0, lo=0, hi=MAX_STEPS)
    if kind in ("cosine", "warmup_cosine", "one_cycle"):
        default = Schedule(kind).floor  # torch's own default final lr for the kind (OneCycleLR: η/(25·10⁴))
        args["min_factor"] = qs.number("min_factor", t("race.controls.min_factor"), default, lo=0.0, hi=1.0)
    if kind == PLATEAU:
        patience = qs.number("patience", t("race.controls.patience"), 20, lo=1, hi=1000)
        factor = qs.number("factor", t("race.controls.factor"), 0.5, lo=0.05, hi=0.95)
    schedule = Schedule(kind, **args) if kind != PLATEAU else Schedule()
    return schedule, kind == PLATEAU, int(patience), float(factor)


def pick_run(qs: QueryState, surface: Surface) -> tuple[tuple[float, float], int, RunOptions, float]:
    """Start, steps and run options; returns (start, steps, options, tolerance)."""
    (x0, x1), (y0, y1) = surface.domain
    left, right = st.columns(2)
    x = qs.number("x", t("race.controls.start_x"), surface.start[0], lo=x0, hi=x1, where=left,
                  help=t("race.alt.start_help"))
    y = qs.number("y", t("race.controls.start_y"), surface.start[1], lo=y0, hi=y1, where=right,
                  help=t("race.alt.start_help"))
    st.caption(t("race.controls.click_to_start"))
    steps = qs.number("steps", t("race.controls.steps"), 300, lo=10, hi=MAX_STEPS, step=50)
    with st.expander(t("race.controls.schedule")):
        schedule, plateau, patience, factor = _schedule(qs)
    with st.expander(t("race.controls.noise_clip_stop")):
        noise = qs.number("noise", t("race.controls.noise"), 0.0, lo=0.0, hi=1000.0,
                          help=t("race.controls.noise_help"))
        seed = qs.number("seed", t("race.controls.seed"), 0, lo=0, hi=10**6)
        clip = qs.number("clip", t("race.controls.clip"), 0.0, lo=0.0, hi=1e6)
        tol = qs.number("tol", t("race.controls.tol"), 1e-3, lo=0.0, hi=10.0)
        stop = qs.switch("stop", t("race.controls.stop"))
    options = RunOptions(schedule, plateau, factor, patience, noise, int(seed), clip, tol if stop else 0.0)
    return (float(x), float(y)), int(steps), options, float(tol)


def spec_from(surface_key: tuple[str, str, float], methods: dict[str, dict[str, Any]],
              start: tuple[float, float], steps: int, options: RunOptions) -> RaceSpec:
    name, formula, window = surface_key
    items = tuple((m, tuple(sorted(o.items()))) for m, o in methods.items())
    return RaceSpec(name, formula, float(window), items, start, steps, options)
