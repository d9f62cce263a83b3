"""The Training runs page in a real browser: launch a short digits run, watch it finish live."""

from __future__ import annotations

import pytest

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

