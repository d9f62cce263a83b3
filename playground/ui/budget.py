"""The pages' side of the work budget (``playground/budget.py``): say how long, or refuse."""

from __future__ import annotations

import streamlit as st

from playground.budget import HOSTED_SECONDS, Estimate, duration, verdict
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
