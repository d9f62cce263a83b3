"""Altair charts of the regularization lab, built from small DataFrames (no Streamlit here).

Each ``*_data`` function returns the exact table a chart draws, so tests can check what a
student will see; each ``*_chart`` function turns such a table into an altair chart.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from playground.datasets.toy import SplitData
from playground.regularization.probes import SMALL, Frame
from playground.regularization.trainer import Run
from playground.ui.player import Grid, Mark, Scene, Words
from playground.ui.theme import OKABE_ITO, TRAIN_COLOR, VALIDATION_COLOR, color_of

SPLIT_COLORS = alt.Scale(domain=["train", "validation"], range=[TRAIN_COLOR, VALIDATION_COLOR])
BOTTOM = alt.Legend(orient="bottom", direction="horizontal")  # side-by-side squares stay inside their columns


def boundary_data(frame: Frame, extent: tuple[float, float, float, float], class_names: tuple[str, ...],
                  ) -> pd.DataFrame:
    """One rectangle per grid cell: its corners and the network's prediction there."""
    grid = frame.grid
    assert grid is not None, "only a run on 2-D data has a boundary, and each of its frames a grid"
    size = int(round(np.sqrt(grid.size)))
    x_lo, x_hi, y_lo, y_hi = extent
    dx, dy = (x_hi - x_lo) / (size - 1), (y_hi - y_lo) / (size - 1)
    xs, ys = np.meshgrid(np.linspace(x_lo, x_hi, size), np.linspace(y_lo, y_hi, size))
    # cells overlap by 2% so anti-aliasing leaves no seams between them
    cells = pd.DataFrame({"x": xs.ravel() - 0.51 * dx, "x2": xs.ravel() + 0.51 * dx,
                          "y": ys.ravel() - 0.51 * dy, "y2": ys.ravel() + 0.51 * dy})
    if frame.confidence is None:
        cells["prediction"] = grid
    else:
        cells["class"] = np.asarray(class_names)[grid]
        cells["confidence"] = frame.confidence
    return cells


ALPHAS = np.linspace(0.05, 0.6, 8)  # a cell's opacity: the network's confidence, from chance to certain
DIVERGING = ("#2166ac", "#4393c3", "#92c5de", "#d1e5f0", "#f7f7f7", "#fee0b6", "#fdb863", "#e08214",
             "#b35806")  # blue (negative) through white (0) to orange (positive), for regression


def boundary_scene(run: Run, data: SplitData, epochs: list[int], epoch: int) -> Scene:
    """The decision boundary at every epoch in ``epochs`` (the latest snapshot at or before it),
    for the step player, with the data on top. Classification: a cell takes its predicted class's
    colour, more opaque the surer the network is (len(ALPHAS) levels from chance to certain);
    regression: the prediction on a diverging scale centred on 0, symmetric over all epochs."""
    assert run.extent is not None, "a run on 2-D data has a decision-boundary extent"
    x_lo, x_hi, y_lo, y_hi = run.extent
    frames = [[f for f in run.frames if f.epoch <= e][-1] for e in epochs]
    size = int(round(np.sqrt(frames[0].grid.size)))  # type: ignore[union-attr]
    pad_x, pad_y = 0.5 * (x_hi - x_lo) / (size - 1), 0.5 * (y_hi - y_lo) / (size - 1)
    if data.task == "classification":
        k = len(data.class_names)
        palette = [_rgba(color_of(c), a) for c in range(k) for a in ALPHAS]
        colour = [np.asarray(f.grid) * len(ALPHAS) + _level(np.asarray(f.confidence), k) for f in frames]
        label_colour = [color_of(int(c)) for c in np.r_[data.y_train, data.y_val]]
    else:
        palette = [_rgba(c, 0.75) for c in DIVERGING]
        top = max(float(np.abs(np.asarray(f.grid)).max()) for f in frames) or 1.0
        colour = [_diverging(np.asarray(f.grid), top) for f in frames]
        label_colour = [DIVERGING[int(i)] for i in _diverging(np.r_[data.y_train, data.y_val], top)]
    shapes = ["circle"] * len(data.y_train) + ["triangle-up"] * len(data.y_val)
    points = np.r_[data.X_train, data.X_val]
    marks = [Mark(float(x), float(y), shape, 3.5, "black", fill)
             for (x, y), shape, fill in zip(points, shapes, label_colour, strict=True)]
    what = "the predicted class" if data.task == "classification" else "the prediction"
    words = Words(frame="epoch", description=f"Decision boundary: {what} over the input plane, with the "
                  "training points (circles) and validation points (triangles).")
    return Scene(((x_lo - pad_x, x_hi + pad_x), (y_lo - pad_y, y_hi + pad_y)), ("x₁", "x₂"),
                 Grid(size, size, palette, colour), [], marks, epochs, epoch, words, square=True, height=360)


def _level(confidence: np.ndarray, k: int) -> np.ndarray:
    """Confidence in [1/k, 1] as one of len(ALPHAS) opacity levels."""
    share = (confidence - 1 / k) / (1 - 1 / k)
    return np.clip(np.floor(share * len(ALPHAS)), 0, len(ALPHAS) - 1).astype(int)


def _diverging(values: np.ndarray, top: float) -> np.ndarray:
    """Values in [-top, top] as indices into DIVERGING (0 in the middle band)."""
    n = len(DIVERGING)
    return np.clip(np.floor((values / top + 1) / 2 * n), 0, n - 1).astype(int)


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha:.2f})"


def points_data(data: SplitData) -> pd.DataFrame:
    """The 2-D train and validation points with their labels (class names or target values)."""
    parts = []
    for split, X, y in (("train", data.X_train, data.y_train), ("validation", data.X_val, data.y_val)):
        label = np.asarray(data.class_names)[y] if data.task == "classification" else y
        parts.append(pd.DataFrame({"x1": X[:, 0], "x2": X[:, 1], "label": label, "split": split}))
    return pd.concat(parts, ignore_index=True)


def boundary_chart(cells: pd.DataFrame, points: pd.DataFrame, class_names: tuple[str, ...], title: str,
                   size: int = 340) -> alt.LayerChart | alt.FacetChart:
    """The decision boundary (or regression surface) with the data on top."""
    x = alt.X("x:Q", title="x₁", scale=alt.Scale(domain=[cells.x.min(), cells.x2.max()], nice=False))
    y = alt.Y("y:Q", title="x₂", scale=alt.Scale(domain=[cells.y.min(), cells.y2.max()], nice=False))
    if "class" in cells:
        colors = alt.Scale(domain=list(class_names), range=[color_of(i) for i in range(len(class_names))])
        fill = alt.Color("class:N", scale=colors, title="class", legend=BOTTOM)
        point_fill = alt.Color("label:N", scale=colors, legend=None)
        heat = alt.Chart(cells).mark_rect().encode(
            x, x2="x2", y=y, y2="y2", color=fill,
            opacity=alt.Opacity("confidence:Q", scale=alt.Scale(domain=[1 / len(class_names), 1],
                                                                range=[0.05, 0.6]), legend=None))
    else:
        values = alt.Scale(scheme="blueorange", domainMid=0)
        heat = alt.Chart(cells).mark_rect(opacity=0.75).encode(
            x, x2="x2", y=y, y2="y2", color=alt.Color("prediction:Q", scale=values, title="prediction",
                                                      legend=BOTTOM))
        point_fill = alt.Color("label:Q", scale=values, legend=None)
    shapes = alt.Scale(domain=["train", "validation"], range=["circle", "triangle-up"])
    dots = alt.Chart(points).mark_point(filled=True, size=45, stroke="black", strokeWidth=0.8).encode(
        x="x1:Q", y="x2:Q", fill=point_fill,
        shape=alt.Shape("split:N", scale=shapes, title="points", legend=BOTTOM),
        tooltip=["split", "label", alt.Tooltip("x1:Q", format=".2f"), alt.Tooltip("x2:Q", format=".2f")])
    # "pad": width and height are the plot's own, so the square stays square beside its legend
    return alt.layer(heat, dots).properties(width=size, height=size, title=title, autosize="pad")


def curves_data(runs: dict[str, Run], metric: str) -> pd.DataFrame:
    """Long table: run, epoch, split (train/validation) and the value of ``metric`` ("loss"/"acc")."""
    parts = []
    for label, run in runs.items():
        for split in ("train", "val"):
            parts.append(pd.DataFrame({"run": label, "epoch": run.history["epoch"],
                                       "split": "train" if split == "train" else "validation",
                                       "value": run.history[f"{split}_{metric}"]}))
    return pd.concat(parts, ignore_index=True)


def markers_data(run: Run) -> pd.DataFrame:
    """Vertical rules on the curves: the best epoch, the stop, the divergence."""
    rows: list[dict] = []
    if run.best_epoch is not None:
        rows.append({"epoch": run.best_epoch, "event": f"best epoch {run.best_epoch}"})
    if run.stopped_epoch is not None:
        rows.append({"epoch": run.stopped_epoch, "event": f"stopped at {run.stopped_epoch}"})
    if run.diverged_at is not None:
        rows.append({"epoch": run.diverged_at, "event": f"diverged at {run.diverged_at}"})
    return pd.DataFrame(rows, columns=["epoch", "event"])


def patience_window(run: Run) -> tuple[int, int] | None:
    """(best epoch, end) of the epochs early stopping waited through since the best one: up to
    the stop, or to the last epoch trained when patience never ran out; None without a wait."""
    end = run.stopped_epoch if run.stopped_epoch is not None else run.epochs_run
    return (run.best_epoch, end) if run.best_epoch is not None and end > run.best_epoch else None


def curves_chart(curves: pd.DataFrame, markers: pd.DataFrame, title: str,
                 patience: tuple[int, int] | None = None,
                 height: int = 260) -> alt.LayerChart | alt.FacetChart:
    """Train vs validation curves with the gap between them shaded, and the marked epochs.

    ``patience`` = (best epoch, stop epoch) shades the window early stopping waited through.
    """
    several = curves.run.nunique() > 1
    base = alt.Chart(curves).encode(x=alt.X("epoch:Q", title="epoch"))
    lines = base.mark_line().encode(
        y=alt.Y("value:Q", title=title), color=alt.Color("split:N", scale=SPLIT_COLORS, title=None),
        strokeDash=alt.StrokeDash("run:N", title=None) if several else alt.value([1, 0]),
        tooltip=["run", "split", "epoch", alt.Tooltip("value:Q", format=".4f")])
    gap = base.transform_filter(alt.datum.run == curves.run.iloc[-1]).transform_pivot(
        "split", value="value", groupby=["epoch"]).mark_area(opacity=0.18, color="#888888").encode(
        y="train:Q", y2="validation:Q")
    layers = [gap, lines]
    if patience is not None:
        window = pd.DataFrame({"start": [patience[0]], "end": [patience[1]]})
        layers.insert(0, alt.Chart(window).mark_rect(opacity=0.12, color=OKABE_ITO[2]).encode(
            x="start:Q", x2="end:Q"))
    if len(markers):
        layers.append(alt.Chart(markers).mark_rule(strokeDash=[4, 3], color="black").encode(x="epoch:Q"))
        for row in range(len(markers)):  # one label per line, so close epochs do not overprint
            layers.append(alt.Chart(markers.iloc[[row]]).mark_text(
                align="left", dx=3, dy=2 + 14 * row, baseline="top", fontSize=11).encode(
                x="epoch:Q", y=alt.value(0), text="event:N"))
    return alt.layer(*layers).properties(height=height)


def histogram_data(frame: Frame) -> pd.DataFrame:
    """Per layer and bin: the bin's range and how many weights fall in it."""
    parts = [pd.DataFrame({"layer": layer.name, "from": layer.edges[:-1], "to": layer.edges[1:],
                           "count": layer.counts}) for layer in frame.layers]
    return pd.concat(parts, ignore_index=True)


def layer_table(frame: Frame) -> pd.DataFrame:
    """Per layer: size, exact zeros, near-zeros and norm: L1's sparsity and L2's shrinkage in numbers."""
    return pd.DataFrame([{"layer": layer.name, "weights": layer.size, "exact zeros": layer.zeros,
                          f"|w| < {SMALL:g}": layer.small, "norm": layer.norm} for layer in frame.layers]
                        ).set_index("layer")


def histogram_chart(histograms: pd.DataFrame, columns: int = 4, width: int = 170) -> alt.FacetChart:
    return alt.Chart(histograms).mark_bar(color=OKABE_ITO[0]).encode(
        x=alt.X("from:Q", title="weight"), x2="to:Q", y=alt.Y("count:Q", title="weights"), y2=alt.datum(0),
        tooltip=[alt.Tooltip("from:Q", format=".3f"), alt.Tooltip("to:Q", format=".3f"), "count"],
    ).properties(width=width, height=120).facet(
        facet=alt.Facet("layer:N", title=None, sort=None), columns=columns,
    ).resolve_scale(x="independent", y="independent")


def norm_chart(runs: dict[str, Run]) -> alt.Chart:
    table = pd.concat([pd.DataFrame({"run": label, "epoch": run.history["epoch"],
                                     "weight norm": run.history["weight_norm"]})
                       for label, run in runs.items()])
    return alt.Chart(table).mark_line(color=OKABE_ITO[2]).encode(
        x="epoch:Q", y=alt.Y("weight norm:Q", title="weight norm ‖W‖"),
        strokeDash=alt.StrokeDash("run:N", title=None, legend=alt.Legend() if len(runs) > 1 else None),
    ).properties(height=200)


def lr_data(runs: dict[str, Run]) -> pd.DataFrame:
    """The learning rate each epoch trained with (history row e holds the rate of epoch e)."""
    return pd.concat([pd.DataFrame({"run": label, "epoch": run.history["epoch"][1:],
                                    "learning rate": run.history["lr"][1:]})
                      for label, run in runs.items()])


def lr_chart(rates: pd.DataFrame, schedule: str) -> alt.Chart:
    return alt.Chart(rates).mark_line(color=OKABE_ITO[1], interpolate="step-after").encode(
        x="epoch:Q", y=alt.Y("learning rate:Q", title=f"η per epoch ({schedule})"),
        strokeDash=alt.StrokeDash("run:N", title=None, legend=None),
        tooltip=["run", "epoch", alt.Tooltip("learning rate:Q", format=".3g")],
    ).properties(height=200)


def batchnorm_data(frame: Frame) -> pd.DataFrame:
    """Per BN layer, statistic and unit: the training batch's value and the running estimate."""
    parts = []
    for bn in frame.batchnorm:
        for statistic, batch, running in (("mean", bn.batch_mean, bn.running_mean),
                                          ("variance", bn.batch_var, bn.running_var)):
            units = np.arange(1, len(batch) + 1)
            parts.append(pd.DataFrame({"layer": bn.name, "statistic": statistic, "unit": units,
                                       "batch": batch, "running": running}))
    return pd.concat(parts, ignore_index=True)


def batchnorm_chart(stats: pd.DataFrame) -> alt.FacetChart:
    """Each unit as a point (batch statistic, running statistic): on the diagonal they agree."""
    dots = alt.Chart().mark_point(filled=True, size=30, opacity=0.7).encode(
        x=alt.X("batch:Q", title="batch statistic (train mode)"),
        y=alt.Y("running:Q", title="running statistic (eval mode)"),
        color=alt.Color("layer:N", scale=alt.Scale(range=list(OKABE_ITO)), title=None),
        tooltip=["layer", "statistic", "unit", alt.Tooltip("batch:Q", format=".3f"),
                 alt.Tooltip("running:Q", format=".3f")])
    # y = x across each panel's range
    diagonal = alt.Chart().transform_calculate(
        lo="min(datum.batch, datum.running)", hi="max(datum.batch, datum.running)").mark_rule(
        color="gray", strokeDash=[4, 3]).encode(x="min(lo):Q", x2="max(hi):Q", y="min(lo):Q", y2="max(hi):Q")
    return alt.layer(dots, diagonal, data=stats).properties(width=300, height=260).facet(
        column=alt.Column("statistic:N", title=None)).resolve_scale(x="independent", y="independent")


def confusion_data(confusion: np.ndarray, class_names: tuple[str, ...]) -> pd.DataFrame:
    true, predicted = np.indices(confusion.shape)
    return pd.DataFrame({"true": np.asarray(class_names)[true.ravel()],
                         "predicted": np.asarray(class_names)[predicted.ravel()], "count": confusion.ravel()})


def confusion_chart(cells: pd.DataFrame, class_names: tuple[str, ...]) -> alt.LayerChart | alt.FacetChart:
    order = list(class_names)
    base = alt.Chart(cells).encode(x=alt.X("predicted:N", sort=order, axis=alt.Axis(labelAngle=0)),
                                   y=alt.Y("true:N", sort=order))
    heat = base.mark_rect().encode(color=alt.Color("count:Q", scale=alt.Scale(scheme="blues"), legend=None))
    text = base.mark_text(fontSize=12).encode(
        text="count:Q", color=alt.condition(alt.datum.count > cells["count"].max() / 2, alt.value("white"),
                                            alt.value("black")))
    side = max(160, 32 * len(order))
    return alt.layer(heat, text).properties(width=side, height=side, title="Validation confusion matrix",
                                            autosize="pad")
