"""The race page's chart and table builders, checked on the data they hand to the charts."""

import numpy as np
import pytest

from playground.schedules import Schedule
from playground.surfaces import SURFACES, parse
from playground.trajectories import Parity, RunOptions, basins, inspect, race, step_parity
from playground.ui.race import charts
from playground.ui.theme import OKABE_ITO

ROSENBROCK, BOWL = SURFACES["rosenbrock"], SURFACES["bowl"]


@pytest.fixture(scope="module")
def paths():
    return race(ROSENBROCK, ["SGD", "Adam"], ROSENBROCK.start, 1000)


def test_surface_grid_is_log_coloured_and_drops_undefined_cells():
    grid = charts.surface_grid(ROSENBROCK, 20)
    assert len(grid) == 400 and np.isfinite(grid[["x", "y", "f", "z"]].to_numpy()).all()
    spread = grid["f"] - grid["f"].min()
    assert np.allclose(grid["z"], np.log10(spread + spread.max() * 1e-6))
    half = charts.surface_grid(parse("log(x) + y**2"), 10)  # log undefined for x <= 0
    assert len(half) == 50 and (half["x"] > 0).all()


def test_paths_are_thinned_to_the_scrubbed_step(paths):
    frame = charts.paths_frame(paths, 700)
    for name, t in paths.items():
        rows = frame[frame["method"] == name]
        assert rows["step"].iloc[0] == 0 and rows["step"].iloc[-1] == 700
        assert len(rows) <= charts.MAX_POINTS + 1
        assert np.allclose(rows[["x", "y"]].to_numpy(), t.positions[rows["step"], 0])
    assert charts.thinned(5).tolist() == [0, 1, 2, 3, 4, 5]


def test_curves_are_finite_and_floored_for_log_axes():
    t = race(BOWL, ["SGD"], (0.0, 0.0), 20)  # starts at the minimum: gradient norm exactly 0
    frame = charts.curves_frame(t)
    assert (frame["grad_norm"] == charts.FLOOR).all() and np.isfinite(frame["loss"]).all()


def test_contour_chart_has_a_click_selection_and_marks_minima(paths):
    def layers(surface):
        chart = charts.contour_chart(charts.surface_grid(surface, 10), charts.paths_frame(paths, 10), surface,
                                     surface.start, list(paths))
        return chart.to_dict()
    spec = layers(ROSENBROCK)
    assert spec["params"][0]["name"] == "start"
    assert len(spec["layer"]) == 5  # bands, lines, heads, start ring, minima
    assert len(layers(SURFACES["saddle"])["layer"]) == 4  # a saddle has no minimum to mark


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


def test_minima_stars_take_a_colour_no_method_has():
    surface = SURFACES["himmelblau"]
    methods = [f"m{k}" for k in range(len(OKABE_ITO))]
    frame = charts.paths_frame(race(surface, ["SGD"], surface.start, 5), 5)
    grid = charts.surface_grid(surface, 10)
    spec = charts.contour_chart(grid, frame, surface, surface.start, methods).to_dict()
    star = spec["layer"][-1]["mark"]
    assert star["shape"] == charts.STAR
    method_colours = set(charts.method_scales(methods)[0].to_dict()["range"])
    assert star["color"].upper() not in {c.upper() for c in method_colours}


def test_map_legend_wraps_so_every_racing_method_is_listed():
    surface = SURFACES["rosenbrock"]
    methods = ["SGD", "Momentum", "NAG", "AdaGrad", "RMSprop", "Adam", "AdamW"]
    t = race(surface, methods, surface.start, 5)
    spec = charts.contour_chart(charts.surface_grid(surface, 10), charts.paths_frame(t, 5), surface,
                                surface.start, methods).to_dict()
    heads = spec["layer"][2]["encoding"]
    assert heads["color"]["scale"]["domain"] == methods
    legend = heads["color"]["legend"]
    assert legend["orient"] == "top" and legend["columns"] < len(methods)  # wraps onto a second row
    assert legend["labelLimit"] == 0  # and never truncates a name


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
