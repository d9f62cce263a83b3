"""The gradient-health page's training runs, cached per setting; a run stops with its page."""

from __future__ import annotations

import streamlit as st

from playground.backprop.deepnet import DeepConfig
from playground.backprop.health import Run, train
from playground.threads import interactive
from playground.ui.budget import stop_check
from playground.ui.i18n import t


@st.cache_data(max_entries=24, show_spinner=False)
@interactive
def _trained(config: DeepConfig, steps: int, lr: float, clip: str, threshold: float) -> Run:
    return train(config, steps, lr, clip, threshold, should_stop=stop_check())


def cached_run(config: DeepConfig, steps: int, lr: float, clip: str, threshold: float) -> Run:
    """The run, trained once per setting; a spinner in the page's language while it trains (a cached
    run returns before the spinner would show)."""
    with st.spinner(t("health.training")):
        return _trained(config, steps, lr, clip, threshold)
