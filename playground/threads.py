"""How many intra-op threads torch may use, per kind of work.

Every Streamlit session is a thread of one server process, so a class of thirty is thirty
threads computing at once. The pages' networks and surfaces are tiny: split over torch's default
pool (one thread per core) their matrix products spend more time synchronising than computing,
and pools of several sessions fight over the same cores. Measured on a 2-core machine
(``benchmarks/bench_threads.py``): the lab's default run takes 0.35 s idle on the default pool of
two threads but 1.57 s (4.4×) beside one CPU-bound process; on one thread, 0.40 s idle and 0.45 s
(1.1×) beside it. So:

- interactive work (the race's torch.optim checks, the lab, gradient health, gradient checks)
  runs on ``INTERACTIVE_THREADS`` thread, and sessions share the cores instead of fighting;
- a training job gets ``training_threads()``: the cores divided among the jobs that may train
  at once, or ``PLAYGROUND_TRAIN_THREADS``.

``torch.set_num_threads`` acts on the calling thread (and on threads started after it), so the
policy is applied around each computation, in the thread that runs it.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

import torch

INTERACTIVE_THREADS = 1

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def torch_threads(count: int) -> Iterator[None]:
    """Run the block on ``count`` intra-op torch threads, then restore the thread's own count."""
    if count < 1:
        raise ValueError(f"torch needs at least one thread, got {count}")
    before = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def interactive(compute: Callable[P, R]) -> Callable[P, R]:
    """Decorate a page's computation to run on ``INTERACTIVE_THREADS`` torch thread."""
    @functools.wraps(compute)
    def on_one_thread(*args: P.args, **kwargs: P.kwargs) -> R:
        with torch_threads(INTERACTIVE_THREADS):
            return compute(*args, **kwargs)
    return on_one_thread


def training_threads(concurrent_jobs: int, cpus: int | None = None,
                     environ: Mapping[str, str] = os.environ) -> int:
    """Threads for one training job: ``PLAYGROUND_TRAIN_THREADS`` when set to a whole number of
    at least 1, else the machine's cores shared evenly by ``concurrent_jobs`` (at least one)."""
    raw = environ.get("PLAYGROUND_TRAIN_THREADS", "")
    if raw.strip():
        try:
            wanted = int(raw)
        except ValueError:
            wanted = 0
        if wanted >= 1:
            return wanted
    return max(1, (cpus or os.cpu_count() or 1) // max(1, concurrent_jobs))
