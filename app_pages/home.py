"""Home: what the playground is, where to start, and ready-made experiments to hand out."""

import streamlit as st

from playground.ui.header import page_header
from playground.ui.home.experiments import EXPERIMENTS
from playground.ui.i18n import link_params, t
from playground.ui.lessons import lesson_cards
from playground.ui.pages import PAGES
from playground.ui.share import BUILD
from playground.ui.urlstate import showing, versioned

showing(PAGES["home"].key)  # so a page opened from here by an experiment's link opens exactly it
page_header(PAGES["home"], t("home.title"))
st.markdown(t("home.intro"))
cols = st.columns(3)
for i, spec in enumerate(spec for key, spec in PAGES.items() if key != "home"):
    cols[i % 3].page_link(spec.page(), label=spec.title, icon=spec.icon)
    cols[i % 3].caption(spec.blurb)

lesson_cards()

st.subheader(t("home.experiments"))
st.caption(t("home.experiments_caption"))
cols = st.columns(3)
for i, experiment in enumerate(EXPERIMENTS):
    with cols[i % 3].container(border=True):
        st.page_link(PAGES[experiment.page].page(), label=experiment.title, icon=":material/play_circle:",
                     query_params=versioned({**experiment.query, **link_params()}))
        st.caption(experiment.look_for)

st.subheader(t("classroom.builder"))
st.caption(t("classroom.builder_caption"))
titles = {key: spec.title for key, spec in PAGES.items() if key != "home"}
# no key: a switch of language makes it a new widget, rather than one holding the old language's label
chosen = st.selectbox(t("classroom.page"), list(titles), format_func=titles.__getitem__)
st.page_link(PAGES[chosen].page(), label=t("classroom.open"), icon=":material/lock:",
             query_params={BUILD: "build", **link_params()})
