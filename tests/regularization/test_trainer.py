"""The lab's trainer: each regularizer does what the page says it does, on small fast runs."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from playground.datasets.toy import SplitData, make_toy
from playground.regularization.config import LabConfig
from playground.regularization.penalties import penalized_weights
from playground.regularization.probes import batchnorm_stats
from playground.regularization.trainer import train

MOONS = make_toy("moons", 60, 0.45, 0.5, seed=0)


def zero_weights(model: torch.nn.Module) -> int:
    return sum(int((w == 0).sum()) for w in penalized_weights(model))


def small(**changes) -> LabConfig:
    return LabConfig(**{"hidden": (32, 32), "epochs": 60, "frames": 5, **changes})


def test_overfitting_default_shows_a_generalization_gap():
    run = train(MOONS, LabConfig(epochs=300, frames=3))
    history = run.history
    assert history["train_loss"][-1] < 0.05  # memorized the noisy training points ...
    assert history["val_loss"][-1] > 3 * min(history["val_loss"])  # ... while validation got worse
    assert run.final["val_loss"] - run.final["train_loss"] > 0.5


def test_l1_proximal_step_gives_exact_zeros_where_l2_does_not():
    l1 = train(MOONS, small(optimizer="SGD", lr=0.1, l1=0.01, epochs=150))
    l2 = train(MOONS, small(optimizer="SGD", lr=0.1, l2=0.01, epochs=150))
    none = train(MOONS, small(optimizer="SGD", lr=0.1, epochs=150))
    assert zero_weights(l1.model) > 200
    assert zero_weights(l2.model) == 0
    assert l2.final["weight_norm"] < none.final["weight_norm"]  # L2 shrinks without zeroing
    last = l1.frames[-1]
    assert sum(layer.zeros for layer in last.layers) == zero_weights(l1.model) == l1.final["zero_weights"]


def test_decoupled_weight_decay_differs_from_l2_under_adam_but_not_sgd():
    # L2 with λ equals weight decay 2λ for SGD; under Adam, decoupled decay is a different method.
    def weights(config: LabConfig) -> torch.Tensor:
        return torch.cat([p.detach().ravel() for p in train(MOONS, config).model.parameters()])

    sgd_l2 = weights(small(optimizer="SGD", lr=0.1, l2=0.005, epochs=20))
    sgd_wd = weights(small(optimizer="SGD", lr=0.1, weight_decay=0.01, epochs=20))
    assert torch.allclose(sgd_l2, sgd_wd, atol=1e-5)
    adam_l2 = weights(small(optimizer="Adam", lr=0.01, l2=0.005, epochs=20))
    adam_wd = weights(small(optimizer="Adam", lr=0.01, weight_decay=0.01, epochs=20))
    adamw = weights(small(optimizer="AdamW", lr=0.01, weight_decay=0.01, epochs=20))
    assert (adam_l2 - adam_wd).abs().max() > 1e-2
    assert torch.allclose(adam_wd, adamw)  # Adam's decay is switched to decoupled: AdamW


def test_fixed_seed_reproduces_a_run_exactly_and_another_seed_does_not():
    config = small(dropout=0.3, batchnorm=True, batch_size=8, epochs=10)
    a, b = train(MOONS, config), train(MOONS, config)
    assert a.history == b.history
    assert all(torch.equal(p, q) for p, q in zip(a.model.parameters(), b.model.parameters(), strict=True))
    other_seed = train(MOONS, small(dropout=0.3, batchnorm=True, batch_size=8, epochs=10, seed=1))
    assert other_seed.history != a.history


def test_divergence_ends_the_run_with_the_last_finite_state():
    run = train(MOONS, small(optimizer="SGD", lr=1e4, init="he", epochs=50))
    assert run.diverged_at is not None and run.diverged_at <= 50
    assert run.epochs_run == run.diverged_at - 1
    assert all(math.isfinite(v) for v in run.history["train_loss"] + run.history["val_loss"])
    assert run.frames[-1].epoch <= run.epochs_run
    assert all(math.isfinite(value) for value in run.final.values())  # the last finite state, not NaN


def test_a_network_whose_loss_is_not_finite_from_the_start_diverges_at_epoch_0():
    # 1e20 fits in float32, its square does not: the untrained network's MSE is already inf
    X = np.random.default_rng(0).normal(size=(6, 2)).astype(np.float32)
    y = np.float32(1e20) * np.ones(6, np.float32)
    huge = SplitData(X[:4], y[:4], X[4:], y[4:], "regression", (), ("x1", "x2"))
    run = train(huge, small(epochs=10, early_stopping=True))
    assert run.diverged_at == 0 and run.epochs_run == 0 and run.history["epoch"] == []
    assert run.best is None and run.best_epoch is None and [f.epoch for f in run.frames] == [0]


def test_divergence_with_restore_hands_back_the_best_finite_network():
    diverging = small(optimizer="SGD", lr=1e4, init="he", epochs=50, early_stopping=True, patience=100)
    run = train(MOONS, diverging)
    assert run.diverged_at is not None and run.best is not None
    assert run.final["val_loss"] == pytest.approx(min(run.history["val_loss"][1:]), rel=1e-5)


def test_early_stopping_restores_the_best_weights_at_the_end_without_stopping():
    # as Keras 3: patience never runs out, yet the best weights come back when training ends
    run = train(MOONS, LabConfig(epochs=200, early_stopping=True, patience=1000, frames=4))
    val = run.history["val_loss"]
    assert run.stopped_epoch is None and run.epochs_run == 200
    assert run.best_epoch == int(np.argmin(val[1:])) + 1 < 200
    assert run.final["val_loss"] == pytest.approx(min(val[1:]), rel=1e-5)
    assert run.final["val_loss"] < val[-1]  # the restored network, not the overfitted last one
    assert run.best is not None and run.best.epoch == run.best_epoch


def test_early_stopping_stops_and_restores_the_best_validation_loss():
    run = train(MOONS, LabConfig(epochs=400, early_stopping=True, patience=10, frames=10))
    val = run.history["val_loss"]
    assert run.stopped_epoch is not None and run.stopped_epoch < 400
    assert run.stopped_epoch == run.best_epoch + 10
    assert run.best_epoch == int(np.argmin(val[1:])) + 1  # history row 0 is the untrained network
    assert run.final["val_loss"] == pytest.approx(min(val[1:]), rel=1e-5)
    assert run.best is not None and run.best.epoch == run.best_epoch


def test_batchnorm_frames_record_batch_and_running_statistics():
    run = train(MOONS, small(batchnorm=True, epochs=30, frames=3))
    frame = run.frames[-1]
    assert [bn.name for bn in frame.batchnorm] == ["BN 1", "BN 2"]
    bn = run.model[2]
    assert np.allclose(frame.batchnorm[0].running_mean, bn.running_mean.numpy())
    assert frame.batchnorm[0].batch_mean.shape == (32,)
    assert frame.mode_gap > 0  # train-mode output (batch stats) differs from eval-mode output
    assert train(MOONS, small(epochs=5)).frames[-1].batchnorm == []


def test_probing_batchnorm_leaves_the_network_exactly_as_it_was():
    run = train(MOONS, small(batchnorm=True, dropout=0.2, epochs=10, frames=1))
    before = {name: value.clone() for name, value in run.model.state_dict().items()}
    X = torch.from_numpy(MOONS.X_train)
    stats, gap = batchnorm_stats(run.model, X)
    after = run.model.state_dict()
    assert all(torch.equal(before[name], after[name]) for name in before)  # incl. num_batches_tracked
    assert [bn.momentum for bn in (run.model[2], run.model[6])] == [0.1, 0.1]
    assert not any(m.training for m in run.model.modules())
    assert len(stats) == 2 and gap > 0


def test_frames_are_bounded_and_hold_the_decision_grid():
    run = train(MOONS, small(epochs=100, frames=10))
    assert [f.epoch for f in run.frames] == list(range(0, 101, 10))
    grid = run.frames[-1].grid
    assert grid.shape == (60 * 60,) and set(np.unique(grid)) <= {0, 1}
    assert ((run.frames[-1].confidence >= 0.5) & (run.frames[-1].confidence <= 1)).all()


def test_regression_uses_mse_and_multiclass_gets_a_confusion_matrix():
    sine = train(make_toy("sine", 80, 0.1, 0.5, seed=0), small(epochs=40))
    assert math.isnan(sine.final["val_acc"]) and sine.confusion is None
    assert sine.history["val_loss"][-1] < sine.history["val_loss"][0]
    digits = make_toy("digits", 300, 0.0, 0.3, seed=0)
    run = train(digits, small(hidden=(32,), epochs=30))
    assert run.extent is None and run.frames[-1].grid is None
    assert run.confusion.shape == (10, 10) and run.confusion.sum() == len(digits.y_val)
    assert np.trace(run.confusion) / len(digits.y_val) == pytest.approx(run.final["val_acc"])
    assert run.final["val_acc"] > 0.8


def test_input_features_let_a_linear_model_separate_circles():
    circles = make_toy("circles", 200, 0.05, 0.5, seed=0)
    plain = train(circles, LabConfig(hidden=(), epochs=100, frames=2))
    squares = train(circles, LabConfig(hidden=(), epochs=100, frames=2,
                                         features=("x1", "x2", "x1^2", "x2^2")))
    assert plain.final["val_acc"] < 0.7 < 0.95 < squares.final["val_acc"]


def test_progress_reports_the_run_so_far():
    seen = []
    train(MOONS, small(epochs=20), progress=lambda run: seen.append(run.epochs_run), report_every=5)
    assert seen == [5, 10, 15, 20]


@pytest.mark.parametrize(("changes", "message"), [
    ({"epochs": 0}, "epochs must be between"),
    ({"batchnorm": True, "batch_size": 1}, "batch normalization needs batches of at least 2"),
    ({"lr": 0.0}, "learning rate must be positive"),
    ({"l1": -1.0}, "penalty strengths"),
])
def test_impossible_settings_are_refused_with_clear_messages(changes, message):
    with pytest.raises(ValueError, match=message):
        train(MOONS, small(**changes))


def test_the_weight_norm_of_huge_but_finite_weights_is_a_number_not_inf():
    """SGD at lr 100 blows ReLU weights up past 1e19 without a NaN: the norm must not overflow."""
    run = train(make_toy("moons", 60, 0.45, 0.5, seed=0),
                LabConfig(hidden=(32, 32), epochs=200, optimizer="SGD", lr=100.0))
    assert run.diverged_at is None
    assert 1e19 < run.final["weight_norm"] < float("inf")
    assert all(math.isfinite(norm) for norm in run.history["weight_norm"])
