"""Train the lab's run(s) with live progress, once per distinct setting for the whole server.

Finished runs are kept for every session (:class:`~playground.ui.shared.SharedCache`), keyed by
data and settings, at most RUNS_KEPT (memory stays bounded): a class on the same lesson link
trains each run once, a session asking for a run another session is training waits for it,
scrubbing and opening tabs rerun the page without retraining, toggling a regularizer back reuses
the earlier run, and a comparison trains its baseline A only once. Changing a widget
mid-training stops the script, and with it the training, so the page stays responsive.
"""

from __future__ import annotations

import dataclasses
import json
import time
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
from playground.ui.lab.keys import SHOWN
from playground.ui.shared import SharedCache

RUNS_KEPT = 32  # runs kept for all sessions: a lesson's few settings, with room for a class's own tries
RUNS: SharedCache[Run] = SharedCache(RUNS_KEPT)
LIVE_EVERY = 0.5  # seconds between live loss charts while a run trains


def runs_for(settings: Settings) -> dict[str, Run]:
    """{label: Run}: one run, or A (unregularized) and B (as set) when comparing."""
    data = settings.data
    assert data is not None, "the page stops before training when it has no data"
    notice = st.empty()  # while another session trains the same run

    def waiting(label: str, seconds: float) -> None:
        notice.info(f"Another session is training the same {label} right now: using its result "
                    f"({seconds:.1f} s)…", icon=":material/group:")

    runs = {label: RUNS.get(_key(settings.source, config), partial(_train_live, data, label, config),
                            partial(waiting, label))
            for label, config in _wanted(settings).items()}
    notice.empty()
    st.session_state[SHOWN] = runs
    return runs


def estimate(settings: Settings) -> Estimate:
    """The training these settings ask for that is not already done (a run toggled back, a run
    another student trained, or comparison's baseline A, costs nothing)."""
    data = settings.data
    assert data is not None, "the page stops before training when it has no data"
    todo = [lab_estimate(config, data) for config in _wanted(settings).values()
            if _key(settings.source, config) not in RUNS]
    if not todo:
        return Estimate(0.0, "nothing: every run is cached", "")
    return Estimate(sum(e.seconds for e in todo), " and ".join(e.work for e in todo), todo[0].lower)


def _wanted(settings: Settings) -> dict[str, LabConfig]:
    return variants(settings.config) if settings.compare else {"run": settings.config}


def _key(source: dict, config: LabConfig) -> str:
    """A run's identity: where its data came from and every setting, as canonical JSON."""
    return json.dumps({"source": source, "config": dataclasses.asdict(config)}, sort_keys=True, default=str)


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
