"""The Training runs page's note on data-parallel training: the identity it rests on, and how to start it."""

from __future__ import annotations

from playground.i18n import catalogue
from tests.ui.helpers import open_page

EN, ZH = catalogue("en"), catalogue("zh")


def _note(at, title: str):
    (note,) = [e for e in at.expander if e.label == title]
    return note


def test_the_note_states_the_averaging_identity_and_the_command():
    at = open_page("runs")
    note = _note(at, EN["runs_parallel.title"])
    (identity,) = note.latex
    assert r"\frac{1}{B}\sum_{i=1}^{B}" in identity.value and r"\frac{1}{N}\sum_{k=1}^{N}" in identity.value
    (command,) = note.code
    assert "--nproc 2" in command.value and "--batch-size 100" in command.value  # 100 splits in two
    assert "DistributedDataParallel" in note.markdown[1].value


def test_the_note_reads_in_chinese():
    at = open_page("runs", lang="zh")
    note = _note(at, ZH["runs_parallel.title"])
    assert note.markdown[0].value == ZH["runs_parallel.why"]
    assert note.caption[0].value == ZH["runs_parallel.caveats"]
