"""The race page's main area: the Race / Inside / Basins tabs.

It runs as one ``st.fragment``: stopping the map's player on a step, moving the Inside tab's step
slider or switching tabs redraws only this area. The map's Play and scrubber run in the browser
(:mod:`playground.ui.player`), so a replay reruns nothing; the step it stops on lands in the link.
Changes that alter the race itself (a click on the map moves the start) rerun the whole page.
Only the open tab runs, but every tab's settings are declared on every run, so the link keeps
them all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from playground.optim import METHODS
from playground.surfaces import Surface
from playground.trajectories import Trajectory, worked_update
from playground.trajectories.basins import DEFAULT_TOL
from playground.trajectories.export import pytorch_code, settings_json
from playground.trajectories.guard import FAR, LOSS_LIMIT
from playground.ui import format as fmt
from playground.ui.budget import within_budget
from playground.ui.player import clicked_at, player, stopped_at
from playground.ui.race import charts
from playground.ui.race.compute import (
    CUSTOM,
    PARITY_TOL,
    RaceSpec,
    basin_maps,
    basins_estimate,
    contour_grid,
    internals,
    torch_parity,
)
from playground.ui.race.controls import MAX_STEPS
from playground.ui.race.keys import BADGES, BASINS_FOR, CLICKED, NAMESPACE, PLAYER, SCRUB_END
from playground.ui.urlstate import QueryState

TABS = ("Race", "Inside the optimizer", "Basins")
GRIDS = (25, 50, 100)
EXPORT = ("export", False)  # the export expander is open
COLOURS = {"outcome": "where it ends", "steps": "steps taken"}  # what a basin map's colour shows


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
    grid_key = qs.field("grid", 50, choices=GRIDS)
    colour_key = qs.field("basin_colour", "outcome", choices=tuple(COLOURS))
    race_tab, inside_tab, basins_tab = st.tabs(TABS, key=qs.field("tab", TABS[0], choices=TABS),
                                               on_change="rerun")
    if race_tab.open is not False:
        with race_tab:
            _race(spec, surface, paths, st.session_state[step_key], tol)
    if inside_tab.open is not False:
        with inside_tab:
            step = st.slider("Step", 0, spec.steps, key=step_key,
                             help="The update inspected below is the one from this step to the next; the "
                                  "Race tab's player scrubs the same step.")
            _inside(inspect_key, spec, methods, step)
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


def _race(spec: RaceSpec, surface: Surface, paths: Mapping[str, Trajectory], step: int, tol: float) -> None:
    methods = list(paths)
    left, right = st.columns([4, 3], gap="medium")
    with left:
        grid = contour_grid(spec.surface, spec.formula, spec.window)
        player(charts.map_scene(grid, paths, surface, spec.start, step), key=PLAYER, on_stop=_stopped,
               on_click=lambda: _clicked(surface))
        st.caption("Darker = higher loss. ○ start, ★ known minima; each marker is a method at the shown "
                   "step. ▶ Play replays the race in your browser; the step you stop on sets the curves' "
                   "rule and the table. Click anywhere on the map to start there.")
    with right:
        curves = charts.curves_frame(paths)
        st.altair_chart(charts.curve_chart(curves, "loss", "loss f(θ)", step, methods),
                        width="stretch")
        st.altair_chart(charts.curve_chart(curves, "grad_norm", "gradient norm ‖∇f‖", step, methods),
                        width="stretch")
        st.caption("Log scales: a straight downward line is steady (linear) convergence; flat stretches "
                   "are plateaus or ravines where a method crawls.")
        if spec.options.plateau or spec.options.schedule.kind != "constant":
            st.altair_chart(charts.curve_chart(charts.lrs_frame(paths), "lr", "learning rate η(t)", step,
                                               methods, height=180), width="stretch")
            st.caption("The learning rate each method used for the step from t to t + 1: its own η times "
                       "the schedule's multiplier (or the plateau's cuts, per method).")
    _summary(spec, surface, paths, step, tol)
    st.caption("What to look for: SGD crawls along flat valleys; momentum builds speed (and overshoots); "
               "AdaGrad/RMSprop/Adam rescale each coordinate, so they take similar-sized steps in steep and "
               "flat directions. Try a larger learning rate until a method diverges.")


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
    st.caption("Matching torch.optim means taking the same step: at every step torch.optim is handed this "
               "point and this optimizer's state and takes one step of its own. The path drift is how far "
               "torch.optim's own whole path ends up from ours: on rugged or ill-conditioned surfaces a "
               "difference in the last digit at one step can grow into a different path, even between two "
               "correct implementations.")


def _columns(step: int, tol: float) -> dict[str, Any]:
    return {
        "lr": st.column_config.NumberColumn("lr η", format="%.4g"),
        f"loss at step {step}": st.column_config.NumberColumn(format="%.4g"),
        "final loss": st.column_config.NumberColumn(format="%.4g"),
        "distance to minimum": st.column_config.TextColumn(help="From the final point to the nearest known "
                                                                "minimum"),
        "steps to tolerance": st.column_config.TextColumn(help=f"First step with ‖∇f‖ < {tol:g}"),
        "matches torch.optim": st.column_config.TextColumn(
            help="At every step, torch.optim started from our point and our optimizer state; ✓ when each of "
                 f"its steps lands within {PARITY_TOL:g} of ours (the largest difference is shown)"),
        "path drift": st.column_config.TextColumn(
            help="Largest distance between our path and the one torch.optim walks on its own from the start"),
    }


def _inside(key: str, spec: RaceSpec, methods: list[str], step: int) -> None:
    if st.session_state[key] not in methods:
        st.session_state[key] = methods[0]
    name = st.columns([1, 2])[0].selectbox("Look inside", methods, key=key)
    k = min(step, spec.steps - 1)
    i = internals(spec, name, k)
    st.markdown(f"**{name}**, update number t = {i.t}: from step {k} to step {k + 1}. "
                f"{METHODS[name].blurb}")
    if i.frozen_at >= 0:
        st.info(f"This path stopped moving at step {i.frozen_at} (it diverged or reached the tolerance). "
                "Scrub to an earlier step to see the optimizer at work.")
        return
    worked = worked_update(i)
    if i.diverged:
        st.error(f"**This step diverged** (the run diverged at step {i.diverged_at}): the update worked "
                 f"out below lands where the loss is undefined, infinite or beyond ±{LOSS_LIMIT:g}, or "
                 f"more than {FAR:g} windows away, so the path stays at step {k}'s point from here on.")
    cols = st.columns(2 + len(worked.corrections))
    cols[0].metric("step count t", i.t)
    cols[1].metric("learning rate η", f"{i.lr:.4g}")
    for col, (label, factor) in zip(cols[2:], worked.corrections.items(), strict=True):
        col.metric(label, f"{factor:.4g}")
    left, right = st.columns([3, 2], gap="medium")
    left.dataframe(charts.internals_frame(i), hide_index=True, width="stretch",
                   column_config={c: st.column_config.NumberColumn(format="%.5g") for c in ("x", "y")})
    right.caption("The effective step −Δθ/g is how far a unit of gradient moved the point: η for plain SGD; "
                  "momentum and adaptive denominators make it larger or smaller per coordinate. Compare the "
                  "x and y columns: adaptive methods equalise steps where the gradients differ a lot.")
    st.markdown("The rule, as torch.optim implements it with these settings:")
    st.latex(worked.rule)
    st.markdown("This step, with its numbers (vectors are (x, y), operations per coordinate; ∇f is the "
                "gradient the rule received, after any noise and clipping):")
    for line in worked.latex:
        st.latex(line)


def _basins(grid_key: str, colour_key: str, spec: RaceSpec, surface: Surface) -> None:
    st.markdown("Start every method from every cell of a grid and colour the cell by where the run ends. "
                "Borders between colours are where a tiny change of start changes the outcome.")
    left, middle, right = st.columns([2, 3, 3], vertical_alignment="bottom")
    grid = left.selectbox("Grid", GRIDS, key=grid_key, format_func=lambda g: f"{g}×{g}")
    colour = middle.segmented_control("Colour by", tuple(COLOURS), required=True, key=colour_key,
                                      format_func=lambda c: COLOURS[c])
    assert colour is not None, "the key is seeded with a choice, and required=True keeps one chosen"
    allowed = within_budget(basins_estimate(spec, grid))
    if right.button("Compute basin map", type="primary", disabled=not allowed):
        st.session_state[BASINS_FOR] = (spec, grid)
    if not allowed:
        return
    if st.session_state.get(BASINS_FOR) != (spec, grid):
        st.info(f"Press **Compute basin map** to race {len(spec.methods)} methods from {grid * grid:,} "
                f"starts each ({spec.steps} steps).")
        return
    maps = basin_maps(spec, grid)
    success = charts.success_frame(maps)
    st.dataframe(success, hide_index=True, column_config={
        "success rate": st.column_config.ProgressColumn(format=fmt.PERCENT_COLUMN, min_value=0.0,
                                                        max_value=100.0),
        "diverged": st.column_config.NumberColumn(format=fmt.PERCENT_COLUMN)})
    frame = charts.basins_frame(maps, surface)
    st.altair_chart(charts.basins_chart(frame, surface, colour, grid), width="content")
    st.caption(f"Converged = the gradient norm fell below the tolerance "
               f"({spec.options.tol or DEFAULT_TOL:g}) near a known minimum. Grey: stalled or still "
               "travelling; black: diverged.")


def export(qs: QueryState, spec: RaceSpec) -> None:
    """The race's settings as JSON and the same race as a plain PyTorch script, built only while the
    expander is open."""
    expander = st.expander("Export this race: settings, PyTorch code", key=qs.field(*EXPORT),
                           on_change="rerun")
    if not expander.open:
        return
    surface, methods = spec.load(), spec.overrides()
    source = ({"surface": CUSTOM, "formula": spec.formula, "window": spec.window} if spec.surface == CUSTOM
              else {"surface": spec.surface})
    code = pytorch_code(surface, methods, spec.start, spec.steps, spec.options)
    with expander:
        left, right = st.columns(2)
        left.download_button("Settings (JSON)", settings_json(surface, methods, spec.start, spec.steps,
                                                              spec.options, source),
                             "race.json", "application/json")
        right.download_button("Copy as PyTorch (.py)", code, "race.py", "text/x-python")
        st.caption("Copy as PyTorch: torch.optim's own classes replay this race, with autograd gradients, "
                   "the same noise draws, clipping, schedule and stopping, and print each final point.")
        st.code(code, language="python")
