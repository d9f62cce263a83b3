"""Every chart of the Training runs page has its text alternative: a sentence computed from the
data it draws, right under it, and that data as a table in an expander; the misclassified images
too. The sentences' numbers are the charts' own."""

from __future__ import annotations

import json
import re

import pandas as pd
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from playground.ui.runs import charts
from tests.ui.helpers import open_page
from tests.ui.runs.test_page import launch, metric, poll, table

PAGE = "runs"
DATA = "The chart's data"


def blocks(node):
    """Every block of the page, depth first, as the list of its children."""
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        yield list(children.values())
        for child in children.values():
            yield from blocks(child)


def described(at):
    """Each chart with the caption and the expander that follow it (None where one is missing)."""
    found = []
    for children in blocks(at._tree):
        for i, child in enumerate(children):
            if getattr(child, "type", None) == "vega_lite_chart":
                caption, expander = (children[i + 1:i + 3] + [None, None])[:2]
                found.append((child,
                              caption.value if getattr(caption, "type", None) == "caption" else None,
                              expander.label if getattr(expander, "type", None) == "expander" else None))
    return found


def chart_data(chart):
    """The rows a chart (all its layers) draws."""
    return convert_arrow_bytes_to_pandas_df(chart.proto.datasets[0].data.data)


def test_the_schedule_before_launch_is_summed_up_from_its_own_data():
    at = open_page(PAGE, dataset="digits", schedule="warmup_cosine", warmup="0.2", epochs="3", batch="128")
    ((chart, caption, expander),) = described(at)
    assert expander == DATA
    planned = chart_data(chart).query("source == 'planned'")
    peak = planned.loc[planned["lr"].idxmax()]
    first, last = planned.iloc[0], planned.iloc[-1]
    assert caption == (f"The planned learning rate starts at {first['shown']}, peaks at {peak['shown']} "
                       f"at step {peak['step']} and ends at {last['shown']} at step {last['step']}.")


def test_every_chart_of_a_finished_run_and_the_comparison_has_its_sentence_and_data():
    at = launch(open_page(PAGE, dataset="digits", epochs="2", lr="0.003", batch="64", device="cpu",
                          schedule="cosine"))
    poll(at, lambda at: metric(at, "Test accuracy") is not None)
    at = launch(at)
    poll(at, lambda at: len(at.multiselect) and len(at.multiselect[0].value) == 2)
    found = described(at)
    specs = [json.loads(chart.proto.spec) for chart, _, _ in found]
    titles = [spec.get("title") or spec.get("layer", [{}])[0].get("title") for spec in specs]
    assert titles == ["η(t): learning rate at each optimizer step", None,  # before launch; loss | accuracy
                      "η(t): learning rate at each optimizer step", "Gradient norm per layer, at each report",
                      "Confusion matrix (rows: true class)", "Test accuracy per epoch"]
    assert all(caption and expander == DATA for _, caption, expander in found)
    curves, confusion = found[1][1], found[4][1]
    assert curves.startswith("After epoch 2: training loss ")
    # the confusion matrix's sentence counts what its cells hold: the test set, and the run's accuracy
    counted = re.match(r"(\d+) of (\d+) test images .* \(([\d.]+%)\)", confusion)
    correct, total, accuracy = counted.groups()
    assert int(total) == table(at, "test examples")["test examples"].sum() == 359
    assert accuracy == metric(at, "Test accuracy")
    cells = chart_data(found[4][0])
    assert int(correct) == cells.query("true == predicted")["count"].sum()
    # the misclassified images: the first (at most 36) of all the matrix counts off its diagonal
    wrong = int(total) - int(correct)
    shown = f"Shown: all {wrong} misclassified" if wrong <= 36 else f"Shown: 36 of the {wrong} misclassified"
    assert any(c.value.startswith(shown) for c in at.caption)
    assert len(table(at, "test image #")) == min(wrong, 36)
    assert not at.exception


def test_the_comparison_names_the_run_that_ends_highest_and_lowest():
    frame = pd.DataFrame({"run": ["#1", "#1", "#2", "#2", "#3", "#3"], "epoch": [1, 2] * 3,
                          "test_accuracy": [0.5, 0.9, 0.6, 0.7, 0.95, 0.8]})
    assert charts.overlay_summary(frame) == \
        "Final test accuracy: #1 highest at 90.0% (epoch 2), #2 lowest at 70.0% (epoch 2)."
    assert charts.overlay_summary(frame[frame.run == "#3"]) == "#3 ends at test accuracy 80.0% after epoch 2."
    tie = frame[frame.run != "#3"].assign(test_accuracy=0.5)
    assert charts.overlay_summary(tie) == "All 2 compared runs end at the same test accuracy, 50.0%."


def test_the_curves_name_the_epoch_of_the_lowest_test_loss():
    rows = [(1, 1.0, 0.8, 0.6, 0.7), (2, 0.5, 0.4, 0.8, 0.85), (3, 0.3, 0.6, 0.9, 0.8)]
    frame = pd.DataFrame([{"epoch": epoch, "split": split, "metric": metric, "value": value}
                          for epoch, *values in rows
                          for (split, metric), value in zip([("train", "loss"), ("test", "loss"),
                                                             ("train", "accuracy"), ("test", "accuracy")],
                                                            values, strict=True)])
    assert charts.curves_summary(frame) == (
        "After epoch 3: training loss 0.3, test loss 0.6; training accuracy 90.0%, test accuracy 80.0%. "
        "The test loss was lowest after epoch 2, at 0.4.")
    table = charts.curves_table(frame)
    assert list(table.columns) == ["epoch", "training loss", "test loss", "training accuracy (%)",
                                   "test accuracy (%)"]
    assert table["test accuracy (%)"].tolist() == [70.0, 85.0, 80.0]
