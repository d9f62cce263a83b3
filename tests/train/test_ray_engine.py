"""Training jobs as Ray tasks: the same outcomes as the process pool (progress, stop within a
second, a crash or an error reported as the run's failure), and a digits run launched from the
Training runs page with RAY_ADDRESS set, on a local Ray started by the fixture."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from playground.threads import torch_threads
from playground.train import RunConfig
from tests.train.fakes import CRASH, DAMAGED, RAISE, scripted_trainer, stop_after_first_report

ray = pytest.importorskip("ray")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cluster():
    # the workers import playground and these tests' fakes from the checkout, as pip install . would provide
    context = ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
                       runtime_env={"env_vars": {"PYTHONPATH": str(ROOT)}})
    yield context.address_info["address"]
    ray.shutdown()


@pytest.fixture(scope="module")
def engine(cluster):
    from playground.train.ray_engine import RayEngine
    return RayEngine(cluster, scripted_trainer)


def run(engine, seed=0, should_stop=lambda: False):
    reports = []
    return engine(RunConfig(dataset="digits", seed=seed), reports.append, should_stop), reports


def test_a_job_runs_as_a_ray_task_and_reports_back(engine):
    result, reports = run(engine)
    assert result.status == "finished" and int(result.message.split()[0]) != os.getpid()
    assert [p.kind for p in reports] == ["step"]


def assigned_cpus(config, callback, should_stop, data):
    """A stand-in for the trainer that answers with the CPUs Ray gave its task."""
    from playground.train.loop import RunResult
    cpus = ray.get_runtime_context().get_assigned_resources().get("CPU", 0)
    return RunResult(config, "finished", f"{cpus:g}", "cpu")


def test_a_job_of_n_processes_asks_ray_for_n_times_the_cpus_of_one(cluster):
    from playground.train.ray_engine import RayEngine
    engine = RayEngine(cluster, assigned_cpus)
    with torch_threads(1):
        asked = {nproc: engine(RunConfig(dataset="digits", nproc=nproc), [].append, lambda: False).message
                 for nproc in (1, 2)}
    assert asked == {1: "1", 2: "2"}


def test_a_job_that_raises_or_whose_worker_dies_is_a_failed_run(engine):
    raised, _ = run(engine, seed=RAISE)
    assert (raised.status, str(raised.message)) == ("failed", "The run failed: the batch does not fit")
    damaged, _ = run(engine, seed=DAMAGED)  # an error said by key comes back said by key
    assert damaged.message.text("zh") == "训练失败：t10k-images-idx3-ubyte：不包含任何图像（0 条记录）"
    crashed, _ = run(engine, seed=CRASH)
    assert crashed.status == "failed"
    assert str(crashed.message).startswith("The Ray worker training this run died")
    assert run(engine)[0].status == "finished"


def test_a_stop_request_reaches_the_running_task_within_a_second(engine):
    result, seconds = stop_after_first_report(engine)
    assert result.status == "stopped" and seconds < 1.0


def test_the_training_runs_page_trains_on_the_cluster_when_ray_address_is_set(cluster, monkeypatch):
    from playground.train.ray_engine import RayEngine
    from playground.ui.runs.compute import run_queue
    from tests.ui.helpers import open_page
    from tests.ui.runs.test_page import launch, metric, poll

    monkeypatch.setenv("RAY_ADDRESS", cluster)
    run_queue.clear()
    try:
        at = launch(open_page("runs", dataset="digits", epochs="1", lr="0.003", batch="64", device="cpu"))
        assert isinstance(run_queue()._trainer, RayEngine)
        poll(at, lambda at: metric(at, "Test accuracy") is not None, timeout=120)
        assert float(metric(at, "Test accuracy").rstrip("%")) > 50 and not at.exception
    finally:
        run_queue.clear()
