"""The Training runs charts' data: η(t) planned from the loop's own schedule and recorded by a real
run, tables that keep numbers as numbers, and a comparison chart whose legend does not squeeze it."""

from __future__ import annotations

import dataclasses

import pytest

from playground.datasets import load
from playground.train import RunConfig, train
from playground.train.loop import total_steps
from playground.ui.runs import charts


@pytest.fixture(scope="module")
def digits():
    return load("digits")


@pytest.fixture(scope="module")
def warm_run(digits):
    config = RunConfig(dataset="digits", model="mlp", epochs=2, batch_size=128, lr=0.01,
                       schedule="warmup_cosine", warmup=0.3, device="cpu")
    progress = []
    result = train(config, callback=progress.append, data=digits)
    return config, progress, result


def test_total_steps_counts_the_steps_the_run_takes(warm_run, digits):
    config, progress, _ = warm_run
    assert total_steps(config, digits) == progress[-1].total_steps == progress[-1].step


def test_the_planned_learning_rate_is_the_one_each_step_reported(warm_run, digits):
    config, progress, _ = warm_run
    frame = charts.lr_frame(config, total_steps(config, digits), progress)
    planned = frame[frame.source == "planned"].set_index("step")["lr"]
    recorded = frame[frame.source == "recorded"]
    assert len(recorded) > 3 and len(planned) == total_steps(config, digits)
    for step, lr in zip(recorded["step"], recorded["lr"], strict=True):
        assert lr == pytest.approx(planned[step], rel=1e-12)
    warmup_end = int(0.3 * len(planned))
    peak = planned.iloc[warmup_end]
    assert planned.iloc[0] < peak > planned.iloc[-1] and peak == pytest.approx(0.01, rel=0.05)


def test_a_long_run_draws_at_most_lr_points_steps_including_the_first_and_last():
    config = RunConfig(dataset="digits", lr=0.1, schedule="cosine")
    frame = charts.lr_frame(config, 50_000, [])
    assert len(frame) <= charts.LR_POINTS and frame["step"].iloc[0] == 0 and frame["step"].iloc[-1] == 49_999
    assert frame["lr"].iloc[0] == pytest.approx(0.1)


def test_tables_keep_numbers_and_accuracy_in_percentage_points(warm_run):
    config, progress, result = warm_run
    live = charts.live_epochs_frame(progress)
    assert live["test accuracy"].iloc[-1] == pytest.approx(100 * result.test_accuracy)
    summary = charts.summary_frame({"run 1": result})
    assert summary["lr"].iloc[0] == 0.01 and summary["test accuracy"].iloc[0] == pytest.approx(
        100 * result.test_accuracy)
    per_class = charts.per_class_frame(result)
    assert per_class["accuracy"].between(0, 100).all() and per_class["accuracy"].max() > 1


def test_the_comparison_chart_fits_only_its_width_so_the_legend_adds_below_the_plot(warm_run):
    _, _, result = warm_run
    spec = charts.overlay_chart(charts.overlay_frame({f"run {i}": result for i in range(6)})).to_dict()
    assert spec["autosize"]["type"] == "fit-x" and spec["height"] == 300
    assert spec["encoding"]["color"]["legend"]["orient"] == "bottom"


def test_the_comparison_table_tells_an_accumulated_batch_from_a_plain_one(warm_run):
    _, _, result = warm_run
    accumulated = dataclasses.replace(result, config=dataclasses.replace(result.config, accumulate=4))
    summary = charts.summary_frame({"plain": result, "k = 4": accumulated}).set_index("run")
    assert summary.loc["plain", "accumulate"] == 1 and summary.loc["k = 4", "accumulate"] == 4
    assert summary.loc["plain", "batch"] == summary.loc["k = 4", "batch"] == result.config.batch_size
