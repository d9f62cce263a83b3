"""The lab's optimizer builder: our from-scratch optimizers, knobs, and decay on weights only."""

from __future__ import annotations

import pytest
import torch

from playground.datasets.toy import make_toy
from playground.optim import Adam
from playground.regularization import MLPConfig, build_mlp
from playground.regularization.config import LabConfig
from playground.regularization.optimizers import decay_in_force, decays, knobs, make_optimizer
from playground.regularization.trainer import train


def test_knobs_are_each_methods_tunable_settings_with_defaults():
    assert knobs("Adam") == {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "amsgrad": False}
    assert knobs("Momentum") == {"momentum": 0.9, "nesterov": False}
    assert knobs("NAG") == {"momentum": 0.9, "nesterov": True}
    assert knobs("AdaGrad") == {"eps": 1e-10, "lr_decay": 0.0}
    assert knobs("RMSprop") == {"momentum": 0.0, "alpha": 0.99, "eps": 1e-8, "centered": False}
    assert knobs("Adadelta") == {"rho": 0.9, "eps": 1e-6}
    assert knobs("NAdam") == {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "momentum_decay": 0.004}


@pytest.mark.parametrize(("method", "tuned"), [
    ("Momentum", {"nesterov": True}), ("Adam", {"amsgrad": True}), ("Adam", {"eps": 0.1}),
    ("AdaGrad", {"lr_decay": 0.5}), ("RMSprop", {"centered": True}), ("NAdam", {"momentum_decay": 0.05}),
])
def test_each_new_knob_reaches_the_optimizer_and_changes_training(method, tuned):
    model = build_mlp(MLPConfig(2, 2, (4,)), seed=0)
    group = make_optimizer(model, method, 0.05, tuned=tuned).param_groups[0]
    assert all(group[name] == value for name, value in tuned.items())
    moons = make_toy("moons", 40, 0.3, 0.5, seed=0)

    def weights(knobs: dict) -> torch.Tensor:
        config = LabConfig(hidden=(8,), epochs=20, frames=1, optimizer=method, lr=0.05, knobs=knobs)
        run = train(moons, config)
        return torch.cat([p.detach().ravel() for p in run.model.parameters()])

    assert not torch.allclose(weights(tuned), weights({}))


def test_nesterov_without_momentum_is_refused_with_the_optimizers_reason():
    with pytest.raises(ValueError, match="SGD: Nesterov momentum requires a momentum"):
        LabConfig(optimizer="SGD", knobs={"nesterov": True}).validate()


def test_weight_decay_reaches_weight_matrices_only_and_is_decoupled_for_adam():
    model = build_mlp(MLPConfig(2, 2, (4,), batchnorm=True), seed=0)
    optimizer = make_optimizer(model, "Adam", 0.01, weight_decay=0.1, tuned={"beta1": 0.8})
    assert type(optimizer) is Adam  # ours, not torch.optim's
    weights, others = optimizer.param_groups
    assert [p.dim() for p in weights["params"]] == [2, 2] and weights["weight_decay"] == 0.1
    assert all(p.dim() == 1 for p in others["params"]) and others["weight_decay"] == 0.0
    assert weights["betas"] == (0.8, 0.999) and weights["decoupled_weight_decay"] is True


def test_each_method_offers_the_decay_kinds_torch_optim_has_and_the_asked_one_where_it_can():
    assert decays("Adam") == decays("NAdam") == decays("RAdam") == ("decoupled", "coupled")
    assert decays("AdamW") == ("decoupled",) and decays("SGD") == decays("RMSprop") == ("coupled",)
    assert decay_in_force("SGD", "decoupled") == "coupled" and decay_in_force("Adam", "coupled") == "coupled"
    model = build_mlp(MLPConfig(2, 2, (4,)), seed=0)
    coupled = make_optimizer(model, "Adam", 0.01, weight_decay=0.1, decay="coupled")
    assert coupled.param_groups[0]["decoupled_weight_decay"] is False
    with pytest.raises(ValueError, match="unknown weight decay 'both'"):
        decay_in_force("Adam", "both")


@pytest.mark.parametrize("backend", ["scratch", "torch"])
def test_the_training_runs_page_builds_its_optimizer_with_the_same_policy(backend):
    from playground.train.loop import RunConfig
    from playground.train.loop import make_optimizer as run_optimizer

    model = build_mlp(MLPConfig(2, 2, (4,), batchnorm=True), seed=0)
    config = RunConfig(optimizer="Adam", weight_decay=0.1, backend=backend, bias_lr_scale=4.0)
    weights, others = run_optimizer(model, config).param_groups
    assert [p.dim() for p in weights["params"]] == [2, 2] and weights["weight_decay"] == 0.1
    assert others["weight_decay"] == 0.0 and others["lr"] == 4.0 * config.lr
    assert weights["decoupled_weight_decay"] is True


def test_unknown_optimizer_or_knob_is_refused_clearly():
    model = build_mlp(MLPConfig(2, 2, (4,)), seed=0)
    with pytest.raises(ValueError, match="unknown optimizer 'LBFGS'"):
        make_optimizer(model, "LBFGS", 0.1)
    with pytest.raises(ValueError, match="SGD has no hyperparameter beta1"):
        make_optimizer(model, "SGD", 0.1, tuned={"beta1": 0.5})
