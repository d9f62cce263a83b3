"""The gradient-health page's training runs, cached per setting."""

from __future__ import annotations

import streamlit as st

from playground.backprop.deepnet import DeepConfig
from playground.backprop.health import Run, train
from playground.threads import interactive


@st.cache_data(max_entries=24, show_spinner="Training…")
@interactive
def cached_run(config: DeepConfig, steps: int, lr: float, clip: str, threshold: float) -> Run:
    return train(config, steps, lr, clip, threshold)
