"""How close the work budget's estimates (``playground/budget.py``) come to measured times.

Baseline: each case's measured wall time on one torch thread (the interactive policy), the best
of two runs after a warm-up. Goal: every estimate within a factor of 2.5 of its measurement
(the budget has to tell a second from a minute, not time a run). Run:
``python benchmarks/bench_budget.py``.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.budget import Estimate, lab_estimate, race_estimate  # noqa: E402
from playground.datasets.toy import make_toy  # noqa: E402
from playground.regularization.config import LabConfig  # noqa: E402
from playground.regularization.trainer import train  # noqa: E402
from playground.surfaces import SURFACES, parse  # noqa: E402
from playground.threads import INTERACTIVE_THREADS, torch_threads  # noqa: E402
from playground.trajectories.basins import basins  # noqa: E402

FACTOR = 2.5
TEACHING = ["SGD", "Momentum", "NAG", "AdaGrad", "RMSprop", "Adam"]
LAB = [  # (points, config)
    (60, LabConfig(hidden=(128, 128), epochs=400)),
    (60, LabConfig(hidden=(16,), batch_size=1, epochs=100)),
    (2000, LabConfig(hidden=(256, 256, 256), epochs=50)),
    (2000, LabConfig(hidden=(256, 256, 256), batch_size=32, epochs=20)),
    (600, LabConfig(hidden=(128, 128), batch_size=32, epochs=100, dropout=0.2, batchnorm=True)),
    (2000, LabConfig(hidden=(256,) * 6, batch_size=8, epochs=2)),
]
SURFACES_TIMED = [("rosenbrock", SURFACES["rosenbrock"]), ("rastrigin", SURFACES["rastrigin"]),
                  ("typed sin(3x)cos(3y)+…", parse("sin(3*x) * cos(3*y) + 0.1*(x**2 + y**2)"))]


def measured(work: Callable[[], object]) -> float:
    work()
    times = []
    for _ in range(2):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def report(estimate: Estimate, seconds: float) -> bool:
    ratio = estimate.seconds / seconds
    ok = 1 / FACTOR <= ratio <= FACTOR
    print(f"  {'ok  ' if ok else 'OFF '} estimate {estimate.seconds:6.2f} s, measured {seconds:6.2f} s "
          f"({ratio:.2f}×): {estimate.work}")
    return ok


def main() -> int:
    print(f"load average {os.getloadavg()[0]:.1f}; {INTERACTIVE_THREADS} torch thread; "
          f"goal: within {FACTOR}×")
    results = []
    with torch_threads(INTERACTIVE_THREADS):
        for points, config in LAB:
            data = make_toy("moons", points, 0.45, 0.5, 0)
            results.append(report(lab_estimate(config, data), measured(partial(train, data, config))))
        for _, surface in SURFACES_TIMED:
            estimate = race_estimate(surface, len(TEACHING), 100 * 100, 500)
            race = partial(basins, surface, TEACHING, grid=100, steps=500)
            results.append(report(estimate, measured(race)))
    verdict = "PASS" if all(results) else "FAIL"
    print(f"{verdict}: {sum(results)} of {len(results)} estimates within {FACTOR}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
