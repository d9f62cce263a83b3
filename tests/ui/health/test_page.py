"""The gradient-health page: measured vanishing, the cures one click away, clipping, and its URL."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from streamlit import dataframe_util

from playground.ui.health.controls import PRESETS
from playground.ui.home.experiments import EXPERIMENTS
from tests.ui.helpers import metric, open_page

PAGE = "health"


pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tiny matrix products


def per_layer(at) -> pd.DataFrame:
    """The per-layer numbers at initialization (the charts' data tables come before it)."""
    return next(d.value for d in at.dataframe if "grad_norm" in d.value.columns)


def chart_data(at, color: str) -> pd.DataFrame:
    """The data of the chart coloured by the column ``color``."""
    chart = next(c.proto for c in at.get("vega_lite_chart")
                 if json.loads(c.proto.spec).get("encoding", {}).get("color", {}).get("field") == color)
    return dataframe_util.convert_arrow_bytes_to_pandas_df(chart.datasets[0].data.data)


def test_a_deep_sigmoid_net_shows_a_vanishing_gradient_and_relu_he_cures_it():
    at = open_page(PAGE, steps="3")
    assert not at.exception
    assert metric(at, "first ÷ last").delta == "vanishing"
    assert float(metric(at, "first ÷ last").value) < 1e-3
    layers = per_layer(at)
    assert list(layers["layer"]) == list(range(1, 21))
    assert layers["grad_norm"].iloc[0] < 1e-3 * layers["grad_norm"].iloc[-1]
    next(b for b in at.button if b.label == "ReLU + He").click().run()
    assert metric(at, "first ÷ last").delta == "healthy"
    assert at.query_params["act"] == "relu" and at.query_params["init"] == "he"
    assert "steps" not in at.query_params  # a preset starts from the defaults


def test_activation_std_is_charted_layer_by_step_over_training():
    at = open_page(PAGE, depth="5", width="16", steps="4")
    heatmap = chart_data(at, "act_std")
    cells = sorted(zip(heatmap.step, heatmap.layer, strict=True))
    assert cells == [(s, layer) for s in range(4) for layer in range(1, 6)]
    at_init = per_layer(at)
    first_step = heatmap[heatmap.step == 0].sort_values("layer")
    assert first_step.act_std.tolist() == pytest.approx(at_init.act_std.tolist(), rel=1e-12)
    assert heatmap[heatmap.step == 3].act_std.tolist() != first_step.act_std.tolist()  # training moved it
    assert any("Layer norm rescales" in c.value for c in at.caption)


def test_the_exploding_preset_climbs_toward_layer_1_and_layer_norm_cures_it():
    at = open_page(PAGE, steps="2")
    next(b for b in at.button if b.label == "Exploding").click().run()
    assert metric(at, "first ÷ last").delta == "exploding"
    assert float(metric(at, "first ÷ last").value) > 1e3  # layer 1's gradient far above layer 20's
    next(b for b in at.button if b.label == "Layer norm").click().run()
    assert metric(at, "first ÷ last").delta == "healthy"
    assert at.query_params["layernorm"] == "true" and at.query_params["init"] == "too_large"
    assert not at.error  # it trains without diverging


def test_residual_connections_raise_the_first_layer_gradient():
    at = open_page(PAGE, steps="2")
    plain = float(metric(at, "‖∂L/∂W‖, first").value)
    at.toggle(key="health.residual").set_value(True).run()
    assert float(metric(at, "‖∂L/∂W‖, first").value) > 1e6 * plain
    assert at.query_params["residual"] == "true"


def test_clipping_rescues_a_run_that_diverges_without_it():
    at = open_page(PAGE, depth="10", act="relu", init="he", lr="0.5", clip="norm", steps="15")
    assert not at.exception
    assert "diverged at step 1" in at.error[0].value
    assert "finished all 15 steps" in at.success[0].value


def test_bad_link_values_fall_back_with_a_notice():
    at = open_page(PAGE, depth="500", act="swish", clip="sideways", width="17", steps="2")
    assert not at.exception
    notices = " ".join(w.value for w in at.warning)
    for name in ("depth", "act", "clip", "width"):
        assert f"`{name}=" in notices
    assert at.slider(key="health.depth").value == 20


CURES = {"ReLU + He", "Residual", "Batchnorm", "Layer norm"}
PROBLEMS = {"Vanishing": "vanishing", "Exploding": "exploding"}
NUMBER = re.compile(r"\d+(?:\.\d+)?(?:e[+-]\d+)?")


def shown_numbers(at) -> set[str]:
    """Every number the page shows in its metrics, messages and settings."""
    texts = [f"{m.label} {m.value} {m.delta}" for m in at.metric]
    texts += [e.value for kind in (at.success, at.warning, at.error) for e in kind]
    texts += [f"{at.number_input(key=f'health.{name}').value:g}" for name in ("lr", "threshold")]
    texts += [str(at.slider(key="health.depth").value)]
    return {n for text in texts for n in NUMBER.findall(text)}


def test_every_preset_does_what_it_says_with_the_numbers_the_page_then_shows():
    assert set(p.label for p in PRESETS) == CURES | set(PROBLEMS) | {"Clipping"}
    at = open_page(PAGE)
    for preset in PRESETS:
        button = next(b for b in at.button if b.label == preset.label)
        help_text = button.help
        button.click().run()
        assert not at.exception, preset.label
        assert at.query_params.get("lr", "0.1") == repr(preset.changes["lr"]), preset.label  # it sets its lr
        spread, loss = metric(at, "first ÷ last"), metric(at, "loss, first → last")
        assert f"first ÷ last = {spread.value} ({spread.delta})" in help_text, preset.label
        assert f"the loss goes {loss.value} ({loss.delta})" in help_text, preset.label
        assert set(NUMBER.findall(help_text)) <= shown_numbers(at), preset.label  # nothing typed
        first, last = (float(v) for v in loss.value.split(" → "))
        if preset.label in CURES:
            assert spread.delta == "healthy" and 1 / 10 <= float(spread.value) <= 10, preset.label
            assert loss.delta == "trains" and last <= first / 2, preset.label
        elif preset.label in PROBLEMS:
            assert spread.delta == PROBLEMS[preset.label], preset.label
            assert loss.delta != "trains" and not last <= first / 2, preset.label
        else:  # clipping rescues a run that diverges without it
            assert loss.delta.startswith("diverges at step")
            assert "(trains)" in at.success[0].value and "(trains)" in help_text


def test_the_home_pages_relu_he_link_opens_the_preset_that_trains():
    preset = next(p for p in PRESETS if p.label == "ReLU + He")
    link = next(e for e in EXPERIMENTS if e.page == PAGE and e.query.get("init") == "he")
    assert link.query == {name: str(value) for name, value in preset.changes.items()}
