"""A number written as a power of ten is a power: as the base of another power it keeps its
parentheses, so KaTeX gets no double superscript (``10^{6}^{10}`` is a KaTeX parse failure)."""

from __future__ import annotations

import pytest

from playground.surfaces.expression import parse


@pytest.mark.parametrize("text, latex", [
    ("1e6^10*x", r"\left(10^{6}\right)^{10}\,x"),
    ("(1e-5)^-2*x", r"\left(10^{-5}\right)^{-2}\,x"),
    ("2.5e-5^2*x", r"\left(2.5 \times 10^{-5}\right)^{2}\,x"),  # a product: (2.5·10⁻⁵)², not 2.5·10⁻¹⁰
    ("x*1e6 + 1e-5*y", r"x \cdot 10^{6} + 10^{-5}\,y"),  # where it is no base, no parentheses
    ("x^1e-5", r"x^{10^{-5}}"),  # an exponent is braced already
])
def test_a_power_of_ten_as_a_base_keeps_its_parentheses(text, latex):
    assert parse(text).latex == latex
