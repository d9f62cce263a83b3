"""Long computations that end when asked: the lab's training, basin maps, gradient-health runs.

A page computes in its script thread, and Streamlit ends a script run (a widget changed, the tab
was closed, the session expired) only at the script's next ``st.*`` call, which a pure loop never
makes: a lab run of 5,000 epochs kept a core busy for minutes after its tab closed. So each long
loop takes a ``should_stop`` callable and asks it before every step of its work: a lab mini-batch
step (a millisecond or so), a step of every start of a basin map (70 ms for six methods on a
400 × 400 grid), a gradient-health step; far below the half second a stop may take. When it answers
True the loop raises :class:`Stopped`: a computation cut short has no result worth keeping or sharing.

The pages pass :func:`playground.ui.budget.stop_check`, which raises Streamlit's own stop or rerun
signal instead of answering True; scripts and tests pass whatever they like (an event's ``is_set``).
"""

from __future__ import annotations

from collections.abc import Callable

StopCheck = Callable[[], bool]


class Stopped(Exception):
    """``should_stop`` answered True; ``done`` says how far the work got, in its own unit (epochs
    trained, steps taken)."""

    def __init__(self, done: int) -> None:
        super().__init__(f"stopped when asked, after {done} done")
        self.done = done


def never() -> bool:
    """The ``should_stop`` of a computation nobody will interrupt."""
    return False


def check(should_stop: StopCheck, done: int) -> None:
    """Raise :class:`Stopped` (with ``done``) if ``should_stop()`` says so."""
    if should_stop():
        raise Stopped(done)
