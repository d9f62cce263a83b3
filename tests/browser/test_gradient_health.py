"""Gradient health in a real browser: a linked experiment runs, its charts draw, a radio re-runs it."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_clipping_rescues_a_diverging_run_and_its_charts_draw(page, base_url):
    page.goto(base_url)  # a first visit, so the app's pages are registered before we open one by its link
    wait_for_app(page)
    page.goto(f"{base_url}/gradient-health?depth=10&act=relu&init=he&lr=0.5&clip=value&steps=12")
    wait_for_app(page)
    assert page.get_by_text("Without clipping, the run diverged at step 1").first.is_visible()
    # Capping each entry at 1 still lets thousands of entries add up to a huge step ...
    assert page.get_by_text("With clipping the run diverged at step 1").first.is_visible()
    page.get_by_test_id("stSidebar").get_by_text("by global norm", exact=True).click()
    wait_for_app(page)
    # ... capping the global norm at 1 bounds the step itself.
    assert "clip=norm" in page.url
    assert page.get_by_text("With clipping the run finished all 12 steps").first.is_visible()
    charts = page.locator("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg")
    assert charts.count() >= 5
    page.set_viewport_size({"width": 1400, "height": 2200})  # the app scrolls inside; show all of it
    wait_for_app(page)
    screenshot(page, "gradient_health")
