"""Every algorithm, every hyperparameter torch.optim exposes: ours tracks torch.optim for 200 steps.

Each configuration runs on the several-tensors problem (0-d tensor included) in float64 and in
float32, and on the MLP in float32 (test_training_features runs every class on the MLP in float64
too, with two param groups).
"""

from __future__ import annotations

import pytest
import torch

from tests.optim.sidebyside import MLP, TENSORS, TOLERANCE, side_by_side, state_layout

WD, MAX = {"weight_decay": 0.1}, {"maximize": True}

#: (class name, constructor keywords): each boolean on, non-default values of each numeric
#: hyperparameter, and combinations with weight decay and maximize.
CONFIGS = [
    ("SGD", {"lr": 0.01}),
    ("SGD", {"lr": 0.01, "momentum": 0.9, "dampening": 0.3, **WD}),
    ("SGD", {"lr": 0.01, "momentum": 0.8, "nesterov": True, **WD, **MAX}),
    ("SGD", {"lr": 0.02, **MAX}),
    ("Adagrad", {}),
    ("Adagrad", {"lr": 0.05, "lr_decay": 0.01, **WD}),
    ("Adagrad", {"initial_accumulator_value": 0.5, "eps": 1e-3, **MAX}),
    ("Adagrad", {"lr": 0.05, **WD, **MAX}),
    ("RMSprop", {}),
    ("RMSprop", {"lr": 0.005, "alpha": 0.9, "eps": 1e-4, **WD}),
    ("RMSprop", {"momentum": 0.9, **MAX}),
    ("RMSprop", {"lr": 0.003, "centered": True, **WD}),  # centered without momentum
    ("RMSprop", {"lr": 0.003, "centered": True, "momentum": 0.5, **WD, **MAX}),
    ("Adam", {}),
    ("Adam", {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-4}),
    ("Adam", {"lr": 0.01, "betas": (0.5, 0.9), "eps": 1e-6, **WD, **MAX}),
    ("Adam", {"amsgrad": True, **WD}),
    ("Adam", {"lr": 0.01, "decoupled_weight_decay": True, **WD, **MAX}),
    ("Adam", {"amsgrad": True, "decoupled_weight_decay": True, **WD, **MAX}),
    ("AdamW", {}),
    ("AdamW", {"lr": 0.01, "betas": (0.5, 0.9), "eps": 1e-6, **WD}),
    ("AdamW", {"amsgrad": True, **WD, **MAX}),
    ("NAdam", {}),
    ("NAdam", {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-4, "momentum_decay": 0.01}),
    ("NAdam", {"momentum_decay": 0.01, **WD, **MAX}),
    ("NAdam", {"decoupled_weight_decay": True, "momentum_decay": 0.1, **WD, **MAX}),
    ("RAdam", {}),
    ("RAdam", {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-4}),
    ("RAdam", {"lr": 0.01, "betas": (0.5, 0.95), "eps": 1e-6, **WD, **MAX}),
    ("RAdam", {"betas": (0.9, 0.7)}),  # rho_t never exceeds 5: the un-rectified branch only
    ("RAdam", {**WD, **MAX}),
    ("RAdam", {"lr": 0.01, "decoupled_weight_decay": True, **WD, **MAX}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.5, "eps": 1e-4, **WD}),
    ("Adadelta", {"lr": 0.3, **WD, **MAX}),
    ("Adamax", {}),
    ("Adamax", {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-4}),
    ("Adamax", {"lr": 0.01, "betas": (0.5, 0.9), "eps": 1e-6, **MAX}),
    ("Adamax", {**WD, **MAX}),
]


def _id(config: tuple[str, dict]) -> str:
    name, kwargs = config
    return name + "".join(f"-{key}={value}" for key, value in kwargs.items())


@pytest.mark.parametrize(("problem", "dtype"),
                         [(TENSORS, torch.float64), (TENSORS, torch.float32), (MLP, torch.float32)],
                         ids=["tensors-f64", "tensors-f32", "mlp-f32"])
@pytest.mark.parametrize("config", CONFIGS, ids=_id)
def test_matches_torch_optim_for_200_steps(config, problem, dtype):
    name, kwargs = config
    run = side_by_side(name, kwargs, problem, dtype)
    assert run.moved(problem, dtype) > 1e-3, "training did not move the parameters"
    assert run.max_difference() <= TOLERANCE[dtype]
    assert state_layout(run.ours) == state_layout(run.theirs)
    assert run.ours.param_groups[0].keys() == run.theirs.param_groups[0].keys()
