"""Text alternatives for charts, and the reduced-motion switch that turns Play into a stepper."""

from __future__ import annotations

import pandas as pd

from playground.ui.a11y import REDUCED, grid_summary, series_summary
from playground.ui.theme import OKABE_ITO
from tests.ui.helpers import open_page, player_scene

LINES = pd.DataFrame({"method": ["SGD", "SGD", "Adam", "Adam", "NAG", "NAG"], "step": [0, 10] * 3,
                      "loss": [2.0, 0.8, 2.0, 0.001, 2.0, 0.05]})


def test_a_line_chart_is_summed_up_by_who_ends_lowest_and_highest():
    assert series_summary(LINES, "method", "step", "loss", "the loss") == \
        "the loss at the end (10): Adam lowest at 0.001, SGD highest at 0.8."
    assert series_summary(LINES, "method", "step", "loss", "accuracy", lower_is_better=False).startswith(
        "accuracy at the end (10): SGD lowest")  # "lowest" names the best: here the highest value
    one = LINES[LINES.method == "NAG"]
    assert series_summary(one, "method", "step", "loss", "the loss") == \
        "the loss of NAG goes from 2 at 0 to 0.05 at 10."
    assert series_summary(LINES.assign(loss=float("nan")), "method", "step", "loss", "the loss") == \
        "No finite values of the loss to show."


def test_a_grid_is_summed_up_by_its_smallest_and_largest_cell():
    cells = pd.DataFrame({"layer": [1, 1, 2, 2], "step": [0, 1, 0, 1], "norm": [1e-6, 2e-6, 0.5, 0.25]})
    assert grid_summary(cells, "norm", ["layer", "step"], "gradient norm") == \
        "gradient norm: smallest 1e-6 (layer 1, step 0), largest 0.5 (layer 2, step 0)."


def test_no_series_colour_is_black_which_vanishes_on_the_dark_theme():
    assert "#000000" not in OKABE_ITO and len(set(OKABE_ITO)) == len(OKABE_ITO)


def test_reduce_motion_turns_the_players_play_into_a_stepper():
    at = open_page("race")
    assert player_scene(at, "race.player")["reduced"] is False
    (switch,) = [s for s in at.sidebar.toggle if s.key == REDUCED]
    switch.set_value(True).run()
    scene = player_scene(at, "race.player")
    assert scene["reduced"] is True and scene["words"]["back"] == "Previous"
