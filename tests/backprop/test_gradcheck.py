"""gradient_check: central differences in float64, relative errors, verdicts, and planted bugs caught."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from playground.backprop.gradcheck import CORRECT, SUSPICIOUS, WRONG, gradient_check, relative_error, verdict
from playground.backprop.mlp import (
    BUG_HIDES,
    BUGS,
    Example,
    Sizes,
    TinyMLP,
    batch,
    drawn,
    gradient_checks,
    one_hot,
    param_names,
)


def net_and_batch(activation: str = "tanh", loss: str = "softmax_ce"):
    sizes = Sizes(3, 4, 3)
    net = TinyMLP.from_values(sizes, {n: drawn(2, n) for n in param_names(sizes)}, activation, loss)
    y = one_hot(1, 3) if loss == "softmax_ce" else np.array([0.5, -1.0, 0.2])
    return net, *batch(Example(net, np.array([0.3, -1.2, 0.8]), y), m=6, seed=1)


def test_relative_error_and_its_verdicts():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.array([1.0, 0.0]), np.array([-1.0, 0.0])) == 1.0
    assert [verdict(e) for e in (0.0, 5e-8, 1e-7, 1e-4, 2e-4, float("nan"))] == [
        CORRECT, CORRECT, SUSPICIOUS, SUSPICIOUS, WRONG, WRONG]


def test_a_correct_gradient_is_classified_correct_and_params_are_restored():
    w = torch.tensor([[0.5, -1.0], [2.0, 0.1]], dtype=torch.float64)
    b = np.array([0.3, -0.7])  # numpy arrays work too
    original = (w.clone(), b.copy())

    def f() -> float:
        return float((torch.sin(w) ** 2).sum() + np.sum(b**3))

    report = gradient_check(f, {"w": w, "b": b}, {"w": torch.sin(2 * w), "b": 3 * b**2})
    assert report.verdict == CORRECT and report.relative_error < 1e-9
    assert [p.verdict for p in report.params] == [CORRECT, CORRECT]
    assert torch.equal(w, original[0]) and np.array_equal(b, original[1])


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
@pytest.mark.parametrize("loss", ["softmax_ce", "mse"])
def test_the_mlp_manual_backward_passes_and_every_planted_bug_fails(activation, loss):
    net, X, Y = net_and_batch(activation, loss)
    reports = {bug: gradient_checks(net, X, Y, bug, [1e-6])[0] for bug in BUGS}
    assert reports["none"].verdict == CORRECT
    for bug, (_, landing) in BUGS.items():
        if bug == "none":
            continue
        assert reports[bug].verdict == WRONG, bug
        assert bug in BUG_HIDES  # the page explains a bug that happens to pass
        by_name = {p.name: p.verdict for p in reports[bug].params}
        assert {name for name, v in by_name.items() if v == WRONG} == set(landing), bug


def test_the_transposed_weight_bug_is_caught_at_the_pages_default_sizes_and_hides_only_for_a_vector_w2():
    def check(sizes: Sizes):
        net = TinyMLP.from_values(sizes, {n: drawn(0, n) for n in param_names(sizes)}, "relu", "mse")
        x = np.array([drawn(0, f"x[{i + 1}]") for i in range(sizes.n_in)])
        example = Example(net, x, np.ones(sizes.n_out))
        return gradient_checks(net, *batch(example, m=4, seed=0), "transposed", [1e-6])[0]

    verdicts = {p.name: p.verdict for p in check(Sizes(2, 3, 2)).params}
    assert verdicts == {"W1": WRONG, "b1": WRONG, "W2": CORRECT, "b2": CORRECT}
    for vector in (Sizes(2, 1, 2), Sizes(2, 3, 1)):  # W2 is 1×2 or 3×1: its reshape is its transpose
        assert check(vector).verdict == CORRECT


def test_h_trades_truncation_against_round_off():
    net, X, Y = net_and_batch("tanh")
    tiny, good, huge = (r.relative_error for r in gradient_checks(net, X, Y, "none", [1e-12, 1e-5, 1e-1]))
    assert good < 1e-9
    assert tiny > 100 * good and huge > 100 * good


def test_bad_inputs_are_refused_with_a_reason():
    w32 = torch.ones(2)
    with pytest.raises(ValueError, match="float64"):
        gradient_check(lambda: 0.0, {"w": w32}, {"w": w32})
    w = torch.ones(2, dtype=torch.float64)
    with pytest.raises(ValueError, match="shape"):
        gradient_check(lambda: 0.0, {"w": w}, {"w": torch.ones(3)})
    with pytest.raises(ValueError, match="positive"):
        gradient_check(lambda: 0.0, {"w": w}, {"w": w}, h=0.0)
