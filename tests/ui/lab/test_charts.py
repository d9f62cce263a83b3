"""A/B comparison, the run cache, and the data behind the lab's charts and notices: what a
student will actually see."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from playground.datasets.toy import make_toy
from playground.regularization.compare import summary, variants
from playground.regularization.config import LabConfig
from playground.regularization.trainer import train
from playground.ui.lab import charts
from playground.ui.lab.views import divergence
from playground.ui.player import ALPHABET

MOONS = make_toy("moons", 60, 0.45, 0.5, seed=0)
BLOBS = make_toy("blobs", 60, 0.2, 0.5, seed=0)


@pytest.fixture(scope="module")
def runs():
    config = LabConfig(hidden=(32, 32), epochs=80, frames=4, l1=0.01, dropout=0.3, optimizer="SGD", lr=0.2)
    return {label: train(MOONS, variant) for label, variant in variants(config).items()}


def test_run_a_is_the_same_network_without_regularizers(runs):
    a, b = runs.values()
    assert (a.config.l1, a.config.dropout, b.config.l1, b.config.dropout) == (0.0, 0.0, 0.01, 0.3)
    first_a, first_b = a.frames[0].layers, b.frames[0].layers
    assert all(np.array_equal(x.counts, y.counts) and x.norm == y.norm
               for x, y in zip(first_a, first_b, strict=True))
    assert a.history["val_loss"][0] == b.history["val_loss"][0]  # same data, split and initial weights


def test_summary_table_has_one_row_per_run_with_the_final_numbers(runs):
    table = summary(runs)
    assert list(table.index) == ["A: no regularization", "B: regularized"]
    a, b = runs.values()
    assert table.loc["B: regularized", "val loss"] == b.final["val_loss"]
    assert table.loc["A: no regularization", "gap (val − train loss)"] == pytest.approx(
        a.final["val_loss"] - a.final["train_loss"])
    assert table.loc["B: regularized", "zero weights"] > 0
    assert table.loc["A: no regularization", "zero weights"] == 0
    assert table.loc["B: regularized", "weight norm"] < table.loc["A: no regularization", "weight norm"]


def test_boundary_data_covers_the_grid_with_class_names_and_confidence(runs):
    run = runs["B: regularized"]
    cells = charts.boundary_data(run.frames[-1], run.extent, MOONS.class_names)
    assert len(cells) == 3600 and set(cells["class"]) <= {"class 0", "class 1"}
    assert cells.x.min() < MOONS.X_train[:, 0].min() and cells.x2.max() > MOONS.X_train[:, 0].max()
    points = charts.points_data(MOONS)
    assert points.split.value_counts().to_dict() == {"train": 30, "validation": 30}
    chart = charts.boundary_chart(cells, points, MOONS.class_names, "t").to_dict()
    assert chart["width"] == chart["height"] == 340


def decoded(grid: dict, frame: int) -> np.ndarray:
    """The palette index of each cell of one of a player grid's frames, as the browser reads it."""
    return np.array([ALPHABET.index(cell) - 1 for cell in grid["colour"][frame]])


def test_boundary_scene_colours_each_cell_by_its_predicted_class_at_every_epoch(runs):
    run = runs["B: regularized"]
    epochs = [frame.epoch for frame in run.frames]
    scene = charts.boundary_scene(run, MOONS, epochs, epochs[1]).data()
    grid = scene["grid"]
    assert scene["frames"] == epochs and scene["frame"] == epochs[1] and len(grid["colour"]) == len(epochs)
    for index, frame in enumerate(run.frames):
        cells = decoded(grid, index)
        assert np.array_equal(cells // len(charts.ALPHAS), np.asarray(frame.grid).ravel())  # the class
        surest = np.asarray(frame.confidence).ravel() > 0.99
        assert (cells[surest] % len(charts.ALPHAS) == len(charts.ALPHAS) - 1).all()  # the most opaque
    shapes = [mark["shape"] for mark in scene["marks"]]
    assert shapes.count("circle") == len(MOONS.y_train) and shapes.count("triangle-up") == len(MOONS.y_val)
    (x0, x1), _ = scene["domain"]
    assert x0 < MOONS.X_train[:, 0].min() and x1 > MOONS.X_train[:, 0].max()


def test_regression_boundary_scene_centres_its_diverging_scale_on_zero():
    sine = make_toy("sine", 40, 0.1, 0.5)
    run = train(sine, LabConfig(hidden=(8,), epochs=5, frames=1))
    epochs = [frame.epoch for frame in run.frames]
    scene = charts.boundary_scene(run, sine, epochs, epochs[-1]).data()
    prediction = np.asarray(run.frames[-1].grid).ravel()
    cells = decoded(scene["grid"], len(epochs) - 1)
    middle = len(charts.DIVERGING) // 2
    assert ((cells > middle) <= (prediction > 0)).all() and ((cells < middle) <= (prediction < 0)).all()
    assert len(scene["grid"]["palette"]) == len(charts.DIVERGING)


def test_regression_surface_holds_predicted_values():
    sine = make_toy("sine", 40, 0.1, 0.5)
    run = train(sine, LabConfig(hidden=(8,), epochs=5, frames=1))
    cells = charts.boundary_data(run.frames[-1], run.extent, ())
    assert "prediction" in cells and "class" not in cells and cells.prediction.dtype.kind == "f"
    assert np.issubdtype(charts.points_data(sine).label.dtype, np.floating)


def test_curves_and_markers_show_both_splits_and_the_early_stop():
    run = train(MOONS, LabConfig(epochs=300, early_stopping=True, patience=5, frames=3))
    curves = charts.curves_data({"run": run}, "loss")
    assert set(curves.split) == {"train", "validation"} and len(curves) == 2 * (run.epochs_run + 1)
    validation = curves[curves.split == "validation"].value.tolist()
    assert validation == run.history["val_loss"]
    markers = charts.markers_data(run)
    assert markers.epoch.tolist() == [run.best_epoch, run.stopped_epoch]
    assert run.stopped_epoch == run.best_epoch + 5
    assert charts.patience_window(run) == (run.best_epoch, run.stopped_epoch)
    charts.curves_chart(curves, markers, "loss", charts.patience_window(run)).to_dict()


def test_patience_window_also_spans_a_wait_that_never_ran_out():
    waited = train(MOONS, LabConfig(epochs=120, early_stopping=True, patience=1000, frames=2))
    assert waited.stopped_epoch is None and charts.patience_window(waited) == (waited.best_epoch, 120)
    window = charts.curves_chart(charts.curves_data({"run": waited}, "loss"), charts.markers_data(waited),
                                 "loss", charts.patience_window(waited)).to_dict()["layer"][0]
    assert window["mark"]["type"] == "rect"
    assert charts.patience_window(train(MOONS, LabConfig(epochs=20, frames=1))) is None


def test_divergence_notice_names_the_network_whose_numbers_are_shown():
    diverging = LabConfig(hidden=(32, 32), epochs=50, frames=2, optimizer="SGD", lr=1e4, init="he")
    plain = train(MOONS, diverging)
    assert f"showing the last finite state (epoch {plain.epochs_run})" in divergence(plain)
    restored = train(MOONS, replace(diverging, early_stopping=True, patience=100))
    assert restored.best is not None
    notice = divergence(restored)
    assert f"the numbers show the best weights (epoch {restored.best_epoch}), restored" in notice
    assert "last finite state" not in notice


def test_histogram_and_layer_table_count_every_weight_and_the_exact_zeros(runs):
    frame = runs["B: regularized"].frames[-1]
    histograms = charts.histogram_data(frame)
    table = charts.layer_table(frame)
    assert histograms.groupby("layer", sort=False)["count"].sum().tolist() == [64, 1024, 64]
    assert table["weights"].tolist() == [64, 1024, 64]
    assert table["exact zeros"].sum() == sum(layer.zeros for layer in frame.layers) > 0
    assert (table["|w| < 0.001"] >= table["exact zeros"]).all()


def test_batchnorm_data_pairs_batch_and_running_statistics_per_unit():
    run = train(MOONS, LabConfig(hidden=(8, 4), epochs=10, frames=1, batchnorm=True))
    stats = charts.batchnorm_data(run.frames[-1])
    assert len(stats) == 2 * (8 + 4)
    first = stats[(stats.layer == "BN 1") & (stats.statistic == "mean")]
    assert np.allclose(first.running, run.model[2].running_mean.numpy())
    charts.batchnorm_chart(stats).to_dict()


def test_confusion_data_for_multiclass_blobs():
    run = train(BLOBS, LabConfig(hidden=(16,), epochs=30, frames=1))
    cells = charts.confusion_data(run.confusion, BLOBS.class_names)
    assert len(cells) == 9 and cells["count"].sum() == len(BLOBS.y_val)
    diagonal = cells[cells.true == cells.predicted]["count"].sum()
    assert diagonal / len(BLOBS.y_val) == pytest.approx(run.final["val_acc"])
    charts.confusion_chart(cells, BLOBS.class_names).to_dict()
