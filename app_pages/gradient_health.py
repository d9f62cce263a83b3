"""Gradient health: vanishing and exploding gradients in deep MLPs, and what cures them."""

import streamlit as st

from playground.backprop.health import TRAINS
from playground.ui.header import page_header
from playground.ui.health import views
from playground.ui.health.compute import cached_run
from playground.ui.health.controls import clip_labels, presets, settings
from playground.ui.health.keys import NAMESPACE
from playground.ui.i18n import t
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
    views.at_init_charts(at_init)
    views.training_heatmaps(plain.layers)
    if plain.diverged_at is not None:
        st.error(t("health.page.diverged", step=plain.diverged_at))
    views.per_layer_table(at_init)

    st.subheader(t("health.page.clipping"))
    clipped = None
    if s.clip == "none":
        st.info(t("health.page.switch_on"))
    else:
        clipped = cached_run(s.config, s.steps, s.lr, s.clip, s.threshold)
        label = t("health.page.clipped", mode=clip_labels()[s.clip], threshold=s.threshold)
        views.clipping_charts(plain, clipped, label, s.threshold)
        if clipped.diverged_at is not None:
            st.warning(t("health.page.clipped_diverged", step=clipped.diverged_at))
        else:
            (st.success if clipped.outcome == TRAINS else st.warning)(
                t("health.page.clipped_finished", steps=s.steps, losses=views.losses(clipped),
                  outcome=views.outcome(clipped)))
    if lesson is not None:  # what the lesson's step reads: the page's own runs
        lesson.reveal(qs, plain, clipped)

qs.sync()
