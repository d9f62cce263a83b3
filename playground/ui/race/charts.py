"""Data frames and altair charts of the optimizer race: pure functions, so tests check the data.

Every frame is built from engine output, which is finite by construction; the few derived
values that could be undefined (a log of 0, a distance with no known minimum) are floored or
left empty (None), never NaN or inf. The one exception is a start where f itself is undefined
or too large (it diverged at step 0): the engine has no reading there, so the table shows the
true f(start), inf or NaN included, and the curves leave that method out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from playground.surfaces import Surface
from playground.surfaces.levels import Field
from playground.trajectories import DIVERGED, STALLED, BasinMap, Internals, LineSlice, Parity, Trajectory
from playground.ui import format as fmt
from playground.ui.i18n import t
from playground.ui.player import Arrows, Contours, Mark, Scene, Series, Words
from playground.ui.theme import LOSS_RAMP, MINIMUM_COLOR, color_of, shape_of
from playground.ui.vega import Spec, memo, template

MAX_POINTS = 400       # per method and chart: longer runs are thinned (the last step always kept)
GRID = 70              # a click on the map starts at the centre of one of GRID × GRID cells
FIELD = 100            # the map's shading samples f on FIELD × FIELD cells (the browser smooths between them)
FLOOR = 1e-12          # log-scale charts show values below this at this value
OUTCOME_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#F0E442", "#D55E00")
#: A dash pattern per method on the curves, so lines differ by more than colour (solid first).
DASHES = ((1, 0), (6, 3), (2, 2), (8, 3, 2, 3), (4, 4), (1, 4), (10, 4), (6, 2, 2, 2, 2, 2))
MARKERS = 8            # point markers per method on a curve, staggered so methods' markers do not stack
#: The map's arrows: the plain gradient step, the momentum step and the update taken (Okabe–Ito).
ARROW_COLOURS = ("#D55E00", "#0072B2", "#000000")
ARROW_SHARE = 0.25     # each step's longest arrow (or semi-axis) is at most this share of the map's width
RULE_COLOR = "#888888"  # the scrubbed step's rule: a mid grey, seen on the light and the dark theme
#: The basin maps sit on a fixed light card, as the race map does: their black (diverged) cells and the
#: marks written on the regions read the same on Streamlit's light and dark themes.
CARD, INK = "#FFFFFF", "#31333F"


def method_scales(methods: Sequence[str]) -> tuple[alt.Scale, alt.Scale, alt.Scale]:
    """Colour, marker shape and dash pattern per method, by position in the race (distinct for up
    to 8 methods; the shapes are the race map's markers)."""
    methods = list(methods)
    return (alt.Scale(domain=methods, range=[color_of(i) for i in range(len(methods))]),
            alt.Scale(domain=methods, range=[shape_of(i) for i in range(len(methods))]),
            alt.Scale(domain=methods, range=[list(DASHES[i % len(DASHES)]) for i in range(len(methods))]))


def markers(frame: pd.DataFrame, methods: Sequence[str]) -> pd.DataFrame:
    """The rows of ``frame`` that carry a point marker on the curves: about MARKERS per method,
    evenly spaced, each method's shifted by a fraction of the spacing."""
    rows = []
    for i, name in enumerate(methods):
        own = frame[frame["method"] == name]
        stride = max(1, len(own) // MARKERS)
        rows.append(own.iloc[(i * stride) // max(len(methods), 1)::stride])
    return pd.concat(rows) if rows else frame.iloc[:0]


def thinned(steps: int, upto: int | None = None) -> np.ndarray:
    """At most MAX_POINTS step indices from 0 to ``upto`` (default: all), always with both ends."""
    upto = steps if upto is None else upto
    stride = max(1, int(np.ceil((upto + 1) / MAX_POINTS)))
    return np.unique(np.append(np.arange(0, upto + 1, stride), upto))


def map_scene(field: Field, paths: Mapping[str, Trajectory], surface: Surface,
              start: tuple[float, float], step: int, arrows: Arrows | None = None) -> Scene:
    """The race map for the step player: f shaded smoothly with iso-lines (on a log scale of
    f − min f where the surface asks for one), each method's whole path (thinned) with the step of
    every point, the start (ring) and the known minima (stars). The browser draws any step from it."""
    series = []
    for i, (name, path) in enumerate(paths.items()):
        k = thinned(path.steps)
        x, y = path.positions[k, 0, 0], path.positions[k, 0, 1]
        series.append(Series(name, color_of(i), shape_of(i), k, x, y))
    marks = [Mark(start[0], start[1], "circle", 11, "black")]
    marks += [Mark(x, y, "star", 9, "black", MINIMUM_COLOR) for x, y in surface.minima]
    label = "f − min f" if field.log else "f(x, y)"
    contours = Contours(field.z, field.lo, field.hi, LOSS_RAMP, field.lines.tolist(),
                        [fmt.number(v) for v in field.values], label)
    lines = len(field.lines)
    scale = t("race_contours.scale_log", lines=lines) if field.log else t("race_contours.scale", lines=lines)
    words = Words(description=t("race.charts.map", surface=surface.name, paths=len(paths)), bands=scale)
    steps = max(path.steps for path in paths.values())
    return Scene(surface.domain, ("x", "y"), contours, series, marks, range(steps + 1), min(step, steps),
                 words, clickable=True, arrows=arrows, square=True)


def state_arrows(states: Sequence[Internals], surface: Surface) -> Arrows:
    """The map's arrows for one method, at every step (thinned as the paths are): from θ_k, the
    plain gradient step −η∇f, the momentum step −η·m (methods with a first moment) and the update
    Δθ the engine applied; for adaptive methods (a second moment), an ellipse whose semi-axes are
    the effective step sizes −Δθ_i/g_i times ‖g‖: how far a gradient of this size moves the point
    along each axis. Each step's vectors share one scale, a 1-2-5 number."""
    k = thinned(len(states) - 1)
    picked = [states[i] for i in k]
    lr = np.array([i.lr for i in picked])[:, None]
    vectors = [-lr * np.array([i.gradient for i in picked])]
    labels, colours = [t("race_arrows.gradient")], [ARROW_COLOURS[0]]
    if picked[0].first_moment is not None:
        vectors.append(-lr * np.array([i.first_moment for i in picked]))
        labels.append(t("race_arrows.momentum"))
        colours.append(ARROW_COLOURS[1])
    vectors.append(np.array([i.update for i in picked]))
    labels.append(t("race_arrows.update"))
    colours.append(ARROW_COLOURS[2])
    axes = None
    if picked[0].second_moment is not None:
        norms = np.array([np.linalg.norm(i.gradient) for i in picked])[:, None]
        axes = np.abs(np.array([i.effective_step for i in picked])) * norms
    longest = np.max([np.linalg.norm(v, axis=1) for v in vectors], axis=0)
    if axes is not None:
        longest = np.maximum(longest, axes.max(axis=1))
    width = surface.domain[0][1] - surface.domain[0][0]
    position = np.array([i.position for i in picked])
    scale = nice_scale(ARROW_SHARE * width, longest)
    return Arrows(k, position[:, 0], position[:, 1], vectors, labels, colours, scale, t("race_arrows.scale"),
                  axes)


def nice_scale(target: float, lengths: np.ndarray) -> np.ndarray:
    """Per length, the largest 1-2-5 number k (…, 0.5, 1, 2, 5, 10, …) with k·length ≤ target (1 for
    a zero length): a scale a student can read off at a glance."""
    safe = np.where(lengths > 0, lengths, target)
    raw = target / safe
    power = 10.0 ** np.floor(np.log10(raw))
    mantissa = raw / power
    return np.where(lengths > 0, power * np.select([mantissa >= 5, mantissa >= 2], [5.0, 2.0], 1.0), 1.0)


def cell_centre(surface: Surface, x: float, y: float, n: int = GRID) -> tuple[float, float]:
    """The centre of the map cell holding (x, y), rounded to 3 decimals (plenty for a start)."""
    (x0, x1), (y0, y1) = surface.domain
    dx, dy = (x1 - x0) / n, (y1 - y0) / n
    i = min(max(int((x - x0) // dx), 0), n - 1)
    j = min(max(int((y - y0) // dy), 0), n - 1)
    return round(x0 + (i + 0.5) * dx, 3), round(y0 + (j + 0.5) * dy, 3)


def curves_frame(paths: Mapping[str, Trajectory]) -> pd.DataFrame:
    """Loss and true gradient norm per method and step (thinned), for the curve charts. A start
    that diverged at step 0 has no readings to draw (the engine's are placeholders)."""
    frames = []
    for name, path in paths.items():
        if path.diverged_at[0] == 0:
            continue
        k = thinned(path.steps)
        frames.append(pd.DataFrame({"method": name, "step": k, "loss": path.losses[k, 0],
                                    "grad_norm": np.maximum(path.grad_norms[k, 0], FLOOR)}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        {"method": [], "step": [], "loss": [], "grad_norm": []})


def lrs_frame(paths: Mapping[str, Trajectory]) -> pd.DataFrame:
    """The learning rate η(t) each method used for the update from step t to t + 1 (thinned)."""
    frames = []
    for name, path in paths.items():
        k = thinned(path.steps - 1)
        frames.append(pd.DataFrame({"method": name, "step": k, "lr": path.lrs[k, 0]}))
    return pd.concat(frames, ignore_index=True)


def curve_chart(frame: pd.DataFrame, field: str, title: str, step: int, methods: Sequence[str],
                height: int = 240) -> Spec:
    """``field`` against step on a log axis (symlog where values reach 0 or below), with a rule at
    the scrubbed step. Each method's line has its own dash and carries its race-map marker. The
    chart's title names the axis: a long vertical axis title would squeeze a short chart's plot."""
    log = bool((frame[field] > 0).all())
    words = (t("race.charts.step"), t("race.charts.method"))
    return Spec(_curve_template(field, title, tuple(methods), height, log, words),
                {"lines": frame, "rule": pd.DataFrame({"step": [step]}), "points": markers(frame, methods)})


@template
def _curve_template(field: str, title: str, methods: tuple[str, ...], height: int, log: bool,
                    words: tuple[str, str]) -> alt.LayerChart | alt.FacetChart:
    colors, shapes, dashes = method_scales(methods)
    scale = alt.Scale(type="log" if log else "symlog")
    step_title, method_title = words
    lines = alt.Chart(alt.NamedData(name="lines"), title=title).mark_line(strokeWidth=2).encode(
        x=alt.X("step:Q", title=step_title), y=alt.Y(f"{field}:Q", scale=scale, title=None),
        color=alt.Color("method:N", scale=colors, legend=None),
        strokeDash=alt.StrokeDash("method:N", scale=dashes, legend=None),
        tooltip=[alt.Tooltip("method:N", title=method_title),
                 alt.Tooltip("step:Q", title=step_title),
                 alt.Tooltip(f"{field}:Q", format=".4g", title=title)])
    rule = alt.Chart(alt.NamedData(name="rule")).mark_rule(color=RULE_COLOR, strokeDash=[4, 3]).encode(
        x="step:Q")
    points = alt.Chart(alt.NamedData(name="points")).mark_point(filled=True, size=45, opacity=1).encode(
        x="step:Q", y=alt.Y(f"{field}:Q", scale=scale),
        color=alt.Color("method:N", scale=colors, legend=None),
        shape=alt.Shape("method:N", scale=shapes, legend=None))
    return alt.layer(lines, rule, points).properties(height=height)


def slice_frame(slices: Mapping[str, LineSlice]) -> pd.DataFrame:
    """Each method's line from the start to its end: the point (x, y), s and f there (NaN where f is
    undefined, which the chart leaves as a gap)."""
    frames = [pd.DataFrame({"method": name, "s": line.s, "x": line.points[:, 0], "y": line.points[:, 1],
                            "loss": line.loss}) for name, line in slices.items()]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        {"method": [], "s": [], "x": [], "y": [], "loss": []})


def slice_chart(frame: pd.DataFrame, methods: Sequence[str]) -> Spec:
    """The loss against s, 0 at the start and 1 at each method's end, a line per method in its race
    colour, dash and marker: a hump above the start is a ridge on the straight way there."""
    words = (t("race_slice.axis"), t("race_slice.title"), t("race.charts.method"), t("race.charts.loss"),
             _ends_expr())
    return Spec(_slice_template(tuple(methods), words), {"lines": frame, "points": markers(frame, methods)})


@template
def _slice_template(methods: tuple[str, ...],
                    words: tuple[str, str, str, str, str]) -> alt.LayerChart | alt.FacetChart:
    colors, shapes, dashes = method_scales(methods)
    axis_title, title, method_title, loss_title, ends = words
    s_axis = alt.X("s:Q", scale=alt.Scale(domain=[0, 1], nice=False),
                   axis=alt.Axis(values=[0, 0.25, 0.5, 0.75, 1], labelExpr=ends), title=axis_title)
    lines = alt.Chart(alt.NamedData(name="lines"), title=title).mark_line(strokeWidth=2).encode(
        x=s_axis, y=alt.Y("loss:Q", title=loss_title),
        # No outline on the legend's symbols: the methods' dash patterns would notch them.
        color=alt.Color("method:N", scale=colors,
                        legend=alt.Legend(title=None, orient="bottom", symbolStrokeWidth=0)),
        strokeDash=alt.StrokeDash("method:N", scale=dashes, legend=None),
        tooltip=[alt.Tooltip("method:N", title=method_title), alt.Tooltip("s:Q", format=".2f"),
                 alt.Tooltip("loss:Q", format=".4g", title=loss_title)])
    points = alt.Chart(alt.NamedData(name="points")).mark_point(filled=True, size=45, opacity=1).encode(
        x="s:Q", y="loss:Q", color=alt.Color("method:N", scale=colors, legend=None),
        shape=alt.Shape("method:N", scale=shapes, legend=None))
    return alt.layer(lines, points).properties(height=260)


def _ends_expr() -> str:
    """A Vega label expression naming s = 0 and s = 1 in the page's language (other ticks as numbers)."""
    start, end = (text.replace("'", "\\'") for text in (t("race_slice.start"), t("race_slice.end")))
    return f"datum.value == 0 ? '{start}' : datum.value == 1 ? '{end}' : datum.label"


def summary_frame(paths: Mapping[str, Trajectory], surface: Surface, step: int, tol: float,
                  parity: Mapping[str, Parity | None], parity_tol: float) -> pd.DataFrame:
    """One row per method: its learning rate, loss now and at the end, distance to the nearest
    known minimum, when it first got the gradient norm below ``tol``, when it diverged, whether
    torch.optim takes the same steps, and how far its own path drifts from ours."""
    rows = []
    for name, path in paths.items():
        k = min(step, path.steps)
        _, distance = surface.nearest_minimum(*path.positions[-1, 0])
        at_start = bool(path.diverged_at[0] == 0)
        # Diverged at step 0: the engine's readings are placeholders, so show f where it is undefined.
        start_loss = float(surface.value(*path.positions[0, 0])) if at_start else None
        reached = path.reached(tol)
        check = parity.get(name)
        rows.append({
            "method": name, "lr": path.hyperparameters["lr"],
            f"loss at step {k}": path.losses[k, 0] if start_loss is None else start_loss,
            "final loss": path.losses[-1, 0] if start_loss is None else start_loss,
            "distance to minimum": (f"{distance:.3g}" if np.isfinite(distance)
                                    else t("race.summary.no_minimum")),
            "steps to tolerance": (t("race.summary.diverged_at_start") if at_start
                                   else t("race.summary.not_reached") if reached is None else str(reached)),
            "diverged at step": (f"0: f(start) = {start_loss:g}" if start_loss is not None
                                 else str(path.diverged_at[0]) if path.diverged_at[0] >= 0 else "—"),
            "matches torch.optim": parity_badge(check, parity_tol),
            "path drift": "…" if check is None else f"{check.drift:.1e}",
        })
    return pd.DataFrame(rows)


def parity_badge(check: Parity | None, tol: float) -> str:
    """✓ or ✗ with the largest per-step difference from torch.optim; None: not known yet."""
    if check is None:
        return t("race.summary.checking")
    if check.compared == 0:
        return t("race.summary.nothing_to_compare")
    return t("race.summary.badge", mark="✓" if check.matches(tol) else "✗", diff=check.step)


def internals_frame(i: Internals) -> pd.DataFrame:
    """The optimizer's vectors at this step, one row per quantity, columns x and y."""
    rows = [(t("race.inside.position"), i.position), (t("race.inside.gradient"), i.gradient)]
    if i.first_moment is not None:
        rows.append((t("race.inside.first_moment"), i.first_moment))
    if i.second_moment is not None:
        rows.append((t("race.inside.second_moment"), i.second_moment))
    if not i.diverged:  # a diverged step was not taken: its Δθ = 0 would read as a standstill
        rows += [(t("race.inside.update"), i.update), (t("race.inside.effective_step"), i.effective_step)]
    return pd.DataFrame([{"quantity": name, "x": float(v[0]), "y": float(v[1])} for name, v in rows])


def outcome_names(surface: Surface) -> dict[int, str]:
    names = {k: t("race.basins.minimum", number=k + 1, x=x, y=y) for k, (x, y) in enumerate(surface.minima)}
    return {**names, DIVERGED: t("race.basins.diverged"), STALLED: t("race.basins.stalled")}


def basins_frame(maps: Mapping[str, BasinMap], surface: Surface) -> pd.DataFrame:
    """Long form of the basin maps: method, start (x, y), outcome, steps to converge (-1: never)."""
    names = outcome_names(surface)
    frames = []
    for name, b in maps.items():
        gx, gy = np.meshgrid(b.xs, b.ys)
        outcome = [names[v] for v in b.label.ravel()]
        frames.append(pd.DataFrame({"method": name, "x": gx.ravel(), "y": gy.ravel(), "outcome": outcome,
                                    "steps": b.steps.ravel()}))
    return pd.concat(frames, ignore_index=True)


@memo
def basins_chart(frame: pd.DataFrame, surface: Surface, field: str, grid: int, size: int = 230,
                 columns: int = 3) -> alt.FacetChart:
    """Small multiples, one per method, on a fixed light card: each start's cell coloured by where it
    ended (``field="outcome"``, each region also marked with its outcome's :func:`glyph`) or by how
    many steps it took to converge (``field="steps"``)."""
    (x0, x1), (y0, y1) = surface.domain
    names = list(outcome_names(surface).values())
    if field == "outcome":
        palette = [OUTCOME_COLORS[k % len(OUTCOME_COLORS)] for k in range(len(surface.minima))]
        color = alt.Color("outcome:N", scale=alt.Scale(domain=names, range=[*palette, "#000000", "#BBBBBB"]),
                          legend=alt.Legend(title=t("race.basins.ends_in"), orient="bottom", columns=3,
                                            labelLimit=260))
        data = frame.assign(mark=region_marks(frame, surface, grid, size / grid))
    else:
        color = alt.Color("steps:Q", scale=alt.Scale(scheme="viridis", reverse=True),
                          legend=alt.Legend(title=t("race.basins.steps_to_converge"), orient="bottom"))
        data = frame[frame["steps"] >= 0]  # cells that never converged stay blank
    cell = size / grid + 0.5  # a hair of overlap hides the seams between cells
    base = alt.Chart(data).mark_rect(width=cell, height=cell).encode(
        x=alt.X("x:Q", scale=alt.Scale(domain=[x0, x1], nice=False), title="x"),
        y=alt.Y("y:Q", scale=alt.Scale(domain=[y0, y1], nice=False), title="y"),
        color=color, tooltip=[alt.Tooltip("method:N", title=t("race.charts.method")),
                              alt.Tooltip("x:Q", format=".2f"), alt.Tooltip("y:Q", format=".2f"),
                              alt.Tooltip("outcome:N", title=t("race.basins.ends_in")),
                              alt.Tooltip("steps:Q", title=t("race.basins.steps_to_converge"))],
    )
    layers = [base]
    if field == "outcome":  # each region's mark: black on a white halo, readable on every colour
        text = alt.Chart().encode(x="x:Q", y="y:Q", text="mark:N").transform_filter("datum.mark != ''")
        halo = text.mark_text(fontSize=12, fontWeight="bold", fill="white", stroke="white", strokeWidth=3,
                              strokeJoin="round")
        layers += [halo, text.mark_text(fontSize=12, fontWeight="bold", fill="black")]
    chart = alt.layer(*layers, data=data).properties(width=size, height=size).facet(
        facet=alt.Facet("method:N", title=None, sort=list(dict.fromkeys(frame["method"]))), columns=columns)
    return chart.configure(background=CARD, padding=8).configure_axis(
        labelColor=INK, titleColor=INK, domainColor=INK, tickColor=INK).configure_legend(
        labelColor=INK, titleColor=INK).configure_header(labelColor=INK, titleColor=INK)


def glyph(label: int) -> str:
    """The mark an outcome's region carries besides its colour: the minimum's number, ✕ or –."""
    return str(label + 1) if label >= 0 else "✕" if label == DIVERGED else "–"


def region_marks(frame: pd.DataFrame, surface: Surface, grid: int, cell: float,
                 size: float = 14.0) -> list[str]:
    """A mark per row of :func:`basins_frame`'s ``frame`` ("" for most): on each method's map, the
    outcome's :func:`glyph` on the cell deepest inside its widest patch, for each outcome with a
    patch wide enough for a ``size``-pixel mark when a cell is ``cell`` pixels wide."""
    codes = {name: code for code, name in outcome_names(surface).items()}
    marks = np.full(len(frame), "", dtype=object)
    for name in dict.fromkeys(frame["method"]):
        rows = np.flatnonzero((frame["method"] == name).to_numpy())
        labels = frame["outcome"].iloc[rows].map(codes).to_numpy().reshape(grid, grid)
        for value in np.unique(labels):
            inside = labels == value
            depth = np.zeros(labels.shape, int)
            while inside.any():  # peel the patch a cell at a time: a cell's depth is the peels it survives
                depth += inside
                padded = np.pad(inside, 1, constant_values=False)
                inside &= padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2] & padded[1:-1, 2:]
            if (2 * depth.max() - 1) * cell >= size:
                marks[rows[int(np.argmax(depth))]] = glyph(int(value))
    return list(marks)


def success_frame(maps: Mapping[str, BasinMap]) -> pd.DataFrame:
    """Per method: the share of starts converged and diverged (percentage points), and the median
    steps the converged ones took."""
    rows = []
    for name, b in maps.items():
        converged = b.steps[b.label >= 0]
        converged = converged[converged >= 0]
        rows.append({"method": name, "success rate": fmt.points(b.success_rate),
                     "diverged": fmt.points(float(np.mean(b.label == DIVERGED))),
                     "median steps to converge": float(np.median(converged)) if len(converged) else None})
    return pd.DataFrame(rows)
