"""The registry of named methods the pages offer."""

from __future__ import annotations

import pytest
import torch

import playground.optim
from playground.optim import METHODS, TEACHING


def test_teaching_methods_are_registered_in_order():
    assert TEACHING == ("SGD", "Momentum", "NAG", "AdaGrad", "RMSprop", "Adam")
    assert set(TEACHING) <= set(METHODS)
    assert {m.optimizer.__name__ for m in METHODS.values()} == set(playground.optim.__all__) - {
        "METHODS", "TEACHING", "Method"}


def test_hyperparameters_layer_class_defaults_method_defaults_and_overrides():
    nag = METHODS["NAG"]
    assert nag.hyperparameters() == {"lr": 0.01, "momentum": 0.9, "dampening": 0, "weight_decay": 0,
                                     "nesterov": True, "maximize": False}
    assert nag.hyperparameters(lr=0.5)["lr"] == 0.5
    assert METHODS["Adam"].hyperparameters()["betas"] == (0.9, 0.999)
    assert METHODS["AdamW"].hyperparameters()["weight_decay"] == 1e-2


def test_unknown_hyperparameter_is_named_in_the_error():
    with pytest.raises(ValueError, match="Adam has no hyperparameter momentum"):
        METHODS["Adam"].hyperparameters(momentum=0.9)


@pytest.mark.parametrize("name", list(METHODS))
def test_make_builds_the_named_method_for_each_backend(name):
    method = METHODS[name]
    params = [torch.zeros(2, requires_grad=True)]
    ours, theirs = method.make(params), method.make(params, backend="torch")
    assert type(ours) is method.optimizer and type(theirs) is getattr(torch.optim, method.optimizer.__name__)
    for optimizer in (ours, theirs):
        group = optimizer.param_groups[0]
        assert {key: group[key] for key in method.hyperparameters()} == method.hyperparameters()
    assert method.rule is method.optimizer.rule


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="backend must be 'scratch' or 'torch'"):
        METHODS["SGD"].make([torch.zeros(1, requires_grad=True)], backend="jax")
