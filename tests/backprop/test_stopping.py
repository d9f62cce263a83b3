"""A gradient-health run ends when asked, asking before every step."""

from __future__ import annotations

import pytest

from playground.backprop.deepnet import DeepConfig
from playground.backprop.health import train
from playground.stopping import Stopped
from tests.stop_after import StopAfter


def test_a_run_stops_before_the_step_it_was_asked_at():
    stop = StopAfter(calls=4)
    with pytest.raises(Stopped) as stopped:
        train(DeepConfig(depth=50, width=256), steps=100, should_stop=stop)
    assert stopped.value.done == 3 and len(stop.asked) == 4
    assert len(train(DeepConfig(depth=4), steps=5, should_stop=StopAfter()).steps) == 5
