"""Speed of the regularization lab's trainer, against a bare PyTorch loop measured in the same run.

Targets (issue 3), on the project's 2-core machine:
- a 2-16-16-2 MLP, 1,000 moons points, full batch, 300 epochs, dropout + batchnorm: <= 1 s
- digits, a 64-128-10 MLP, 100 epochs of batch 128: <= 5 s

Our trainer does more than the bare loop (per-epoch eval of both splits, weight norm, bounded
frames with boundary grids, histograms and batchnorm probes, our from-scratch optimizer), so
the ratio shows what that bookkeeping costs. Run: ``python benchmarks/bench_regularization.py``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.datasets.toy import make_toy  # noqa: E402
from playground.regularization.config import TrainConfig  # noqa: E402
from playground.regularization.mlp import build_mlp  # noqa: E402
from playground.regularization.trainer import train  # noqa: E402

CASES = {
    "moons 2-16-16-2, 1000 pts, full batch, 300 ep, dropout+BN": (
        ("moons", 1000, 0.2), TrainConfig(hidden=(16, 16), dropout=0.1, batchnorm=True, epochs=300), 1.0),
    "digits 64-128-10, 100 ep, batch 128": (
        ("digits", 1797, 0.0), TrainConfig(hidden=(128,), batch_size=128, epochs=100), 5.0),
}


def best_of(repeats: int, fn) -> tuple[float, float]:
    """Fastest wall-clock time and CPU time of ``repeats`` calls (CPU time is what a loaded,
    shared machine distorts least)."""
    times = []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - wall, time.process_time() - cpu))
    return min(times)


def bare_loop(data, config: TrainConfig) -> None:
    """The same network and epochs with torch.optim.Adam and only the validation loss per epoch."""
    model = build_mlp(config.mlp(data), seed=0)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    X, y = torch.from_numpy(data.X_train), torch.from_numpy(data.y_train)
    X_val, y_val = torch.from_numpy(data.X_val), torch.from_numpy(data.y_val)
    for _ in range(config.epochs):
        model.train()
        for rows in torch.randperm(len(X)).split(config.batch_size or len(X)):
            loss = F.cross_entropy(model(X[rows]), y[rows])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            F.cross_entropy(model(X_val), y_val).item()


def main() -> int:
    print(f"torch {torch.__version__}, {os.cpu_count()} cores")
    failed = False
    for threads in (1, 2):
        torch.set_num_threads(threads)
        for name, ((dataset, n, noise), config, target) in CASES.items():
            data = make_toy(dataset, n, noise, val_fraction=0.3, seed=0)
            train(data, config)  # warm-up: first calls pay for lazy initialization
            ours, cpu = best_of(3, lambda data=data, config=config: train(data, config))
            bare, _ = best_of(3, lambda data=data, config=config: bare_loop(data, config))
            # judged on 1 thread, the fastest for networks this small; 2 threads are shown for comparison
            verdict = ("PASS" if ours <= target else "FAIL") if threads == 1 else "info"
            failed |= verdict == "FAIL"
            print(f"{verdict} [{threads} thread{'s' if threads > 1 else ''}] {name}: {ours:.3f} s wall, "
                  f"{cpu:.3f} s CPU (target {target:.0f} s; bare torch loop {bare:.3f} s, "
                  f"ratio {ours / bare:.2f})")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: above the core count, other "
          "processes share the CPU and wall times grow")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
