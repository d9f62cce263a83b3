"""Data parallelism: one training run as ``nproc`` processes, each on its own share of every batch.

Every process builds the same model (same seed; DistributedDataParallel also copies rank 0's
weights to the others as it starts), draws the same shuffled batches (the same seeded generator)
and trains on every ``nproc``-th example of each. Backward averages the processes' gradients with
an all-reduce, bucketed and overlapped with the rest of backward (PyTorch's
DistributedDataParallel: Li et al. 2020, "PyTorch Distributed: Experiences on Accelerating Data
Parallel Training"), so every process takes the same optimizer step and the weights stay identical
without ever being sent again.

Why the average is the whole batch's gradient: a batch's loss is the mean of its B examples'
losses, and split into ``nproc`` equal shares S_r of B/nproc examples,

    ∇ (1/B) Σ_i ℓ_i  =  (1/nproc) Σ_r ∇ (nproc/B) Σ_{i ∈ S_r} ℓ_i,

the mean over processes of each share's mean-loss gradient (hence a batch size divisible by
``nproc``). What stays each process's own: batchnorm normalises a share with that share's
statistics (a batch of B/nproc, as with gradient accumulation); its running statistics are rank
0's, which the loop copies to all before evaluating.

The processes start with "spawn" (never fork: a process that has run torch has threads), meet
through a file in a temporary folder, and talk over "gloo" on the CPU or "nccl" on CUDA, one GPU
each. Rank 0 sends its progress reports and its result back; a stop request reaches every rank
through one event, and the ranks agree on it between steps (:mod:`playground.train.loop`).
"""

from __future__ import annotations

import pickle
import queue
import signal
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from playground.datasets.images import ImageSet
from playground.train import evaluate as ev
from playground.train.device import pick_device
from playground.train.loop import Progress, RunConfig, RunResult, failed, train

POLL = 0.1    # seconds between looks at the stop request, the reports and the processes
GRACE = 10.0  # seconds the other processes get to end once the run is over, before they are ended


def backend_for(config: RunConfig) -> str:
    """The ``torch.distributed`` backend for ``config.nproc`` processes training ``config``: "gloo"
    on the CPU, "nccl" on CUDA. ValueError, saying what to change, where its device cannot
    (:meth:`RunConfig.validate` checks that the batch splits)."""
    device = pick_device(config.device)
    if device.type == "cuda":
        if torch.cuda.device_count() < config.nproc:
            raise ValueError(f"{config.nproc} processes on CUDA need {config.nproc} GPUs, one each; this "
                             f"machine has {torch.cuda.device_count()}. Use fewer processes or --device cpu")
        return "nccl"
    if device.type != "cpu":
        raise ValueError(f"data-parallel runs train on CPUs or CUDA GPUs, not {device.type.upper()}; "
                         "use --device cpu")
    return "gloo"


def process_counts(batch_size: int, device: str, limit: int) -> list[int]:
    """The process counts up to ``limit`` that a run of ``batch_size`` on ``device`` may train as:
    those that split its batch and that its device holds, as :meth:`RunConfig.validate` and
    :func:`backend_for` decide (asked, not restated), so that a page offers no count a run refuses."""
    return [nproc for nproc in range(1, limit + 1)
            if _trains_as(RunConfig(batch_size=batch_size, device=device, nproc=nproc))]


def _trains_as(config: RunConfig) -> bool:
    try:
        config.validate()
        if config.nproc > 1:
            backend_for(config)
    except ValueError:
        return False
    return True


def train_data_parallel(config: RunConfig, callback: Callable[[Progress], None] | None = None,
                        should_stop: Callable[[], bool] | None = None,
                        data: ImageSet | None = None) -> RunResult:
    """Train as :func:`~playground.train.loop.train` does (its signature: the app's trainer), as
    ``config.nproc`` processes on shares of every batch; rank 0's reports go to ``callback`` and
    its result is returned. A process that fails ends the run ("failed", saying which), and the
    others are ended. One process is :func:`~playground.train.loop.train` itself, in this one."""
    config.validate()
    if config.nproc == 1:
        return train(config, callback, should_stop, data)
    nproc, backend = config.nproc, backend_for(config)
    context = mp.get_context("spawn")
    reports, stop = context.Queue(), context.Event()
    # The threads this job was given (a queue's share of the cores, --threads, or torch's own: all of
    # them), shared by its processes, so a data-parallel run takes no more cores than any other job.
    threads = max(1, torch.get_num_threads() // nproc)
    with tempfile.TemporaryDirectory() as folder:
        rendezvous = Path(folder, "rendezvous").as_uri()
        ranks = [context.Process(target=_rank, daemon=True, args=(rank, nproc, backend, rendezvous, threads,
                                                                  config, data, reports, stop))
                 for rank in range(nproc)]
        for process in ranks:
            process.start()
        try:
            return _collect(config, ranks, reports, stop, callback or _ignore, should_stop or ev.never)
        finally:
            _end(ranks)


def _ignore(progress: Progress) -> None:
    pass


def _collect(config: RunConfig, ranks: list[Any], reports: Any, stop: Any,
             callback: Callable[[Progress], None], should_stop: Callable[[], bool]) -> RunResult:
    """Pass rank 0's reports to ``callback`` and ``should_stop`` to the ranks until rank 0's result
    arrives or a rank fails (says so, or dies)."""
    while True:
        if should_stop():
            stop.set()
        ended = [process.exitcode for process in ranks]  # before waiting: what they sent is queued by now
        try:
            kind, rank, payload = reports.get(timeout=POLL)
        except queue.Empty:
            dead = [(rank, code) for rank, code in enumerate(ended) if code not in (None, 0)]
            if dead:
                rank, code = dead[0]
                return failed(config, RuntimeError(f"process {rank} of {len(ranks)} of the data-parallel run "
                                                   f"died (exit code {code})"))
            if None not in ended:
                return failed(config, RuntimeError("the data-parallel run ended without a result"))
            continue
        if kind == "progress":
            callback(payload)
        elif kind == "result":
            result: RunResult = pickle.loads(payload)
            return result
        else:
            return failed(config, RuntimeError(f"process {rank} of {len(ranks)} of the data-parallel run "
                                               f"failed: {payload}"))


def _end(ranks: list[Any]) -> None:
    """Give the ranks ``GRACE`` seconds to end, then end the ones left (stuck waiting for a failed one)."""
    for process in ranks:
        process.join(timeout=GRACE)
    for process in ranks:
        if process.is_alive():
            process.terminate()
            process.join()


def _rank(rank: int, nproc: int, backend: str, rendezvous: str, threads: int, config: RunConfig,
          data: ImageSet | None, reports: Any, stop: Any) -> None:
    """One process of the run: join the group, train, and (rank 0) send back the result, pickled
    whole so it does not depend on this process living on to share its tensors."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the caller, which asks for a stop
    torch.set_num_threads(threads)
    try:
        if backend == "nccl":
            torch.cuda.set_device(rank)
        dist.init_process_group(backend, init_method=rendezvous, rank=rank, world_size=nproc)
        try:
            callback = (lambda progress: reports.put(("progress", rank, progress))) if rank == 0 else None
            result = train(config, callback, stop.is_set, data)
        finally:
            dist.destroy_process_group()
    except Exception as error:  # noqa: BLE001 - whatever it was, the caller must hear of it
        reports.put(("failed", rank, f"{type(error).__name__}: {error}"))
        return
    if rank == 0:
        reports.put(("result", rank, pickle.dumps(result)))
    elif result.status == "failed":  # e.g. out of memory: rank 0 would otherwise wait for it in vain
        reports.put(("failed", rank, str(result.message)))
