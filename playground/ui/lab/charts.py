"""Altair charts of the regularization lab, built from small DataFrames (no Streamlit calls here).

Each ``*_data`` function returns the exact table a chart draws, so tests can check what a
student will see; each ``*_chart`` function turns such a table into an altair chart, each
``*_table`` gives its readable copy (headers in the page's language) and each ``*_summary`` the
one sentence that says what it shows: together, the chart's text alternative. Column names stay
the code's own; the values a chart shows (splits, runs, layers, classes) are in the page's language.
"""

from __future__ import annotations

import re
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from playground.datasets.toy import SplitData
from playground.regularization import interpolation
from playground.regularization.probes import SMALL, Frame
from playground.regularization.trainer import Run
from playground.ui import format as fmt
from playground.ui.i18n import t
from playground.ui.player import Grid, Mark, Scene, Words
from playground.ui.theme import OKABE_ITO, TRAIN_COLOR, VALIDATION_COLOR, color_of
from playground.ui.vega import memo

BOTTOM = alt.Legend(orient="bottom", direction="horizontal")  # side-by-side squares stay inside their columns
SPLIT_SHAPES = ("circle", "triangle-up")  # training and validation points, on the maps and the curves
GREY = "#888888"  # mid grey, for marks with no colour of their own: seen on the light and the dark theme
CURVE_MARKERS = 12  # about this many markers per curve, each split in its own shape


def run_name(label: str) -> str:
    """How the page names a run (the runs keep their own labels, see
    :func:`playground.regularization.compare.variants`)."""
    names = {"run": t("lab.runs.run"), "A: no regularization": t("lab.runs.a"),
             "B: regularized": t("lab.runs.b")}
    return names.get(label, label)


def class_labels(names: tuple[str, ...]) -> tuple[str, ...]:
    """The class names as the page writes them: a toy set's "class k" in the page's language, an
    uploaded file's labels as they are."""
    if names == tuple(f"class {k}" for k in range(len(names))):
        return tuple(t("lab.charts.class_k", k=k) for k in range(len(names)))
    return names


def layer_name(name: str) -> str:
    """A layer's name ("hidden 1", "output", "BN 1": see :mod:`playground.regularization.probes`)
    in the page's language."""
    if name == "output":
        return t("lab.charts.output")
    numbered = re.fullmatch(r"(hidden|BN) (\d+)", name)
    if numbered is None:
        return name
    number = int(numbered[2])
    if numbered[1] == "hidden":
        return t("lab.charts.hidden", number=number)
    return t("lab.charts.bn", number=number)


def splits() -> tuple[str, str]:
    """The training and validation splits' names, as the charts show them."""
    return t("lab.charts.train"), t("lab.charts.validation")


def split_colors() -> alt.Scale:
    return alt.Scale(domain=list(splits()), range=[TRAIN_COLOR, VALIDATION_COLOR])


def split_shapes() -> alt.Scale:
    return alt.Scale(domain=list(splits()), range=list(SPLIT_SHAPES))


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
        cells["class"] = np.asarray(class_labels(class_names))[grid]
        cells["confidence"] = frame.confidence
    return cells


def boundary_table(cells: pd.DataFrame) -> pd.DataFrame:
    """A boundary's cells as a table: each cell's centre and what the network predicts there."""
    table = pd.DataFrame({"x₁": (cells.x + cells.x2) / 2, "x₂": (cells.y + cells.y2) / 2})
    if "class" in cells:
        table[t("lab.charts.predicted_class")] = cells["class"].to_numpy()
        table[t("lab.charts.confidence")] = cells["confidence"].to_numpy()
    else:
        table[t("lab.charts.prediction")] = cells["prediction"].to_numpy()
    return table


def boundary_summary(cells: pd.DataFrame, run: Run, epoch: int) -> str:
    """The network at ``epoch`` in a sentence: how it scores on both splits (its history that
    epoch) and how much of the map each class covers (or the range of its predictions)."""
    row = max(i for i, recorded in enumerate(run.history["epoch"]) if recorded <= epoch)
    if "class" not in cells:
        return t("lab.alt.surface", epoch=epoch, train=fmt.number(run.history["train_loss"][row]),
                 val=fmt.number(run.history["val_loss"][row]), low=fmt.number(cells.prediction.min()),
                 high=fmt.number(cells.prediction.max()))
    shares = cells["class"].value_counts(normalize=True, sort=False)
    covered = t("lab.alt.separator").join(t("lab.alt.covers", name=name, share=fmt.percent(share))
                                           for name, share in shares.items())
    return t("lab.alt.boundary", epoch=epoch, train=fmt.percent(run.history["train_acc"][row]),
             val=fmt.percent(run.history["val_acc"][row]), classes=covered)


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
        description = t("lab.charts.scene_classes")
    else:
        palette = [_rgba(c, 0.75) for c in DIVERGING]
        top = max(float(np.abs(np.asarray(f.grid)).max()) for f in frames) or 1.0
        colour = [_diverging(np.asarray(f.grid), top) for f in frames]
        label_colour = [DIVERGING[int(i)] for i in _diverging(np.r_[data.y_train, data.y_val], top)]
        description = t("lab.charts.scene_values")
    shapes = [SPLIT_SHAPES[0]] * len(data.y_train) + [SPLIT_SHAPES[1]] * len(data.y_val)
    points = np.r_[data.X_train, data.X_val]
    marks = [Mark(float(x), float(y), shape, 3.5, "black", fill)
             for (x, y), shape, fill in zip(points, shapes, label_colour, strict=True)]
    words = Words(frame=t("lab.charts.epoch"), description=description)
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
    for split, X, y in zip(splits(), (data.X_train, data.X_val), (data.y_train, data.y_val), strict=True):
        label = np.asarray(class_labels(data.class_names))[y] if data.task == "classification" else y
        parts.append(pd.DataFrame({"x1": X[:, 0], "x2": X[:, 1], "label": label, "split": split}))
    return pd.concat(parts, ignore_index=True)


@memo
def boundary_chart(cells: pd.DataFrame, points: pd.DataFrame, class_names: tuple[str, ...], title: str,
                   size: int = 340) -> alt.LayerChart | alt.FacetChart:
    """The decision boundary (or regression surface) with the data on top."""
    x = alt.X("x:Q", title="x₁", scale=alt.Scale(domain=[cells.x.min(), cells.x2.max()], nice=False))
    y = alt.Y("y:Q", title="x₂", scale=alt.Scale(domain=[cells.y.min(), cells.y2.max()], nice=False))
    if "class" in cells:
        names = class_labels(class_names)
        colors = alt.Scale(domain=list(names), range=[color_of(i) for i in range(len(names))])
        fill = alt.Color("class:N", scale=colors, title=t("lab.charts.class"), legend=BOTTOM)
        point_fill = alt.Color("label:N", scale=colors, legend=None)
        heat = alt.Chart(cells).mark_rect().encode(
            x, x2="x2", y=y, y2="y2", color=fill,
            opacity=alt.Opacity("confidence:Q", scale=alt.Scale(domain=[1 / len(names), 1],
                                                                range=[0.05, 0.6]), legend=None))
    else:
        values = alt.Scale(scheme="blueorange", domainMid=0)
        heat = alt.Chart(cells).mark_rect(opacity=0.75).encode(
            x, x2="x2", y=y, y2="y2", color=alt.Color("prediction:Q", scale=values,
                                                      title=t("lab.charts.prediction"), legend=BOTTOM))
        point_fill = alt.Color("label:Q", scale=values, legend=None)
    dots = alt.Chart(points).mark_point(filled=True, size=45, stroke="black", strokeWidth=0.8).encode(
        x="x1:Q", y="x2:Q", fill=point_fill,
        shape=alt.Shape("split:N", scale=split_shapes(), title=t("lab.charts.points"),
                        legend=alt.Legend(orient="bottom", direction="horizontal", symbolFillColor=GREY,
                                          symbolStrokeColor=GREY)),
        tooltip=[alt.Tooltip("split:N", title=t("lab.charts.split")),
                 alt.Tooltip("label:N", title=t("lab.charts.label")),
                 alt.Tooltip("x1:Q", format=".2f"), alt.Tooltip("x2:Q", format=".2f")])
    # "pad": width and height are the plot's own, so the square stays square beside its legend
    return alt.layer(heat, dots).properties(width=size, height=size, title=title, autosize="pad")


def curves_data(runs: dict[str, Run], metric: str) -> pd.DataFrame:
    """Long table: run, epoch, split (train/validation) and the value of ``metric`` ("loss"/"acc")."""
    parts = []
    for label, run in runs.items():
        for split, shown in zip(("train", "val"), splits(), strict=True):
            parts.append(pd.DataFrame({"run": run_name(label), "epoch": run.history["epoch"], "split": shown,
                                       "value": run.history[f"{split}_{metric}"]}))
    return pd.concat(parts, ignore_index=True)


def curves_table(curves: pd.DataFrame, title: str) -> pd.DataFrame:
    """The curves' data with readable headers (the run only when there are several)."""
    table = curves.rename(columns={"run": t("lab.charts.run"), "epoch": t("lab.charts.epoch"),
                                   "split": t("lab.charts.split"), "value": title})
    return table if curves.run.nunique() > 1 else table.drop(columns=t("lab.charts.run"))


def curves_summary(curves: pd.DataFrame, what: str, *, accuracy: bool = False) -> str:
    """Where each run's training and validation curves end, and the best validation value with
    its epoch (lowest loss, highest accuracy)."""
    finite = curves[np.isfinite(curves.value.astype(float))]
    if finite.empty:
        return t("a11y.no_data", what=what)
    shown = fmt.percent if accuracy else fmt.number
    train, validation = splits()
    several = curves.run.nunique() > 1
    ends = []
    for name, run in finite.groupby("run", sort=False):
        last = run.sort_values("epoch").groupby("split").tail(1).set_index("split")
        numbers = {"train": shown(last.value.get(train, np.nan)),
                   "val": shown(last.value.get(validation, np.nan)), "epoch": int(last.epoch.max())}
        ends.append(t("lab.alt.curves_run", run=name, **numbers) if several
                    else t("lab.alt.curves_run_one", **numbers))
    checked = finite[finite.split == validation]
    if checked.empty:
        return t("lab.alt.curves_end", what=what, runs=t("lab.alt.separator").join(ends))
    best = checked.loc[checked.value.idxmax() if accuracy else checked.value.idxmin()]
    runs = t("lab.alt.separator").join(ends)
    if several:
        return t("lab.alt.curves_many", what=what, runs=runs, best=shown(best.value),
                 best_epoch=int(best.epoch), run=best.run)
    return t("lab.alt.curves_one", what=what, runs=runs, best=shown(best.value), best_epoch=int(best.epoch))


def markers_data(run: Run) -> pd.DataFrame:
    """Vertical rules on the curves: the best epoch, the stop, the divergence."""
    rows: list[dict] = []
    if run.best_epoch is not None:
        rows.append({"epoch": run.best_epoch, "event": t("lab.charts.best_epoch", epoch=run.best_epoch)})
    if run.stopped_epoch is not None:
        rows.append({"epoch": run.stopped_epoch,
                     "event": t("lab.charts.stopped_at", epoch=run.stopped_epoch)})
    if run.diverged_at is not None:
        rows.append({"epoch": run.diverged_at, "event": t("lab.charts.diverged_at", epoch=run.diverged_at)})
    return pd.DataFrame(rows, columns=["epoch", "event"])


def patience_window(run: Run) -> tuple[int, int] | None:
    """(best epoch, end) of the epochs early stopping waited through since the best one: up to
    the stop, or to the last epoch trained when patience never ran out; None without a wait."""
    end = run.stopped_epoch if run.stopped_epoch is not None else run.epochs_run
    return (run.best_epoch, end) if run.best_epoch is not None and end > run.best_epoch else None


@memo
def curves_chart(curves: pd.DataFrame, markers: pd.DataFrame, title: str,
                 patience: tuple[int, int] | None = None,
                 height: int = 260) -> alt.LayerChart | alt.FacetChart:
    """Train vs validation curves with the gap between them shaded, and the marked epochs. Each
    split has its colour and its marker (a circle for training, a triangle for validation, as on
    the maps); each run, when there are two, its dash.

    ``patience`` = (best epoch, stop epoch) shades the window early stopping waited through.
    """
    several = curves.run.nunique() > 1
    train, validation = splits()
    base = alt.Chart(curves).encode(x=alt.X("epoch:Q", title=t("lab.charts.epoch")))
    color = alt.Color("split:N", scale=split_colors(), title=None)
    shape = alt.Shape("split:N", scale=split_shapes(), title=None)
    dash = alt.StrokeDash("run:N", title=None) if several else alt.value([1, 0])
    tooltip = [alt.Tooltip("run:N", title=t("lab.charts.run")),
               alt.Tooltip("split:N", title=t("lab.charts.split")),
               alt.Tooltip("epoch:Q", title=t("lab.charts.epoch")),
               alt.Tooltip("value:Q", title=t("lab.charts.value"), format=".4f")]
    lines = base.mark_line().encode(y=alt.Y("value:Q", title=title), color=color, strokeDash=dash,
                                    tooltip=tooltip)
    every = max(1, -(-int(curves.epoch.max()) // CURVE_MARKERS))
    markers_on_lines = base.transform_filter(f"datum.epoch % {every} == 0").mark_point(
        filled=True, size=40).encode(y="value:Q", color=color, shape=shape, tooltip=tooltip)
    gap = base.transform_filter(alt.datum.run == curves.run.iloc[-1]).transform_pivot(
        "split", value="value", groupby=["epoch"]).mark_area(opacity=0.18, color="#888888").encode(
        y=alt.Y(f"{train}:Q"), y2=alt.Y2(f"{validation}:Q"))
    layers = [gap, lines, markers_on_lines]
    if patience is not None:
        window = pd.DataFrame({"start": [patience[0]], "end": [patience[1]]})
        layers.insert(0, alt.Chart(window).mark_rect(opacity=0.12, color=OKABE_ITO[2]).encode(
            x="start:Q", x2="end:Q"))
    if len(markers):
        layers.append(alt.Chart(markers).mark_rule(strokeDash=[4, 3], color=GREY).encode(x="epoch:Q"))
        for row in range(len(markers)):  # one label per line, so close epochs do not overprint
            layers.append(alt.Chart(markers.iloc[[row]]).mark_text(
                align="left", dx=3, dy=2 + 14 * row, baseline="top", fontSize=11, color=GREY).encode(
                x="epoch:Q", y=alt.value(0), text="event:N"))
    return alt.layer(*layers).properties(height=height)


def histogram_data(frame: Frame, *, gradients: bool = False) -> pd.DataFrame:
    """Per layer and bin: the bin's range and how many weights (or, with ``gradients``, entries
    of the layer's gradient ∂L/∂W) fall in it."""
    layers = frame.gradients if gradients else frame.layers
    parts = [pd.DataFrame({"layer": layer_name(layer.name), "from": layer.edges[:-1], "to": layer.edges[1:],
                           "count": layer.counts}) for layer in layers]
    return pd.concat(parts, ignore_index=True)


def _histogram_words(gradients: bool) -> tuple[str, str]:
    """What a histogram's bins range over and what its bars count."""
    if gradients:
        return t("lab_gradients.value"), t("lab_gradients.entries")
    return t("lab.charts.weight"), t("lab.charts.weights")


def histogram_table(histograms: pd.DataFrame, *, gradients: bool = False) -> pd.DataFrame:
    _, counted = _histogram_words(gradients)
    return histograms.rename(columns={"layer": t("lab.charts.layer"), "from": t("lab.charts.from"),
                                      "to": t("lab.charts.to"), "count": counted})


def histogram_summary(histograms: pd.DataFrame, epoch: int, *, gradients: bool = False) -> str:
    """How many weights (or gradient entries) the histograms count at ``epoch``, and each layer's range."""
    ranges = histograms[histograms["count"] > 0].groupby("layer", sort=False).agg(lo=("from", "min"),
                                                                                  hi=("to", "max"))
    layers = t("lab.alt.separator").join(t("lab.alt.layer_range", layer=layer, lo=fmt.number(row.lo),
                                            hi=fmt.number(row.hi)) for layer, row in ranges.iterrows())
    total = int(histograms["count"].sum())
    if gradients:
        return t("lab_gradients.histogram_summary", entries=total, epoch=epoch, layers=layers)
    return t("lab.alt.histogram", weights=total, epoch=epoch, layers=layers)


def layer_table(frame: Frame) -> pd.DataFrame:
    """Per layer: size, exact zeros, near-zeros and norm: L1's sparsity and L2's shrinkage in numbers."""
    return pd.DataFrame([{t("lab.charts.layer"): layer_name(layer.name), t("lab.charts.weights"): layer.size,
                          t("lab.charts.exact_zeros"): layer.zeros, f"|w| < {SMALL:g}": layer.small,
                          t("lab.charts.norm"): layer.norm} for layer in frame.layers]
                        ).set_index(t("lab.charts.layer"))


@memo
def histogram_chart(histograms: pd.DataFrame, title: str, columns: int = 4, width: int = 170, *,
                    gradients: bool = False) -> alt.FacetChart:
    """Each layer's histogram in its own panel, under ``title``: weights in blue, gradients in vermilion."""
    value, counted = _histogram_words(gradients)
    return alt.Chart(histograms).mark_bar(color=OKABE_ITO[4 if gradients else 0]).encode(
        x=alt.X("from:Q", title=value), x2="to:Q",
        y=alt.Y("count:Q", title=counted), y2=alt.datum(0),
        tooltip=[alt.Tooltip("from:Q", title=t("lab.charts.from"), format=".3f"),
                 alt.Tooltip("to:Q", title=t("lab.charts.to"), format=".3f"),
                 alt.Tooltip("count:Q", title=t("lab.charts.count"))],
    ).properties(width=width, height=120).facet(
        facet=alt.Facet("layer:N", title=None, sort=list(dict.fromkeys(histograms.layer))), columns=columns,
    ).resolve_scale(x="independent", y="independent").properties(title=title)


def norm_data(runs: dict[str, Run]) -> pd.DataFrame:
    """Each run's weight norm, every epoch."""
    return pd.concat([pd.DataFrame({"run": run_name(label), "epoch": run.history["epoch"],
                                    "weight norm": run.history["weight_norm"]})
                      for label, run in runs.items()], ignore_index=True)


def _per_run_table(frame: pd.DataFrame, field: str, title: str) -> pd.DataFrame:
    """A per-epoch series of each run as a table in the page's language (no run column for one run)."""
    table = frame.rename(columns={"run": t("lab.charts.run"), "epoch": t("lab.charts.epoch"), field: title})
    return table if frame.run.nunique() > 1 else table.drop(columns=t("lab.charts.run"))


def _per_run_lines(frame: pd.DataFrame, field: str, axis: str, title: str, colour: str, number: str,
                   legend: bool, **mark: Any) -> alt.Chart:
    """A per-epoch series, a line per run told apart by its dash (``legend``: name the runs)."""
    return alt.Chart(frame).mark_line(color=colour, **mark).encode(
        x=alt.X("epoch:Q", title=t("lab.charts.epoch")),
        y=alt.Y(f"{field}:Q", title=axis),
        strokeDash=alt.StrokeDash("run:N", title=None, legend=alt.Legend() if legend else None),
        tooltip=[alt.Tooltip("run:N", title=t("lab.charts.run")),
                 alt.Tooltip("epoch:Q", title=t("lab.charts.epoch")),
                 alt.Tooltip(f"{field}:Q", title=title, format=number)],
    ).properties(height=200)


def norm_table(norms: pd.DataFrame) -> pd.DataFrame:
    return _per_run_table(norms, "weight norm", t("lab.charts.weight_norm"))


def norm_summary(norms: pd.DataFrame) -> str:
    """Where each run's weight norm starts and ends."""
    ends = []
    for name, run in norms[np.isfinite(norms["weight norm"])].groupby("run", sort=False):
        first, last = run.iloc[0], run.iloc[-1]
        ends.append({"run": name, "first": fmt.number(first["weight norm"]), "first_epoch": int(first.epoch),
                     "last": fmt.number(last["weight norm"]), "last_epoch": int(last.epoch)})
    if not ends:
        return t("a11y.no_data", what=t("lab.charts.weight_norm"))
    if len(ends) == 1:
        return t("lab.alt.norm_one", **ends[0])
    runs = t("lab.alt.separator").join(t("lab.alt.norm_run", **end) for end in ends)
    return t("lab.alt.norm_many", runs=runs)


@memo
def norm_chart(norms: pd.DataFrame) -> alt.Chart:
    title = t("lab.charts.weight_norm")
    return _per_run_lines(norms, "weight norm", title, title, OKABE_ITO[2], ".4g", norms.run.nunique() > 1)


def lr_data(runs: dict[str, Run]) -> pd.DataFrame:
    """The learning rate each epoch trained with (history row e holds the rate of epoch e)."""
    return pd.concat([pd.DataFrame({"run": run_name(label), "epoch": run.history["epoch"][1:],
                                    "learning rate": run.history["lr"][1:]})
                      for label, run in runs.items()], ignore_index=True)


def lr_table(rates: pd.DataFrame) -> pd.DataFrame:
    return _per_run_table(rates, "learning rate", t("lab.charts.lr"))


def lr_summary(rates: pd.DataFrame) -> str:
    """The schedule of the run the page shows (the last): first, highest and last rate."""
    run = rates[rates.run == rates.run.iloc[-1]]
    if run.empty:
        return t("a11y.no_data", what=t("lab.charts.lr"))
    first, last, top = run.iloc[0], run.iloc[-1], run.loc[run["learning rate"].idxmax()]
    return t("lab.alt.lr", first=fmt.number(first["learning rate"]), first_epoch=int(first.epoch),
             top=fmt.number(top["learning rate"]), top_epoch=int(top.epoch),
             last=fmt.number(last["learning rate"]), last_epoch=int(last.epoch))


@memo
def lr_chart(rates: pd.DataFrame, schedule: str) -> alt.Chart:
    axis = t("lab.charts.lr_axis", schedule=schedule)
    return _per_run_lines(rates, "learning rate", axis, t("lab.charts.lr"), OKABE_ITO[1], ".3g", False,
                          interpolate="step-after")


def gradient_data(runs: dict[str, Run]) -> pd.DataFrame:
    """Each run's gradient norm ‖∂L/∂W‖ per layer and epoch; a log axis cannot show 0 or a
    non-finite norm, so those rows are left out."""
    parts = []
    for label, run in runs.items():
        epochs = run.gradients.get("epoch", [])
        for name, norms in run.gradients.items():
            if name != "epoch":
                parts.append(pd.DataFrame({"run": run_name(label), "epoch": epochs, "layer": layer_name(name),
                                           "norm": norms}))
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["run", "epoch", "layer", "norm"])
    norms = table.norm.astype(float)
    return table[np.isfinite(norms) & (norms > 0)].reset_index(drop=True)


def gradient_table(gradients: pd.DataFrame) -> pd.DataFrame:
    table = gradients.rename(columns={"run": t("lab.charts.run"), "epoch": t("lab.charts.epoch"),
                                      "layer": t("lab.charts.layer"), "norm": t("lab_gradients.norm")})
    return table if gradients.run.nunique() > 1 else table.drop(columns=t("lab.charts.run"))


def gradient_summary(gradients: pd.DataFrame) -> str:
    """Per run, each layer's gradient norm at the first and the last epoch logged."""
    if gradients.empty:
        return t("a11y.no_data", what=t("lab_gradients.norm"))
    several = gradients.run.nunique() > 1
    parts = []
    for name, run in gradients.groupby("run", sort=False):
        ends = run.groupby("layer", sort=False).norm.agg(["first", "last"])  # rows are in epoch order
        layers = t("lab_gradients.layer_separator").join(
            t("lab_gradients.layer_change", layer=layer, first=fmt.number(row["first"]),
              last=fmt.number(row["last"])) for layer, row in ends.iterrows())
        numbers = {"layers": layers, "first_epoch": int(run.epoch.min()), "last_epoch": int(run.epoch.max())}
        parts.append(t("lab_gradients.summary_run", run=name, **numbers) if several
                     else t("lab_gradients.summary_one", **numbers))
    return t("lab_gradients.summary", runs=t("lab.alt.separator").join(parts))


@memo
def gradient_chart(gradients: pd.DataFrame, width: int = 300) -> alt.Chart | alt.FacetChart:
    """Gradient norms per layer over the epochs on a log axis, each layer in its colour and dash;
    when comparing, one panel per run, on the same axes."""
    layers = list(dict.fromkeys(gradients.layer))
    chart = alt.Chart(gradients).mark_line().encode(
        x=alt.X("epoch:Q", title=t("lab.charts.epoch")),
        y=alt.Y("norm:Q", title=t("lab_gradients.norm"), scale=alt.Scale(type="log", zero=False)),
        color=alt.Color("layer:N", sort=layers, scale=alt.Scale(range=list(OKABE_ITO)), title=None),
        strokeDash=alt.StrokeDash("layer:N", sort=layers, title=None),
        tooltip=[alt.Tooltip("run:N", title=t("lab.charts.run")),
                 alt.Tooltip("layer:N", title=t("lab.charts.layer")),
                 alt.Tooltip("epoch:Q", title=t("lab.charts.epoch")),
                 alt.Tooltip("norm:Q", title=t("lab_gradients.norm"), format=".3g")])
    title = t("lab_gradients.title")
    if gradients.run.nunique() < 2:
        return chart.properties(height=320, title=title)  # Streamlit's height: the title and axes included
    runs = alt.Column("run:N", title=None, sort=list(dict.fromkeys(gradients.run)))
    return chart.properties(width=width, height=200).facet(column=runs).properties(title=title)


def line_data(runs: dict[str, Run]) -> pd.DataFrame:
    """Long table: run, α, split and the loss at θ(α) = (1 − α)·θ_init + α·θ_final (finite ones)."""
    parts = []
    for label, run in runs.items():
        if run.line is not None:
            for shown, losses in zip(splits(), (run.line.train_loss, run.line.val_loss), strict=True):
                parts.append(pd.DataFrame({"run": run_name(label), "alpha": run.line.alphas, "split": shown,
                                           "loss": losses}))
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["run", "alpha", "split", "loss"])
    return table[np.isfinite(table.loss.astype(float))].reset_index(drop=True)


def line_table(line: pd.DataFrame) -> pd.DataFrame:
    table = line.rename(columns={"run": t("lab.charts.run"), "alpha": "α", "split": t("lab.charts.split"),
                                 "loss": t("lab.charts.loss")})
    return table if line.run.nunique() > 1 else table.drop(columns=t("lab.charts.run"))


def _rise(losses: pd.Series) -> tuple[float, int]:
    """The largest climb along the line: how far a loss rises above the lowest one before it, and
    where (its position in ``losses``); (0, 0) when the losses never rise."""
    values = losses.to_numpy(dtype=float)
    climbs = values[1:] - np.minimum.accumulate(values)[:-1]
    if not len(climbs) or climbs.max() <= 1e-6 * max(1.0, np.abs(values).max()):
        return 0.0, 0
    return float(climbs.max()), int(climbs.argmax()) + 1


def line_summary(line: pd.DataFrame) -> str:
    """Per run: the training loss at α = 0 and α = 1, whether it falls all the way between them
    (else its largest climb), and where on the line the validation loss is lowest."""
    if line.empty:
        return t("a11y.no_data", what=t("lab.charts.loss"))
    train, validation = splits()
    several = line.run.nunique() > 1
    parts = []
    for name, run in line.groupby("run", sort=False):
        fitted = run[run.split == train].sort_values("alpha")
        between = fitted[(fitted.alpha >= 0) & (fitted.alpha <= 1)]
        checked = run[run.split == validation]
        if between.empty or checked.empty:
            continue
        rise, at = _rise(between.loss)
        shape = t("lab_interpolation.falls") if not rise else t(
            "lab_interpolation.climbs", rise=fmt.number(rise), alpha=fmt.number(between.alpha.iloc[at]))
        lowest = checked.loc[checked.loss.idxmin()]
        numbers = {"start": fmt.number(between.loss.iloc[0]), "end": fmt.number(between.loss.iloc[-1]),
                   "shape": shape, "low": fmt.number(lowest.loss), "low_alpha": fmt.number(lowest.alpha)}
        parts.append(t("lab_interpolation.summary_run", run=name, **numbers) if several
                     else t("lab_interpolation.summary_one", **numbers))
    if not parts:
        return t("a11y.no_data", what=t("lab.charts.loss"))
    return t("lab_interpolation.summary", runs=t("lab.alt.separator").join(parts))


@memo
def line_chart(line: pd.DataFrame) -> alt.LayerChart | alt.FacetChart:
    """The training and validation loss along the line, each split in its colour and marker, each
    run (when two) in its dash; rules mark the initial (α = 0) and final (α = 1) weights."""
    several = line.run.nunique() > 1
    tooltip = [alt.Tooltip("run:N", title=t("lab.charts.run")),
               alt.Tooltip("split:N", title=t("lab.charts.split")),
               alt.Tooltip("alpha:Q", title="α", format=".2f"),
               alt.Tooltip("loss:Q", title=t("lab.charts.loss"), format=".4f")]
    base = alt.Chart(line).encode(
        x=alt.X("alpha:Q", title=t("lab_interpolation.axis"),
                scale=alt.Scale(domain=[float(interpolation.ALPHAS[0]), float(interpolation.ALPHAS[-1])],
                                nice=False)),
        y=alt.Y("loss:Q", title=t("lab.charts.loss")),
        color=alt.Color("split:N", scale=split_colors(), title=None), tooltip=tooltip)
    dash = alt.StrokeDash("run:N", title=None) if several else alt.value([1, 0])
    lines = base.mark_line().encode(strokeDash=dash)
    points = base.mark_point(filled=True, size=30).encode(
        shape=alt.Shape("split:N", scale=split_shapes(), title=None))
    ends = pd.DataFrame({"alpha": [0.0, 1.0],
                         "end": [t("lab_interpolation.initial"), t("lab_interpolation.final")]})
    rules = alt.Chart(ends).mark_rule(strokeDash=[4, 3], color=GREY).encode(x="alpha:Q")
    labels = alt.Chart(ends).mark_text(align="left", dx=3, dy=2, baseline="top", fontSize=11,
                                       color=GREY).encode(x="alpha:Q", y=alt.value(0), text="end:N")
    return alt.layer(rules, labels, lines, points).properties(height=320, title=t("lab_interpolation.title"))


def batchnorm_data(frame: Frame) -> pd.DataFrame:
    """Per BN layer, statistic and unit: the training batch's value and the running estimate."""
    parts = []
    for bn in frame.batchnorm:
        for statistic, batch, running in ((t("lab.charts.mean"), bn.batch_mean, bn.running_mean),
                                          (t("lab.charts.variance"), bn.batch_var, bn.running_var)):
            units = np.arange(1, len(batch) + 1)
            parts.append(pd.DataFrame({"layer": layer_name(bn.name), "statistic": statistic, "unit": units,
                                       "batch": batch, "running": running}))
    return pd.concat(parts, ignore_index=True)


def batchnorm_table(stats: pd.DataFrame) -> pd.DataFrame:
    return stats.rename(columns={"layer": t("lab.charts.layer"), "statistic": t("lab.charts.statistic"),
                                 "unit": t("lab.charts.unit"), "batch": t("lab.charts.batch"),
                                 "running": t("lab.charts.running")})


def batchnorm_summary(stats: pd.DataFrame) -> str:
    """Per statistic, the unit whose running estimate is furthest from its batch value."""
    apart = stats.assign(gap=(stats.batch - stats.running).abs())
    parts = []
    for statistic, rows in apart.groupby("statistic", sort=False):
        row = rows.loc[rows.gap.idxmax()]
        parts.append(t("lab.alt.bn_gap", statistic=statistic, gap=fmt.number(row.gap), layer=row.layer,
                       unit=int(row.unit)))
    return t("lab.alt.batchnorm", gaps=t("lab.alt.separator").join(parts))


@memo
def batchnorm_chart(stats: pd.DataFrame) -> alt.FacetChart:
    """Each unit as a point (batch statistic, running statistic): on the diagonal they agree. Each
    layer has its colour and its marker shape."""
    dots = alt.Chart().mark_point(filled=True, size=30, opacity=0.7).encode(
        x=alt.X("batch:Q", title=t("lab.charts.batch_axis")),
        y=alt.Y("running:Q", title=t("lab.charts.running_axis")),
        color=alt.Color("layer:N", scale=alt.Scale(range=list(OKABE_ITO)), title=None),
        shape=alt.Shape("layer:N", title=None),
        tooltip=[alt.Tooltip("layer:N", title=t("lab.charts.layer")),
                 alt.Tooltip("statistic:N", title=t("lab.charts.statistic")),
                 alt.Tooltip("unit:Q", title=t("lab.charts.unit")),
                 alt.Tooltip("batch:Q", title=t("lab.charts.batch"), format=".3f"),
                 alt.Tooltip("running:Q", title=t("lab.charts.running"), format=".3f")])
    # y = x across each panel's range
    diagonal = alt.Chart().transform_calculate(
        lo="min(datum.batch, datum.running)", hi="max(datum.batch, datum.running)").mark_rule(
        color="gray", strokeDash=[4, 3]).encode(x="min(lo):Q", x2="max(hi):Q", y="min(lo):Q", y2="max(hi):Q")
    return alt.layer(dots, diagonal, data=stats).properties(width=300, height=260).facet(
        column=alt.Column("statistic:N", title=None)).resolve_scale(x="independent", y="independent")


def confusion_data(confusion: np.ndarray, class_names: tuple[str, ...]) -> pd.DataFrame:
    true, predicted = np.indices(confusion.shape)
    names = np.asarray(class_labels(class_names))
    return pd.DataFrame({"true": names[true.ravel()], "predicted": names[predicted.ravel()],
                         "count": confusion.ravel()})


def confusion_table(cells: pd.DataFrame) -> pd.DataFrame:
    return cells.rename(columns={"true": t("lab.charts.true"), "predicted": t("lab.charts.predicted"),
                                 "count": t("lab.charts.count")})


def confusion_summary(cells: pd.DataFrame) -> str:
    """How many validation points sit on the diagonal, and the most common mistake."""
    total = int(cells["count"].sum())
    right = cells.true == cells.predicted
    correct = int(cells[right]["count"].sum())
    share = fmt.percent(correct / total) if total else fmt.MISSING
    wrong = cells[~right]
    if total == correct or wrong.empty:
        return t("lab.alt.confusion_all", total=total)
    worst = wrong.loc[wrong["count"].idxmax()]
    return t("lab.alt.confusion", total=total, correct=correct, share=share, count=int(worst["count"]),
             true=worst.true, predicted=worst.predicted)


@memo
def confusion_chart(cells: pd.DataFrame, class_names: tuple[str, ...]) -> alt.LayerChart | alt.FacetChart:
    order = list(class_labels(class_names))
    base = alt.Chart(cells).encode(
        x=alt.X("predicted:N", sort=order, title=t("lab.charts.predicted"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("true:N", sort=order, title=t("lab.charts.true")),
        tooltip=[alt.Tooltip("true:N", title=t("lab.charts.true")),
                 alt.Tooltip("predicted:N", title=t("lab.charts.predicted")),
                 alt.Tooltip("count:Q", title=t("lab.charts.count"))])
    heat = base.mark_rect().encode(color=alt.Color("count:Q", scale=alt.Scale(scheme="blues"), legend=None))
    text = base.mark_text(fontSize=12).encode(  # black or white on the fixed blues, whatever the theme
        text="count:Q", color=alt.condition(alt.datum.count > cells["count"].max() / 2, alt.value("white"),
                                            alt.value("black")))
    side = max(160, 32 * len(order))
    return alt.layer(heat, text).properties(width=side, height=side, title=t("lab.charts.confusion"),
                                            autosize="pad")
