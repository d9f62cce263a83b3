"""Constructors: same signature, defaults, and errors (type and message) as torch.optim."""

from __future__ import annotations

import inspect

import pytest
import torch

import playground.optim

NAMES = ["SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "NAdam", "RAdam", "Adadelta", "Adamax"]
NAN = float("nan")
BAD_BETAS = [{"betas": (-0.1, 0.9)}, {"betas": (1.0, 0.9)}, {"betas": (0.9, 1.0)}, {"betas": (0.9, -1e-3)}]

#: Invalid (or borderline) keyword sets per class, each expected to raise in torch.optim.
INVALID = {
    "SGD": [{"lr": -1e-3}, {"momentum": -0.1}, {"weight_decay": -1.0}, {"nesterov": True},
            {"nesterov": True, "momentum": 0.9, "dampening": 0.1}, {"lr": torch.tensor([0.1, 0.2])}],
    "Adagrad": [{"lr": -1.0}, {"lr_decay": -0.1}, {"weight_decay": -0.1}, {"initial_accumulator_value": -1.0},
                {"eps": -1e-10}, {"lr": torch.ones(2)}, {"fused": True, "foreach": True}],
    "RMSprop": [{"lr": -1.0}, {"eps": -1.0}, {"momentum": -0.5}, {"weight_decay": -1.0}, {"alpha": -0.9},
                {"lr": NAN}],
    "Adam": [{"lr": -1.0}, {"eps": -1.0}, *BAD_BETAS, {"weight_decay": -1.0}, {"betas": (0, 0.5)},
             {"betas": (torch.tensor(0.9), 0.999)}, {"betas": (torch.ones(2), torch.tensor(0.9))},
             {"betas": (torch.tensor(0.9), torch.tensor(0.99)), "foreach": True},
             {"lr": torch.tensor(0.1), "foreach": True}, {"lr": torch.ones(3)},
             {"fused": True, "differentiable": True}, {"fused": True, "foreach": True}],
    "AdamW": [{"lr": -1.0}, {"eps": -1.0}, *BAD_BETAS, {"weight_decay": -1.0}, {"betas": (0.9, 1)}],
    "NAdam": [{"lr": -1.0}, {"eps": -1.0}, *BAD_BETAS, {"weight_decay": -1.0}, {"momentum_decay": -1.0}],
    "RAdam": [{"lr": -1.0}, {"eps": -1.0}, *BAD_BETAS, {"weight_decay": -1.0}, {"lr": torch.ones(2)}],
    "Adadelta": [{"lr": -1.0}, {"rho": -0.1}, {"rho": 1.1}, {"eps": -1.0}, {"weight_decay": -1.0}],
    "Adamax": [{"lr": -1.0}, {"eps": -1.0}, *BAD_BETAS, {"weight_decay": -1.0}],
}


def _outcome(cls, kwargs):
    """What constructing ``cls`` does: ('ok', defaults) or (the builtin exception type, message).
    Ours may raise a subclass of torch's type (a HyperparameterError is a ValueError that a page
    can say in Chinese): what counts is the builtin type a caller catches."""
    try:
        optimizer = cls([torch.zeros(2, requires_grad=True)], **kwargs)
    except Exception as error:  # noqa: BLE001 - any exception type must match torch's
        builtin = next(kind for kind in type(error).__mro__ if kind.__module__ == "builtins")
        return builtin, str(error)
    return "ok", optimizer.defaults


CASES = [(name, kwargs) for name, cases in INVALID.items() for kwargs in cases]


@pytest.mark.parametrize(("name", "kwargs"), CASES,
                         ids=lambda value: value if isinstance(value, str) else "-".join(map(str, value)))
def test_invalid_hyperparameters_raise_what_torch_raises(name, kwargs):
    ours = _outcome(getattr(playground.optim, name), kwargs)
    theirs = _outcome(getattr(torch.optim, name), kwargs)
    assert theirs[0] != "ok", f"torch accepts {kwargs}: not an invalid case"
    assert ours == theirs


def test_nan_learning_rate_passes_sgd_validation_as_in_torch():
    ours = _outcome(playground.optim.SGD, {"lr": NAN})
    assert ours[0] == "ok" and _outcome(torch.optim.SGD, {"lr": NAN})[0] == "ok"


@pytest.mark.parametrize("name", NAMES)
def test_signature_matches_torch(name):
    ours = inspect.signature(getattr(playground.optim, name).__init__).parameters
    theirs = inspect.signature(getattr(torch.optim, name).__init__).parameters
    assert [(p.name, p.kind, p.default) for p in ours.values()] == \
        [(p.name, p.kind, p.default) for p in theirs.values()]


@pytest.mark.parametrize("name", NAMES)
def test_defaults_and_param_groups_match_torch(name):
    params = [torch.zeros(2, requires_grad=True)]
    ours, theirs = getattr(playground.optim, name)(params), getattr(torch.optim, name)(params)
    assert ours.defaults == theirs.defaults
    assert ours.param_groups[0].keys() == theirs.param_groups[0].keys()
    assert ours.state_dict()["param_groups"] == theirs.state_dict()["param_groups"]


@pytest.mark.parametrize("name", NAMES)
def test_optimizers_are_torch_optimizers_but_not_torch_algorithms(name):
    ours = getattr(playground.optim, name)
    assert issubclass(ours, torch.optim.Optimizer)
    assert not issubclass(ours, getattr(torch.optim, name))
    assert all(cls.__module__.startswith("playground.") or cls.__module__ == "torch.optim.optimizer"
               for cls in ours.__mro__ if cls is not object)


def test_sparse_gradients_are_refused_with_a_clear_message():
    param = torch.zeros(3, requires_grad=True)
    optimizer = playground.optim.Adam([param])
    param.grad = torch.zeros(3).to_sparse()
    with pytest.raises(RuntimeError, match="Adam does not support sparse gradients"):
        optimizer.step()
