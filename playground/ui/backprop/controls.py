"""The stepper's widgets: which network, every number in it, and where we are in the backward pass.

Every number is a URL setting. The MLP's weights, inputs and targets default to values drawn
from the seed, so a link carries only the numbers the user typed; a new seed redraws them all.
"""

from __future__ import annotations

import numpy as np
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from playground.backprop import mlp
from playground.backprop.chain import Chain
from playground.backprop.mlp import Example, Sizes, TinyMLP, drawn, element_names
from playground.ui.i18n import t
from playground.ui.urlstate import QueryState

NETWORKS = ("chain", "mlp")
LARGEST = Sizes(3, 4, 3)
MAX_STEPS = 50
BOUND = 100.0


def url_name(name: str) -> str:
    """``W1[1,2]`` → ``W1_12``: a query-string friendly name."""
    return name.replace("[", "_").replace(",", "").replace("]", "")


def _number(where: DeltaGenerator, qs: QueryState, name: str, default: float) -> float:
    return qs.number(url_name(name), name, default, lo=-BOUND, hi=BOUND, where=where, step=0.1)


def network(qs: QueryState) -> Chain | Example:
    """The sidebar's choice of network and, in an expander, all of its numbers."""
    # Names looked up in a dict made during the run: a format_func called after it (AppTest calls it
    # outside the run) answers in the page's language too.
    names = {"chain": t("backprop.controls.chain"), "mlp": t("backprop.controls.mlp")}
    kind = qs.choice("net", t("backprop.controls.network"), NETWORKS, "chain", widget="radio",
                     where=st.sidebar, format_func=names.__getitem__)
    numbers = st.expander(t("backprop.controls.edit"), icon=":material/edit:")
    if kind == "chain":
        cols = numbers.columns(4)
        return Chain(*(_number(col, qs, name, default) for col, (name, default) in zip(
            cols, vars(Chain()).items(), strict=True)))
    return _mlp(qs, numbers)


def _redraw(qs: QueryState) -> None:
    """A new seed: every weight, input and target of every size goes back to its drawn value."""
    seed = qs.get("seed")
    for name in _drawn_names(LARGEST):
        qs.set(url_name(name), drawn(seed, name))


def _drawn_names(sizes: Sizes) -> list[str]:
    return [*element_names("x", (sizes.n_in,)), *mlp.param_names(sizes), *element_names("y", (sizes.n_out,))]


def _mlp(qs: QueryState, numbers: DeltaGenerator) -> Example:
    side = st.sidebar
    layers = [(t("backprop.controls.inputs"), "n_in", 2, LARGEST.n_in),
              (t("backprop.controls.hidden"), "n_hidden", 3, LARGEST.n_hidden),
              (t("backprop.controls.outputs"), "n_out", 2, LARGEST.n_out)]
    sizes = Sizes(*(qs.slider(name, label, default, lo=1, hi=top, where=side)
                    for label, name, default, top in layers))
    activation = qs.choice("act", t("backprop.controls.activation"), mlp.ACTIVATIONS, "relu", where=side)
    losses = {"mse": t("backprop.controls.mse"), "softmax_ce": t("backprop.controls.softmax_ce")}
    loss = qs.choice("loss", t("backprop.controls.loss"), mlp.LOSSES, "softmax_ce", where=side,
                     format_func=losses.__getitem__)
    if loss == "softmax_ce" and sizes.n_out == 1:
        side.caption(t("backprop.controls.one_output"))
    seed = qs.number("seed", t("backprop.controls.seed"), 0, lo=0, hi=9999, where=side, on_change=_redraw,
                     args=(qs,))
    values = {}
    top, bottom = numbers.columns([1, 3, 2]), numbers.columns([2, 2, 2])
    for where, base in zip([*top, *bottom], ["x", "W1", "b1", "W2", "b2", "y"], strict=True):
        shape = (sizes.n_in,) if base == "x" else (sizes.n_out,) if base == "y" else sizes.shape(base)
        if base == "y" and loss == "softmax_ce":
            where.caption(t("backprop.controls.target"))
            label_key = qs.field("label", 1, lo=1, hi=LARGEST.n_out)
            if qs.get("label") > sizes.n_out:
                qs.notices.append(t("backprop.controls.no_class", label=qs.get("label"), outputs=sizes.n_out))
                qs.set("label", sizes.n_out)
            label = where.selectbox(t("backprop.controls.class"), list(range(1, sizes.n_out + 1)),
                                    key=label_key)
            continue
        where.caption(f"{base}  {'×'.join(map(str, shape))}")
        names = element_names(base, shape)
        grid = where.columns(shape[-1]) if len(shape) == 2 else [where] * len(names)
        for k, name in enumerate(names):
            values[name] = _number(grid[k % len(grid)], qs, name, drawn(seed, name))
    net = TinyMLP.from_values(sizes, values, activation, loss)
    x = np.array([values[n] for n in element_names("x", (sizes.n_in,))])
    y = (mlp.one_hot(label - 1, sizes.n_out) if loss == "softmax_ce" else
         np.array([values[n] for n in element_names("y", (sizes.n_out,))]))
    return Example(net, x, y)


def _shift(qs: QueryState, by: int, last: int) -> None:
    qs.set("step", min(max(qs.get("step") + by, 0), last))


def step_control(qs: QueryState, last: int) -> int:
    """Previous / slider / next over the backward steps 0..last (0: forward pass only)."""
    key = qs.field("step", 0, lo=0, hi=MAX_STEPS)
    if qs.get("step") > last:
        qs.notices.append(t("backprop.controls.past_last", step=qs.get("step"), last=last))
        qs.set("step", last)
    previous, slider, following = st.columns([1, 6, 1], vertical_alignment="bottom")
    previous.button(t("backprop.controls.previous"), on_click=_shift, args=(qs, -1, last),
                    disabled=qs.get("step") == 0, width="stretch")
    following.button(t("backprop.controls.next"), on_click=_shift, args=(qs, 1, last),
                     disabled=qs.get("step") == last, width="stretch", type="primary")
    return slider.slider(t("backprop.controls.step"), 0, last, key=key)
