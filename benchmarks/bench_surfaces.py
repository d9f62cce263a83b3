"""Speed of the surfaces the trajectory engine calls thousands of times per run.

Prints, per built-in surface, the time of one ``grad`` call on a race-sized batch (6 points) and
on a basin-map-sized batch (60,000 points), then the cost of parsing typed formulas and of
their symbolic gradients. Goals: a 6-point gradient within 100 us, Rosenbrock's 60,000-point
gradient within 3 ms (a 500-step basin map must fit in the engine's 3 s), a parse within 50 ms.
"""

from __future__ import annotations

import os
import platform
import sys
import timeit
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.surfaces import SURFACES, Surface, parse  # noqa: E402

FORMULAS = ("(1 - x)**2 + 100*(y - x**2)**2", "sin(3*x) * cos(3*y) + 0.1*(x**2 + y**2)",
            "softplus(x - y) + relu(y) * tanh(x) + exp(-(x**2 + y**2))")


def best_seconds(fn, number: int) -> float:
    return min(timeit.repeat(fn, number=number, repeat=5)) / number


def grad_times(surface: Surface, rng: np.random.Generator) -> tuple[float, float]:
    (x_lo, x_hi), (y_lo, y_hi) = surface.domain
    times = []
    for n, number in ((6, 2000), (60_000, 20)):
        x, y = rng.uniform(x_lo, x_hi, n), rng.uniform(y_lo, y_hi, n)
        times.append(best_seconds(lambda x=x, y=y: surface.grad(x, y), number))
    return times[0], times[1]


def main() -> None:
    print(f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cpus, python {platform.python_version()}, numpy {np.__version__}")
    rng = np.random.default_rng(0)
    verdicts = []
    print(f"{'surface':<36}{'grad, 6 pts':>14}{'grad, 60k pts':>16}")
    for name, surface in SURFACES.items():
        small, large = grad_times(surface, rng)
        print(f"{name:<36}{small * 1e6:>11.1f} us{large * 1e3:>13.2f} ms")
        verdicts.append((f"{name}: 6-point grad <= 100 us", small <= 100e-6))
        if name == "rosenbrock":
            verdicts.append(("rosenbrock: 60k-point grad <= 3 ms", large <= 3e-3))
    for text in FORMULAS:
        parse_seconds = best_seconds(lambda text=text: parse(text), 20)
        small, large = grad_times(parse(text), rng)
        print(f"{text[:34]:<36}{small * 1e6:>11.1f} us{large * 1e3:>13.2f} ms"
              f"   parse {parse_seconds * 1e3:.1f} ms")
        verdicts.append((f"parse {text[:20]}... <= 50 ms", parse_seconds <= 50e-3))
    for goal, ok in verdicts:
        print(f"{'PASS' if ok else 'FAIL'}  {goal}")


if __name__ == "__main__":
    main()
