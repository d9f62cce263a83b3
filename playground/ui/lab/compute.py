"""Train the lab's run(s) with live progress, once per distinct setting.

Finished runs are kept in the session, keyed by data and settings, at most a few (memory stays
bounded): scrubbing, playing and opening tabs rerun the page without retraining, toggling a
regularizer back reuses the earlier run, and a comparison trains its baseline A only once.
Changing a widget mid-training stops the script, and with it the training, so the page stays
responsive.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial

import streamlit as st

from playground.budget import Estimate, lab_estimate
from playground.datasets.toy import SplitData
from playground.regularization.compare import variants
from playground.regularization.config import LabConfig
from playground.regularization.trainer import Run, train
from playground.threads import interactive
from playground.ui.lab.charts import curves_chart, curves_data, markers_data
from playground.ui.lab.controls import Settings
from playground.ui.lab.keys import CACHE, SHOWN

KEEP = 4  # runs kept in the session's cache
LIVE_EVERY = 0.5  # seconds between live loss charts while a run trains


def runs_for(settings: Settings) -> dict[str, Run]:
    """{label: Run}: one run, or A (unregularized) and B (as set) when comparing."""
    data = settings.data
    assert data is not None, "the page stops before training when it has no data"
    wanted = _wanted(settings)
    cache: list[tuple[tuple, Run]] = st.session_state.setdefault(CACHE, [])
    runs = {label: remembered(cache, (settings.source, config), partial(_train_live, data, label, config))
            for label, config in wanted.items()}
    st.session_state[SHOWN] = runs
    return runs


def estimate(settings: Settings) -> Estimate:
    """The training these settings ask for that is not already cached in the session (a run
    toggled back, or comparison's baseline A, costs nothing)."""
    data = settings.data
    assert data is not None, "the page stops before training when it has no data"
    cached = [key for key, _ in st.session_state.get(CACHE, [])]
    todo = [lab_estimate(config, data) for config in _wanted(settings).values()
            if (settings.source, config) not in cached]
    if not todo:
        return Estimate(0.0, "nothing: every run is cached", "")
    return Estimate(sum(e.seconds for e in todo), " and ".join(e.work for e in todo), todo[0].lower)


def _wanted(settings: Settings) -> dict[str, LabConfig]:
    return variants(settings.config) if settings.compare else {"run": settings.config}


def remembered(cache: list[tuple[tuple, Run]], key: tuple, make: Callable[[], Run], keep: int = KEEP) -> Run:
    """The run cached under ``key``, else ``make()``'s; either way it becomes the most recent of
    at most ``keep`` cached runs. (A list, not a dict: the keys hold unhashable settings.)"""
    found = [run for cached, run in cache if cached == key]
    run = found[0] if found else make()
    cache[:] = [(cached, other) for cached, other in cache if cached != key][-(keep - 1):] + [(key, run)]
    return run


@interactive
def _train_live(data: SplitData, label: str, config: LabConfig) -> Run:
    bar = st.progress(0.0, text=f"Training {label}…")
    live = st.empty()

    drawn = [time.monotonic()]

    def report(run: Run) -> None:
        bar.progress(run.epochs_run / config.epochs, text=f"Training {label}: epoch {run.epochs_run}")
        # a chart at most every LIVE_EVERY seconds: each one is rebuilt, sent and drawn by the browser,
        # so a run shorter than that shows only its result, and a long one still moves
        if time.monotonic() - drawn[0] >= LIVE_EVERY:
            live.altair_chart(curves_chart(curves_data({label: run}, "loss"), markers_data(run), "loss"),
                              width="stretch")
            drawn[0] = time.monotonic()

    run = train(data, config, report, max(1, config.epochs // 15))
    bar.empty()
    live.empty()
    return run
