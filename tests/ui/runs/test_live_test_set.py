"""While a run trains, the page shows the test set after its latest epoch: the confusion matrix
(every test image counted once), each class's accuracy and the first mistakes; the finished run's
results show the same pictures for its last epoch."""

from __future__ import annotations

from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from playground.datasets import load
from tests.ui.helpers import open_page
from tests.ui.runs.test_page import chart_titles, launch, metric, poll

CONFUSION = "Confusion matrix (rows: true class)"


def _confusion_counts(at) -> list[int]:
    """The test-image counts of every confusion matrix on the page, one total per chart."""
    totals = []
    for chart, title in zip(at.get("vega_lite_chart"), chart_titles(at), strict=True):
        if title == CONFUSION:
            cells = convert_arrow_bytes_to_pandas_df(chart.proto.datasets[0].data.data)
            totals.append(int(cells["count"].sum()))
    return totals


def test_a_training_run_shows_the_test_set_after_each_epoch_then_stops():
    at = launch(open_page("runs", dataset="digits", model="mlp", epochs="200", batch="64", device="cpu"))
    poll(at, lambda at: metric(at, "Last epoch's test accuracy") is not None)
    notes = [m.value for m in at.markdown if m.value.startswith("**The test set after epoch ")]
    assert notes and "while the run trains on" in notes[0]
    test_images = len(load("digits").test_y)
    assert _confusion_counts(at) == [test_images]  # the live matrix counts every test image once
    assert "**Misclassified test images**: predicted (true)" in [m.value for m in at.markdown]
    assert any(c.value.startswith("Shown: ") for c in at.caption)  # the tiles' text alternative
    next(b for b in at.button if b.label == "Stop").click()
    poll(at.run(), lambda at: any("Stopped by request" in i.value for i in at.info), timeout=30)
    assert _confusion_counts(at) == [test_images]  # now the finished run's, in its results
    assert not at.exception
