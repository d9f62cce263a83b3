"""AppTest helpers: open the app at a page, optionally with a query string."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from playground.ui.pages import PAGES

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def open_page(page: str, timeout: float = 60, **query: str) -> AppTest:
    """Run app.py switched to the page ``PAGES[page]``, with ``query`` as URL parameters."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    at.switch_page(PAGES[page].path)
    at.run()
    return at
