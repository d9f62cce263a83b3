"""A lab run ends with its session: the stop Streamlit sends a script whose tab closed or whose
session expired (AppTest sends the same stop to a run that outlasts its timeout) ends the training
within a step, not at the next progress report, which a long run draws minutes apart."""

from __future__ import annotations

import time

import pytest
from streamlit.runtime.scriptrunner_utils.exceptions import StopException
from streamlit.testing.v1 import AppTest

from playground.ui.lab import compute
from playground.ui.pages import PAGES
from tests.stop_after import endings_of
from tests.ui.helpers import APP

# 1,000 steps an epoch at batch 1: a run of 300 epochs reports every 20, several seconds apart
POINTS = {"n": "2000", "batch": "1", "epochs": "1"}
WAIT = 2.0   # seconds AppTest waits before it stops the run: the page starts training well within them
GRACE = 2.0  # seconds the training may take to let go once stopped


def test_a_stopped_session_ends_its_training_within_a_step(monkeypatch):
    monkeypatch.delenv("PLAYGROUND_HOSTED", raising=False)  # a local server trains long runs
    endings = endings_of(monkeypatch, compute, "train")
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in POINTS.items():
        at.query_params[name] = value
    at.run()
    at.switch_page(PAGES["lab"].path).run()  # one epoch: the page and torch warmed up, as on a server
    assert endings == [None]
    at.number_input(key="lab.epochs").set_value(300)
    asked = time.monotonic()
    with pytest.raises(RuntimeError, match="timed out"):  # the stop is sent after WAIT, then AppTest joins
        at.run(timeout=WAIT)
    assert time.monotonic() - asked < WAIT + GRACE  # the script thread, training included, is over
    assert len(endings) == 2 and isinstance(endings[1], StopException)  # stopped, not finished
    assert len(compute.RUNS) == 1  # only the one-epoch run: nothing half-trained is kept for others
