"""Settings a person can get wrong in the lab's sidebar are refused with a SettingsError: its English
sentence says what to change (for the CLI and a notebook), and its catalogue key lets the lab's page
say the same in Chinese."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from playground.i18n import SettingsError
from playground.regularization.config import LabConfig
from playground.regularization.mlp import parse_hidden

CHINESE = re.compile(r"[\u4e00-\u9fff]")
REFUSED: dict[str, tuple[Callable[[], object], str]] = {  # what is refused, and the English it says
    "letters_in_widths": (lambda: parse_hidden("64,abc"), "hidden layers must be whole numbers separated "
                                                           "by commas, like 64, 64 (got '64,abc')"),
    "seven_layers": (lambda: parse_hidden("8,8,8,8,8,8,8"), "at most 6 hidden layers, got 7"),
    "too_wide": (lambda: parse_hidden("300"), "each hidden layer needs 1 to 256 units, got [300]"),
    "batchnorm_one": (LabConfig(batchnorm=True, batch_size=1).validate,
                      "batch normalization needs batches of at least 2 examples (batch size 1 has no batch "
                      "statistics)"),
    "warmup_as_long_as_the_run": (LabConfig(schedule="one_cycle", warmup=300, epochs=300).validate,
                                  "the warmup (300 epochs) must be shorter than the run (300 epochs)"),
    "nesterov_without_momentum": (LabConfig(optimizer="SGD", knobs={"nesterov": True}).validate,
                                  "SGD: Nesterov momentum requires a momentum and zero dampening"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_a_refused_setting_says_why_in_english_and_by_key_for_the_page(case):
    refuse, english = REFUSED[case]
    with pytest.raises(SettingsError) as caught:
        refuse()
    assert str(caught.value) == english
    assert CHINESE.search(caught.value.said.text("zh"))


def test_a_long_warmup_matters_only_to_a_schedule_that_warms_up():
    LabConfig(schedule="cosine", warmup=300, epochs=300).validate()
    with pytest.raises(SettingsError, match=r"the warmup \(301 epochs\)"):
        LabConfig(schedule="warmup_cosine", warmup=301, epochs=300).validate()
