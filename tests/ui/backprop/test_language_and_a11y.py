"""The stepper in Chinese (its words translated, why a planted bug passes included; its link's values
not), and its charts readable without sight: the graph read out in a sentence, the error-vs-h chart
with its summary and its data."""

from __future__ import annotations

import json

import pandas as pd
from streamlit import dataframe_util

from playground.backprop.chain import Chain
from playground.backprop.graph import gradients_after
from playground.ui.backprop import charts
from playground.ui.i18n import catalogue
from tests.ui.helpers import described_charts, open_page

PAGE = "backprop"
EN, ZH = catalogue("en"), catalogue("zh")


def chart_frame(chart, column: str) -> pd.DataFrame:
    """The dataset of ``chart`` that has ``column``."""
    frames = [dataframe_util.convert_arrow_bytes_to_pandas_df(d.data.data) for d in chart.proto.datasets]
    return next(f for f in frames if column in f.columns)


def test_the_stepper_speaks_chinese_and_keeps_its_links_values():
    at = open_page(PAGE, lang="zh", net="mlp", step="5", bug="z_for_h")
    assert not at.exception
    steppers = [ZH["backprop.controls.previous"], ZH["backprop.controls.next"]]
    assert [b.label for b in at.button if b.label in steppers] == steppers
    (network,) = [r for r in at.sidebar.radio if r.key == "backprop.net"]
    assert network.label == ZH["backprop.controls.network"]
    assert network.options == [ZH["backprop.controls.chain"], ZH["backprop.controls.mlp"]]
    assert network.value == "mlp" and at.query_params["net"] == "mlp"
    bug = at.selectbox(key="backprop.bug")
    assert bug.label == ZH["backprop.check.bug"] and bug.value == "z_for_h"
    assert ZH["backprop.bugs.z_for_h"] in bug.options and at.query_params["bug"] == "z_for_h"
    assert ZH["backprop.checking"] in [s.value for s in at.subheader]
    assert ZH["backprop.step"].split("{")[0] in " ".join(m.value for m in at.markdown)  # "**第 "
    bugged = next(m for m in at.metric if m.label.startswith("埋入 bug 后的相对误差"))
    assert bugged.delta.startswith("✗ 错误")
    tables = [d.value for d in at.dataframe]
    assert {"节点", "类型", "核对"} <= set(tables[1].columns)
    assert set(tables[1]["类型"]) == {"输入", "参数", "运算"}  # a node's kind
    assert "结论" in tables[-2].columns and "✗ 错误" in set(tables[-2]["结论"])


def test_why_a_planted_bug_passes_is_said_in_chinese():
    at = open_page(PAGE, lang="zh", net="mlp", seed="1", n_in="1", n_hidden="2", n_out="2", loss="mse",
                   bug="transposed")  # both hidden ReLU units are off on all four examples
    assert not at.exception
    why = ZH["gradcheck_why.exact"].format(reason=ZH["gradcheck_why.inactive"].format(activation="relu"))
    assert [i.value for i in at.info] == [ZH["backprop.check.passes"].format(why=why)]


def test_switching_the_language_keeps_the_planted_bug_and_the_link():
    at = open_page(PAGE, net="mlp", bug="activation")
    (switch,) = [g for g in at.button_group if g.key == "_i18n.lang"]
    switch.set_value("zh").run()
    assert not at.exception
    bug = at.selectbox(key="backprop.bug")
    assert bug.value == "activation" and bug.label == ZH["backprop.check.bug"]
    assert at.query_params["bug"] == "activation" and at.query_params["lang"] == "zh"


def test_the_graph_is_read_out_and_follows_the_backward_step():
    at = open_page(PAGE, step="2")
    graph = Chain().graph()  # the page's default network
    steps = graph.backward()
    sentence = next(c.value for c in at.caption if c.value.startswith("The computational graph"))
    assert f"{len(graph.nodes)} nodes and 5 edges" in sentence and "the loss is 1.28" in sentence
    assert f"Step 2 of {len(steps)}: ŷ, with ∂L/∂ŷ = −1.6" in sentence  # ŷ = w2·z1 hands on −1.6
    assert "w2 gets (−1.6) × 1.2 = −1.92; z1 gets (−1.6) × (−0.5) = 0.8" in sentence
    assert f"{len(gradients_after(steps, 2))} of {len(graph.nodes)} nodes have a gradient" in sentence


def test_the_difference_vs_h_chart_has_its_summary_and_data_and_names_the_best_h():
    at = open_page(PAGE, net="mlp", act="tanh")
    (chart, caption, expander) = described_charts(at.main)[0]
    assert caption.type == "caption" and expander.type == "expander" and expander.label == EN["a11y.data"]
    frame = chart_frame(chart, "relative error")
    best = frame.loc[frame["relative error"].idxmin()]
    assert caption.value.startswith(f"The relative error is smallest, {best['relative error']:.2e}, "
                                    f"at h = {charts.h_text(best['h'])}.")
    chosen = frame.loc[(frame["h"] - 1e-6).abs() < 1e-15, "relative error"].iloc[0]
    assert f"At the chosen h = 1e-6 it is {chosen:.2e}: correct." in caption.value
    table = expander.dataframe[0].value
    assert list(table["relative error"]) == list(frame["relative error"]) and len(table) == len(frame)
    assert json.loads(chart.proto.spec)["layer"][1]["mark"]["type"] == "text"  # verdicts named in their bands
