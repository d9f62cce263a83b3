import numpy as np
import pytest

from playground.surfaces import SURFACES
from playground.trajectories import DIVERGED, STALLED, RunOptions, basins, inspect, run, worked_update
from playground.trajectories.basins import grid_starts

HIMMELBLAU, ROSENBROCK = SURFACES["himmelblau"], SURFACES["rosenbrock"]


def test_basins_on_himmelblau_find_all_four_minima():
    maps = basins(HIMMELBLAU, ["SGD", "Adam"], grid=20, steps=300)
    for basin in maps.values():
        assert basin.label.shape == (20, 20) and basin.steps.shape == (20, 20)
        assert set(np.unique(basin.label)) == {0, 1, 2, 3}
        assert basin.success_rate == 1.0
    sgd = maps["SGD"]
    # a start right next to each minimum ends in that minimum
    for k, (mx, my) in enumerate(HIMMELBLAU.minima):
        i, j = np.argmin(np.abs(sgd.ys - my)), np.argmin(np.abs(sgd.xs - mx))
        assert sgd.label[i, j] == k
    converged = sgd.steps[sgd.label >= 0]
    assert np.all(converged > 0) and np.all(converged <= 300)


def test_basins_mark_diverged_and_stalled_starts():
    maps = basins(HIMMELBLAU, {"SGD": {"lr": 0.2}}, grid=10, steps=50)
    assert (maps["SGD"].label == DIVERGED).mean() > 0.5
    saddle = basins(SURFACES["saddle"], ["Adam"], grid=6, steps=20)  # no minima at all
    assert np.all(saddle["Adam"].label == STALLED) and saddle["Adam"].success_rate == 0.0


def test_grid_starts_are_cell_centres_in_row_major_order():
    xs, ys, starts = grid_starts(HIMMELBLAU, 4)
    assert xs.tolist() == [-3.75, -1.25, 1.25, 3.75]
    assert starts[1].tolist() == [xs[1], ys[0]] and starts[4].tolist() == [xs[0], ys[1]]


def test_inspect_adam_reads_the_rules_state():
    options = RunOptions(noise=0.3, seed=1)
    k = 4
    i = inspect(ROSENBROCK, "Adam", (-1.2, 1.0), k, 50, options)
    t = run(ROSENBROCK, "Adam", (-1.2, 1.0), 50, options)
    assert np.array_equal(i.position, t.positions[k, 0]) and np.allclose(i.update, t.updates[k, 0])
    assert i.t == 5 and i.after["step"] == 5 and i.before["step"] == 4
    c1, c2 = i.bias_corrections
    assert (c1, c2) == pytest.approx((1 - 0.9**5, 1 - 0.999**5))
    m, v = i.after["exp_avg"], i.after["exp_avg_sq"]
    assert np.allclose(m, 0.9 * i.before["exp_avg"] + 0.1 * i.gradient)
    assert np.allclose(i.update, -i.lr * (m / c1) / (np.sqrt(v / c2) + 1e-8))
    assert np.array_equal(i.first_moment, m) and np.array_equal(i.second_moment, v)
    # noise means the rule's gradient is not the surface's
    assert not np.allclose(i.gradient, ROSENBROCK.grad(*i.position))


def test_inspect_sgd_effective_step_is_the_learning_rate_and_momentum_buffer_is_velocity():
    sgd = inspect(ROSENBROCK, "SGD", (-1.2, 1.0), 3, 10, lr=0.001)
    assert np.allclose(sgd.effective_step, 0.001) and sgd.bias_corrections is None
    mom = inspect(ROSENBROCK, "Momentum", (-1.2, 1.0), 3, 10)
    assert np.allclose(mom.update, -mom.lr * mom.after["momentum_buffer"])
    assert np.allclose(mom.first_moment, 0.9 * mom.before["momentum_buffer"] + mom.gradient)


@pytest.mark.parametrize("method", ["SGD", "Momentum", "NAG", "AdaGrad", "RMSprop", "Adam", "Adadelta"])
def test_worked_update_ends_in_the_new_position(method):
    i = inspect(ROSENBROCK, method, (-1.2, 1.0), 2, 10)
    lines = worked_update(i)
    new = i.position + i.update
    assert lines[-1].endswith(rf"\begin{{pmatrix}}{new[0]:.4g} \\ {new[1]:.4g}\end{{pmatrix}}")
    if method != "Adadelta":
        assert f"{i.lr:.4g}" in lines[-1]  # the learning rate is substituted


def test_inspect_reports_a_frozen_start():
    i = inspect(SURFACES["bowl"], "SGD", (-2.5, 2.0), 20, 40, lr=1.5)
    assert i.frozen_at == 12 and np.all(i.update == 0)
    with pytest.raises(ValueError, match="step must be from 0 to 39"):
        inspect(SURFACES["bowl"], "SGD", (-2.5, 2.0), 40, 40)
