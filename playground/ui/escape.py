"""Text a person typed, or a link carried, shown as written inside the pages' Markdown.

Streamlit draws the body of ``st.markdown``, ``st.warning``, ``st.error``, ``st.caption`` and a
widget's label as Markdown, so a value echoed into one would be read as Markdown too: a link such as
``/training?lr=x%0A%0A## Session expired%0A[Sign in](https://evil.example)`` would draw a heading
and a live link inside the page's own notice. Every echo of such a value goes through one of these::

    literal("[a](https://e.x)")  -> r"\\[a\\](https\\://e.x)"   running text: nothing in it is Markdown
    in_code("a`b\\nc")          -> "aˋb⏎c"                  inside a code span a catalogue puts around it
    said_literally(error)       what a pure module said, each text it carries shown as written

Both turn line breaks into a visible ⏎ (a line break could start a heading, a list or a new
paragraph that ends a code span) and cut a value at ``limit`` characters, with "…".
"""

from __future__ import annotations

import re

from playground.i18n import Said, SaidError
from playground.ui.i18n import say

LIMIT = 40  # characters of a value echoed from a link; enough to recognise it
NEWLINE = "⏎"
BACKTICK = "ˋ"  # U+02CB: a backtick that cannot close the code span it is shown in
# What str.splitlines breaks at: CommonMark only at \n and \r, but none of them belongs in one line.
_BREAKS = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
# Every character that starts Markdown inside a line: links and images ([ ]), HTML and autolinks
# (< >), entities (&), code (`), emphasis (* _ ~), maths ($), a heading (#), Streamlit's directives
# and emoji, and the scheme of a bare link (:), an address (@), and the backslash itself. The rest
# (quotes, dots, commas, brackets) only mean something after one of these or at the start of a line
# (a list item, below), so elsewhere they stay plain.
_SPECIAL = re.compile(r"([\\`*_~\[\]<>&$#:@])")
_WWW = re.compile(r"(?<=www)\.", re.IGNORECASE)  # GFM links a bare www.example.com too
_LIST = re.compile(r"^(\s*\d*)([-+.)])")  # "- a", "+ a", "1. a" at the start would be a list item


def _one_line(text: str, limit: int | None) -> str:
    if limit is not None and len(text) > limit:
        text = text[:limit] + "…"
    return _BREAKS.sub(NEWLINE, text)


def literal(text: str, limit: int | None = None) -> str:
    """``text`` as Markdown that shows it as written, on one line: every character that could start
    Markdown (a link, an image, HTML, a heading, a list item, code, emphasis, maths) escaped with a
    backslash."""
    escaped = _WWW.sub(r"\\.", _SPECIAL.sub(r"\\\1", _one_line(text, limit)))
    return _LIST.sub(r"\1\\\2", escaped, count=1)


def in_code(text: str, limit: int | None = LIMIT) -> str:
    """``text`` for inside a code span (a catalogue's `` `{name}={text}` ``), which shows everything
    as written but a backtick or a line break: those would end it."""
    return _one_line(text, limit).replace("`", BACKTICK)


def said_literally(said: Said | Exception) -> str:
    """What a pure module said, as :func:`~playground.ui.i18n.say` (or for an exception
    :func:`~playground.ui.i18n.said_of`) writes it, with every text among its values (a formula's
    token, a file's column name) shown as written; the catalogue's own Markdown stays. An exception
    not said by key is its own words, all shown as written."""
    if isinstance(said, SaidError):
        said = said.said
    return literal(str(said)) if isinstance(said, Exception) else say(_escaped(said))


def _escaped(said: Said) -> Said:
    return Said(said.key, {name: _escaped(value) if isinstance(value, Said)
                           else literal(value) if isinstance(value, str) else value
                           for name, value in said.fields.items()})
