"""The race's 3-D view: the surface as a Plotly mesh with each method's path on it, at the scrubbed step.

Pure (no Streamlit calls), so tests check the figure's data. The mesh's height is the value the 2-D
map shades, ``log10(f − min f)`` on a log surface and f otherwise (:mod:`playground.surfaces.levels`),
in the map's colour ramp with iso-lines at the map's levels, so the two pictures agree. The paths are
the map's thinned points, in the map's colours: bright up to the scrubbed step (where each method's
marker stands, as on the map), faint after it. Each point sits at the colour value of f there, or on
the mesh where the mesh passes above that: on a log scale a minimum's funnel and a valley's crease
are narrower than a cell, the mesh spans them with a straight face, and a path under it would be
hidden. The browser rotates and zooms the figure itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import plotly.graph_objects as go

from playground.surfaces import Surface, levels
from playground.surfaces.levels import Field
from playground.trajectories import Trajectory
from playground.ui import format as fmt
from playground.ui.i18n import t
from playground.ui.race.charts import thinned
from playground.ui.theme import LOSS_RAMP, MINIMUM_COLOR, color_of, shape_of

GRID = 60          # the mesh samples f on GRID × GRID cells: smooth enough to rotate, small enough to send
HEIGHT = 520       # the figure's height in pixels
LIFT = 0.015       # marks float this share of the height range above where they rest: the mesh hides none
NO_BOX = "<extra></extra>"  # a hover label without Plotly's second box (the trace's name again)
INK = "#31333F"    # iso-lines and the start ring: dark on the light ramp, which every mark sits on
#: Plotly's 3-D markers have no triangles, wedges or strokes: the map's first four shapes carry over,
#: the others become open shapes, so each method's marker still differs by more than colour.
SYMBOLS = {"circle": "circle", "square": "square", "diamond": "diamond", "cross": "cross",
           "triangle-up": "circle-open", "triangle-down": "square-open", "wedge": "diamond-open",
           "stroke": "x"}
COLOURSCALE = [[i / (len(LOSS_RAMP) - 1), colour] for i, colour in enumerate(LOSS_RAMP)]
Height = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (x, y) → a height on the figure's z axis


def height_scale(field: Field, surface: Surface) -> Height:
    """The colour value ``field`` gives f at points (x, y): the surface's true height there. Its log
    floor and min f are the grid's, as the map's are; an f beyond the grid's range is held at its end
    (where the map's colours stop too), and an undefined f stays NaN."""
    grid = np.asarray(surface.value(*np.meshgrid(field.x, field.y)), dtype=float).ravel()
    known = grid[np.isfinite(grid)]

    def height(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        f = np.asarray(surface.value(x, y), dtype=float)
        if len(known):
            # Within the grid's range the points leave its min and max alone: the scale stays the map's.
            f = np.clip(f, known.min(), known.max())
        return levels.colour_value(np.concatenate([grid, f.ravel()]), field.log)[len(grid):].reshape(f.shape)

    return height


def mesh_height(field: Field, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The mesh's height at (x, y) as Plotly draws it: ``field.z`` interpolated bilinearly between the
    grid's points (held at its edge beyond them; NaN next to an undefined point)."""
    fx, fy = (np.interp(v, centres, np.arange(len(centres))) for v, centres in ((x, field.x), (y, field.y)))
    i, j = (np.minimum(f.astype(int), len(c) - 2) for f, c in ((fx, field.x), (fy, field.y)))
    u, v, z = fx - i, fy - j, field.z
    return ((1 - v) * ((1 - u) * z[j, i] + u * z[j, i + 1])
            + v * ((1 - u) * z[j + 1, i] + u * z[j + 1, i + 1]))


def resting_height(field: Field, surface: Surface) -> Height:
    """Where a point of a path rests: its true height (:func:`height_scale`), or the mesh's where the
    mesh is higher, so no point is hidden under the surface."""
    exact = height_scale(field, surface)
    return lambda x, y: np.fmax(exact(x, y), mesh_height(field, x, y))


def axis_title(field: Field) -> str:
    """What the height stands for, in the page's language."""
    return t("race_3d.axis_log") if field.log else t("race_3d.axis")


def figure(field: Field, paths: Mapping[str, Trajectory], surface: Surface, start: tuple[float, float],
           step: int) -> go.Figure:
    """The surface (``field`` on a GRID-cell grid) with every path, each drawn up to ``step`` (the map's
    scrubbed step) bright with its marker there and faint after it; the start ring and known minima."""
    lift, height = LIFT * ((field.hi - field.lo) or 1.0), resting_height(field, surface)
    traces: list[go.Scatter3d | go.Surface] = [_mesh(field)]
    step_word = t("race.charts.step")
    for i, (name, path) in enumerate(paths.items()):
        k = thinned(path.steps)
        x, y = path.positions[k, 0, 0], path.positions[k, 0, 1]
        # float32 and int32 halve the bytes sent: seven digits are far finer than a screen's pixels
        x, y, z = (np.asarray(v, dtype=np.float32) for v in (x, y, height(x, y) + lift))
        k = k.astype(np.int32)
        # the last point reached by the step, where the map puts the method's marker
        now = int(np.searchsorted(k, step, side="right")) - 1
        drawn, ahead, marker = slice(0, now + 1), slice(now, None), slice(now, now + 1)
        common = {"name": name, "legendgroup": name, "hovertemplate":
                  f"<b>{name}</b><br>{step_word} %{{customdata}}<br>x = %{{x:.4g}}, y = %{{y:.4g}}" + NO_BOX}
        line = {"color": color_of(i), "width": 6}
        traces += [
            go.Scatter3d(x=x[drawn], y=y[drawn], z=z[drawn], customdata=k[drawn], mode="lines", line=line,
                         meta="drawn", **common),
            go.Scatter3d(x=x[ahead], y=y[ahead], z=z[ahead], customdata=k[ahead], mode="lines",
                         line={**line, "width": 2}, opacity=0.4, showlegend=False, meta="ahead", **common),
            go.Scatter3d(x=x[marker], y=y[marker], z=z[marker], customdata=k[marker], mode="markers",
                         showlegend=False, meta="now", **common,
                         marker={"symbol": SYMBOLS[shape_of(i)], "size": 6, "color": color_of(i),
                                 "line": {"color": "white", "width": 1}})]
    traces += _marks(surface, start, height, lift)
    return go.Figure(traces, _layout(field, surface, lift))


def _mesh(field: Field) -> go.Surface:
    """The surface in the map's ramp, with the map's iso-lines drawn on it."""
    lines = field.lines
    contours = {}
    if len(lines):  # the map's lines are evenly spaced: Plotly draws them from a start, an end and a size
        size = float(lines[1] - lines[0]) if len(lines) > 1 else 1.0
        contours = {"z": {"show": True, "start": float(lines[0]), "end": float(lines[-1]), "size": size,
                          "color": INK, "width": 1}}
    return go.Surface(x=field.x, y=field.y, z=field.z.astype(np.float32), colorscale=COLOURSCALE,
                      cmin=field.lo, cmax=field.hi, showscale=False, contours=contours, hoverinfo="skip")


def _marks(surface: Surface, start: tuple[float, float], height: Height, lift: float) -> list[go.Scatter3d]:
    """The start (a ring) and the known minima (white diamonds outlined in ink), on the surface."""
    sx, sy = np.array([start[0]]), np.array([start[1]])
    marks = [go.Scatter3d(x=sx, y=sy, z=height(sx, sy) + lift, mode="markers", name=t("race_3d.start"),
                          showlegend=False, hovertemplate="%{fullData.name}" + NO_BOX,
                          marker={"symbol": "circle-open", "size": 9, "color": INK, "line": {"width": 3}})]
    if surface.minima:
        mx, my = (np.array(v, dtype=float) for v in zip(*surface.minima, strict=True))
        marks.append(go.Scatter3d(x=mx, y=my, z=height(mx, my) + lift, mode="markers",
                                  name=t("race_3d.minimum"), showlegend=False,
                                  hovertemplate="%{fullData.name}<br>(%{x:.4g}, %{y:.4g})" + NO_BOX,
                                  marker={"symbol": "diamond", "size": 5, "color": MINIMUM_COLOR,
                                          "line": {"color": INK, "width": 1}}))
    return marks


def _layout(field: Field, surface: Surface, lift: float) -> go.Layout:
    """Axes over the map's window, the height axis labelled with the iso-lines' values (as the map's
    legend names them); a camera from the lower left, looking down at the valley floor."""
    (x0, x1), (y0, y1) = surface.domain
    z_axis = {"title": {"text": axis_title(field)}, "range": [field.lo, field.hi + 2 * lift]}
    if len(field.lines):
        z_axis |= {"tickvals": field.lines.tolist(), "ticktext": [fmt.number(v) for v in field.values]}
    scene = {"xaxis": {"title": {"text": "x"}, "range": [x0, x1]},
             "yaxis": {"title": {"text": "y"}, "range": [y0, y1]}, "zaxis": z_axis,
             "aspectmode": "manual", "aspectratio": {"x": 1, "y": (y1 - y0) / (x1 - x0), "z": 0.6},
             "camera": {"eye": {"x": -0.76, "y": -1.16, "z": 1.08}}}
    # uirevision: a new step or learning rate keeps the student's camera; another surface resets it
    return go.Layout(height=HEIGHT, margin={"l": 0, "r": 0, "t": 10, "b": 0}, scene=scene,
                     uirevision=surface.name, legend={"orientation": "h", "y": 0, "yanchor": "top"})
