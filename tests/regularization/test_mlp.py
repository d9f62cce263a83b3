"""The MLP builder: architecture, validation, seeding, initialization, dropout and batchnorm modes."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from playground.regularization import MLPConfig, build_mlp
from playground.regularization.mlp import parse_hidden


def test_layers_follow_the_config():
    model = build_mlp(MLPConfig(2, 3, (8, 4), "tanh", dropout=0.5, batchnorm=True))
    kinds = [type(m).__name__ for m in model]
    assert kinds == ["Flatten", "Linear", "BatchNorm1d", "Tanh", "Dropout",
                     "Linear", "BatchNorm1d", "Tanh", "Dropout", "Linear"]
    assert [tuple(p.shape) for p in model.parameters() if p.dim() == 2] == [(8, 2), (4, 8), (3, 4)]


def test_zero_hidden_layers_is_a_linear_model_and_images_are_flattened():
    assert [type(m).__name__ for m in build_mlp(MLPConfig(5, 2, ()))] == ["Flatten", "Linear"]
    mnist = build_mlp(MLPConfig(784, 10, (128,)))
    assert mnist(torch.zeros(3, 1, 28, 28)).shape == (3, 10)


@pytest.mark.parametrize(("config", "message"), [
    (MLPConfig(2, 2, (16,) * 7), "at most 6 hidden layers"),
    (MLPConfig(2, 2, (0,)), "1 to 256 units"),
    (MLPConfig(2, 2, (257,)), "1 to 256 units"),
    (MLPConfig(2, 2, activation="swish"), "unknown activation 'swish'"),
    (MLPConfig(2, 2, init="orthogonal"), "unknown initialization"),
    (MLPConfig(2, 2, dropout=1.0), "dropout must be in [0, 1)"),
    (MLPConfig(0, 2), "inputs and outputs must be at least 1"),
])
def test_impossible_networks_are_refused_with_clear_messages(config, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")):
        build_mlp(config)


def test_seed_reproduces_weights_and_leaves_the_global_rng_alone():
    torch.manual_seed(123)
    expected_next = torch.rand(1)
    torch.manual_seed(123)
    a = build_mlp(MLPConfig(2, 2, (16, 16)), seed=7)
    assert torch.rand(1) == expected_next
    b = build_mlp(MLPConfig(2, 2, (16, 16)), seed=7)
    c = build_mlp(MLPConfig(2, 2, (16, 16)), seed=8)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))
    assert not torch.equal(a[1].weight, c[1].weight)


def test_he_and_xavier_initializations_have_their_scales():
    he = build_mlp(MLPConfig(256, 2, (256,), init="he"), seed=0)[1]
    xavier = build_mlp(MLPConfig(256, 2, (256,), init="xavier"), seed=0)[1]
    assert he.weight.std().item() == pytest.approx((2 / 256) ** 0.5, rel=0.05)
    assert xavier.weight.std().item() == pytest.approx((2 / 512) ** 0.5, rel=0.05)  # U(±a): std a/√3
    assert he.bias.abs().sum() == 0


def test_dropout_is_active_in_training_and_off_in_eval():
    model = build_mlp(MLPConfig(4, 1, (64,), dropout=0.5), seed=0)
    x = torch.randn(8, 4)
    model.train()
    assert not torch.equal(model(x), model(x))  # fresh masks each call
    model.eval()
    assert torch.equal(model(x), model(x))
    without = nn.Sequential(*[m for m in model if not isinstance(m, nn.Dropout)])
    assert torch.equal(model(x), without(x))


def test_batchnorm_uses_running_statistics_in_eval():
    model = build_mlp(MLPConfig(3, 1, (5,), batchnorm=True), seed=0)
    bn = model[2]
    x = torch.randn(64, 3) * 4 + 2
    model.train()
    model(x)  # updates the running statistics from the batch
    z = model[1](x).detach()
    assert torch.allclose(bn.running_mean, 0.1 * z.mean(0))  # momentum 0.1 from a zero start
    model.eval()
    single = model(x[:1])  # one example: batch statistics would be undefined, running ones work
    expected = (z[:1] - bn.running_mean) / torch.sqrt(bn.running_var + bn.eps) * bn.weight + bn.bias
    assert torch.allclose(single, model[4](model[3](expected)), atol=1e-6)


def test_hidden_layers_parse_from_text_with_clear_messages():
    assert parse_hidden("64, 32") == (64, 32) and parse_hidden(" ") == () and parse_hidden("8;8") == (8, 8)
    with pytest.raises(ValueError, match="whole numbers separated by commas"):
        parse_hidden("64,abc")
    with pytest.raises(ValueError, match="1 to 256 units"):
        parse_hidden("300")
