"""Home: what the playground is, where to start, and ready-made experiments to hand out."""

import streamlit as st

from playground.ui.home.experiments import EXPERIMENTS
from playground.ui.pages import PAGES
from playground.ui.share import share_button
from playground.ui.urlstate import versioned

st.title("How neural networks are trained: a playground")
share_button(PAGES["home"])
st.markdown(
    "Every optimizer here is written from scratch, shown as readable math and checked "
    "step by step against `torch.optim`. Every experiment lives in its link: copy the "
    "address bar to share exactly what you see."
)
cols = st.columns(3)
for i, spec in enumerate(spec for key, spec in PAGES.items() if key != "home"):
    cols[i % 3].page_link(spec.page(), label=spec.title, icon=spec.icon)
    cols[i % 3].caption(spec.blurb)

st.subheader("Ready-made experiments")
st.caption("Each opens a page already set up; hand the link to a class, or change a setting and share yours.")
cols = st.columns(3)
for i, experiment in enumerate(EXPERIMENTS):
    with cols[i % 3].container(border=True):
        st.page_link(PAGES[experiment.page].page(), label=experiment.title, icon=":material/play_circle:",
                     query_params=versioned(experiment.query))
        st.caption(experiment.look_for)
