"""MNIST-1D in the lab: offered in the dataset picker in both languages, kept in the link, and
trained with the lab's default network and epochs to well above chance on its ten classes."""

from __future__ import annotations

from playground.ui.i18n import catalogue
from tests.ui.helpers import metric, open_page

PAGE = "lab"
ENGLISH_NAME = "MNIST-1D (1-D signals)"
ZH = catalogue("zh")


def test_mnist1d_trains_with_the_default_network_and_epochs_to_well_above_chance():
    at = open_page(PAGE, timeout=180, data="mnist1d", n="1000")
    assert not at.exception and not at.error
    run = at.session_state["lab.runs"]["run"]
    assert run.epochs_run == 400 and run.extent is None and run.confusion.shape == (10, 10)
    accuracy = float(metric(at, "val accuracy").value.rstrip("%")) / 100
    assert accuracy == round(run.final["val_acc"], 4) and accuracy > 0.2  # chance is 0.1
    assert "nn.Linear(40, 128)" in at.code[0].value and "nn.Linear(128, 10)" in at.code[0].value
    assert "make_toy('mnist1d', 1000, 0.45, 0.5, seed=0)" in at.code[0].value
    captions = [c.value for c in at.caption]
    assert any(text.startswith("No decision boundary to draw: the data has 40 features") for text in captions)


def test_the_picker_names_mnist1d_and_choosing_it_puts_it_in_the_link():
    at = open_page(PAGE, epochs="20", hidden="16")
    picker = at.selectbox(key="lab.data")
    assert ENGLISH_NAME in picker.options
    assert picker.options.index(ENGLISH_NAME) == picker.options.index("digits") + 1
    picker.set_value("mnist1d").run()
    assert not at.exception and not at.error
    assert at.query_params["data"] == "mnist1d"
    assert at.selectbox(key="lab.data").value == "mnist1d"
    assert at.session_state["lab.runs"]["run"].confusion.shape == (10, 10)


def test_the_picker_names_mnist1d_in_chinese():
    at = open_page(PAGE, lang="zh", data="mnist1d", epochs="5", hidden="8")
    assert not at.exception and not at.error
    picker = at.selectbox(key="lab.data")
    assert picker.value == "mnist1d" and ZH["lab_mnist1d.dataset"] == "MNIST-1D（一维信号）"
    assert ZH["lab_mnist1d.dataset"] in picker.proto.options and ENGLISH_NAME not in picker.proto.options


def test_a_misspelt_dataset_in_the_link_falls_back_to_moons_with_a_notice():
    at = open_page(PAGE, data="mnist-1d", epochs="5", hidden="8")
    assert not at.exception
    assert at.selectbox(key="lab.data").value == "moons"
    assert any("Ignored `data=mnist-1d`" in w.value for w in at.warning)
    assert "data" not in at.query_params
