import streamlit as st

st.title("backprop_stepper (coming soon)")
