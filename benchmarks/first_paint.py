"""Each page's first paint and settle time on a warm server, one session at a time, in Chromium.

Starts ``streamlit run app.py`` on a loopback port, opens every page once to warm the server
(imports, cross-session caches), then opens each in a fresh browser context ``REPEATS`` times
and prints the median of: first paint (the page's title is on screen) and settled (the script
has finished and every chart has drawn). Baseline, measured in the same run and the same way: a
bare Streamlit app whose one line is ``st.title``, i.e. what the browser needs to load Streamlit
itself. Goal (issue 9): first paint within 1.5 s on every page.
Needs Chromium (``apt-get install -y chromium``). Run: ``python benchmarks/first_paint.py``.
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playground.i18n import catalogue  # noqa: E402
from playground.ui.pages import PAGES  # noqa: E402

REPEATS = 3
GOAL = 1.5
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
SETTLED = "[data-testid='stApp'][data-test-script-state='notRunning']"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def open_once(browser, url: str, title: str) -> tuple[float, float]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url)
    page.get_by_role("heading", name=title).first.wait_for(timeout=60_000)
    painted = time.perf_counter() - started
    page.wait_for_timeout(200)  # the script-state attribute turns "running" just after the first paint
    page.wait_for_selector(SETTLED, state="attached", timeout=60_000)
    page.wait_for_function("() => [...document.querySelectorAll('[data-testid=stVegaLiteChart]')]"
                           ".every(c => c.querySelector('canvas, svg'))", timeout=60_000)
    settled = time.perf_counter() - started
    context.close()
    return painted, settled


def serve(script: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless=true",
         f"--server.port={port}", "--server.address=127.0.0.1", "--browser.gatherUsageStats=false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url)
    return server, url


def median_times(browser, url: str, title: str) -> tuple[float, float]:
    open_once(browser, url, title)  # warm-up: imports and cross-session caches
    times = [open_once(browser, url, title) for _ in range(REPEATS)]
    return statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        bare = Path(folder) / "bare.py"
        bare.write_text('import streamlit as st\n\nst.title("Baseline")\n')
        servers = [serve(bare), serve(ROOT / "app.py")]
        try:
            (_, bare_url), (_, url) = servers
            print(f"load average {os.getloadavg()[0]:.1f}; median of {REPEATS} fresh sessions per page "
                  f"after one warm-up; goal: first paint ≤ {GOAL} s")
            failed = []
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=CHROMIUM_ARGS)
                painted, settled = median_times(browser, bare_url, "Baseline")
                print(f"  base  {'bare st.title app':24} first paint {painted:5.2f} s, "
                      f"settled {settled:5.2f} s")
                for spec in PAGES.values():
                    painted, settled = median_times(browser, f"{url}/{spec.url_path}", _heading(spec.key))
                    ok = painted <= GOAL
                    failed += [] if ok else [spec.title]
                    print(f"  {'PASS' if ok else 'FAIL'}  {spec.title:24} first paint {painted:5.2f} s, "
                          f"settled {settled:5.2f} s")
                browser.close()
            print("all pages within the goal" if not failed else f"over the goal: {', '.join(failed)}")
            return 0
        finally:
            for server, _ in servers:
                server.terminate()
                server.wait(timeout=10)


def _heading(page: str) -> str:
    """The page's title as a fresh English session shows it (the catalogue's)."""
    english = catalogue("en")
    return english["home.title"] if page == "home" else english[f"pages.{page}.title"]


if __name__ == "__main__":
    sys.exit(main())
