"""Split a typed formula into tokens, rejecting anything outside a tiny ASCII vocabulary."""

from __future__ import annotations

import re
from dataclasses import dataclass

from playground.surfaces.nodes import CONSTANTS, TYPED_FUNCTIONS

MAX_NUMBER = 1e6


class ExpressionError(ValueError):
    """A formula that cannot become a surface; the message says what is wrong and where."""


@dataclass(frozen=True)
class Token:
    kind: str  # "number", "var", "const", "function", "op" or "end"
    text: str
    position: int  # 1-based character position, as the user counts


_TOKEN = re.compile(r"""
    (?P<space>[ \t]+)
  | (?P<number>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
  | (?P<name>[A-Za-z_][A-Za-z_0-9]*)
  | (?P<op>\*\*|[-+*/^(),])
""", re.VERBOSE)
_PREFIXED = re.compile(r"0[xXoObB][0-9A-Fa-f_]+")  # 0x10, 0o17, 0b101: Python's non-decimal literals
_GLUED = re.compile(r"[0-9A-Za-z_.]*")  # a number with letters, digits or underscores stuck to it

_HINTS = {
    "=": "comparisons and assignments are not supported", "<": "comparisons are not supported",
    ">": "comparisons are not supported", "!": "comparisons are not supported",
    ".": "attribute access is not supported", "'": "text in quotes is not supported",
    '"': "text in quotes is not supported", "[": "lists and indexing are not supported",
    "%": "use only + - * / and ** (or ^)", "@": "use only + - * / and ** (or ^)",
    ";": "write a single formula", "\n": "write the formula on one line",
    "\r": "write the formula on one line",
}


def _name_kind(name: str, position: int) -> str:
    if name in ("x", "y"):
        return "var"
    if name in CONSTANTS:
        return "const"
    if name in TYPED_FUNCTIONS:
        return "function"
    known = ("x", "y", *CONSTANTS, *TYPED_FUNCTIONS)
    hint = f"did you mean '{name.lower()}'? " if name.lower() in known else ""
    raise ExpressionError(f"unknown name '{name}' at position {position}; {hint}"
                          f"use x, y, pi, e or a function: {', '.join(TYPED_FUNCTIONS)}")


def _check_decimal(text: str, start: int, end: int) -> None:
    """A number must be plain decimal: name Python's hex/octal/binary prefixes and digit
    separators instead of reporting the letters after them as an unknown name."""
    prefixed = _PREFIXED.match(text, start)
    if prefixed:
        raise ExpressionError(f"'{prefixed.group()}' at position {start + 1}: write numbers in decimal "
                              "(no 0x, 0o or 0b prefixes)")
    if text.startswith("_", end):
        match = _GLUED.match(text, start)
        assert match is not None, "the pattern also matches the empty string"
        glued = match.group()
        raise ExpressionError(f"'{glued}' at position {start + 1}: write numbers without underscores, "
                              f"e.g. {glued.replace('_', '')}")


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text`` followed by an "end" token."""
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            char = text[position]
            shown = repr(char) if char.isprintable() and char.isascii() else f"{char!r} (U+{ord(char):04X})"
            fallback = ("the allowed operators are + - * / ** ^ ( )" if char.isascii() else
                        "formulas use plain ASCII letters, digits and operators (no look-alike symbols)")
            hint = _HINTS.get(char, fallback)
            raise ExpressionError(f"unexpected character {shown} at position {position + 1}: {hint}")
        kind, lexeme = match.lastgroup, match.group()
        assert kind is not None, "every alternative of the pattern is a named group"
        if kind == "number":
            _check_decimal(text, position, match.end())
            if not float(lexeme) <= MAX_NUMBER:
                raise ExpressionError(f"number {lexeme} at position {position + 1} is too large "
                                      "(numbers must be at most 1e6)")
        if kind == "name":
            kind = _name_kind(lexeme, position + 1)
        if kind != "space":
            tokens.append(Token(kind, lexeme, position + 1))
        position = match.end()
    tokens.append(Token("end", "", len(text) + 1))
    return tokens
