"""Lessons on the backprop and gradient-health pages."""

from __future__ import annotations

from playground.lessons.lesson import Lesson

LESSONS: tuple[Lesson, ...] = ()
