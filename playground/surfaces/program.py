"""Formula trees compiled to a straight-line program, so evaluating them is a short loop of numpy ops.

Derivative trees repeat subexpressions (the product rule copies its factors), so identical
subtrees get one slot and are computed once per call: df/dx and df/dy share their work.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from playground.surfaces.nodes import BINARY, FUNCTIONS, Binary, Call, Neg, Node, Num, Var

Step = tuple[Callable[..., Any], tuple[int, ...]]


@dataclass(frozen=True)
class Program:
    steps: tuple[Step, ...]  # step i computes slot i + 2 from earlier slots (slots 0, 1 are x, y)
    outputs: tuple[int, ...]

    def __call__(self, xp: ModuleType, x: Any, y: Any) -> tuple[Any, ...]:
        slots = [x, y]
        for op, args in self.steps:
            slots.append(op(xp, *[slots[i] for i in args]))
        return tuple(slots[i] for i in self.outputs)


def _constant(value: float) -> Callable[..., float]:
    return lambda xp: value


def _negate(xp: ModuleType, a: Any) -> Any:
    return -a


def _binary(op: str) -> Callable[..., Any]:
    fn = BINARY[op]
    return lambda xp, a, b: fn(a, b)


def _integer_power(n: int) -> Callable[..., Any]:
    """a**n by repeated multiplication: numpy's pow is ~10x slower than a few multiplies."""
    def power(xp: ModuleType, a: Any) -> Any:
        result = a
        for _ in range(n - 1):
            result = result * a
        return result

    return power


_OPS: dict[str, Callable[..., Any]] = {"neg": _negate, **{op: _binary(op) for op in BINARY}, **FUNCTIONS}


def compile_trees(roots: Sequence[Node]) -> Program:
    """One program computing every root; shared and structurally equal subtrees are computed once."""
    steps: list[Step] = []
    slot_of_key: dict[tuple, int] = {("var", "x"): 0, ("var", "y"): 1}
    slot_of_id: dict[int, int] = {}  # derivative trees share node objects: visit each object once

    def emit(key: tuple, op: Callable[..., Any], args: tuple[int, ...]) -> int:
        if key not in slot_of_key:
            steps.append((op, args))
            slot_of_key[key] = len(steps) + 1
        return slot_of_key[key]

    def visit(node: Node) -> int:
        if id(node) not in slot_of_id:
            match node:
                case Var(name):
                    index = slot_of_key[("var", name)]
                case Num(value):
                    index = emit(("num", repr(value)), _constant(value), ())  # repr keeps -0.0 apart
                case Neg(arg):
                    args: tuple[int, ...] = (visit(arg),)
                    index = emit(("neg", *args), _OPS["neg"], args)
                case Binary("^", left, Num(value)) if value.is_integer() and 3 <= value <= 10:
                    args = (visit(left),)
                    index = emit(("^", int(value), *args), _integer_power(int(value)), args)
                case Binary(op, left, right):
                    args = (visit(left), visit(right))
                    index = emit((op, *args), _OPS[op], args)
                case Call(fn, arg):
                    args = (visit(arg),)
                    index = emit((fn, *args), _OPS[fn], args)
            slot_of_id[id(node)] = index
        return slot_of_id[id(node)]

    outputs = tuple(visit(root) for root in roots)
    return Program(tuple(steps), outputs)
