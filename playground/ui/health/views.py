"""What the gradient-health page says about a run, in metrics, words and charts: every number in it
is formatted from the run itself, so a preset's description and the page it opens agree."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from playground.backprop.health import (
    DIVERGED_GROWTH,
    DIVERGES,
    EXPLODED,
    HEALTHY_SPREAD,
    STALLS,
    TRAINS,
    TRAINS_BELOW,
    VANISHED,
    Run,
)
from playground.ui.a11y import described
from playground.ui.health import charts
from playground.ui.i18n import t


def number(value: float) -> str:
    return f"{value:.3g}"


def verdict(run: Run) -> str:
    """The run's diagnosis at initialization (vanishing, exploding or healthy) in the page's language."""
    return {"healthy": t("health.verdicts.healthy"), "vanishing": t("health.verdicts.vanishing"),
            "exploding": t("health.verdicts.exploding")}[run.verdict]


def outcome(run: Run) -> str:
    """'trains', 'does not train' or 'diverges at step k'."""
    if run.outcome == DIVERGES:
        return t("health.outcomes.diverges", step=run.diverged_at)
    return {TRAINS: t("health.outcomes.trains"), STALLS: t("health.outcomes.stalls")}[run.outcome]


def losses(run: Run) -> str:
    """The loss at the first and the last recorded step ('—' if the very first step diverged)."""
    loss = run.steps.loss
    return f"{number(loss.iloc[0])} → {number(loss.iloc[-1])}" if len(loss) else "—"


def measured(run: Run, lr: float) -> str:
    """One sentence of what the page will show for ``run``."""
    return t("health.measured", spread=number(run.spread), verdict=verdict(run), lr=lr, losses=losses(run),
             outcome=outcome(run))


def metrics(run: Run, depth: int) -> None:
    """First and last layer's gradient norm, their ratio with its verdict, and the loss with the outcome."""
    norms = run.at_init().grad_norm
    first, last, spread, loss = st.columns(4)
    first.metric(t("health.metrics.first"), f"{norms.iloc[0]:.2e}")
    last.metric(t("health.metrics.last", depth=depth), f"{norms.iloc[-1]:.2e}")
    spread.metric(t("health.metrics.spread"), number(run.spread), delta=verdict(run), delta_arrow="off",
                  delta_color="green" if run.verdict == "healthy" else "red",
                  help=t("health.metrics.spread_help", spread=HEALTHY_SPREAD, vanished=VANISHED,
                         exploded=EXPLODED))
    loss.metric(t("health.metrics.loss"), losses(run), delta=outcome(run), delta_arrow="off",
                delta_color="green" if run.outcome == TRAINS else "red",
                help=t("health.metrics.loss_help", below=TRAINS_BELOW, growth=DIVERGED_GROWTH))


def at_init_charts(at_init: pd.DataFrame) -> None:
    """The activations and the gradient norm of each layer at initialization, side by side."""
    left, right = st.columns(2)
    with left:
        st.markdown(t("health.page.activations"))
        described(charts.activation_chart(at_init), charts.activation_table(at_init),
                  charts.activation_summary(at_init))
        st.caption(t("health.page.activations_caption"))
    with right:
        st.markdown(t("health.page.grad_norms"))
        described(charts.grad_norm_chart(at_init), charts.grad_norm_table(at_init),
                  charts.grad_norm_summary(at_init))
        st.caption(t("health.page.grad_norms_caption"))


def training_heatmaps(layers: pd.DataFrame) -> None:
    """Each layer's activation std and gradient norm at every training step, side by side."""
    left, right = st.columns(2)
    with left:
        st.markdown(t("health.page.activation_std"))
        table = charts.activation_std_heatmap_table(layers)
        described(charts.activation_std_heatmap(layers), table, charts.heatmap_summary(table))
        st.caption(t("health.page.activation_std_caption"))
    with right:
        st.markdown(t("health.page.grad_heatmap"))
        table = charts.grad_norm_heatmap_table(layers)
        described(charts.grad_norm_heatmap(layers), table, charts.heatmap_summary(table))
        st.caption(t("health.page.grad_heatmap_caption"))


def per_layer_table(at_init: pd.DataFrame) -> None:
    """The numbers at initialization, in an expander; headers in the page's language over the run's
    own column names."""
    with st.expander(t("health.page.per_layer")):
        text = st.column_config.Column
        st.dataframe(at_init.drop(columns="step"), hide_index=True, column_config={
            "layer": text(t("health.table.layer")), "act_mean": text(t("health.table.act_mean")),
            "act_std": text(t("health.table.act_std")), "grad_norm": text(t("health.table.grad_norm"))})


def clipping_charts(plain: Run, clipped: Run, label: str, threshold: float) -> None:
    """The loss with and without clipping, and the clipped run's gradient norm before and after clipping."""
    left, right = st.columns(2)
    with left:
        st.markdown(t("health.page.loss"))
        runs = {t("health.page.no_clipping"): plain, label: clipped}
        described(charts.loss_chart(runs), charts.loss_table(runs), charts.loss_summary(runs))
        st.caption(t("health.page.loss_caption"))
    with right:
        st.markdown(t("health.page.clip_norm"))
        described(charts.clip_norm_chart(clipped.steps), charts.clip_norm_table(clipped.steps),
                  charts.clip_norm_summary(clipped.steps, threshold))
        st.caption(t("health.page.clip_norm_caption"))
