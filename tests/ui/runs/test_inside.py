"""Inside a run on the Training runs page: each layer's gradient norm against the step (chart, table
and sentence from the run's own reports, valid Vega-Lite), the first convolution's filters as a
picture or as small line charts, live while a CNN trains and on its finished run, and none for an MLP."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema.core import load_schema
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from playground.datasets import load
from playground.datasets.images import DATASETS
from playground.train import RunConfig, train
from playground.train.layers import Filters, Layers
from playground.train.models import build_model
from playground.ui import i18n
from playground.ui.runs import inside
from playground.ui.theme import OKABE_ITO
from playground.ui.vega import spec_of
from tests.ui.helpers import open_page
from tests.ui.runs.test_page import chart_titles, launch, metric, poll

PAGE = "runs"
GRAD_TITLE = "Gradient norm per layer, at each report"


@pytest.fixture(scope="module")
def cnn_run():
    config = RunConfig(dataset="digits", model="cnn", epochs=2, batch_size=64, max_train=512, device="cpu")
    return train(config, data=load("digits"))


def test_the_chart_draws_every_layer_at_every_reported_step_on_a_log_axis(cnn_run):
    frame = inside.grad_norms_frame(cnn_run.grad_norms)
    spec = spec_of(inside.grad_norms_chart(frame))
    validate_jsonschema(spec.to_dict(), load_schema())
    (drawn,) = spec.datasets.values()
    layers = ["conv 1", "conv 2", "linear 3", "linear 4"]
    assert list(dict.fromkeys(drawn["layer"])) == layers
    assert sorted(set(drawn["step"])) == [step["step"] for step in cnn_run.steps]
    assert spec.template["encoding"]["y"]["scale"]["type"] == "log"
    assert spec.template["encoding"]["color"]["scale"]["domain"] == layers
    table = inside.grad_norms_table(frame)
    assert list(table.columns) == ["step", *layers]
    step, norms = cnn_run.grad_norms[-1]
    assert table.iloc[-1].tolist() == [step, *(norm for _, norm in norms)]


def test_the_sentence_names_the_largest_and_smallest_gradient_and_the_factor_between():
    frame = inside.grad_norms_frame([(10, (("conv 1", 5.0), ("linear 2", 1.0))),
                                     (20, (("conv 1", 0.002), ("linear 2", 0.2)))])
    summary = inside.grad_norms_summary(frame)
    assert summary.startswith("At step 20, linear 2 has the largest gradient norm, 0.2, and conv 1 the "
                              "smallest, 0.002: the largest is 100 times the smallest.")
    assert "before any clipping" in summary and "vanishing" in summary
    one = inside.grad_norms_frame([(3, (("linear 1", 0.5),))])
    assert inside.grad_norms_summary(one).startswith("At step 3, the network's one layer, linear 1, has "
                                                     "gradient norm 0.5.")


def test_a_norm_a_log_axis_cannot_draw_stays_in_the_table_only():
    frame = inside.grad_norms_frame([(1, (("linear 1", 0.0), ("linear 2", float("inf")))),
                                     (2, (("linear 1", 0.1), ("linear 2", 0.3)))])
    (drawn,) = spec_of(inside.grad_norms_chart(frame)).datasets.values()
    assert drawn["step"].tolist() == [2, 2]
    assert inside.grad_norms_table(frame)["linear 1"].tolist() == [0.0, 0.1]
    assert inside.grad_norms_summary(frame).startswith("At step 2, linear 2 ")


def _filters(weights: np.ndarray) -> Filters:
    return Filters("conv 1", weights.shape, tuple(weights.ravel().tolist()))


def test_the_filters_frame_holds_every_weight_where_the_layer_has_it(cnn_run):
    frame = inside.filters_frame(cnn_run.filters)
    assert len(frame) == 32 * 9 and frame["filter"].max() == 32 and frame["row"].max() == 3
    weight = cnn_run.state_dict["0.weight"]
    last = frame[(frame["filter"] == 32) & (frame["row"] == 2) & (frame["column"] == 3)]
    assert last["weight"].item() == pytest.approx(float(weight[31, 0, 1, 2]))
    assert inside.filters_summary(cnn_run.filters, 2).startswith(
        "32 filters of 3×3 over 1 input channels, conv 1 after epoch 2; their weights run from "
        f"{inside.fmt.number(float(weight.min()))} to ")
    signal = inside.filters_table(_filters(np.arange(10, dtype=np.float32).reshape(2, 1, 5)))
    assert list(signal.columns) == ["filter", "input channel", "position", "weight"]
    assert signal["position"].tolist() == [1, 2, 3, 4, 5] * 2


def test_each_filter_is_drawn_to_its_own_scale_positive_vermillion_negative_blue():
    weights = np.zeros((2, 1, 3, 3), dtype=np.float32)
    weights[0, 0, 0, 0], weights[0, 0, 2, 2] = 0.001, -0.001  # a tiny filter still spans the whole ramp
    weights[1, 0, 1, 1] = -5.0
    picture = inside.filters_mosaic(_filters(weights))
    cell = inside.CELL // 3 * 3
    assert picture.shape == (cell, 2 * cell + 4, 3)
    pixel = {(f, r, c): tuple(picture[r * cell // 3 + 2, f * (cell + 4) + c * cell // 3 + 2]) for f in (0, 1)
             for r in range(3) for c in range(3)}
    vermillion, blue = (tuple(int(OKABE_ITO[k][i:i + 2], 16) for i in (1, 3, 5)) for k in (4, 0))
    assert pixel[0, 0, 0] == vermillion and pixel[0, 2, 2] == blue and pixel[1, 1, 1] == blue
    assert pixel[0, 1, 1] == pixel[1, 0, 0] == (255, 255, 255)


def test_three_channel_filters_are_colour_squares_around_grey():
    weights = np.zeros((1, 3, 3, 3), dtype=np.float32)
    weights[0, 0] = 1.0  # red only
    picture = inside.filters_mosaic(_filters(weights))
    assert tuple(picture[0, 0]) == (255, 128, 128)
    many = inside.filters_mosaic(_filters(np.ones((4, 24, 3, 3), dtype=np.float32)))
    assert many.shape[0] == 2 * inside.CHANNEL_CELL + 4  # two filters a row, each a row of 24 channels


def test_a_signal_bank_is_drawn_as_one_small_chart_per_kernel():
    bank = _filters(np.random.default_rng(0).normal(size=(25, 1, 5)).astype(np.float32))
    spec = spec_of(inside.kernels_chart(bank))
    validate_jsonschema(spec.to_dict(), load_schema())
    (drawn,) = spec.datasets.values()
    assert spec.template["facet"]["field"] == "filter" and drawn["filter"].nunique() == 25
    assert len(drawn) == 125


def _filter_notes(at) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("**First-layer filters**")]


def test_a_cnn_run_shows_its_gradients_and_filters_live_and_when_it_has_ended():
    at = launch(open_page(PAGE, dataset="digits", model="cnn", epochs="100", batch="64", device="cpu"))
    poll(at, lambda at: metric(at, "Last epoch's test accuracy") is not None)
    assert GRAD_TITLE in chart_titles(at)
    assert any(note.startswith("**First-layer filters**: conv 1 after epoch ") for note in _filter_notes(at))
    assert any(c.value.startswith("Each square is one filter of the first convolution") for c in at.caption)
    assert any(c.value.startswith("32 filters of 3×3 over 1 input channels") for c in at.caption)
    next(b for b in at.button if b.label == "Stop").click()
    poll(at.run(), lambda at: any("Stopped by request" in i.value for i in at.info), timeout=30)
    assert GRAD_TITLE in chart_titles(at) and _filter_notes(at)
    assert not at.exception


def test_an_mlp_run_shows_its_gradients_and_no_filters():
    at = launch(open_page(PAGE, dataset="digits", model="mlp", epochs="1", batch="64", device="cpu"))
    poll(at, lambda at: metric(at, "Test accuracy") is not None)
    specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    (grad,) = [spec for spec in specs if spec.get("title") == GRAD_TITLE]
    layers = grad["encoding"]["color"]["scale"]["domain"]
    assert len(layers) > 1 and layers == [f"linear {k}" for k in range(1, len(layers) + 1)]
    assert not _filter_notes(at) and not any(c.value.startswith("Each square is one") for c in at.caption)
    assert not at.exception


def test_the_sentences_read_in_chinese(monkeypatch):
    monkeypatch.setattr(i18n, "language", lambda: "zh")
    frame = pd.DataFrame({"step": [4, 4], "layer": ["conv 1", "linear 2"], "norm": [0.01, 1.0]})
    assert inside.grad_norms_summary(frame).startswith("第 4 步时，linear 2 的梯度范数最大")


def test_a_1d_cnn_run_draws_each_kernel_of_its_first_convolution_as_a_small_chart():
    at = launch(open_page(PAGE, dataset="mnist1d", model="cnn1d", epochs="1", device="cpu"))
    poll(at, lambda at: metric(at, "Test accuracy") is not None)
    (kernels,) = [chart for chart in at.get("vega_lite_chart")
                  if json.loads(chart.proto.spec).get("facet", {}).get("field") == "filter"]
    drawn = convert_arrow_bytes_to_pandas_df(kernels.proto.datasets[0].data.data)
    assert drawn["filter"].nunique() == 25 and len(drawn) == 25 * 5  # 25 kernels of 5 weights
    assert _filter_notes(at) == ["**First-layer filters**: conv 1 after epoch 1"]
    assert any(c.value.startswith("Each small chart is one kernel of the first 1-D convolution")
               for c in at.caption)
    assert not at.exception


@pytest.mark.parametrize(("model", "dataset"), [("mlp", "digits"), ("cnn", "digits"), ("fast", "cifar10"),
                                                ("cnn1d", "mnist1d"), ("gru", "mnist1d")])
def test_every_layer_of_every_model_is_named_in_chinese(monkeypatch, model, dataset):
    monkeypatch.setattr(i18n, "language", lambda: "zh")
    names = Layers(build_model(model, DATASETS[dataset].shape, 10, batchnorm=model == "mlp")).names
    shown = [inside.layer_name(name) for name in names]
    assert all(name.rpartition(" ")[0] in inside.KINDS for name in names), names
    assert not any(word in " ".join(shown) for word in ("conv", "linear", "batchnorm")), shown
    assert shown[0].endswith(" 1") and shown[-1] == f"全连接层 {len(names)}"
