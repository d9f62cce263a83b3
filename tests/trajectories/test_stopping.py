"""A basin map ends when asked, asking before every step of the engine."""

from __future__ import annotations

import pytest

from playground.stopping import Stopped
from playground.surfaces import SURFACES
from playground.trajectories import RunOptions, basins
from tests.stop_after import StopAfter


def test_a_large_basin_map_stops_within_a_step_of_being_asked():
    stop = StopAfter(seconds=0.2)
    with pytest.raises(Stopped) as stopped:  # 2 × 40,000 starts for 20,000 steps: minutes of work
        basins(SURFACES["rosenbrock"], ["SGD", "Adam"], grid=200, steps=20_000, options=RunOptions(),
               should_stop=stop)
    assert 0 < stopped.value.done < 20_000
    assert len(stop.asked) == stopped.value.done + 1  # once before each step taken, once to stop
    assert stop.longest_gap < 0.5
