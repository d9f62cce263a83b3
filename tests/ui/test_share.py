"""The Share button: every page has it, and it shows the page's current link and a QR code of
exactly that link."""

from __future__ import annotations

import io

import pytest
import segno

from playground.ui.pages import PAGES
from playground.ui.share import link, qr_png
from tests.ui.helpers import open_page

PNG = b"\x89PNG\r\n\x1a\n"


def test_a_link_is_the_pages_address_with_its_settings():
    race = link(PAGES["race"], "https://class.example.org/", {"surface": "himmelblau", "Adam.lr": "0.05"})
    assert race == "https://class.example.org/race?surface=himmelblau&Adam.lr=0.05"
    assert link(PAGES["race"], "https://class.example.org/race", {"steps": "50"}) == \
        "https://class.example.org/race?steps=50"  # the browser's address of the page itself
    assert link(PAGES["home"], "https://class.example.org/", {}) == "https://class.example.org"
    assert link(PAGES["lab"], None, {"hidden": "32,32"}) == "http://localhost:8501/regularization?hidden=32%2C32"


def test_the_qr_code_encodes_the_link_and_a_link_too_long_for_one_says_so():
    address = "https://class.example.org/race?surface=himmelblau&Adam.lr=0.05"
    png = qr_png(address)
    expected = io.BytesIO()
    segno.make(address, error="m", micro=False).save(expected, kind="png", scale=5, border=2)
    assert png is not None and png.startswith(PNG) and png == expected.getvalue()
    assert qr_png("x" * 5000) is None  # beyond what any QR code holds


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_has_a_share_button(page):
    at = open_page(page)
    assert any(b.label == "Share this experiment" for b in at.sidebar.button), page


def test_share_shows_the_current_link_and_its_qr_code():
    at = open_page("race", surface="himmelblau", steps="200")
    next(b for b in at.sidebar.button if b.label == "Share this experiment").click().run()
    assert not at.exception
    (shown,) = [c.value for c in at.code if c.value.startswith("http")]
    assert shown == "http://localhost:8501/race?surface=himmelblau&steps=200&v=2"
    (image,) = at.get("image")
    assert image.proto.imgs[0].caption == "Scan to open it on a phone or tablet."
