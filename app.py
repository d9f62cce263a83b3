"""Entry point: `streamlit run app.py`. Navigation over the pages of playground/ui/pages.py, nothing else."""

import streamlit as st

from playground.ui.errors import reported
from playground.ui.pages import FAVICON, navigation

st.set_page_config(page_title="Training playground", page_icon=str(FAVICON), layout="wide")
reported(st.navigation(navigation()).run)
