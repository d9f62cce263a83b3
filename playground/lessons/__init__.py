"""Guided lessons: short predict-then-run sequences on the app's real pages.

A lesson is 3–6 :class:`Step` s. A step sets its page up with the link the page itself writes
(``page`` and ``query``), asks a multiple-choice question before the page runs, then reveals what
happened from the numbers the page computed: the page hands its own results to ``facts``, and
``answer`` reads the right choice off those facts. Nothing a step claims is typed: its texts
(in the catalogues under ``lessons.<lesson>.<n>``: ``ask``, the choices ``a``, ``b``, ``c`` …,
``reveal`` and ``notice``) are templates filled from the facts, and ``expect`` is the choice the
texts are written around, which the tests check the page's numbers still give.

    from playground.lessons import LESSONS
    step = LESSONS["ravine"].steps[0]
    step.page, step.query        # ('race', {'surface': 'ravine', 'methods': 'SGD,Momentum'})
"""

from __future__ import annotations

from playground.lessons import gradients, lab, race
from playground.lessons.lesson import Facts, Lesson, Step

LESSONS: dict[str, Lesson] = {lesson.key: lesson
                               for lesson in (*race.LESSONS, *lab.LESSONS, *gradients.LESSONS)}

__all__ = ["LESSONS", "Lesson", "Step", "Facts"]
