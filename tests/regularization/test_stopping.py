"""A lab run ends when asked: a closed tab must not keep a core busy for minutes."""

from __future__ import annotations

import time

import pytest

from playground.datasets.toy import make_toy
from playground.regularization.config import LabConfig
from playground.regularization.trainer import train
from playground.stopping import Stopped
from tests.stop_after import StopAfter


def test_a_run_of_thousands_of_epochs_stops_within_a_step_of_being_asked(one_torch_thread):
    data = make_toy("moons", 200, 0.45, 0.5, seed=0)  # 100 training points: 50 steps an epoch at batch 2
    config = LabConfig(batch_size=2, epochs=5000)      # about two minutes of training
    train(data, LabConfig(epochs=1))  # torch's one-time start-up, which a server has long paid
    stop = StopAfter(seconds=0.2)
    epochs_recorded: list[int] = []
    with pytest.raises(Stopped) as stopped:
        train(data, config, lambda run: epochs_recorded.append(run.epochs_run), 1, should_stop=stop)
    took = time.monotonic() - stop.started
    done = stopped.value.done
    assert done < config.epochs and done == (epochs_recorded[-1] if epochs_recorded else 0)
    # asked before every mini-batch step: at least once per step of every epoch done, and once more
    assert len(stop.asked) >= done * 50 + 1
    assert stop.longest_gap < 0.5
    assert took < 1.5
