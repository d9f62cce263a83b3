"""The Optimizer race in a real browser at laptop width (1280 px): charts render, the Play button's label
fits, a widget and a click on the map change the race."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_race_renders_and_reacts_to_widgets_and_map_clicks(page, base_url):
    page.set_viewport_size({"width": 1280, "height": 1000})  # a laptop screen: the layout must still fit
    page.goto(f"{base_url}/race?surface=himmelblau")
    wait_for_app(page)
    charts = page.locator("[data-testid='stVegaLiteChart']")
    charts.nth(2).wait_for()
    assert charts.count() == 3  # map, loss, gradient norm
    for k in range(3):
        assert charts.nth(k).locator("canvas, svg").count() > 0
    assert "x^2 + y - 11" in page.locator("annotation").first.text_content()

    play = page.get_by_role("button", name="Play")
    label = play.get_by_text("Play", exact=True)
    assert label.evaluate("e => e.scrollWidth <= e.clientWidth")  # "Play" in full, not "P…"
    # The map's legend is drawn on a canvas; test_charts checks it wraps so every method is listed.

    steps = page.get_by_label("Steps")
    steps.fill("120")
    steps.press("Enter")
    wait_for_app(page)
    assert "steps=120" in page.url
    assert "120" in page.locator("[data-testid='stSlider']").first.inner_text()  # the scrubber's new end

    # a click on an empty corner of the map moves the start there
    box = charts.first.locator("canvas").first.bounding_box()
    page.mouse.click(box["x"] + 0.25 * box["width"], box["y"] + 0.85 * box["height"])
    wait_for_app(page)
    page.wait_for_function("() => window.location.search.includes('x=')", timeout=30_000)
    assert "y=" in page.url
    screenshot(page, "optimizer_race")
