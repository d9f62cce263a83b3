"""A link whose settings Streamlit never read, said on the page instead of ignored.

Streamlit empties a query string of more than 512 Ki characters or 1,000 parameters before any
page script sees it (``streamlit.runtime.state.query_params.sanitize_query_string``), so such a
link opens its page with the defaults and nothing says why: a student would take the defaults for
the instructor's experiment. Only the browser still holds the link. On a session's first page, when
that page was given no settings, a component with no visible part reads the address the tab was
opened with (its navigation entry: the page has rewritten its own address by then) and reports the
size of its query; the server compares it with Streamlit's own limits and says which one it broke.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.runtime.state.query_params import (
    CLIENT_STATE_QUERY_STRING_MAX_FIELDS as MAX_FIELDS,
)
from streamlit.runtime.state.query_params import (
    CLIENT_STATE_QUERY_STRING_MAX_LENGTH as MAX_CHARS,
)

from playground.ui.i18n import t

KEY = "unread_link"     # session state: the component's report;
FIRST = f"{KEY}.first"  # the session's first page, and whether its link had settings;
DUE = f"{KEY}.due"      # whether this run asks the browser

JS = r"""
// Report the size of the query the tab was opened with (not the page's current address, which the
// app rewrites), as Streamlit counts it: characters after "?", and "&"-separated fields.
export default function ({ setStateValue }) {
  const opened = performance.getEntriesByType("navigation")[0]?.name ?? location.href;
  const query = new URL(opened).search.slice(1);
  if (query) setStateValue("size", { chars: query.length, fields: query.split("&").length });
}
"""

_mount = st.components.v2.component("playground.unread_link", js=JS)


@dataclass(frozen=True)
class Size:
    chars: int
    fields: int


def size(report: object) -> Size | None:
    """The component's report as a :class:`Size`; None for anything else (a browser's report is
    not trusted to be well formed)."""
    if not isinstance(report, dict):
        return None
    chars, fields = report.get("chars"), report.get("fields")
    if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in (chars, fields)):
        return None
    return Size(int(chars), int(fields))  # type: ignore[arg-type]


def verdict(query: Size) -> str | None:
    """Why Streamlit dropped a query of this size, in the page's language; None if it read it."""
    if query.chars > MAX_CHARS:
        return t("unread_link.too_long", chars=f"{query.chars:,}", limit=f"{MAX_CHARS:,}")
    if query.fields > MAX_FIELDS:
        return t("unread_link.too_many", fields=f"{query.fields:,}", limit=f"{MAX_FIELDS:,}")
    return None


def warn(page: str) -> None:
    """Where a page starts: on the session's first page, if it was opened without settings, say
    whether the browser reported a link Streamlit dropped, and have :func:`ask` ask it."""
    first, given = st.session_state.setdefault(FIRST, (page, bool(st.query_params)))
    st.session_state[DUE] = first == page and not given
    if not st.session_state[DUE]:
        return
    found = size(dict(st.session_state.get(KEY) or {}).get("size"))
    words = verdict(found) if found is not None else None
    if words is not None:
        st.warning(words, icon=":material/link_off:")


def ask() -> None:
    """Where a page has been drawn (``app.py``, after it): mount the component :func:`warn` wants.
    Not before: its report reruns the page, and one arriving while the page is still being drawn
    would cut that run short, losing the widgets it had not reached yet."""
    if st.session_state.get(DUE):
        with st.sidebar:  # nothing to see: at the sidebar's end, its empty slot moves nothing
            _mount(key=KEY, data={}, height="content", on_size_change=_reported)


def _reported() -> None:
    """The browser reported its link's size: the rerun this starts says whether it was dropped."""
