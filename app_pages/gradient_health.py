"""Gradient health: vanishing and exploding gradients in deep MLPs, and what cures them."""

import streamlit as st

from playground.backprop.health import TRAINS
from playground.ui.header import page_header
from playground.ui.health import charts, views
from playground.ui.health.compute import cached_run
from playground.ui.health.controls import CLIP_LABELS, presets, settings
from playground.ui.health.keys import NAMESPACE
from playground.ui.lessons import open_step
from playground.ui.pages import PAGES
from playground.ui.urlstate import QueryState

page_header(PAGES["health"])
lesson = open_step("health")
qs = QueryState(NAMESPACE)
answered = lesson is None or lesson.answered  # a lesson's step holds the page back until predicted
if answered:  # the presets' help measures their runs: it would give a prediction away
    presets(qs)
s = settings(qs)
qs.show_notices()

if answered:
    plain = cached_run(s.config, s.steps, s.lr, "none", s.threshold)
    at_init = plain.at_init()
    views.metrics(plain, s.config.depth)

    left, right = st.columns(2)
    with left:
        st.markdown("**Activations at initialization**")
        st.altair_chart(charts.activation_chart(at_init), width="stretch")
        st.caption("Look for a band that collapses to a constant (a saturated or dead signal) or blows up: "
                   "either way later layers learn from noise.")
    with right:
        st.markdown("**Gradient norm per layer at initialization**")
        st.altair_chart(charts.grad_norm_chart(at_init), width="stretch")
        st.caption("A healthy net keeps this roughly flat. Falling toward layer 1 is a vanishing gradient "
                   "(deep sigmoid), rising toward layer 1 an explosion (tanh + too-large init); ReLU + "
                   "too-large init lifts the whole line by many orders of magnitude.")

    left, right = st.columns(2)
    with left:
        st.markdown("**Activation std per layer over training**")
        st.altair_chart(charts.activation_std_heatmap(plain.layers), width="stretch")
        st.caption("Colour fading from layer 1 to the last is a signal dying with depth. Layer norm "
                   "rescales each layer's pre-activations to mean 0, std 1, so the rows stay alike whatever "
                   "the init: it cures too-small and too-large init, not sigmoid's slope of at most ¼ per "
                   "layer.")
    with right:
        st.markdown("**Gradient norm per layer over training**")
        st.altair_chart(charts.grad_norm_heatmap(plain.layers), width="stretch")
        st.caption("One row per layer, one column per step: dark early rows mean the first layers barely "
                   "move.")
    if plain.diverged_at is not None:
        st.error(f"Without clipping, the run diverged at step {plain.diverged_at} (the loss or gradient "
                 f"overflowed or grew a million-fold); the charts stop there.")
    with st.expander("Per-layer numbers at initialization"):
        st.dataframe(at_init.drop(columns="step"), hide_index=True)

    st.subheader("Gradient clipping")
    clipped = None
    if s.clip == "none":
        st.info("Switch on clipping in the sidebar to compare a clipped run with this one.")
    else:
        clipped = cached_run(s.config, s.steps, s.lr, s.clip, s.threshold)
        label = f"clipped {CLIP_LABELS[s.clip]} at {s.threshold:g}"
        left, right = st.columns(2)
        with left:
            st.markdown("**Loss, with and without clipping**")
            st.altair_chart(charts.loss_chart({"no clipping": plain, label: clipped}), width="stretch")
            st.caption("Clipping bounds each step, so a learning rate that makes the plain run blow up can "
                       "still make progress.")
        with right:
            st.markdown("**Global gradient norm of the clipped run, per step**")
            st.altair_chart(charts.clip_norm_chart(clipped.steps), width="stretch")
            st.caption("By norm, the after-line is capped at the threshold and the step keeps its direction; "
                       "by value, each entry is capped and the direction can turn.")
        if clipped.diverged_at is not None:
            st.warning(f"With clipping the run diverged at step {clipped.diverged_at}.")
        else:
            (st.success if clipped.outcome == TRAINS else st.warning)(
                f"With clipping the run finished all {s.steps} steps: the loss goes {views.losses(clipped)} "
                f"({views.outcome(clipped)}).")
    if lesson is not None:  # what the lesson's step reads: the page's own runs
        lesson.reveal(qs, plain, clipped)

qs.sync()
