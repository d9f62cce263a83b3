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
from playground.ui.race.compute import CUSTOM, RaceSpec, load_surface
from playground.ui.urlstate import QueryState

NAMESPACE = "race"
SURFACE_CHOICES = (*SURFACES, CUSTOM)
DEFAULT_FORMULA = "0.5*x**2 + y**2 + sin(3*x)*cos(2*y)"
PLATEAU = "reduce_on_plateau"
SCHEDULE_CHOICES = (*SCHEDULES, PLATEAU)
MAX_STEPS = 5000
#: Hyperparameters a student may edit: label, lowest, highest. Others keep the method's value.
NUMBERS: dict[str, tuple[str, float, float]] = {
    "lr": ("learning rate η", 1e-6, 100.0),
    "momentum": ("momentum μ", 0.0, 0.999),
    "alpha": ("smoothing α", 0.0, 0.9999),
    "rho": ("decay ρ", 0.0, 1.0),
    "beta1": ("β₁ (first moment)", 0.0, 0.9999),
    "beta2": ("β₂ (second moment)", 0.0, 0.99999),
    "eps": ("ε", 0.0, 1.0),
    "lr_decay": ("lr decay", 0.0, 10.0),
    "momentum_decay": ("momentum decay ψ", 0.0, 1.0),
    "weight_decay": ("weight decay λ", 0.0, 10.0),
}
FLAGS = {"nesterov": "Nesterov look-ahead", "amsgrad": "AMSGrad (keep the largest v)",
         "centered": "centered (subtract the mean gradient)"}


def _title(name: str) -> str:
    return "✏️ Type a formula…" if name == CUSTOM else SURFACES[name].title


def _current_surface() -> Surface | None:
    state = st.session_state
    try:
        return load_surface(state.get(f"{NAMESPACE}.surface", "rosenbrock"),
                            state.get(f"{NAMESPACE}.formula", DEFAULT_FORMULA),
                            state.get(f"{NAMESPACE}.window", 3.0))
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
    name = st.selectbox("Loss surface", SURFACE_CHOICES, format_func=_title, on_change=_follow_surface,
                        key=qs.field("surface", "rosenbrock", choices=SURFACE_CHOICES))
    if name != CUSTOM:
        return name, "", 3.0
    formula = st.text_input("f(x, y) =", max_chars=200, on_change=_follow_surface,
                            key=qs.field("formula", DEFAULT_FORMULA),
                            help="x, y, numbers, + - * / ** ^, sin cos exp log sqrt abs tanh …, pi, e")
    window = st.number_input("Plot window: x and y from −w to w", 0.1, 1000.0, format="%g",
                             on_change=_follow_surface, key=qs.field("window", 3.0, lo=0.1, hi=1000.0))
    last_good = f"{NAMESPACE}.last_good"
    try:
        load_surface(CUSTOM, formula, window)
        st.session_state[last_good] = (formula, window)
    except ExpressionError as error:
        st.error(f"**That formula does not work:** {error}. Still racing on the last formula that did.")
        formula, window = st.session_state.get(last_good, (DEFAULT_FORMULA, 3.0))
    return CUSTOM, formula, window


def _hyperparameters(qs: QueryState, name: str, surface: Surface) -> dict[str, Any]:
    """The method's editable hyperparameters as widgets (β1, β2 edited apart, joined to betas)."""
    current = METHODS[name].hyperparameters(lr=surface.lr(name))
    if "betas" in current:
        current["beta1"], current["beta2"] = current.pop("betas")
    chosen: dict[str, Any] = {}
    left, right = st.columns(2)
    for i, (key, default) in enumerate((k, v) for k, v in current.items() if k in NUMBERS or k in FLAGS):
        where = left if i % 2 == 0 else right
        if key in FLAGS:
            chosen[key] = where.toggle(FLAGS[key], key=qs.field(f"{name}.{key}", bool(default)))
            continue
        label, lo, hi = NUMBERS[key]
        chosen[key] = where.number_input(label, lo, hi, format="%g",
                                         key=qs.field(f"{name}.{key}", float(default), lo=lo, hi=hi))
    if "beta1" in chosen:
        chosen["betas"] = (chosen.pop("beta1"), chosen.pop("beta2"))
    return chosen


def pick_methods(qs: QueryState, surface: Surface) -> dict[str, dict[str, Any]]:
    """The racing methods and their hyperparameters; a method whose settings torch.optim rejects
    is left out of the race with the reason shown."""
    names = list(METHODS)
    chosen = st.multiselect("Methods", names, key=qs.field("methods", list(TEACHING), choices=names),
                            help="Up to 8 race with distinct colours and markers.")
    methods: dict[str, dict[str, Any]] = {}
    for name in chosen:
        with st.expander(f"⚙️ {name}"):
            st.caption(METHODS[name].blurb)
            overrides = _hyperparameters(qs, name, surface)
            try:
                configure(surface, name, overrides)
                methods[name] = overrides
            except ValueError as error:
                st.error(f"{name} sits out: {error}")
    return methods


def _schedule(qs: QueryState) -> tuple[Schedule, bool, int, float]:
    kind = st.selectbox("Learning-rate schedule", SCHEDULE_CHOICES,
                        key=qs.field("schedule", "constant", choices=SCHEDULE_CHOICES))
    args: dict[str, Any] = {}
    patience, factor = 20, 0.5
    if kind in ("step", "exponential"):
        args["step_size"] = st.number_input("Every … steps", 1, MAX_STEPS,
                                            key=qs.field("step_size", 100, lo=1, hi=MAX_STEPS))
        args["gamma"] = st.number_input("multiply by γ", 0.01, 1.0, format="%g",
                                        key=qs.field("gamma", 0.5, lo=0.01, hi=1.0))
    if kind in ("warmup_cosine", "one_cycle"):
        args["warmup"] = st.number_input("Warm-up steps (0: 30% for one_cycle)", 0, MAX_STEPS,
                                         key=qs.field("warmup", 0, lo=0, hi=MAX_STEPS))
    if kind in ("cosine", "warmup_cosine", "one_cycle"):
        args["min_factor"] = st.number_input("Final lr as a fraction of η", 0.0, 1.0, format="%g",
                                             key=qs.field("min_factor", 0.0, lo=0.0, hi=1.0))
    if kind == PLATEAU:
        patience = st.number_input("Patience (steps without improvement)", 1, 1000,
                                   key=qs.field("patience", 20, lo=1, hi=1000))
        factor = st.number_input("then multiply lr by", 0.05, 0.95, format="%g",
                                 key=qs.field("factor", 0.5, lo=0.05, hi=0.95))
    schedule = Schedule(kind, **args) if kind != PLATEAU else Schedule()
    return schedule, kind == PLATEAU, int(patience), float(factor)


def pick_run(qs: QueryState, surface: Surface) -> tuple[tuple[float, float], int, RunOptions, float]:
    """Start, steps and run options; returns (start, steps, options, tolerance)."""
    (x0, x1), (y0, y1) = surface.domain
    left, right = st.columns(2)
    x = left.number_input("start x", x0, x1, format="%g", key=qs.field("x", surface.start[0], lo=x0, hi=x1))
    y = right.number_input("start y", y0, y1, format="%g", key=qs.field("y", surface.start[1], lo=y0, hi=y1))
    st.caption("…or click the map to start there.")
    steps = st.number_input("Steps", 10, MAX_STEPS, step=50, key=qs.field("steps", 300, lo=10, hi=MAX_STEPS))
    with st.expander("Learning-rate schedule"):
        schedule, plateau, patience, factor = _schedule(qs)
    with st.expander("Noise, clipping, stopping"):
        noise = st.number_input("Gradient noise σ (mini-batch imitation)", 0.0, 1000.0, format="%g",
                                key=qs.field("noise", 0.0, lo=0.0, hi=1000.0),
                                help="Every step adds σ·N(0, 1) to each gradient coordinate; all methods "
                                     "get the same draws.")
        seed = st.number_input("Noise seed", 0, 10**6, key=qs.field("seed", 0, lo=0, hi=10**6))
        clip = st.number_input("Clip gradient norm at (0 = off)", 0.0, 1e6, format="%g",
                               key=qs.field("clip", 0.0, lo=0.0, hi=1e6))
        tol = st.number_input("Tolerance on ‖∇f‖", 0.0, 10.0, format="%g",
                              key=qs.field("tol", 1e-3, lo=0.0, hi=10.0))
        stop = st.toggle("Stop a path once ‖∇f‖ < tolerance", key=qs.field("stop", False))
    options = RunOptions(schedule, plateau, factor, patience, noise, int(seed), clip, tol if stop else 0.0)
    return (float(x), float(y)), int(steps), options, float(tol)


def spec_from(surface_key: tuple[str, str, float], methods: dict[str, dict[str, Any]],
              start: tuple[float, float], steps: int, options: RunOptions) -> RaceSpec:
    name, formula, window = surface_key
    items = tuple((m, tuple(sorted(o.items()))) for m, o in methods.items())
    return RaceSpec(name, formula, float(window), items, start, steps, options)
