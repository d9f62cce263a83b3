"""English and 简体中文: every user-facing string comes from one catalogue per language.

The catalogues are ``playground/i18n/en.toml`` and ``zh.toml`` (:mod:`playground.i18n`); :func:`t`
fills a key's ``{name}`` fields, and :func:`say` renders what a pure module said
(:class:`~playground.i18n.Said`) in the page's language.

Which language a page speaks: the one chosen with the sidebar's switch in this session, else the
link's ``lang`` (``en`` or ``zh``), else the browser's (``st.context.locale``), else English. A
link carries ``lang`` only when it differs from what the viewer's browser would pick, so a
shared link opens in the language it was shared in.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from playground.i18n import DEFAULT, LANGUAGES, Said, SaidError, catalogue

__all__ = ["DEFAULT", "LANGUAGES", "CHOSEN", "PARAM", "catalogue", "t", "say", "said_of", "language",
           "browser_language", "link_params", "language_switch"]
PARAM = "lang"  # the link's query parameter
CHOSEN = "_i18n.lang"  # session key of the sidebar switch


def browser_language() -> str:
    """The language the viewer's browser asks for, if we speak it; else English."""
    locale = (st.context.locale or "").lower()
    return next((lang for lang in LANGUAGES if locale.startswith(lang)), DEFAULT)


def language() -> str:
    if get_script_run_ctx() is None:  # outside a page (a script, a benchmark): English
        return DEFAULT
    chosen = st.session_state.get(CHOSEN)
    if chosen in LANGUAGES:
        return str(chosen)
    linked = st.query_params.get(PARAM)
    return linked if linked in LANGUAGES else browser_language()


def t(key: str, **values: Any) -> str:
    """The text of ``key`` in the page's language, its ``{fields}`` filled from ``values``."""
    text = catalogue(language())[key]
    return text.format(**values) if values else text


def say(said: Said) -> str:
    """What a pure module said, in the page's language."""
    return said.text(language())


def said_of(error: Exception) -> str:
    """What went wrong, in the page's language where a module said it by key (a SaidError), else in
    the exception's own words."""
    return say(error.said) if isinstance(error, SaidError) else str(error)


def link_params() -> dict[str, str]:
    """What the link needs to open in this language: ``lang`` when the browser would pick another."""
    lang = language()
    return {PARAM: lang} if lang != browser_language() else {}


def language_switch() -> None:
    """The sidebar's language switch; a choice lands in the link (see :func:`link_params`)."""
    st.session_state.setdefault(CHOSEN, language())
    st.sidebar.segmented_control(t("common.language"), list(LANGUAGES), format_func=LANGUAGES.__getitem__,
                                 key=CHOSEN, on_change=_into_link, label_visibility="collapsed")


def _into_link() -> None:
    if st.session_state.get(CHOSEN) is None:  # a segmented control can be clicked off: keep the language
        st.session_state[CHOSEN] = language()
    params = {name: st.query_params[name] for name in st.query_params if name != PARAM}
    st.query_params.from_dict({**params, **link_params()})
