"""The gradient-health page in Chinese (its words translated, its link's values not), and its charts
readable without sight: each with a sentence computed from its data, and the data as a table."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from streamlit import dataframe_util

from playground.ui.format import number
from playground.ui.health.controls import PRESETS
from playground.ui.i18n import catalogue
from tests.ui.helpers import described_charts, open_page

PAGE = "health"
EN, ZH = catalogue("en"), catalogue("zh")

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def chart_frame(chart) -> pd.DataFrame:
    return dataframe_util.convert_arrow_bytes_to_pandas_df(chart.proto.datasets[0].data.data)


def test_the_page_speaks_chinese_and_keeps_its_links_values():
    at = open_page(PAGE, lang="zh", steps="3")
    assert not at.exception
    presets = [ZH[f"health.presets.{p.key}.label"] for p in PRESETS]
    assert [b.label for b in at.button if b.label in presets] == presets
    assert presets[:3] == ["梯度消失", "ReLU + He", "残差"]
    spread = next(m for m in at.metric if m.label == ZH["health.metrics.spread"])
    assert spread.delta == ZH["health.verdicts.vanishing"] and "健康" in spread.help
    clip = at.radio(key="health.clip")
    assert clip.label == ZH["health.controls.clip"] and clip.options == ["关闭", "按全局范数", "按数值"]
    assert at.selectbox(key="health.init").options[1] == ZH["health.inits.default"]
    assert at.slider(key="health.depth").label == ZH["health.controls.depth"]
    assert ZH["health.page.activations"] in [m.value for m in at.markdown]
    per_layer = next(d for d in at.dataframe if "act_std" in d.value.columns)  # its headers: labels over ids
    assert json.loads(per_layer.proto.columns)["act_std"]["label"] == ZH["health.table.act_std"]
    next(b for b in at.button if b.label == ZH["health.presets.relu_he.label"]).click().run()
    assert (at.query_params["act"], at.query_params["init"], at.query_params["lang"]) == ("relu", "he", "zh")
    assert next(m for m in at.metric if m.label == ZH["health.metrics.spread"]).delta == "健康"


def test_every_chart_has_its_summary_and_its_data_and_the_numbers_agree():
    at = open_page(PAGE, depth="10", act="relu", init="he", lr="0.5", clip="norm", steps="15")
    shown = described_charts(at.main)
    assert len(shown) == 6  # activations, gradient norms, two heatmaps, loss, clipped norms
    for chart, caption, expander in shown:
        assert caption.type == "caption" and caption.value
        assert expander.type == "expander" and expander.label == EN["a11y.data"]
        assert len(expander.dataframe[0].value) == len(chart_frame(chart))  # what the chart draws, row by row
    norms = chart_frame(shown[1][0]).sort_values("layer")
    first, last = norms.grad_norm.iloc[0], norms.grad_norm.iloc[-1]
    assert shown[1][1].value.startswith(f"‖∂L/∂W‖ at initialization: {number(first)} at layer 1 and "
                                        f"{number(last)} at layer 10, so first ÷ last = "
                                        f"{number(first / last)}")
    diverged = next(e.value for e in at.error)
    step = int(diverged.split("diverged at step ")[1].split(" ")[0])
    assert f"then diverged at step {step}" in shown[4][1].value
    after = chart_frame(shown[5][0])
    top = after[after.when == "after clipping"].norm.max()
    assert f"after clipping it is at most {number(top)} (threshold 1)" in shown[5][1].value
