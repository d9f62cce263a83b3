"""A link cannot put content on a page: whatever Markdown, HTML, backticks or line breaks a link's
values hold, the page echoes them (in a notice, an error, a lesson's warning) as text, never as a
heading, a link or an image of someone else's."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from playground.ui import urlstate
from playground.ui.escape import in_code, literal
from playground.ui.i18n import PARAM as LANG
from playground.ui.pages import PAGES
from tests.ui.helpers import READ, open_page

SIGN_IN = ("x\n\n## Session expired\n[Sign in again](https://evil.example/login)\n"
           "![](https://evil.example/pixel.png)")  # the address from the issue, for /training?lr=
POISONS = {
    "sign_in": SIGN_IN,
    "link": "[Log in](https://evil.example/login)",
    "html": "<img src=x onerror=alert(1)>",
    "backticks": "a` [b](https://evil.example) `c",  # they close the notice's code span around the value
    "heading": "\n# PWNED ![p](https://evil.example/p.png)",
    "autolink": "www.evil.example :red[x] $x$ **b**",
}
# Each is what the page, as the browser draws it, must not hold: once backslash-escaped marks and
# code spans (both shown as written) are taken out, a link's or image's brackets, an HTML tag, a
# web address that would turn into a link; and a heading line.
ESCAPED = re.compile(r"\\[!-/:-@\[-`{-~]")
CODE_SPAN = re.compile(r"`[^`\n]*`")
LIVE = re.compile(r"\]\(|!\[|<img|<a\b|://|www\.|:red\[|\$x\$|\*\*b", re.IGNORECASE)
HEADING = re.compile(r"^ {0,3}#{1,6}(?:\s|$)", re.MULTILINE)
SHARED = (urlstate.VERSION, LANG, *urlstate.KEPT)  # what every page reads from a link besides its settings


def _markdown(node) -> list[str]:
    """Every text the page draws as Markdown: bodies of texts and notices, labels, help."""
    shown = [getattr(node, "value", None)] if getattr(node, "type", "") in READ else []
    shown += [getattr(node, name, None) for name in ("label", "help", "caption", "placeholder")]
    found = [text for text in shown if isinstance(text, str)]
    for kid in getattr(node, "children", {}).values():
        found += _markdown(kid)
    return found


def _live(at: AppTest) -> list[str]:
    """What the page draws live from the poisons: each offending piece with its text."""
    found = []
    for text in _markdown(at._tree):
        plain = CODE_SPAN.sub("", ESCAPED.sub("", text))
        found += [f"{hit!r} in {text!r}" for hit in LIVE.findall(plain) + HEADING.findall(text)]
    return found


def _settings(page: str) -> list[str]:
    """The settings ``page`` reads from its link (every one its widgets declare at the defaults)."""
    return sorted(open_page(page, timeout=120).session_state[f"_memory.{page}"]) if page != "home" else []


def _warnings(at: AppTest) -> str:
    return " ".join(w.value for w in at.warning)


@pytest.mark.parametrize("page", list(PAGES))
def test_every_field_of_every_page_shows_a_poisoned_link_as_text(page):
    names = [*_settings(page), *SHARED]
    poisons = list(POISONS.values())
    query = {name: poisons[i % len(poisons)] for i, name in enumerate(names)}
    at = open_page(page, timeout=120, **query)
    assert not at.exception
    assert not _live(at), _live(at)
    if page != "home":  # the page does say which values it ignored
        assert "`v=" in _warnings(at) and "evil" in _warnings(at)


def test_the_issues_sign_in_link_is_an_ignored_value_not_a_heading_and_link():
    at = open_page("runs", timeout=120, lr=SIGN_IN)
    assert not at.exception and not _live(at), _live(at)
    (notice,) = [w.value for w in at.warning]
    assert notice.startswith(f"Ignored `lr={in_code(SIGN_IN)}` from the link")
    assert "⏎⏎## Session expired⏎" in notice  # the value is still there to read, on one line
    assert at.session_state["runs.lr"] == 0.01  # the page's default, kept


@pytest.mark.parametrize(("page", "query"), [
    ("race", {"surface": "custom", "formula": "x\n\n# PWNED\n![p](https://evil.example/p.png)"}),
    ("lab", {"hidden": "[Log in](https://evil.example/login)"}),
    ("race", {"lesson": "a`\n\n# PWNED [b](https://evil.example)"}),
], ids=["formula_heading", "hidden_link", "lesson_heading"])
def test_a_typed_value_a_page_refuses_is_quoted_as_text(page, query):
    at = open_page(page, timeout=120, **query)
    assert not at.exception
    assert at.warning or at.error  # it says what it refused
    assert not _live(at), _live(at)


def test_a_formulas_unknown_name_reads_as_typed_not_in_bold():
    at = open_page("race", timeout=120, surface="custom", formula="__import__('os')")
    (shown,) = [e.value for e in at.error]
    assert r"unknown name '\_\_import\_\_' at position 1" in shown  # Markdown would bold "import"


def test_an_uploaded_files_name_is_shown_as_text():
    at = open_page("lab", timeout=120, data="your CSV", hidden="16", epochs="5")
    at.file_uploader[0].set_value(("[Log in](https://evil.example).csv", b"a,b\n1,2\n", "text/csv")).run()
    assert not at.exception
    assert any(e.value.startswith(r"\[Log in\](https\://evil.example).csv: ") for e in at.error)
    assert not _live(at), _live(at)


@pytest.mark.parametrize("text", [*POISONS.values(), "- a list item", "1. a numbered one"],
                         ids=[*POISONS, "list", "numbered"])
def test_an_escaped_value_reads_as_it_was_written(text):
    one_line = text.replace("\n", "⏎")
    assert ESCAPED.sub(lambda mark: mark[0][1], literal(text)) == one_line  # what the browser shows
    assert in_code(text, limit=None) == one_line.replace("`", "ˋ")
    assert in_code("x" * 50) == "x" * 40 + "…"
