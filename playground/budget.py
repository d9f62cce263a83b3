"""How long a setting's work will take, estimated before it runs, and what a page may run.

A page computes in the request thread of the student who changed a setting, so on a shared
server one URL such as ``/regularization?n=2000&hidden=256,256,256,256,256,256&batch=1&epochs=5000``
would hold a thread (and a core) for hours. Each page therefore estimates its work first:

- a lab run costs, per epoch, a fixed overhead, a Python/optimizer overhead per mini-batch step
  and layer, and its arithmetic (forward and backward over the training set, forward over both splits to
  evaluate) at a sustained rate;
- a race or basin map costs, per method and step, an overhead plus, per start, the surface's
  gradient (timed on the spot, so a typed formula is charged what it really costs) and the rule.

The constants were measured on the project's 2-core VM on one torch thread (the interactive
policy, ``playground/threads.py``); ``benchmarks/bench_budget.py`` prints estimates beside
measured times. An estimate is meant to be right within a factor of about two: enough to tell
a second from a minute.

A hosted server refuses work over ``HOSTED_SECONDS`` with a message that says what to lower; a
local one runs anything and warns above ``WARN_SECONDS``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from playground.datasets.toy import SplitData
from playground.i18n import Said, said
from playground.regularization.config import LabConfig
from playground.surfaces import Surface

HOSTED_SECONDS = 5.0   # the most one change may compute in a request thread on a shared server
WARN_SECONDS = 10.0    # locally, longer work runs but the page says how long first

# lab, per epoch: overhead; per mini-batch step: overhead plus more per layer (kernels, the optimizer's
# per-tensor work), 1.5× with dropout or batchnorm; arithmetic rate
EPOCH_SECONDS = 0.4e-3
STEP_SECONDS = 0.05e-3
LAYER_STEP_SECONDS = 0.17e-3
NOISY_STEP = 1.5
FLOPS = 25e9
# race and basins, per method and step: overhead; per start and step: the rule's own arithmetic
METHOD_STEP_SECONDS = 10e-6
POINT_STEP_SECONDS = 15e-9
GRAD_PROBE = 4096      # points the surface's gradient is timed on


@dataclass(frozen=True)
class Estimate:
    seconds: float
    work: str    # what is being counted, e.g. "400 epochs × 1 step of a 2-128-128-2 network"
    lower: str   # what to lower to make it cheaper


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    message: str   # "" when there is nothing to say


@dataclass(frozen=True)
class LabWork:
    """What a lab run counts: epochs × mini-batch steps of a network of these widths on the points."""

    epochs: int
    steps: int                   # mini-batch steps per epoch
    widths: tuple[int, ...]      # inputs, hidden layers, outputs
    n_train: int
    n_val: int

    @property
    def network(self) -> str:
        return "-".join(map(str, self.widths))


def lab_work(config: LabConfig, data: SplitData) -> LabWork:
    n_train = len(data.X_train)
    columns = data.X_train.shape[1]
    inputs = len(config.features) if columns == 2 else columns
    full_batch = config.batch_size == 0 or config.batch_size >= n_train
    steps = 1 if full_batch else math.ceil(n_train / config.batch_size)
    return LabWork(config.epochs, steps, (inputs, *config.hidden, data.outputs), n_train, len(data.X_val))


def lab_estimate(config: LabConfig, data: SplitData) -> Estimate:
    """The seconds ``config`` trains for on ``data`` (every epoch run: early stopping may end sooner)."""
    work = lab_work(config, data)
    widths = work.widths
    weights = sum((a + 1) * b for a, b in zip(widths, widths[1:], strict=False))
    per_step = (STEP_SECONDS + LAYER_STEP_SECONDS * (len(widths) - 1)) * (
        NOISY_STEP if config.dropout or config.batchnorm else 1.0)
    # 2 flops per weight and row forward, 3× that to train: train the training set, evaluate both
    arithmetic = weights * (6 * work.n_train + 2 * (work.n_train + work.n_val)) / FLOPS
    seconds = config.epochs * (EPOCH_SECONDS + work.steps * per_step + arithmetic)
    step_word = "step" if work.steps == 1 else "steps"
    said = (f"{config.epochs:,} epochs × {work.steps:,} {step_word} of a {work.network} network on "
            f"{work.n_train:,} points")
    return Estimate(seconds, said, "the epochs, the points or the layer widths, or raise the batch size")


def gradient_seconds(surface: Surface) -> float:
    """Seconds per point of one gradient of ``surface``: the fastest of three timings on
    ``GRAD_PROBE`` points spread over its window."""
    (x0, x1), (y0, y1) = surface.domain
    rng = np.random.default_rng(0)
    x, y = rng.uniform(x0, x1, GRAD_PROBE), rng.uniform(y0, y1, GRAD_PROBE)
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        with np.errstate(all="ignore"):
            surface.grad(x, y)
        timings.append(time.perf_counter() - started)
    return min(timings) / GRAD_PROBE


def race_estimate(surface: Surface, methods: int, starts: int, steps: int, drawn: int = 0) -> Estimate:
    """The seconds ``methods`` optimizers take from ``starts`` starts for ``steps`` steps, plus
    ``drawn`` points of the surface evaluated once (the contour map; a gradient's cost bounds a
    value's)."""
    gradient = gradient_seconds(surface)
    racing = methods * steps * (METHOD_STEP_SECONDS + starts * (POINT_STEP_SECONDS + gradient))
    seconds = racing + drawn * gradient
    if starts == 1:
        return Estimate(seconds, f"{methods} methods × {steps:,} steps on this surface",
                        "the steps or the number of methods, or simplify the formula")
    return Estimate(seconds, f"{methods} methods × {starts:,} starts × {steps:,} steps",
                    "the grid, the steps or the number of methods")


def verdict(estimate: Estimate, hosted: bool) -> Verdict:
    """Whether to run ``estimate``'s work here, and what to tell the student first."""
    took = duration(estimate.seconds)
    if hosted and estimate.seconds > HOSTED_SECONDS:
        return Verdict(False, f"This asks for about {took} of computing ({estimate.work}); a shared server "
                              f"computes at most {HOSTED_SECONDS:g} s per change, so it was not started. "
                              f"Lower {estimate.lower}.")
    if not hosted and estimate.seconds > WARN_SECONDS:
        return Verdict(True, f"This will take about {took} ({estimate.work}); the page is busy until it "
                             f"finishes. Changing any setting stops it.")
    return Verdict(True, "")


def duration(seconds: float) -> Said:
    """How long ``seconds`` is, as a person reads it: "12 s", "0.3 s", "3 min", "1.5 h"."""
    if seconds < 90:
        return said("durations.seconds", value=f"{seconds:.0f}" if seconds >= 10 else f"{seconds:.1g}")
    if seconds < 90 * 60:
        return said("durations.minutes", value=f"{seconds / 60:.0f}")
    return said("durations.hours", value=f"{seconds / 3600:,.1f}")
