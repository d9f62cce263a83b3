"""Entry point: `streamlit run app.py`. Navigation over the pages of playground/ui/pages.py, nothing else."""

import streamlit as st

from playground.ui.pages import navigation

st.set_page_config(page_title="Training playground", page_icon=":material/school:", layout="wide")
st.navigation(navigation()).run()
