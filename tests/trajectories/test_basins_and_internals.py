import numpy as np
import pytest

from playground.optim import METHODS
from playground.surfaces import SURFACES, parse
from playground.trajectories import DIVERGED, STALLED, RunOptions, basins, inspect, run, worked_update
from playground.trajectories.basins import DEFAULT_TOL, arrival_radius, grid_starts
from playground.trajectories.terms import number, vector

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
    c1, c2 = 1 - 0.9**5, 1 - 0.999**5
    m, v = i.after["exp_avg"], i.after["exp_avg_sq"]
    assert np.allclose(m, 0.9 * i.before["exp_avg"] + 0.1 * i.gradient)
    assert np.allclose(i.update, -i.lr * (m / c1) / (np.sqrt(v / c2) + 1e-8))
    assert np.array_equal(i.first_moment, m) and np.array_equal(i.second_moment, v)
    # noise means the rule's gradient is not the surface's
    assert not np.allclose(i.gradient, ROSENBROCK.grad(*i.position))


def test_inspect_sgd_effective_step_is_the_learning_rate_and_momentum_buffer_is_velocity():
    sgd = inspect(ROSENBROCK, "SGD", (-1.2, 1.0), 3, 10, lr=0.001)
    assert np.allclose(sgd.effective_step, 0.001)
    mom = inspect(ROSENBROCK, "Momentum", (-1.2, 1.0), 3, 10)
    assert np.allclose(mom.update, -mom.lr * mom.after["momentum_buffer"])
    assert np.allclose(mom.first_moment, 0.9 * mom.before["momentum_buffer"] + mom.gradient)


WD, MAX = {"weight_decay": 0.1}, {"maximize": True}
#: Every registry method with its defaults, then the switches that change a worked form.
WORKED = [(name, {}) for name in METHODS] + [
    ("SGD", {**WD, **MAX}), ("Momentum", {"dampening": 0.3, **WD}), ("NAG", MAX),
    ("AdaGrad", {"lr_decay": 0.1, "initial_accumulator_value": 0.5, **WD, **MAX}),
    ("RMSprop", {"centered": True}), ("RMSprop", {"centered": True, "momentum": 0.5, **WD, **MAX}),
    ("Adam", {"amsgrad": True, **WD}), ("Adam", {"decoupled_weight_decay": True, **WD, **MAX}),
    ("AdamW", {"amsgrad": True, **MAX}), ("NAdam", {"momentum_decay": 0.01, **WD, **MAX}),
    ("NAdam", {"decoupled_weight_decay": True, **WD}), ("RAdam", {**WD, **MAX}),
    ("RAdam", {"decoupled_weight_decay": True, **WD}), ("Adadelta", {**WD, **MAX}),
    ("Adamax", {"betas": (0.8, 0.99), **WD, **MAX}),
]
TILTED = parse("x**2 + 3*y**2 + sin(2*x) - x*y")  # both gradient coordinates busy, no divergence


@pytest.mark.parametrize("step", [0, 7])  # the first step (empty state) and one past RAdam's rectification
@pytest.mark.parametrize(("method", "overrides"), WORKED,
                         ids=[name + "".join(f"-{k}" for k in o) for name, o in WORKED])
def test_the_worked_update_recomputes_the_rules_own_numbers(method, overrides, step):
    """Each line computes its result from the numbers it shows. Every state entry the rule keeps
    appears as a line equal to the rule's own value, and the last line is the real new position."""
    i = inspect(TILTED, method, (-2.0, 1.5), step, 10, lr=0.05, **overrides)
    assert i.frozen_at == -1
    worked = worked_update(i)
    shown = {line.state: line.term.value for line in worked.lines if line.state}
    assert set(shown) == set(i.after) - {"step"}
    for key, value in shown.items():
        np.testing.assert_allclose(value, i.after[key], rtol=1e-6, atol=0, err_msg=key)
    np.testing.assert_allclose(worked.new_position - i.position, i.update, rtol=1e-9, atol=1e-15)
    assert vector(i.position + i.update) in worked.latex[-1].rsplit(" = ", 1)[-1]
    assert vector(i.position) in "".join(worked.latex) and number(i.lr) in "".join(worked.latex)


def test_bias_corrections_are_the_factors_each_rule_divides_by():
    def corrections(method, step, **overrides):
        return worked_update(inspect(TILTED, method, (-2.0, 1.5), step, 10, lr=0.05, **overrides)).corrections

    t = 5
    assert corrections("Adam", t - 1) == pytest.approx({"1 − β₁ᵗ (divides m)": 1 - 0.9**t,
                                                      "1 − β₂ᵗ (divides v)": 1 - 0.999**t})
    assert corrections("Adamax", t - 1) == pytest.approx({"1 − β₁ᵗ (divides m)": 1 - 0.9**t})  # no β₂ factor

    def mu(k):
        return 0.9 * (1 - 0.5 * 0.96 ** (k * 0.004))

    product = np.prod([mu(k) for k in range(1, t + 1)])
    assert corrections("NAdam", t - 1) == pytest.approx({
        "1 − Πₜ (divides g)": 1 - product, "1 − Πₜμₜ₊₁ (divides m)": 1 - product * mu(t + 1),
        "1 − β₂ᵗ (divides v)": 1 - 0.999**t}, rel=1e-6)
    assert corrections("RAdam", t - 1) == pytest.approx({"1 − β₁ᵗ (divides m)": 1 - 0.9**t})  # ρ_t ≤ 5
    assert corrections("RAdam", 7)["1 − β₂ᵗ (its root scales the step)"] == pytest.approx(1 - 0.999**8)
    assert corrections("SGD", 3) == corrections("AdaGrad", 3) == corrections("Adadelta", 3) == {}


def test_worked_lines_show_the_switches_they_use():
    def latex(method, **overrides):
        return "\n".join(worked_update(inspect(TILTED, method, (-2.0, 1.5), 3, 10, **overrides)).latex)

    assert r"g_t = -\nabla f + \lambda\,\theta_k" in latex("AdaGrad", **WD, **MAX)
    assert r"\theta_k' = \left(1 - \eta\,\lambda\right)\,\theta_k" in latex("AdamW", **WD)
    assert r"v^{\max}_t = \max\left(v^{\max}_{t-1},\ v_t\right)" in latex("Adam", amsgrad=True)
    assert r"\sqrt{v_t - \bar g_t^{2}}" in latex("RMSprop", centered=True)
    assert r"\tilde\eta = \frac{\eta}{1 + \left(t - 1\right)\,\delta}" in latex("AdaGrad", lr_decay=0.5)


def test_inspect_reports_a_frozen_start():
    i = inspect(SURFACES["bowl"], "SGD", (-2.5, 2.0), 20, 40, lr=1.5)
    assert i.frozen_at == 12 and np.all(i.update == 0)
    with pytest.raises(ValueError, match="step must be from 0 to 39"):
        inspect(SURFACES["bowl"], "SGD", (-2.5, 2.0), 40, 40)


def test_a_basin_success_is_a_start_whose_gradient_norm_fell_below_the_tolerance_at_a_minimum():
    """The Basins caption's definition: on Rosenbrock's flat valley many starts end within the arrival
    radius of (1, 1) while still crawling; those are not successes."""
    steps, tol = 300, DEFAULT_TOL
    maps = basins(ROSENBROCK, ["SGD", "Adam", "RMSprop"], grid=12, steps=steps)
    xs, ys, starts = grid_starts(ROSENBROCK, 12)
    successes = 0
    for name, basin in maps.items():
        ours = run(ROSENBROCK, name, starts, steps, RunOptions(tol=tol))
        final = ours.positions[-1]
        index, distance = ROSENBROCK.nearest_minimum(final[:, 0], final[:, 1])
        converged = (ours.grad_norms[-1] < tol) & (distance < arrival_radius(ROSENBROCK))
        assert np.array_equal(basin.label.ravel() >= 0, converged), name
        assert np.all(basin.steps.ravel()[converged] == ours.stopped_at[converged])
        near = (distance < arrival_radius(ROSENBROCK)) & (ours.diverged_at < 0)
        assert (near & ~converged).any(), name  # crawling near the minimum: counted as stalled
        assert np.all(basin.label.ravel()[near & ~converged] == STALLED)
        successes += converged.sum()
    assert successes > 0


def test_a_diverging_step_says_so_and_never_shows_minus_zero():
    i = inspect(SURFACES["bowl"], "SGD", (-2.5, 2.0), 11, 40, lr=1.5)  # step 11 -> 12 leaves the bound
    assert i.frozen_at == -1 and i.diverged and i.diverged_at == 12
    assert np.all(i.update == 0) and not np.signbit(i.effective_step).any()
    worked = worked_update(i)
    assert np.allclose(worked.new_position, i.position - 1.5 * 2 * i.position)  # the step it tried to take
    moving = inspect(SURFACES["bowl"], "SGD", (-2.5, 2.0), 10, 40, lr=1.5)
    assert not moving.diverged and moving.diverged_at == -1


def test_the_rule_shows_the_switches_in_force():
    def rule(method, **overrides):
        return worked_update(inspect(TILTED, method, (-2.0, 1.5), 3, 10, **overrides)).rule

    plain = rule("RMSprop")
    assert r"\bar g" not in plain and "b_t" not in plain and r"\lambda" not in plain
    assert r"\theta_{k+1} &= \theta_k - \frac{\eta\,g_t}{D_t}" in plain
    full = rule("RMSprop", centered=True, momentum=0.5, weight_decay=0.1, maximize=True)
    for piece in (r"g_t &= -\nabla f + \lambda\,\theta_k", r"\bar g_t &= \alpha\,\bar g_{t-1}",
                  r"\sqrt{v_t - \bar g_t^{2}}", r"b_t &= \mu\,b_{t-1} + \frac{g_t}{D_t}",
                  r"\theta_{k+1} &= \theta_k - \eta\,b_t"):
        assert piece in full, piece
    assert r"d_t &= g_t + \mu\,v_t" in rule("NAG") and "d_t" not in rule("Momentum")
    assert r"v^{\max}_t" in rule("Adam", amsgrad=True) and r"v^{\max}" not in rule("Adam")
    assert r"\theta_k' &= \left(1 - \eta\,\lambda\right)\,\theta_k" in rule("Adam", weight_decay=0.1,
                                                                           decoupled_weight_decay=True)
    assert r"\lambda\,\theta_k" in rule("Adam", weight_decay=0.1) and r"\theta_k'" not in rule(
        "Adam", weight_decay=0.1)
    assert "-\\nabla f" in rule("SGD", maximize=True) and r"\nabla f" not in rule("SGD")
