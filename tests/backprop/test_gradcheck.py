"""gradient_check: central differences in float64, relative errors, verdicts, and planted bugs caught."""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pytest
import torch

from playground.backprop.gradcheck import CORRECT, SUSPICIOUS, WRONG, gradient_check, relative_error, verdict
from playground.backprop.mlp import (
    ACTIVATIONS,
    BUGS,
    LOSSES,
    Example,
    Sizes,
    TinyMLP,
    batch,
    drawn,
    element_names,
    gradient_checks,
    one_hot,
    param_names,
    why_it_passes,
)
from playground.i18n import catalogue
from playground.ui.backprop.controls import LARGEST
from playground.ui.backprop.views import BATCH


def net_and_batch(activation: str = "tanh", loss: str = "softmax_ce"):
    sizes = Sizes(3, 4, 3)
    net = TinyMLP.from_values(sizes, {n: drawn(2, n) for n in param_names(sizes)}, activation, loss)
    y = one_hot(1, 3) if loss == "softmax_ce" else np.array([0.5, -1.0, 0.2])
    return net, *batch(Example(net, np.array([0.3, -1.2, 0.8]), y), m=6, seed=1)


def test_relative_gap_and_its_verdicts():
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


def page_example(sizes: Sizes, activation: str, loss: str, seed: int, label: int) -> Example:
    """The network the stepper builds from a seed: every number drawn, the target class ``label``."""
    values = {n: drawn(seed, n) for n in [*element_names("x", (sizes.n_in,)), *param_names(sizes),
                                          *element_names("y", (sizes.n_out,))]}
    y = (one_hot(label - 1, sizes.n_out) if loss == "softmax_ce"
         else np.array([values[n] for n in element_names("y", (sizes.n_out,))]))
    return Example(TinyMLP.from_values(sizes, values, activation, loss),
                   np.array([values[n] for n in element_names("x", (sizes.n_in,))]), y)


def what_happened(example: Example, X: np.ndarray, Y: np.ndarray) -> str:
    """Why the transposed W2 gave the right W1 and b1, worked out here from scratch."""
    net = example.net
    Z = X @ net.W1 + net.b1
    if net.loss == "softmax_ce" and Y.shape[1] == 1:
        return "∂L/∂O is 0 on every example"  # one output: the softmax is 1 = y
    if 1 in net.W2.shape:
        return "a reshaped vector is its transpose"
    if net.activation == "relu" and (Z <= 0).all():
        return "no relu unit is active"
    return "no reason"


def test_the_note_on_a_passing_transposed_bug_gives_the_reason_that_held_on_every_page_network():
    """Every size up to LARGEST, activation, loss and target class, for seeds 0–9 of the page's 0–9999
    (a deterministic subsample: 3,240 networks in about 3 s)."""
    found = []
    sizes = [range(1, top + 1) for top in (LARGEST.n_in, LARGEST.n_hidden, LARGEST.n_out)]
    for n_in, n_hidden, n_out, activation, loss, seed in itertools.product(*sizes, ACTIVATIONS, LOSSES,
                                                                           range(10)):
        for label in range(1, n_out + 1) if loss == "softmax_ce" else [1]:
            example = page_example(Sizes(n_in, n_hidden, n_out), activation, loss, seed, label)
            X, Y = batch(example, BATCH, seed)
            report = gradient_checks(example.net, X, Y, "transposed", [1e-6])[0]
            happened = what_happened(example, X, Y)
            if report.verdict == WRONG:
                assert happened == "no reason", (n_in, n_hidden, n_out, activation, loss, seed, label)
                continue
            note = str(why_it_passes(example.net, X, Y, "transposed", report))
            assert happened in note, (n_in, n_hidden, n_out, activation, loss, seed, label, note)
            found.append(happened)
    # What a rule of thumb ("W2 is a vector") misses: 360 one-output softmax nets pass because no gradient
    # flows at all, and 35 ReLU nets because every hidden unit is off on every example.
    assert Counter(found) == {"a reshaped vector is its transpose": 990, "∂L/∂O is 0 on every example": 360,
                              "no relu unit is active": 35}


def test_a_bug_that_changes_the_gradient_too_little_is_not_said_to_give_the_right_one():
    net, X, Y = net_and_batch("tanh", "mse")
    tiny = net.with_params({**net.params(), "W2": net.W2 * 1e-6})  # W2 carries almost nothing back
    report = gradient_checks(tiny, X, Y, "transposed", [1e-6])[0]
    assert report.verdict != WRONG
    note = why_it_passes(tiny, X, Y, "transposed", report)
    assert str(note).startswith("it does change W1, b1") and f"{report.relative_error:.1e}" in str(note)
    chinese, verdict_word = note.text("zh"), catalogue("zh")[f"backprop.verdicts.{report.verdict}"]
    assert chinese.startswith("它确实改变了 W1, b1")
    assert f"{report.relative_error:.1e}：{verdict_word}，" in chinese
