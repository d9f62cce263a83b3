"""The pages' side of the work budget (``playground/budget.py``): say how long, or refuse, and
end the work once nobody waits for it (:func:`stop_check`)."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_run_yield_check

from playground.budget import HOSTED_SECONDS, Estimate, duration, verdict
from playground.stopping import StopCheck, never
from playground.train.runs import hosted_mode
from playground.ui.i18n import say, t


def within_budget(estimate: Estimate) -> bool:
    """False, after explaining what to lower, when this server may not run ``estimate``'s work;
    True otherwise, after a warning when the work is long. The notice is the verdict's, in the page's
    language (``estimate``'s own words, what is counted and what to lower, are the page's to translate)."""
    judged = verdict(estimate, hosted_mode())
    took = say(duration(estimate.seconds))
    if not judged.allowed:
        st.error(t("budget.refused", took=took, work=estimate.work, limit=HOSTED_SECONDS,
                   lower=estimate.lower), icon=":material/hourglass_disabled:")
    elif judged.message:
        st.warning(t("budget.long", took=took, work=estimate.work), icon=":material/hourglass_top:")
    return judged.allowed


def stop_check() -> StopCheck:
    """The ``should_stop`` a page hands its long computations (:mod:`playground.stopping`).

    Each call lets Streamlit end this script run if it should, as any ``st.*`` call would: a pending
    rerun (a widget changed) raises its rerun signal, a stop (the tab was closed, the session
    expired or was shut down) its stop signal, and the computation unwinds with them; otherwise it
    answers False. The check is the one Streamlit's own cache waits poll (the run's yield check:
    a flag read, no lock). Outside a script run (a script, a benchmark) nothing stops it."""
    yield_check = get_run_yield_check()
    if yield_check is None:
        return never

    def should_stop() -> bool:
        yield_check()
        return False

    return should_stop
