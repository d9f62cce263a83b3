"""A ``should_stop`` for tests of stoppable work (:mod:`playground.stopping`): it answers True from a
moment on, and remembers when it was asked, so a test can check how often the work asks."""

from __future__ import annotations

import time

import numpy as np


class StopAfter:
    """Answers True once ``seconds`` have passed since it was made, or from its ``calls``-th call on."""

    def __init__(self, seconds: float = float("inf"), calls: int | None = None) -> None:
        self.started, self.seconds, self.calls = time.monotonic(), seconds, calls
        self.asked: list[float] = []

    def __call__(self) -> bool:
        now = time.monotonic()
        self.asked.append(now)
        return now - self.started >= self.seconds or len(self.asked) == self.calls

    @property
    def longest_gap(self) -> float:
        """The most seconds of work between two questions (from the moment it was made)."""
        return float(np.diff([self.started, *self.asked]).max())


def endings_of(monkeypatch, module: object, name: str) -> list[BaseException | None]:
    """Replace ``module.name`` (a long computation a page calls) with a wrapper that records how each
    call ended: None when it returned, else what it raised (a stop is Streamlit's StopException)."""
    endings: list[BaseException | None] = []
    work = getattr(module, name)

    def watched(*args, **kwargs):
        try:
            done = work(*args, **kwargs)
        except BaseException as ended:
            endings.append(ended)
            raise
        endings.append(None)
        return done

    monkeypatch.setattr(module, name, watched)
    return endings
