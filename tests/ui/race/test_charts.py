"""The race page's chart and table builders, checked on the data they hand to the charts."""

import json

import numpy as np
import pytest

from playground.schedules import Schedule
from playground.surfaces import SURFACES, levels, parse
from playground.trajectories import Parity, RunOptions, basins, inspect, race, step_parity
from playground.ui.race import charts
from playground.ui.theme import LOSS_RAMP as RAMP

ROSENBROCK, BOWL = SURFACES["rosenbrock"], SURFACES["bowl"]


@pytest.fixture(scope="module")
def paths():
    return race(ROSENBROCK, ["SGD", "Adam"], ROSENBROCK.start, 1000)


def decoded(grid: dict) -> np.ndarray:
    """The colour values the browser decodes from a contour map's two characters a cell (NaN: undefined)."""
    index = {c: i for i, c in enumerate(grid["alphabet"])}
    pairs = [(index[grid["z"][2 * k]], index[grid["z"][2 * k + 1]]) for k in range(grid["nx"] * grid["ny"])]
    level = np.array([np.nan if high == 0 else (high - 1) * len(index) + low for high, low in pairs])
    z = grid["lo"] + level / (grid["depth"] - 1) * (grid["hi"] - grid["lo"])
    return z.reshape(grid["ny"], grid["nx"])


def test_the_map_sends_f_on_a_log_scale_to_within_a_hair_and_leaves_undefined_cells_blank(paths):
    field = levels.field(ROSENBROCK, 20)
    grid = charts.map_scene(field, paths, ROSENBROCK, ROSENBROCK.start, 5).data()["grid"]
    x, y = np.meshgrid(field.x, field.y)
    f = ROSENBROCK.value(x, y)
    spread = f - f.min()
    truth = np.log10(spread + spread.max() * 1e-6)  # log10(f − min f), floored a millionth of the range up
    assert grid["kind"] == "contours" and (grid["nx"], grid["ny"]) == (20, 20)
    assert np.abs(decoded(grid) - truth).max() <= (truth.max() - truth.min()) / grid["depth"]
    surface = parse("log(x) + y**2")  # undefined for x <= 0
    half = decoded(charts.map_scene(levels.field(surface, 10), paths, surface, (1.0, 0.0), 5).data()["grid"])
    assert np.isnan(half[:, :5]).all() and np.isfinite(half[:, 5:]).all()  # columns from x0 on the left


def test_the_maps_iso_lines_and_colour_bar_cover_the_range_it_shows(paths):
    field = levels.field(ROSENBROCK, charts.FIELD)
    grid = charts.map_scene(field, paths, ROSENBROCK, ROSENBROCK.start, 5).data()["grid"]
    assert grid["lines"] == [-2, -1, 0, 1, 2, 3]  # f − min f = 0.01 … 1000, a line per power of ten
    assert grid["labels"] == ["0.01", "0.1", "1", "10", "100", "1000"] and grid["title"] == "f − min f"
    assert grid["lo"] < grid["lines"][0] and grid["lines"][-1] < grid["hi"]
    assert len(grid["ramp"]) == len(RAMP) and grid["ramp"][0] == RAMP[0]  # pale = low


def test_the_map_scene_holds_every_path_thinned_with_the_step_of_each_point(paths):
    scene = charts.map_scene(levels.field(ROSENBROCK, 10), paths, ROSENBROCK, ROSENBROCK.start, 700)
    data = scene.data()
    assert data["frame"] == 700 and data["frames"] == list(range(1001))  # the browser can draw any step
    for series, (name, t) in zip(data["series"], paths.items(), strict=True):
        assert series["name"] == name and series["at"][0] == 0 and series["at"][-1] == t.steps
        assert len(series["at"]) <= charts.MAX_POINTS + 1
        assert np.allclose(np.c_[series["x"], series["y"]], t.positions[series["at"], 0], atol=1e-6)
    assert charts.thinned(5).tolist() == [0, 1, 2, 3, 4, 5]
    json.dumps(data)  # what the component is sent: plain JSON


def test_curves_are_finite_and_floored_for_log_axes():
    t = race(BOWL, ["SGD"], (0.0, 0.0), 20)  # starts at the minimum: gradient norm exactly 0
    frame = charts.curves_frame(t)
    assert (frame["grad_norm"] == charts.FLOOR).all() and np.isfinite(frame["loss"]).all()


def test_the_map_marks_the_start_and_minima_and_clicks_land_on_cell_centres(paths):
    def marks(surface):
        scene = charts.map_scene(levels.field(surface, 10), paths, surface, surface.start, 10)
        return [(m["shape"], m["fill"]) for m in scene.data()["marks"]]
    assert marks(ROSENBROCK) == [("circle", None), ("star", "#FFFFFF")]  # start ring, one minimum
    assert marks(SURFACES["saddle"]) == [("circle", None)]  # a saddle has no minimum to mark
    (x0, x1), (y0, y1) = ROSENBROCK.domain
    dx, dy = (x1 - x0) / charts.GRID, (y1 - y0) / charts.GRID
    cx, cy = charts.cell_centre(ROSENBROCK, 0.51234, -0.4)
    assert abs(cx - 0.51234) <= dx / 2 + 1e-3 and abs(cy + 0.4) <= dy / 2 + 1e-3  # the clicked cell
    assert abs((cx - x0) / dx - 0.5 - round((cx - x0) / dx - 0.5)) < 0.01  # its centre, rounded
    assert charts.cell_centre(ROSENBROCK, x0 - 5, y1 + 5) == (round(x0 + dx / 2, 3), round(y1 - dy / 2, 3))


def test_summary_reports_divergence_tolerance_and_parity():
    t = race(BOWL, {"SGD": {"lr": 1.5}, "Adam": {}}, (-2.5, 2.0), 100)
    parity = {"SGD": Parity(0.0, 0.0, 11), "Adam": Parity(1e-3, 2.5, 100)}
    table = charts.summary_frame(t, BOWL, 30, 1e-3, parity, 1e-6).set_index("method")
    assert table.loc["SGD", "diverged at step"] == "12" and table.loc["Adam", "diverged at step"] == "—"
    assert table.loc["SGD", "steps to tolerance"] == "not reached"
    assert table.loc["SGD", "matches torch.optim"].startswith("✓")
    assert table.loc["Adam", "matches torch.optim"] == "✗ max step diff 1.0e-03"
    assert table.loc["Adam", "path drift"] == "2.5e+00"
    assert table.loc["Adam", "loss at step 30"] == pytest.approx(t["Adam"].losses[30, 0])
    reached = np.flatnonzero(t["Adam"].grad_norms[:, 0] < 1e-3)
    expected = str(reached[0]) if len(reached) else "not reached"
    assert table.loc["Adam", "steps to tolerance"] == expected
    saddle = charts.summary_frame(race(SURFACES["saddle"], ["SGD"], (1, 0.1), 5), SURFACES["saddle"], 5, 0.0,
                                  {}, 1e-6)
    assert saddle.loc[0, "distance to minimum"] == "no known minimum"
    assert saddle.loc[0, "matches torch.optim"] == "⏳ checking…"  # torch.optim has not run yet


def test_basin_frames_name_each_outcome():
    maps = basins(SURFACES["himmelblau"], ["SGD"], grid=6, steps=200)
    frame = charts.basins_frame(maps, SURFACES["himmelblau"])
    assert len(frame) == 36 and frame["outcome"].str.startswith("minimum").all()
    success = charts.success_frame(maps).set_index("method")
    assert success.loc["SGD", "success rate"] == 100.0
    chart = charts.basins_chart(frame, SURFACES["himmelblau"], "steps", 6).to_dict()
    assert chart["facet"]["field"] == "method"


def test_internals_frame_lists_the_optimizer_vectors():
    frame = charts.internals_frame(inspect(ROSENBROCK, "Adam", ROSENBROCK.start, 3, 10)).set_index("quantity")
    assert frame.loc["update Δθ"].to_numpy().shape == (2,)
    assert "second moment (v, s or u)" in frame.index
    assert "first moment / velocity (m or v)" not in charts.internals_frame(
        inspect(ROSENBROCK, "SGD", ROSENBROCK.start, 3, 10)).set_index("quantity").index


def test_a_start_where_f_is_undefined_shows_the_real_f_and_diverged_at_the_start():
    log = parse("log(x) + y**2")
    t = race(log, ["SGD", "Adam"], (-1.0, 0.5), 20)  # log(-1) is undefined: diverged at step 0
    table = charts.summary_frame(t, log, 5, 1e-3, {}, 1e-6).set_index("method")
    for name in ("SGD", "Adam"):
        assert np.isnan(table.loc[name, "loss at step 5"]) and np.isnan(table.loc[name, "final loss"])
        assert table.loc[name, "steps to tolerance"] == "diverged at the start"
        assert table.loc[name, "diverged at step"] == "0: f(start) = nan"
    huge = parse("exp(x**2) + y")  # finite but beyond the loss limit at the start
    table = charts.summary_frame(race(huge, ["SGD"], (6.0, 0.0), 5), huge, 0, 1e-3, {}, 1e-6)
    assert table.loc[0, "loss at step 0"] == pytest.approx(np.exp(36.0))
    assert table.loc[0, "steps to tolerance"] == "diverged at the start"
    assert charts.curves_frame(t).empty  # no made-up readings on the loss and gradient curves
    nothing = step_parity(log, "SGD", (-1.0, 0.5), 20)
    assert nothing.compared == 0 and charts.parity_badge(nothing, 1e-6) == "— no step to compare"


def test_minima_stars_take_a_colour_no_method_has_and_every_method_is_in_the_legend():
    surface = SURFACES["himmelblau"]
    methods = ["SGD", "Momentum", "NAG", "AdaGrad", "RMSprop", "Adam", "AdamW", "SGD-clip"]
    t = race(surface, methods[:7], surface.start, 5)
    data = charts.map_scene(levels.field(surface, 10), t, surface, surface.start, 5).data()
    assert [s["name"] for s in data["series"]] == methods[:7]  # the legend lists each series by name
    colours = {s["colour"].upper() for s in data["series"]}
    assert len(colours) == 7 and all(m["fill"] not in colours for m in data["marks"] if m["fill"])
    assert len({s["shape"] for s in data["series"]}) == 7  # told apart without colour too


def test_the_learning_rate_chart_shows_each_methods_recorded_rates():
    t = race(ROSENBROCK, ["SGD", "Adam"], ROSENBROCK.start, 1000, RunOptions(schedule=Schedule("one_cycle")))
    frame = charts.lrs_frame(t)
    for name, trajectory in t.items():
        rows = frame[frame["method"] == name]
        assert rows["step"].iloc[0] == 0 and rows["step"].iloc[-1] == 999  # the last update's rate
        assert len(rows) <= charts.MAX_POINTS + 1
        np.testing.assert_array_equal(rows["lr"].to_numpy(), trajectory.lrs[rows["step"], 0])
    peak = frame.loc[frame["method"] == "Adam", "lr"].max()
    assert peak == pytest.approx(ROSENBROCK.lrs["Adam"], rel=1e-4)  # one_cycle peaks at Adam's tuned rate
    spec = charts.curve_chart(frame, "lr", "learning rate η(t)", 400, list(t)).to_dict()
    rule = spec["layer"][1]["data"]["name"]
    assert spec["datasets"][rule] == [{"step": 400}]  # the scrubbed step is marked
