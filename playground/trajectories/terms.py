r"""Numbers that remember how they were written, for worked examples in LaTeX.

A :class:`Term` carries a value (a float or an (x, y) vector), the formula that produced it
in symbols, and the same formula with the numbers substituted. Arithmetic on terms builds all
three at once, so a worked line ``name = symbols = numbers = value`` is written once and its
numbers always compute its value. Vector operations are per coordinate. Inside a formula, a
scalar computed by another formula shows its value (``(1 - \beta_1)\,g`` reads ``0.1\cdot g``),
so each line shows the vectors and the few coefficients that combine them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

SUM, PRODUCT, ATOM = 1, 2, 3  # how tightly a rendered formula binds, to decide on parentheses


def number(value: float) -> str:
    """A number for LaTeX: 4 significant digits, powers of ten written out."""
    if value == 0:
        return "0"
    if not math.isfinite(value):
        return r"\text{" + str(value) + "}"
    text = f"{value:.4g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa}\times 10^{{{int(exponent)}}}"
    return text


def vector(values: Sequence[float]) -> str:
    return r"\begin{pmatrix}" + r" \\ ".join(number(float(v)) for v in values) + r"\end{pmatrix}"


def show(value: Any) -> str:
    """A scalar as a number, an (x, y) array as a column vector."""
    return number(float(value)) if np.ndim(value) == 0 else vector(value)


def _wrap(text: str, needed: bool) -> str:
    return rf"\left({text}\right)" if needed else text


@dataclass(frozen=True)
class Term:
    value: Any
    symbols: str
    numbers: str
    symbols_rank: int = ATOM
    numbers_rank: int = ATOM

    @property
    def scalar(self) -> bool:
        return np.ndim(self.value) == 0

    def __add__(self, other: Term | float) -> Term:
        return _combine(self, other, self.value + _as_term(other).value, "{a} + {b}", SUM, SUM, SUM)

    def __radd__(self, other: float) -> Term:
        return _as_term(other) + self

    def __sub__(self, other: Term | float) -> Term:
        return _combine(self, other, self.value - _as_term(other).value, "{a} - {b}", SUM, SUM, SUM + 1)

    def __rsub__(self, other: float) -> Term:
        return _as_term(other) - self

    def __mul__(self, other: Term | float) -> Term:
        return _combine(self, other, self.value * _as_term(other).value, "{a}{times}{b}", PRODUCT,
                        SUM + 1, SUM + 1)

    def __rmul__(self, other: float) -> Term:
        return _as_term(other) * self

    def __truediv__(self, other: Term | float) -> Term:
        quotient = self.value / _as_term(other).value
        return _combine(self, other, quotient, r"\frac{{{a}}}{{{b}}}", PRODUCT, 0, 0)

    def __rtruediv__(self, other: float) -> Term:
        return _as_term(other) / self

    def __pow__(self, other: Term | float) -> Term:
        return _combine(self, other, self.value ** _as_term(other).value, "{a}^{{{b}}}", ATOM, ATOM, 0)

    def __rpow__(self, other: float) -> Term:
        return _as_term(other) ** self

    def __neg__(self) -> Term:
        return _apply(-self.value, "-{a}", SUM, (self, SUM + 1))


def given(symbol: str, value: Any) -> Term:
    """A quantity known by name: a hyperparameter, a state entry, the result of an earlier line."""
    value = float(value) if np.ndim(value) == 0 else np.asarray(value, dtype=float)
    return Term(value, symbol, show(value), ATOM, SUM if np.ndim(value) == 0 and value < 0 else ATOM)


def sqrt(a: Term) -> Term:
    return _apply(np.sqrt(a.value), r"\sqrt{{{a}}}", ATOM, (a, 0))


def absolute(a: Term) -> Term:
    return _apply(np.abs(a.value), r"\left|{a}\right|", ATOM, (a, 0))


def maximum(a: Term, b: Term) -> Term:
    return _combine(a, b, np.maximum(a.value, b.value), r"\max\left({a},\ {b}\right)", ATOM, 0, 0)


def _as_term(x: Term | float) -> Term:
    return x if isinstance(x, Term) else given(number(x), x)


def _combine(a: Term, b: Term | float, value: Any, pattern: str, rank: int, wrap_a: int, wrap_b: int) -> Term:
    """``pattern`` filled with both operands, each wrapped in parentheses where it binds looser
    than ``wrap_a`` / ``wrap_b``."""
    return _apply(value, pattern, rank, (a, wrap_a), (_as_term(b), wrap_b))


def _apply(value: Any, pattern: str, rank: int, *operands: tuple[Term, int]) -> Term:
    def fill(side: str) -> str:
        texts = []
        for term, needs in operands:
            # On the numbers side a scalar operand shows its value: one level of substitution.
            shown = given("", term.value) if side == "numbers" and term.scalar else term
            texts.append(_wrap(getattr(shown, side), getattr(shown, f"{side}_rank") < needs))
        # Between symbols a thin space reads as a product, unless a digit follows (0.5 0.96).
        times = r"\cdot " if side == "numbers" or texts[-1][:1].isdigit() else r"\,"
        return pattern.format(a=texts[0], b=texts[-1], times=times)

    return Term(value, fill("symbols"), fill("numbers"), rank, rank)
