"""A failing page on a shared server shows a reference number, never a traceback, and the server's
log holds the traceback under that number; locally the error shows whole. The served config keeps
Streamlit's protections on and uploads capped."""

from __future__ import annotations

import logging
import re
import tomllib
from pathlib import Path

import pytest

from playground.ui.pages import PageSpec
from tests.ui.helpers import open_page

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def broken_home(monkeypatch):
    def fail(self):
        raise RuntimeError("a bug in the page")
    monkeypatch.setattr(PageSpec, "blurb", property(fail))  # the home page lists every page's blurb


def test_a_hosted_server_shows_a_reference_number_and_logs_the_traceback(broken_home, monkeypatch, caplog):
    monkeypatch.setenv("PLAYGROUND_HOSTED", "1")
    with caplog.at_level(logging.ERROR, logger="playground"):
        at = open_page("home")
    assert not at.exception  # no traceback on the page
    (message,) = [e.value for e in at.error]
    reference = re.search(r"Reference ([0-9A-F]{6})", message).group(1)
    assert "give this number to your instructor" in message
    (record,) = [r for r in caplog.records if reference in r.getMessage()]
    assert "a bug in the page" in str(record.exc_info[1])


def test_locally_a_failing_page_shows_the_whole_traceback(broken_home, monkeypatch):
    monkeypatch.delenv("PLAYGROUND_HOSTED", raising=False)
    at = open_page("home")
    assert at.exception and "a bug in the page" in at.exception[0].value


def test_the_served_config_keeps_protections_on_and_uploads_small():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    server = config["server"]
    assert server.get("enableXsrfProtection", True) and server.get("enableCORS", True)
    assert server["maxUploadSize"] <= 5
    assert "STREAMLIT_CLIENT_SHOW_ERROR_DETAILS=none" in (ROOT / "Dockerfile").read_text()
