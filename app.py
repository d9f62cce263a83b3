"""Entry point: `streamlit run app.py`. Navigation over the pages in pages/, nothing else."""

import streamlit as st

st.set_page_config(page_title="Training playground", page_icon=":material/school:", layout="wide")

pages = {
    "Start": [st.Page("pages/home.py", title="Home", icon=":material/home:", default=True)],
    "Optimization": [
        st.Page("pages/optimizer_race.py", title="Optimizer race", icon=":material/sports_score:",
                url_path="race"),
    ],
    "Generalization": [
        st.Page("pages/regularization_lab.py", title="Regularization lab", icon=":material/science:",
                url_path="regularization"),
        st.Page("pages/training_runs.py", title="Training runs", icon=":material/rocket_launch:",
                url_path="training"),
    ],
    "Gradients": [
        st.Page("pages/backprop_stepper.py", title="Backprop, step by step", icon=":material/account_tree:",
                url_path="backprop"),
        st.Page("pages/gradient_health.py", title="Gradient health", icon=":material/monitor_heart:",
                url_path="gradient-health"),
    ],
}
st.navigation(pages).run()
