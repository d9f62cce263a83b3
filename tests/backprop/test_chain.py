"""The smallest chain: backprop's steps, its numbers and the textbook formulas agree with autograd."""

from __future__ import annotations

import pytest

from playground.backprop.chain import Chain
from playground.backprop.graph import final_steps, gradients_after
from playground.ui.backprop import charts


def test_the_backward_pass_visits_loss_then_prediction_then_hidden_node():
    steps = Chain().graph().backward()
    assert [s.node for s in steps] == ["L", "ŷ", "z1"]
    assert steps[0].incoming == 1.0


def test_weight_gradients_are_the_textbook_formulas_with_numbers():
    chain = Chain(x=1.5, w1=0.8, w2=-0.5, y=1.0)
    grads = gradients_after(chain.graph().backward())
    z1, y_hat = 1.5 * 0.8, -0.5 * 1.5 * 0.8
    assert grads["w2"] == pytest.approx(-(1.0 - y_hat) * z1, abs=1e-15)
    assert grads["w1"] == pytest.approx(-(1.0 - y_hat) * -0.5 * 1.5, abs=1e-15)
    forms = chain.closed_forms()
    assert forms["w2"].formula == "−(y − ŷ)·z1" and forms["w2"].value == pytest.approx(grads["w2"], abs=1e-15)
    assert forms["w1"].value == pytest.approx(grads["w1"], abs=1e-15)


def test_the_textbook_formulas_show_the_numbers_they_substitute():
    forms = Chain(x=1.5, w1=0.8, w2=-0.5, y=1.0).closed_forms()
    assert forms["w2"].substituted(charts.operand) == "−(1 − (−0.6))·1.2"
    assert forms["w1"].substituted(charts.operand) == "−(1 − (−0.6))·(−0.5)·1.5"


@pytest.mark.parametrize("x, w1, w2, y", [(1.5, 0.8, -0.5, 1.0), (-2.0, 0.3, 1.7, -0.4), (0, 1.0, 1.0, 2.0)])
def test_every_node_gradient_matches_autograd(x, w1, w2, y):
    chain = Chain(x, w1, w2, y)
    manual, reference = gradients_after(chain.graph().backward()), chain.autograd()
    assert set(manual) == set(reference)
    for name, value in reference.items():
        assert manual[name] == pytest.approx(value, abs=1e-12), name


def test_gradients_arrive_one_step_at_a_time():
    steps = Chain().graph().backward()
    assert gradients_after(steps, 0) == {}
    assert set(gradients_after(steps, 1)) == {"L", "ŷ"}
    assert set(gradients_after(steps, 2)) == {"L", "ŷ", "w2", "z1"}
    assert final_steps(steps) == {"L": 1, "ŷ": 1, "w2": 2, "z1": 2, "w1": 3, "x": 3}


def test_one_gradient_descent_step_lowers_the_loss():
    chain = Chain()
    before, after = chain.graph().loss.value, chain.stepped(0.1).graph().loss.value
    assert after < before
    assert chain.stepped(0.1).x == chain.x  # data is not learned
