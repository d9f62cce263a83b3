"""Optimizer race: several optimizers descend the same 2-D loss surface side by side."""

import streamlit as st

from playground.ui.budget import within_budget
from playground.ui.header import page_header
from playground.ui.i18n import t
from playground.ui.lessons import open_step
from playground.ui.pages import PAGES
from playground.ui.race import controls, views
from playground.ui.race.compute import load_surface, race_estimate, race_paths
from playground.ui.race.keys import NAMESPACE
from playground.ui.urlstate import QueryState

qs = QueryState(NAMESPACE)
page_header(PAGES["race"])
notices = st.container()
lesson = open_step("race")

with st.sidebar:
    surface_key = controls.pick_surface(qs)
    surface = load_surface(*surface_key)
    methods = controls.pick_methods(qs, surface)
    start, steps, options, tol = controls.pick_run(qs, surface)

st.latex(rf"f(x, y) = {surface.latex}")
if methods and (lesson is None or lesson.answered):  # in a lesson, the race runs once the student predicts
    spec = controls.spec_from(surface_key, methods, start, steps, options)
    if within_budget(race_estimate(spec)):
        paths = race_paths(spec)
        if lesson is not None:
            lesson.reveal(qs, paths, tol)
        views.main(qs, spec, surface, paths, tol)
        views.export(qs, spec)
elif not methods:
    st.warning(t("race.no_methods"))
with notices:
    qs.show_notices()
qs.sync()
