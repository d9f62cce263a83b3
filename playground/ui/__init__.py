"""Streamlit helpers shared by the pages. Only this sub-package imports streamlit."""
