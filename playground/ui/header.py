"""What every page starts with: its title, and in the sidebar the language switch, Share and the
reduced-motion switch."""

from __future__ import annotations

import streamlit as st

from playground.ui.a11y import motion_switch
from playground.ui.i18n import language_switch, t
from playground.ui.pages import PageSpec
from playground.ui.share import share_button
from playground.ui.unread_link import warn as warn_of_unread_link


def page_header(spec: PageSpec, title: str | None = None) -> None:
    """The page's title (``spec``'s own unless ``title`` is given) and, but on Home, its one-paragraph
    introduction; in the sidebar, the language switch, Share and the reduced-motion switch. Under
    them, a warning when Streamlit dropped the settings of the link the page was opened with."""
    language_switch()
    share_button(spec)
    motion_switch()
    st.title(title or spec.title)
    if spec.url_path:
        st.caption(t(f"pages.{spec.key}.intro"))
    warn_of_unread_link(spec.key)
