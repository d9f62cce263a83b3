"""The race's 3-D view, checked on the figure's data: the mesh is the map's field, each path is the
map's path at the height the map shades (or on the mesh, where the mesh passes above that), and the
scrubbed step splits it where the map's marker stands."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.interpolate import RegularGridInterpolator

from playground.surfaces import SURFACES, levels, parse
from playground.trajectories import race
from playground.ui import format as fmt
from playground.ui.race import charts, surface3d
from playground.ui.theme import LOSS_RAMP, color_of

ROSENBROCK, BOWL = SURFACES["rosenbrock"], SURFACES["bowl"]
STEPS = 1000  # thinned to every 3rd step: a scrubbed step between two drawn points is covered too


@pytest.fixture(scope="module")
def paths():
    return race(ROSENBROCK, ["SGD", "Adam"], ROSENBROCK.start, STEPS)


@pytest.fixture(scope="module")
def field():
    return levels.field(ROSENBROCK, surface3d.GRID)


def parts(figure, name: str) -> dict:
    """A method's traces by role: the path drawn up to the step, the faint rest, the marker."""
    return {trace.meta: trace for trace in figure.data
            if trace.type == "scatter3d" and trace.legendgroup == name}


def lift(field) -> float:
    return surface3d.LIFT * (field.hi - field.lo)


def test_the_mesh_is_the_maps_field_in_the_maps_ramp_with_its_contour_lines(field, paths):
    figure = surface3d.figure(field, paths, ROSENBROCK, ROSENBROCK.start, 100)
    (mesh,) = [trace for trace in figure.data if trace.type == "surface"]
    assert np.array_equal(mesh.x, field.x) and np.array_equal(mesh.y, field.y)
    np.testing.assert_allclose(mesh.z, field.z, rtol=1e-6)  # log10(f − min f), as the 2-D map shades
    assert [c for _, c in mesh.colorscale] == list(LOSS_RAMP)
    assert (mesh.cmin, mesh.cmax) == (field.lo, field.hi)
    lines = mesh.contours.z
    assert lines.show and (lines.start, lines.end) == (field.lines[0], field.lines[-1])
    assert lines.size == pytest.approx(field.lines[1] - field.lines[0])
    axis = figure.layout.scene.zaxis
    assert list(axis.tickvals) == list(field.lines)  # whole decades of f − min f …
    assert list(axis.ticktext) == [fmt.number(v) for v in field.values]  # … labelled as the map's legend
    assert axis.title.text == "f − min f (log scale)"


def on_mesh(field, x, y) -> np.ndarray:
    """The mesh between its grid points, as Plotly draws it: bilinear, held at the edge beyond them."""
    inside = np.clip(y, field.y[0], field.y[-1]), np.clip(x, field.x[0], field.x[-1])
    return RegularGridInterpolator((field.y, field.x), field.z)(np.stack(inside, axis=1))


def test_each_path_is_the_maps_path_at_the_height_the_map_shades_there_or_on_the_mesh_above_it(field, paths):
    figure = surface3d.figure(field, paths, ROSENBROCK, ROSENBROCK.start, 400)
    scene = charts.map_scene(levels.field(ROSENBROCK, 20), paths, ROSENBROCK, ROSENBROCK.start, 400).data()
    f_grid = ROSENBROCK.value(*np.meshgrid(field.x, field.y))
    low, floor = f_grid.min(), 10.0 ** field.lo  # the grid's min f and the log floor the mesh uses
    for i, series in enumerate(scene["series"]):
        drawn, ahead = parts(figure, series["name"])["drawn"], parts(figure, series["name"])["ahead"]
        x, y = np.concatenate([drawn.x, ahead.x[1:]]), np.concatenate([drawn.y, ahead.y[1:]])
        np.testing.assert_allclose(x, series["x"], atol=1e-6)
        np.testing.assert_allclose(y, series["y"], atol=1e-6)
        assert list(np.concatenate([drawn.customdata, ahead.customdata[1:]])) == series["at"]
        x, y = x.astype(float), y.astype(float)
        f = np.minimum(ROSENBROCK.value(x, y), f_grid.max())
        exact = np.log10(np.maximum(f - low, 0) + floor)  # the colour value of f, on the grid's scale
        mesh = on_mesh(field, x, y)
        z = np.concatenate([drawn.z, ahead.z[1:]]) - lift(field)
        np.testing.assert_allclose(z, np.maximum(exact, mesh), atol=1e-5)
        assert drawn.line.color == series["colour"] == color_of(i)
        # the valley's crease is narrower than a cell: the mesh's faces pass above the truth there
        assert (mesh > exact + lift(field)).any()


def test_a_path_shows_its_true_height_where_the_mesh_passes_under_it():
    himmelblau = SURFACES["himmelblau"]
    field = levels.field(himmelblau, surface3d.GRID)
    paths = race(himmelblau, ["SGD", "Adam"], himmelblau.start, 300)
    figure = surface3d.figure(field, paths, himmelblau, himmelblau.start, 300)
    exact, mesh, z = [], [], []
    for name in paths:
        drawn = parts(figure, name)["drawn"]
        x, y = drawn.x.astype(float), drawn.y.astype(float)
        exact.append(surface3d.height_scale(field, himmelblau)(x, y))
        mesh.append(on_mesh(field, x, y))
        z.append(drawn.z - lift(field))
    exact, mesh, z = (np.concatenate(v) for v in (exact, mesh, z))
    above = exact > mesh + lift(field)  # over a ridge between grid points the mesh cuts the corner
    assert above.any() and (mesh > exact + lift(field)).any()  # and in the minima's funnels it rises above
    np.testing.assert_allclose(z[above], exact[above], atol=1e-5)
    np.testing.assert_allclose(z, np.maximum(exact, mesh), atol=1e-5)


def test_on_a_linear_surface_the_height_is_f_and_an_undefined_f_leaves_a_gap():
    bowl = levels.field(BOWL, surface3d.GRID)
    x, y = np.array([0.5, -2.0]), np.array([1.0, 2.5])
    np.testing.assert_allclose(surface3d.height_scale(bowl, BOWL)(x, y), x ** 2 + y ** 2)
    assert surface3d.axis_title(bowl) == "f(x, y)"
    surface = parse("log(x) + y**2")
    height = surface3d.height_scale(levels.field(surface, 20), surface)(np.array([-1.0, 1.0]), np.ones(2))
    assert np.isnan(height[0]) and height[1] == pytest.approx(1.0)


@pytest.mark.parametrize("step, last", [(0, 0), (400, 399), (401, 399), (999, 999), (STEPS, STEPS)])
def test_the_scrubbed_step_ends_the_bright_path_where_the_maps_marker_stands(field, paths, step, last):
    figure = surface3d.figure(field, paths, ROSENBROCK, ROSENBROCK.start, step)
    for name, path in paths.items():
        traces = parts(figure, name)
        drawn, ahead, now = traces["drawn"], traces["ahead"], traces["now"]
        assert drawn.customdata[-1] == ahead.customdata[0] == now.customdata[0] == last
        assert ahead.customdata[-1] == STEPS
        assert (now.x[0], now.y[0]) == pytest.approx(tuple(path.positions[last, 0]), abs=1e-6)
        assert drawn.line.width > ahead.line.width and ahead.opacity < 1  # bright up to the step, faint after
        assert drawn.showlegend is not False and ahead.showlegend is False and now.showlegend is False


def test_the_start_and_the_minima_sit_on_the_surface(field, paths):
    start = (-1.5, 2.5)
    figure = surface3d.figure(field, paths, ROSENBROCK, start, 10)
    ring, minima = (trace for trace in figure.data if trace.type == "scatter3d" and trace.legendgroup is None)
    assert (ring.x[0], ring.y[0]) == start and ring.marker.symbol == "circle-open"
    assert list(zip(minima.x, minima.y, strict=True)) == list(ROSENBROCK.minima)
    at = np.array([start[0]]), np.array([start[1]])
    truth = surface3d.height_scale(field, ROSENBROCK)(*at)[0]
    assert ring.z[0] == pytest.approx(max(truth, on_mesh(field, *at)[0]) + lift(field))
    # f's lowest point: its true height is the log floor, deep in a funnel the mesh does not reach, so
    # the mark rests on the mesh there
    assert minima.z[0] == pytest.approx(on_mesh(field, np.array([1.0]), np.array([1.0]))[0] + lift(field))
    assert surface3d.height_scale(field, ROSENBROCK)(np.array([1.0]), np.array([1.0]))[0] == field.lo


def test_a_race_of_six_methods_sends_under_a_hundred_kilobytes():
    six = race(ROSENBROCK, ["SGD", "Momentum", "NAG", "AdaGrad", "RMSprop", "Adam"], ROSENBROCK.start, 300)
    field = levels.field(ROSENBROCK, surface3d.GRID)
    figure = surface3d.figure(field, six, ROSENBROCK, ROSENBROCK.start, 150)
    assert len(figure.to_json()) < 100_000  # a class of thirty opens this tab at once
