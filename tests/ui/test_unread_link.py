"""A link whose settings Streamlit dropped (too long, too many) is said so on the page it opened,
in the page's language; a link that was read, or a page opened with settings, says nothing."""

from __future__ import annotations

import json

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState

from playground.ui.i18n import catalogue
from playground.ui.unread_link import KEY, MAX_CHARS, MAX_FIELDS, Size, size, verdict
from tests.ui.helpers import open_page


def _report(at, value: dict) -> None:
    """What the browser's component sends: its state, ``size`` set."""
    (element,) = [e for e in at.get("bidi_component") if e.proto.id.endswith(KEY)]
    states = at._tree.get_widget_states()
    states.widgets.append(WidgetState(id=element.proto.id, json_value=json.dumps({"size": value})))
    at._run(states)


def _warnings(at) -> list[str]:
    return [w.value for w in at.warning]


def test_streamlits_own_limits_are_the_ones_compared():
    assert (MAX_CHARS, MAX_FIELDS) == (512 * 1024, 1000)
    assert verdict(Size(MAX_CHARS, MAX_FIELDS)) is None
    assert "524,289" in verdict(Size(MAX_CHARS + 1, 3))
    assert "1,001" in verdict(Size(9000, MAX_FIELDS + 1))


@pytest.mark.parametrize("report", [None, "x", {"chars": "9", "fields": 2}, {"chars": True, "fields": 2},
                                    {"chars": -1, "fields": 2}, {"chars": 10}, {"chars": 1.5, "fields": 2}],
                         ids=["none", "text", "string", "bool", "negative", "half", "float"])
def test_only_a_well_formed_report_is_believed(report):
    assert size(report) is None


def test_a_link_with_too_many_settings_is_said_so_on_its_page():
    at = open_page("home")
    assert not _warnings(at)
    _report(at, {"chars": 9000, "fields": 1200})
    (warning,) = _warnings(at)
    assert "1,200 settings" in warning and "1,000" in warning and "defaults" in warning


def test_a_link_too_long_is_said_so_in_chinese():
    at = open_page("home")
    at.sidebar.segmented_control[0].set_value("zh").run()  # the student switches after opening it
    _report(at, {"chars": MAX_CHARS + 10, "fields": 3})
    (warning,) = _warnings(at)
    assert catalogue("zh")["unread_link.too_long"].split("{")[0] in warning


def test_a_link_that_was_read_says_nothing():
    at = open_page("home")
    _report(at, {"chars": 40, "fields": 4})
    assert not _warnings(at)


def test_a_page_opened_with_settings_does_not_ask_the_browser():
    at = open_page("home", lang="en")
    assert not [e for e in at.get("bidi_component") if e.proto.id.endswith(KEY)]
