"""Every step of every lesson on its real page: the page waits for a prediction, then reveals what
its own numbers say, and those numbers give the answer the lesson's texts are written around."""

from __future__ import annotations

import pytest

from playground.lessons import LESSONS
from playground.ui.i18n import catalogue
from playground.ui.lessons import FACTS, GUESS, PARAM
from tests.ui.helpers import open_page

EN = catalogue("en")
STEPS = [(lesson, number) for lesson in LESSONS.values() for number in range(1, len(lesson.steps) + 1)]


def _text(lesson, number, part):
    return EN[f"lessons.{lesson.key}.{number}.{part}"]


def _markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


@pytest.mark.parametrize(("lesson", "number"), STEPS, ids=[f"{lesson.key}.{n}" for lesson, n in STEPS])
def test_the_step_reveals_the_pages_numbers_and_they_bear_out_the_lesson(lesson, number):
    step = lesson.steps[number - 1]
    at = open_page(step.page, **step.query, v="1", **{PARAM: f"{lesson.key}.{number}",
                                                       GUESS: str(step.expect + 1)})
    assert not at.exception
    facts = at.session_state[FACTS]
    assert step.answer(facts) == step.expect, f"{lesson.key}.{number}: the page's numbers say {facts}"
    assert EN["lesson.right"] in [s.value for s in at.success]
    assert _text(lesson, number, "reveal").format(**facts) in _markdown(at)
    assert _text(lesson, number, "notice").format(**facts) in [i.value for i in at.info]
    # the page keeps exactly the step's settings in its link, and the lesson's place
    written = {name: at.query_params[name] for name in at.query_params}
    assert written == {**step.query, "v": "2", PARAM: f"{lesson.key}.{number}", GUESS: str(step.expect + 1)}


def test_the_page_waits_for_a_prediction_and_a_wrong_one_is_told_the_answer():
    lesson = LESSONS["ravine"]
    at = open_page("race", **lesson.steps[0].query, v="1", lesson="ravine.1")
    assert EN["lesson.waiting"] in [c.value for c in at.caption]
    assert not at.get("arrow_vega_lite_chart") and not at.dataframe  # the race has not run
    (radio,) = [r for r in at.radio if r.key == "_lesson.ravine.1.guess"]
    assert radio.options == [EN["lessons.ravine.1.a"], EN["lessons.ravine.1.b"], EN["lessons.ravine.1.c"]]
    radio.set_value(0).run()
    assert at.query_params[GUESS] == "1"
    assert [e.value for e in at.error] == [EN["lesson.wrong"].format(answer=EN["lessons.ravine.1.b"])]
    assert at.dataframe  # the race ran
    (table,) = [d.value for d in at.dataframe if "steps to tolerance" in d.value]
    summary = table.set_index("method")["steps to tolerance"]
    facts = at.session_state[FACTS]
    assert summary.to_dict() == {"SGD": str(facts["sgd"]), "Momentum": str(facts["momentum"])}


def test_next_opens_the_next_step_with_its_settings_and_a_fresh_question():
    at = open_page("race", **LESSONS["ravine"].steps[0].query, v="1", lesson="ravine.1", guess="2")
    (forward,) = [b for b in at.button if b.key == "_lesson.next"]
    forward.click().run()
    assert at.query_params[PARAM] == "ravine.2" and GUESS not in at.query_params
    assert at.query_params["methods"] == "Momentum,NAG"
    assert [m for m in at.multiselect if m.key == "race.methods"][0].value == ["Momentum", "NAG"]
    assert EN["lesson.waiting"] in [c.value for c in at.caption]


def test_the_last_step_says_the_lesson_is_finished():
    last = len(LESSONS["ravine"].steps)
    step = LESSONS["ravine"].steps[-1]
    at = open_page("race", **step.query, v="1", lesson=f"ravine.{last}", guess="1")
    assert EN["lesson.finished"].format(title=EN["lessons.ravine.title"]) in [s.value for s in at.success]
    assert not [b for b in at.button if b.key == "_lesson.next"]


@pytest.mark.parametrize("text", ["nope.1", "ravine.9", "ravine.x"])
def test_a_lesson_the_app_does_not_have_is_a_notice_and_the_page_works(text):
    at = open_page("race", lesson=text)
    assert not at.exception
    assert EN["lesson.unknown"].format(lesson=text) in [w.value for w in at.warning]
    assert at.dataframe  # the race ran as usual


def test_home_lists_every_lesson_with_a_link_to_its_first_step():
    at = open_page("home")
    links = {link.proto.label: link.proto for link in at.get("page_link")}
    for lesson in LESSONS.values():
        assert EN[f"lessons.{lesson.key}.title"] in links

