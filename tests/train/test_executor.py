"""Training jobs out of the web process: a worker pool that reports progress, stops on request,
and survives a job that crashes or raises; and the real digits run through it."""

from __future__ import annotations

import os
import time
from dataclasses import replace

import pytest

from playground.datasets import load
from playground.threads import torch_threads
from playground.train import RunConfig
from playground.train.distributed import train_data_parallel
from playground.train.executor import ProcessEngine, engine_from_env
from playground.train.runs import Limits, RunQueue
from tests.train.fakes import CRASH, DAMAGED, RAISE, scripted_trainer, stop_after_first_report


@pytest.fixture(scope="module")
def engine():
    engine = ProcessEngine(1, scripted_trainer)
    yield engine
    engine.close()


def run(engine, seed=0, should_stop=lambda: False):
    reports = []
    return engine(RunConfig(dataset="digits", seed=seed), reports.append, should_stop), reports


def test_a_job_trains_in_another_process_on_the_callers_thread_count(engine):
    with torch_threads(1):
        result, reports = run(engine)
    pid, threads = map(int, result.message.split())
    assert result.status == "finished" and pid != os.getpid() and threads == 1
    assert [p.kind for p in reports] == ["step"]


def test_a_crashed_worker_fails_its_job_and_the_next_job_runs(engine):
    result, _ = run(engine, seed=CRASH)
    assert result.status == "failed" and "training process died" in str(result.message)
    assert "The server is fine" in str(result.message)
    assert run(engine)[0].status == "finished"


def test_a_job_that_raises_is_reported_with_its_message(engine):
    result, _ = run(engine, seed=RAISE)
    assert (result.status, str(result.message)) == ("failed", "The run failed: the batch does not fit")


def test_a_damaged_file_met_in_the_worker_is_said_in_either_language(engine):
    result, _ = run(engine, seed=DAMAGED)
    assert str(result.message) == "The run failed: t10k-images-idx3-ubyte: holds no images (0 records)"
    assert result.message.text("zh") == "训练失败：t10k-images-idx3-ubyte：不包含任何图像（0 条记录）"
    assert run(engine)[0].status == "finished"  # the pool survived the error's trip back


def test_a_stop_request_reaches_the_running_worker_within_a_second(engine):
    result, seconds = stop_after_first_report(engine)
    assert result.status == "stopped" and seconds < 1.0


def test_the_real_digits_run_reports_live_through_the_queue_and_returns_its_weights():
    engine = ProcessEngine(1)
    try:
        queue = RunQueue(Limits(), engine)
        job = queue.submit("me", RunConfig(dataset="digits", epochs=2, device="cpu"), load("digits"))
        deadline = time.monotonic() + 90
        while job.result is None:
            assert time.monotonic() < deadline, "the digits job did not finish"
            time.sleep(0.1)
        assert job.result.status == "finished" and job.result.test_accuracy > 0.5
        # the run's words come back from the worker by key, to be said in either language
        assert str(job.result.message).startswith("Finished 2 epochs in")
        assert job.result.message.text("zh").startswith("完成 2 轮训练")
        assert str(job.progress[-1].device).startswith("CPU (")
        assert [p.epoch for p in job.progress if p.kind == "epoch"] == [1, 2]
        assert job.result.state_dict and all(t.device.type == "cpu" for t in job.result.state_dict.values())
    finally:
        engine.close()


def test_the_app_trains_in_processes_unless_told_to_use_threads():
    assert engine_from_env(1, {"PLAYGROUND_EXECUTOR": "thread"}) is train_data_parallel
    engine = engine_from_env(1, {})
    try:
        assert isinstance(engine, ProcessEngine) and engine.workers == 1
    finally:
        engine.close()


def test_a_data_parallel_job_trains_in_a_worker_as_it_does_when_called_directly():
    # batchnorm normalises each process's share by its own statistics: two processes' losses are
    # not one process's, so an engine that trained the job as one process would show
    config = RunConfig(dataset="digits", epochs=1, batch_size=64, max_train=256, max_test=100, device="cpu",
                       nproc=2, batchnorm=True)
    engine = ProcessEngine(1)  # its worker starts the run's two processes
    try:
        reports = []
        pooled = engine(config, reports.append, lambda: False)
    finally:
        engine.close()
    direct = train_data_parallel(config)
    assert pooled.status == direct.status == "finished", pooled.message
    assert pooled.test_accuracy == pytest.approx(direct.test_accuracy, abs=1e-5)
    assert pooled.steps[-1]["loss"] == pytest.approx(direct.steps[-1]["loss"], abs=1e-5)
    alone = train_data_parallel(replace(config, nproc=1))
    assert abs(alone.steps[-1]["loss"] - pooled.steps[-1]["loss"]) > 1e-3
    assert [p.epoch for p in reports if p.kind == "epoch"] == [1]
