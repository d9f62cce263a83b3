"""The gradients the lab logs are the ones its optimizer steps with: the training loss's gradient,
penalty terms included, at the weights of the epoch they are logged under."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from playground.datasets.toy import make_toy
from playground.regularization.config import LabConfig
from playground.regularization.penalties import loss_terms
from playground.regularization.probes import linear_layers
from playground.regularization.trainer import Tensors, train

MOONS = make_toy("moons", 60, 0.45, 0.5, seed=0)
# full batch, so an epoch's first step sees the whole training set; L2 and the L1 penalty are in
# the loss; batchnorm's train-mode statistics shape the gradient
PENALIZED = {"hidden": (16, 16), "frames": 2, "l2": 0.01, "l1": 0.001, "l1_kind": "penalty",
             "batchnorm": True}


def autograd_norms(model: torch.nn.Module, config: LabConfig) -> list[float]:
    """‖∂L/∂W‖ per layer of the training loss at ``model``'s weights, in train mode, as torch computes it."""
    tensors = Tensors.of(MOONS, config)
    model.train()
    loss = tensors.loss(model(tensors.X_train), tensors.y_train)
    loss = loss + loss_terms(model, config.l1, config.l2, config.l1_kind)
    grads = torch.autograd.grad(loss, [layer.weight for _, layer in linear_layers(model)])
    return [float(g.norm()) for g in grads]


def logged(run, epoch: int) -> list[float]:
    row = run.gradients["epoch"].index(epoch)
    return [norms[row] for name, norms in run.gradients.items() if name != "epoch"]


@pytest.mark.parametrize("epoch", [5, 10])
def test_the_logged_norm_is_the_autograd_norm_of_the_training_loss_at_that_epochs_weights(epoch):
    config = LabConfig(**PENALIZED, epochs=10)
    run = train(MOONS, config)
    at_epoch = train(MOONS, LabConfig(**PENALIZED, epochs=epoch)).model  # the same weights, seeded
    assert at_epoch is not None
    assert logged(run, epoch) == pytest.approx(autograd_norms(at_epoch, config), rel=1e-5)
    assert run.gradients["epoch"] == list(range(11)) and list(run.gradients)[1:] == ["hidden 1", "hidden 2",
                                                                                       "output"]


def test_each_frame_holds_the_histogram_of_the_gradient_logged_at_its_epoch():
    run = train(MOONS, LabConfig(**PENALIZED, epochs=10))
    assert [frame.epoch for frame in run.frames] == [0, 5, 10]
    for frame in run.frames:
        sizes = [layer.size for layer in frame.layers]
        assert [int(g.counts.sum()) for g in frame.gradients] == sizes == [32, 256, 32]
        assert [g.norm for g in frame.gradients] == pytest.approx(logged(run, frame.epoch), rel=1e-5)


def test_the_last_gradient_leaves_the_trained_network_as_it_was():
    """One more gradient is computed after the last epoch, in train mode: batchnorm's running
    statistics must not move, or the run would hand back a network it never measured."""
    short = train(MOONS, LabConfig(**PENALIZED, epochs=5))
    longer = train(MOONS, LabConfig(**PENALIZED, epochs=10))
    assert short.final["val_loss"] == longer.history["val_loss"][5]
    assert short.final["train_loss"] == longer.history["train_loss"][5]


def test_dropout_makes_the_gradient_noisier_from_epoch_to_epoch():
    """Each step's dropout mask is new, so a dropout run's gradient norms jump between epochs."""
    def wiggle(dropout: float) -> float:
        norms = np.asarray(train(MOONS, LabConfig(hidden=(32, 32), epochs=60, lr=0.001,
                                                  dropout=dropout)).gradients["hidden 1"])
        return float(np.abs(np.diff(np.log(norms))).mean())

    assert wiggle(0.5) > 3 * wiggle(0.0)


def test_a_diverging_run_logs_gradients_only_for_the_epochs_it_recorded():
    run = train(MOONS, LabConfig(hidden=(32, 32), epochs=50, frames=5, optimizer="SGD", lr=1e4, init="he"))
    assert run.diverged_at is not None
    epochs = run.gradients["epoch"]
    assert epochs == list(range(len(epochs))) and epochs[-1] <= run.epochs_run
    assert all(len(norms) == len(epochs) for norms in run.gradients.values())
