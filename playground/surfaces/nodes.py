"""The formula tree: a few small node types, the whitelisted functions, and simplifying builders.

A parsed formula is nothing but these nodes; nothing in it can name a Python object. The
builders (:func:`add`, :func:`mul`, ...) fold constants and drop trivial terms (``0*a``, ``1*a``,
``a+0``) so that symbolic derivatives stay small.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Num:
    value: float
    name: str = ""  # "pi" or "e" when typed by name, so LaTeX can show the symbol


@dataclass(frozen=True)
class Var:
    name: str  # "x" or "y"


@dataclass(frozen=True)
class Neg:
    arg: Node


@dataclass(frozen=True)
class Binary:
    op: str  # one of + - * / ^
    left: Node
    right: Node


@dataclass(frozen=True)
class Call:
    fn: str  # a key of FUNCTIONS
    arg: Node


Node = Num | Var | Neg | Binary | Call

CONSTANTS = {"pi": math.pi, "e": math.e}

BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "/": lambda a, b: a / b, "^": lambda a, b: a**b,
}


def _relu(xp: ModuleType, a: Any) -> Any:
    return (a + xp.abs(a)) / 2  # max(a, 0) in one expression that numpy and torch both accept


def _sigmoid(xp: ModuleType, a: Any) -> Any:
    return 1 / (1 + xp.exp(-a))


# name -> elementwise implementation against the array module xp (numpy or torch)
FUNCTIONS: dict[str, Callable[[ModuleType, Any], Any]] = {
    "sin": lambda xp, a: xp.sin(a), "cos": lambda xp, a: xp.cos(a), "tan": lambda xp, a: xp.tan(a),
    "exp": lambda xp, a: xp.exp(a), "log": lambda xp, a: xp.log(a), "sqrt": lambda xp, a: xp.sqrt(a),
    "abs": lambda xp, a: xp.abs(a), "tanh": lambda xp, a: xp.tanh(a), "sinh": lambda xp, a: xp.sinh(a),
    "cosh": lambda xp, a: xp.cosh(a), "sigmoid": _sigmoid, "relu": _relu,
    "softplus": lambda xp, a: xp.log1p(xp.exp(-xp.abs(a))) + _relu(xp, a),  # log(1 + e^a), overflow-safe
    # Only derivatives produce these two (of abs and relu); a typed formula cannot name them.
    "sign": lambda xp, a: xp.sign(a), "step": lambda xp, a: (1 + xp.sign(a)) / 2,
}
TYPED_FUNCTIONS = tuple(name for name in FUNCTIONS if name not in ("sign", "step"))

ZERO, ONE = Num(0.0), Num(1.0)


def _fold(fn: Callable[..., Any], *values: float) -> Num:
    with np.errstate(all="ignore"):  # 1/0 -> inf, log(-1) -> nan: judged later on the plot grid
        return Num(float(fn(*(np.float64(v) for v in values))))


def neg(a: Node) -> Node:
    if isinstance(a, Num):
        return Num(-a.value) if a != ZERO else ZERO
    return a.arg if isinstance(a, Neg) else Neg(a)


def add(a: Node, b: Node) -> Node:
    if isinstance(a, Num) and isinstance(b, Num):
        return _fold(BINARY["+"], a.value, b.value)
    if a == ZERO:
        return b
    if b == ZERO:
        return a
    if isinstance(b, Neg):  # a + (-b) = a - b, one operation fewer
        return sub(a, b.arg)
    return sub(b, a.arg) if isinstance(a, Neg) else Binary("+", a, b)


def sub(a: Node, b: Node) -> Node:
    if isinstance(a, Num) and isinstance(b, Num):
        return _fold(BINARY["-"], a.value, b.value)
    if a == ZERO:
        return neg(b)
    if b == ZERO:
        return a
    return add(a, b.arg) if isinstance(b, Neg) else Binary("-", a, b)


def mul(a: Node, b: Node) -> Node:
    if isinstance(a, Num) and isinstance(b, Num):
        return _fold(BINARY["*"], a.value, b.value)
    if isinstance(b, Num):  # constants go first, so that 2 * (3 * a) can fold to 6 * a
        a, b = b, a
    if isinstance(a, Num):
        if a.value in (0.0, 1.0, -1.0):
            return {0.0: ZERO, 1.0: b, -1.0: neg(b)}[a.value]
        if isinstance(b, Neg):
            return mul(Num(-a.value), b.arg)
        if isinstance(b, Binary) and b.op == "*" and isinstance(b.left, Num):
            return mul(_fold(BINARY["*"], a.value, b.left.value), b.right)
    if isinstance(a, Neg) or isinstance(b, Neg):  # pull signs out: (-a) * b = -(a * b)
        return neg(mul(a.arg if isinstance(a, Neg) else a, b.arg if isinstance(b, Neg) else b))
    for scaled, other in ((a, b), (b, a)):  # pull constant factors out: (2 a) b = 2 (a b)
        if isinstance(scaled, Binary) and scaled.op == "*" and isinstance(scaled.left, Num):
            return mul(scaled.left, mul(scaled.right, other))
    return Binary("*", a, b)


def div(a: Node, b: Node) -> Node:
    if isinstance(a, Num) and isinstance(b, Num):
        return _fold(BINARY["/"], a.value, b.value)
    if a == ZERO:
        return ZERO
    if isinstance(b, Num) and b != ZERO:  # a / c = (1/c) a, so the constant can fold with others
        return mul(_fold(BINARY["/"], 1.0, b.value), a)
    return Binary("/", a, b)


def power(a: Node, b: Node) -> Node:
    if isinstance(a, Num) and isinstance(b, Num):
        return _fold(BINARY["^"], a.value, b.value)
    if b == ZERO:
        return ONE
    return a if b == ONE else Binary("^", a, b)


def call(fn: str, a: Node) -> Node:
    if isinstance(a, Num):
        return _fold(lambda v: FUNCTIONS[fn](np, v), a.value)
    return Call(fn, a)


BUILDERS: dict[str, Callable[[Node, Node], Node]] = {"+": add, "-": sub, "*": mul, "/": div, "^": power}


def simplify(node: Node) -> Node:
    """The same formula rebuilt through the builders: constants folded, trivial terms dropped."""
    match node:
        case Num(value):
            return Num(value)
        case Neg(arg):
            return neg(simplify(arg))
        case Binary(op, left, right):
            return BUILDERS[op](simplify(left), simplify(right))
        case Call(fn, arg):
            return call(fn, simplify(arg))
    return node
