"""The stepper's gradient-checking section: the MLP's manual backprop against central differences,
bug-free and with a planted bug side by side, and the relative error as h sweeps."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from playground.backprop.gradcheck import WRONG, GradCheckReport
from playground.backprop.mlp import BUGS, Example, batch, gradient_checks, why_it_passes
from playground.ui.backprop import charts
from playground.ui.urlstate import QueryState

EXPONENTS = [e / 2 for e in range(-24, -1)]  # h from 1e-12 to 1e-1 in half decades
BATCH = 4  # more than one example, so that a dropped 1/m shows


def _verdict_metric(where: DeltaGenerator, label: str, report: GradCheckReport, note: str = "") -> None:
    mark = charts.VERDICT_MARKS[report.verdict]
    where.metric(label, f"{report.relative_error:.2e}", delta=f"{mark}, {note}" if note else mark,
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


def hold_settings(qs: QueryState) -> None:
    """Declare the section's settings without drawing them (a lesson holds the page back until the
    student predicts), so the link keeps them meanwhile."""
    _bug_key(qs)
    _h_key(qs)


def gradient_checking(qs: QueryState, example: Example) -> Checks:
    bug_col, h_col = st.columns(2)
    bug = bug_col.selectbox("Plant a bug in the manual backward pass", list(BUGS),
                            format_func=lambda b: BUGS[b][0], key=_bug_key(qs))
    log_h = h_col.select_slider("Finite-difference step h", EXPONENTS, format_func=lambda e: f"1e{e:g}",
                                key=_h_key(qs))
    X, Y = batch(example, m=BATCH, seed=qs.get("seed"))
    hs = [10**e for e in EXPONENTS]
    report, *sweep = gradient_checks(example.net, X, Y, bug, [10**log_h, *hs])
    clean = report if bug == "none" else gradient_checks(example.net, X, Y, "none", [10**log_h])[0]
    landing = BUGS[bug][1]

    clean_col, bugged_col = st.columns(2)
    _verdict_metric(clean_col, f"relative error, bug-free (h = 1e{log_h:g}, batch of {BATCH})", clean)
    if bug == "none":
        bugged_col.caption("Plant a bug above to see its relative error next to the bug-free one.")
    else:
        _verdict_metric(bugged_col, f"relative error with the bug planted (lands in {', '.join(landing)})",
                        report, charts.error_jump(clean.relative_error, report.relative_error))
        if report.verdict != WRONG:
            st.info(f"The planted bug passes the check: {why_it_passes(example.net, X, Y, bug, report)}.")
    st.dataframe(charts.gradcheck_table(report, landing), hide_index=True,
                 column_config={"relative error": st.column_config.NumberColumn(format="%.2e")})
    st.caption("Below 1e-7 the gradient is correct, up to 1e-4 suspicious, above that wrong. Large h: "
               "truncation error shrinks like h²; tiny h: round-off grows like ε/h. The best h lies between.")
    frame = charts.error_vs_h_frame(hs, [r.relative_error for r in sweep])
    st.altair_chart(charts.error_vs_h_chart(frame, 10**log_h), width="stretch")
    return Checks(bug, clean, report)
