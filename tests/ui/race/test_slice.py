"""The Inside tab's line slice: the loss on the straight line from the start to each method's end,
drawn with its sentence and its data."""

from __future__ import annotations

import numpy as np
import pytest

from playground.surfaces import SURFACES
from playground.trajectories import race
from playground.ui import format as fmt
from playground.ui.i18n import catalogue
from tests.ui.helpers import open_page
from tests.ui.race.test_described import described

PAGE = "race"
INSIDE = "Inside the optimizer"
EN = catalogue("en")


def line_chart(at):
    """The slice's (spec, sentence, data by method), the Inside tab's one chart."""
    ((spec, caption, table),) = described(at)
    assert spec["layer"][0]["title"] == EN["race_slice.title"]
    return spec, caption, table.rename(columns={EN["race_slice.axis"]: "s", EN["race.charts.loss"]: "loss"})


def test_on_the_bowl_the_data_is_f_along_the_line_from_the_start_to_each_end():
    at = open_page(PAGE, surface="bowl", methods="SGD,Adam", steps="40", tab=INSIDE)
    assert not at.exception
    _, caption, table = line_chart(at)
    bowl = SURFACES["bowl"]
    paths = race(bowl, ["SGD", "Adam"], bowl.start, 40)
    for name, path in paths.items():
        rows = table[table["method"] == name]
        start, end = path.positions[0, 0], path.positions[-1, 0]
        s = np.linspace(0, 1, 101)
        x, y = start[0] + s * (end[0] - start[0]), start[1] + s * (end[1] - start[1])
        np.testing.assert_allclose(rows["s"], s)
        np.testing.assert_allclose(rows["loss"], x**2 + y**2)  # the bowl's f, worked out here
        assert rows["loss"].iloc[0] == pytest.approx(path.losses[0, 0])
        assert rows["loss"].iloc[-1] == pytest.approx(path.losses[-1, 0])
    assert "ridge" not in caption


def test_on_rosenbrock_the_sentence_names_the_ridge_the_straight_way_crosses():
    at = open_page(PAGE, methods="SGD,Adam", tab=INSIDE)
    _, caption, table = line_chart(at)
    adam = table[table["method"] == "Adam"]["loss"]
    rise = adam.max() - adam.iloc[0]
    assert rise > 10  # the banana's wall lies between the start and Adam's end near (1, 1)
    assert f"Adam's end lies past a ridge {fmt.number(rise)} higher than the start" in caption
    assert "SGD's line only descends" in caption  # SGD crawled a little way down the slope


def test_a_diverged_method_is_drawn_to_its_last_finite_point_and_the_sentence_says_so():
    at = open_page(PAGE, surface="bowl", methods="SGD,Adam", tab=INSIDE, **{"SGD.lr": "1.5"})
    _, caption, table = line_chart(at)
    sgd = table[table["method"] == "SGD"]
    assert np.isfinite(sgd["loss"]).all()
    path = race(SURFACES["bowl"], {"SGD": {"lr": 1.5}}, SURFACES["bowl"].start, 300)["SGD"]
    assert sgd["loss"].iloc[-1] == pytest.approx(path.losses[-1, 0])
    last = path.diverged_at[0] - 1
    assert f"(it diverged, so its line ends at its last finite point, step {last})" in caption
