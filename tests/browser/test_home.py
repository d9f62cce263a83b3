"""The home page in a real browser: it renders and its links lead to the pages."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_home_renders_and_links_to_the_race(page, base_url):
    page.goto(base_url)
    wait_for_app(page)
    assert page.get_by_text("How neural networks are trained").first.is_visible()
    screenshot(page, "home")
    page.locator("[data-testid='stPageLink-NavLink']").filter(has_text="Optimizer race").first.click()
    page.wait_for_url("**/race**")
    wait_for_app(page)
    assert "/race" in page.url
