"""A safe parser for typed formulas in x and y, turning them into :class:`Surface` objects.

The text never reaches eval/exec/compile: a recursive-descent parser builds a tree of the
whitelisted nodes in :mod:`nodes`, the gradient is derived symbolically from that tree, and both
are evaluated with numpy (or torch, in tests). Grammar, loosest binding first::

    sum     := product (("+" | "-") product)*
    product := unary (("*" | "/") unary)*
    unary   := ("+" | "-") unary | power
    power   := atom (("**" | "^") unary)?        # right-associative; -x**2 is -(x**2)
    atom    := number | x | y | pi | e | function "(" sum ")" | "(" sum ")"
"""

from __future__ import annotations

import math

import numpy as np

from playground.surfaces.derivative import derivative
from playground.surfaces.latex import to_latex
from playground.surfaces.nodes import CONSTANTS, Binary, Call, Neg, Node, Num, Var, simplify
from playground.surfaces.program import compile_trees
from playground.surfaces.surface import Domain, Surface
from playground.surfaces.tokens import ExpressionError, Token, tokenize

MAX_LENGTH, MAX_DEPTH, MAX_EXPONENT = 200, 30, 10.0
DEFAULT_DOMAIN: Domain = ((-3.0, 3.0), (-3.0, 3.0))
_STARTS_ATOM = ("number", "var", "const", "function")


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens, self.index, self.depth = tokens, 0, 0

    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        self.index += 1
        return self.tokens[self.index - 1]

    def nested(self, position: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError("formula.too_deep", depth=MAX_DEPTH, position=position)

    def expect_end_of(self, closer: str, opener: Token | None) -> None:
        """After a complete sub-formula the next token must close it: say precisely why it does not."""
        token = self.token
        if (token.text == closer) if closer else (token.kind == "end"):
            return
        before = self.tokens[self.index - 1]
        if token.kind in _STARTS_ATOM or token.text == "(":
            raise ExpressionError("formula.missing_operator", before=before.text, after=token.text,
                                  position=token.position)
        if token.kind == "end":
            assert opener is not None, "at the end only a ')' can be missing, and it closes an opener"
            raise ExpressionError("formula.missing_close", position=opener.position)
        if token.text == ",":
            raise ExpressionError("formula.comma", position=token.position)
        if token.text == ")":
            raise ExpressionError("formula.unopened", position=token.position)
        raise ExpressionError("formula.expected_operator", token=token.text, position=token.position)

    def formula(self) -> Node:
        node = self.sum()
        self.expect_end_of("", None)
        return node

    def sum(self) -> Node:
        node = self.product()
        while self.token.text in ("+", "-"):
            node = Binary(self.advance().text, node, self.product())
        return node

    def product(self) -> Node:
        node = self.unary()
        while self.token.text in ("*", "/"):
            node = Binary(self.advance().text, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.token.text not in ("+", "-"):
            return self.power()
        sign = self.advance()
        self.nested(sign.position)
        operand = self.unary()
        self.depth -= 1
        return operand if sign.text == "+" else Neg(operand)

    def power(self) -> Node:
        base = self.atom()
        if self.token.text not in ("**", "^"):
            return base
        self.nested(self.advance().position)
        start = self.token.position
        exponent = self.unary()
        self.depth -= 1
        folded = simplify(exponent)
        if isinstance(folded, Num) and not math.isfinite(folded.value):
            raise ExpressionError("formula.exponent_not_finite", position=start)
        if isinstance(folded, Num) and not abs(folded.value) <= MAX_EXPONENT:
            raise ExpressionError("formula.exponent_too_large", position=start, limit=f"{MAX_EXPONENT:g}")
        return Binary("^", base, exponent)

    def atom(self) -> Node:
        token = self.advance()
        if token.kind == "number":
            return Num(float(token.text))
        if token.kind == "var":
            return Var(token.text)
        if token.kind == "const":
            return Num(CONSTANTS[token.text], token.text)
        if token.kind == "function":
            return Call(token.text, self.call_argument(token))
        if token.text == "(":
            self.nested(token.position)
            node = self.sum()
            self.expect_end_of(")", token)
            self.advance()
            self.depth -= 1
            return node
        if token.kind == "end":
            if self.index > 1:
                raise ExpressionError("formula.ends_after", after=self.tokens[self.index - 2].text,
                                      position=token.position)
            raise ExpressionError("formula.ends", position=token.position)
        raise ExpressionError("formula.expected_atom", token=token.text, position=token.position)

    def call_argument(self, function: Token) -> Node:
        opener = self.advance()
        if opener.text != "(":
            raise ExpressionError("formula.needs_parentheses", function=function.text,
                                  position=function.position)
        if self.token.text == ")":
            raise ExpressionError("formula.needs_argument", function=function.text,
                                  position=function.position)
        self.nested(opener.position)
        argument = self.sum()
        self.expect_end_of(")", opener)
        self.advance()
        self.depth -= 1
        return argument


def parse_tree(text: str) -> Node:
    """The formula's tree exactly as typed (no simplification), or an :class:`ExpressionError`."""
    if not isinstance(text, str):
        raise ExpressionError("formula.not_text", kind=type(text).__name__)
    if len(text) > MAX_LENGTH:
        raise ExpressionError("formula.too_long", limit=MAX_LENGTH, length=len(text))
    if not text.strip():
        raise ExpressionError("formula.empty")
    return _Parser(tokenize(text)).formula()


def parse(text: str, domain: Domain = DEFAULT_DOMAIN) -> Surface:
    """A :class:`Surface` for a typed formula in x and y, plotted over ``domain``.

    Its minimum is the best point of a coarse grid over the domain, its start a point well away
    from it, and its contour colours go log-scaled when the values span orders of magnitude.
    """
    (x_lo, x_hi), (y_lo, y_hi) = domain
    if not (all(map(math.isfinite, (x_lo, x_hi, y_lo, y_hi))) and x_lo < x_hi and y_lo < y_hi):
        raise ExpressionError("formula.bad_window", window=str(domain))
    tree = parse_tree(text)
    f = simplify(tree)
    value = compile_trees([f])
    gradient = compile_trees([derivative(f, "x"), derivative(f, "y")])
    gx, gy = np.meshgrid(np.linspace(x_lo, x_hi, 81), np.linspace(y_lo, y_hi, 81))
    with np.errstate(all="ignore"):
        z = np.broadcast_to(value(np, gx, gy)[0], gx.shape)
        slope = np.add(*(np.broadcast_to(g, gx.shape) for g in gradient(np, gx, gy)))
    usable = np.isfinite(z) & np.isfinite(slope)
    if not usable.any():
        raise ExpressionError("formula.nowhere_finite", x_lo=f"{x_lo:g}", x_hi=f"{x_hi:g}", y_lo=f"{y_lo:g}",
                              y_hi=f"{y_hi:g}")
    best = np.argmin(np.where(usable, z, np.inf))
    minimum = (float(gx.flat[best]), float(gy.flat[best]))
    return Surface(
        name="custom", title=text.strip(), latex=to_latex(tree),
        f=lambda xp, x, y: value(xp, x, y)[0], df=lambda x, y: gradient(np, x, y),
        domain=((float(x_lo), float(x_hi)), (float(y_lo), float(y_hi))), minima=(minimum,),
        start=_start(gx, gy, usable, minimum, domain), lrs={}, log_color=_spans_decades(z[usable]))


def _start(gx: np.ndarray, gy: np.ndarray, usable: np.ndarray, minimum: tuple[float, float],
           domain: Domain) -> tuple[float, float]:
    """The usable grid point nearest to three quarters of the way from the minimum to the farthest
    corner: far enough for a race, inside the window, and somewhere f and its gradient are finite."""
    corners = [(x, y) for x in domain[0] for y in domain[1]]
    far = max(corners, key=lambda c: math.dist(c, minimum))
    tx, ty = (m + 0.75 * (c - m) for m, c in zip(minimum, far, strict=True))
    distance = np.where(usable, np.hypot(gx - tx, gy - ty), np.inf)
    nearest = np.argmin(distance)
    return float(gx.flat[nearest]), float(gy.flat[nearest])


def _spans_decades(z: np.ndarray) -> bool:
    """Log colours when most of the window is crushed near the bottom of the colour range:
    the tenth percentile of f - min f sits below 1/100 of its full range."""
    above = z - z.min()
    tenth = len(above) // 10
    return bool(above.max() > 100 * np.partition(above, tenth)[tenth])
