"""The gradient-health charts, built from the frames of :class:`playground.backprop.health.Run`.

Every builder first drops non-finite values (and, for log axes, non-positive ones): no NaN or
infinity reaches a chart; the page says in words where a run diverged instead.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from playground.backprop.health import Run
from playground.ui.theme import OKABE_ITO, color_of

LOG = alt.Scale(type="log")
STEP_AXIS = alt.X("step:Q", title="training step", axis=alt.Axis(format="d", tickMinStep=1))


def plottable(frame: pd.DataFrame, columns: list[str], log: bool = False) -> pd.DataFrame:
    """The rows whose ``columns`` are all finite (and positive, for a log axis)."""
    values = frame[columns].to_numpy(dtype=float)
    keep = np.isfinite(values).all(axis=1) & ((values > 0).all(axis=1) if log else True)
    return frame[keep].reset_index(drop=True)


def activation_chart(at_init: pd.DataFrame) -> alt.LayerChart | alt.FacetChart:
    """Each hidden layer's mean output with a band of ± one standard deviation."""
    data = plottable(at_init, ["act_mean", "act_std"]).assign(
        low=lambda f: f.act_mean - f.act_std, high=lambda f: f.act_mean + f.act_std)
    x = alt.X("layer:Q", title="hidden layer", axis=alt.Axis(tickMinStep=1))
    band = alt.Chart(data).mark_area(opacity=0.25, color=OKABE_ITO[0]).encode(
        x=x, y=alt.Y("low:Q", title="activation: mean ± std"), y2="high:Q")
    line = alt.Chart(data).mark_line(point=True, color=OKABE_ITO[0]).encode(
        x=x, y="act_mean:Q", tooltip=["layer:Q", alt.Tooltip("act_mean:Q", format=".3g", title="mean"),
                                      alt.Tooltip("act_std:Q", format=".3g", title="std")])
    return alt.layer(band, line).properties(height=260)


def grad_norm_chart(at_init: pd.DataFrame) -> alt.Chart:
    data = plottable(at_init, ["grad_norm"], log=True)
    return alt.Chart(data).mark_line(point=True, color=OKABE_ITO[4]).encode(
        x=alt.X("layer:Q", title="hidden layer", axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("grad_norm:Q", scale=LOG, title="‖∂L/∂W‖ (log)", axis=alt.Axis(format=".0e")),
        tooltip=["layer:Q", alt.Tooltip("grad_norm:Q", format=".2e")]).properties(height=260)


def _heatmap(layers: pd.DataFrame, value: str, title: str) -> alt.Chart:
    """Layer × training step, coloured by ``value`` on a log scale."""
    data = plottable(layers, [value], log=True)
    return alt.Chart(data).mark_rect().encode(
        x=alt.X("step:O", title="training step", axis=alt.Axis(labelOverlap=True)),
        y=alt.Y("layer:O", title="hidden layer", sort="descending"),
        color=alt.Color(f"{value}:Q", scale=alt.Scale(type="log", scheme="viridis"), title=title,
                        legend=alt.Legend(format=".0e")),
        tooltip=["step:O", "layer:O", alt.Tooltip(f"{value}:Q", format=".2e")]).properties(height=260)


def grad_norm_heatmap(layers: pd.DataFrame) -> alt.Chart:
    return _heatmap(layers, "grad_norm", "‖∂L/∂W‖")


def activation_std_heatmap(layers: pd.DataFrame) -> alt.Chart:
    return _heatmap(layers, "act_std", "std of h")


def _lines(frame: pd.DataFrame, value: str, series: str, title: str, names: list[str]) -> alt.Chart:
    return alt.Chart(frame).mark_line(point=alt.OverlayMarkDef(size=20)).encode(
        x=STEP_AXIS,
        y=alt.Y(f"{value}:Q", scale=LOG, title=title, axis=alt.Axis(format="~g")),
        color=alt.Color(f"{series}:N", title=None,
                        scale=alt.Scale(domain=names, range=[color_of(i) for i in range(len(names))])),
        strokeDash=alt.StrokeDash(f"{series}:N", title=None),  # merges into the colour legend
        tooltip=["step:Q", f"{series}:N", alt.Tooltip(f"{value}:Q", format=".3g")]).properties(height=260)


def clip_norm_chart(steps: pd.DataFrame) -> alt.Chart:
    """The global gradient norm of each step before and after clipping."""
    names = {"norm_before": "before clipping", "norm_after": "after clipping"}
    long = steps.rename(columns=names).melt(id_vars="step", value_vars=list(names.values()), var_name="when",
                                            value_name="norm")
    return _lines(plottable(long, ["norm"], log=True), "norm", "when", "global ‖g‖ (log)",
                  list(names.values()))


def loss_chart(runs: dict[str, Run]) -> alt.LayerChart | alt.FacetChart:
    """Loss against step for each named run, up to where it diverged; a red rule marks each divergence."""
    long = pd.concat([run.steps[["step", "loss"]].assign(run=name) for name, run in runs.items()],
                     ignore_index=True)
    lines = _lines(plottable(long, ["loss"], log=True), "loss", "run", "loss (log)", list(runs))
    ends = pd.DataFrame([{"step": run.diverged_at, "label": f"{name}: diverged", "y": 4 + 14 * i}
                         for i, (name, run) in enumerate(runs.items()) if run.diverged_at is not None],
                        columns=["step", "label", "y"])
    rule = alt.Chart(ends).mark_rule(color=OKABE_ITO[4], strokeDash=[4, 3]).encode(x="step:Q")
    text = alt.Chart(ends).mark_text(color=OKABE_ITO[4], align="left", dx=4, baseline="top").encode(
        x="step:Q", y=alt.Y("y:Q", scale=None), text="label:N")  # y in pixels: one line per run
    return alt.layer(lines, rule, text)
