import streamlit as st

st.title("regularization_lab (coming soon)")
