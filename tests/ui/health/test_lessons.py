"""The gradient-health page in a lesson: no presets and no runs until the student predicts, the step's
settings kept in the link meanwhile, then a reveal from the run the page draws."""

from __future__ import annotations

import pytest

from playground.lessons import LESSONS
from playground.ui.i18n import catalogue
from playground.ui.lessons import FACTS
from tests.ui.helpers import metric, open_page

PAGE = "health"
EN = catalogue("en")

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_the_page_waits_for_the_prediction_then_reveals_the_run_it_draws():
    step = LESSONS["vanishing"].steps[1]
    at = open_page(PAGE, **step.query, v="1", lesson="vanishing.2")
    assert not at.exception
    assert EN["lesson.waiting"] in [c.value for c in at.caption]
    assert not at.metric and not at.get("vega_lite_chart")  # nothing trained yet
    assert not [b for b in at.button if b.label == "ReLU + He"]  # a preset's help would give it away
    assert {name: at.query_params[name] for name in step.query} == step.query
    (radio,) = [r for r in at.radio if r.key == "_lesson.vanishing.2.guess"]
    radio.set_value(step.expect).run()
    facts = at.session_state[FACTS]
    assert metric(at, "first ÷ last").value == f"{facts['spread']:.3g}"
    assert metric(at, "‖∂L/∂W‖, first layer").value == f"{facts['first']:.2e}"
    assert any(b.label == "ReLU + He" for b in at.button)  # the presets are back


def test_the_too_large_init_step_reveals_the_divergence_the_page_reports():
    step = LESSONS["vanishing"].steps[3]
    at = open_page(PAGE, **step.query, v="1", lesson="vanishing.4", guess=str(step.expect + 1))
    facts = at.session_state[FACTS]
    assert metric(at, "first ÷ last").delta == "exploding"
    assert f"diverged at step {facts['diverged']}" in at.error[0].value
