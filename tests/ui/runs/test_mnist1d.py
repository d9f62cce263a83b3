"""MNIST-1D on the Training runs page: it opens on MNIST-1D with the paper's recipe and the paper's
table, a finished run fills its own cell of the table and draws its misclassified signals as line
charts, and the page reads in Chinese with no English phrase left."""

from __future__ import annotations

import json

import torch
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from playground.datasets import load
from tests.ui.helpers import english_phrases, open_page
from tests.ui.runs.test_page import launch, metric, poll

PAGE = "runs"


def paper_table(at):
    return next(frame.value for frame in at.dataframe if "paper_shuffled" in frame.value.columns)


def facet_charts(at):
    """Each faceted chart on the page: its spec, and the rows it draws."""
    return [(spec, convert_arrow_bytes_to_pandas_df(chart.proto.datasets[0].data.data))
            for chart in at.get("vega_lite_chart") if "facet" in (spec := json.loads(chart.proto.spec))]


def test_the_page_opens_on_mnist1d_with_the_papers_recipe_and_table():
    at = open_page(PAGE)
    assert not at.exception and not at.error
    settings = [at.session_state[f"runs.{name}"] for name in ("dataset", "model", "optimizer", "lr", "batch",
                                                                "epochs", "schedule")]
    assert settings == ["mnist1d", "mlp", "Adam", 0.01, 100, 100, "constant"]
    assert at.selectbox(key="runs.dataset").options[:2] == [
        "MNIST-1D (1-D digit signals, generated, always available)",
        "MNIST-1D, positions shuffled (one fixed permutation)"]
    assert any(s.value == "MNIST-1D: the paper's table and yours" for s in at.subheader)
    table = paper_table(at)
    assert list(table["model"]) == ["Logistic regression", "MLP", "1-D CNN (MNIST-1D paper)",
                                    "Bidirectional GRU (MNIST-1D paper)"]
    assert list(table["paper"]) == ["32.0%", "68.0%", "94.0%", "91.0%"]
    assert list(table["paper_shuffled"]) == ["32.0%", "68.0%", "56.0%", "57.0%"]
    assert set(table["yours"]) | set(table["yours_shuffled"]) == {"—"}  # no run of this session yet
    augment = next(t for t in at.toggle if t.label.startswith("Augment"))
    assert augment.disabled and "mirrored MNIST-1D signal" in augment.help


def test_no_table_on_an_image_dataset_and_a_link_naming_one_keeps_it():
    at = open_page(PAGE, dataset="digits", model="cnn")
    assert at.session_state["runs.dataset"] == "digits" and at.query_params["dataset"] == "digits"
    assert not any(s.value.startswith("MNIST-1D") for s in at.subheader) and not at.exception


def test_a_finished_run_fills_its_cell_and_draws_its_mistakes_as_signals():
    at = launch(open_page(PAGE, model="linear", epochs="3", device="cpu", v="2"))
    poll(at, lambda at: metric(at, "Test accuracy") is not None)
    table = paper_table(at)
    assert table["yours"][0] == metric(at, "Test accuracy")  # logistic regression's row, this run's score
    assert list(table["yours"][1:]) == ["—"] * 3 and set(table["yours_shuffled"]) == {"—"}
    assert any(m.value == "**Misclassified test signals**: predicted (true)" for m in at.markdown)
    ((chart, rows),) = facet_charts(at)
    assert chart["spec"]["encoding"]["x"]["title"] == "Position" and chart["facet"]["field"] == "title"
    assert len(rows) == 36 * 40 and rows["title"].nunique() == 36  # 36 signals of 40 values each
    first = rows[rows["example"] == rows["example"].iloc[0]]
    signal = load("mnist1d").test_x[int(first["example"].iloc[0])].flatten()
    assert list(first["position"]) == list(range(40)) and torch.allclose(
        torch.tensor(first["value"].to_numpy(), dtype=torch.float32), signal)
    assert any(c.value.startswith("Shown: 36 of the ") and "misclassified test signals" in c.value
               for c in at.caption)
    assert not at.exception


def test_the_page_and_a_finished_run_read_in_chinese():
    at = open_page(PAGE, lang="zh", model="linear", epochs="2", device="cpu", v="2")
    assert any(s.value == "MNIST-1D：论文的结果与你的结果" for s in at.subheader)
    assert list(paper_table(at)["model"]) == ["逻辑回归", "MLP（多层感知机）", "一维 CNN（MNIST-1D 论文）",
                                              "双向 GRU（MNIST-1D 论文）"]
    next(b for b in at.button if b.label == "开始训练").click()
    poll(at.run(), lambda at: metric(at, "测试准确率") is not None)
    assert any(m.value == "**分类错误的测试信号**：预测（真实）" for m in at.markdown)
    ((chart, _),) = facet_charts(at)
    assert chart["spec"]["encoding"]["y"]["title"] == "数值"
    assert not at.exception and english_phrases(at._tree) == []
