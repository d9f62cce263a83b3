"""The Training runs page's process-wide state: one bounded run queue, cached datasets, and the
unguessable token that makes a browser the owner of its runs."""

from __future__ import annotations

import streamlit as st

from playground.datasets.images import ImageSet, data_root, load
from playground.train.attack import Attack, attack
from playground.train.executor import engine_from_env
from playground.train.loop import RunResult
from playground.train.runs import Limits, RunQueue
from playground.ui.budget import stop_check
from playground.ui.i18n import t
from playground.ui.runs.keys import OWNER
from playground.ui.runs.owner import browser_owner


@st.cache_resource
def run_queue() -> RunQueue:
    """One queue per server process, limits from the environment (PLAYGROUND_MAX_RUNS, ...), its
    jobs trained out of the web process (PLAYGROUND_EXECUTOR)."""
    limits = Limits.from_env()
    return RunQueue(limits, engine_from_env(limits.max_running))


def session_id() -> str:
    """The owner token of this browser's runs: random, kept in a first-party cookie so a reload
    finds its runs again (``playground.ui.runs.owner``), and in session state; never in a URL."""
    return browser_owner(run_queue(), OWNER)


@st.cache_resource(max_entries=2, show_spinner=False)
def _cached(name: str, root: str) -> ImageSet:
    return load(name, root)


def dataset(name: str) -> ImageSet:
    """The image set, read once per process (at most two kept: CIFAR-10 alone is 180 MB); a read
    that takes longer than half a second says so in the page's language."""
    with st.spinner(t("runs.reading")):
        return _cached(name, str(data_root()))


@st.cache_data(max_entries=16, show_spinner=False)
def attacked(run_id: str, dataset: str, _result: RunResult, _data: ImageSet) -> Attack:
    """FGSM against a finished run's model, once per run: its id names its weights, ``dataset`` its
    test set (the result and the data are not hashed). A rerun of the page ends the attack."""
    return attack(_result, _data, should_stop=stop_check())
