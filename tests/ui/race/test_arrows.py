"""The map's arrows: the chosen method's state at every step, from the engine, in the scene."""

from __future__ import annotations

import numpy as np
import pytest

from playground.surfaces import SURFACES
from playground.trajectories import inspect, race
from tests.ui.helpers import open_page
from tests.ui.race.test_page import scene

PAGE = "race"


def close(sent: list[float], expected: np.ndarray) -> None:
    """The scene sends four significant digits."""
    np.testing.assert_allclose(sent, expected, rtol=5.1e-4, atol=1e-12)


@pytest.mark.parametrize("method", ["Adam", "Momentum"])
def test_each_steps_arrows_are_the_engines_update_and_the_surfaces_gradient(method):
    surface = SURFACES["rosenbrock"]
    at = open_page(PAGE, methods=f"SGD,{method}", inspect=method, steps="60")
    assert not at.exception
    arrows = scene(at)["arrows"]
    path = race(surface, [method], surface.start, 60)[method]
    assert arrows["at"] == list(range(60))
    theta = path.positions[:-1, 0]
    close(arrows["x"], theta[:, 0])
    close(arrows["y"], theta[:, 1])
    gradient, *middle, update = arrows["vectors"]
    close(update["dx"], path.updates[:, 0, 0])  # Δθ = θ_{k+1} − θ_k, as the trajectory has it
    close(update["dy"], path.updates[:, 0, 1])
    x, y = theta[:, 0], theta[:, 1]
    gx, gy = -2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)  # Rosenbrock's gradient, by hand
    lr = path.lrs[:, 0]
    close(gradient["dx"], -lr * gx)  # −η∇f at θ_k, the surface's own gradient
    close(gradient["dy"], -lr * gy)
    assert len(middle) == 1  # both have a first moment to draw
    for k in (0, 17, 59):  # each step's scale: one 1-2-5 number for all its arrows
        mantissa = arrows["scale"][k] / 10 ** np.floor(np.log10(arrows["scale"][k]))
        assert round(mantissa, 6) in (1.0, 2.0, 5.0)


def test_adams_ellipse_has_the_effective_step_sizes_the_inside_tab_shows():
    surface = SURFACES["rosenbrock"]
    at = open_page(PAGE, methods="SGD,Adam", inspect="Adam", steps="60")
    axes = scene(at)["arrows"]["axes"]
    for k in (0, 9, 42):
        i = inspect(surface, "Adam", surface.start, k, 60)
        norm = np.linalg.norm(i.gradient)
        close([axes["dx"][k], axes["dy"][k]], np.abs(i.effective_step) * norm)


def test_sgd_has_no_momentum_arrow_and_no_ellipse():
    at = open_page(PAGE, methods="SGD,Adam", inspect="SGD", steps="30")
    arrows = scene(at)["arrows"]
    assert len(arrows["vectors"]) == 2 and arrows["axes"] is None


def test_the_picker_above_the_map_chooses_the_method_and_can_hide_the_arrows():
    at = open_page(PAGE, methods="SGD,Adam", steps="30")
    picker = at.get("button_group")[0]
    assert picker.label == "Arrows on the map for" and picker.value == "SGD"
    assert len(scene(at)["arrows"]["vectors"]) == 2  # SGD's: the gradient and the update
    picker.set_value("Adam").run()
    assert scene(at)["arrows"]["axes"] is not None  # Adam's, with its ellipse
    assert at.query_params["inspect"] == "Adam"  # the Inside tab looks into the same method
    at.get("button_group")[0].set_value(None).run()
    assert scene(at)["arrows"] is None and at.query_params["arrows"] == "false"
    assert "Arrows:" not in " ".join(c.value for c in at.caption)  # no caption for arrows not drawn
    again = open_page(PAGE, methods="SGD,Adam", steps="30", inspect="Adam", arrows="false")
    assert scene(again)["arrows"] is None and again.get("button_group")[0].value is None  # the link keeps it
