"""The lab's charts for screen readers: each comes with a sentence computed from its data and
that data as a table, the boundary player too; and a series differs by more than its colour."""

from __future__ import annotations

import pandas as pd
import pytest

from playground.ui import format as fmt
from playground.ui.i18n import catalogue
from playground.ui.lab import charts
from tests.ui.helpers import open_page
from tests.ui.lab.test_page import FAST, chart_table

EN = catalogue("en")
DATA = EN["a11y.data"]
# Every chart the lab draws: weights and gradients, both boundaries early stopping compares, both curves,
# the loss line, the weight and gradient norms, the learning rate, batchnorm's statistics and (three
# classes) the confusion matrix.
EVERYTHING = {"data": "blobs", "epochs": "40", "hidden": "16,16", "compare": "true", "bn": "true",
              "es": "true", "patience": "5", "schedule": "step", "step_size": "10"}


def in_order(node) -> list:
    """The page's elements and blocks in the order a reader meets them."""
    found = []
    for child in getattr(node, "children", {}).values():
        found.append(child)
        found += in_order(child)
    return found


def alternatives(at) -> list[tuple[str, pd.DataFrame]]:
    """For every chart (Vega-Lite or the boundary player): the caption right after it and the table in
    the expander after that; AssertionError for a chart without them."""
    elements = in_order(at.main)
    found = []
    for index, element in enumerate(elements):
        if element.type in ("vega_lite_chart", "arrow_vega_lite_chart", "bidi_component"):
            caption, expander, table = elements[index + 1:index + 4]
            assert caption.type == "caption" and expander.type == "expander" and expander.label == DATA
            found.append((caption.value, table.value))
    return found


@pytest.fixture(scope="module")
def everything():
    return open_page("lab", **EVERYTHING)


def test_every_chart_and_player_has_a_sentence_and_its_data(everything):
    at = everything
    assert not at.exception and not at.error
    charts_drawn = len(at.get("vega_lite_chart")) + len(at.get("arrow_vega_lite_chart"))
    players = len(at.get("bidi_component"))
    # the weight and gradient histograms of A and B, the two boundaries, the curves, the loss line,
    # the weight norm, the learning rate, the gradient norms, batchnorm and the confusion matrix
    assert charts_drawn == 4 + 2 + 2 + 1 + 1 + 1 + 1 + 1 + 1 and players == 2  # A and B side by side
    described = alternatives(at)
    assert len(described) == charts_drawn + players
    assert all(summary and not table.empty for summary, table in described)


def test_the_curves_sentence_reads_the_curves_data():
    at = open_page("lab", es="true", patience="1000", **FAST)
    curves = chart_table(at, "value")
    validation = curves[curves.split == "validation"]
    best = validation.loc[validation.value.idxmin()]
    last = curves.groupby("split").tail(1).set_index("split").value
    summary = next(s for s, _ in alternatives(at) if s.startswith("The loss ends"))
    assert summary == (f"The loss ends at training {fmt.number(last['train'])}, validation "
                       f"{fmt.number(last['validation'])} at epoch 150. The best validation loss is "
                       f"{fmt.number(best.value)}, at epoch {int(best.epoch)}.")
    norms = chart_table(at, "weight norm")["weight norm"]
    assert (f"The weight norm ‖W‖ goes from {fmt.number(norms.iloc[0])} at epoch 0 to "
            f"{fmt.number(norms.iloc[-1])} at epoch 150.") in [s for s, _ in alternatives(at)]


def test_the_players_sentence_counts_its_own_map_and_reads_the_runs_accuracy():
    at = open_page("lab", **FAST)
    run = at.session_state["lab.runs"]["run"]
    summary, cells = alternatives(at)[0]  # the boundary player comes first
    shares = cells["predicted class"].value_counts(normalize=True)
    assert len(cells) == 60 * 60
    train, validation = fmt.percent(run.final["train_acc"]), fmt.percent(run.final["val_acc"])
    assert summary.startswith(f"Epoch 150: the network classifies {train} of the training points and "
                              f"{validation} of the validation points")
    for name, share in shares.items():
        assert f"{name} covers {fmt.percent(share)} of the map" in summary


def test_the_confusion_sentence_counts_the_diagonal(everything):
    cells = chart_table(everything, "predicted")
    correct = int(cells[cells.true == cells.predicted]["count"].sum())
    summary = next(s for s, _ in alternatives(everything) if "are classified correctly" in s)
    assert summary.startswith(f"{correct} of {int(cells['count'].sum())} validation points")


def test_training_and_validation_curves_differ_by_marker_shape_and_no_mark_is_black():
    table = pd.DataFrame({"run": "run", "epoch": [0, 1, 0, 1], "value": [1.0, 0.5, 1.0, 0.8],
                          "split": ["train", "train", "validation", "validation"]})
    markers = pd.DataFrame({"epoch": [1], "event": ["best epoch 1"]})
    layers = charts.curves_chart(table, markers, "loss").to_dict()["layer"]
    (shape,) = [layer["encoding"]["shape"] for layer in layers if "shape" in layer.get("encoding", {})]
    assert shape["field"] == "split" and shape["scale"]["range"] == ["circle", "triangle-up"]
    (rule,) = [layer for layer in layers if layer["mark"]["type"] == "rule"]
    assert rule["mark"]["color"] not in ("black", "#000000")
