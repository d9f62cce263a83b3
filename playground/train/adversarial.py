"""Adversarial examples by the fast gradient sign method (FGSM).

Goodfellow, Shlens & Szegedy, "Explaining and Harnessing Adversarial Examples" (ICLR 2015): move
every input value by ε in the direction that increases the loss fastest under a max-norm budget,

.. math::
    x_{adv} = \\operatorname{clip}_{[lo, hi]}\\big(x + ε \\cdot \\operatorname{sign}(∇_x L(f(x), y))\\big),

so no value moves by more than ε (clipping to the valid range can only shorten a move). A network
that is right on x is often wrong on x_adv for an ε too small for a person to notice. Training on a
mix of clean and FGSM examples ("adversarial training") buys robustness, usually at some cost in
clean accuracy.

Inputs are in the data's own units (0–255 for images); ``prepare`` turns them into what the model
takes (e.g. normalisation), and is differentiated through. :func:`attack_plan` is the one place
that says which budgets ε a dataset is attacked with, and within which bounds.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from playground.datasets.images import DATASETS, ImageSet
from playground.i18n import said
from playground.train.evaluate import StopRequested, never


@dataclass(frozen=True)
class Robustness:
    """Test accuracy at each ε (ε in the data's units; ε = 0 is the clean accuracy)."""

    epsilons: tuple[float, ...]
    accuracy: tuple[float, ...]


Prepare = Callable[[torch.Tensor], torch.Tensor]

# images: ε in 0–255 pixel steps, shown as ε/255 (8/255 is the budget the literature quotes for CIFAR-10)
IMAGE_STEPS = (0.0, 2.0, 4.0, 8.0, 16.0, 32.0)
# MNIST-1D's float signals have no pixel grid: ε as fractions of the training values' standard deviation
SIGNAL_FRACTIONS = (0.0, 0.05, 0.1, 0.2, 0.4, 0.8)


@dataclass(frozen=True)
class AttackPlan:
    """The budgets a dataset is attacked with: ``epsilons`` in the data's units, ``shown`` the same
    budgets as a reader sees them (pixel steps out of 255, or multiples of σ for ``signals``), and
    the ``bounds`` every perturbed value is clipped to."""

    epsilons: tuple[float, ...]
    shown: tuple[float, ...]
    bounds: tuple[float, float]
    signals: bool

    @property
    def standard(self) -> int:
        """The index of the budget a page shows first and adversarial training trains against:
        the middle one (8/255 for images, 0.2 σ for signals)."""
        return len(self.epsilons) // 2


def attack_plan(data: ImageSet) -> AttackPlan:
    """Images: ε = 0, 2, …, 32 pixel steps, clipped to 0–255. Signals (standardised floats, no natural
    range): ε as fractions of the training values' σ, unclipped, as no value is out of range."""
    if DATASETS[data.name].signals:
        sigma = float(data.train_x.float().std())
        return AttackPlan(tuple(f * sigma for f in SIGNAL_FRACTIONS), SIGNAL_FRACTIONS, (-math.inf, math.inf),
                          signals=True)
    return AttackPlan(IMAGE_STEPS, IMAGE_STEPS, (0.0, 255.0), signals=False)


def fgsm(model: torch.nn.Module, inputs: torch.Tensor, labels: torch.Tensor, epsilon: float,
         prepare: Prepare, bounds: tuple[float, float] = (0.0, 255.0)) -> torch.Tensor:
    """FGSM versions of ``inputs`` (float, the data's units) against ``model`` in its current mode."""
    if epsilon < 0:
        raise ValueError(f"FGSM's ε must be at least 0, not {epsilon}")
    x = inputs.detach().float().requires_grad_(True)
    loss = F.cross_entropy(model(prepare(x)).float(), labels)
    (gradient,) = torch.autograd.grad(loss, x)
    return (x + epsilon * gradient.sign()).clamp(*bounds).detach()


def robustness(model: torch.nn.Module, inputs: torch.Tensor, labels: torch.Tensor, epsilons: Sequence[float],
               prepare: Prepare, bounds: tuple[float, float] = (0.0, 255.0), batch_size: int = 500,
               should_stop: Callable[[], bool] = never) -> Robustness:
    """Accuracy of ``model`` (in eval mode) on FGSM examples of ``inputs`` at each ε. ``should_stop``
    is asked before every batch and raises :class:`StopRequested`."""
    was_training = model.training
    model.eval()
    correct = torch.zeros(len(epsilons))
    try:
        for start in range(0, len(inputs), batch_size):
            x, y = inputs[start:start + batch_size].float(), labels[start:start + batch_size]
            for i, epsilon in enumerate(epsilons):
                if should_stop():
                    raise StopRequested(said("runs.messages.during_evaluation"))
                attacked = fgsm(model, x, y, epsilon, prepare, bounds) if epsilon else x
                with torch.no_grad():
                    correct[i] += (model(prepare(attacked)).argmax(1) == y).sum().item()
    finally:
        model.train(was_training)
    total = max(len(inputs), 1)
    return Robustness(tuple(float(e) for e in epsilons), tuple(float(c) / total for c in correct))
