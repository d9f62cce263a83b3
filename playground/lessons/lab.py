"""Lessons on the regularization lab page."""

from __future__ import annotations

from playground.lessons.lesson import Lesson

LESSONS: tuple[Lesson, ...] = ()
