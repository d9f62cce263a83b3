"""Symbolic differentiation of a formula tree: d/dx and d/dy are derived once, as trees."""

from __future__ import annotations

from collections.abc import Callable

from playground.surfaces.nodes import (
    ONE,
    ZERO,
    Binary,
    Call,
    Neg,
    Node,
    Num,
    Var,
    add,
    call,
    div,
    mul,
    neg,
    power,
    sub,
)

# d fn(a) / da, as a tree in a (the chain rule multiplies by da/dvar)
CHAIN: dict[str, Callable[[Node], Node]] = {
    "sin": lambda a: call("cos", a),
    "cos": lambda a: neg(call("sin", a)),
    "tan": lambda a: add(ONE, power(call("tan", a), Num(2.0))),
    "exp": lambda a: call("exp", a),
    "log": lambda a: div(ONE, a),
    "sqrt": lambda a: div(Num(0.5), call("sqrt", a)),
    "abs": lambda a: call("sign", a),
    "tanh": lambda a: sub(ONE, power(call("tanh", a), Num(2.0))),
    "sinh": lambda a: call("cosh", a),
    "cosh": lambda a: call("sinh", a),
    "sigmoid": lambda a: mul(call("sigmoid", a), sub(ONE, call("sigmoid", a))),
    "relu": lambda a: call("step", a),
    "softplus": lambda a: call("sigmoid", a),
    "sign": lambda a: ZERO,  # piecewise constant: zero almost everywhere
    "step": lambda a: ZERO,
}


def derivative(node: Node, var: str) -> Node:
    """d node / d var for a simplified tree (constants folded, so constant exponents are Num)."""
    match node:
        case Num():
            return ZERO
        case Var(name):
            return ONE if name == var else ZERO
        case Neg(arg):
            return neg(derivative(arg, var))
        case Call(fn, arg):
            return mul(CHAIN[fn](arg), derivative(arg, var))
        case Binary(op, a, b):
            da, db = derivative(a, var), derivative(b, var)
            if op in "+-":
                return add(da, db) if op == "+" else sub(da, db)
            if op == "*":
                return add(mul(da, b), mul(a, db))
            if op == "/":
                return div(sub(mul(da, b), mul(a, db)), power(b, Num(2.0)))
            if isinstance(b, Num):  # a^c: the power rule, defined for negative a too
                return mul(mul(b, power(a, Num(b.value - 1))), da)
            return mul(node, add(mul(db, call("log", a)), div(mul(b, da), a)))  # a^b = e^(b log a)
    raise TypeError(f"not a formula node: {node!r}")
