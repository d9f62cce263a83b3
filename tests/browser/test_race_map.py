"""The race map in a real browser: zoom, pan and "fit to paths" change only the student's view (no
message to the server), a drag is not a click (the start stays), and the map reads at laptop and
desktop widths on the light and the dark theme (screenshots in artifacts/screenshots/)."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import OTHER_THEME, screenshot, switch_theme, themed_page, wait_for_app

pytestmark = pytest.mark.browser

#: The numbers the map's latest draws wrote on its axes, read back from the canvas's drawing calls.
TICKS = """() => { const ticks = window.__ticks; window.__ticks = []; return ticks; }"""
SPY = """(() => {
  const fill = CanvasRenderingContext2D.prototype.fillText;
  window.__ticks = [];
  CanvasRenderingContext2D.prototype.fillText = function (text, x, y) {
    if (this.canvas.closest('.stage') && /^-?[0-9.]+$/.test(String(text))) window.__ticks.push(+text);
    return fill.call(this, text, x, y);
  };
})()"""


def test_zoom_pan_and_fit_change_only_the_view(page, base_url):
    sent: list[int] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda _: sent.append(1)))
    page.add_init_script(SPY)
    page.goto(f"{base_url}/race?surface=rosenbrock&steps=200")
    wait_for_app(page)
    canvas = page.locator(".player .stage canvas")
    canvas.wait_for()
    page.wait_for_timeout(500)
    whole = page.evaluate(TICKS)
    assert -2 in whole and 2 in whole  # Rosenbrock's window: x from -2 to 2
    before, url = len(sent), page.url

    page.locator(".player .fit").click()  # fit to paths: the view closes in on where the methods went
    page.wait_for_timeout(300)
    fitted = page.evaluate(TICKS)
    page.locator(".player .zoom-in").click()
    page.locator(".player .zoom-in").click()
    box = canvas.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 120, y + 60, steps=6)  # a drag pans: it must not set the start
    page.mouse.up()
    page.wait_for_timeout(500)
    assert len(sent) == before and page.url == url  # the server heard nothing; the link is unchanged
    panned = page.evaluate(TICKS)
    assert set(fitted) != set(whole) and set(panned) != set(fitted)  # each changed what the axes show

    page.locator(".player .whole").click()
    page.wait_for_timeout(300)
    assert set(page.evaluate(TICKS)) == set(whole)  # back to the whole window
    bar = page.locator(".player .bands .scale").inner_text()
    assert "6 contour lines" in bar and "log scale" in bar


@pytest.mark.parametrize("width,scheme", [(1280, "light"), (1280, "dark"), (1920, "light"), (1920, "dark")])
def test_the_race_map_reads_at_laptop_and_desktop_widths_in_both_themes(browser, base_url, width, scheme):
    with themed_page(browser, f"{base_url}/race?surface=rosenbrock&steps=300", width, scheme) as page:
        canvas = page.locator(".player .stage canvas")
        canvas.wait_for()
        box = canvas.bounding_box()
        assert box["width"] > 0.25 * width and box["height"] >= 400  # the map fills its column
        tools = page.locator(".player .view").bounding_box()
        assert tools["x"] + tools["width"] <= box["x"] + box["width"]  # the zoom buttons sit on the map
        ink = canvas.evaluate("e => getComputedStyle(e).color")
        light_ink = sum(int(c) for c in re.findall(r"\d+", ink)[:3]) > 3 * 128
        assert light_ink == (scheme == "dark")  # the axes' text follows the theme
        canvas.scroll_into_view_if_needed()
        screenshot(page, f"race_map_{width}_{scheme}")


@pytest.mark.parametrize("width,scheme", [(1280, "light"), (1920, "dark")])
def test_the_3d_view_draws_the_surface_and_the_paths_in_the_browser(browser, base_url, width, scheme):
    with themed_page(browser, f"{base_url}/race?surface=rosenbrock&steps=300&step=120&tab=3-D", width,
                     scheme) as page:
        for theme in (scheme, OTHER_THEME[scheme]):  # opened in one theme, then switched to the other
            if theme != scheme:
                switch_theme(page, theme)
            plot = page.locator("[data-testid='stPlotlyChart'] .gl-container canvas").first
            plot.wait_for()
            box = plot.bounding_box()
            assert box["width"] > 0.35 * width and box["height"] >= 400  # WebGL drew the scene at full size
            legend = page.locator("[data-testid='stPlotlyChart'] .legend").text_content()
            assert all(name in legend for name in ("SGD", "Momentum", "Adam"))
            screenshot(page, f"race_3d_{width}_{theme}")
