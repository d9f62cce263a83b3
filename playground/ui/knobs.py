"""One widget per optimizer hyperparameter, built from the registry's descriptions
(:data:`playground.optim.hyperparameters.KNOBS`), so the race, the lab and Training runs offer
the same label, range, step and help for the same number. The words come from the catalogues
(``knobs.<name>.label`` and ``.help``); the registry gives the symbol, range and step."""

from __future__ import annotations

from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from playground.optim.hyperparameters import KNOBS
from playground.regularization.optimizers import knobs
from playground.ui.i18n import t
from playground.ui.urlstate import QueryState


def knob(qs: QueryState, url_name: str, name: str, default: float | bool, *,
         where: DeltaGenerator | None = None, label: str | None = None, **widget: Any) -> Any:
    """The widget for hyperparameter ``name``, kept in the link as ``url_name``."""
    spec = KNOBS[name]
    title = label or f"{t(f'knobs.{name}.label')} {spec.symbol}".strip()
    widget.setdefault("help", t(f"knobs.{name}.help"))
    if spec.flag:
        return qs.switch(url_name, title, bool(default), where=where, **widget)
    if spec.step is not None:
        widget.setdefault("step", spec.step)
    return qs.number(url_name, title, float(default), lo=spec.lo, hi=spec.hi, where=where, **widget)


def method_knobs(qs: QueryState, method: str, *, without: tuple[str, ...] = ()) -> dict[str, float | bool]:
    """``method``'s hyperparameters beyond the learning rate and weight decay (and ``without``), in a
    folded section; each is kept in the link per method (``adam_eps``, ``sgd_nesterov``, ...), so
    switching optimizers and back keeps them. Returns those that differ from the method's defaults."""
    defaults = {name: value for name, value in knobs(method).items() if name not in without}
    if not defaults:
        return {}
    with st.expander(t("lab.controls.hyperparameters", method=method)):
        tuned = {name: knob(qs, f"{method.lower()}_{name}", name, default)
                 for name, default in defaults.items()}
    return {name: value for name, value in tuned.items() if value != defaults[name]}
