"""The home page in a real browser: it renders and its links lead to the pages."""

from __future__ import annotations

import pytest

from playground.ui.i18n import catalogue
from playground.ui.pages import PAGES
from tests.browser.conftest import screenshot, serving, wait_for_app

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


@pytest.mark.parametrize("key", [key for key, spec in PAGES.items() if spec.url_path])
def test_a_shared_link_opens_its_page_without_a_page_not_found_dialog(page, base_url, key):
    spec = PAGES[key]
    page.goto(f"{base_url}/{spec.url_path}")
    wait_for_app(page)
    assert page.get_by_role("heading", name=spec.title).first.is_visible()
    assert not page.get_by_text("Page not found").count()


def test_a_deep_link_is_the_first_request_a_restarted_hosted_server_answers(page):
    """As the Dockerfile serves it (hosted, no file watcher): the first visitor after a (re)start
    comes through a shared link, and gets its page with its settings, not "Page not found"."""
    with serving("--server.fileWatcherType=none", PLAYGROUND_HOSTED="1") as url:
        page.goto(f"{url}/race?surface=himmelblau&steps=200")
        wait_for_app(page)
        assert page.get_by_role("heading", name=PAGES["race"].title).first.is_visible()
        assert not page.get_by_text("Page not found").count()
        assert "surface=himmelblau" in page.url


@pytest.mark.parametrize("path", ["Race", "optimizer_race", "gradient_health"])
def test_a_capitalised_or_old_path_leads_to_its_page_with_the_links_settings(page, base_url, path):
    page.goto(f"{base_url}/{path}?lang=zh")
    wait_for_app(page)
    assert not page.get_by_text("Page not found").count()
    spec = next(spec for spec in PAGES.values() if path in spec.aliases)
    assert page.get_by_role("heading", name=catalogue("zh")[f"pages.{spec.key}.title"]).first.is_visible()
    assert f"/{spec.url_path}?" in page.url and "lang=zh" in page.url


def test_a_link_whose_settings_streamlit_dropped_is_said_so(page, base_url):
    settings = "&".join(f"x{i}=1" for i in range(1200))  # Streamlit reads at most 1,000 parameters
    page.goto(f"{base_url}/race?surface=himmelblau&{settings}")
    wait_for_app(page)
    page.get_by_text("carries 1,201 settings").wait_for()
    assert page.get_by_role("heading", name=PAGES["race"].title).first.is_visible()
    assert page.get_by_text("At the end of the race (step 300)").is_visible()  # the defaults, whole
    screenshot(page, "link_dropped")


def test_share_shows_the_address_bars_link_and_a_qr_code(page, base_url):
    page.goto(f"{base_url}/race?surface=himmelblau&steps=200")
    wait_for_app(page)
    page.get_by_test_id("stSidebar").get_by_role("button", name="Share this experiment").click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    assert f"{base_url}/race?surface=himmelblau&steps=200" in dialog.locator("code").inner_text()
    qr = dialog.locator("img")
    qr.wait_for()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 100")  # the PNG arrived and decoded
    screenshot(page, "share")


@pytest.mark.parametrize("key", list(PAGES))
def test_every_page_opens_in_chinese_from_its_link(page, base_url, key):
    spec = PAGES[key]
    page.goto(f"{base_url}/{spec.url_path}?lang=zh")
    wait_for_app(page)
    zh = catalogue("zh")
    heading = zh["home.title"] if key == "home" else zh[f"pages.{key}.title"]
    page.get_by_role("heading", name=heading).first.wait_for()  # fails if it never shows
    page.get_by_test_id("stSidebar").get_by_role("button", name="分享这个实验").wait_for()
    wait_for_app(page)
    screenshot(page, f"{key}_zh")


def test_nothing_loads_from_outside_the_server(page, base_url):
    outside: list[str] = []
    page.on("request", lambda request: outside.append(request.url)
            if not request.url.startswith((base_url, "data:", "blob:")) else None)
    for spec in PAGES.values():
        page.goto(f"{base_url}/{spec.url_path}")
        wait_for_app(page)
    assert not outside, outside  # favicon, fonts, scripts: all served by the app itself
