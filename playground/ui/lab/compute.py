"""Train the lab's run(s) with live progress, once per distinct setting for the whole server.

Finished runs are kept for every session (:class:`~playground.ui.shared.SharedCache`), keyed by
data and settings, at most RUNS_KEPT (memory stays bounded): a class on the same lesson link
trains each run once, a session asking for a run another session is training waits for it,
scrubbing and opening tabs rerun the page without retraining, toggling a regularizer back reuses
the earlier run, and a comparison trains its baseline A only once. Changing a widget
mid-training, closing the tab or the session expiring stops the training within one mini-batch
step (:func:`~playground.ui.budget.stop_check`), so no run outlives the page that asked for it.
"""

from __future__ import annotations

import dataclasses
import json
import time
from functools import partial, reduce

import streamlit as st

from playground.budget import Estimate, lab_estimate, lab_work
from playground.datasets.toy import SplitData
from playground.regularization.compare import variants
from playground.regularization.config import LabConfig
from playground.regularization.trainer import Run, train
from playground.threads import interactive
from playground.ui.a11y import described
from playground.ui.budget import stop_check
from playground.ui.i18n import t
from playground.ui.lab import charts
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
        notice.info(t("lab.compute.waiting", run=charts.run_name(label), seconds=seconds),
                    icon=":material/group:")

    runs = {label: RUNS.get(_key(settings.source, config), partial(_train_live, data, label, config),
                            partial(waiting, label))
            for label, config in _wanted(settings).items()}
    notice.empty()
    st.session_state[SHOWN] = runs
    return runs


def estimate(settings: Settings) -> Estimate:
    """The training these settings ask for that is not already done (a run toggled back, a run
    another student trained, or comparison's baseline A, costs nothing), said in the page's language."""
    data = settings.data
    assert data is not None, "the page stops before training when it has no data"
    todo = [config for config in _wanted(settings).values() if _key(settings.source, config) not in RUNS]
    if not todo:
        return Estimate(0.0, t("lab.budget.cached"), "")
    work = reduce(lambda first, second: t("lab.budget.and", first=first, second=second),
                  (_work(config, data) for config in todo))
    seconds = sum(lab_estimate(config, data).seconds for config in todo)
    return Estimate(seconds, work, t("lab.budget.lower"))


def _work(config: LabConfig, data: SplitData) -> str:
    """What a run counts (:func:`playground.budget.lab_work`), in the page's language."""
    work = lab_work(config, data)
    said = {"epochs": work.epochs, "network": work.network, "points": work.n_train}
    if work.steps == 1:
        return t("lab.budget.work_one_step", **said)
    return t("lab.budget.work", steps=work.steps, **said)


def _wanted(settings: Settings) -> dict[str, LabConfig]:
    return variants(settings.config) if settings.compare else {"run": settings.config}


def _key(source: dict, config: LabConfig) -> str:
    """A run's identity: where its data came from and every setting, as canonical JSON."""
    return json.dumps({"source": source, "config": dataclasses.asdict(config)}, sort_keys=True, default=str)


@interactive
def _train_live(data: SplitData, label: str, config: LabConfig) -> Run:
    name = charts.run_name(label)
    bar = st.progress(0.0, text=t("lab.compute.training", run=name))
    live = st.empty()

    drawn = [time.monotonic()]

    def report(run: Run) -> None:
        bar.progress(run.epochs_run / config.epochs, text=t("lab.compute.training_epoch", run=name,
                                                              epoch=run.epochs_run))
        # a chart at most every LIVE_EVERY seconds: each one is rebuilt, sent and drawn by the browser,
        # so a run shorter than that shows only its result, and a long one still moves
        if time.monotonic() - drawn[0] >= LIVE_EVERY:
            curves = charts.curves_data({label: run}, "loss")
            loss = t("lab.charts.loss")
            described(charts.curves_chart(curves, charts.markers_data(run), loss),
                      charts.curves_table(curves, loss), charts.curves_summary(curves, loss), where=live)
            drawn[0] = time.monotonic()

    run = train(data, config, report, max(1, config.epochs // 15), stop_check())
    bar.empty()
    live.empty()
    return run
