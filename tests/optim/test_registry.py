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


def test_unknown_hyperparameter_is_named_in_the_message():
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


def test_every_editable_hyperparameter_is_described_once_with_a_range_holding_each_methods_default():
    from playground.optim.hyperparameters import KNOBS

    for method in METHODS.values():
        for name, value in method.knobs().items():
            knob = KNOBS[name]
            assert knob.title and knob.help, name
            assert knob.flag == isinstance(value, bool), name
            assert knob.flag or knob.lo <= value <= knob.hi, (method.name, name, value)


def test_betas_split_into_two_knobs_and_join_back_keeping_the_one_left_alone():
    adam = METHODS["Adam"]
    assert list(adam.knobs(without=("lr", "weight_decay"))) == ["beta1", "beta2", "eps", "amsgrad"]
    assert adam.tuned({"beta2": 0.9, "eps": 1e-3}) == {"eps": 1e-3, "betas": (0.9, 0.9)}
    assert adam.hyperparameters(**adam.tuned(adam.knobs())) == adam.hyperparameters()
    assert METHODS["SGD"].tuned({"momentum": 0.5}) == {"momentum": 0.5}
