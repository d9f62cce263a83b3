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

from playground.ui.i18n import t
from playground.ui.pages import PageSpec

FALLBACK_BASE = "http://localhost:8501"  # where there is no browser to ask (tests, scripts)


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
    st.dialog(t("share.title"))(_shown)(address)


def _shown(address: str) -> None:
    st.caption(t("share.explain"))
    st.code(address, language=None, wrap_lines=True)
    png = qr_png(address)
    if png is None:
        st.warning(t("share.too_long"))
    else:
        st.image(png, caption=t("share.scan"), width=260)
