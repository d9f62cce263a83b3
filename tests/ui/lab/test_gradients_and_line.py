"""The lab's gradient charts (per-layer norms over training, histograms at the epoch shown) and the
loss along the line from the initial to the final weights: drawn with their data and sentences,
from the run's own numbers, in English and in Chinese."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from playground.ui import format as fmt
from playground.ui.i18n import catalogue
from tests.ui.helpers import described_charts, english_phrases, open_page
from tests.ui.lab.test_page import FAST

ZH = catalogue("zh")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def described(at, sentence: str) -> tuple[str, pd.DataFrame]:
    """The sentence and data table of the one chart whose sentence matches ``sentence`` (a regex)."""
    found = [(caption.value, next(iter(expander.children.values())).value)
             for _, caption, expander in described_charts(at._tree) if re.match(sentence, caption.value)]
    assert len(found) == 1, [caption.value for _, caption, _ in described_charts(at._tree)]
    return found[0]


@pytest.fixture(scope="module")
def page():
    return open_page("lab", **FAST)


def test_the_gradient_norms_chart_shows_each_layers_logged_norms(page):
    run = page.session_state["lab.runs"]["run"]
    summary, table = described(page, "The gradient norm ‖∂L/∂W‖ of each layer")
    assert set(table["layer"]) == {"hidden 1", "hidden 2", "output"} and table["epoch"].max() == 150
    last = table[table.epoch == 150].set_index("layer")["gradient norm ‖∂L/∂W‖"]
    assert last["output"] == run.gradients["output"][-1]
    assert (f"from epoch 0 to epoch 150: hidden 1 {fmt.number(run.gradients['hidden 1'][0])} → "
            f"{fmt.number(run.gradients['hidden 1'][-1])}") in summary


def test_gradient_histograms_sit_beside_the_weight_histograms_at_the_epoch_shown(page):
    frame = page.session_state["lab.runs"]["run"].frames[-1]
    summary, table = described(page, r"[\d,]+ gradient entries at epoch 150")
    weights, _ = described(page, r"[\d,]+ weights at epoch 150")
    assert table.groupby("layer", sort=False)["gradient entries"].sum().tolist() == [
        layer.size for layer in frame.layers] == [64, 1024, 64]
    assert weights.startswith("1,152 weights") and summary.startswith("1,152 gradient entries")


def test_the_loss_line_starts_at_the_initial_network_and_ends_at_the_headline(page):
    run = page.session_state["lab.runs"]["run"]
    summary, table = described(page, "Along the straight line from the initial weights")
    train = table[table.split == "train"].set_index("α")["loss"]
    assert train[1.0] == run.final["train_loss"] and train[0.0] == pytest.approx(run.history["train_loss"][0])
    assert len(train) == 31 and (train.index.min(), train.index.max()) == (-0.25, 1.25)
    assert f"the training loss goes from {fmt.number(train[0.0])} to {fmt.number(train[1.0])}" in summary


def test_comparing_draws_both_runs_gradients_and_lines_in_chinese():
    at = open_page("lab", lang="zh", epochs="40", hidden="16,16", compare="true", bn="true", dropout="true")
    assert not at.exception and not at.error
    assert english_phrases(at._tree) == []
    a, b = ZH["lab.runs.a"], ZH["lab.runs.b"]
    line, points = described(at, "沿着从初始权重")
    norms, gradients = described(at, "各层的梯度范数")
    assert a in line and b in line and a in norms and b in norms
    assert set(points[ZH["lab.charts.run"]]) == set(gradients[ZH["lab.charts.run"]]) == {a, b}
    histograms = [caption.value for _, caption, _ in described_charts(at._tree)
                  if re.match(r"第 40 轮共 [\d,]+ 个梯度分量", caption.value)]
    assert len(histograms) == 2  # one per run, under each run's weights
    assert ZH["lab_interpolation.caption"] in [c.value for c in at.caption]
    assert all(CHINESE.search(c.value) for c in at.main.caption)
