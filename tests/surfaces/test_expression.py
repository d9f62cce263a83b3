"""The formula parser: hostile input is refused quickly with a message saying what and where;
valid formulas give the right values and symbolic gradients (checked against torch autograd)."""

from __future__ import annotations

import builtins
import math
import time

import numpy as np
import pytest

from playground.surfaces import ExpressionError, Surface, parse
from playground.surfaces.derivative import derivative
from playground.surfaces.expression import parse_tree
from playground.surfaces.nodes import ONE, Binary, Num, Var, simplify
from tests.surfaces.autograd import assert_matches_autograd

HOSTILE = [
    ("x.__class__", "'.' at position 2"),
    ("x.__class__.__bases__", "attribute access"),
    ("__import__('os')", "unknown name '__import__' at position 1"),
    ("__builtins__", "unknown name '__builtins__'"),
    ("import os", "unknown name 'import' at position 1"),
    ("os", "unknown name 'os' at position 1"),
    ("lambda: 1", "unknown name 'lambda'"),
    ("(lambda q: q)(x)", "unknown name 'lambda' at position 2"),
    ("[x for x in y]", "'[' at position 1"),
    ("{x: y}", "'{' at position 1"),
    ("foo(x)", "unknown name 'foo'"),
    ("exit()", "unknown name 'exit'"),
    ("open('f')", "unknown name 'open'"),
    ("eval('1')", "unknown name 'eval'"),
    ("sin(x=1)", "'=' at position 6"),
    ("'x'", "text in quotes"),
    ('"x" * 3', "text in quotes"),
    ("9**9**9", "exponent too large at position 4"),
    ("2**1000000", "exponent too large at position 4"),
    ("x**2**2**2", "exponent too large"),
    ("x**(5*3)", "exponent too large"),
    ("x**1e6", "exponent too large"),
    ("x**(0/0)", "exponent at position 4 is not a finite number"),
    ("x**(1/0)", "exponent at position 4 is not a finite number"),
    ("0x10", "'0x10' at position 1: write numbers in decimal"),
    ("x + 0b101", "'0b101' at position 5: write numbers in decimal"),
    ("1_000 * x", "'1_000' at position 1: write numbers without underscores, e.g. 1000"),
    ("(" * 500 + "x" + ")" * 500, "longer than 200 characters"),
    ("(" * 31 + "x" + ")" * 31, "nesting deeper than 30 levels"),
    ("-" * 40 + "x", "nesting deeper than 30 levels"),
    ("sin(" * 31 + "x" + ")" * 31, "nesting deeper than 30 levels"),
    ("x" * 10_000, "longer than 200 characters"),
    ("\u0445**2", "U+0445"),  # Cyrillic ha, looks like x
    ("\uff11 + x", "U+FF11"),  # fullwidth digit one
    ("\uff53\uff49\uff4e(x)", "U+FF53"),  # fullwidth sin
    ("", "formula is empty"),
    ("   \t ", "formula is empty"),
    ("x y", "missing operator between 'x' and 'y' at position 3"),
    ("2x", "missing operator between '2' and 'x' at position 2"),
    ("x +", "ends too early after '+'"),
    ("x **", "ends too early after '**'"),
    ("sin", "function 'sin' at position 1 needs parentheses"),
    ("sin x", "needs parentheses"),
    ("sin()", "sin() at position 1 needs one argument"),
    ("sin(x, y)", "',' at position 6: functions take exactly one argument"),
    ("x; y", "';' at position 2"),
    ("x\ny", "'\\n' (U+000A) at position 2"),
    ("`x`", "'`' at position 1"),
    ("x==y", "'=' at position 2: comparisons"),
    ("x < y", "'<' at position 3"),
    ("x if y else 1", "unknown name 'if' at position 3"),
    ("x @ y", "'@' at position 3"),
    ("x % 2", "'%' at position 3"),
    ("x // 2", "unexpected '/' at position 4"),
    ("*x", "unexpected '*' at position 1"),
    ("x)", "unexpected ')' at position 2"),
    ("(x", "missing ')' to close the '(' at position 1"),
    ("()", "unexpected ')' at position 2"),
    ("1e400", "too large"),
    ("2000000*x", "number 2000000 at position 1 is too large"),
    ("Sin(x)", "did you mean 'sin'"),
    ("x & y | 1", "'&' at position 3"),
    ("x\\y", "'\\\\' at position 2"),
    ("log(-1 - x**2 - y**2)", "not finite anywhere"),
    ("sqrt(-1 - abs(x))", "not finite anywhere"),
    (None, "must be text"),
]


@pytest.mark.parametrize("text, fragment", HOSTILE, ids=[repr(t)[:40] for t, _ in HOSTILE])
def test_hostile_or_malformed_formulas_are_refused_with_a_helpful_message(text, fragment):
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert fragment in str(caught.value)


def test_every_rejection_is_fast():
    for text, _ in HOSTILE:
        started = time.perf_counter()
        with pytest.raises(ExpressionError):
            parse(text)
        assert time.perf_counter() - started < 0.1, text


def test_a_bad_expression_raises_what_value_checks_catch():
    assert issubclass(ExpressionError, ValueError)


def test_parsing_never_reaches_eval_exec_or_compile():
    def forbidden(*args, **kwargs):
        raise AssertionError("the formula reached a Python evaluator")

    saved = {name: getattr(builtins, name) for name in ("eval", "exec", "compile")}
    try:
        for name in saved:
            setattr(builtins, name, forbidden)
        surface = parse("sin(x) * exp(-y**2) + relu(x - y)")
        value = float(surface.value(0.0, 0.0))
    finally:
        for name, original in saved.items():
            setattr(builtins, name, original)
    assert value == 0.0


# (formula, f(1.5, -0.5) by hand, (df/dx, df/dy) by hand)
HAND = [
    ("x**2 + 3*y**2", 1.5**2 + 0.75, (3.0, -3.0)),
    ("-x**2", -2.25, (-3.0, 0.0)),  # unary minus binds looser than **
    ("-x^2 + y", -2.25 - 0.5, (-3.0, 1.0)),  # ^ is power, not xor
    ("2**3**2 * x", 512 * 1.5, (512.0, 0.0)),  # right-associative: 2**(3**2)
    ("(2**3)**2 * x", 64 * 1.5, (64.0, 0.0)),
    ("x - y - 1", 1.0, (1.0, -1.0)),  # left-associative
    ("x / y / 2", -1.5, (-1.0, -3.0)),
    ("+x * -y", 0.75, (0.5, -1.5)),
    ("1e-3*x + .5E1*y", 1.5e-3 - 2.5, (1e-3, 5.0)),
    ("2*pi*x + e*y", 3 * math.pi - math.e / 2, (2 * math.pi, math.e)),
    ("x**y", 1.5**-0.5, (-0.5 * 1.5**-1.5, 1.5**-0.5 * math.log(1.5))),
    ("sqrt(x) * abs(y)", math.sqrt(1.5) * 0.5, (0.25 / math.sqrt(1.5), -math.sqrt(1.5))),
    ("relu(x) + relu(y) + softplus(y)", 1.5 + math.log1p(math.exp(-0.5)),
     (1.0, 1 / (1 + math.exp(0.5)))),
]


@pytest.mark.parametrize("text, value, gradient", HAND, ids=[t for t, _, _ in HAND])
def test_values_and_gradients_match_hand_computation(text, value, gradient):
    surface = parse(text)
    assert float(surface.value(1.5, -0.5)) == pytest.approx(value, rel=1e-12)
    gx, gy = surface.grad(1.5, -0.5)
    assert (float(gx), float(gy)) == pytest.approx(gradient, rel=1e-12, abs=1e-15)


AUTOGRAD = [
    "sin(x) * cos(y) + tan(x / 3)",
    "exp(-(x**2 + y**2) / 2) - log(1 + x**2 * y**2)",
    "sqrt(x**2 + y**2 + 1) + abs(x - y)",
    "tanh(x*y) + sinh(x) / cosh(y)",
    "sigmoid(3*x - y) * softplus(y - x) + relu(x + y)",
    "(1 - x)^2 + 100*(y - x^2)^2",
    "x**y + 2**x - y**-2",
    "-(x - 1)**3 / (1 + y**2) + e**x * pi",
    "x**2.5 + (x*y)**0.5 + 1/x",
    "cos(sin(exp(x/4)) + y) * x",
]


@pytest.mark.parametrize("text", AUTOGRAD)
def test_symbolic_gradients_match_torch_autograd(text):
    surface = parse(text, domain=((0.2, 2.0), (0.2, 2.0)))  # positive, so x**y and sqrt are real
    rng = np.random.default_rng(7)
    assert_matches_autograd(surface, rng.uniform(0.2, 2.0, 40), rng.uniform(0.2, 2.0, 40), atol=1e-12)


def test_derivatives_are_simplified_so_gradients_stay_cheap():
    assert derivative(simplify(parse_tree("0*x + 1*y + x + 0")), "x") == ONE
    assert derivative(simplify(parse_tree("x**2")), "x") == Binary("*", Num(2.0), Var("x"))
    assert derivative(simplify(parse_tree("3*(2*(x*y))")), "y") == Binary("*", Num(6.0), Var("x"))


def test_constant_partials_come_back_shaped_like_x_and_writable():
    gx, gy = parse("3*x").grad(np.zeros((2, 5)), np.zeros((2, 5)))
    assert gx.shape == gy.shape == (2, 5) and gy.flags.writeable
    assert (gx == 3).all() and (gy == 0).all()
    assert parse("7").value(np.zeros(4), np.zeros(4)).tolist() == [7.0] * 4


def test_numeric_trouble_gives_non_finite_values_not_exceptions():
    surface = parse("log(x) + 1/y")  # finite on most of the window
    with np.errstate(all="raise"):  # the surface must silence numpy itself
        values = surface.value(np.array([-1.0, 1.0]), np.array([0.0, 1.0]))
        gx, gy = surface.grad(np.array([-1.0, 0.0]), np.array([0.0, 0.0]))
    assert np.isnan(values[0]) and values[1] == 1.0
    assert not np.isfinite(gy).any()


def test_a_parsed_surface_is_complete():
    surface = parse("  (x - 1)**2 + 2*(y + 2)**2  ")
    assert isinstance(surface, Surface)
    assert surface.name == "custom" and surface.title == "(x - 1)**2 + 2*(y + 2)**2"
    assert surface.domain == ((-3.0, 3.0), (-3.0, 3.0))
    assert len(surface.minima) == 1  # the best point of the coarse grid
    assert surface.minima[0] == pytest.approx((1.0, -2.0), abs=0.08)
    assert surface.lrs == {} and not surface.log_color
    (x_lo, x_hi), (y_lo, y_hi) = surface.domain
    assert x_lo <= surface.start[0] <= x_hi and y_lo <= surface.start[1] <= y_hi
    assert math.dist(surface.start, surface.minima[0]) > 2.0


def test_log_colours_are_chosen_for_a_huge_value_range():
    assert parse("(1 - x)**2 + 100*(y - x**2)**2").log_color
    assert not parse("x**2 + y**2").log_color


def test_a_custom_plot_window_is_used_and_a_bad_one_refused():
    surface = parse("(x - 8)**2 + y**2", domain=((5, 10), (-1, 1)))
    assert surface.domain == ((5.0, 10.0), (-1.0, 1.0))
    assert surface.minima[0] == pytest.approx((8.0, 0.0), abs=0.07)
    with pytest.raises(ExpressionError, match="min < max"):
        parse("x", domain=((1, 0), (0, 1)))


def test_start_avoids_points_where_the_formula_is_undefined():
    surface = parse("sqrt(x) + y**2")  # defined for x >= 0 only
    assert surface.start[0] >= 0 and np.isfinite(surface.value(*surface.start))


@pytest.mark.parametrize("text, latex", [
    ("x**2 + 3*y**2", r"x^{2} + 3\,y^{2}"),
    ("-(x + y)", r"-\left(x + y\right)"),
    ("x - (y - 1)", r"x - \left(y - 1\right)"),
    ("(x*y)**2", r"\left(x\,y\right)^{2}"),
    ("x / (1 + y)", r"\frac{x}{1 + y}"),
    ("sqrt(abs(x)) + sigmoid(y)", r"\sqrt{\left|x\right|} + \sigma\left(y\right)"),
    ("2*pi*sin(x)", r"2\,\pi\,\sin\left(x\right)"),
    ("1e-5*x", r"10^{-5}\,x"),
])
def test_latex_rendering(text, latex):
    assert parse(text).latex == latex
