"""Home: what the playground is, where to start, and ready-made experiments to hand out."""

import streamlit as st

from playground.ui.experiments import EXPERIMENTS

st.title("How neural networks are trained: a playground")
st.markdown(
    "Every optimizer here is written from scratch, shown as readable math and checked "
    "step by step against `torch.optim`. Every experiment lives in its link: copy the "
    "address bar to share exactly what you see."
)
cols = st.columns(3)
cols[0].page_link("pages/optimizer_race.py", label="Optimizer race", icon=":material/sports_score:")
cols[0].caption("SGD, Momentum, NAG, AdaGrad, RMSprop and Adam across 2-D loss surfaces.")
cols[1].page_link("pages/regularization_lab.py", label="Regularization lab", icon=":material/science:")
cols[1].caption("Watch a small network overfit, then fix it with L1/L2, dropout, batchnorm "
                "and early stopping.")
cols[2].page_link("pages/training_runs.py", label="Training runs", icon=":material/rocket_launch:")
cols[2].caption("Real MNIST, Fashion-MNIST and CIFAR-10 runs, on the GPU when there is one.")
cols = st.columns(3)
cols[0].page_link("pages/backprop_stepper.py", label="Backprop, step by step", icon=":material/account_tree:")
cols[0].caption("The chain rule with real numbers, node by node, checked against autograd.")
cols[1].page_link("pages/gradient_health.py", label="Gradient health", icon=":material/monitor_heart:")
cols[1].caption("Vanishing and exploding gradients, and what cures them.")

st.subheader("Ready-made experiments")
st.caption("Each opens a page already set up; hand the link to a class, or change a setting and share yours.")
cols = st.columns(3)
for i, experiment in enumerate(EXPERIMENTS):
    with cols[i % 3].container(border=True):
        st.page_link(f"pages/{experiment.page}", label=experiment.title, icon=":material/play_circle:",
                     query_params=experiment.query)
        st.caption(experiment.look_for)
