"""Backprop, step by step: the chain rule with real numbers, node by node, checked against autograd."""

import streamlit as st

from playground.backprop.chain import Chain
from playground.backprop.graph import gradients_after
from playground.ui.backprop import charts
from playground.ui.backprop.controls import MAX_STEPS, network, step_control
from playground.ui.backprop.keys import NAMESPACE
from playground.ui.backprop.views import gradient_checking, hold_settings
from playground.ui.header import page_header
from playground.ui.i18n import t
from playground.ui.lessons import open_step
from playground.ui.pages import PAGES
from playground.ui.urlstate import QueryState

page_header(PAGES["backprop"])
lesson = open_step("backprop")
notices = st.container()
qs = QueryState(NAMESPACE)
net = network(qs)
lr = qs.number("lr", t("backprop.lr"), 0.1, lo=1e-4, hi=10.0, where=st.sidebar)

if lesson is not None and not lesson.answered:
    # In a lesson the page waits for the prediction: its main-area settings stay declared, with
    # step_control's bounds, so the link keeps them; nothing is computed or drawn yet.
    qs.field("step", 0, lo=0, hi=MAX_STEPS)
    hold_settings(qs)
else:
    graph = net.graph()
    steps = graph.backward()
    autograd = net.autograd()
    done = step_control(qs, len(steps))

    st.graphviz_chart(charts.to_dot(graph, steps, done), width="stretch")
    st.caption(charts.graph_summary(graph, steps, done))  # the graph read out; the table below has it all
    left, right = st.columns(2)
    if done:
        step = steps[done - 1]
        formula = graph.nodes[step.node].formula
        left.markdown(t("backprop.step", done=done, total=len(steps), node=step.node, formula=formula,
                        gradient=charts.fmt(step.incoming)))
        left.latex(charts.step_latex(step))
        right.dataframe(charts.step_table(step), hide_index=True)
    else:
        left.markdown(t("backprop.forward_done", loss=charts.fmt(graph.loss.value)))

    st.subheader(t("backprop.against_autograd"))
    table = charts.gradient_table(graph, steps, done, autograd)
    worst = charts.max_difference(graph, autograd)
    if overflow := charts.overflow_notice(graph, steps, autograd):
        notices.error(overflow)
    st.metric(t("backprop.max_difference"), f"{worst:.1e}",
              delta=t("backprop.match") if worst <= charts.TOLERANCE else t("backprop.mismatch"),
              delta_color="green" if worst <= charts.TOLERANCE else "red", delta_arrow="off")
    st.dataframe(table, hide_index=True)
    st.caption(t("backprop.missing", missing=charts.MISSING))

    final = gradients_after(steps)
    if isinstance(net, Chain):
        for name, form in net.closed_forms().items():
            st.markdown(t("backprop.textbook", name=name, formula=form.formula,
                          substituted=form.substituted(charts.operand), value=charts.fmt(form.value),
                          gradient=charts.fmt(final[name])))
    elif (error := net.output_error()) is not None:
        st.markdown(t("backprop.softmax"))
        st.dataframe(charts.output_error_table(error + net.y, net.y, final), hide_index=True)

    st.subheader(t("backprop.update"))
    after = net.stepped(lr).graph().loss.value
    before_col, after_col = st.columns(2)
    before_col.metric(t("backprop.loss_before"), charts.fmt(graph.loss.value))
    after_col.metric(t("backprop.loss_after", lr=lr), charts.fmt(after),
                     delta=charts.fmt(after - graph.loss.value, minus="-"), delta_color="inverse")
    if not after < graph.loss.value:
        st.warning(t("backprop.overshot", lr=lr))

    st.subheader(t("backprop.checking"))
    checks = None
    if isinstance(net, Chain):
        st.info(t("backprop.pick_mlp"))
    else:
        checks = gradient_checking(qs, net)
    if lesson is not None:  # what the lesson's step reads: the page's own graph, steps, update and checks
        lesson.reveal(qs, graph, steps, lr, after, checks)

qs.show_notices(notices.warning)
qs.sync()
