"""The catalogues, and what the pure modules say to a person: a key and its values, not English.

There is one TOML catalogue per language beside this module (``en.toml``, ``zh.toml``): tables
of keys (``[home]`` then ``title = "…"`` is the key ``home.title``), the same keys in both, with
``{name}`` fields. Formulas and code read the same in both.

A pure module that explains something to a person (a fault in a typed formula or an uploaded CSV
file, why a planted bug passes the gradient check, a budget's refusal) does not write a finished
English sentence: it returns or raises a :class:`Said`, a catalogue key with the values of its
fields. ``str()`` of it is the English text, for the CLI, a notebook and the logs; the app says
it in the page's language (``playground.ui.i18n.say``). A field's value may be a Said itself.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LANGUAGES = {"en": "English", "zh": "中文"}
DEFAULT = "en"


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    """Every key of ``lang``'s catalogue with its text."""
    with open(Path(__file__).parent / f"{lang}.toml", "rb") as file:
        return dict(_flat(tomllib.load(file)))


def _flat(table: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    for name, value in table.items():
        key = f"{prefix}{name}"
        items += _flat(value, f"{key}.") if isinstance(value, dict) else [(key, str(value))]
    return items


@dataclass(frozen=True)
class Said:
    """A sentence as its catalogue ``key`` and the values of its ``{fields}``."""

    key: str
    fields: Mapping[str, Any] = field(default_factory=dict)

    def text(self, lang: str = DEFAULT) -> str:
        values = {name: value.text(lang) if isinstance(value, Said) else value
                  for name, value in self.fields.items()}
        return catalogue(lang)[self.key].format(**values)

    def __str__(self) -> str:
        return self.text()


def said(key: str, **fields: Any) -> Said:
    """``Said(key, fields)`` written as a call, the fields as keywords."""
    return Said(key, fields)


class SaidError(ValueError):
    """A mistake a person made (a formula, a file), said by key: ``str()`` is the English text,
    ``.said`` the key and values a page translates."""

    def __init__(self, key: str, **fields: Any) -> None:
        self.said = Said(key, fields)
        super().__init__(str(self.said))

    def __reduce__(self) -> tuple[Any, ...]:
        # rebuilt from the key and its values: by default an exception pickles its English text as
        # its one argument, and a worker process or a Ray task hands its errors back pickled
        return _rebuilt, (type(self), self.said.key, dict(self.said.fields))


class SettingsError(SaidError):
    """Settings a person chose that cannot build or train a network (the lab's, a training run's)."""


def _rebuilt(kind: type[SaidError], key: str, fields: dict[str, Any]) -> SaidError:
    return kind(key, **fields)
