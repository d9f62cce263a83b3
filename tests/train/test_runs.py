"""The bounded run queue: concurrency and per-session limits, ownership, stop and cancel."""

from __future__ import annotations

import os
import threading
import time

import pytest

from playground.datasets import load
from playground.train import RunConfig
from playground.train.layers import Filters
from playground.train.loop import Progress, RunResult
from playground.train.runs import Limits, ProcessLimitError, QueueFullError, Run, RunQueue


class GatedTrainer:
    """A stand-in for train() that runs until its gate opens or it is asked to stop."""

    def __init__(self):
        self.gate = threading.Event()

    def __call__(self, config, callback, should_stop, data):
        while not (self.gate.is_set() or should_stop()):
            time.sleep(0.01)
        return RunResult(config, "stopped" if should_stop() else "finished", "", "cpu")


def wait_until(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_limits_hold_with_several_sessions():
    trainer = GatedTrainer()
    queue = RunQueue(Limits(max_running=2, max_per_session=2), trainer=trainer)
    a1, a2 = queue.submit("alice", RunConfig()), queue.submit("alice", RunConfig())
    with pytest.raises(QueueFullError, match="limit per session is 2"):
        queue.submit("alice", RunConfig())
    b1, c1 = queue.submit("bob", RunConfig()), queue.submit("carol", RunConfig())
    assert [r.status for r in (a1, a2, b1, c1)] == ["running", "running", "queued", "queued"]
    assert queue.running == 2 and queue.position(b1) == 1 and queue.position(c1) == 2
    trainer.gate.set()
    wait_until(lambda: all(r.status == "finished" for r in (a1, a2, b1, c1)))
    assert queue.running == 0


def test_the_waiting_list_is_bounded_over_all_sessions():
    trainer = GatedTrainer()
    queue = RunQueue(Limits(max_running=2, max_per_session=2, max_queued=3), trainer=trainer)
    runs = [queue.submit(f"session-{i}", RunConfig()) for i in range(5)]  # 2 training, 3 waiting
    with pytest.raises(QueueFullError, match="3 runs are already waiting for 2 training slot"):
        queue.submit("latecomer", RunConfig())
    assert queue.stop("session-4", runs[4].id)  # a waiting run cancelled frees a place
    latecomer = queue.submit("latecomer", RunConfig())
    assert queue.position(latecomer) == 3
    trainer.gate.set()
    wait_until(lambda: not latecomer.active)


def test_a_session_sees_and_stops_only_its_own_runs():
    trainer = GatedTrainer()
    queue = RunQueue(Limits(max_running=1), trainer=trainer)
    mine, theirs = queue.submit("alice", RunConfig()), queue.submit("bob", RunConfig())
    assert queue.runs("alice") == [mine] and queue.get("alice", theirs.id) is None
    assert not queue.stop("alice", theirs.id)
    assert queue.stop("bob", theirs.id) and theirs.status == "cancelled"  # it was still queued
    assert queue.stop("alice", mine.id)
    wait_until(lambda: mine.status == "stopped")
    assert len(mine.id) >= 16  # unguessable


def test_history_is_bounded_per_session():
    trainer = GatedTrainer()
    trainer.gate.set()
    queue = RunQueue(Limits(max_per_session=1, history=3), trainer=trainer)
    for _ in range(6):
        run = queue.submit("alice", RunConfig())
        wait_until(lambda run=run: not run.active)
    assert [r.number for r in queue.runs("alice")] == [3, 4, 5, 6]  # three finished + the newest


def test_a_crashing_trainer_still_hands_back_a_failed_result():
    def broken(config, callback, should_stop, data):
        raise RuntimeError("boom")

    run = RunQueue(trainer=broken).submit("alice", RunConfig())
    wait_until(lambda: not run.active)
    assert run.status == "failed" and str(run.result.message) == "The run failed: boom"


def test_a_real_run_reports_progress_and_stops_within_a_second():
    queue = RunQueue()
    run = queue.submit("alice", RunConfig(epochs=200), data=load("digits"))
    wait_until(lambda: len(run.progress) >= 2)
    asked = time.monotonic()
    queue.stop("alice", run.id)
    wait_until(lambda: not run.active, timeout=5)
    assert time.monotonic() - asked < 1.0
    assert run.status == "stopped" and run.result.state_dict and run.data is None


def test_hosted_limits_come_from_the_environment_and_cap_the_config():
    limits = Limits.from_env({"PLAYGROUND_HOSTED": "1", "PLAYGROUND_MAX_RUNS": "3",
                              "PLAYGROUND_MAX_RUNS_PER_SESSION": "oops", "PLAYGROUND_MAX_QUEUED": "20"})
    assert (limits.max_running, limits.max_per_session, limits.max_queued, limits.hosted) == (3, 2, 20, True)
    assert Limits.from_env({}).max_queued == 8
    config, notes = limits.apply(RunConfig(epochs=50))
    assert config.epochs == 5 and config.max_train == 10_000 and config.max_test == 2_000
    assert [str(note) for note in notes] == ["Hosted mode: epochs capped at 5.",
                                             "Hosted mode: at most 10,000 training and 2,000 test images."]
    assert Limits().apply(RunConfig(epochs=50)) == (RunConfig(epochs=50), [])


def test_a_run_of_more_processes_than_the_server_allows_is_refused_and_not_queued():
    trainer = GatedTrainer()
    queue = RunQueue(Limits(max_processes=2), trainer=trainer)
    with pytest.raises(ProcessLimitError) as refused:
        queue.submit("alice", RunConfig(batch_size=128, nproc=4))
    assert str(refused.value) == ("This server trains one run as at most 2 process(es); this run asks for 4. "
                                  "Choose 2 or fewer.")
    assert refused.value.said.text("zh") == ("此服务器上一次训练最多使用 2 个进程，而这次训练要求 4 个。"
                                             "请选择不超过 2 个。")
    assert queue.runs("alice") == []
    allowed = queue.submit("alice", RunConfig(batch_size=128, nproc=2))
    assert allowed.status == "running" and allowed.config.nproc == 2
    trainer.gate.set()
    wait_until(lambda: not allowed.active)


@pytest.mark.parametrize("environ, most", [
    ({"PLAYGROUND_HOSTED": "1"}, 1),
    ({"PLAYGROUND_HOSTED": "1", "PLAYGROUND_MAX_PROCESSES": "2"}, 2),
    ({"PLAYGROUND_MAX_PROCESSES": "8"}, 8),
    ({"PLAYGROUND_MAX_PROCESSES": "none"}, min(4, os.cpu_count() or 1)),
    ({}, min(4, os.cpu_count() or 1)),
], ids=["hosted", "hosted-raised", "set", "unreadable", "default"])
def test_the_process_limit_comes_from_the_environment(environ, most):
    assert Limits.from_env(environ).max_processes == most


def test_the_finished_runs_of_a_session_gone_for_the_time_limit_are_forgotten():
    now = [0.0]
    trainer = GatedTrainer()
    queue = RunQueue(Limits(max_running=2, forget_after=60), trainer=trainer, clock=lambda: now[0])
    finished = queue.submit("gone", RunConfig())
    training = queue.submit("busy", RunConfig())  # still training when its session goes
    wait_until(lambda: training.status == "running")
    trainer.gate.set()
    wait_until(lambda: not finished.active)
    trainer.gate.clear()
    queue._trainer = GatedTrainer()
    training = queue.submit("busy", RunConfig())
    now[0] = 30.0
    assert finished in queue.runs("gone")  # within the limit: kept (and seen again at 30 s)
    now[0] = 100.0
    assert queue.runs("other") == []  # 70 s since "gone" and 100 s since "busy" last asked
    assert queue.runs("gone") == []
    assert queue.get("busy", training.id) is training and training.active  # a training run is never dropped
    queue.stop("busy", training.id)
    wait_until(lambda: not training.active)


def test_a_run_keeps_only_its_newest_filters_and_every_report():
    run = Run("r", "owner", 1, RunConfig())
    filters = [Filters("conv 1", (1, 1, 1, 2), (float(epoch), 0.5)) for epoch in range(3)]
    for epoch, kept in enumerate(filters, 1):
        run.record(Progress("step", epoch, epoch, 9, 1.0, 0.5, 0.1, 10.0, 1.0))
        run.record(Progress("epoch", epoch, epoch, 9, 1.0, 0.5, 0.1, 10.0, 1.0, filters=kept))
    assert len(run.progress) == 6 and [p.epoch for p in run.progress if p.kind == "epoch"] == [1, 2, 3]
    assert [p.filters for p in run.progress if p.filters is not None] == [filters[-1]]
