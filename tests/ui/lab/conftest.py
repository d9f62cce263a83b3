"""Each lab test trains its own runs: the server-wide run cache starts empty."""

from __future__ import annotations

import pytest

from playground.ui.lab.compute import RUNS


@pytest.fixture(autouse=True)
def _no_cached_runs():
    RUNS.clear()
    yield
    RUNS.clear()
