"""Classroom links: an instructor locks and hides settings; students see locked values but cannot
change them from the page or the link, and a link edited by hand opens at the defaults."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from playground.ui.classroom import Classroom, classroom_link, read
from playground.ui.i18n import catalogue
from tests.ui.helpers import open_page

EN = catalogue("en")
SET_UP = {"surface": "himmelblau", "steps": "200", "noise": "0.5", "v": "2"}


def _link(**changes: str) -> dict[str, str]:
    return {**classroom_link("race", SET_UP, locked={"surface", "steps"}, hidden={"noise"}), **changes}


def test_a_signed_link_reads_back_its_locks_and_any_edit_voids_it():
    link = _link()
    assert link["lock"] == "noise,steps,surface" and link["hide"] == "noise"  # hidden is locked too
    locks = Classroom(frozenset({"surface", "steps", "noise"}), frozenset({"noise"}))
    assert read("race", link) == (locks, False)
    assert read("race", {**link, "x": "1.5", "lang": "zh"})[1] is False  # a free setting is free
    for edited in ({"steps": "5000"}, {"lock": "surface"}, {"hide": ""}, {"sig": "0" * 24}):
        assert read("race", {**link, **edited}) == (None, True), edited
    assert read("lab", link) == (None, True)  # signed for another page
    assert read("race", {k: v for k, v in link.items() if k != "steps"}) == (None, True)
    assert read("race", SET_UP) == (None, False)  # a plain link
    assert classroom_link("race", SET_UP, locked=()) == SET_UP


def test_locked_settings_show_their_value_greyed_out_and_hidden_ones_are_not_drawn():
    at = open_page("race", **_link())
    assert not at.exception
    steps = next(n for n in at.sidebar.number_input if n.key == "race.steps")
    assert steps.value == 200 and steps.disabled and steps.help == EN["classroom.locked"]
    assert not [n for n in at.sidebar.number_input if n.key == "race.noise"]
    assert not next(n for n in at.sidebar.number_input if n.key == "race.x").disabled  # free
    written = {name: at.query_params[name] for name in at.query_params}
    assert written == _link()  # the link keeps its locks and signature
    at.session_state["race.steps"] = 50  # a value forced past the greyed-out widget
    at.run()
    assert next(n for n in at.sidebar.number_input if n.key == "race.steps").value == 200
    assert at.query_params["steps"] == "200"


def test_a_free_setting_changes_and_the_link_stays_signed():
    at = open_page("race", **_link())
    next(n for n in at.sidebar.number_input if n.key == "race.x").set_value(1.5).run()
    written = {name: at.query_params[name] for name in at.query_params}
    assert written["x"] == "1.5" and read("race", written)[0] is not None


@pytest.mark.parametrize("edit", [{"steps": "5000"}, {"lock": "surface"}, {"sig": "forged"}])
def test_a_link_edited_by_hand_opens_at_the_defaults_and_says_why(edit):
    at = open_page("race", **_link(**edit))
    assert not at.exception
    assert EN["classroom.altered"] in [w.value for w in at.warning]
    assert next(n for n in at.sidebar.number_input if n.key == "race.steps").value == 300  # the default
    assert not any(n.disabled for n in at.sidebar.number_input)
    assert not {"lock", "hide", "sig"} & set(at.query_params)


def _built(at) -> dict[str, str]:
    (address,) = [c.value for c in at.code if c.value.startswith("http")]
    return dict(parse_qsl(urlsplit(address).query))


def test_the_builder_locks_all_but_what_students_may_change():
    at = open_page("race", surface="himmelblau", steps="200", classroom="build")
    assert not at.exception
    free = next(m for m in at.multiselect if m.key == "_classroom.free")
    assert {"Steps · steps", "Loss surface · surface"} <= set(free.options)
    link = _built(at)  # nothing ticked: every setting drawn is locked
    assert {"surface", "steps", "methods", "x", "noise"} <= set(link["lock"].split(","))
    assert link["surface"] == "himmelblau" and read("race", link)[0] is not None
    assert "classroom" not in at.query_params  # the builder opens once
    at.session_state["_classroom.free"] = ["steps"]  # (AppTest cannot rerun a dialog on its own)
    at.session_state["_classroom.hidden"] = ["noise"]
    at.query_params["classroom"] = "build"
    at.run()
    link = _built(at)
    assert "steps" not in link["lock"].split(",") and link["hide"] == "noise"
    locks = read("race", link)[0]
    assert locks is not None and "surface" in locks.locked and "steps" not in locks.locked


def test_share_offers_the_builder_and_home_links_to_it():
    at = open_page("race")
    next(b for b in at.sidebar.button if b.label == "Share this experiment").click().run()
    next(b for b in at.button if b.label == EN["classroom.make"]).click().run()
    assert any(m.key == "_classroom.free" for m in at.multiselect)
    home = open_page("home")
    (link,) = [p.proto for p in home.get("page_link") if p.proto.label == EN["classroom.open"]]
    assert link.query_string == "classroom=build"
