"""Inside a training run: each layer's gradient norm against the step, and the first convolution's
filters. Pure functions from a run's reports to frames, charts, images and their text alternatives,
as in :mod:`playground.ui.runs.charts`.

The gradient norms carry the vanishing/exploding-gradient lesson (how many times larger one layer's
gradient is than another's); the filters show a network learning to see: 3×3 edge and stroke
detectors forming out of noise. Frames keep language-independent columns; the words come from the
catalogues.
"""

from __future__ import annotations

from collections.abc import Iterable

import altair as alt
import numpy as np
import pandas as pd
import torch

from playground.train.layers import Filters
from playground.ui import format as fmt
from playground.ui.i18n import t
from playground.ui.runs.charts import FIT_WIDTH, tile
from playground.ui.theme import OKABE_ITO, ramp
from playground.ui.vega import plottable

#: Weights from -1 to 1 (each filter scaled to its own largest |w|): blue, white at zero, vermillion,
#: each half in equal perceptual steps (OKLab, as the loss maps' ramp); colour-blind safe (Okabe–Ito's).
DIVERGING = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)]
                      for c in ramp((OKABE_ITO[0], "#FFFFFF"), 33) + ramp(("#FFFFFF", OKABE_ITO[4]), 33)[1:]],
                     dtype=np.float32)
CELL = 40         # pixels a side of one filter of one or three channels in the mosaic
CHANNEL_CELL = 12  # pixels a side of one input channel of a filter drawn channel by channel
COLUMNS = 8       # filters a row, for filters drawn as one square each
GAP = 153         # the grey between filters (#999999, the theme's grey)


# the layer kinds of playground.train.layers that the catalogues name ("runs_inside.kinds.<kind>")
KINDS = ("conv", "linear", "batchnorm", "gru")


def layer_name(name: str) -> str:
    """A layer's name ("conv 1") in the page's language ("卷积层 1"); other kinds stay as named."""
    kind, _, number = name.rpartition(" ")
    return t(f"runs_inside.kinds.{kind}", number=number) if kind in KINDS else name


def grad_norms_frame(reports: Iterable[tuple[int, Iterable[tuple[str, float]]]]) -> pd.DataFrame:
    """Long form, from (step, ((layer, norm), ...)) reports: step, layer (named in the page's
    language), norm; layers in forward order."""
    rows = [{"step": step, "layer": layer_name(layer), "norm": norm}
            for step, norms in reports for layer, norm in norms]
    return pd.DataFrame(rows, columns=["step", "layer", "norm"])


def _layers(frame: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(frame["layer"]))


def grad_norms_chart(frame: pd.DataFrame) -> alt.Chart:
    """One line per layer on a log axis, coloured by depth (dark: near the input)."""
    data = plottable(frame, ["norm"], log=True)
    data = data.assign(shown=data["norm"].map(fmt.number))
    step, layer, norm = t("runs.charts.step"), t("runs_inside.charts.layer"), t("runs_inside.charts.norm")
    depth = alt.Scale(domain=_layers(frame), scheme={"name": "viridis", "extent": [0, 0.85]})
    return alt.Chart(data, title=t("runs_inside.charts.grad_title")).mark_line().encode(
        x=alt.X("step:Q", title=step),
        y=alt.Y("norm:Q", title=t("runs_inside.charts.norm_log"), scale=alt.Scale(type="log")),
        color=alt.Color("layer:O", scale=depth, sort=_layers(frame),
                        legend=alt.Legend(orient="bottom", columns=4, title=layer)),
        tooltip=[alt.Tooltip("step:Q", title=step), alt.Tooltip("layer:O", title=layer),
                 alt.Tooltip("shown:N", title=norm)],
    ).properties(height=200, autosize=FIT_WIDTH)


def grad_norms_table(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per report: the step, then each layer's norm under its name."""
    wide = frame.pivot(index="step", columns="layer", values="norm").reindex(columns=_layers(frame))
    return wide.rename_axis(index=t("runs.columns.step"), columns=None).reset_index()


def grad_norms_summary(frame: pd.DataFrame) -> str:
    """At the latest report: the layers with the largest and smallest gradient, and how many times
    apart they are; then what the norms measure."""
    shown = plottable(frame, ["norm"], log=True)
    if shown.empty:
        return t("a11y.no_data", what=t("runs_inside.charts.norm"))
    latest = shown[shown["step"] == shown["step"].max()]
    high, low = latest.loc[latest["norm"].idxmax()], latest.loc[latest["norm"].idxmin()]
    step = f"{int(high['step']):,}"
    if len(latest) == 1:
        text = t("runs_inside.alt.grad_one", step=step, layer=high["layer"], norm=fmt.number(high["norm"]))
    else:
        text = t("runs_inside.alt.grad", step=step, high=high["layer"], high_norm=fmt.number(high["norm"]),
                 low=low["layer"], low_norm=fmt.number(low["norm"]),
                 ratio=fmt.number(high["norm"] / low["norm"]))
    return text + t("runs_inside.alt.grad_note")


def filters_frame(filters: Filters) -> pd.DataFrame:
    """Long form, a row per weight: filter and input channel (from 1), row and column in the kernel
    (from 1; a 1-D kernel is one row), weight."""
    weights = _four_d(filters)
    index = np.indices(weights.shape).reshape(4, -1) + 1
    return pd.DataFrame({"filter": index[0], "channel": index[1], "row": index[2], "column": index[3],
                         "weight": weights.ravel().astype(float)})


def _four_d(filters: Filters) -> np.ndarray:
    """(filters, channels, height, width): a 1-D bank's kernels as rows of height 1."""
    weights = filters.array()
    return weights[:, :, None, :] if weights.ndim == 3 else weights


def filters_table(filters: Filters) -> pd.DataFrame:
    frame = filters_frame(filters)
    columns = {"filter": t("runs_inside.columns.filter"), "channel": t("runs_inside.columns.channel"),
               "row": t("runs_inside.columns.row"), "column": t("runs_inside.columns.column"),
               "weight": t("runs_inside.columns.weight")}
    if len(filters.shape) == 3:  # a 1-D kernel has positions, not rows and columns
        frame = frame.drop(columns="row")
        columns["column"] = t("runs_inside.columns.position")
    return frame.rename(columns=columns)


def filters_summary(filters: Filters, epoch: int) -> str:
    """How many filters of what size, which layer, and the range of their weights."""
    shape = filters.shape
    size = "×".join(map(str, shape[2:]))
    weights = filters.array()
    return t("runs_inside.alt.filters", count=shape[0], size=size, channels=shape[1],
             layer=layer_name(filters.layer), epoch=epoch, low=fmt.number(float(weights.min())),
             high=fmt.number(float(weights.max())))


def filters_mosaic(filters: Filters) -> np.ndarray:
    """A 2-D bank as one RGB picture, each filter scaled to its own largest |weight|: filters of one
    input channel as squares of the diverging ramp, of three (an RGB image's) as colour squares
    around mid-grey, of any other count as a row of its channels in the ramp. Grey lines between
    them (a colour the blue-white-vermillion ramp never takes) show on a light page and a dark one."""
    weights = filters.array()
    scaled = weights / np.maximum(np.abs(weights).max(axis=(1, 2, 3), keepdims=True), 1e-12)
    count, channels, height, _ = weights.shape
    if channels == 3:
        cells = [tile(torch.from_numpy((w + 1) * 127.5), CELL) for w in scaled]
    elif channels == 1:
        cells = [_diverging(w[0], CELL // height) for w in scaled]
    else:
        cells = [_row([_diverging(c, CHANNEL_CELL // height) for c in w], gap=1) for w in scaled]
    columns = COLUMNS if channels in (1, 3) else 2
    return _row([_row(cells[i:i + columns], gap=4) for i in range(0, count, columns)], gap=4, vertical=True)


def _diverging(weights: np.ndarray, scale: int) -> np.ndarray:
    """An (H, W) array in [-1, 1] as RGB pixels of the ramp, each weight a ``scale``-pixel square."""
    index = np.rint((weights + 1) * (len(DIVERGING) - 1) / 2).astype(int)
    rgb = np.ascontiguousarray(DIVERGING[index].transpose(2, 0, 1))
    return tile(torch.from_numpy(rgb), max(1, scale) * weights.shape[0])


def _row(cells: list[np.ndarray], gap: int, vertical: bool = False) -> np.ndarray:
    """(H, W, 3) pictures side by side, tops aligned (or one under another, left-aligned), with
    ``gap`` grey pixels between."""
    axis = 0 if vertical else 1
    length = max(cell.shape[1 - axis] for cell in cells)
    padded = []
    for cell in cells:
        pad = [(0, 0), (0, 0), (0, 0)]
        pad[axis], pad[1 - axis] = (0, gap), (0, length - cell.shape[1 - axis])
        padded.append(np.pad(cell, pad, constant_values=GAP))
    joined = np.concatenate(padded, axis=axis)
    return joined[:-gap] if vertical else joined[:, :-gap]


def kernels_chart(filters: Filters, columns: int = 5) -> alt.FacetChart:
    """A 1-D bank as small multiples: each kernel's weights along its positions, one panel a filter."""
    frame = filters_frame(filters).rename(columns={"column": "position"})
    frame = frame.assign(shown=frame["weight"].map(fmt.number))
    position, weight = t("runs_inside.columns.position"), t("runs_inside.columns.weight")
    line = alt.Chart(frame).mark_line(point=True, color=OKABE_ITO[0]).encode(
        x=alt.X("position:O", title=position, axis=alt.Axis(labelAngle=0)), y=alt.Y("weight:Q", title=weight),
        detail="channel:N",
        tooltip=[alt.Tooltip("filter:O", title=t("runs_inside.columns.filter")),
                 alt.Tooltip("position:O", title=position), alt.Tooltip("shown:N", title=weight)])
    facet = alt.Facet("filter:O", title=t("runs_inside.columns.filter"))
    return line.properties(width=90, height=60).facet(facet=facet, columns=columns)
