"""The race page's main area: the Race / 3-D / Inside / Basins tabs.

It runs as one ``st.fragment``: stopping the map's player on a step, moving the Inside tab's step
slider or switching tabs redraws only this area (the 3-D tab shows that same step). The map's Play and
scrubber run in the browser (:mod:`playground.ui.player`), so a replay reruns nothing; the step it
stops on lands in the link.
Changes that alter the race itself (a click on the map moves the start) rerun the whole page.
Only the open tab runs, but every tab's settings are declared on every run, so the link keeps
them all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from playground.optim import METHODS
from playground.surfaces import Surface, levels
from playground.trajectories import Trajectory, run_slice, worked_update
from playground.trajectories.basins import DEFAULT_TOL
from playground.trajectories.export import pytorch_code, settings_json
from playground.trajectories.guard import FAR, LOSS_LIMIT
from playground.ui import format as fmt
from playground.ui.a11y import described
from playground.ui.budget import within_budget
from playground.ui.i18n import t
from playground.ui.player import clicked_at, player, stopped_at
from playground.ui.race import charts, summaries, surface3d
from playground.ui.race.compute import (
    CUSTOM,
    PARITY_TOL,
    RaceSpec,
    basin_maps,
    basins_estimate,
    contour_field,
    internals,
    state_trace,
    torch_parity,
)
from playground.ui.race.controls import MAX_STEPS
from playground.ui.race.keys import ARROWS_FOR, BADGES, BASINS_FOR, CLICKED, NAMESPACE, PLAYER, SCRUB_END
from playground.ui.urlstate import QueryState

#: The link's `tab` values, the same in every language.
TABS = ("Race", "3-D", "Inside the optimizer", "Basins")
TAB_SHOWN = f"{NAMESPACE}.tab_shown"  # the tabs widget's key: the open tab's label, in the page's language
GRIDS = (25, 50, 100)
EXPORT = ("export", False)  # the export expander is open
COLOURS = ("outcome", "steps")  # what a basin map's colour shows: where each start ends, or the steps taken


def _tab_labels() -> dict[str, str]:
    """Each tab's label in the page's language, by its name in the link."""
    labels = (t("race.tabs.race"), t("race_3d.tab"), t("race.tabs.inside"), t("race.tabs.basins"))
    return dict(zip(TABS, labels, strict=True))


def _correction(label: str) -> str:
    """A correction factor's label (worked_update writes it in English) in the page's language."""
    return {"1 − β₁ᵗ (divides m)": t("race.inside.corrections.first_moment"),
            "1 − β₂ᵗ (divides v)": t("race.inside.corrections.second_moment"),
            "1 − Πₜ (divides g)": t("race.inside.corrections.product"),
            "1 − Πₜμₜ₊₁ (divides m)": t("race.inside.corrections.product_next"),
            "1 − β₂ᵗ (its root scales the step)": t("race.inside.corrections.rectifier")}.get(label, label)


def _tab_picked(tab_key: str, labels: dict[str, str]) -> None:
    """Callback of a click on a tab: its language-free name goes to the link's ``tab``."""
    st.session_state[tab_key] = {label: tab for tab, label in labels.items()}[st.session_state[TAB_SHOWN]]


def _stopped() -> None:
    """Callback of the player stopping on a step: that step is the scrubbed step (and in the link)."""
    step = stopped_at(PLAYER)
    if step is not None:
        QueryState(NAMESPACE).set("step", min(max(step, 0), MAX_STEPS))


def _clicked(surface: Surface) -> None:
    """Callback of a click on the map: that cell's centre becomes the start (the whole page reruns)."""
    point = clicked_at(PLAYER)
    if point is not None:
        qs = QueryState(NAMESPACE)
        x, y = charts.cell_centre(surface, *point)
        qs.set("x", x)
        qs.set("y", y)
        st.session_state[CLICKED] = True


def main(qs: QueryState, spec: RaceSpec, surface: Surface, paths: Mapping[str, Trajectory],
         tol: float) -> None:
    """Draw the main area."""
    qs.field(*EXPORT)  # declared before the area's sync, so the link keeps it (drawn by :func:`export`)
    st.fragment(_area)(qs, spec, surface, paths, tol)


def _area(qs: QueryState, spec: RaceSpec, surface: Surface, paths: Mapping[str, Trajectory],
          tol: float) -> None:
    if st.session_state.pop(CLICKED, False):
        st.rerun()  # the start moved: recompute the race, not just this fragment
    step_key = _step(qs, spec.steps)
    methods = list(paths)
    inspect_key = qs.field("inspect", methods[0], choices=list(METHODS))
    arrows_key = qs.field("arrows", True)
    grid_key = qs.field("grid", 50, choices=GRIDS)
    colour_key = qs.field("basin_colour", "outcome", choices=COLOURS)
    tab_key, labels = qs.field("tab", TABS[0], choices=TABS), _tab_labels()
    st.session_state[TAB_SHOWN] = labels[st.session_state[tab_key]]
    race_tab, view_tab, inside_tab, basins_tab = st.tabs(list(labels.values()), key=TAB_SHOWN,
                                                         on_change=_tab_picked, args=(tab_key, labels))
    if race_tab.open is not False:
        with race_tab:
            _race(spec, surface, paths, st.session_state[step_key], tol, inspect_key, arrows_key)
    if view_tab.open is not False:
        with view_tab:
            # The step as the Race tab's player or the Inside tab's slider left it: no widget of its own
            # here, as two widgets with one key cannot be on a page at once.
            _surface_3d(spec, surface, paths, st.session_state[step_key])
    if inside_tab.open is not False:
        with inside_tab:
            step = st.slider(t("race.inside.step"), 0, spec.steps, key=step_key,
                             help=t("race.inside.step_help"))
            _inside(inspect_key, spec, methods, step)
            _line_slice(surface, paths)
    if basins_tab.open is not False:
        with basins_tab:
            _basins(grid_key, colour_key, spec, surface)
    qs.sync()


def _step(qs: QueryState, steps: int) -> str:
    """The scrubbed step's key, its value kept within the run."""
    key = qs.field("step", steps, lo=0, hi=MAX_STEPS)
    drawn_for = st.session_state.get(SCRUB_END, steps)
    if drawn_for != steps:
        # A new Steps: keep the scrubbed step at the same fraction of the run (the end stays the end).
        st.session_state[key] = min(steps, round(st.session_state[key] * steps / drawn_for))
    st.session_state[SCRUB_END] = steps
    if st.session_state[key] > steps:
        st.session_state[key] = steps
    return key


def _arrows_picked(inspect_key: str, arrows_key: str) -> None:
    """Callback of the map's method picker: the picked method is also the one the Inside tab looks
    into (one `inspect` in the link); picking none hides the arrows."""
    picked = st.session_state[ARROWS_FOR]
    st.session_state[arrows_key] = picked is not None
    if picked is not None:
        st.session_state[inspect_key] = picked


def _race(spec: RaceSpec, surface: Surface, paths: Mapping[str, Trajectory], step: int, tol: float,
          inspect_key: str, arrows_key: str) -> None:
    methods = list(paths)
    # The arrows show the state of the method the Inside tab looks into (its `inspect` in the link).
    name = st.session_state[inspect_key] if st.session_state[inspect_key] in paths else methods[0]
    shown = st.session_state[arrows_key] and paths[name].diverged_at[0] != 0
    arrows = charts.state_arrows(state_trace(spec.only(name), name), surface) if shown else None
    left, right = st.columns([4, 3], gap="medium")
    with left:
        st.session_state[ARROWS_FOR] = name if st.session_state[arrows_key] else None
        st.pills(t("race_picker.label"), methods, key=ARROWS_FOR, help=t("race_picker.help"),
                 on_change=_arrows_picked, args=(inspect_key, arrows_key))
        field = contour_field(spec.surface, spec.formula, spec.window)
        player(charts.map_scene(field, paths, surface, spec.start, step, arrows=arrows), key=PLAYER,
               on_stop=_stopped, on_click=lambda: _clicked(surface))
        st.caption(t("race.charts.map_caption"))
        if arrows is not None:
            st.caption(t("race_arrows.caption", name=name))
        _map_text(paths, surface, step)
    with right:
        curves = charts.curves_frame(paths)
        described(charts.curve_chart(curves, "loss", t("race.charts.loss"), step, methods),
                  summaries.table(curves, "loss"), summaries.loss_summary(curves, paths))
        described(charts.curve_chart(curves, "grad_norm", t("race.charts.grad_norm"), step, methods),
                  summaries.table(curves, "grad_norm"), summaries.grad_summary(curves, paths, tol))
        st.caption(t("race.charts.log_caption"))
        # Always drawn: a constant schedule's flat lines still show each method's own η side by side.
        lrs = charts.lrs_frame(paths)
        described(charts.curve_chart(lrs, "lr", t("race.charts.lr"), step, methods, height=180),
                  summaries.table(lrs, "lr"), summaries.lr_summary(paths))
        st.caption(t("race.charts.lr_caption"))
    _summary(spec, surface, paths, step, tol)
    st.caption(t("race.charts.look_for"))


def _map_text(paths: Mapping[str, Trajectory], surface: Surface, step: int) -> None:
    """The map's text alternative: where each method is at the shown step, that data as a table, and
    how to set the start without a mouse."""
    frame = summaries.map_frame(paths, surface, step)
    st.caption(summaries.map_summary(paths, frame, step))
    _positions(frame)
    st.caption(t("race.alt.keyboard", x=t("race.controls.start_x"), y=t("race.controls.start_y")))


def _positions(frame: pd.DataFrame) -> None:
    """Where each method is at the shown step (:func:`summaries.map_frame`), as a table in an expander."""
    with st.expander(t("a11y.data"), icon=":material/table:"):
        st.dataframe(summaries.table(frame, "loss", "distance"), hide_index=True, width="stretch")


def _surface_3d(spec: RaceSpec, surface: Surface, paths: Mapping[str, Trajectory], step: int) -> None:
    """The surface in 3-D with every path on it at ``step``, built only while its tab is open; its text
    alternative is the methods' heights at that step, lowest first, and the map's table."""
    field = levels.field(surface, surface3d.GRID)
    st.plotly_chart(surface3d.figure(field, paths, surface, spec.start, step), theme="streamlit",
                    config={"displaylogo": False},
                    alt=t("race_3d.figure", surface=surface.name, paths=len(paths)))
    st.caption(t("race_3d.caption", height=surface3d.axis_title(field), race=t("race.tabs.race"),
                 inside=t("race.tabs.inside")))
    frame = summaries.map_frame(paths, surface, step)
    st.caption(summaries.surface_summary(frame, step, max(path.steps for path in paths.values())))
    _positions(frame)


def _summary(spec: RaceSpec, surface: Surface, paths: Mapping[str, Trajectory], step: int,
             tol: float) -> None:
    """The summary table. A torch.optim badge this session has not seen for these settings (a
    method whose settings just changed) says "checking…" until torch.optim has run, which
    happens after the charts and the rest of the table are on screen."""
    known = st.session_state.get(BADGES, {})
    parity = {name: known.get(spec.only(name)) for name in paths}
    table, columns = st.empty(), _columns(min(step, spec.steps), tol)

    def draw() -> None:
        summary = charts.summary_frame(paths, surface, step, tol, parity, PARITY_TOL)
        table.dataframe(summary, hide_index=True, width="stretch", column_config=columns)

    draw()
    if None in parity.values():
        parity = {name: torch_parity(spec, name, lambda _: draw()) for name in paths}
        st.session_state[BADGES] = {spec.only(name): check for name, check in parity.items()}
        draw()
    st.caption(t("race.summary.caption"))


def _columns(step: int, tol: float) -> dict[str, Any]:
    """The summary's headers and help in the page's language (the frame's own column names stay English)."""
    text, number = st.column_config.TextColumn, st.column_config.NumberColumn
    return {
        "method": text(t("race.summary.method")),
        "lr": number(t("race.summary.lr"), format="%.4g"),
        f"loss at step {step}": number(t("race.summary.loss_at", step=step), format="%.4g"),
        "final loss": number(t("race.summary.final_loss"), format="%.4g"),
        "distance to minimum": text(t("race.summary.distance"), help=t("race.summary.distance_help")),
        "steps to tolerance": text(t("race.summary.steps_to_tol"), help=t("race.summary.steps_to_tol_help",
                                                                          tol=tol)),
        "diverged at step": text(t("race.summary.diverged_at")),
        "matches torch.optim": text(t("race.summary.matches"), help=t("race.summary.matches_help",
                                                                      tol=PARITY_TOL)),
        "path drift": text(t("race.summary.drift"), help=t("race.summary.drift_help")),
    }


def _inside(key: str, spec: RaceSpec, methods: list[str], step: int) -> None:
    if st.session_state[key] not in methods:
        st.session_state[key] = methods[0]
    name = st.columns([1, 2])[0].selectbox(t("race.inside.look_inside"), methods, key=key)
    k = min(step, spec.steps - 1)
    i = internals(spec, name, k)
    blurb = t(f"race.blurbs.{name}")
    st.markdown(t("race.inside.heading", name=name, t=i.t, step=k, next=k + 1, blurb=blurb))
    if i.frozen_at >= 0:
        st.info(t("race.inside.frozen", step=i.frozen_at))
        return
    worked = worked_update(i)
    if i.diverged:
        st.error(t("race.inside.diverged", at=i.diverged_at, limit=LOSS_LIMIT, far=FAR, step=k))
    cols = st.columns(2 + len(worked.corrections))
    cols[0].metric(t("race.inside.count"), i.t)
    cols[1].metric(t("race.inside.lr"), f"{i.lr:.4g}")
    for col, (label, factor) in zip(cols[2:], worked.corrections.items(), strict=True):
        col.metric(_correction(label), f"{factor:.4g}")
    left, right = st.columns([3, 2], gap="medium")
    columns = {c: st.column_config.NumberColumn(format="%.5g") for c in ("x", "y")}
    columns["quantity"] = st.column_config.TextColumn(t("race.inside.quantity"))
    left.dataframe(charts.internals_frame(i), hide_index=True, width="stretch", column_config=columns)
    right.caption(t("race.inside.effective_caption"))
    st.markdown(t("race.inside.rule"))
    st.latex(worked.rule)
    st.markdown(t("race.inside.numbers"))
    for line in worked.latex:
        st.latex(line)


def _line_slice(surface: Surface, paths: Mapping[str, Trajectory]) -> None:
    """The loss along the straight line from the start to where each method ended (a start that
    diverged at once has no line)."""
    slices = {name: run_slice(surface, path) for name, path in paths.items() if path.diverged_at[0] != 0}
    frame = charts.slice_frame(slices)
    st.markdown(t("race_slice.intro"))
    described(charts.slice_chart(frame, list(paths)), summaries.table(frame, "s", "loss"),
              summaries.slice_summary(slices, paths))


def _basins(grid_key: str, colour_key: str, spec: RaceSpec, surface: Surface) -> None:
    st.markdown(t("race.basins.intro"))
    left, middle, right = st.columns([2, 3, 3], vertical_alignment="bottom")
    grid = left.selectbox(t("race.basins.grid"), GRIDS, key=grid_key, format_func=lambda g: f"{g}×{g}")
    # Titles from a dict made during the run: a format_func called after it (as AppTest does) answers
    # in the page's language too. The browser keeps the choice as the text it shows: set it from here,
    # so it shows the text in the page's language after the language changes (as QueryState.choice does).
    titles = {"outcome": t("race.basins.by_outcome"), "steps": t("race.basins.by_steps")}
    st.session_state[colour_key] = st.session_state[colour_key]
    colour = middle.segmented_control(t("race.basins.colour_by"), COLOURS, required=True, key=colour_key,
                                      format_func=titles.__getitem__)
    assert colour is not None, "the key is seeded with a choice, and required=True keeps one chosen"
    allowed = within_budget(basins_estimate(spec, grid))
    if right.button(t("race.basins.compute"), type="primary", disabled=not allowed):
        st.session_state[BASINS_FOR] = (spec, grid)
    if not allowed:
        return
    if st.session_state.get(BASINS_FOR) != (spec, grid):
        st.info(t("race.basins.press", methods=len(spec.methods), starts=grid * grid, steps=spec.steps))
        return
    maps = basin_maps(spec, grid)
    success = charts.success_frame(maps)
    st.dataframe(success, hide_index=True, column_config={
        "method": st.column_config.TextColumn(t("race.summary.method")),
        "success rate": st.column_config.ProgressColumn(t("race.basins.success_rate"), min_value=0.0,
                                                        max_value=100.0, format=fmt.PERCENT_COLUMN),
        "diverged": st.column_config.NumberColumn(t("race.basins.diverged_share"),
                                                  format=fmt.PERCENT_COLUMN),
        "median steps to converge": st.column_config.NumberColumn(t("race.basins.median_steps"))})
    frame = charts.basins_frame(maps, surface)
    data = summaries.table(frame, "outcome") if colour == "outcome" else summaries.table(
        frame[frame["steps"] >= 0], "steps")  # as drawn: cells that never converged are blank by steps
    described(charts.basins_chart(frame, surface, colour, grid), data,
              summaries.basins_summary(maps, surface, colour), width="content")
    st.caption(t("race.basins.caption", tol=spec.options.tol or DEFAULT_TOL))


def export(qs: QueryState, spec: RaceSpec) -> None:
    """The race's settings as JSON and the same race as a plain PyTorch script, built only while the
    expander is open."""
    key = qs.field(*EXPORT)
    # An expander's identity includes its label, which follows the language: set its state from the
    # setting, so switching language keeps it open (as it keeps the link's `export`).
    st.session_state[key] = st.session_state[key]
    expander = st.expander(t("race.export.title"), key=key, on_change="rerun")
    if not expander.open:
        return
    surface, methods = spec.load(), spec.overrides()
    source = ({"surface": CUSTOM, "formula": spec.formula, "window": spec.window} if spec.surface == CUSTOM
              else {"surface": spec.surface})
    code = pytorch_code(surface, methods, spec.start, spec.steps, spec.options)
    with expander:
        left, right = st.columns(2)
        left.download_button(t("race.export.json"), settings_json(surface, methods, spec.start, spec.steps,
                                                                  spec.options, source),
                             "race.json", "application/json")
        right.download_button(t("race.export.pytorch"), code, "race.py", "text/x-python")
        st.caption(t("race.export.caption"))
        st.code(code, language="python")
