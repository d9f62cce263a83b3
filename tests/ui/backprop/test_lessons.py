"""The backprop page in a lesson: it holds its results back until the student predicts, keeps the step's
settings in its link meanwhile, and reveals from the numbers it then draws."""

from __future__ import annotations

from playground.lessons import LESSONS
from playground.ui.backprop import charts
from playground.ui.i18n import catalogue
from playground.ui.lessons import FACTS, GUESS
from tests.ui.helpers import metric, open_page

PAGE = "backprop"
EN = catalogue("en")


def test_the_page_waits_for_the_prediction_and_keeps_the_steps_settings_in_its_link():
    step = LESSONS["gradcheck"].steps[1]
    at = open_page(PAGE, **step.query, v="1", lesson="gradcheck.2")
    assert not at.exception
    assert EN["lesson.waiting"] in [c.value for c in at.caption]
    assert not at.get("graphviz_chart") and not at.metric and not at.dataframe  # nothing computed yet
    assert {name: at.query_params[name] for name in step.query} == step.query
    (radio,) = [r for r in at.radio if r.key == "_lesson.gradcheck.2.guess"]
    radio.set_value(step.expect).run()
    assert at.query_params[GUESS] == str(step.expect + 1)
    assert at.selectbox(key="backprop.bug").value == "z_for_h"  # the held setting reached its widget
    bugged = metric(at, "relative error with the bug")
    facts = at.session_state[FACTS]
    assert bugged.value == f"{facts['rel']:.2e}"  # the reveal reads the check the page shows


def test_the_chain_steps_reveal_the_gradients_the_page_draws():
    step = LESSONS["chain_rule"].steps[0]
    at = open_page(PAGE, **step.query, v="1", lesson="chain_rule.1", guess="2")
    assert at.slider(key="backprop.step").value == 3
    facts = at.session_state[FACTS]
    assert f"∂L/∂· = {charts.fmt(facts['dw2'])}" in at.get("graphviz_chart")[0].proto.spec
    shown = " ".join(m.value for m in at.markdown)
    assert f"backprop gave **{charts.fmt(facts['dw1'])}**" in shown  # the textbook line for w1


def test_the_one_step_update_in_the_reveal_is_the_pages_own():
    at = open_page(PAGE, **LESSONS["chain_rule"].steps[3].query, v="1", lesson="chain_rule.4", guess="2")
    facts = at.session_state[FACTS]
    assert metric(at, "loss after one step").value == f"{facts['after']:.4g}"
    assert "did not lower the loss" in at.warning[0].value


def test_a_gradient_checking_step_on_the_chain_asks_to_restore_its_settings():
    at = open_page(PAGE, v="1", lesson="gradcheck.1", guess="1")  # the step needs net=mlp
    assert not at.exception
    assert EN["lesson.missing"] in [w.value for w in at.warning]
    assert FACTS not in at.session_state
