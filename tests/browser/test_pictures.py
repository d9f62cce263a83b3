"""The teaching pictures beyond the race map, in a real browser at laptop and desktop widths on the
light and the dark theme: the race's straight-line slice, and the lab's per-layer gradient norms,
gradient histograms and linear interpolation (screenshots in artifacts/screenshots/). Each width
opens in one theme and switches to the other, as a student's system theme may: four screenshots
per picture from two page loads."""

from __future__ import annotations

import pytest

from tests.browser.conftest import OTHER_THEME, screenshot, switch_theme, themed_page

pytestmark = pytest.mark.browser

SCREENS = [(1280, "light"), (1920, "dark")]


def _chart_titled(page, title: str):
    """The Vega-Lite chart whose title is ``title``, scrolled into view and drawn at a readable size."""
    chart = page.locator("[data-testid='stVegaLiteChart']").filter(has=page.get_by_text(title)).first
    chart.wait_for()
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    assert box["width"] > 250 and box["height"] > 120
    return chart


@pytest.mark.parametrize("width,scheme", SCREENS)
def test_the_straight_line_slice_reads_in_both_themes(browser, base_url, width, scheme):
    url = f"{base_url}/race?surface=rosenbrock&steps=300&tab=Inside+the+optimizer"
    with themed_page(browser, url, width, scheme) as page:
        for theme in (scheme, OTHER_THEME[scheme]):
            if theme != scheme:
                switch_theme(page, theme)
            _chart_titled(page, "Loss on the straight line from the start to each end")
            assert page.get_by_text("The straight way there.").count() == 1
            screenshot(page, f"race_slice_{width}_{theme}")


@pytest.mark.parametrize("width,scheme", SCREENS)
def test_the_labs_gradient_and_interpolation_pictures_read_in_both_themes(browser, base_url, width, scheme):
    url = f"{base_url}/regularization?compare=true&dropout=true&epochs=200"  # A plain, B with dropout
    with themed_page(browser, url, width, scheme) as page:
        for theme in (scheme, OTHER_THEME[scheme]):
            if theme != scheme:
                switch_theme(page, theme)
            _chart_titled(page, "Gradients ∂L/∂W at epoch")
            screenshot(page, f"lab_gradient_histograms_{width}_{theme}")
            _chart_titled(page, "Gradient norm of each layer during training")
            screenshot(page, f"lab_gradients_{width}_{theme}")
            _chart_titled(page, "Loss along the straight line from the initial to the final weights")
            screenshot(page, f"lab_interpolation_{width}_{theme}")
