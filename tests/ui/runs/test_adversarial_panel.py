"""The Training runs page's adversarial panel: nothing is computed until the student presses "Attack
this model"; then accuracy against ε starts at the run's own clean accuracy and falls, a sentence says
by how much, and six examples show original beside perturbed with the model's prediction on each
(images as tiles, MNIST-1D signals as line charts moved by exactly ε); the panel reads in Chinese."""

from __future__ import annotations

import json

import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from playground.datasets import load
from playground.train.adversarial import SIGNAL_FRACTIONS
from playground.ui.runs.compute import run_queue
from tests.ui.helpers import english_phrases, open_page
from tests.ui.runs.test_page import launch, metric, poll

PAGE = "runs"


def charts(at):
    """Each chart on the page: its spec, and the rows it draws."""
    return [(json.loads(chart.proto.spec),
             convert_arrow_bytes_to_pandas_df(chart.proto.datasets[0].data.data))
            for chart in at.get("vega_lite_chart")]


def curve(at, title):
    return next(rows for spec, rows in charts(at) if spec.get("title") == title)


def attack(at, label):
    next(b for b in at.button if b.label == label).click()
    return at.run()


def test_digits_the_curve_starts_at_the_clean_accuracy_falls_and_six_examples_show():
    at = launch(open_page(PAGE, dataset="digits", model="mlp", epochs="3", device="cpu", v="2"))
    poll(at, lambda at: metric(at, "Test accuracy") is not None)
    assert not any(spec.get("title") == "Accuracy under FGSM against ε" for spec, _ in charts(at))
    at = attack(at, "Attack this model")
    rows = curve(at, "Accuracy under FGSM against ε")
    result = run_queue().runs(at.session_state["runs.owner"])[-1].result
    # the digits' 359 test images are all attacked (fewer than 500): ε = 0 is the run's own test accuracy
    assert list(rows["budget"]) == ["0", "2/255", "4/255", "8/255", "16/255", "32/255"]
    assert rows["accuracy"][0] == pytest.approx(result.test_accuracy) and result.test_accuracy > 0.8
    assert rows["accuracy"].iloc[-1] < rows["accuracy"][0]
    sentence = next(m.value for m in at.markdown if m.value.startswith("At ε = 8/255"))
    assert sentence == (f"At ε = 8/255, accuracy on these 359 test examples falls from "
                        f"{rows['accuracy'][0] * 100:.1f}% to {rows['accuracy'][3] * 100:.1f}%.")
    (tiles,) = [captions for image in at.get("image")
                if (captions := [img.caption for img in image.proto.imgs])[0].startswith("original: ")]
    assert len(tiles) == 12 and all(c.startswith("ε = 8/255: ") for c in tiles[1::2])  # six pairs
    assert all(c.startswith("original: ") for c in tiles[::2])
    assert not at.exception and not at.error


def test_mnist1d_in_chinese_signals_move_by_epsilon_and_no_english_is_left():
    at = open_page(PAGE, lang="zh", model="linear", epochs="2", device="cpu", v="2")
    next(b for b in at.button if b.label == "开始训练").click()
    poll(at.run(), lambda at: metric(at, "测试准确率") is not None)
    at = attack(at, "攻击这个模型")
    rows = curve(at, "FGSM 攻击下的准确率随 ε 的变化")
    assert list(rows["budget"])[1:] == ["0.05 σ", "0.1 σ", "0.2 σ", "0.4 σ", "0.8 σ"]
    assert rows["accuracy"].iloc[-1] < rows["accuracy"][0]
    ((spec, signals),) = [(spec, rows) for spec, rows in charts(at) if "version" in rows.columns]
    assert signals["title"].nunique() == 6 and spec["spec"]["encoding"]["y"]["title"] == "数值"
    one = signals[signals["example"] == signals["example"].iloc[0]]
    versions = {name: one[one.version == name]["value"].to_numpy() for name in ("原始", "扰动后")}
    moved = versions["扰动后"] - versions["原始"]
    sigma = float(load("mnist1d").train_x.std())
    assert abs(moved).max() == pytest.approx(SIGNAL_FRACTIONS[3] * sigma, rel=1e-4)  # 0.2 σ, the default
    assert not at.exception and english_phrases(at._tree) == []


def test_the_adversarial_training_switch_reaches_the_run_and_the_link():
    at = open_page(PAGE, dataset="digits", epochs="1", adversarial="true", v="2")
    switch = next(w for w in at.toggle if w.key == "runs.adversarial")
    assert switch.value and switch.label == "Adversarial training (FGSM)"
    at = launch(at)
    assert run_queue().runs(at.session_state["runs.owner"])[-1].config.adversarial is True
    assert at.query_params["adversarial"] == "true" and not at.exception
