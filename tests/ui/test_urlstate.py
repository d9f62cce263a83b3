"""A copied link reopens the same settings; a bad link falls back with a notice."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _script():
    import streamlit as st

    from playground.ui.urlstate import QueryState

    qs = QueryState("demo")
    st.selectbox("Surface", ["bowl", "rosenbrock"], key=qs.field("surface", "bowl",
                                                                  choices=["bowl", "rosenbrock"]))
    st.number_input("Learning rate", 1e-4, 1.0, key=qs.field("lr", 0.01, lo=1e-4, hi=1.0), format="%g")
    st.slider("Steps", 10, 1000, key=qs.field("steps", 100, lo=10, hi=1000))
    st.checkbox("Noise", key=qs.field("noise", False))
    st.multiselect("Methods", ["SGD", "Adam", "NAG"], key=qs.field("methods", ["SGD"],
                                                                  choices=["SGD", "Adam", "NAG"]))
    qs.show_notices()
    qs.sync()


def _open(**query: str) -> AppTest:
    at = AppTest.from_function(_script)
    for name, value in query.items():
        at.query_params[name] = value
    return at.run()


def test_link_values_seed_every_widget():
    at = _open(surface="rosenbrock", lr="0.2", steps="300", noise="true", methods="Adam,NAG")
    assert at.selectbox[0].value == "rosenbrock"
    assert at.number_input[0].value == 0.2
    assert at.slider[0].value == 300
    assert at.checkbox[0].value is True
    assert at.multiselect[0].value == ["Adam", "NAG"]
    assert not at.warning


def test_widget_changes_are_written_to_the_link_and_defaults_are_left_out():
    at = _open()
    assert dict(at.query_params) == {}
    at.slider[0].set_value(500)
    at.selectbox[0].set_value("rosenbrock")
    at.run()
    assert at.query_params["steps"] == ["500"] or at.query_params["steps"] == "500"
    assert "rosenbrock" in str(at.query_params["surface"])
    assert "lr" not in at.query_params


def test_bad_link_values_fall_back_to_defaults_with_a_notice():
    at = _open(surface="__import__('os')", lr="nan", steps="99999", noise="maybe", methods="SGD,Evil")
    assert at.selectbox[0].value == "bowl"
    assert at.number_input[0].value == 0.01
    assert at.slider[0].value == 100
    assert at.checkbox[0].value is False
    assert at.multiselect[0].value == ["SGD"]
    notices = " ".join(w.value for w in at.warning)
    for name in ("surface", "lr", "steps", "noise", "methods"):
        assert f"`{name}=" in notices
    assert not at.exception


def test_a_repeated_list_item_is_dropped_with_a_notice():
    at = _open(methods="Adam,SGD,Adam")
    assert at.multiselect[0].value == ["Adam", "SGD"]
    assert any("`methods=Adam,SGD,Adam`" in w.value and "Adam listed more than once" in w.value
               for w in at.warning)
    assert at.query_params["methods"] in ("Adam,SGD", ["Adam,SGD"])  # the link is rewritten without it
    assert not at.exception


def _widgets_script():
    import streamlit as st

    from playground.ui.urlstate import QueryState

    qs = QueryState("demo")
    st.write(repr(qs.number("lr", "Learning rate", 0.01, lo=1e-5, hi=10.0)))
    st.write(repr(qs.number("steps", "Steps", 100, lo=10, hi=1000)))
    st.write(repr(qs.choice("opt", "Optimizer", ("SGD", "Adam"), "SGD", widget="radio")))
    st.write(repr(qs.switch("noise", "Noise", widget="checkbox")))
    qs.show_notices()
    qs.sync()


def test_one_call_draws_a_widget_with_the_same_bounds_the_link_is_checked_against():
    at = AppTest.from_function(_widgets_script)
    at.query_params.update({"lr": "20", "steps": "500", "opt": "Adam", "noise": "true"})
    at.run()
    lr, steps = at.number_input
    assert (lr.min, lr.max, lr.value, lr.format) == (1e-5, 10.0, 0.01, "%g")  # 20 is past the widget's max
    assert (steps.min, steps.max, steps.value) == (10, 1000, 500)
    assert at.radio[0].value == "Adam" and at.checkbox[0].value is True
    assert [m.value for m in at.markdown] == ["0.01", "500", "'Adam'", "True"]
    assert "Ignored `lr=20`" in " ".join(w.value for w in at.warning)
    steps.set_value(1000).run()
    assert at.query_params["steps"] == ["1000"] or at.query_params["steps"] == "1000"


def test_a_link_from_another_page_starts_afresh_while_the_sidebar_keeps_choices():
    from playground.ui.pages import PAGES
    from tests.ui.helpers import open_page

    def steps(at) -> int:
        return next(n for n in at.sidebar.number_input if n.key == "race.steps").value

    at = open_page("race")
    next(n for n in at.sidebar.number_input if n.key == "race.steps").set_value(100).run()
    at.switch_page(PAGES["lab"].path).run()
    at.switch_page(PAGES["race"].path).run()  # the sidebar's link: no settings, the session's choice
    assert steps(at) == 100
    at.switch_page(PAGES["lab"].path).run()
    at.query_params.clear()
    at.query_params["surface"] = "bowl"  # an experiment's link: what it leaves out is the default
    at.switch_page(PAGES["race"].path).run()
    assert steps(at) == 300 and "steps" not in at.query_params
