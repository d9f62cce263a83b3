"""FGSM on a finished run (the Training runs page's "Adversarial examples" panel): seconds per attack.

For each model and a dataset of its shape, a run's result is made from a fresh network's weights
(the work does not depend on their values) and :func:`playground.train.attack.attack` timed on the
CPU with the torch threads this process has. Image sets that are not on this machine are stood in
for by random images of their shape. Goal: every attack under ~2 s on a 2-core CPU; where 500
examples take longer, ``EXAMPLES_BY_MODEL`` caps the model's examples.

Usage: PYTHONPATH=. python benchmarks/bench_attack.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.datasets import load  # noqa: E402
from playground.datasets.images import DATASETS, ImageSet, missing_files  # noqa: E402
from playground.i18n import said  # noqa: E402
from playground.train.attack import EXAMPLES, EXAMPLES_BY_MODEL, attack  # noqa: E402
from playground.train.loop import RunConfig, RunResult  # noqa: E402
from playground.train.models import build_model  # noqa: E402

CASES = [("digits", "mlp"), ("digits", "cnn"), ("mnist1d", "linear"), ("mnist1d", "mlp"),
         ("mnist1d", "cnn1d"), ("mnist1d", "gru"), ("mnist", "cnn"), ("cifar10", "cnn"), ("cifar10", "fast")]


def dataset(name: str) -> ImageSet:
    """The set itself where it is here, else random images of its shape (1,000 of each split)."""
    if not missing_files(name):
        return load(name)
    spec = DATASETS[name]
    g = torch.Generator().manual_seed(0)
    x = torch.randint(0, 256, (1000, *spec.shape), generator=g, dtype=torch.uint8)
    y = torch.randint(0, len(spec.classes), (1000,), generator=g)
    return ImageSet(name, x, y, x.clone(), y.clone(), spec.classes)


def main() -> None:
    print(f"torch threads: {torch.get_num_threads()}; at most {EXAMPLES} examples; caps {EXAMPLES_BY_MODEL}")
    for name, model in CASES:
        data = dataset(name)
        config = RunConfig(dataset=name, model=model)
        weights = build_model(model, data.shape, len(data.classes), hidden=config.hidden).state_dict()
        result = RunResult(config, "finished", said("runs.status.finished"), None, data.classes,
                           state_dict=weights)
        attack(result, data)  # warm-up: first calls pay for kernel selection and allocation
        started = time.perf_counter()
        done = attack(result, data)
        print(f"{name:>10} {model:>6}: {done.examples:4d} examples, {time.perf_counter() - started:5.2f} s")


if __name__ == "__main__":
    main()
