"""The thread policy: interactive work on one torch thread whatever the caller's pool, training
jobs on their share of the cores, and the previous count restored after each computation."""

from __future__ import annotations

import threading

import pytest
import torch

from playground.datasets import load
from playground.threads import interactive, torch_threads, training_threads
from playground.train import RunConfig
from playground.train.loop import RunResult
from playground.train.runs import Limits, RunQueue
from tests.ui.helpers import open_page


@pytest.fixture
def two_threads():
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    yield
    torch.set_num_threads(before)


def test_a_block_runs_on_the_threads_asked_and_the_count_comes_back(two_threads):
    with torch_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == 2
    with pytest.raises(ValueError, match="at least one thread, got 0"):
        with torch_threads(0):
            pass


def test_an_interactive_computation_sees_one_thread_even_when_it_raises(two_threads):
    @interactive
    def threads_inside(fail: bool = False) -> int:
        if fail:
            raise RuntimeError("diverged")
        return torch.get_num_threads()

    assert threads_inside() == 1 and threads_inside.__name__ == "threads_inside"
    with pytest.raises(RuntimeError):
        threads_inside(fail=True)
    assert torch.get_num_threads() == 2


@pytest.mark.parametrize(("environ", "cpus", "jobs", "threads"), [
    ({}, 16, 2, 8), ({}, 2, 2, 1), ({}, 2, 4, 1), ({"PLAYGROUND_TRAIN_THREADS": "3"}, 2, 2, 3),
    ({"PLAYGROUND_TRAIN_THREADS": "many"}, 8, 2, 4), ({"PLAYGROUND_TRAIN_THREADS": "0"}, 8, 4, 2)])
def test_a_training_job_gets_its_share_of_the_cores_or_the_configured_count(environ, cpus, jobs, threads):
    assert training_threads(jobs, cpus=cpus, environ=environ) == threads


def test_the_run_queue_trains_each_job_on_its_thread_count(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_TRAIN_THREADS", "3")
    seen, done = [], threading.Event()

    def trainer(config, callback, should_stop, data):
        seen.append(torch.get_num_threads())
        done.set()
        return RunResult(config, "finished", "", "cpu")

    RunQueue(Limits(), trainer).submit("me", RunConfig(dataset="digits"), load("digits"))
    assert done.wait(10) and seen == [3]


def test_the_lab_trains_on_one_thread_when_the_server_pool_has_more(monkeypatch, two_threads):
    from playground.ui.lab import compute
    seen = []

    def recording_train(*args, **kwargs):
        seen.append(torch.get_num_threads())
        return train(*args, **kwargs)

    train = compute.train
    monkeypatch.setattr(compute, "train", recording_train)
    at = open_page("lab", epochs="20", hidden="8")
    assert not at.exception and seen == [1]
