"""Regularization lab: watch a small network overfit, then see each regularizer fix it."""

import streamlit as st

from playground.ui.budget import within_budget
from playground.ui.header import page_header
from playground.ui.i18n import t
from playground.ui.lab import views
from playground.ui.lab.compute import estimate, runs_for
from playground.ui.lab.controls import sidebar
from playground.ui.lab.keys import NAMESPACE
from playground.ui.lessons import open_step
from playground.ui.pages import PAGES
from playground.ui.urlstate import QueryState

qs = QueryState(NAMESPACE)
page_header(PAGES["lab"])
lesson = open_step("lab")
settings = sidebar(qs)
qs.show_notices()
qs.sync()
for error in settings.errors:
    st.error(error)
if settings.errors or settings.data is None:
    st.stop()

views.explain(settings.config)
if lesson is not None and not lesson.answered:  # in a lesson, the lab trains once the student predicts
    st.stop()
if not within_budget(estimate(settings)):
    st.stop()
runs = runs_for(settings)
if lesson is not None:
    lesson.reveal(qs, runs, settings.data)
if not views.notices(runs):
    st.stop()
views.headline(runs)
views.comparison(runs)

st.subheader(t("lab.page.network"))
views.network_at_epoch(qs, runs, settings.data)
views.early_stopping(runs, settings.data)

st.subheader(t("lab.page.curves"))
views.curves(runs)
views.weights_and_norms(runs)
views.batchnorm(runs)
views.confusion(runs, settings.data)
views.export(runs, settings.data, settings.source)
