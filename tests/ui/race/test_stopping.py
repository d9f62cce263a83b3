"""Basin maps end with their session: a closed tab or an expired session (AppTest sends a script
that outlasts its timeout the same stop) ends the maps within a step, not when all of them are done."""

from __future__ import annotations

import time

import pytest
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from playground.ui.race import compute
from tests.stop_after import endings_of
from tests.ui.helpers import open_page

WAIT = 2.0   # seconds AppTest waits before it stops the run
GRACE = 2.0  # seconds the maps may take to let go once stopped


def test_a_stopped_session_ends_its_basin_maps_within_a_step(monkeypatch):
    endings = endings_of(monkeypatch, compute, "basins")
    compute._basin_maps.clear()
    # every method from 10,000 starts for 2,000 steps: many seconds of work on this machine
    at = open_page("race", surface="himmelblau", methods="SGD,Momentum,NAG,AdaGrad,RMSprop,Adam",
                   steps="2000", tab="Basins", grid="100")
    compute_button = next(b for b in at.button if b.label == "Compute basin map")
    compute_button.click()
    asked = time.monotonic()
    with pytest.raises(RuntimeError, match="timed out"):  # the stop is sent after WAIT, then AppTest joins
        at.run(timeout=WAIT)
    assert time.monotonic() - asked < WAIT + GRACE  # the script thread, maps included, is over
    assert len(endings) == 1 and isinstance(endings[0], StopException)  # stopped, not finished
