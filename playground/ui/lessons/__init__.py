"""A lesson's step on its page: the question at the top, the page held back until the student
predicts, then the reveal from the page's own numbers and the way on.

Progress lives in the link: ``lesson=<key>.<step>`` (steps count from 1) and ``guess=<choice>``
(from 1), which every page keeps (:data:`playground.ui.urlstate.KEPT`), so a lesson link
resumes where the student is. A page uses it in three lines::

    lesson = open_step("race")          # None unless the link's lesson step is on this page
    if lesson is None or lesson.answered:
        ...compute and draw...
        if lesson: lesson.reveal(qs, paths, tol)   # the page's own results, as the step's facts read them
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from playground.lessons import LESSONS, Facts, Lesson, Step
from playground.ui.escape import in_code
from playground.ui.i18n import link_params, t
from playground.ui.pages import PAGES
from playground.ui.urlstate import QueryState, versioned

PARAM, GUESS = "lesson", "guess"
FACTS = "_lesson.facts"  # the last revealed step's facts (read by the tests)


def link(lesson: Lesson, number: int) -> dict[str, str]:
    """The query string of step ``number`` (from 1): its page's settings and the lesson's place."""
    step = lesson.steps[number - 1]
    return versioned({**step.query, PARAM: f"{lesson.key}.{number}", **link_params()})


def choice_text(lesson: Lesson, number: int, choice: int) -> str:
    return t(f"lessons.{lesson.key}.{number}.{string.ascii_lowercase[choice]}")


def go(lesson: Lesson, number: int) -> None:
    """Open step ``number`` on its page with its settings (forgetting the page's current ones)."""
    step = lesson.steps[number - 1]
    QueryState.forget(step.page)  # a page's namespace is its key
    st.session_state.pop(_guess_key(lesson, number), None)
    st.switch_page(PAGES[step.page].path, query_params=link(lesson, number))


def _guess_key(lesson: Lesson, number: int) -> str:
    return f"_lesson.{lesson.key}.{number}.guess"


def _parsed(text: str) -> tuple[Lesson, int] | None:
    key, _, number = text.partition(".")
    lesson = LESSONS.get(key)
    if lesson is None or not number.isdigit() or not 1 <= int(number) <= len(lesson.steps):
        return None
    return lesson, int(number)


@dataclass
class OpenStep:
    """The lesson step this page is showing, and the box at the top of the page it draws in."""

    lesson: Lesson
    number: int
    box: DeltaGenerator
    guess: int | None

    @property
    def step(self) -> Step:
        return self.lesson.steps[self.number - 1]

    @property
    def answered(self) -> bool:
        return self.guess is not None

    def text(self, part: str, **facts: Any) -> str:
        return t(f"lessons.{self.lesson.key}.{self.number}.{part}", **facts)

    def reveal(self, qs: QueryState, *results: Any) -> None:
        """What happened, from ``results`` (the page's own), against the student's prediction."""
        assert self.guess is not None, "a page reveals only after the student has predicted"
        with self.box:
            if any(qs.query().get(name) != value for name, value in self.step.query.items()):
                st.warning(t("lesson.changed"), icon=":material/tune:")
            try:
                facts: Facts = self.step.facts(*results)
            except (KeyError, IndexError):  # the student took out what the step is about
                self._restore()
                return
            st.session_state[FACTS] = facts
            right = self.step.answer(facts)
            if self.guess == right:
                st.success(t("lesson.right"), icon=":material/check_circle:")
            else:
                st.error(t("lesson.wrong", answer=choice_text(self.lesson, self.number, right)),
                         icon=":material/cancel:")
            st.markdown(self.text("reveal", **facts))
            st.info(self.text("notice", **facts), icon=":material/lightbulb:")
            self._way_on()

    def _restore(self) -> None:
        st.warning(t("lesson.missing"), icon=":material/tune:")
        if st.button(t("lesson.restore"), key="_lesson.restore"):
            go(self.lesson, self.number)

    def _way_on(self) -> None:
        back, again, forward = st.columns(3)
        if self.number > 1 and back.button(t("lesson.back"), icon=":material/arrow_back:",
                                           key="_lesson.back"):
            go(self.lesson, self.number - 1)
        if again.button(t("lesson.again"), icon=":material/replay:", key="_lesson.again"):
            go(self.lesson, self.number)
        if self.number < len(self.lesson.steps):
            if forward.button(t("lesson.next"), icon=":material/arrow_forward:", type="primary",
                              key="_lesson.next"):
                go(self.lesson, self.number + 1)
        else:
            st.success(t("lesson.finished", title=t(f"lessons.{self.lesson.key}.title")),
                       icon=":material/school:")
            forward.page_link(PAGES["home"].page(), label=t("lesson.more"), icon=":material/school:",
                              query_params=link_params())


def _into_link(key: str) -> None:
    choice = st.session_state.get(key)
    if choice is None:
        st.query_params.pop(GUESS, None)
    else:
        st.query_params[GUESS] = str(choice + 1)


def open_step(page: str) -> OpenStep | None:
    """The link's lesson step, drawn at the top of the page, when it is on ``page``: the question
    with its choices (the page waits for a prediction). A step on another page gets a link there;
    a lesson the app does not have, a notice."""
    text = st.query_params.get(PARAM)
    if not text:
        return None
    parsed = _parsed(text)
    if parsed is None:
        st.warning(t("lesson.unknown", lesson=in_code(text)), icon="🔗")
        return None
    lesson, number = parsed
    step = lesson.steps[number - 1]
    if step.page != page:
        st.info(t("lesson.elsewhere", title=t(f"lessons.{lesson.key}.title")), icon=":material/school:")
        st.page_link(PAGES[step.page].page(), label=PAGES[step.page].title, query_params=link(lesson, number))
        return None
    key = _guess_key(lesson, number)
    if st.session_state.get(key) not in range(step.choices):  # new, or the labels changed language
        linked = st.query_params.get(GUESS, "")
        valid = linked.isdigit() and 1 <= int(linked) <= step.choices
        st.session_state[key] = int(linked) - 1 if valid else None
    box = st.container(border=True)
    with box:
        st.markdown(f":material/school: **{t(f'lessons.{lesson.key}.title')}** · "
                    f"{t('lesson.step', number=number, steps=len(lesson.steps))}")
        st.progress(number / len(lesson.steps))
        st.markdown(t(f"lessons.{lesson.key}.{number}.ask"))
        guess = st.radio(t("lesson.predict"), range(step.choices), key=key, on_change=_into_link, args=(key,),
                         format_func=lambda i: choice_text(lesson, number, i))
        if guess is None:
            st.caption(t("lesson.waiting"))
    return OpenStep(lesson, number, box, guess)


def lesson_cards() -> None:
    """Every lesson as a card on Home: its title, what it teaches, and a link to its first step."""
    st.subheader(t("lesson.heading"))
    st.caption(t("lesson.caption"))
    cols = st.columns(3)
    for i, lesson in enumerate(LESSONS.values()):
        with cols[i % 3].container(border=True):
            st.page_link(PAGES[lesson.steps[0].page].page(), label=t(f"lessons.{lesson.key}.title"),
                         icon=":material/school:", query_params=link(lesson, 1))
            st.caption(f"{t(f'lessons.{lesson.key}.summary')} ({t('lesson.steps', count=len(lesson.steps))})")
