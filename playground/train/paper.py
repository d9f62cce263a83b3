"""The MNIST-1D paper's table, and the best of a student's runs to set beside it.

Test accuracy of four models on MNIST-1D and on its shuffled variant (one fixed permutation of
the 40 positions), from Greydanus & Kobak 2020, "Scaling Down Deep Learning with MNIST-1D"
(arXiv:2011.14439, its benchmark table; also the README of github.com/greydanus/mnist1d). The
1-D CNN's lead is its spatial inductive bias: shuffling the positions takes it away, and the CNN
and the GRU drop below the MLP, which never used the order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from playground.datasets.mnist1d import VARIANTS
from playground.train.loop import RunResult

FINISHED = ("finished", "early-stopped")  # runs that trained to their end


@dataclass(frozen=True)
class PaperAccuracy:
    model: str       # a name in playground.train.models.MODELS
    mnist1d: float   # test accuracy on MNIST-1D
    shuffled: float  # on MNIST-1D with its positions shuffled


PAPER = (
    PaperAccuracy("linear", 0.32, 0.32),
    PaperAccuracy("mlp", 0.68, 0.68),
    PaperAccuracy("cnn1d", 0.94, 0.56),
    PaperAccuracy("gru", 0.91, 0.57),
)


def paper_accuracy(model: str, dataset: str) -> float:
    """The paper's test accuracy of ``model`` on ``dataset`` (``mnist1d`` or ``mnist1d_shuffled``)."""
    row = next(row for row in PAPER if row.model == model)
    return row.shuffled if VARIANTS[dataset] else row.mnist1d


def best_accuracies(results: Iterable[RunResult]) -> dict[tuple[str, str], float]:
    """The highest final test accuracy among ``results`` that trained to their end, by (model,
    dataset), for MNIST-1D and its shuffled variant."""
    best: dict[tuple[str, str], float] = {}
    for result in results:
        config, accuracy = result.config, result.test_accuracy
        if config.dataset in VARIANTS and result.status in FINISHED and accuracy is not None:
            key = (config.model, config.dataset)
            best[key] = max(accuracy, best.get(key, accuracy))
    return best
