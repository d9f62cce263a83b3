"""The Training runs page in a real browser: launch a short digits run and watch it finish live;
stop a long one from the page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from playground.train.runs import hosted_mode
from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_a_launched_run_reports_live_and_shows_results(page, base_url):
    page.goto(f"{base_url}/training?epochs=2&batch=64&lr=0.003")
    wait_for_app(page)
    page.get_by_role("button", name="Launch run").click()
    # the live fragment re-renders by itself until the run ends and the results appear
    page.get_by_text("Test accuracy", exact=True).first.wait_for(timeout=90_000)
    wait_for_app(page)
    assert page.get_by_text("Finished 2 epochs").first.is_visible()
    assert page.get_by_text("Misclassified test images").first.is_visible()
    assert "epochs=2" in page.url and "lr=0.003" in page.url
    screenshot(page, "training_runs")
    page.get_by_text("Misclassified test images").first.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    screenshot(page, "training_runs_results")


# The run's ending as the page words it (runs.messages.stopped); a stop that lands before the first
# step reads "..., before training began." instead, and would mean the run never trained.
STOPPED = re.compile(r"Stopped by request during (?:training|evaluation) at step (\d+) \(epoch (\d+)\)\.")
PROGRESS = re.compile(r"epoch \d+/100, step")


def stop_buttons(page: Page) -> Locator:
    """The live panel's Stop buttons, found by their widget key (stop-<run id>). A role query for
    "Stop" also finds the Stop button of Streamlit's own toolbar, shown while a script run is slow
    (e.g. the one that launches the first run and starts the worker pool): clicking that one stops the
    page's script, not the training, which is why an earlier version of this test missed."""
    return page.locator("[class*='st-key-stop-'] button")


@pytest.mark.skipif(hosted_mode(), reason="a hosted server caps runs at 5 epochs: over before Stop lands")
def test_a_long_run_stopped_from_the_page_ends_as_stopped_and_the_page_trains_on(page, base_url):
    page.goto(f"{base_url}/training?model=cnn&epochs=100&batch=16")  # 9,000 CNN steps: ~30 s on a CPU
    wait_for_app(page)
    launch = page.get_by_role("button", name="Launch run")
    launch.click()
    page.get_by_text(PROGRESS).first.wait_for(timeout=60_000)
    stop_buttons(page).click()
    stopped = page.get_by_text(STOPPED)
    stopped.wait_for(timeout=10_000)
    wait_for_app(page)
    match = STOPPED.search(stopped.inner_text())
    assert match is not None and int(match[1]) > 0 and int(match[2]) < 100, "it trained, then stopped early"
    assert stop_buttons(page).count() == 0, "the live panel is gone once the run has ended"
    screenshot(page, "training_runs_stopped")
    # the worker pool survives the stop: a new run trains, and stops, the same way
    launch.click()
    page.get_by_text(PROGRESS).first.wait_for(timeout=60_000)  # as long as the first: on a busy machine
    stop_buttons(page).click()
    expect(stop_buttons(page)).to_have_count(0, timeout=10_000)
