"""MNIST-1D: the paper's table reproduced with the Training runs page's default recipe, on one CPU thread.

Trains each model of Greydanus & Kobak 2020 (logistic regression, MLP, 1-D CNN, GRU) on MNIST-1D
and on its shuffled variant with the ``mnist1d-<model>`` presets (the page's defaults: Adam,
constant lr 0.01, batches of 100, 100 epochs), once per seed, and prints each run's final test
accuracy and wall time, then the mean over the seeds beside the paper's number.

Goals: every mean within 3 percentage points of the paper's, and the CNN's run under 60 s (each
seed's, wall time of ``train``: model, optimizer and evaluation included; the data is generated
once, before). One torch thread (``torch.set_num_threads(1)``), as a training job gets beside
another on a 2-core machine (``playground.threads``).

Usage: PYTHONPATH=. python benchmarks/bench_mnist1d.py [--seeds 3] [--models linear,mlp,cnn1d,gru]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.datasets import load  # noqa: E402
from playground.datasets.mnist1d import VARIANTS  # noqa: E402
from playground.train import train  # noqa: E402
from playground.train.paper import PAPER, paper_accuracy  # noqa: E402
from playground.train.presets import MNIST1D_RECIPE, preset  # noqa: E402

POINTS = 3.0      # the most our mean may differ from the paper's, in percentage points
CNN_SECONDS = 60  # the most one CNN run may take


def main() -> int:
    cli = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    cli.add_argument("--seeds", type=int, default=3, help="runs per model and variant (seeds 0, 1, ...)")
    cli.add_argument("--models", default=",".join(row.model for row in PAPER),
                     help="comma-separated models of the paper's table")
    args = cli.parse_args()
    torch.set_num_threads(1)
    print(f"machine: {platform.machine()}, 1 torch thread of {os.cpu_count()} cores, "
          f"torch {torch.__version__}")
    started = time.perf_counter()
    data = {name: load(name) for name in VARIANTS}
    print(f"generating both variants (the mnist1d package, its import included): "
          f"{time.perf_counter() - started:.1f} s")
    print(f"recipe: {MNIST1D_RECIPE}\n")
    failures = []
    summary = []
    for model in args.models.split(","):
        for dataset in VARIANTS:
            accuracies, seconds = [], []
            for seed in range(args.seeds):
                started = time.perf_counter()
                result = train(preset(f"mnist1d-{model}", dataset=dataset, seed=seed, device="cpu"),
                               data=data[dataset])
                seconds.append(time.perf_counter() - started)
                accuracies.append(result.test_accuracy or 0.0)
                print(f"  {model:6} {dataset:16} seed {seed}: {accuracies[-1]:6.1%} in {seconds[-1]:5.1f} s "
                      f"({result.status})", flush=True)
            ours, paper = statistics.mean(accuracies), paper_accuracy(model, dataset)
            close = abs(ours - paper) * 100 <= POINTS
            fast = model != "cnn1d" or max(seconds) < CNN_SECONDS
            if not close:
                failures.append(f"{model} on {dataset}: {ours:.1%}, paper {paper:.0%}")
            if not fast:
                failures.append(f"{model} on {dataset}: {max(seconds):.1f} s, goal < {CNN_SECONDS} s")
            summary.append(f"{model:6} {dataset:16} ours {ours:6.1%} (min {min(accuracies):.1%}, max "
                           f"{max(accuracies):.1%})  paper {paper:4.0%}  {(ours - paper) * 100:+5.1f} pp  "
                           f"{statistics.mean(seconds):5.1f} s/run  [{'PASS' if close and fast else 'FAIL'}]")
    print(f"\nmean of {args.seeds} seed(s) per row; goal: within {POINTS:g} points of the paper, CNN runs "
          f"under {CNN_SECONDS} s")
    print("\n".join(summary))
    for failure in failures:
        print(f"FAIL: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
