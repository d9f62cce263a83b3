"""A lesson step on the lab: the lab trains nothing until the student predicts, then reveals the
numbers its own runs give, and says so when the student switches off what the step is about."""

from __future__ import annotations

from playground.lessons import LESSONS
from playground.ui.i18n import catalogue
from playground.ui.lab.compute import RUNS
from playground.ui.lab.keys import SHOWN
from playground.ui.lessons import FACTS, GUESS
from tests.ui.helpers import open_page
from tests.ui.lab.test_page import metrics

EN = catalogue("en")
STEP = LESSONS["l1_l2"].steps[1]  # L1 as a proximal step: B ends with exact zeros


def test_the_lab_waits_for_a_prediction_and_trains_nothing():
    at = open_page("lab", **STEP.query, v="1", lesson="l1_l2.2")
    assert not at.exception
    assert EN["lesson.waiting"] in [c.value for c in at.caption]
    assert SHOWN not in at.session_state and len(RUNS) == 0
    assert not metrics(at) and not at.dataframe


def test_a_prediction_trains_the_runs_and_the_reveal_reads_the_pages_own_numbers():
    at = open_page("lab", **STEP.query, v="1", lesson="l1_l2.2")
    (radio,) = [r for r in at.radio if r.key == "_lesson.l1_l2.2.guess"]
    radio.set_value(0).run()  # "none": wrong, B has exact zeros
    assert not at.exception and at.query_params[GUESS] == "1"
    assert [e.value for e in at.error] == [EN["lesson.wrong"].format(answer=EN["lessons.l1_l2.2.b"])]
    facts = at.session_state[FACTS]
    shown = metrics(at)  # the headline shows B, beside its change from A
    assert shown["zero weights"] == facts["zeros"] > 0
    assert abs(shown["weight norm"] - facts["norm_b"]) < 1e-3 * facts["norm_b"]
    assert list(at.session_state[SHOWN]) == ["A: no regularization", "B: regularized"]


def test_switching_off_the_comparison_the_step_reads_asks_to_restore_it():
    at = open_page("lab", **STEP.query, v="1", lesson="l1_l2.2", guess="2")
    at.toggle(key="lab.compare").set_value(False).run()
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert EN["lesson.changed"] in warnings and EN["lesson.missing"] in warnings
    assert [b for b in at.button if b.key == "_lesson.restore"]
    assert metrics(at)  # the lab still shows the student's own run
