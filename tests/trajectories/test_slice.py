"""The loss along the straight line from a start to an end: values, ridge and descent."""

from __future__ import annotations

import numpy as np
import pytest

from playground.surfaces import SURFACES
from playground.trajectories import line_slice, race, run_slice


def test_the_slice_is_f_along_the_line_on_the_bowl():
    line = line_slice(SURFACES["bowl"], np.array([2.0, -1.0]), np.array([0.5, 0.5]))
    s = np.linspace(0, 1, 101)
    x, y = 2.0 - 1.5 * s, -1.0 + 1.5 * s
    np.testing.assert_allclose(line.loss, x**2 + y**2)
    assert line.loss[0] == 5.0 and line.loss[-1] == 0.5


def test_the_bowl_descends_toward_its_centre_but_a_line_through_it_dips_and_rises():
    bowl = SURFACES["bowl"]
    inward = line_slice(bowl, np.array([2.0, 0.0]), np.array([0.5, 0.0]))
    assert inward.descends and inward.rise == 0
    through = line_slice(bowl, np.array([2.0, 0.0]), np.array([-1.0, 0.0]))
    assert not through.descends and through.rise == 0  # down to 0 at the centre, up to 1 at the end


def test_the_rosenbrock_line_to_the_minimum_crosses_the_banana_ridge():
    line = line_slice(SURFACES["rosenbrock"], np.array([-1.2, 1.0]), np.array([1.0, 1.0]))
    # on y = 1, f = (1 - x)^2 + 100 (1 - x^2)^2: 101 at x = 0, against 24.2 at the start
    assert line.loss[0] == pytest.approx(24.2)
    assert line.rise == pytest.approx(np.max(line.loss) - 24.2) and line.rise > 75
    assert not line.descends


def test_a_diverged_run_slices_to_its_last_finite_point():
    bowl = SURFACES["bowl"]
    path = race(bowl, {"SGD": {"lr": 1.5}}, (1.0, 1.0), 40)["SGD"]
    assert path.diverged_at[0] > 0
    line = run_slice(bowl, path)
    np.testing.assert_array_equal(line.end, path.positions[-1, 0])
    assert np.isfinite(line.loss).all() and line.loss[-1] == pytest.approx(path.losses[-1, 0])
