"""LaTeX for a formula tree, with only the parentheses the precedence rules need."""

from __future__ import annotations

from playground.surfaces.nodes import Binary, Call, Neg, Node, Num, Var

# binding strength: sums < products < unary minus < powers < atoms (numbers, names, calls, fractions)
SUM, PRODUCT, UNARY, POWER, ATOM = range(1, 6)

_CALL = {
    "sqrt": r"\sqrt{%s}", "abs": r"\left|%s\right|", "sigmoid": r"\sigma\left(%s\right)",
    "relu": r"\operatorname{relu}\left(%s\right)", "softplus": r"\operatorname{softplus}\left(%s\right)",
    "sign": r"\operatorname{sign}\left(%s\right)", "step": r"\operatorname{step}\left(%s\right)",
}


def to_latex(node: Node) -> str:
    return _render(node)[0]


def _number(node: Num) -> tuple[str, int]:
    """A number and how strongly it binds: 1e-5 is written as the power 10^{-5} and 2.5e-5 as a
    product, so as the base of a power each needs its parentheses ((10^{6})^{10}, not the
    double superscript 10^{6}^{10} that KaTeX refuses)."""
    if node.name:
        return r"\pi" if node.name == "pi" else node.name, ATOM
    text, strength = f"{node.value:g}", ATOM
    if "e" in text:
        mantissa, exponent = text.split("e")
        power = f"10^{{{int(exponent)}}}"
        text, strength = (power, POWER) if mantissa == "1" else (rf"{mantissa} \times {power}", PRODUCT)
    return text, strength if node.value >= 0 else UNARY


def _wrap(text: str, wrapped: bool) -> str:
    return rf"\left({text}\right)" if wrapped else text


def _render(node: Node) -> tuple[str, int]:
    match node:
        case Num():
            return _number(node)
        case Var(name):
            return name, ATOM
        case Call(fn, arg):
            template = _CALL.get(fn, rf"\{fn}\left(%s\right)")
            return template % _render(arg)[0], ATOM
        case Neg(arg):
            text, strength = _render(arg)
            return "-" + _wrap(text, strength < PRODUCT), UNARY
        case Binary("/", top, bottom):
            return rf"\frac{{{_render(top)[0]}}}{{{_render(bottom)[0]}}}", ATOM
        case Binary("^", base, exponent):
            text, strength = _render(base)
            return f"{_wrap(text, strength < ATOM)}^{{{_render(exponent)[0]}}}", POWER
        case Binary(op, left, right):
            strength = SUM if op in "+-" else PRODUCT
            left_text, left_strength = _render(left)
            right_text, right_strength = _render(right)
            # a - (b + c) and a * (-b) keep their parentheses; a + b + c needs none
            right_wrapped = right_strength < strength or right_strength == UNARY or (
                op == "-" and right_strength == SUM)
            left_text = _wrap(left_text, left_strength < strength)
            right_text = _wrap(right_text, right_wrapped)
            joiner = {"+": " + ", "-": " - "}.get(op, r" \cdot " if right_text[0].isdigit() else r"\,")
            return left_text + joiner + right_text, strength
    raise TypeError(f"not a formula node: {node!r}")
