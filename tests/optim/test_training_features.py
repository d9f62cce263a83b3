"""torch.optim's machinery around the rule: param groups, lr schedulers, state_dict, closures,
zero_grad, maximize, complex parameters. Each checked against torch.optim itself."""

from __future__ import annotations

import copy
import io

import pytest
import torch
from torch.optim.lr_scheduler import StepLR

import playground.optim
from tests.optim.sidebyside import MLP, TENSORS, TOLERANCE, reload_at, side_by_side, state_layout

#: One configuration per class, with its second param group's different hyperparameters.
GROUPS = {
    "SGD": ({"lr": 0.01, "momentum": 0.9}, {"lr": 0.03, "momentum": 0.5, "weight_decay": 0.1}),
    # torch.optim.Adagrad fills every accumulator with the constructor's value, ignoring the group's.
    "Adagrad": ({"lr": 0.05, "initial_accumulator_value": 0.1},
                {"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.5}),
    "RMSprop": ({"momentum": 0.5}, {"lr": 0.003, "alpha": 0.9, "centered": True}),
    "Adam": ({"lr": 0.01}, {"lr": 0.02, "betas": (0.8, 0.99), "amsgrad": True, "weight_decay": 0.1}),
    "AdamW": ({"lr": 0.01}, {"lr": 0.005, "weight_decay": 0.5, "amsgrad": True}),
    "NAdam": ({"lr": 0.01}, {"momentum_decay": 0.01, "decoupled_weight_decay": True, "weight_decay": 0.1}),
    "RAdam": ({"lr": 0.01}, {"betas": (0.8, 0.99), "decoupled_weight_decay": True, "weight_decay": 0.1}),
    "Adadelta": ({}, {"lr": 0.5, "rho": 0.5}),
    "Adamax": ({"lr": 0.01}, {"betas": (0.8, 0.99), "eps": 1e-4, "weight_decay": 0.1}),
}
NAMES = sorted(GROUPS)


def _assert_matches(run, problem, dtype=torch.float64):
    assert run.moved(problem, dtype) > 1e-3
    assert run.max_difference() <= TOLERANCE[dtype]
    assert state_layout(run.ours) == state_layout(run.theirs)


@pytest.mark.parametrize("name", NAMES)
def test_two_param_groups_with_different_hyperparameters(name):
    config, second_group = GROUPS[name]
    run = side_by_side(name, config, MLP, group_overrides=second_group)
    _assert_matches(run, MLP)
    assert [g["lr"] for g in run.ours.param_groups] == [g["lr"] for g in run.theirs.param_groups]


@pytest.mark.parametrize(("problem", "dtype"), [(TENSORS, torch.float64), (MLP, torch.float32)],
                         ids=["tensors-f64", "mlp-f32"])
@pytest.mark.parametrize("name", NAMES)
def test_lr_scheduler_changes_lr_mid_run(name, problem, dtype):
    schedulers = []

    def step_lr(step, ours, theirs):
        if step < 0:
            schedulers.extend(StepLR(optimizer, step_size=50, gamma=0.3) for optimizer in (ours, theirs))
        else:
            for scheduler in schedulers:
                scheduler.step()
        return ours, theirs

    run = side_by_side(name, GROUPS[name][0], problem, dtype, hooks=[step_lr])
    _assert_matches(run, problem, dtype)
    initial_lr = GROUPS[name][0].get("lr", run.theirs.defaults["lr"])
    assert run.ours.param_groups[0]["lr"] == pytest.approx(initial_lr * 0.3 ** 4)


def _torch_save_round_trip(state: dict) -> dict:
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    return torch.load(buffer, weights_only=True)


@pytest.mark.parametrize("name", NAMES)
def test_state_dict_reloaded_into_a_fresh_optimizer_mid_run(name):
    """Twice: after a deep copy of the state_dict, then after a torch.save/torch.load trip."""
    config, second_group = GROUPS[name]
    run = side_by_side(name, config, MLP, dtype=torch.float32, group_overrides=second_group,
                       hooks=[reload_at(66, copy.deepcopy), reload_at(133, _torch_save_round_trip)])
    _assert_matches(run, MLP, torch.float32)


@pytest.mark.parametrize("name", NAMES)
def test_state_dicts_are_interchangeable_with_torch_optim(name):
    """torch.optim's state_dict loads into ours mid-run (and ours into torch.optim's), and
    training carries on exactly as if nothing had been swapped."""
    config, second_group = GROUPS[name]

    def swap(step, ours, theirs):
        if step != 99:
            return ours, theirs
        ours_state, theirs_state = ours.state_dict(), theirs.state_dict()
        assert ours_state["param_groups"] == theirs_state["param_groups"]
        ours.load_state_dict(copy.deepcopy(theirs_state))
        theirs.load_state_dict(copy.deepcopy(ours_state))
        return ours, theirs

    run = side_by_side(name, config, TENSORS, group_overrides=second_group, hooks=[swap])
    _assert_matches(run, TENSORS)


def test_adagrad_state_exists_before_the_first_step_like_torch():
    params = [torch.zeros(3, requires_grad=True)]
    ours = playground.optim.Adagrad(params, initial_accumulator_value=0.25)
    theirs = torch.optim.Adagrad(params, initial_accumulator_value=0.25)
    assert state_layout(ours) == state_layout(theirs)
    assert torch.equal(ours.state[params[0]]["sum"], torch.full((3,), 0.25))


@pytest.mark.parametrize("name", NAMES)
def test_closure_is_called_once_and_its_loss_returned(name):
    losses = {}
    for library in (playground.optim, torch.optim):
        params = MLP.make_params(torch.float64)
        optimizer = getattr(library, name)(params, **GROUPS[name][0])
        calls = []

        def closure(params=params, optimizer=optimizer, calls=calls):
            optimizer.zero_grad()
            loss = MLP.loss(params, len(calls))
            loss.backward()
            calls.append(loss.item())
            return loss

        returned = [optimizer.step(closure).item() for _ in range(20)]
        assert returned == calls
        losses[library.__name__] = (returned, params)
    (ours, ours_params), (theirs, theirs_params) = losses.values()
    assert ours == pytest.approx(theirs, abs=1e-12)
    assert all(torch.allclose(a, b, atol=1e-12, rtol=0)
               for a, b in zip(ours_params, theirs_params, strict=True))


@pytest.mark.parametrize("set_to_none", [True, False])
def test_zero_grad_clears_gradients(set_to_none):
    params = TENSORS.make_params(torch.float64)
    optimizer = playground.optim.Adam(params)
    TENSORS.loss(params, 0).backward()
    optimizer.zero_grad(set_to_none=set_to_none)
    for p in params:
        assert (p.grad is None) if set_to_none else torch.equal(p.grad, torch.zeros_like(p))


def test_parameters_without_gradients_are_left_alone_and_get_no_state():
    used, unused = torch.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
    optimizer = playground.optim.Adam([used, unused], lr=0.1)
    (used ** 2).sum().backward()
    optimizer.step()
    assert torch.equal(unused, torch.ones(2)) and unused not in optimizer.state
    assert torch.all(used < 1)


@pytest.mark.parametrize("name", NAMES)
def test_maximize_climbs_exactly_where_minimizing_the_negated_loss_descends(name):
    config = GROUPS[name][0]
    climbed, descended = MLP.make_params(torch.float64), MLP.make_params(torch.float64)
    up = getattr(playground.optim, name)(climbed, maximize=True, **config)
    down = getattr(playground.optim, name)(descended, **config)
    for step in range(30):
        for p, grad in zip(climbed, MLP.gradients(climbed, step), strict=True):
            p.grad = -grad
        for p, grad in zip(descended, MLP.gradients(descended, step), strict=True):
            p.grad = grad
        up.step()
        down.step()
    assert all(torch.equal(a, b) for a, b in zip(climbed, descended, strict=True))
    assert not torch.equal(climbed[0], MLP.make_params(torch.float64)[0])


@pytest.mark.parametrize("name", NAMES)
def test_complex_parameters_match_torch_and_keep_complex_state(name):
    target = torch.randn(4, dtype=torch.complex128, generator=torch.Generator().manual_seed(0))
    start = torch.randn(4, dtype=torch.complex128, generator=torch.Generator().manual_seed(1))
    ours_param, theirs_param = start.clone().requires_grad_(), start.clone().requires_grad_()
    ours = getattr(playground.optim, name)([ours_param], **GROUPS[name][0])
    theirs = getattr(torch.optim, name)([theirs_param], **GROUPS[name][0])
    for _ in range(50):
        for param, optimizer in ((ours_param, ours), (theirs_param, theirs)):
            optimizer.zero_grad()
            ((param - target).abs() ** 2).sum().backward()
            optimizer.step()
    assert (ours_param - theirs_param).abs().max() <= 1e-10
    assert not torch.equal(ours_param, start)
    assert state_layout(ours) == state_layout(theirs)
