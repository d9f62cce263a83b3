"""The stepper's gradient-checking section: the MLP's manual backprop against central differences,
bug-free and with a planted bug side by side, and the relative error as h sweeps; when the batch's
loss overflows, a notice says where and why instead of leaving NaN cells unexplained."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from playground.backprop.gradcheck import WRONG, GradCheckReport
from playground.backprop.mlp import BUGS, Example, batch, gradient_checks, rounded_to_zero, why_it_passes
from playground.ui.a11y import described
from playground.ui.backprop import charts
from playground.ui.i18n import say, t
from playground.ui.urlstate import QueryState

EXPONENTS = [e / 2 for e in range(-24, -1)]  # h from 1e-12 to 1e-1 in half decades
BATCH = 4  # more than one example, so that a dropped 1/m shows


def _verdict_metric(where: DeltaGenerator, label: str, report: GradCheckReport, note: str = "") -> None:
    mark = charts.verdict_mark(report.verdict)
    delta = t("backprop.check.verdict_note", mark=mark, note=note) if note else mark
    where.metric(label, f"{report.relative_error:.2e}", delta=delta,
                 delta_color=charts.VERDICT_COLORS[report.verdict], delta_arrow="off")


@dataclass(frozen=True)
class Checks:
    """The section's two checks at the chosen h: the bug-free backward pass and the one with ``bug``
    planted (the same report when ``bug`` is "none")."""

    bug: str
    clean: GradCheckReport
    planted: GradCheckReport


def _bug_key(qs: QueryState) -> str:
    return qs.field("bug", "none", choices=list(BUGS))


def _h_key(qs: QueryState) -> str:
    return qs.field("log_h", -6.0, choices=EXPONENTS)


def bug_names() -> dict[str, str]:
    """Each planted bug (a key of :data:`BUGS`) in the page's language."""
    return {"none": t("backprop.bugs.none"), "activation": t("backprop.bugs.activation"),
            "one_over_m": t("backprop.bugs.one_over_m"), "z_for_h": t("backprop.bugs.z_for_h"),
            "transposed": t("backprop.bugs.transposed")}


def hold_settings(qs: QueryState) -> None:
    """Declare the section's settings without drawing them (a lesson holds the page back until the
    student predicts), so the link keeps them meanwhile."""
    _bug_key(qs)
    _h_key(qs)


def gradient_checking(qs: QueryState, example: Example) -> Checks:
    bug_col, h_col = st.columns(2)
    bug_key = _bug_key(qs)
    # Names looked up in a dict made during the run, so a format_func called after it (as AppTest does)
    # answers in the page's language too. The browser keeps a choice as the text it shows: set the value
    # from here, so it shows (and sends back) the text in the page's language after the language changes.
    names = bug_names()
    st.session_state[bug_key] = st.session_state[bug_key]
    bug = bug_col.selectbox(t("backprop.check.bug"), list(BUGS), format_func=names.__getitem__, key=bug_key)
    log_h = h_col.select_slider(t("backprop.check.h"), EXPONENTS, format_func=lambda e: f"1e{e:g}",
                                key=_h_key(qs))
    X, Y = batch(example, m=BATCH, seed=qs.get("seed"))
    hs = [10**e for e in EXPONENTS]
    report, *sweep = gradient_checks(example.net, X, Y, bug, [10**log_h, *hs])
    clean = report if bug == "none" else gradient_checks(example.net, X, Y, "none", [10**log_h])[0]
    landing = BUGS[bug][1]
    if zeros := rounded_to_zero(example.net, X, Y):  # the check's loss overflowed: its NaNs say why
        st.error(charts.check_overflow_notice(zeros, clean, BATCH))

    clean_col, bugged_col = st.columns(2)
    _verdict_metric(clean_col, t("backprop.check.bug_free", log_h=log_h, batch=BATCH), clean)
    if bug == "none":
        bugged_col.caption(t("backprop.check.plant_hint"))
    else:
        _verdict_metric(bugged_col, t("backprop.check.with_bug", params=", ".join(landing)), report,
                        charts.error_jump(clean.relative_error, report.relative_error))
        if report.verdict != WRONG:
            st.info(t("backprop.check.passes", why=say(why_it_passes(example.net, X, Y, bug, report))))
    st.dataframe(charts.gradcheck_table(report, landing), hide_index=True,
                 column_config={charts.relative_error_column(): st.column_config.NumberColumn(format="%.2e")})
    st.caption(t("backprop.check.caption"))
    frame = charts.error_vs_h_frame(hs, [r.relative_error for r in sweep])
    described(charts.error_vs_h_chart(frame, 10**log_h), charts.error_vs_h_table(frame),
              charts.error_vs_h_summary(frame, 10**log_h))
    return Checks(bug, clean, report)
