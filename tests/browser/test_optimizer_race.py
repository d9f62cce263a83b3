"""The Optimizer race in a real browser at laptop width (1280 px): the map's player replays the race
in the browser with no message to the server until it stops, the step it stops on lands in the
link, and a widget and a click on the map change the race."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_race_plays_in_the_browser_and_reacts_to_widgets_and_map_clicks(page, base_url):
    sent: list[float] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda _: sent.append(1)))
    page.set_viewport_size({"width": 1280, "height": 1000})  # a laptop screen: the layout must still fit
    page.goto(f"{base_url}/race?surface=himmelblau&steps=200")
    wait_for_app(page)
    charts = page.locator("[data-testid='stVegaLiteChart']")
    charts.nth(2).wait_for()
    assert charts.count() == 3  # loss, gradient norm, learning rate
    canvas = page.locator(".player .stage canvas")
    canvas.wait_for()
    assert canvas.bounding_box()["width"] > 400  # the map fills its column
    assert "x^2 + y - 11" in page.locator("annotation").first.text_content()
    label = page.locator(".player .label")
    assert label.inner_text() == "step 200 / 200"
    legend = page.locator(".player .legend").inner_text()
    assert all(name in legend for name in ("SGD", "Momentum", "Adam"))

    play = page.locator(".player .play")
    assert play.evaluate("e => e.scrollWidth <= e.clientWidth")  # "▶ Play" in full
    before = len(sent)
    play.click()  # from the end, Play replays from step 0
    seen = set()
    for _ in range(8):
        page.wait_for_timeout(200)
        seen.add(label.inner_text())
    assert len(sent) == before  # eight frames later the server has heard nothing: no rerun per frame
    assert len(seen) >= 5  # the label moved on while it played
    play.click()  # Pause: the step it stopped on goes to the server and into the link
    page.wait_for_function("() => /[?&]step=\\d+/.test(window.location.search)", timeout=30_000)
    step = int(re.search(r"step=(\d+)", page.url).group(1))
    assert 0 < step < 200 and label.inner_text() == f"step {step} / 200"
    wait_for_app(page)
    assert page.get_by_text(f"loss at step {step}").count() > 0  # the table followed

    page.locator(".player .scrub").press("Home")  # the scrubber, by keyboard: to step 0
    page.wait_for_function("() => window.location.search.includes('step=0')", timeout=30_000)
    wait_for_app(page)

    steps = page.get_by_label("Steps")
    steps.fill("120")
    steps.press("Enter")
    wait_for_app(page)
    assert "steps=120" in page.url
    assert label.inner_text().endswith("/ 120")  # the player's new end

    box = canvas.bounding_box()  # a click on an empty corner of the map moves the start there
    page.mouse.click(box["x"] + 0.25 * box["width"], box["y"] + 0.85 * box["height"])
    page.wait_for_function("() => window.location.search.includes('x=')", timeout=30_000)
    wait_for_app(page)
    assert "y=" in page.url
    screenshot(page, "optimizer_race")
