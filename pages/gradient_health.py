import streamlit as st

st.title("gradient_health (coming soon)")
