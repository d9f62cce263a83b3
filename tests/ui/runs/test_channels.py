"""The Training runs sidebar's conv channels under AppTest: from the link to the field and the run,
from the field to the link, the model's own counts while it is empty, bad counts falling back with a
notice, and a greyed-out field outside the two small CNNs."""

from __future__ import annotations

import pytest

from playground.ui.runs.compute import run_queue
from tests.ui.helpers import open_page
from tests.ui.runs.test_controls import PAGE, launched, notices

__all__ = ["launched"]  # test_controls' fixture: pytest hands it to the tests by name

def test_channels_in_the_link_reach_the_field_and_the_run(launched):
    at = open_page(PAGE, dataset="digits", model="cnn", channels="8, 16")
    field = at.text_input(key="runs.channels")
    assert field.value == "8,16" and not field.disabled
    assert launched[-1].channels == (8, 16) and at.query_params["channels"] == "8,16"
    assert not at.exception and not notices(at)


def test_typing_channels_writes_the_link_and_an_empty_field_is_the_models_own(launched):
    at = open_page(PAGE, dataset="digits", model="cnn")
    field = at.text_input(key="runs.channels")
    assert field.value == "" and field.placeholder == "32,64"
    assert "Empty: the model's own, 32,64." in field.help
    at.text_input(key="runs.channels").input("16,32,64").run()
    assert at.query_params["channels"] == "16,32,64" and launched[-1].channels == (16, 32, 64)
    at.text_input(key="runs.channels").input("").run()
    assert "channels" not in at.query_params and launched[-1].channels == ()


def test_the_1d_cnn_shows_the_papers_counts_and_takes_three():
    at = open_page(PAGE, model="cnn1d", channels="16,16,32")  # on MNIST-1D
    assert at.text_input(key="runs.channels").placeholder == "25,25,25"
    assert not at.exception and not notices(at)


@pytest.mark.parametrize("model, text, reason, own", [
    ("cnn", "8,x", "channel counts must be whole numbers separated by commas, like 32, 64 (got '8,x')",
     "the Small CNN keeps its own, 32,64"),
    ("cnn", "8,8,8,8", "the Small CNN takes 1 to 3 channel counts, one per convolution stage, not 4",
     "the Small CNN keeps its own, 32,64"),
    ("cnn1d", "8,16", "the 1-D CNN (MNIST-1D paper) has exactly 3 convolutions: give 3 channel counts, not 2",
     "the 1-D CNN (MNIST-1D paper) keeps its own, 25,25,25"),
], ids=["letters", "four-stages", "two-of-three"])
def test_bad_counts_fall_back_to_the_models_own_with_a_notice(launched, model, text, reason, own):
    at = open_page(PAGE, dataset="digits" if model == "cnn" else "mnist1d", model=model, channels=text)
    assert f"Ignored the channel counts `{text}` ({reason}); {own}." in notices(at)
    assert at.text_input(key="runs.channels").value == "" and launched[-1].channels == ()
    assert "channels" not in at.query_params and not at.exception


def test_outside_the_small_cnns_the_field_is_disabled_and_kept_for_the_link(launched):
    at = open_page(PAGE, model="gru", channels="8,16")  # on MNIST-1D
    field = at.text_input(key="runs.channels")
    assert field.disabled and "Only the convolutions of the small CNN and the 1-D CNN" in field.help
    assert launched[-1].channels == () and at.query_params["channels"] == "8,16"
    assert not at.exception and not notices(at)


def test_a_launched_run_carries_the_channels():
    at = open_page(PAGE, dataset="digits", model="cnn", epochs="1", channels="4,8", device="cpu")
    next(b for b in at.button if b.label == "Launch run").click()
    at = at.run()
    config = run_queue().runs(at.session_state["runs.owner"])[-1].config
    assert (config.model, config.channels) == ("cnn", (4, 8))
    assert not at.exception and not at.error


def test_the_channels_read_in_chinese():
    at = open_page(PAGE, lang="zh", dataset="digits", model="cnn", channels="abc")
    assert at.text_input(key="runs.channels").label == "卷积通道数（CNN）"
    assert any(n.startswith("已忽略通道数 `abc`") for n in notices(at))
