"""The stepper's drawings as data: DOT text, LaTeX, tables and the error-vs-h chart."""

from __future__ import annotations

import re

import numpy as np

from playground.backprop.chain import Chain
from playground.backprop.graph import gradients_after
from playground.backprop.mlp import (
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
from playground.ui.backprop import charts
from playground.ui.backprop.controls import url_name


def mlp_example() -> Example:
    sizes = Sizes(2, 3, 2)
    net = TinyMLP.from_values(sizes, {n: drawn(0, n) for n in param_names(sizes)}, "relu", "softmax_ce")
    return Example(net, np.array([0.5, -0.2]), one_hot(0, 2))


def test_the_dot_graph_has_every_node_and_edge_and_marks_the_current_step():
    graph = Chain().graph()
    steps = graph.backward()
    before = charts.to_dot(graph, steps, 0)
    assert before.count("->") == 5 and "∂L/∂·" not in before
    assert '"z1" [label="z1 = 1.2"' in before and '"w1" -> "z1" [label="1.5"]' in before  # ∂z1/∂w1 = x
    during = charts.to_dot(graph, steps, 2)
    assert '"w2" -> "ŷ" [label="−1.6 × 1.2 = −1.92"' in during  # incoming × local = product
    assert '"ŷ" [label="ŷ = −0.6\\n∂L/∂· = −1.6", shape=ellipse, fillcolor="#F8DFB0"' in during
    assert "∂L/∂· = 1.2" not in during  # w1's gradient has not arrived yet


def test_node_names_become_latex_and_a_step_becomes_chain_rule_lines():
    assert [charts.tex(n) for n in ("W1[1,2]", "b2[3]", "ŷ", "ŷ[1]", "w2", "z[2]", "L")] == [
        "W^{(1)}_{12}", "b^{(2)}_{3}", r"\hat y", r"\hat y_{1}", "w_{2}", "z_{2}", "L"]
    step = Chain().graph().backward()[1]
    latex = charts.step_latex(step)
    assert latex.count(r"\underbrace") == 4 and "= -1.92" in latex and r"\partial w_{2}" in latex


def test_the_gradient_table_ticks_only_final_gradients_that_match_autograd():
    example = mlp_example()
    graph, steps = example.graph(), example.graph().backward()
    assert [s.node for s in steps[:3]] == ["L", "p[2]", "p[1]"]
    table = charts.gradient_table(graph, steps, 2, example.autograd()).set_index("node")
    assert table.loc["L", "check"] == "✓" and table.loc["p[1]", "check"] == "✓"
    assert table.loc["o[1]", "check"] == "partial"  # p[1] has not passed its share yet
    assert table.loc["x[1]", "check"] == ""
    assert table.loc["x[1]", ["∂L/∂node (backprop)", "|difference|"]].tolist() == [charts.MISSING] * 2
    assert "None" not in table.to_string() and "nan" not in table.to_string().lower()
    done = charts.gradient_table(graph, steps, len(steps), example.autograd())
    assert set(done["check"]) == {"✓"}
    assert charts.max_difference(graph, example.autograd()) < 1e-12


def test_the_output_delta_table_puts_p_minus_y_next_to_backprop():
    example = mlp_example()
    net = example.net
    logits = np.maximum(example.x @ net.W1 + net.b1, 0) @ net.W2 + net.b2  # ReLU hidden layer, by hand
    p = np.exp(logits) / np.exp(logits).sum()
    grads = gradients_after(example.graph().backward())
    table = charts.output_error_table(p, example.y, grads)
    assert np.abs(table["p − y"] - (p - [1.0, 0.0])).max() < 1e-15
    assert np.abs(table["∂L/∂o (backprop)"] - table["p − y"]).max() < 1e-12


def test_the_gradcheck_table_and_the_gap_vs_h_chart_data():
    example = mlp_example()
    X, Y = batch(example, 4, 0)
    report = gradient_checks(example.net, X, Y, "z_for_h", [1e-6])[0]
    table = charts.gradcheck_table(report, BUGS["z_for_h"][1]).set_index("parameter")
    assert table.loc["W2", "verdict"] == "✗ wrong" and table.loc["W2", "planted bug lands here"]
    assert table.loc["b2", "verdict"] == "✓ correct" and not table.loc["b2", "planted bug lands here"]
    frame = charts.error_vs_h_frame([1e-9, 1e-6, 1e-3, 1e-1], [1e-6, 0.0, float("nan"), 1e-4])
    assert list(frame["h"]) == [1e-9, 1e-1]  # zero and NaN cannot sit on a log axis
    spec = charts.error_vs_h_chart(frame, 1e-6).to_dict()
    rule = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "rule")
    assert spec["datasets"][rule["data"]["name"]] == [{"h": 1e-6}]


def test_url_names_are_query_string_friendly():
    assert [url_name(n) for n in ("W1[1,2]", "b2[3]", "x[1]", "w1")] == ["W1_12", "b2_3", "x_1", "w1"]


NEGATIVE_ZERO = re.compile(r"[−-]0(?![.\d])")


def test_a_zero_prints_as_0_never_minus_0_and_overflows_print_as_such():
    assert [charts.fmt(v) for v in (-0.0, 0.0, -1.5, float("nan"), float("inf"), -float("inf"))] == [
        "0", "0", "−1.5", "NaN", "∞", "−∞"]
    example = mlp_example()  # p[2]'s local derivative −y/p is −0 for the class that is not the target
    graph, steps = example.graph(), example.graph().backward()
    assert any(p.product == 0 and np.signbit(p.product) for s in steps for p in s.products)
    for done in range(len(steps) + 1):
        table = charts.gradient_table(graph, steps, done, example.autograd())
        assert not NEGATIVE_ZERO.search(charts.to_dot(graph, steps, done) + table.to_string()), done
    for step in steps:
        assert not NEGATIVE_ZERO.search(charts.step_table(step).to_string() + charts.step_latex(step))


def test_the_overflow_notice_names_the_values_and_traces_the_first_inf_and_nan():
    assert charts.overflow_notice(*graph_steps_autograd(mlp_example())) is None
    sizes = Sizes(2, 3, 2)
    values = {n: 100.0 * (-1 if n.startswith("W2") and n.endswith(",2]") else 1) for n in param_names(sizes)}
    huge = Example(TinyMLP.from_values(sizes, values), np.array([100.0, 100.0]), one_hot(1, 2))
    with np.errstate(all="ignore"):
        notice = charts.overflow_notice(*graph_steps_autograd(huge))
    assert notice is not None
    lines = notice.splitlines()
    assert "- *value*: L" in lines  # p[2] rounds to 0, so L = −log p[2] = ∞
    assert "- forward, first: L = ∞" in notice and "p[2] = 0" in notice
    assert "first ∞: L passes ∂L/∂p[2] += 1 × (−∞) = −∞" in notice
    assert "first NaN: p[2] passes ∂L/∂o[1] += (−∞) × 0 = NaN" in notice


def graph_steps_autograd(example: Example):
    graph = example.graph()
    return graph, graph.backward(), example.autograd()
