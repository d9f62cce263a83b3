"""Gradient health, measured: vanishing in deep sigmoid nets, and what He init, residuals and norms do."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import torch

from playground.backprop.clip import clip
from playground.backprop.deepnet import INITS, DeepConfig, DeepMLP, fixed_batch
from playground.backprop.health import DIVERGES, HEALTHY_SPREAD, STALLS, TRAINS, diagnose, train


def first_and_last(**config) -> tuple[float, float]:
    norms = train(DeepConfig(**config), steps=1).at_init().grad_norm
    return norms.iloc[0], norms.iloc[-1]


def test_a_20_layer_sigmoid_net_with_default_init_loses_its_gradient():
    first, last = first_and_last(depth=20, activation="sigmoid", init="default")
    assert first < 1e-3 * last


def test_relu_with_he_init_keeps_first_and_last_layer_within_the_healthy_spread():
    first, last = first_and_last(depth=20, activation="relu", init="he")
    assert 1 / HEALTHY_SPREAD < first / last < HEALTHY_SPREAD


def test_sigmoid_skips_leave_the_first_layer_50x_behind_and_that_is_not_called_healthy():
    """Residual sigmoid layers pile their all-positive outputs up along the skips; tanh's cancel."""
    sigmoid = train(DeepConfig(depth=20, activation="sigmoid", residual=True), steps=1)
    assert 1 / 100 < sigmoid.spread < 1 / 50 and sigmoid.verdict == "vanishing"
    tanh = train(DeepConfig(depth=20, activation="tanh", residual=True), steps=1)
    assert 1 / 2 < tanh.spread < 2 and tanh.verdict == "healthy"


def test_a_run_trains_when_its_loss_halves_without_diverging():
    config = DeepConfig(depth=20, activation="relu", init="he")
    assert train(config, steps=30, lr=0.01).outcome == TRAINS
    assert train(config, steps=30, lr=0.1).outcome == DIVERGES  # the same net, too large a step
    assert train(DeepConfig(depth=20), steps=30, lr=0.1).outcome == STALLS  # the vanishing net


@pytest.mark.parametrize("cure", [{"residual": True}, {"batchnorm": True}])
def test_residual_connections_and_batchnorm_raise_the_first_layer_gradient(cure):
    plain, _ = first_and_last(depth=20, activation="sigmoid")
    cured, last = first_and_last(depth=20, activation="sigmoid", **cure)
    assert cured > 1e6 * plain
    assert cured > 1e-3 * last


def test_too_large_init_explodes_the_activations_and_too_small_kills_them():
    big = train(DeepConfig(depth=20, activation="relu", init="too_large"), steps=1).at_init()
    small = train(DeepConfig(depth=20, activation="relu", init="too_small"), steps=1).at_init()
    assert big.act_std.iloc[-1] > 1e10 * big.act_std.iloc[0] / 10
    assert small.act_std.iloc[-1] < 1e-20


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_too_large_init_makes_the_gradients_huge(activation):
    big, _ = first_and_last(depth=20, activation=activation, init="too_large")
    he, _ = first_and_last(depth=20, activation=activation, init="he")
    assert big > 1e3 * he


def test_tanh_with_too_large_init_explodes_toward_the_first_layer():
    """The Exploding preset: the gradient grows layer by layer on its way down to layer 1."""
    norms = train(DeepConfig(depth=20, activation="tanh", init="too_large"), steps=1).at_init().grad_norm
    assert norms.iloc[0] > 1e3 * norms.iloc[-1]
    assert (norms.diff().dropna() < 0).mean() > 0.9  # falling from layer 1 to 20, nearly every layer
    assert diagnose(norms) == "exploding"


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_layer_norm_keeps_the_activation_scale_whatever_the_init(activation):
    def act_std(init: str, layernorm: bool) -> pd.Series:
        config = DeepConfig(depth=20, activation=activation, init=init, layernorm=layernorm)
        return train(config, steps=1).at_init().act_std

    small, large = act_std("too_small", True), act_std("too_large", True)
    assert small.max() < 1.5 * small.min() and large.max() < 1.5 * large.min()  # alike in every layer
    assert np.allclose(small, large, rtol=0.1)  # and alike for weights 100× apart
    without = act_std("too_large", False) / act_std("too_small", False)
    assert without.iloc[-1] > 10  # without it, the init's scale reaches the last layer


def test_layer_norm_cures_a_bad_init_but_not_a_deep_sigmoid():
    cured = train(DeepConfig(depth=20, activation="tanh", init="too_large", layernorm=True), steps=1)
    assert diagnose(cured.at_init().grad_norm) == "healthy"
    sigmoid = train(DeepConfig(depth=20, activation="sigmoid", layernorm=True), steps=1)
    assert diagnose(sigmoid.at_init().grad_norm) == "vanishing"


def test_init_scales_follow_their_formulas():
    gen = torch.Generator().manual_seed(0)
    he = INITS["he"].weight(256, 256, gen)
    default = INITS["default"].weight(256, 256, gen)
    assert he.std().item() == pytest.approx(math.sqrt(2 / 256), rel=0.02)
    assert default.abs().max().item() <= 1 / 16
    assert default.std().item() == pytest.approx(1 / 16 / math.sqrt(3), rel=0.02)


def test_layer_count_shapes_and_bad_configs():
    net = DeepMLP(DeepConfig(depth=3, width=16))
    prediction, hidden = net.forward(torch.randn(5, 16, dtype=torch.float64))
    assert prediction.shape == (5,) and [h.shape for h in hidden] == [(5, 16)] * 3
    with pytest.raises(ValueError, match="activation"):
        DeepConfig(activation="swish")


def test_a_too_large_learning_rate_diverges_and_clipping_by_norm_rescues_it():
    config = DeepConfig(depth=10, activation="relu", init="he")
    plain = train(config, steps=20, lr=0.5)
    clipped = train(config, steps=20, lr=0.5, clip_mode="norm", threshold=1.0)
    assert plain.diverged_at is not None and len(plain.steps) == plain.diverged_at
    assert clipped.diverged_at is None and len(clipped.steps) == 20
    assert (clipped.steps.norm_after <= 1.0 + 1e-6).all()
    assert (clipped.steps.norm_before > 1.0).any()
    assert clipped.steps.loss.iloc[-1] < clipped.steps.loss.iloc[0]
    assert np.isfinite(plain.steps.to_numpy()).all()  # nothing past the divergence is recorded


def test_clipping_by_value_caps_every_entry_and_leaves_small_ones_alone():
    net = DeepMLP(DeepConfig(depth=4, activation="relu", init="he"))
    X, Y = fixed_batch()
    torch.nn.functional.mse_loss(net.forward(X)[0], Y).backward()
    before = torch.cat([p.grad.flatten() for p in net.parameters()])
    threshold = float(before.abs().median())  # half the entries above it, half below
    clip(net.parameters(), "value", threshold)
    after = torch.cat([p.grad.flatten() for p in net.parameters()])
    small = before.abs() <= threshold
    assert (after.abs() <= threshold).all()
    assert torch.equal(after[small], before[small])
    assert torch.equal(after[~small], threshold * before[~small].sign())
    run = train(DeepConfig(depth=4, activation="relu", init="he"), steps=3, lr=0.01, clip_mode="value",
                threshold=1e-3)
    entries = sum(p.numel() for p in net.parameters())
    assert (run.steps.norm_after <= 1e-3 * math.sqrt(entries)).all()  # each entry at most 1e-3


@pytest.mark.parametrize("norms, verdict", [([1e-17, 0.3], "vanishing"), ([0.4, 1.0], "healthy"),
                                            ([6e105, 3e106], "exploding"), ([1e-26, 3e-26], "vanishing"),
                                            ([0.0175, 1.0], "vanishing"), ([9.0, 1.0], "healthy"),
                                            ([5.0, 0.01], "exploding"), ([1.0, float("nan")], "exploding")])
def test_diagnose_reads_spread_and_scale(norms, verdict):
    assert diagnose(pd.Series(norms)) == verdict
