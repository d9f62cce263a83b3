"""Entry point: `streamlit run app.py`. Navigation over the pages of playground/ui/pages.py, and after
the page one question to the browser that only the end of a run may ask."""

import streamlit as st

from playground.ui.errors import reported
from playground.ui.pages import FAVICON, navigation
from playground.ui.unread_link import ask as ask_browser_for_the_link

st.set_page_config(page_title="Training playground", page_icon=str(FAVICON), layout="wide")
reported(st.navigation(navigation()).run)
ask_browser_for_the_link()  # after the page: see playground/ui/unread_link.py
