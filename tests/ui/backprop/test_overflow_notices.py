"""Huge weights: every NaN or ∞ the stepper shows comes with a notice that says which numbers, from
where (the batch example, the backward step) and how to fix it, in the page's language."""

from __future__ import annotations

import re

import pytest

from tests.ui.helpers import english_phrases, open_page

PAGE = "backprop"
# The stepper's own example stays finite (p[2] ≈ 6e-44); the gradient check's three drawn examples,
# all of class 2, get p[2] rounded to 0
HUGE_CHECK = {"net": "mlp", "label": "1", "x_1": "100", "x_2": "100",
              "W1_11": "100", "W1_12": "-100", "W1_13": "-0.5",
              "W1_21": "-100", "W1_22": "0.5", "W1_23": "-0.5",
              "b1_1": "100", "b1_2": "100", "b1_3": "-0.5",
              "W2_11": "0.5", "W2_12": "0.5", "W2_21": "-0.5",
              "W2_22": "-100", "W2_31": "100", "W2_32": "100",
              "b2_1": "-0.5", "b2_2": "-100"}
# The stepper's own example overflows: p[2] rounds to 0 and the loss −log p[2] is ∞
HUGE_GRAPH = {"net": "mlp", "label": "2", "W2_12": "-100", "W2_22": "-100", "W2_32": "-100",
              **{name: "100" for name in ("x_1", "x_2", "W1_11", "W1_12", "W1_13", "W1_21", "W1_22", "W1_23",
                                          "W2_11", "W2_21", "W2_31")}}


def gradient_check_table(at):
    return next(d.value for d in at.dataframe if "relative error" in d.value.columns).set_index("parameter")


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # numpy's own note on the overflow we provoke
def test_nan_cells_of_the_gradient_check_come_with_a_notice_naming_the_examples_and_the_fix():
    at = open_page(PAGE, **HUGE_CHECK)
    assert not at.exception
    assert gradient_check_table(at)["relative error"].isna().all()  # the cells the notice explains
    (notice,) = [e.value for e in at.error]  # the stepper's own graph is finite: one notice, this one
    assert notice.startswith("**The gradient check's loss is not finite**")
    assert [int(n) for n in re.findall(r"- example (\d): p\[2\] = 0 for its own class", notice)] == [2, 3, 4]
    assert "relative error of W1, b1, W2, b2 are NaN" in notice
    assert "Make the weights or inputs smaller, so that no output o lies more than about 744 below" in notice


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_a_zero_probability_of_another_class_is_explained_as_zero_times_log_zero():
    at = open_page(PAGE, **{**HUGE_CHECK, "W2_12": "-8"})  # now the example above loses p[2] too
    notice = next(e.value for e in at.error if e.value.startswith("**The gradient check's loss"))
    assert "- example 1: p[2] = 0 for another class, so y·log p = 0 × (−∞) is NaN" in notice


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_the_gradient_check_notice_speaks_chinese():
    at = open_page(PAGE, lang="zh", **HUGE_CHECK)
    (notice,) = [e.value for e in at.error]
    assert notice.startswith("**梯度检查的损失不是有限数**：")
    assert "- 样本 3：它自己类别的 p[2] = 0，所以它的损失 −log p[2] 是 ∞" in notice
    assert "把权重或输入调小" in notice
    assert english_phrases(at._tree) == []


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_the_overflow_notice_names_the_backward_step_where_the_first_nan_or_infinity_appears():
    notice = open_page(PAGE, **HUGE_GRAPH).error[0].value
    assert "- the backward pass's first ∞ or NaN comes at step 1 of 11" in notice
    at = open_page(PAGE, step="1", **HUGE_GRAPH)  # that step's table shows it: 1 × (−∞) from L to p[2]
    step_table = at.dataframe[0].value.set_index(at.dataframe[0].value.columns[0])
    assert step_table.loc["p[2]"].tolist()[-2:] == ["−∞", "−∞"]
