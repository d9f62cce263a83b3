"""Worked-example terms: the numbers a line shows are the numbers that compute its value."""

from __future__ import annotations

import numpy as np

from playground.trajectories.terms import given, maximum, sqrt


def test_a_term_substitutes_numbers_into_its_formula_and_computes_the_same_value():
    beta, g, m = given(r"\beta_1", 0.9), given("g", [1.0, -2.0]), given("m", [0.5, 0.25])
    average = beta * m + (1 - beta) * g
    assert average.symbols == r"\beta_1\,m + \left(1 - \beta_1\right)\,g"
    assert average.numbers == (r"0.9\cdot \begin{pmatrix}0.5 \\ 0.25\end{pmatrix} + "
                               r"0.1\cdot \begin{pmatrix}1 \\ -2\end{pmatrix}")  # 1 - β₁ shows its value
    np.testing.assert_allclose(average.value, [0.55, 0.025])


def test_parentheses_appear_exactly_where_the_formula_needs_them():
    a, b, g = given("a", 2.0), given("b", -0.5), given("g", [4.0, 9.0])
    difference = g - (a * g - g)
    assert difference.symbols == r"g - \left(a\,g - g\right)"
    np.testing.assert_allclose(difference.value, [0.0, 0.0])
    assert (b * g).numbers.startswith(r"\left(-0.5\right)\cdot ")  # a negative factor is bracketed
    assert ((g + a) ** 2).symbols == r"\left(g + a\right)^{2}"
    root = sqrt(g) / (a + 1e-8)
    assert root.symbols == r"\frac{\sqrt{g}}{a + 1\times 10^{-8}}"
    np.testing.assert_allclose(root.value, [1.0, 1.5])
    assert maximum(a * g, g).symbols == r"\max\left(a\,g,\ g\right)"
