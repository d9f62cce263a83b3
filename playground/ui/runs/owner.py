"""Who owns a session's training runs: a token the browser keeps in a first-party cookie.

A session's owner token lives in the cookie ``playground_owner``, so a reloaded page (a new
session) is the same owner: it sees its runs again, can stop them, and the per-owner cap counts
them. Never in the URL: links are shared with the class, and a token in one would let everyone who
opened it see and stop the runs. Streamlit reads cookies (``st.context.cookies``, as they were when
the page connected) but cannot set them, so a tiny component with no visible part writes it from
the browser. Until the cookie comes back with a new connection, the session's own random token is
the owner; a browser that already holds another one (a second tab set it first) reports it, and the
session adopts it, runs and all. Only values shaped like the tokens this module makes are believed.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import MutableMapping
from typing import Any

import streamlit as st

from playground.train.runs import RunQueue

COOKIE = "playground_owner"
BYTES = 16                      # secrets.token_urlsafe(16): 22 characters of [A-Za-z0-9_-]
TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")
MAX_AGE = 30 * 24 * 3600        # seconds the browser keeps the cookie: far beyond any run's lifetime

JS = r"""
// Keep the owner token in a first-party cookie. A browser that already holds a well-formed token
// keeps it and reports it (the session adopts it); otherwise this session's token is written.
export default function ({ data, setStateValue }) {
  const prefix = data.name + "=";
  const held = document.cookie.split("; ").find((c) => c.startsWith(prefix))?.slice(prefix.length);
  if (held && new RegExp("^" + data.pattern + "$").test(held)) {
    if (held !== data.token) setStateValue("token", held);
    return;
  }
  const secure = location.protocol === "https:" ? "; Secure" : "";
  document.cookie = `${prefix}${data.token}; Path=/; Max-Age=${data.max_age}; SameSite=Strict${secure}`;
}
"""

_mount = st.components.v2.component("playground.owner", js=JS)


def token(value: object) -> str | None:
    """``value`` if it is shaped exactly like an owner token, else None (never trust other values)."""
    return value if isinstance(value, str) and TOKEN.fullmatch(value) else None


def resolve(held: str | None, state: MutableMapping[Any, Any], key: str, queue: RunQueue) -> str:
    """The owner of this session's runs, kept in ``state[key]``: the token the browser ``held``
    (one :func:`token` accepted), moving to it the runs launched under the session's own token;
    without one, the session's own random token (made on its first run)."""
    if held is None:
        return state.setdefault(key, secrets.token_urlsafe(BYTES))
    mine = state.get(key)
    if mine is not None and mine != held:
        queue.adopt(mine, held)
    state[key] = held
    return held


def browser_owner(queue: RunQueue, key: str) -> str:
    """This browser's owner token (see the module's notes), kept in session state under ``key``
    (the component's report under ``key.browser``); writes the cookie while the connection did
    not bring one."""
    cookie = token(st.context.cookies.get(COOKIE))
    reported = token(dict(st.session_state.get(f"{key}.browser") or {}).get("token"))
    owner = resolve(cookie or reported, st.session_state, key, queue)
    if cookie is None:
        data = {"name": COOKIE, "token": owner, "pattern": TOKEN.pattern, "max_age": MAX_AGE}
        with st.sidebar:  # nothing to see: at the sidebar's end, its empty slot moves nothing
            _mount(key=f"{key}.browser", data=data, height="content", on_token_change=_reported)
    return owner


def _reported() -> None:
    """The browser reported the token it holds: the rerun this starts adopts it."""
