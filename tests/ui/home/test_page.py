"""The home page introduces the playground, links to every page, and hands out working experiments."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from playground.ui.home.experiments import EXPERIMENTS
from tests.ui.helpers import APP, open_page


def test_home_page_links_every_page_and_every_experiment():
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert "playground" in at.title[0].value.lower()
    text = " ".join(c.value for c in at.caption)
    for topic in ("SGD", "overfit", "MNIST", "chain rule", "Vanishing"):
        assert topic in text
    for experiment in EXPERIMENTS:
        assert experiment.look_for in text


def _messages(at: AppTest) -> str:
    return " ".join(m.value for kind in (at.info, at.warning, at.error, at.toast) for m in kind)


@pytest.mark.parametrize("experiment", EXPERIMENTS, ids=lambda e: e.key)
def test_each_experiment_link_is_taken_whole_by_its_page(experiment):
    at = open_page(experiment.page, timeout=120, **experiment.query)
    assert not at.exception
    assert "Ignored" not in _messages(at)
    kept = {name: at.query_params.get(name) for name in experiment.query}
    assert kept == experiment.query  # the page keeps the link's settings in its address
