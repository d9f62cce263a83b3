"""The pages' side of the work budget (``playground/budget.py``): say how long, or refuse."""

from __future__ import annotations

import streamlit as st

from playground.budget import Estimate, verdict
from playground.train.runs import hosted_mode


def within_budget(estimate: Estimate) -> bool:
    """False, after explaining what to lower, when this server may not run ``estimate``'s work;
    True otherwise, after a warning when the work is long."""
    judged = verdict(estimate, hosted_mode())
    if not judged.allowed:
        st.error(judged.message, icon=":material/hourglass_disabled:")
    elif judged.message:
        st.warning(judged.message, icon=":material/hourglass_top:")
    return judged.allowed
