"""The gradient-health charts, built from the frames of :class:`playground.backprop.health.Run`, and
their text alternatives: the data each chart draws, with headers in the page's language, and a
sentence computed from it.

Every builder first drops non-finite values (and, for log axes, non-positive ones): no NaN or
infinity reaches a chart; the page says in words where a run diverged instead.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from playground.backprop.health import Run
from playground.ui.a11y import grid_summary
from playground.ui.format import number
from playground.ui.i18n import t
from playground.ui.theme import OKABE_ITO, color_of
from playground.ui.vega import plottable

LOG = alt.Scale(type="log")


def _step_axis() -> alt.X:
    return alt.X("step:Q", title=t("health.charts.step"), axis=alt.Axis(format="d", tickMinStep=1))


def _layer_axis() -> alt.X:
    return alt.X("layer:Q", title=t("health.charts.layer"), axis=alt.Axis(tickMinStep=1))


def _layer_tooltip() -> alt.Tooltip:
    return alt.Tooltip("layer:Q", title=t("health.charts.layer"))


def activation_data(at_init: pd.DataFrame) -> pd.DataFrame:
    return plottable(at_init, ["act_mean", "act_std"])


def activation_chart(at_init: pd.DataFrame) -> alt.LayerChart | alt.FacetChart:
    """Each hidden layer's mean output with a band of ± one standard deviation."""
    data = activation_data(at_init).assign(low=lambda f: f.act_mean - f.act_std,
                                           high=lambda f: f.act_mean + f.act_std)
    band = alt.Chart(data).mark_area(opacity=0.25, color=OKABE_ITO[0]).encode(
        x=_layer_axis(), y=alt.Y("low:Q", title=t("health.charts.activation")), y2="high:Q")
    line = alt.Chart(data).mark_line(point=True, color=OKABE_ITO[0]).encode(
        x=_layer_axis(), y="act_mean:Q",
        tooltip=[_layer_tooltip(), alt.Tooltip("act_mean:Q", format=".3g", title=t("health.charts.mean")),
                 alt.Tooltip("act_std:Q", format=".3g", title=t("health.charts.std"))])
    return alt.layer(band, line).properties(height=260)


def activation_table(at_init: pd.DataFrame) -> pd.DataFrame:
    """What :func:`activation_chart` draws: each layer's mean and std."""
    return activation_data(at_init)[["layer", "act_mean", "act_std"]].rename(columns={
        "layer": t("health.charts.layer"), "act_mean": t("health.charts.mean"),
        "act_std": t("health.charts.std")})


def activation_summary(at_init: pd.DataFrame) -> str:
    """The activation chart in one sentence: the first and last layer, and where the spread is least
    and most (a spread that collapses or blows up is what the chart is for)."""
    data = activation_data(at_init)
    if data.empty:
        return t("a11y.no_data", what=t("health.charts.activation"))
    first, last, low, high = _layer_extremes(data, "act_std")
    return t("health.alt.activations", first=int(first.layer), first_mean=number(first.act_mean),
             first_std=number(first.act_std), last=int(last.layer), last_mean=number(last.act_mean),
             last_std=number(last.act_std), low=number(low.act_std), low_at=int(low.layer),
             high=number(high.act_std), high_at=int(high.layer))


def _layer_extremes(data: pd.DataFrame, field: str) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """The first and last layer's rows, and the rows where ``field`` is least and most."""
    return data.iloc[0], data.iloc[-1], data.loc[data[field].idxmin()], data.loc[data[field].idxmax()]


def grad_norm_data(at_init: pd.DataFrame) -> pd.DataFrame:
    return plottable(at_init, ["grad_norm"], log=True)


def grad_norm_chart(at_init: pd.DataFrame) -> alt.Chart:
    norm, axis = t("health.charts.grad_norm"), alt.Axis(format=".0e")
    return alt.Chart(grad_norm_data(at_init)).mark_line(point=True, color=OKABE_ITO[4]).encode(
        x=_layer_axis(), y=alt.Y("grad_norm:Q", scale=LOG, title=t("health.charts.grad_norm_log"), axis=axis),
        tooltip=[_layer_tooltip(), alt.Tooltip("grad_norm:Q", format=".2e", title=norm)]
    ).properties(height=260)


def grad_norm_table(at_init: pd.DataFrame) -> pd.DataFrame:
    """What :func:`grad_norm_chart` draws: each layer's gradient norm."""
    return grad_norm_data(at_init)[["layer", "grad_norm"]].rename(columns={
        "layer": t("health.charts.layer"), "grad_norm": t("health.charts.grad_norm")})


def grad_norm_summary(at_init: pd.DataFrame) -> str:
    """The per-layer gradient norms in one sentence: first and last layer, their ratio, and the
    smallest and largest norm."""
    data = grad_norm_data(at_init)
    if data.empty:
        return t("a11y.no_data", what=t("health.charts.grad_norm"))
    first, last, low, high = _layer_extremes(data, "grad_norm")
    return t("health.alt.grad_norms", first_at=int(first.layer), first=number(first.grad_norm),
             last_at=int(last.layer), last=number(last.grad_norm),
             ratio=number(first.grad_norm / last.grad_norm), low=number(low.grad_norm), low_at=int(low.layer),
             high=number(high.grad_norm), high_at=int(high.layer))


def _heatmap(layers: pd.DataFrame, value: str, title: str) -> alt.Chart:
    """Layer × training step, coloured by ``value`` on a log scale."""
    data = plottable(layers, [value], log=True)
    step, layer = t("health.charts.step"), t("health.charts.layer")
    return alt.Chart(data).mark_rect().encode(
        x=alt.X("step:O", title=step, axis=alt.Axis(labelOverlap=True)),
        y=alt.Y("layer:O", title=layer, sort="descending"),
        color=alt.Color(f"{value}:Q", scale=alt.Scale(type="log", scheme="viridis"), title=title,
                        legend=alt.Legend(format=".0e")),
        tooltip=[alt.Tooltip("step:O", title=step), alt.Tooltip("layer:O", title=layer),
                 alt.Tooltip(f"{value}:Q", format=".2e", title=title)]).properties(height=260)


def _heatmap_table(layers: pd.DataFrame, value: str, title: str) -> pd.DataFrame:
    """What :func:`_heatmap` draws: one row per cell."""
    return plottable(layers, [value], log=True)[["step", "layer", value]].rename(columns={
        "step": t("health.charts.step"), "layer": t("health.charts.layer"), value: title})


def grad_norm_heatmap(layers: pd.DataFrame) -> alt.Chart:
    return _heatmap(layers, "grad_norm", t("health.charts.grad_norm"))


def grad_norm_heatmap_table(layers: pd.DataFrame) -> pd.DataFrame:
    return _heatmap_table(layers, "grad_norm", t("health.charts.grad_norm"))


def activation_std_heatmap(layers: pd.DataFrame) -> alt.Chart:
    return _heatmap(layers, "act_std", t("health.charts.std_of_h"))


def activation_std_heatmap_table(layers: pd.DataFrame) -> pd.DataFrame:
    return _heatmap_table(layers, "act_std", t("health.charts.std_of_h"))


def heatmap_summary(table: pd.DataFrame) -> str:
    """A heatmap's table (from :func:`grad_norm_heatmap_table` or :func:`activation_std_heatmap_table`)
    in one sentence: its smallest and largest cell."""
    step, layer, value = table.columns
    return grid_summary(table, value, [layer, step], value)


def _lines(frame: pd.DataFrame, value: str, series: str, names: list[str], titles: tuple[str, str, str]
           ) -> alt.Chart:
    """One line per ``series`` (named ``names``) of ``value`` on a log axis; ``titles``: the axis's, the
    value's and the series' (in the tooltip)."""
    title, value_title, series_title = titles
    return alt.Chart(frame).mark_line(point=alt.OverlayMarkDef(size=20)).encode(
        x=_step_axis(),
        y=alt.Y(f"{value}:Q", scale=LOG, title=title, axis=alt.Axis(format="~g")),
        # The legend goes below, where a long run name leaves the plot its width; colour and dash share it.
        color=alt.Color(f"{series}:N", title=None, legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=names, range=[color_of(i) for i in range(len(names))])),
        strokeDash=alt.StrokeDash(f"{series}:N", title=None, legend=alt.Legend(orient="bottom"),
                                  scale=alt.Scale(domain=names)),  # the first series solid, in any language
        tooltip=[alt.Tooltip("step:Q", title=t("health.charts.step")),
                 alt.Tooltip(f"{series}:N", title=series_title),
                 alt.Tooltip(f"{value}:Q", format=".3g", title=value_title)]).properties(height=260)


def clip_norm_data(steps: pd.DataFrame) -> pd.DataFrame:
    """The global gradient norm of each step before and after clipping, long format (step, when, norm)."""
    names = {"norm_before": t("health.charts.before"), "norm_after": t("health.charts.after")}
    long = steps.rename(columns=names).melt(id_vars="step", value_vars=list(names.values()), var_name="when",
                                            value_name="norm")
    return plottable(long, ["norm"], log=True)


def clip_norm_chart(steps: pd.DataFrame) -> alt.Chart:
    """The global gradient norm of each step before and after clipping."""
    names = [t("health.charts.before"), t("health.charts.after")]
    titles = (t("health.charts.global_norm"), t("health.charts.global_norm_plain"), t("health.charts.when"))
    return _lines(clip_norm_data(steps), "norm", "when", names, titles)


def clip_norm_table(steps: pd.DataFrame) -> pd.DataFrame:
    """What :func:`clip_norm_chart` draws: a row per step and line."""
    return clip_norm_data(steps).rename(columns={
        "step": t("health.charts.step"), "when": t("health.charts.when"),
        "norm": t("health.charts.global_norm_plain")})


def clip_norm_summary(steps: pd.DataFrame, threshold: float) -> str:
    """The clipped run's norms in one sentence: the largest before clipping, the largest after, and
    the threshold they are held to."""
    data = clip_norm_data(steps)
    before = data[data.when == t("health.charts.before")].norm
    after = data[data.when == t("health.charts.after")].norm
    if before.empty or after.empty:
        return t("a11y.no_data", what=t("health.charts.global_norm_plain"))
    return t("health.alt.clip_norms", steps=len(before), before_low=number(before.min()),
             before_high=number(before.max()), after_high=number(after.max()), threshold=threshold)


def loss_data(runs: dict[str, Run]) -> pd.DataFrame:
    """Each named run's loss by step, long format (step, loss, run), without what cannot sit on a log axis."""
    long = pd.concat([run.steps[["step", "loss"]].assign(run=name) for name, run in runs.items()],
                     ignore_index=True)
    return plottable(long, ["loss"], log=True)


def loss_chart(runs: dict[str, Run]) -> alt.LayerChart | alt.FacetChart:
    """Loss against step for each named run, up to where it diverged; a red rule marks each divergence."""
    lines = _lines(loss_data(runs), "loss", "run", list(runs),
                   (t("health.charts.loss"), t("health.charts.loss_plain"), t("health.charts.run")))
    ends = pd.DataFrame([{"step": run.diverged_at, "label": t("health.charts.diverged", name=name),
                          "y": 4 + 14 * i}
                         for i, (name, run) in enumerate(runs.items()) if run.diverged_at is not None],
                        columns=["step", "label", "y"])
    rule = alt.Chart(ends).mark_rule(color=OKABE_ITO[4], strokeDash=[4, 3]).encode(x="step:Q")
    text = alt.Chart(ends).mark_text(color=OKABE_ITO[4], align="left", dx=4, baseline="top").encode(
        x="step:Q", y=alt.Y("y:Q", scale=None), text="label:N")  # y in pixels: one line per run
    return alt.layer(lines, rule, text)


def loss_table(runs: dict[str, Run]) -> pd.DataFrame:
    """What :func:`loss_chart` draws: a row per step and run."""
    return loss_data(runs)[["step", "run", "loss"]].rename(columns={
        "step": t("health.charts.step"), "run": t("health.charts.run"),
        "loss": t("health.charts.loss_plain")})


def loss_summary(runs: dict[str, Run]) -> str:
    """The loss chart in one sentence: where each run's loss starts and where it last stands, and
    where a run diverged."""
    data = loss_data(runs)
    parts = []
    for name, run in runs.items():
        mine = data[data.run == name]
        if mine.empty:
            parts.append(t("health.alt.loss_none", name=name))
            continue
        first, last = mine.iloc[0], mine.iloc[-1]
        part = (t("health.alt.loss_point", name=name, loss=number(first.loss), at=int(first.step))
                if len(mine) == 1 else
                t("health.alt.loss_run", name=name, first=number(first.loss), first_at=int(first.step),
                  last=number(last.loss), last_at=int(last.step)))
        if run.diverged_at is not None:
            part += t("health.alt.loss_diverged", step=run.diverged_at)
        parts.append(part)
    return t("health.alt.loss", runs=t("health.alt.separator").join(parts))
