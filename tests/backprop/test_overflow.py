"""Which softmax outputs of a gradient check's batch round to 0, the cause of its NaNs."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from playground.backprop.mlp import Example, Sizes, TinyMLP, batch, gradient_checks, one_hot, rounded_to_zero

HUGE = {"W1[1,1]": 100, "W1[1,2]": -100, "W1[1,3]": -0.5, "W1[2,1]": -100, "W1[2,2]": 0.5, "W1[2,3]": -0.5,
        "b1[1]": 100, "b1[2]": 100, "b1[3]": -0.5, "W2[1,1]": 0.5, "W2[1,2]": -8, "W2[2,1]": -0.5,
        "W2[2,2]": -100, "W2[3,1]": 100, "W2[3,2]": 100, "b2[1]": -0.5, "b2[2]": -100}


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # numpy's own note on log 0
def test_each_zero_probability_is_named_with_its_example_and_whether_it_is_the_true_class():
    net = TinyMLP.from_values(Sizes(2, 3, 2), HUGE)
    X, Y = batch(Example(net, np.array([100.0, 100.0]), one_hot(0, 2)), m=4, seed=0)  # drawn rows: class 2
    # example 1 (class 1) has p[2] = 0 for a class it is not; the drawn ones lose their own class 2
    assert rounded_to_zero(net, X, Y) == [(1, 2, False), (2, 2, True), (3, 2, True), (4, 2, True)]
    assert np.isnan(gradient_checks(net, X, Y, "none", [1e-6])[0].relative_error)  # what the zeros cause
    assert rounded_to_zero(replace(net, loss="mse"), X, Y) == []  # no softmax, nothing rounds to 0
