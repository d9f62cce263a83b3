"""The stepper page: stepping, editing numbers, autograd checks, gradient checking, and its URL."""

from __future__ import annotations

import re

import pytest

from playground.backprop.mlp import drawn
from tests.ui.helpers import metric, open_page

PAGE = "backprop"


def graph_dot(at) -> str:
    return at.get("graphviz_chart")[0].proto.spec


def table_with(at, column: str):
    """The first table on the page with ``column`` (the charts' data tables come after theirs)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_the_chain_steps_backward_node_by_node_with_next_and_previous():
    at = open_page(PAGE)
    assert not at.exception
    assert '"ŷ" [label="ŷ = −0.6"' in graph_dot(at)  # forward values on the nodes, no gradients yet
    assert "∂L/∂·" not in graph_dot(at)
    next_button = next(b for b in at.button if b.label.startswith("Next"))
    next_button.click().run()
    next(b for b in at.button if b.label.startswith("Next")).click().run()
    assert at.slider[0].value == 2 and at.query_params["step"] == "2"
    step = at.dataframe[0].value
    assert list(step["to"]) == ["w2", "z1"]  # ŷ = w2·z1 hands its gradient to both parents
    cells = step.map(lambda text: float(text.replace("−", "-")) if text[0] in "−0123456789" else text)
    assert cells["product"].tolist() == pytest.approx([cells.iloc[0, 1] * cells.iloc[0, 2],
                                                      cells.iloc[1, 1] * cells.iloc[1, 2]], rel=1e-5)
    assert "∂L/∂· = −1.92" in graph_dot(at)  # dL/dw2 = −(y − ŷ)·z1 = −1.6 × 1.2
    table = at.dataframe[1].value.set_index("node")
    assert table.loc["w2", "check"] == "✓" and table.loc["w1", "check"] == ""
    next(b for b in at.button if b.label.startswith("◀")).click().run()
    assert at.slider[0].value == 1
    assert "−(y − ŷ)·z1 = −(1 − (−0.6))·1.2 = **−1.92**" in " ".join(m.value for m in at.markdown)


def test_editing_a_weight_changes_the_numbers_and_the_link():
    at = open_page(PAGE)
    next(n for n in at.number_input if n.key == "backprop.w2").set_value(1.0).run()
    assert at.query_params["w2"] == "1.0"
    before = float(metric(at, "loss before").value)
    assert before == 0.02  # ½(1 − 1.0·1.2)²
    after = float(metric(at, "loss after").value)
    assert after < before


def test_the_mlp_from_a_link_matches_autograd_and_shows_p_minus_y():
    at = open_page(PAGE, net="mlp", step="13", act="tanh", n_hidden="4", seed="3")  # 13: the last step
    assert not at.exception
    assert metric(at, "max |backprop").delta == "✓ match"
    table = at.dataframe[1].value
    assert set(table["check"]) == {"✓"} and len(table) == 2 + (8 + 4 + 4) + 4 + (8 + 2 + 2) + 2 + 1
    w1 = next(n for n in at.number_input if n.key == "backprop.W1_11")
    assert w1.value == drawn(3, "W1[1,1]")
    errors = at.dataframe[2].value
    assert (errors["p − y"] - errors["∂L/∂o (backprop)"]).abs().max() < 1e-12
    assert metric(at, "relative error, bug-free").delta == "✓ correct"


def test_a_planted_bug_is_caught_and_located_next_to_the_bug_free_gap():
    at = open_page(PAGE, net="mlp", act="sigmoid")
    assert metric(at, "relative error, bug-free").delta == "✓ correct"
    assert not [m for m in at.metric if m.label.startswith("relative error with the bug")]
    at.selectbox(key="backprop.bug").set_value("z_for_h").run()
    clean, bugged = metric(at, "relative error, bug-free"), metric(at, "relative error with the bug")
    assert clean.delta == "✓ correct" and bugged.delta.startswith("✗ wrong")
    assert float(bugged.value) > 1e4 * float(clean.value)
    assert "lands in W2" in bugged.label and "× the bug-free error" in bugged.delta
    check = table_with(at, "parameter").set_index("parameter")
    assert check.loc["W2", "verdict"] == "✗ wrong" and check.loc["W2", "planted bug lands here"]
    assert check.loc["W1", "verdict"] == "✓ correct"
    assert at.query_params["bug"] == "z_for_h"


def test_the_transposed_weight_bug_lands_in_w1_and_hides_when_w2_is_a_vector():
    at = open_page(PAGE, net="mlp", loss="mse", bug="transposed")
    check = table_with(at, "parameter").set_index("parameter")
    assert list(check.index[check["verdict"] == "✗ wrong"]) == ["W1", "b1"]
    assert "lands in W1, b1" in metric(at, "relative error with the bug").label
    assert not at.info
    at.slider(key="backprop.n_out").set_value(1).run()
    assert metric(at, "relative error with the bug").delta.startswith("✓ correct")
    assert "a reshaped vector is its transpose" in at.info[0].value


def test_a_large_h_raises_the_relative_gap_of_a_correct_gradient():
    at = open_page(PAGE, net="mlp", act="tanh")
    good = float(metric(at, "relative error, bug-free (h = 1e-6").value)
    at.select_slider(key="backprop.log_h").set_value(-1.0).run()
    coarse = metric(at, "relative error, bug-free (h = 1e-1")
    assert float(coarse.value) > 100 * good  # truncation error grows like h²
    assert coarse.delta != "✓ correct" and at.query_params["log_h"] == "-1.0"


def test_a_new_seed_redraws_every_number():
    at = open_page(PAGE, net="mlp")
    at.number_input(key="backprop.seed").set_value(5).run()
    assert at.number_input(key="backprop.W2_21").value == drawn(5, "W2[2,1]")
    assert at.number_input(key="backprop.x_1").value == drawn(5, "x[1]")


def test_bad_link_values_fall_back_with_a_notice():
    at = open_page(PAGE, net="mlp", step="40", lr="-3", act="swish", log_h="-99")
    assert not at.exception
    notices = " ".join(w.value for w in at.warning)
    for name in ("lr", "act", "log_h", "step"):
        assert name in notices, name
    assert at.slider(key="backprop.step").value == 11  # clamped to the last step


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # numpy's own note on the overflow we provoke
def test_overflowing_numbers_and_an_overshooting_step_are_explained():
    huge = {name: "100" for name in ("x_1", "x_2", "W1_11", "W1_12", "W1_13", "W1_21", "W1_22", "W1_23",
                                     "W2_11", "W2_21", "W2_31")}
    at = open_page(PAGE, net="mlp", label="2", **huge, W2_12="-100", W2_22="-100", W2_32="-100")
    assert not at.exception
    notice = at.error[0].value
    assert "overflow float64" in notice  # p[2] rounds to 0, so the loss −log p[2] is infinite
    table = at.dataframe[0].value.set_index("node")  # step 0: the gradient table is the first
    assert table.loc["L", "value"] == "∞" and table.loc["o[1]", "autograd"] == "NaN"
    assert "- *value*: L" in notice and "- *autograd*: x[1], x[2]" in notice  # which values overflowed
    assert "from −Σ y·log p" in notice and "p[2] = 0" in notice  # and why
    at = open_page(PAGE, w1="2", w2="2", lr="5")
    assert "did not lower the loss" in at.warning[0].value


def test_a_gradient_not_yet_reached_shows_a_dash_with_its_reason_and_no_number_prints_minus_0():
    at = open_page(PAGE, net="mlp", step="1")
    table = at.dataframe[1].value.set_index("node")
    assert table.loc["x[1]", "∂L/∂node (backprop)"] == "—" and table.loc["x[1]", "|difference|"] == "—"
    assert not table.isin(["None", "nan", "−0", "-0"]).any().any()
    reason = "— under ∂L/∂node: the backward pass has not reached the node yet"
    assert any(reason in c.value for c in at.caption)
    assert not re.search(r"[−-]0(?![.\d])", graph_dot(at))
    assert '"p[2]" -> "L" [label="1 × 0 = 0"' in graph_dot(at)  # −y/p is −0 for the class that is not y


def test_the_note_on_a_passing_transposed_bug_says_what_actually_made_it_pass():
    dead = open_page(PAGE, net="mlp", seed="1", n_in="1", n_hidden="2", n_out="2", loss="mse",
                     bug="transposed")  # both hidden ReLU units are off on all four examples
    assert metric(dead, "relative error with the bug").delta.startswith("✓ correct")
    assert "no relu unit is active" in dead.info[0].value and "vector" not in dead.info[0].value
