"""Test-set evaluation in large batches, and what the page shows of it: the confusion matrix,
per-class accuracy and the misclassified examples."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from playground.i18n import Said, said
from playground.train.augment import mirror_translate_views


class StopRequested(Exception):
    """The user asked the run to stop; ``where`` says where it was (e.g. during evaluation)."""

    def __init__(self, where: Said) -> None:
        super().__init__(where)
        self.where = where


def never() -> bool:
    return False


@dataclass(frozen=True)
class Evaluation:
    loss: float            # mean cross-entropy (no label smoothing: the true test loss)
    accuracy: float
    predictions: torch.Tensor  # (N,) int64 on the CPU


@torch.no_grad()
def evaluate(model: torch.nn.Module, images: torch.Tensor, labels: torch.Tensor,
             prepare: Callable[[torch.Tensor], torch.Tensor], *, tta: bool = False,
             autocast: Callable[[], contextlib.AbstractContextManager] = contextlib.nullcontext,
             batch_size: int = 1000, should_stop: Callable[[], bool] = never) -> Evaluation:
    """Loss, accuracy and predictions of ``model`` on uint8 ``images``; with ``tta`` the logits
    are averaged over mirrored and shifted views. ``should_stop`` is asked before every batch
    (a large test set with TTA takes seconds) and raises :class:`StopRequested`."""
    if len(images) == 0:
        return Evaluation(float("nan"), float("nan"), torch.zeros(0, dtype=torch.long))
    was_training = model.training
    model.eval()
    total_loss, predictions = torch.zeros((), device=images.device), []
    try:
        for start in range(0, len(images), batch_size):
            if should_stop():
                raise StopRequested(said("runs.messages.during_evaluation"))
            x, y = prepare(images[start:start + batch_size]), labels[start:start + batch_size]
            with autocast():
                views = mirror_translate_views(x) if tta else [(1.0, x)]
                logits = sum(weight * model(view).float() for weight, view in views)
            total_loss += F.cross_entropy(logits, y, reduction="sum")
            predictions.append(logits.argmax(1))
    finally:
        model.train(was_training)
    predicted = torch.cat(predictions)
    accuracy = (predicted == labels).float().mean()
    return Evaluation(total_loss.item() / len(images), accuracy.item(), predicted.cpu())


def confusion_matrix(labels: torch.Tensor, predictions: torch.Tensor, classes: int) -> torch.Tensor:
    """(classes, classes) counts: row = true class, column = predicted class."""
    pairs = labels.cpu() * classes + predictions.cpu()
    return torch.bincount(pairs, minlength=classes * classes).reshape(classes, classes)


def per_class_accuracy(confusion: torch.Tensor) -> list[float | None]:
    """Recall of each class (None for a class with no test examples)."""
    totals = confusion.sum(dim=1)
    return [None if total == 0 else float(confusion[i, i] / total) for i, total in enumerate(totals.tolist())]


def mistakes(labels: torch.Tensor, predictions: torch.Tensor, limit: int = 36) -> list[dict[str, int]]:
    """The first ``limit`` misclassified test examples: index, true and predicted class."""
    wrong = torch.nonzero(labels.cpu() != predictions.cpu()).flatten()[:limit]
    return [{"index": int(i), "true": int(labels[i]), "predicted": int(predictions[i])} for i in wrong]
