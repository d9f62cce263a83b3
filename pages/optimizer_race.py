import streamlit as st

st.title("optimizer_race (coming soon)")
