"""The loss along θ(α) = (1 − α)·θ_init + α·θ_final (Goodfellow, Vinyals & Saxe 2015): its ends are
the initial and final networks, evaluated directly."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from playground.datasets.toy import make_toy
from playground.regularization.config import LabConfig
from playground.regularization.interpolation import ALPHAS
from playground.regularization.mlp import build_mlp
from playground.regularization.trainer import train

MOONS = make_toy("moons", 60, 0.45, 0.5, seed=0)


@torch.no_grad()
def losses(model: torch.nn.Module) -> tuple[float, float]:
    """Training and validation cross-entropy of ``model`` in eval mode, computed here from scratch."""
    model.eval()
    return tuple(float(F.cross_entropy(model(torch.from_numpy(X)), torch.from_numpy(y)))
                 for X, y in ((MOONS.X_train, MOONS.y_train), (MOONS.X_val, MOONS.y_val)))


def at(line, alpha: float) -> tuple[float, float]:
    (index,) = np.flatnonzero(line.alphas == alpha)
    return float(line.train_loss[index]), float(line.val_loss[index])


def test_the_line_runs_from_the_initial_network_to_the_final_one():
    config = LabConfig(hidden=(32, 32), epochs=100, dropout=0.2, l2=0.001)
    run = train(MOONS, config)
    assert run.line is not None and run.model is not None
    initial = build_mlp(config.mlp(MOONS), seed=config.seed)  # the trainer's seeded initial weights
    assert at(run.line, 0.0) == pytest.approx(losses(initial), rel=1e-6)
    assert at(run.line, 1.0) == pytest.approx(losses(run.model), rel=1e-6)
    assert at(run.line, 1.0) == (run.final["train_loss"], run.final["val_loss"])  # the headline's numbers
    assert run.line.alphas.tolist() == ALPHAS.tolist() and len(ALPHAS) == 31
    assert (ALPHAS[0], ALPHAS[-1]) == (-0.25, 1.25)


def test_with_batchnorm_and_restored_weights_alpha_one_is_the_network_the_run_hands_back():
    run = train(MOONS, LabConfig(hidden=(32, 32), epochs=150, batchnorm=True, early_stopping=True,
                                 patience=10))
    assert run.best is not None and run.line is not None  # early stopping restored an earlier network
    assert at(run.line, 1.0) == (run.final["train_loss"], run.final["val_loss"])


def test_an_overfitting_run_validates_best_partway_along_the_line():
    """The overfitting default: the training loss falls all the way to α = 1, while the validation
    loss is lowest well before it: a network between the two ends generalizes better."""
    line = train(MOONS, LabConfig(epochs=300, frames=3)).line
    assert line is not None
    inside = (line.alphas >= 0) & (line.alphas <= 1)
    assert np.all(np.diff(line.train_loss[inside]) <= 0)
    assert 0 < line.alphas[line.val_loss.argmin()] < 0.8
    assert line.val_loss[line.alphas == 1.0] > 2 * line.val_loss.min()
