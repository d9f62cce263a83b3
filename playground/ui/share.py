"""The Share button every page carries: the page's current link, and a QR code of it.

An instructor puts the QR code on the projector and the class opens the same experiment on their
phones and laptops. The link is the page's own address with the query string its settings wrote
(see :mod:`playground.ui.urlstate`); the QR code is drawn on the server (segno), so nothing is
fetched from elsewhere.
"""

from __future__ import annotations

import io
from urllib.parse import urlencode

import segno
import streamlit as st

from playground.ui.classroom import classroom_link
from playground.ui.i18n import t
from playground.ui.pages import PAGES, PageSpec

FALLBACK_BASE = "http://localhost:8501"  # where there is no browser to ask (tests, scripts)
#: Open the classroom-link builder: a session flag set by Share, or ``?classroom=build`` in a link
#: (Home's builder); the page opens it once its settings are drawn (QueryState.sync).
BUILD = "classroom"


def link(spec: PageSpec, seen: str | None, query: dict[str, str]) -> str:
    """The address of ``spec``'s page with ``query``, where the browser sees the app at ``seen``
    (the app's root, or already this page's address: ``st.context.url`` gives either)."""
    root = (seen or FALLBACK_BASE).rstrip("/")
    if spec.url_path and root.endswith(f"/{spec.url_path}"):
        root = root[: -len(spec.url_path) - 1]
    address = f"{root}/{spec.url_path}".rstrip("/")
    return f"{address}?{urlencode(query)}" if query else address


def qr_png(text: str, scale: int = 5) -> bytes | None:
    """A PNG of ``text`` as a QR code (medium error correction), or None if it is too long for one."""
    try:
        code = segno.make(text, error="m", micro=False)
    except segno.DataOverflowError:
        return None
    out = io.BytesIO()
    code.save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def share_button(spec: PageSpec) -> None:
    """A Share button in the sidebar; it opens the link and its QR code."""
    if st.sidebar.button(t("share.button"), icon=":material/qr_code_2:", width="stretch"):
        _dialog(link(spec, st.context.url, {name: st.query_params[name] for name in st.query_params}))


def _dialog(address: str) -> None:
    st.dialog(t("share.title"))(_share)(address)


def _share(address: str) -> None:
    _shown(address)
    # The page opens the builder once its settings are drawn (it needs their labels): close this
    # dialog and rerun the page, which QueryState.sync ends with the builder.
    st.button(t("classroom.make"), icon=":material/lock:", on_click=st.session_state.__setitem__,
              args=(BUILD, True))
    if st.session_state.get(BUILD):
        st.rerun()


def classroom_builder(page: str, query: dict[str, str], labels: dict[str, str]) -> None:
    """The classroom-link builder for ``page`` as set up now (``query``, its link; ``labels``, its
    settings' labels): tick what students may change and what they do not even see; the rest is
    locked at its current value."""
    st.dialog(t("classroom.title"), width="large")(_builder)(page, query, labels)


def _builder(page: str, query: dict[str, str], labels: dict[str, str]) -> None:
    st.caption(t("classroom.explain"))
    names = list(labels)
    shown = {name: f"{labels[name]} · {name}" for name in names}
    free = st.multiselect(t("classroom.free"), names, format_func=shown.__getitem__, key="_classroom.free")
    locked = [name for name in names if name not in free]
    hidden = st.multiselect(t("classroom.hidden"), locked, format_func=shown.__getitem__,
                            key="_classroom.hidden")
    st.caption(t("classroom.summary", free=len(free), locked=len(locked) - len(hidden), hidden=len(hidden)))
    _shown(link(PAGES[page], st.context.url, classroom_link(page, query, locked, hidden)))


def _shown(address: str) -> None:
    st.caption(t("share.explain"))
    st.code(address, language=None, wrap_lines=True)
    png = qr_png(address)
    if png is None:
        st.warning(t("share.too_long"))
    else:
        st.image(png, caption=t("share.scan"), width=260)
