"""Classroom links: an instructor's link that locks chosen settings (shown, not changeable) and
hides others, in the spirit of TensorFlow Playground's per-control hide flags.

A classroom link is the page's own link plus ``lock=`` (the settings students may not change),
``hide=`` (those of them not even shown) and ``sig=``: an HMAC-SHA256 over the page, both lists
and the locked settings' values, keyed with this server's secret. A student who edits a locked
value, or either list, in the address bar no longer holds a valid link: the page then ignores
the link's settings, opens at its defaults and says why. Settings not in ``lock`` stay free.

The secret is ``PLAYGROUND_LINK_SECRET`` when set (give every replica the same one), else a random
one kept in a file beside the user's other state, so links outlive a restart.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

SECRET_ENV = "PLAYGROUND_LINK_SECRET"
LOCK, HIDE, SIG = "lock", "hide", "sig"
PARAMS = (LOCK, HIDE, SIG)


@functools.cache
def secret() -> bytes:
    """This server's signing key (see the module's docstring)."""
    if text := os.environ.get(SECRET_ENV):
        return text.encode()
    state = Path(os.environ.get("XDG_STATE_HOME", Path.home() / ".local" / "state"))
    path = state / "playground" / "link-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip().encode()


def _names(text: str) -> tuple[str, ...]:
    return tuple(sorted({name for name in text.split(",") if name}))


def signature(page: str, locked: Iterable[str], hidden: Iterable[str], link: Mapping[str, str]) -> str:
    """The signature of a classroom link of ``page`` (a page's key) from its lists and the locked
    settings' values in ``link`` (a setting not in the link is at its default)."""
    locked, hidden = sorted(set(locked)), sorted(set(hidden))
    lines = [page, ",".join(locked), ",".join(hidden), *(f"{name}={link.get(name, '')}" for name in locked)]
    return hmac.new(secret(), "\n".join(lines).encode(), hashlib.sha256).hexdigest()[:24]


def classroom_link(page: str, query: Mapping[str, str], locked: Iterable[str],
                   hidden: Iterable[str] = ()) -> dict[str, str]:
    """``query`` (a page's link) as a classroom link locking ``locked`` and hiding ``hidden``
    (hidden settings are locked too); no lock at all is the plain link."""
    hidden = set(hidden)
    locked = set(locked) | hidden
    plain = {name: value for name, value in query.items() if name not in PARAMS}
    if not locked:
        return plain
    return {**plain, LOCK: ",".join(sorted(locked)), **({HIDE: ",".join(sorted(hidden))} if hidden else {}),
            SIG: signature(page, locked, hidden, plain)}


@dataclass(frozen=True)
class Classroom:
    """What a classroom link locks and hides."""

    locked: frozenset[str]
    hidden: frozenset[str]

    def params(self, page: str, query: Mapping[str, str]) -> dict[str, str]:
        """The lists and signature to write back beside ``query``, the page's settings."""
        return {name: value for name, value in classroom_link(page, query, self.locked, self.hidden).items()
                if name in PARAMS}


def read(page: str, link: Mapping[str, str]) -> tuple[Classroom | None, bool]:
    """The classroom in ``link`` (None for a plain link), and whether the link was altered (then
    also None: an altered link locks nothing and its settings are not to be trusted)."""
    if not any(name in link for name in PARAMS):
        return None, False
    locked, hidden = _names(link.get(LOCK, "")), _names(link.get(HIDE, ""))
    expected = signature(page, locked, hidden, link)
    if not locked or not set(hidden) <= set(locked) or not hmac.compare_digest(expected, link.get(SIG, "")):
        return None, True
    return Classroom(frozenset(locked), frozenset(hidden)), False
