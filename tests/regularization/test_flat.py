"""Contiguous parameters: one flat tensor per group trains exactly like the separate tensors."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from playground.regularization import MLPConfig, build_mlp
from playground.regularization.flat import flatten_
from playground.regularization.optimizers import make_optimizer

X = torch.randn(64, 2, generator=torch.Generator().manual_seed(0))
Y = (X[:, 0] * X[:, 1] > 0).long()


def trained(method: str, contiguous: bool) -> torch.nn.Module:
    model = build_mlp(MLPConfig(2, 2, (8, 8), batchnorm=True), seed=0)
    optimizer = make_optimizer(model, method, 0.05, weight_decay=0.1, contiguous=contiguous)
    for _ in range(25):
        loss = F.cross_entropy(model(X), Y)
        optimizer.zero_grad(set_to_none=False)
        loss.backward()
        optimizer.step()
    return model


@pytest.mark.parametrize("method", ["SGD", "NAG", "AdaGrad", "RMSprop", "Adam", "AdamW", "NAdam", "RAdam",
                                    "Adadelta", "Adamax"])
def test_stepping_one_flat_tensor_gives_the_same_network_number_for_number(method):
    separate, flat = trained(method, contiguous=False), trained(method, contiguous=True)
    for a, b in zip(separate.state_dict().values(), flat.state_dict().values(), strict=True):
        assert torch.equal(a, b)
    untrained = build_mlp(MLPConfig(2, 2, (8, 8), batchnorm=True), seed=0)
    assert not torch.equal(flat[1].weight, untrained[1].weight)  # it did train


def test_the_optimizer_sees_one_tensor_per_group_and_the_model_views_into_it():
    model = build_mlp(MLPConfig(2, 2, (8,)), seed=0)
    optimizer = make_optimizer(model, "Adam", 0.01, weight_decay=0.1, contiguous=True)
    (weights,), (others,) = (group["params"] for group in optimizer.param_groups)
    assert weights.shape == (2 * 8 + 8 * 2,) and others.shape == (8 + 2,)
    with torch.no_grad():
        weights.zero_()
    assert not model[1].weight.any() and model[1].bias.any()  # the model's weights are slices of it


def test_gradients_land_in_the_flat_gradient():
    a, b = torch.nn.Parameter(torch.ones(2, 3)), torch.nn.Parameter(torch.ones(4))
    flat = flatten_([a, b])
    ((a * 2).sum() + (b * 3).sum()).backward()
    assert flat.grad.tolist() == [2.0] * 6 + [3.0] * 4
