"""A lesson and its steps (see :mod:`playground.lessons`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Facts = dict[str, Any]


@dataclass(frozen=True)
class Step:
    page: str                                  # a key of playground.ui.pages.PAGES
    query: Mapping[str, str]                   # the page's settings, as the page writes them in its link
    facts: Callable[..., Facts]                # the page's results -> the named numbers the texts use
    answer: Callable[[Facts], int]             # the right choice (0 = a), read off the facts
    expect: int                                # the choice the texts are written around
    choices: int = 3

    def __post_init__(self) -> None:
        if not 2 <= self.choices <= 4 or not 0 <= self.expect < self.choices:
            raise ValueError(f"a step has 2 to 4 choices and expects one of them, not {self.expect} of "
                             f"{self.choices}")


@dataclass(frozen=True)
class Lesson:
    key: str                                   # its key in LESSONS, its links and the catalogues
    steps: tuple[Step, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not 3 <= len(self.steps) <= 6:
            raise ValueError(f"lesson {self.key!r} has {len(self.steps)} steps; a lesson has 3 to 6")

