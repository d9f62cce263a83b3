"""Split a typed formula into tokens, rejecting anything outside a tiny ASCII vocabulary."""

from __future__ import annotations

import re
from dataclasses import dataclass

from playground.i18n import SaidError, said
from playground.surfaces.nodes import CONSTANTS, TYPED_FUNCTIONS

MAX_NUMBER = 1e6


class ExpressionError(SaidError):
    """A formula that cannot become a surface; it says what is wrong and where (``formula.*`` keys)."""


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

_HINTS = {  # what to say of a character outside the vocabulary
    "=": said("formula.hints.assignment"), "<": said("formula.hints.comparison"),
    ">": said("formula.hints.comparison"), "!": said("formula.hints.comparison"),
    ".": said("formula.hints.attribute"), "'": said("formula.hints.quotes"),
    '"': said("formula.hints.quotes"), "[": said("formula.hints.indexing"),
    "%": said("formula.hints.operators"), "@": said("formula.hints.operators"),
    ";": said("formula.hints.single"), "\n": said("formula.hints.one_line"),
    "\r": said("formula.hints.one_line"),
}


def _name_kind(name: str, position: int) -> str:
    if name in ("x", "y"):
        return "var"
    if name in CONSTANTS:
        return "const"
    if name in TYPED_FUNCTIONS:
        return "function"
    known, functions = ("x", "y", *CONSTANTS, *TYPED_FUNCTIONS), ", ".join(TYPED_FUNCTIONS)
    if name.lower() in known:
        raise ExpressionError("formula.unknown_name_like", name=name, position=position, like=name.lower(),
                              functions=functions)
    raise ExpressionError("formula.unknown_name", name=name, position=position, functions=functions)


def _check_decimal(text: str, start: int, end: int) -> None:
    """A number must be plain decimal: name Python's hex/octal/binary prefixes and digit
    separators instead of reporting the letters after them as an unknown name."""
    prefixed = _PREFIXED.match(text, start)
    if prefixed:
        raise ExpressionError("formula.prefixed", number=prefixed.group(), position=start + 1)
    if text.startswith("_", end):
        match = _GLUED.match(text, start)
        assert match is not None, "the pattern also matches the empty string"
        glued = match.group()
        raise ExpressionError("formula.underscores", number=glued, position=start + 1,
                              plain=glued.replace("_", ""))


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text`` followed by an "end" token."""
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            char = text[position]
            shown = repr(char) if char.isprintable() and char.isascii() else f"{char!r} (U+{ord(char):04X})"
            fallback = said("formula.hints.allowed") if char.isascii() else said("formula.hints.ascii")
            raise ExpressionError("formula.unexpected_character", shown=shown, position=position + 1,
                                  hint=_HINTS.get(char, fallback))
        kind, lexeme = match.lastgroup, match.group()
        assert kind is not None, "every alternative of the pattern is a named group"
        if kind == "number":
            _check_decimal(text, position, match.end())
            if not float(lexeme) <= MAX_NUMBER:
                raise ExpressionError("formula.too_large", number=lexeme, position=position + 1,
                                      limit=f"{MAX_NUMBER:g}")
        if kind == "name":
            kind = _name_kind(lexeme, position + 1)
        if kind != "space":
            tokens.append(Token(kind, lexeme, position + 1))
        position = match.end()
    tokens.append(Token("end", "", len(text) + 1))
    return tokens
