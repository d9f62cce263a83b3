"""AppTest helpers: open the app at a page, optionally with a query string."""

from __future__ import annotations

import json
import re
from pathlib import Path

from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.proto.WidgetStates_pb2 import WidgetState
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


def _player(at: AppTest, key: str):
    (element,) = [e for e in at.get("bidi_component") if e.proto.id.endswith(key)]
    return element


def player_scene(at: AppTest, key: str) -> dict:
    """What the step player with session key ``key`` was sent to draw."""
    return json.loads(_player(at, key).proto.json)


def send_player_event(at: AppTest, key: str, event: str, value) -> None:
    """AppTest cannot press a player's buttons: send the trigger the browser sends (``stop`` with
    the frame it stopped on, ``click`` with a point), and run what it triggers."""
    states = at._tree.get_widget_states()
    payload = json.dumps([{"event": event, "value": value}])
    states.widgets.append(WidgetState(id=_make_trigger_id(_player(at, key).proto.id, "events"),
                                      json_trigger_value=payload))
    at._run(states)


def described_charts(node) -> list[tuple]:
    """Every chart on the page as (chart, the element after it, the one after that)."""
    found = []
    kids = list(getattr(node, "children", {}).values())
    for i, kid in enumerate(kids):
        if kid.type == "vega_lite_chart":
            found.append((kid, *(kids[i + 1:i + 3] + [None, None])[:2]))
        found += described_charts(kid)
    return found


def metric(at: AppTest, label_start: str):
    """The page's metric whose label starts with ``label_start``."""
    return next(m for m in at.metric if m.label.startswith(label_start))


ENGLISH = re.compile(r"[A-Za-z][a-z']+(?:[ ,:;()-]+[A-Za-z][a-z']+){2,}")  # three English words in a row
CODE = re.compile(r"`[^`]*`|\$[^$]*\$")  # code and formulas read the same in every language
READ = {"markdown", "caption", "info", "warning", "error", "success", "title", "header", "subheader", "text"}


def english_phrases(node) -> list[str]:
    """Runs of three or more English words in what the page shows (texts, labels, help), outside
    code and formulas: on a page in another language, each is an untranslated phrase."""
    found = []
    shown = [getattr(node, "value", None)] if getattr(node, "type", "") in READ else []
    shown += [getattr(node, name, None) for name in ("label", "help", "caption", "placeholder")]
    for text in shown:
        if isinstance(text, str):
            found += ENGLISH.findall(CODE.sub("", text))
    for kid in getattr(node, "children", {}).values():
        found += english_phrases(kid)
    return found
