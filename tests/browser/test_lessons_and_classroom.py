"""Lessons and classroom links in a real browser: every lesson from its first step to its end,
and a classroom link whose locked settings cannot be changed on the page or in the address bar."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from playground.lessons import LESSONS
from playground.ui.classroom import classroom_link
from playground.ui.i18n import catalogue
from playground.ui.pages import PAGES
from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser
EN = catalogue("en")


def _url(base_url: str, page: str, query: dict[str, str]) -> str:
    return f"{base_url}/{PAGES[page].url_path}?{urlencode(query)}"


# Every step of every lesson is checked by AppTest (tests/ui/lessons/test_steps.py); in the browser,
# the first lesson of each page it visits goes from its first step to its end.
ONE_PER_PAGE = list({lesson.steps[0].page: key for key, lesson in reversed(LESSONS.items())}.values())


@pytest.mark.parametrize("key", ONE_PER_PAGE)
def test_a_lesson_runs_from_its_first_step_to_its_end(page, base_url, key):
    lesson = LESSONS[key]
    first = lesson.steps[0]
    page.goto(_url(base_url, first.page, {**first.query, "v": "2", "lesson": f"{key}.1"}))
    for number, step in enumerate(lesson.steps, 1):
        wait_for_app(page)
        page.get_by_text(EN["lesson.waiting"]).wait_for()  # the page waits for the prediction
        prediction = page.get_by_test_id("stRadio").filter(has_text=EN["lesson.predict"])
        prediction.get_by_test_id("stRadioOption").nth(step.expect).click()
        page.get_by_text(EN["lesson.right"]).wait_for()
        page.wait_for_url(f"**guess={step.expect + 1}**")
        assert f"lesson={key}.{number}" in page.url
        if number == 1:
            screenshot(page, f"lesson_{key}")
        if number < len(lesson.steps):
            page.get_by_role("button", name=EN["lesson.next"]).click()
            page.wait_for_url(f"**lesson={key}.{number + 1}**")
    page.get_by_text(EN["lesson.finished"].format(title=EN[f"lessons.{key}.title"])).wait_for()


def test_a_classroom_link_locks_on_the_page_and_in_the_address_bar(page, base_url):
    query = {"surface": "himmelblau", "steps": "200", "noise": "0.5", "v": "2"}
    link = classroom_link("race", query, locked={"surface", "steps"}, hidden={"noise"})
    page.goto(_url(base_url, "race", link))
    wait_for_app(page)
    sidebar = page.get_by_test_id("stSidebar")
    steps = sidebar.get_by_label("Steps", exact=True)
    expect(steps).to_have_value("200")  # (polls: the widget may draw before its value arrives)
    expect(steps).to_be_disabled()
    assert not sidebar.get_by_label("Gradient noise σ (mini-batch imitation)").count()  # hidden
    screenshot(page, "classroom_link")
    page.goto(_url(base_url, "race", {**link, "steps": "5000"}))  # a student edits the address bar
    wait_for_app(page)
    page.get_by_text(EN["classroom.altered"]).wait_for()
    steps = page.get_by_test_id("stSidebar").get_by_label("Steps", exact=True)
    expect(steps).to_have_value("300")  # the default, not the edit
    expect(steps).to_be_enabled()
    assert "lock=" not in page.url and "steps=5000" not in page.url


def test_share_builds_a_classroom_link(page, base_url):
    page.goto(f"{base_url}/race?surface=himmelblau")
    wait_for_app(page)
    page.get_by_test_id("stSidebar").get_by_role("button", name="Share this experiment").click()
    page.get_by_role("dialog").get_by_role("button", name=EN["classroom.make"]).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text(EN["classroom.free"], exact=True).wait_for()
    assert "lock=" in dialog.locator("code").inner_text() and "sig=" in dialog.locator("code").inner_text()
    screenshot(page, "classroom_builder")
