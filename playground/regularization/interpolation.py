"""The loss along the straight line from a network's initial weights to its final ones.

Goodfellow, Vinyals & Saxe (2015), "Qualitatively characterizing neural network optimization
problems" (ICLR): evaluate the loss at θ(α) = (1 − α)·θ_init + α·θ_final for α a little beyond
[0, 1]. For many networks it falls smoothly and monotonically from α = 0 to α = 1, with no
barrier in between, although training itself took a winding path; past α = 1 it rises again.
Seen with and without a regularizer, the line shows how each changes the valley training ends in.

Every parameter is interpolated, batchnorm's scales and shifts too. Batchnorm's running
statistics are not parameters (nothing trains them toward θ_init), so every point is evaluated
in eval mode with the *final* network's running statistics: α = 1 is exactly the final network,
and α = 0 the initial weights seen through them. The losses are data losses without penalty
terms, as the lab's curves show them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch
from torch import nn
from torch.func import functional_call

if TYPE_CHECKING:  # the trainer imports this module
    from playground.regularization.trainer import Tensors

ALPHAS = np.arange(-5, 26) / 20  # -0.25, -0.2, …, 1.25: 31 points, with 0 and 1 exactly among them


@dataclass(frozen=True)
class Line:
    alphas: np.ndarray
    train_loss: np.ndarray
    val_loss: np.ndarray


@torch.no_grad()
def loss_line(initial: list[torch.Tensor], final: nn.Module, tensors: Tensors,
              alphas: np.ndarray = ALPHAS) -> Line:
    """The training and validation loss at each θ(α) between ``initial`` (the values of
    ``final.parameters()`` before training, in their order) and ``final``; ``final`` is left as
    it was, in eval mode."""
    names = [name for name, _ in final.named_parameters()]
    ends = [(start, end.detach()) for start, end in zip(initial, final.parameters(), strict=True)]
    final.eval()
    n = len(tensors.X_train)
    losses = []
    for alpha in alphas.tolist():
        # (1 − α)·a + α·b, not a + α·(b − a): exactly a at α = 0 and exactly b at α = 1
        weights = {name: (1 - alpha) * start + alpha * end
                   for name, (start, end) in zip(names, ends, strict=True)}
        out = functional_call(final, weights, (tensors.X_both,))
        losses.append(torch.stack([tensors.loss(out[:n], tensors.y_train),
                                   tensors.loss(out[n:], tensors.y_val)]))
    train_loss, val_loss = torch.stack(losses).double().numpy().T
    return Line(alphas, train_loss, val_loss)
