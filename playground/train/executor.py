"""Where a training job runs: the engines behind :class:`~playground.train.runs.RunQueue`.

An engine has :func:`~playground.train.loop.train`'s signature, ``engine(config, callback,
should_stop, data) -> RunResult``, so the queue does not care where the work happens:

- :func:`~playground.train.distributed.train_data_parallel` trains in the calling thread (as
  :func:`~playground.train.loop.train`, or as the ``config.nproc`` processes of a data-parallel run);
- :class:`ProcessEngine` (the app's default) trains in a small pool of warm worker processes;
- :class:`~playground.train.ray_engine.RayEngine` (with ``RAY_ADDRESS`` set) trains on a Ray cluster.
  A crash, an out-of-memory kill or a runaway allocation in a job ends that worker, not the web
  server: the job reports "failed" with the worker's exit, and the pool is rebuilt for the next.

Progress reports come back through a queue and stop requests go out through an event, both
served by one manager process; a thread in the worker polls the event, so a stop lands within
``POLL`` seconds without an inter-process call before every training step.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import torch

from playground.datasets.images import ImageSet
from playground.i18n import said
from playground.threads import torch_threads
from playground.train.distributed import train_data_parallel
from playground.train.loop import Progress, RunConfig, RunResult, failed

POLL = 0.1  # seconds between looks at the stop event and the progress queue

Trainer = Callable[..., RunResult]


class ProcessEngine:
    """Train each job in one of ``workers`` spawned processes, with the caller's torch thread count.

    ``trainer`` must be importable by name (a module-level function): the workers are started
    with "spawn", never "fork", since forking a threaded server that has run torch is unsafe.
    The workers are not daemonic, so a data-parallel job may start its processes from one.
    """

    def __init__(self, workers: int, trainer: Trainer = train_data_parallel) -> None:
        self.workers, self.trainer = workers, trainer
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._manager: Any = None
        self._pool: ProcessPoolExecutor | None = None

    def __call__(self, config: RunConfig, callback: Callable[[Progress], None],
                 should_stop: Callable[[], bool], data: ImageSet | None = None) -> RunResult:
        reports, stop = self._channels()
        pool = self._ready_pool()
        future = pool.submit(work, self.trainer, config, data, reports, stop, torch.get_num_threads())
        while not future.done():
            if should_stop():
                stop.set()
            _pump(reports, callback, timeout=POLL)
        _pump(reports, callback, timeout=0.0)
        return self._result(config, pool, future)

    def warm(self) -> None:
        """Start the manager and the workers now, in the background, so the first job does not
        wait for them to import torch (seconds)."""
        self._channels()
        pool = self._ready_pool()
        for _ in range(self.workers):
            pool.submit(_ready)

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
            if self._manager is not None:
                self._manager.shutdown()
            self._pool = self._manager = None

    def _channels(self) -> tuple[Any, Any]:
        with self._lock:
            if self._manager is None:
                self._manager = self._context.Manager()
            return self._manager.Queue(), self._manager.Event()

    def _ready_pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(self.workers, mp_context=self._context)
            return self._pool

    def _result(self, config: RunConfig, pool: ProcessPoolExecutor, future: Future) -> RunResult:
        try:
            return future.result()
        except BrokenProcessPool:
            with self._lock:  # every job of a broken pool is lost; the next one gets a fresh pool
                if self._pool is pool:
                    self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)
            return RunResult(config, "failed", said("runs.messages.process_died"), None)
        except Exception as error:  # the job raised: report it, as the in-thread trainer's caller does
            return failed(config, error)


def engine_from_env(workers: int, environ: Mapping[str, str] = os.environ) -> Trainer:
    """The engine the app trains with: with ``RAY_ADDRESS`` set, Ray tasks on that cluster
    (``ray_engine``); else ``PLAYGROUND_EXECUTOR=thread`` trains in the server's own threads, and
    anything else (the default, "process") in a warm pool of ``workers`` processes."""
    if environ.get("RAY_ADDRESS", "").strip():
        from playground.train.ray_engine import RayEngine  # Ray is optional: imported only when asked for
        return RayEngine(environ["RAY_ADDRESS"].strip())
    if environ.get("PLAYGROUND_EXECUTOR", "process").strip().lower() == "thread":
        return train_data_parallel
    engine = ProcessEngine(workers)
    engine.warm()
    return engine


def _ready() -> None:
    """A worker's first job: nothing, once this module (and with it torch) is imported."""


def _pump(reports: Any, callback: Callable[[Progress], None], timeout: float) -> None:
    """Hand every waiting progress report to ``callback``; wait up to ``timeout`` for the first."""
    try:
        callback(reports.get(timeout=timeout) if timeout else reports.get_nowait())
        while True:
            callback(reports.get_nowait())
    except queue.Empty:
        pass


def work(trainer: Trainer, config: RunConfig, data: ImageSet | None, reports: Any, stop: Any,
         threads: int) -> RunResult:
    """A job's body wherever it runs (a pool worker, a Ray task): train on ``threads`` torch
    threads, ``reports.put`` each progress report, and stop once ``stop.is_set()``, which a
    thread mirrors into a local flag every ``POLL`` seconds."""
    stopped, done = threading.Event(), threading.Event()

    def mirror() -> None:
        while not done.wait(POLL):
            if stop.is_set():
                stopped.set()
                return

    watcher = threading.Thread(target=mirror, daemon=True)
    watcher.start()
    try:
        with torch_threads(threads):
            return trainer(config, callback=reports.put, should_stop=stopped.is_set, data=data)
    finally:
        done.set()
