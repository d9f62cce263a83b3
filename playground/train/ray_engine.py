"""Training jobs as Ray tasks, for a class past one server: set ``RAY_ADDRESS`` and every
Streamlit replica sends its jobs to one Ray cluster.

The engine has :func:`~playground.train.loop.train`'s signature, like
:class:`~playground.train.executor.ProcessEngine`, and runs the same job body
(``executor.work``) in a Ray worker: each job asks for its CPU threads and, when it trains on
CUDA, one GPU, both times its ``config.nproc`` processes, so Ray spreads a class's runs over the
cluster's machines. Progress comes back through a Ray queue actor, and a stop goes out through
a flag actor that the job polls every ``executor.POLL`` seconds; a job that has not stopped
``FORCE_AFTER`` seconds after the request is cancelled outright. The cluster's nodes need the
``playground`` package installed (``pip install .``) and the datasets under their
``PLAYGROUND_DATA``, unless the job carries them.

Ray is optional (``requirements-ray.txt``): this module imports it only when an engine is made.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from playground.datasets.images import ImageSet
from playground.i18n import said
from playground.train import executor
from playground.train.distributed import train_data_parallel
from playground.train.loop import Progress, RunConfig, RunResult, failed

FORCE_AFTER = 5.0  # seconds after a stop request before the task is cancelled outright


class _Flag:
    """A stop flag shared by the web process and a job (a Ray actor)."""

    def __init__(self) -> None:
        self.raised = False

    def set(self) -> None:
        self.raised = True

    def is_set(self) -> bool:
        return self.raised


class _RemoteFlag:
    """The job's view of a :class:`_Flag` actor, with the ``is_set()`` that ``executor.work`` polls."""

    def __init__(self, actor: Any) -> None:
        self.actor = actor

    def is_set(self) -> bool:
        import ray
        return bool(ray.get(self.actor.is_set.remote()))


def _job(trainer: executor.Trainer, config: RunConfig, data: ImageSet | None, reports: Any, flag: Any,
         threads: int) -> RunResult:
    return executor.work(trainer, config, data, reports, _RemoteFlag(flag), threads)


class RayEngine:
    """Train each job as a Ray task on the cluster at ``address`` (joined once per process)."""

    def __init__(self, address: str, trainer: executor.Trainer = train_data_parallel, **init: Any) -> None:
        import ray
        from ray.util.queue import Queue

        if not ray.is_initialized():
            ray.init(address=address, **init)
        self.trainer, self._ray, self._queue = trainer, ray, Queue
        # Ray's decorators return actor classes and remote functions its stubs do not describe
        self._flag: Any = ray.remote(num_cpus=0)(_Flag)
        self._task: Any = ray.remote(max_retries=0)(_job)
        self.cluster = ray.cluster_resources()

    def __call__(self, config: RunConfig, callback: Callable[[Progress], None],
                 should_stop: Callable[[], bool], data: ImageSet | None = None) -> RunResult:
        import torch

        ray = self._ray
        threads = torch.get_num_threads()
        reports, flag = self._queue(actor_options={"num_cpus": 0}), self._flag.remote()
        processes = config.nproc  # each with the threads and the GPU that a one-process job asks for
        cuda = config.device in ("cuda", "auto") and self.cluster.get("GPU", 0) >= processes
        gpus = processes if cuda else 0
        cpus = threads * processes  # the job's threads, which its processes share
        task = self._task.options(num_cpus=cpus, num_gpus=gpus).remote(
            self.trainer, config, data, reports, flag, cpus)
        asked: float | None = None
        try:
            while not ray.wait([task], timeout=executor.POLL)[0]:
                self._pump(reports, callback)
                if asked is None and should_stop():
                    asked = time.monotonic()
                    flag.set.remote()
                elif asked is not None and time.monotonic() - asked > FORCE_AFTER:
                    ray.cancel(task, force=True)
            self._pump(reports, callback)
            return ray.get(task)
        except ray.exceptions.TaskCancelledError:
            forced = said("runs.messages.stopped_forced", seconds=FORCE_AFTER)
            return RunResult(config, "stopped", forced, None)
        except ray.exceptions.RayTaskError as error:  # the job raised: its own exception, not Ray's wrapper
            return failed(config, error.cause)
        except ray.exceptions.RayError as error:  # the worker or its node died
            died = said("runs.messages.ray_died", error=type(error).__name__)
            return RunResult(config, "failed", died, None)
        finally:
            for actor in (reports.actor, flag):
                ray.kill(actor)

    @staticmethod
    def _pump(reports: Any, callback: Callable[[Progress], None]) -> None:
        for progress in reports.get_nowait_batch(reports.qsize()):
            callback(progress)
