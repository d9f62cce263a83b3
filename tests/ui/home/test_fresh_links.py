"""A home-page experiment opens exactly its experiment, whatever the student did on that page
before: the settings its link leaves out are at the page's defaults. The sidebar, whose links carry
no settings, still brings back what the student chose."""

from __future__ import annotations

from urllib.parse import parse_qsl

from streamlit.testing.v1 import AppTest

from playground.i18n import catalogue
from playground.surfaces import SURFACES
from playground.ui.home.experiments import EXPERIMENTS
from playground.ui.pages import PAGES
from tests.ui.helpers import open_page

MOMENTUM = next(e for e in EXPERIMENTS if e.key == "ravine_momentum")


def _sgd_lr(at: AppTest) -> float:
    return at.number_input(key="race.SGD.lr").value


def _follow(at: AppTest, title: str) -> None:
    """Click the home page's link labelled ``title``: its page, with its query string."""
    (link,) = [p.proto for p in at.get("page_link") if p.proto.label == title]
    at.query_params.clear()
    for name, value in parse_qsl(link.query_string):
        at.query_params[name] = value
    (page,) = [spec for spec in PAGES.values() if spec.url_path == link.page]
    at.switch_page(page.path).run()


def test_an_experiment_opened_from_home_drops_what_the_student_set_before():
    at = open_page("race", timeout=120)
    at.number_input(key="race.SGD.lr").set_value(0.9).run()
    at.switch_page(PAGES["home"].path).run()
    _follow(at, MOMENTUM.title)
    assert not at.exception
    assert at.session_state["race.surface"] == "rotated_ravine"
    assert _sgd_lr(at) == SURFACES["rotated_ravine"].lr("SGD")  # the experiment's, not 0.9
    assert "SGD.lr" not in at.query_params


def test_links_without_settings_from_home_bring_back_the_students_settings():
    at = open_page("race", timeout=120)
    at.number_input(key="race.SGD.lr").set_value(0.9).run()
    at.switch_page(PAGES["home"].path).run()
    at.query_params.clear()
    at.switch_page(PAGES["race"].path).run()  # the sidebar's link
    assert _sgd_lr(at) == 0.9 and at.query_params["SGD.lr"] == "0.9"
    at.switch_page(PAGES["home"].path).run()
    _follow(at, catalogue("en")["classroom.open"])  # the classroom builder, for the race (the first page)
    assert _sgd_lr(at) == 0.9 and any(m.key == "_classroom.free" for m in at.multiselect)
