"""The gradient-health charts as data: nothing non-finite reaches them, and divergence is marked."""

from __future__ import annotations

import numpy as np
import pandas as pd

from playground.backprop.deepnet import DeepConfig
from playground.backprop.health import Run, train
from playground.ui.health import charts


def chart_rows(chart) -> list[dict]:
    spec = chart.to_dict()
    return [row for rows in spec["datasets"].values() for row in rows]


def test_plottable_drops_nan_inf_and_for_log_axes_non_positive_values():
    frame = pd.DataFrame({"a": [1.0, np.nan, np.inf, 0.0, -2.0], "b": [1.0, 2.0, 3.0, 4.0, 5.0]})
    assert list(charts.plottable(frame, ["a"]).a) == [1.0, 0.0, -2.0]
    assert list(charts.plottable(frame, ["a"], log=True).a) == [1.0]


def test_the_per_layer_charts_carry_one_row_per_layer():
    run = train(DeepConfig(depth=6, width=16), steps=3)
    at_init = run.at_init()
    assert [row["layer"] for row in chart_rows(charts.grad_norm_chart(at_init))] == list(range(1, 7))
    rows = chart_rows(charts.activation_chart(at_init))
    assert all(abs(r["high"] - r["low"] - 2 * r["act_std"]) < 1e-12 for r in rows)
    assert len(chart_rows(charts.grad_norm_heatmap(run.layers))) == 6 * 3


def test_the_activation_heatmap_colours_layer_by_step_and_leaves_out_a_zero_std():
    run = train(DeepConfig(depth=6, width=16), steps=3)
    chart = charts.activation_std_heatmap(run.layers)
    assert chart.to_dict()["encoding"]["color"]["field"] == "act_std"
    rows = chart_rows(chart)
    assert {(r["step"], r["layer"]) for r in rows} == {(s, layer) for s in range(3) for layer in range(1, 7)}
    assert {(r["step"], r["layer"], r["act_std"]) for r in rows} == set(
        run.layers[["step", "layer", "act_std"]].itertuples(index=False, name=None))
    dead = run.layers.assign(act_std=[0.0] + [1.0] * (len(run.layers) - 1))  # a layer with no signal at all
    assert len(chart_rows(charts.activation_std_heatmap(dead))) == len(run.layers) - 1


def test_the_loss_chart_stops_at_divergence_and_marks_it():
    plain = Run(pd.DataFrame({"step": [0, 1], "loss": [1.0, np.inf], "norm_before": [3.0, np.nan],
                              "norm_after": [3.0, np.nan]}), pd.DataFrame(), diverged_at=1)
    clipped = Run(pd.DataFrame({"step": [0, 1, 2], "loss": [1.0, 0.5, 0.25], "norm_before": [3.0, 2.0, 0.5],
                                "norm_after": [1.0, 1.0, 0.5]}), pd.DataFrame(), diverged_at=None)
    rows = chart_rows(charts.loss_chart({"no clipping": plain, "clipped": clipped}))
    losses = [r for r in rows if "loss" in r]
    assert all(np.isfinite(r["loss"]) for r in losses) and len(losses) == 4
    assert [r["label"] for r in rows if "label" in r] == ["no clipping: diverged"]
    norms = chart_rows(charts.clip_norm_chart(clipped.steps))
    assert {(r["when"], r["norm"]) for r in norms if r["step"] == 0} == {("before clipping", 3.0),
                                                                         ("after clipping", 1.0)}
