"""Tables and altair charts of training runs: pure functions from runs to data frames to charts,
so tests can check a chart's data without a browser."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from playground.datasets.images import ImageSet
from playground.train.loop import Progress, RunConfig, RunResult, lr_factor
from playground.ui import format as fmt
from playground.ui.theme import OKABE_ITO, SHAPES, TRAIN_COLOR, VALIDATION_COLOR

SPLIT_COLORS = alt.Scale(domain=["train", "test"], range=[TRAIN_COLOR, VALIDATION_COLOR])
SPLIT_SHAPES = alt.Scale(domain=["train", "test"], range=["circle", "square"])
LR_POINTS = 1000  # the most steps the learning-rate chart draws; longer runs are sampled evenly
# Streamlit's default autosize ("fit") squeezes title, axes and legend into the chart's height;
# "fit-x" fits only the width, so ``height`` is the plot's own and a legend adds below it.
FIT_WIDTH = {"type": "fit-x", "contains": "padding"}


def epochs_frame(result: RunResult) -> pd.DataFrame:
    """Long form: epoch, split (train/test), metric (loss/accuracy), value."""
    rows = [{"epoch": e["epoch"], "split": split, "metric": metric, "value": e[f"{split}_{metric}"]}
            for e in result.epochs for split in ("train", "test") for metric in ("loss", "accuracy")]
    return pd.DataFrame(rows, columns=["epoch", "split", "metric", "value"])


def curves_chart(frame: pd.DataFrame) -> alt.HConcatChart:
    """Loss and accuracy per epoch, train against test."""
    def panel(metric: str) -> alt.Chart:
        axis = alt.Axis(format="%") if metric == "accuracy" else alt.Axis()
        shown = fmt.percent if metric == "accuracy" else fmt.number
        data = frame[frame.metric == metric].assign(shown=lambda f: f["value"].map(shown))
        chart = alt.Chart(data, title=metric.capitalize()).mark_line(point=True)
        return chart.encode(
            x=alt.X("epoch:Q", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("value:Q", title=metric, axis=axis, scale=alt.Scale(zero=False)),
            color=alt.Color("split:N", scale=SPLIT_COLORS), shape=alt.Shape("split:N", scale=SPLIT_SHAPES),
            tooltip=["epoch", "split", alt.Tooltip("shown:N", title=metric)],
        ).properties(width=300, height=220)
    return alt.hconcat(panel("loss"), panel("accuracy"))


def steps_frame(progress: list[Progress]) -> pd.DataFrame:
    """Step-level reports (each the mean over the steps since the previous report)."""
    rows = [{"step": p.step, "loss": p.loss, "accuracy": p.accuracy} for p in progress if p.kind == "step"]
    return pd.DataFrame(rows, columns=["step", "loss", "accuracy"])


def live_epochs_frame(progress: list[Progress]) -> pd.DataFrame:
    """The test loss and accuracy (in percentage points) after each finished epoch of a run still
    training."""
    rows = [{"epoch": p.epoch, "test loss": p.test_loss, "test accuracy": fmt.points(p.test_accuracy)}
            for p in progress if p.kind == "epoch"]
    return pd.DataFrame(rows, columns=["epoch", "test loss", "test accuracy"])


def steps_chart(frame: pd.DataFrame) -> alt.Chart:
    shown = frame.assign(loss_shown=frame["loss"].map(fmt.number),
                         accuracy_shown=frame["accuracy"].map(fmt.percent))
    return alt.Chart(shown, title="Training loss per step").mark_line(color=TRAIN_COLOR).encode(
        x="step:Q", y=alt.Y("loss:Q", scale=alt.Scale(zero=False)),
        tooltip=["step", alt.Tooltip("loss_shown:N", title="loss"),
                 alt.Tooltip("accuracy_shown:N", title="accuracy")]
    ).properties(height=200)


def lr_frame(config: RunConfig, total_steps: int, progress: list[Progress]) -> pd.DataFrame:
    """The learning rate at each 0-based optimizer step (every step up to ``LR_POINTS``, else an even
    sample): "planned" from the loop's own schedule, and "recorded", the rate the run reported in
    force after each step report (none before launching)."""
    factor = lr_factor(config, total_steps)
    steps = np.unique(np.linspace(0, total_steps - 1, min(total_steps, LR_POINTS)).round().astype(int))
    planned = [{"step": int(t), "lr": config.lr * factor(int(t)), "source": "planned"} for t in steps]
    recorded = [{"step": p.step, "lr": p.lr, "source": "recorded"} for p in progress
                if p.kind == "step" and p.step < total_steps]
    frame = pd.DataFrame(planned + recorded, columns=["step", "lr", "source"])
    return frame.assign(shown=frame["lr"].map(fmt.number))


def lr_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """η(t): the planned rate as a line, the recorded one as points on it."""
    base = alt.Chart(frame, title="η(t): learning rate at each optimizer step").encode(
        x=alt.X("step:Q", title="optimizer step t"), y=alt.Y("lr:Q", title="η(t)"),
        tooltip=["source", "step", alt.Tooltip("shown:N", title="η")])
    line = base.transform_filter(alt.datum.source == "planned").mark_line(color=TRAIN_COLOR)
    points = base.transform_filter(alt.datum.source == "recorded").mark_point(color=VALIDATION_COLOR,
                                                                               filled=True, size=30)
    return (line + points).properties(height=160, autosize=FIT_WIDTH)


def overlay_frame(results: dict[str, RunResult]) -> pd.DataFrame:
    """Test accuracy and loss per epoch of several runs, keyed by run label."""
    rows = [{"run": label, "epoch": e["epoch"], "test_accuracy": e["test_accuracy"],
             "test_loss": e["test_loss"], "train_loss": e["train_loss"]}
            for label, result in results.items() for e in result.epochs]
    return pd.DataFrame(rows, columns=["run", "epoch", "test_accuracy", "test_loss", "train_loss"])


def overlay_chart(frame: pd.DataFrame) -> alt.Chart:
    runs = list(dict.fromkeys(frame["run"]))
    colors = alt.Scale(domain=runs, range=[OKABE_ITO[i % len(OKABE_ITO)] for i in range(len(runs))])
    shapes = alt.Scale(domain=runs, range=[SHAPES[i % len(SHAPES)] for i in range(len(runs))])
    shown = frame.assign(accuracy_shown=frame["test_accuracy"].map(fmt.percent))
    return alt.Chart(shown, title="Test accuracy per epoch").mark_line(point=True).encode(
        x=alt.X("epoch:Q", axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("test_accuracy:Q", title="test accuracy", axis=alt.Axis(format="%"),
                scale=alt.Scale(zero=False)),
        color=alt.Color("run:N", scale=colors, legend=alt.Legend(orient="bottom", columns=2, labelLimit=400,
                                                                 title=None)),
        shape=alt.Shape("run:N", scale=shapes),
        tooltip=["run", "epoch", alt.Tooltip("accuracy_shown:N", title="test accuracy")],
    ).properties(height=300, autosize=FIT_WIDTH)


def summary_frame(results: dict[str, RunResult]) -> pd.DataFrame:
    """One row per run: the settings that differ most often, and the final numbers (test accuracy
    in percentage points)."""
    rows = []
    for label, result in results.items():
        c = result.config
        rows.append({"run": label, "status": result.status, "optimizer": f"{c.optimizer} ({c.backend})",
                     "lr": c.lr, "dropout": c.dropout, "batchnorm": c.batchnorm,
                     "epochs": len(result.epochs), "test accuracy": fmt.points(result.test_accuracy),
                     "seconds": round(result.seconds, 1), "device": result.device})
    return pd.DataFrame(rows)


def confusion_frame(result: RunResult) -> pd.DataFrame:
    names = result.classes
    rows = [{"true": names[t], "predicted": names[p], "count": count}
            for t, row in enumerate(result.confusion or []) for p, count in enumerate(row)]
    return pd.DataFrame(rows, columns=["true", "predicted", "count"])


def confusion_chart(frame: pd.DataFrame, classes: tuple[str, ...]) -> alt.LayerChart:
    order = list(classes)
    base = alt.Chart(frame, title="Confusion matrix (rows: true class)").encode(
        x=alt.X("predicted:N", sort=order), y=alt.Y("true:N", sort=order))
    cells = base.mark_rect().encode(color=alt.Color("count:Q", scale=alt.Scale(scheme="blues", type="symlog"),
                                                    legend=None), tooltip=["true", "predicted", "count"])
    text = base.mark_text(fontSize=10).encode(
        text="count:Q", color=alt.condition(alt.datum.count > frame["count"].max() / 2, alt.value("white"),
                                            alt.value("black")))
    return (cells + text).properties(height=320)


def per_class_frame(result: RunResult) -> pd.DataFrame:
    examples = [sum(row) for row in result.confusion or []]
    return pd.DataFrame({"class": list(result.classes)[:len(examples)],
                         "accuracy": [fmt.points(a) for a in result.per_class_accuracy],
                         "test examples": examples})


def mistake_tiles(data: ImageSet, result: RunResult, size: int = 64) -> tuple[list[np.ndarray], list[str]]:
    """The misclassified test images, upscaled with nearest neighbours to ``size`` pixels, and
    captions 'predicted (true)'."""
    images, captions = [], []
    for mistake in result.mistakes:
        image = data.test_x[mistake["index"]].permute(1, 2, 0).numpy()
        scale = max(1, size // image.shape[0])
        image = image.repeat(scale, axis=0).repeat(scale, axis=1)
        images.append(image[..., 0] if image.shape[2] == 1 else image)
        captions.append(f"{result.classes[mistake['predicted']]} (true: {result.classes[mistake['true']]})")
    return images, captions
