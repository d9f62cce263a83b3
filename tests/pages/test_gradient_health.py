"""The gradient-health page: measured vanishing, the cures one click away, clipping, and its URL."""

from __future__ import annotations

import pytest
import torch

from tests.pages.helpers import open_page

PAGE = "gradient_health.py"


@pytest.fixture(autouse=True)
def one_torch_thread():
    """Tiny matrix products: one thread beats several on a shared machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def metric(at, label_start: str):
    return next(m for m in at.metric if m.label.startswith(label_start))


def test_a_deep_sigmoid_net_shows_a_vanishing_gradient_and_relu_he_cures_it():
    at = open_page(PAGE, steps="3")
    assert not at.exception
    assert metric(at, "first ÷ last").delta == "vanishing"
    assert float(metric(at, "first ÷ last").value) < 1e-3
    layers = at.dataframe[0].value
    assert list(layers["layer"]) == list(range(1, 21))
    assert layers["grad_norm"].iloc[0] < 1e-3 * layers["grad_norm"].iloc[-1]
    next(b for b in at.button if b.label == "ReLU + He").click().run()
    assert metric(at, "first ÷ last").delta == "healthy"
    assert at.query_params["act"] == "relu" and at.query_params["init"] == "he"
    assert "steps" not in at.query_params  # a preset starts from the defaults


def test_residual_connections_raise_the_first_layer_gradient():
    at = open_page(PAGE, steps="2")
    plain = float(metric(at, "‖∂L/∂W‖, first").value)
    at.toggle(key="health.residual").set_value(True).run()
    assert float(metric(at, "‖∂L/∂W‖, first").value) > 1e6 * plain
    assert at.query_params["residual"] == "true"


def test_clipping_rescues_a_run_that_diverges_without_it():
    at = open_page(PAGE, depth="10", act="relu", init="he", lr="0.5", clip="norm", steps="15")
    assert not at.exception
    assert "diverged at step 1" in at.error[0].value
    assert "finished all 15 steps" in at.success[0].value


def test_bad_link_values_fall_back_with_a_notice():
    at = open_page(PAGE, depth="500", act="swish", clip="sideways", width="17", steps="2")
    assert not at.exception
    notices = " ".join(w.value for w in at.warning)
    for name in ("depth", "act", "clip", "width"):
        assert f"`{name}=" in notices
    assert at.slider(key="health.depth").value == 20
