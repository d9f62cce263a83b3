"""Real-browser fixtures: one Streamlit server and one headless Chromium for the whole session.

Tests get a fresh ``page`` and the server's ``base_url``; screenshots land in
``artifacts/screenshots/`` so a person can look at them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(*options: str, **environ: str) -> Iterator[str]:
    """A fresh ``streamlit run app.py`` on a free port with these command-line ``options`` and
    ``environ`` added to the environment; yields its URL once it answers its health check."""
    port = _free_port()
    env = {**os.environ, "PLAYGROUND_DATA": str(ROOT / "artifacts" / "data"), **environ}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless=true",
         f"--server.port={port}", "--server.address=127.0.0.1", "--browser.gatherUsageStats=false",
         *options],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as reply:
                if reply.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        server.kill()
        pytest.fail("Streamlit server did not become healthy within 60 s")
    try:
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def base_url():
    with serving() as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: apt-get install -y chromium (see .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def wait_for_app(page, timeout: float = 60_000) -> None:
    """Wait until Streamlit has finished running the page script (after a load or a widget change)."""
    page.wait_for_timeout(300)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']",
                           state="attached", timeout=timeout)
    page.wait_for_timeout(300)


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


OTHER_THEME = {"light": "dark", "dark": "light"}


def switch_theme(page, scheme: str) -> None:
    """Make the open page's browser prefer ``scheme`` ("light" or "dark") now. The app follows the
    system theme, so it redraws in the other one without a reload: wait until its background says
    so, and for the charts to be drawn again."""
    page.emulate_media(color_scheme=scheme)
    page.wait_for_function(
        """dark => {
            const rgb = getComputedStyle(document.querySelector('.stApp')).backgroundColor.match(/\\d+/g);
            return (rgb.slice(0, 3).reduce((sum, c) => sum + Number(c), 0) < 384) === dark;
        }""", arg=scheme == "dark")
    page.wait_for_timeout(500)


@contextmanager
def themed_page(browser, url: str, width: int, scheme: str) -> Iterator:
    """A fresh page ``width`` px wide whose browser prefers the ``scheme`` ("light" or "dark") theme,
    opened at ``url`` and settled; closed afterwards."""
    context = browser.new_context(viewport={"width": width, "height": 1000}, color_scheme=scheme)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(url)
        wait_for_app(page)
        yield page
    finally:
        context.close()
