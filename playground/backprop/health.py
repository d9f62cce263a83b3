"""Gradient health: per-layer activation and gradient statistics of a deep MLP, over a few SGD steps.

At every step we record, for each hidden layer, the mean and standard deviation of its output
and the Frobenius norm of its weight gradient ‖∂L/∂W_l‖, plus the global gradient norm
before and after clipping. A run stops at the first step whose loss or gradient is not finite,
or whose loss has grown a million-fold: that step is ``diverged_at``. A run *trains* when it
does not diverge and its last loss is at most half its first (:data:`TRAINS_BELOW`). A run asks
``should_stop`` before every step (:mod:`playground.stopping`): a page's run ends when its page does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from playground.backprop.clip import clip, global_norm
from playground.backprop.deepnet import DeepConfig, DeepMLP, fixed_batch
from playground.backprop.graph import grad
from playground.optim import METHODS
from playground.stopping import StopCheck, check, never

DIVERGED_GROWTH = 1e6
HEALTHY_SPREAD, EXPLODED, VANISHED = 10.0, 1e3, 1e-6
TRAINS_BELOW = 0.5  # the last loss as a fraction of the first, at most
TRAINS, STALLS, DIVERGES = "trains", "does not train", "diverges"


def diagnose(grad_norms: pd.Series) -> str:
    """Classify per-layer gradient norms (first layer first) as vanishing, exploding or healthy.
    Healthy keeps the first and last layer within HEALTHY_SPREAD× of each other and every norm in
    [VANISHED, EXPLODED]."""
    norms = grad_norms.to_numpy(dtype=float)
    if not np.isfinite(norms).all() or norms.max() > EXPLODED or norms[0] > HEALTHY_SPREAD * norms[-1]:
        return "exploding"
    if norms.max() < VANISHED or norms[0] < norms[-1] / HEALTHY_SPREAD:
        return "vanishing"
    return "healthy"


@dataclass(frozen=True)
class Run:
    steps: pd.DataFrame  # step, loss, norm_before, norm_after
    layers: pd.DataFrame  # step, layer, act_mean, act_std, grad_norm
    diverged_at: int | None

    def at_init(self) -> pd.DataFrame:
        """The per-layer statistics of the first forward and backward pass."""
        return self.layers[self.layers.step == 0].reset_index(drop=True)

    @property
    def spread(self) -> float:
        """The first layer's gradient norm at initialization over the last layer's."""
        norms = self.at_init().grad_norm
        return float(norms.iloc[0] / norms.iloc[-1])

    @property
    def verdict(self) -> str:
        """:func:`diagnose` of the gradient norms at initialization."""
        return diagnose(self.at_init().grad_norm)

    @property
    def outcome(self) -> str:
        """DIVERGES, TRAINS (every step finite, the last loss at most TRAINS_BELOW × the first) or STALLS."""
        if self.diverged_at is not None:
            return DIVERGES
        losses = self.steps.loss
        return TRAINS if losses.iloc[-1] <= TRAINS_BELOW * losses.iloc[0] else STALLS


def train(config: DeepConfig, steps: int = 30, lr: float = 0.1, clip_mode: str = "none",
          threshold: float = 1.0, should_stop: StopCheck = never) -> Run:
    """Full-batch SGD on the fixed batch, clipping the gradients with ``clip_mode`` before each step;
    ``should_stop()`` is asked before every step (True raises ``Stopped`` with the steps taken)."""
    net = DeepMLP(config)
    X, Y = fixed_batch(config.seed)
    optimizer = METHODS["SGD"].make(net.parameters(), lr=lr)
    rows, layer_rows, diverged_at, first_loss = [], [], None, math.nan
    for step in range(steps):
        check(should_stop, step)
        optimizer.zero_grad()
        prediction, hidden = net.forward(X)
        loss = F.mse_loss(prediction, Y)
        loss.backward()
        with torch.no_grad():  # one stacked read per statistic: a .item() per layer would sync each time
            stats = torch.stack([torch.stack([h.mean(), h.std(), grad(W).norm()])
                                 for h, W in zip(hidden, net.weights, strict=False)]).tolist()
        layer_rows += [(step, layer, *row) for layer, row in enumerate(stats, start=1)]
        first_loss = loss.item() if step == 0 else first_loss
        before = global_norm(net.parameters())
        if not math.isfinite(loss.item() + before) or loss.item() > DIVERGED_GROWTH * first_loss:
            diverged_at = step
            break
        clip(net.parameters(), clip_mode, threshold)
        rows.append((step, loss.item(), before, global_norm(net.parameters())))
        optimizer.step()
    return Run(pd.DataFrame(rows, columns=["step", "loss", "norm_before", "norm_after"]),
               pd.DataFrame(layer_rows, columns=["step", "layer", "act_mean", "act_std", "grad_norm"]),
               diverged_at)
