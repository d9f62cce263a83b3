"""Accessibility in a real browser: the browser's reduced-motion setting turns the player's Play
into frame steps, and a step still lands in the link."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_reduced_motion_turns_play_into_frame_steps(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    page = context.new_page()
    try:
        page.goto(f"{base_url}/race?steps=100")
        wait_for_app(page)
        player = page.locator(".player").first
        player.locator(".back").wait_for()
        assert player.locator(".play").is_hidden() and player.locator(".forward").is_visible()
        player.locator(".back").click()  # from the end (step 100) one frame back
        page.wait_for_url("**step=*")
        wait_for_app(page)
        step = int(page.url.split("step=")[1].split("&")[0])
        assert 0 < step < 100
        screenshot(page, "race_reduced_motion_1280")
    finally:
        context.close()
