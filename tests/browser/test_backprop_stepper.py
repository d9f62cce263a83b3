"""The stepper in a real browser: the graph renders, Next advances the step and the link keeps it."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_stepping_the_mlp_updates_graph_text_and_link(page, base_url):
    page.goto(base_url)  # a first visit, so the app's pages are registered before we open one by its link
    wait_for_app(page)
    page.goto(f"{base_url}/backprop?net=mlp&step=3")
    wait_for_app(page)
    graph = page.locator("[data-testid='stGraphVizChart'] svg").first
    graph.wait_for()
    assert graph.locator("g.node").count() == 30  # 2 inputs, 17 weights and biases, 11 computed nodes
    assert page.get_by_text("Step 3 of 11").first.is_visible()
    page.get_by_role("button", name="Next ▶").click()
    wait_for_app(page)
    assert page.get_by_text("Step 4 of 11").first.is_visible()
    assert "step=4" in page.url
    page.set_viewport_size({"width": 1400, "height": 3000})  # the app scrolls inside; show all of it
    wait_for_app(page)
    screenshot(page, "backprop_stepper")
