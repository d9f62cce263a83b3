"""The thread policy (``playground/threads.py``) against torch's default pool, idle and beside a
competing CPU-bound process: what a class on one server does to each session's computation.

Baseline, measured in the same run: the lab's default run on torch's default thread count (one
per core). Goal (issue 9): with the policy, the run beside one competing process takes at most
1.5 × its idle time. Each figure is the median of ``REPEATS`` runs, since contention is what is
measured (a best-of would hide it). Run: ``python benchmarks/bench_threads.py``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.datasets.toy import make_toy  # noqa: E402
from playground.regularization.config import LabConfig  # noqa: E402
from playground.regularization.trainer import train  # noqa: E402
from playground.threads import INTERACTIVE_THREADS, torch_threads  # noqa: E402

REPEATS = 5
GOAL = 1.5
# The lab page's defaults: moons, 60 points, noise 0.45, half held out, two hidden layers of 128, 400 epochs.
DATA = make_toy("moons", 60, 0.45, 0.5, 0)
CONFIG = LabConfig(hidden=(128, 128), epochs=400)


def median_seconds(threads: int) -> float:
    times = []
    with torch_threads(threads):
        for _ in range(REPEATS):
            started = time.perf_counter()
            train(DATA, CONFIG)
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def busy_process() -> subprocess.Popen:
    """Another session's work, as the OS sees it: one process spinning on one core."""
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


def main() -> int:
    default = torch.get_num_threads()
    print(f"torch {torch.__version__}, {os.cpu_count()} cores, default pool {default} thread(s); "
          f"the lab's default run (moons 60 points, 128-128, 400 epochs), median of {REPEATS}; "
          f"load average {os.getloadavg()[0]:.1f} at the start")
    train(DATA, CONFIG)  # warm-up: first-call allocations and kernels
    figures = {}
    for label, threads in (("default pool", default), ("policy", INTERACTIVE_THREADS)):
        idle = median_seconds(threads)
        competitor = busy_process()
        try:
            time.sleep(0.5)
            busy = median_seconds(threads)
        finally:
            competitor.kill()
            competitor.wait()
        figures[label] = (idle, busy)
        print(f"  {label:13} {threads} thread(s): idle {idle:.2f} s, beside one busy process {busy:.2f} s "
              f"({busy / idle:.2f}×)")
    idle, busy = figures["policy"]
    verdict = "PASS" if busy / idle <= GOAL else "FAIL"
    base_idle, base_busy = figures["default pool"]
    print(f"  {verdict}: policy {busy / idle:.2f}× its idle time beside a busy process (goal ≤ {GOAL}×); "
          f"the default pool {base_busy / base_idle:.2f}×; policy under load {base_busy / busy:.1f}× faster "
          f"than the default pool under load")
    return 0


if __name__ == "__main__":
    sys.exit(main())
