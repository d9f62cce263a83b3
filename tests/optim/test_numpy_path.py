"""The same rule functions on numpy arrays: the 2-D trajectory engine's path."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from playground.optim import METHODS

#: Registry methods plus the switches the registry does not turn on by default.
CASES = [(name, {}) for name in METHODS] + [
    ("Adam", {"amsgrad": True, "weight_decay": 0.1, "maximize": True}),
    ("Adam", {"decoupled_weight_decay": True, "weight_decay": 0.1}),
    ("RMSprop", {"centered": True, "momentum": 0.5}),
    ("NAdam", {"decoupled_weight_decay": True, "weight_decay": 0.1}),
    ("RAdam", {"decoupled_weight_decay": True, "weight_decay": 0.1}),
    ("AdaGrad", {"lr_decay": 0.01, "initial_accumulator_value": 0.1}),
    ("SGD", {"momentum": 0.5, "dampening": 0.5, "weight_decay": 0.1}),
]


def himmelblau_gradient(points):
    """Gradient of (x^2 + y - 11)^2 + (x + y^2 - 7)^2 at each row (x, y); operators only, so
    numpy arrays and torch tensors get the very same arithmetic."""
    x, y = points[:, 0], points[:, 1]
    a, b = x * x + y - 11, x + y * y - 7
    gradient = points * 0
    gradient[:, 0] = 4 * x * a + 2 * b
    gradient[:, 1] = 2 * a + 4 * y * b
    return gradient


START = np.array([[0.0, 0.0], [-1.5, 2.5], [3.5, -3.0]])


def numpy_trajectory(name: str, overrides: dict, steps: int = 200) -> np.ndarray:
    method, position, state = METHODS[name], START.copy(), {}
    hyperparameters = method.hyperparameters(**overrides)
    path = [position.copy()]
    for _ in range(steps):
        method.rule(position, himmelblau_gradient(position), state, **hyperparameters)
        path.append(position.copy())
    return np.stack(path)


def torch_trajectory(name: str, overrides: dict, backend: str = "scratch", steps: int = 200) -> np.ndarray:
    position = torch.tensor(START, requires_grad=True)
    optimizer = METHODS[name].make([position], backend=backend, **overrides)
    path = [START.copy()]
    for _ in range(steps):
        position.grad = himmelblau_gradient(position.detach())
        optimizer.step()
        path.append(position.detach().numpy().copy())
    return np.stack(path)


@pytest.mark.parametrize(("name", "overrides"), CASES, ids=lambda v: v if isinstance(v, str) else str(v))
def test_numpy_rule_traces_the_same_trajectory_as_the_optimizer_on_torch(name, overrides):
    on_numpy, on_torch = numpy_trajectory(name, overrides), torch_trajectory(name, overrides)
    assert np.all(np.isfinite(on_numpy))
    assert np.abs(on_numpy[-1] - START).max() > 0.05, "the method did not move"
    np.testing.assert_allclose(on_numpy, on_torch, rtol=0, atol=1e-12)


@pytest.mark.parametrize("name", list(METHODS))
def test_registry_torch_backend_agrees_with_ours(name):
    ours, theirs = torch_trajectory(name, {}), torch_trajectory(name, {}, backend="torch")
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-10)


def test_numpy_state_uses_torchs_key_names():
    position, state = START.copy(), {}
    method = METHODS["Adam"]
    method.rule(position, himmelblau_gradient(position), state, **method.hyperparameters(amsgrad=True))
    assert set(state) == {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"} and state["step"] == 1
    assert all(state[key].shape == START.shape for key in ("exp_avg", "exp_avg_sq", "max_exp_avg_sq"))
