"""The home page introduces the playground and links to every page."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.pages.helpers import APP


def test_home_page_links_every_page():
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert "playground" in at.title[0].value.lower()
    text = " ".join(c.value for c in at.caption)
    for topic in ("SGD", "overfit", "MNIST", "chain rule", "Vanishing"):
        assert topic in text
