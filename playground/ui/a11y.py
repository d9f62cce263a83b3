"""Charts a screen reader can read: every chart comes with a one-sentence summary computed from
its data and the data itself as a table; and a reduced-motion setting for the step players.

A canvas or SVG chart reads as "Vega visualization" to a screen reader. :func:`described` draws
the chart, then the sentence (a caption right under it) and the chart's data in an expander, so
every number a chart shows can also be read as text. The sentences come from the catalogues, with
the numbers filled in by the helpers below (or by the page, for what only it knows).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from playground.ui import format as fmt
from playground.ui.i18n import t
from playground.ui.vega import Spec, spec_of

REDUCED = "_a11y.reduced"  # session key of the sidebar's reduced-motion switch


def reduced_motion() -> bool:
    """Whether this viewer asked for less motion (the browser's prefers-reduced-motion is honoured
    in the browser itself, see player.js)."""
    return bool(st.session_state.get(REDUCED, False))


def motion_switch() -> None:
    """The sidebar's reduced-motion switch: players step instead of playing."""
    st.sidebar.toggle(t("a11y.reduce_motion"), key=REDUCED, help=t("a11y.reduce_motion_help"))


def described(chart: Any, data: pd.DataFrame, summary: str, *, where: DeltaGenerator | None = None,
              **options: Any) -> None:
    """Draw ``chart`` (an Altair chart, or a :class:`~playground.ui.vega.Spec`) with ``summary``
    under it and ``data`` as a table in an expander: its text alternative."""
    place = st.container() if where is None else where.container()
    options.setdefault("width", "stretch")
    spec = chart if isinstance(chart, Spec) else spec_of(chart)
    place.vega_lite_chart(spec.for_streamlit(), **options)
    place.caption(summary)
    with place.expander(t("a11y.data"), icon=":material/table:"):
        st.dataframe(data, hide_index=True, width="stretch")


def _value(value: float) -> str:
    return fmt.number(float(value))


def series_summary(data: pd.DataFrame, series: str, x: str, y: str, what: str, *,
                   lower_is_better: bool = True) -> str:
    """One sentence on long-format lines (a row per ``series`` and ``x``): where each ends on
    ``y``, best and worst named (``what`` names the quantity, e.g. "the loss")."""
    finite = data[pd.notna(data[y])]
    if finite.empty:
        return t("a11y.no_data", what=what)
    last = finite.sort_values(x).groupby(series, sort=False).tail(1).set_index(series)[[x, y]]
    if len(last) == 1:
        name, (x_end, y_end) = next(iter(last.iterrows()))
        first = finite.sort_values(x).iloc[0]
        return t("a11y.one_series", what=what, name=name, first=_value(first[y]), first_x=_value(first[x]),
                 last=_value(y_end), last_x=_value(x_end))
    ranked = last.sort_values(y, ascending=lower_is_better)
    best, worst = ranked.index[0], ranked.index[-1]
    return t("a11y.series", what=what, best=best, best_value=_value(ranked.iloc[0][y]), worst=worst,
             worst_value=_value(ranked.iloc[-1][y]), x=_value(ranked[x].max()))


def grid_summary(data: pd.DataFrame, value: str, where: list[str], what: str) -> str:
    """One sentence on a heatmap or grid (a row per cell): its smallest and largest ``value``, each
    with the cell's coordinates (the columns ``where``)."""
    finite = data[pd.notna(data[value])]
    if finite.empty:
        return t("a11y.no_data", what=what)
    low, high = finite[value].idxmin(), finite[value].idxmax()

    def cell(index: Any) -> str:  # column by column, so each keeps its own type (a layer stays 1, not 1.0)
        return ", ".join(f"{name} {finite.at[index, name]}" for name in where)

    return t("a11y.grid", what=what, low=_value(finite.at[low, value]), low_at=cell(low),
             high=_value(finite.at[high, value]), high_at=cell(high))
