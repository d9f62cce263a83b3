import warnings

import numpy as np
import pytest
import torch

from playground.optim import METHODS, TEACHING
from playground.schedules import Schedule
from playground.surfaces import SURFACES, parse
from playground.trajectories import RunOptions, max_difference, race, run, torch_path

ROSENBROCK, BOWL = SURFACES["rosenbrock"], SURFACES["bowl"]
STARTS = np.array([[-1.2, 1.0], [0.5, 2.0], [1.5, -0.5]])


def test_shapes_for_k_starts():
    t = run(ROSENBROCK, "Adam", STARTS, 50)
    assert t.positions.shape == (51, 3, 2) and t.losses.shape == (51, 3) and t.grad_norms.shape == (51, 3)
    assert t.updates.shape == (50, 3, 2) and t.lrs.shape == (50, 3) and t.diverged_at.shape == (3,)
    assert np.array_equal(t.positions[0], STARTS)
    assert t.losses[0, 0] == pytest.approx(ROSENBROCK.value(-1.2, 1.0))
    assert np.allclose(t.updates, np.diff(t.positions, axis=0))


@pytest.mark.parametrize("method", TEACHING)
def test_k_starts_at_once_equal_k_single_runs(method):
    options = RunOptions(noise=0.0, clip=50.0, schedule=Schedule("cosine"))
    batched = run(ROSENBROCK, method, STARTS, 200, options)
    for k, start in enumerate(STARTS):
        single = run(ROSENBROCK, method, start, 200, options)
        np.testing.assert_allclose(batched.positions[:, k], single.positions[:, 0], rtol=1e-12, atol=1e-12)
        assert batched.diverged_at[k] == single.diverged_at[0]


def test_a_race_gives_each_method_the_path_it_has_alone():
    options = RunOptions(noise=2.0, seed=7, clip=20.0)
    together = race(ROSENBROCK, {"SGD": {}, "Adam": {"lr": 0.1}}, STARTS, 100, options)
    alone = run(ROSENBROCK, "Adam", STARTS, 100, options, lr=0.1)
    np.testing.assert_array_equal(together["Adam"].positions, alone.positions)


def test_adam_on_a_bowl_matches_hand_computed_steps():
    lr, eps, (b1, b2) = 0.1, 1e-8, (0.9, 0.999)
    theta, m, v = np.array([1.0, -2.0]), np.zeros(2), np.zeros(2)
    expected = [theta.copy()]
    for t in range(1, 4):
        g = 2 * theta  # f = x^2 + y^2
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        theta = theta - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
        expected.append(theta.copy())
    ours = run(BOWL, "Adam", (1.0, -2.0), 3, lr=lr)
    np.testing.assert_allclose(ours.positions[:, 0], expected, rtol=0, atol=1e-12)
    # the first Adam step has length lr in each coordinate (m_hat / sqrt(v_hat) = sign(g))
    assert np.allclose(np.abs(ours.updates[0, 0]), lr, atol=1e-8)


def test_adam_matches_torch_optim_adam_to_1e_10():
    ours = run(BOWL, "Adam", (1.0, -2.0), 100, lr=0.05)
    param = torch.tensor([1.0, -2.0], dtype=torch.float64, requires_grad=True)
    adam = torch.optim.Adam([param], lr=0.05)
    for t in range(100):
        adam.zero_grad()
        (param**2).sum().backward()
        adam.step()
        assert np.allclose(param.detach().numpy(), ours.positions[t + 1, 0], rtol=0, atol=1e-10)


@pytest.mark.parametrize("name", list(METHODS))
def test_every_method_with_all_options_matches_torch_optim(name):
    options = RunOptions(schedule=Schedule("warmup_cosine", warmup=20), noise=0.5, seed=3, clip=5.0,
                         plateau=True, plateau_patience=5)
    ours = run(SURFACES["himmelblau"], name, (-0.2, -0.9), 150, options)
    assert max_difference(ours, torch_path(SURFACES["himmelblau"], name, (-0.2, -0.9), 150, options)) < 1e-9


def test_divergence_freezes_at_the_last_finite_point_without_warnings():
    # SGD with lr 1.5 on x^2 + y^2 doubles |theta| every step, leaving the far bound
    # (1000 domain sizes, about 6000) at step 12.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = run(BOWL, "SGD", (-2.5, 2.0), 40, lr=1.5)
    assert t.diverged_at.tolist() == [12]
    assert np.isfinite(t.positions).all() and np.isfinite(t.losses).all() and np.isfinite(t.grad_norms).all()
    assert np.array_equal(t.positions[12:, 0], np.repeat(t.positions[11:12, 0], 29, axis=0))
    assert np.allclose(t.positions[11, 0], [-2.5 * (-2) ** 11, 2.0 * (-2) ** 11])
    assert np.all(t.updates[11:] == 0) and np.all(t.losses[12:] == t.losses[11])


def test_non_finite_loss_is_divergence_and_undefined_start_is_diverged_at_zero():
    log = parse("log(x) + y**2")
    t = run(log, "SGD", [(0.5, 1.0), (-1.0, 0.0)], 30, lr=1.0)  # x -> 0.5 - 2 = -1.5: log undefined
    assert t.diverged_at.tolist() == [1, 0]
    assert np.isfinite(t.losses).all() and np.isfinite(t.positions).all()
    assert np.all(t.positions[:, 0] == [0.5, 1.0]) and np.all(t.positions[:, 1] == [-1.0, 0.0])


def test_step_schedule_sets_each_steps_learning_rate():
    steps = RunOptions(schedule=Schedule("step", step_size=10, gamma=0.5))
    t = run(BOWL, "SGD", (1.0, 1.0), 30, steps, lr=0.1)
    assert t.lrs[[0, 9, 10, 25], 0].tolist() == pytest.approx([0.1, 0.1, 0.05, 0.025])
    # plain SGD: each update is -lr * gradient, with that step's lr
    g = 2 * t.positions[15, 0]
    assert np.allclose(t.updates[15, 0], -0.05 * g)


def test_plateau_lowers_the_learning_rate_of_a_stuck_start_only():
    noisy = RunOptions(noise=1.0, seed=0, plateau=True, plateau_patience=5)
    t = run(BOWL, "SGD", [(0.0, 0.0), (3.0, 3.0)], 200, noisy, lr=0.05)
    assert t.lrs[0, 0] == pytest.approx(0.05)
    assert t.lrs[-1, 0] < 0.05 / 8  # started at the minimum: never improves for long
    assert np.all(np.diff(t.lrs, axis=0) <= 0)


def test_noise_is_reproducible_by_seed():
    def noisy(seed):
        return run(BOWL, "SGD", (1.0, 1.0), 50, RunOptions(noise=0.5, seed=seed)).positions
    assert np.array_equal(noisy(1), noisy(1))
    assert not np.allclose(noisy(1), noisy(2))
    assert not np.allclose(noisy(1), run(BOWL, "SGD", (1.0, 1.0), 50).positions)


def test_clipping_caps_each_starts_gradient_norm():
    t = run(ROSENBROCK, "SGD", [(-1.2, 1.0), (1.0, 1.001)], 1, RunOptions(clip=1.0), lr=0.01)
    steep, gentle = np.linalg.norm(t.updates[0], axis=1)
    assert steep == pytest.approx(0.01, rel=1e-5)  # |g| ~ 230, scaled down to norm 1
    assert gentle == pytest.approx(0.01 * np.hypot(0.4, 0.2))  # |g| ~ 0.45 < 1: untouched


def test_tolerance_stops_a_start_and_records_when():
    t = run(BOWL, "SGD", [(1.0, 1.0), (2.0, -2.0)], 300, RunOptions(tol=1e-3), lr=0.1)
    for k in range(2):
        s = t.stopped_at[k]
        assert 0 < s < 300
        assert t.grad_norms[s, k] < 1e-3 <= t.grad_norms[s - 1, k]
        assert np.all(t.positions[s:, k] == t.positions[s, k])
    assert t.stopped_at[0] < t.stopped_at[1]  # the farther start takes longer


@pytest.mark.parametrize("call, message", [
    (lambda: run(BOWL, "Nope", (0, 0), 10), "unknown method 'Nope'"),
    (lambda: run(BOWL, "SGD", (0, 0), 10, lr=-1.0), "Invalid learning rate"),
    (lambda: run(BOWL, "Adam", (0, 0), 10, bogus=1), "Adam has no hyperparameter bogus"),
    (lambda: run(BOWL, "SGD", (0, 0), 0), "steps must be"),
    (lambda: run(BOWL, "SGD", (0, 0, 0), 10), "shape"),
    (lambda: run(BOWL, "SGD", (np.nan, 0), 10), "finite"),
    (lambda: RunOptions(noise=-1.0), "noise must be"),
    (lambda: race(BOWL, [], (0, 0), 10), "at least one method"),
])
def test_bad_input_raises_a_clear_value_message(call, message):
    with pytest.raises(ValueError, match=message):
        call()
