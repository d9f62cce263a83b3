import streamlit as st

st.title("training_runs (coming soon)")
