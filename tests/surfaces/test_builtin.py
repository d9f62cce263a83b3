"""The built-in surfaces: gradients match torch autograd, minima are minima, and the tuned
learning rates make the races teach what each surface is there to teach."""

from __future__ import annotations

import numpy as np
import pytest

from playground.optim import METHODS, TEACHING
from playground.surfaces import SURFACES, Surface, parse, tuning
from playground.trajectories import race, run
from tests.surfaces.autograd import assert_matches_autograd

REQUIRED = ("bowl", "ravine", "rotated_ravine", "saddle", "monkey_saddle", "rosenbrock", "beale",
            "himmelblau", "booth", "matyas", "three_hump_camel", "six_hump_camel", "rastrigin", "ackley",
            "goldstein_price", "styblinski_tang", "plateau_cliff")
KNOWN_MINIMUM_VALUES = {"rosenbrock": 0.0, "beale": 0.0, "himmelblau": 0.0, "booth": 0.0, "matyas": 0.0,
                        "three_hump_camel": 0.0, "six_hump_camel": -1.031628453, "rastrigin": 0.0,
                        "ackley": 0.0, "goldstein_price": np.log(3.0), "styblinski_tang": -78.332331408}


def _inside(point: tuple[float, float], surface: Surface) -> bool:
    (x_lo, x_hi), (y_lo, y_hi) = surface.domain
    return x_lo <= point[0] <= x_hi and y_lo <= point[1] <= y_hi


def _race(surface: Surface, method: str, steps: int = 300) -> np.ndarray:
    """The path of ``method`` from the surface's start at its tuned learning rate, (steps + 1, 2)."""
    rule, hyper = METHODS[method].rule, METHODS[method].hyperparameters(lr=surface.lr(method))
    p, state, path = np.array([surface.start], dtype=float), {}, [surface.start]
    for _ in range(steps):
        gx, gy = surface.grad(p[:, 0], p[:, 1])
        rule(p, np.stack([gx, gy], -1), state, **hyper)
        path.append(tuple(p[0]))
    return np.array(path)


def test_the_catalogue_has_every_required_surface_with_rosenbrock_first():
    assert set(REQUIRED) <= set(SURFACES) and len(SURFACES) >= 14
    assert next(iter(SURFACES)) == "rosenbrock"
    assert all(name == s.name for name, s in SURFACES.items())


@pytest.mark.parametrize("name", REQUIRED)
def test_metadata_is_consistent(name):
    s = SURFACES[name]
    (x_lo, x_hi), (y_lo, y_hi) = s.domain
    assert x_lo < x_hi and y_lo < y_hi
    assert _inside(s.start, s) and all(_inside(m, s) for m in s.minima)
    assert set(s.lrs) <= set(METHODS) and set(TEACHING) <= set(s.lrs)
    # Adadelta's lr scales a step that starts at ~sqrt(eps) = 1e-3, so its rates run larger
    assert all(0 < lr <= (100 if method == "Adadelta" else 10) for method, lr in s.lrs.items())
    assert s.title and s.latex and "$" not in s.latex


@pytest.mark.parametrize("name", REQUIRED)
def test_analytic_gradient_matches_torch_autograd_at_random_points(name):
    s = SURFACES[name]
    rng = np.random.default_rng(len(name))
    (x_lo, x_hi), (y_lo, y_hi) = s.domain
    assert_matches_autograd(s, rng.uniform(x_lo, x_hi, 64), rng.uniform(y_lo, y_hi, 64), atol=1e-9)


@pytest.mark.parametrize("name", [n for n in REQUIRED if SURFACES[n].minima])
def test_each_listed_minimum_is_a_stationary_point_below_its_neighbours(name):
    s = SURFACES[name]
    mx, my = np.asarray(s.minima).T
    gx, gy = s.grad(mx, my)
    assert np.hypot(gx, gy).max() < 1e-4
    h = 1e-3
    around = [s.value(mx + dx, my + dy) for dx in (-h, 0, h) for dy in (-h, 0, h) if dx or dy]
    assert np.all(np.min(around, axis=0) > s.value(mx, my))


@pytest.mark.parametrize("name", KNOWN_MINIMUM_VALUES)
def test_the_global_minimum_comes_first_with_its_textbook_value(name):
    s = SURFACES[name]
    values = s.value(*np.asarray(s.minima).T)
    assert values[0] == pytest.approx(KNOWN_MINIMUM_VALUES[name], abs=1e-6)
    assert values[0] <= values.min() + 1e-9


def test_saddles_have_no_minimum_and_start_just_off_the_saddle_point():
    for name in ("saddle", "monkey_saddle"):
        s = SURFACES[name]
        assert s.minima == ()
        assert 0 < np.hypot(*s.start) and s.start[1] != 0
        index, distance = s.nearest_minimum(np.zeros(3), np.zeros(3))
        assert index.tolist() == [-1, -1, -1] and np.isinf(distance).all()


def test_value_and_grad_accept_scalars_and_any_matching_shape():
    s = SURFACES["himmelblau"]
    assert float(s.value(3.0, 2.0)) == 0.0
    x, y = np.linspace(-2, 2, 12).reshape(3, 4), np.linspace(1, 3, 12).reshape(3, 4)
    gx, gy = s.grad(x, y)
    assert s.value(x, y).shape == gx.shape == gy.shape == (3, 4)
    assert gx.flags.writeable and gy.flags.writeable  # the engine may clip or add noise in place
    gx, gy = SURFACES["saddle"].grad(1.0, 2.0)
    assert (float(gx), float(gy)) == (2.0, -4.0)


def test_nearest_minimum_names_the_himmelblau_basin_and_its_distance():
    s = SURFACES["himmelblau"]
    index, distance = s.nearest_minimum(np.array([3.1, -2.8, -3.7, 3.5]), np.array([2.0, 3.1, -3.3, -1.8]))
    assert index.tolist() == [0, 1, 2, 3]
    assert distance[0] == pytest.approx(0.1)


def test_goldstein_price_is_log_scaled_and_says_so():
    s = SURFACES["goldstein_price"]
    assert "log" in s.title.lower() and s.latex.startswith(r"\log")
    assert float(s.value(0.0, -1.0)) == pytest.approx(np.log(3.0))


def test_every_race_stays_finite_and_near_the_window_except_on_the_unbounded_saddles():
    for name in REQUIRED:
        if name in ("saddle", "monkey_saddle"):
            continue
        s = SURFACES[name]
        (x_lo, x_hi), (y_lo, y_hi) = s.domain
        reach = 2 * max(x_hi - x_lo, y_hi - y_lo)
        for method in TEACHING:
            path = _race(s, method)
            assert np.isfinite(path).all() and np.abs(path).max() < reach, (name, method)


def test_ravines_sgd_crawls_axis_aligned_and_adaptive_methods_lose_their_edge_when_rotated():
    def steps_to_minimum(name, method):
        return int(np.argmax(np.hypot(*_race(SURFACES[name], method).T) < 0.05)) or 10**6

    assert steps_to_minimum("ravine", "SGD") > 2 * steps_to_minimum("ravine", "Adam")
    assert steps_to_minimum("ravine", "SGD") > 2 * steps_to_minimum("ravine", "RMSprop")
    assert steps_to_minimum("rotated_ravine", "Adam") > 2 * steps_to_minimum("rotated_ravine", "Momentum")
    assert steps_to_minimum("rotated_ravine", "AdaGrad") > steps_to_minimum("rotated_ravine", "SGD")


def test_plateau_sgd_stalls_adam_escapes_and_momentum_is_flung_off_the_cliff():
    s = SURFACES["plateau_cliff"]
    assert _race(s, "SGD")[-1, 0] > 0.3  # still on the plateau after 300 steps
    assert np.hypot(*(_race(s, "Adam")[-1] - s.minima[0])) < 0.05
    assert _race(s, "Momentum")[:, 0].min() < s.domain[0][0]  # catapulted out of the window


def test_saddle_sgd_lingers_while_adaptive_steps_escape():
    s = SURFACES["saddle"]
    assert abs(_race(s, "SGD", 150)[-1, 1]) < 0.1
    assert abs(_race(s, "Adam", 150)[-1, 1]) > 1.0


def test_races_from_the_default_starts_end_in_different_minima():
    for name, methods in {"himmelblau": ("SGD", "Adam"), "three_hump_camel": ("SGD", "Momentum"),
                          "six_hump_camel": ("SGD", "Momentum", "Adam"),
                          "styblinski_tang": ("SGD", "Momentum")}.items():
        s = SURFACES[name]
        ends = [_race(s, m)[-1] for m in methods]
        reached = [int(s.nearest_minimum(*end)[0]) for end in ends]
        assert len(set(reached)) == len(methods), (name, reached)


def test_adams_variants_take_adams_tuned_lr_and_radam_and_adadelta_have_their_own():
    s = SURFACES["bowl"]
    assert s.lr("Adam") == s.lrs["Adam"] != METHODS["Adam"].hyperparameters()["lr"]
    assert s.lr("AdamW") == s.lr("NAdam") == s.lr("Adamax") == s.lrs["Adam"]
    assert all({"RAdam", "Adadelta"} <= set(surface.lrs) for surface in SURFACES.values())
    assert s.lr("Adadelta") == s.lrs["Adadelta"] != METHODS["Adadelta"].hyperparameters()["lr"]
    typed = parse("x**2 + y**2")  # no tuned rates: the registry defaults
    assert typed.lr("RAdam") == METHODS["RAdam"].hyperparameters()["lr"] and typed.lr("Adadelta") == 1.0


@pytest.mark.parametrize("name", list(SURFACES))
def test_no_method_diverges_or_stalls_in_the_default_race(name):
    """Every registry method at the surface's learning rate, in the race's default run (300 steps
    from the surface's start, constant rate, no noise, clipping or stopping), keeps
    ``diverged_at == -1`` and does not stall, where not stalling means one of (see
    playground.surfaces.tuning): the loss falls by at least 90% of f(start) - f(global minimum);
    or the end is at least 20% of the window's longer side from the start; or the path settles
    where the gradient is small: at the mean of its last 30 positions the gradient norm is below
    10% of the start's (being trapped in a local minimum is a lesson, not a stall)."""
    s = SURFACES[name]
    for method, trajectory in race(s, list(METHODS), s.start, tuning.STEPS).items():
        verdict = tuning.judge(s, trajectory)
        assert trajectory.diverged_at[0] == -1, (method, "diverged")
        assert not verdict.stalled, (method, verdict)


def test_the_stall_criteria_catch_a_crawl_and_pass_a_trapped_path():
    s = SURFACES["booth"]
    assert tuning.verdict(s, "Adadelta", 1.0).stalled  # registry default: 30% of the way, 10% of the window
    assert not tuning.verdict(s, "Adadelta").stalled
    assert not tuning.verdict(SURFACES["ackley"], "Adam").stalled  # settles in the first dimple: trapped


def test_the_tuned_table_is_what_the_search_gives():
    """builtin.py holds the search's result: rerunning it changes no rate (checked where it was needed)."""
    for name, method in (("rosenbrock", "RAdam"), ("beale", "RAdam"), ("booth", "Adadelta"),
                         ("saddle", "Momentum")):
        assert tuning.search(SURFACES[name], method) == SURFACES[name].lr(method), (name, method)


@pytest.mark.parametrize(("surface", "method"), [("rosenbrock", "AdamW"), ("booth", "NAdam"),
                                                 ("booth", "Adamax")])
def test_with_adams_lr_its_variants_end_closer_to_the_minimum(surface, method):
    s = SURFACES[surface]
    tuned = run(s, method, s.start, 300).losses[-1][0]  # the surface's lr for it: Adam's
    default = run(s, method, s.start, 300, lr=METHODS[method].hyperparameters()["lr"]).losses[-1][0]
    assert tuned < default / 2
