"""Tables and altair charts of training runs: pure functions from runs to data frames to charts,
so tests can check a chart's data without a browser. Each chart has its text alternative beside
it: the table of what it draws (readable headers) and a sentence computed from the same data.

Frames keep language-independent columns and values (``split`` is ``train`` or ``test``); the
words a viewer reads (titles, axes, legends, headers, sentences) come from the catalogues."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import torch

from playground.datasets.images import ImageSet
from playground.train.adversarial import AttackPlan
from playground.train.attack import Attack
from playground.train.loop import Progress, RunConfig, RunResult, lr_factor
from playground.ui import format as fmt
from playground.ui.i18n import say, t
from playground.ui.runs.messages import class_name
from playground.ui.theme import OKABE_ITO, SHAPES, TRAIN_COLOR, VALIDATION_COLOR
from playground.ui.vega import memo

SPLITS = ("train", "test")
LR_POINTS = 1000  # the most steps the learning-rate chart draws; longer runs are sampled evenly
# Streamlit's default autosize ("fit") squeezes title, axes and legend into the chart's height;
# "fit-x" fits only the width, so ``height`` is the plot's own and a legend adds below it.
FIT_WIDTH = {"type": "fit-x", "contains": "padding"}


def split_names() -> dict[str, str]:
    return {"train": t("runs.charts.train"), "test": t("runs.charts.test")}


def epochs_frame(result: RunResult) -> pd.DataFrame:
    """Long form: epoch, split (train/test), metric (loss/accuracy), value."""
    rows = [{"epoch": e["epoch"], "split": split, "metric": metric, "value": e[f"{split}_{metric}"]}
            for e in result.epochs for split in SPLITS for metric in ("loss", "accuracy")]
    return pd.DataFrame(rows, columns=["epoch", "split", "metric", "value"])


def curves_chart(frame: pd.DataFrame) -> alt.HConcatChart:
    """Loss and accuracy per epoch, train against test."""
    names = split_names()
    domain = [names[split] for split in SPLITS]
    colors = alt.Scale(domain=domain, range=[TRAIN_COLOR, VALIDATION_COLOR])
    shapes = alt.Scale(domain=domain, range=["circle", "square"])
    split, epoch = t("runs.charts.split"), t("runs.charts.epoch")

    def panel(metric: str) -> alt.Chart:
        accuracy = metric == "accuracy"
        axis = alt.Axis(format="%") if accuracy else alt.Axis()
        shown = fmt.percent if accuracy else fmt.number
        title, name = ((t("runs.charts.accuracy_title"), t("runs.charts.accuracy")) if accuracy else
                       (t("runs.charts.loss_title"), t("runs.charts.loss")))
        data = frame[frame.metric == metric].assign(shown=lambda f: f["value"].map(shown),
                                                    split=lambda f: f["split"].map(names))
        chart = alt.Chart(data, title=title).mark_line(point=True)
        return chart.encode(
            x=alt.X("epoch:Q", title=epoch, axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("value:Q", title=name, axis=axis, scale=alt.Scale(zero=False)),
            color=alt.Color("split:N", scale=colors, title=split),
            shape=alt.Shape("split:N", scale=shapes, title=split),
            tooltip=[alt.Tooltip("epoch:Q", title=epoch), alt.Tooltip("split:N", title=split),
                     alt.Tooltip("shown:N", title=name)],
        ).properties(width=300, height=220)
    return alt.hconcat(panel("loss"), panel("accuracy"))


def curves_table(frame: pd.DataFrame) -> pd.DataFrame:
    """What the curves draw, one row per epoch: losses, and accuracies in percentage points."""
    wide = frame.pivot_table(index="epoch", columns=["metric", "split"], values="value", dropna=False)
    columns = {("loss", "train"): t("runs.columns.train_loss"), ("loss", "test"): t("runs.columns.test_loss"),
               ("accuracy", "train"): t("runs.columns.train_accuracy_points"),
               ("accuracy", "test"): t("runs.columns.test_accuracy_points")}
    table = pd.DataFrame({t("runs.columns.epoch"): wide.index})
    for (metric, split), header in columns.items():
        values = wide[(metric, split)].to_numpy() if (metric, split) in wide else np.full(len(wide), np.nan)
        table[header] = values * 100 if metric == "accuracy" else values
    return table


def curves_summary(frame: pd.DataFrame) -> str:
    """Where the four curves end, and the epoch of the lowest test loss."""
    finite = frame[np.isfinite(frame["value"].astype(float))]
    if finite.empty:
        return t("a11y.no_data", what=t("runs.charts.loss"))
    last = int(frame["epoch"].max())
    at_end = frame[frame.epoch == last].set_index(["metric", "split"])["value"]
    text = t("runs.alt.curves", epoch=last, train_loss=fmt.number(at_end.get(("loss", "train"))),
             test_loss=fmt.number(at_end.get(("loss", "test"))),
             train_accuracy=fmt.percent(at_end.get(("accuracy", "train"))),
             test_accuracy=fmt.percent(at_end.get(("accuracy", "test"))))
    test_loss = finite[(finite.metric == "loss") & (finite.split == "test")]
    if len(test_loss) > 1:
        best = test_loss.loc[test_loss["value"].idxmin()]
        # a second sentence brings its own space where the language puts one between sentences
        text += t("runs.alt.best_test_loss", loss=fmt.number(best["value"]), epoch=int(best["epoch"]))
    return text


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
    step, loss = t("runs.charts.step"), t("runs.charts.loss")
    return alt.Chart(shown, title=t("runs.charts.steps_title")).mark_line(color=TRAIN_COLOR).encode(
        x=alt.X("step:Q", title=step), y=alt.Y("loss:Q", title=loss, scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("step:Q", title=step), alt.Tooltip("loss_shown:N", title=loss),
                 alt.Tooltip("accuracy_shown:N", title=t("runs.charts.accuracy"))]
    ).properties(height=200)


def steps_table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({t("runs.columns.step"): frame["step"], t("runs.columns.train_loss"): frame["loss"],
                         t("runs.columns.train_accuracy_points"): frame["accuracy"] * 100})


def steps_summary(frame: pd.DataFrame) -> str:
    """Where the training loss started and stands, and its lowest report."""
    finite = frame[np.isfinite(frame["loss"].astype(float))]
    if finite.empty:
        return t("a11y.no_data", what=t("runs.charts.loss"))
    first, last = finite.iloc[0], finite.iloc[-1]
    low = finite.loc[finite["loss"].idxmin()]
    return t("runs.alt.steps", first=fmt.number(first["loss"]), first_step=f"{int(first['step']):,}",
             last=fmt.number(last["loss"]), last_step=f"{int(last['step']):,}", low=fmt.number(low["loss"]),
             low_step=f"{int(low['step']):,}")


def lr_frame(config: RunConfig, total_steps: int, progress: list[Progress]) -> pd.DataFrame:
    """The learning rate at each 0-based optimizer step (every step up to ``LR_POINTS``, else an even
    sample): "planned" from the loop's own schedule, and "recorded", the rate the run reported in
    force after each step report (none before launching)."""
    factor = lr_factor(config, total_steps)
    steps = np.unique(np.linspace(0, total_steps - 1, min(total_steps, LR_POINTS)).round().astype(int))
    planned = [{"step": int(s), "lr": config.lr * factor(int(s)), "source": "planned"} for s in steps]
    recorded = [{"step": p.step, "lr": p.lr, "source": "recorded"} for p in progress
                if p.kind == "step" and p.step < total_steps]
    frame = pd.DataFrame(planned + recorded, columns=["step", "lr", "source"])
    return frame.assign(shown=frame["lr"].map(fmt.number))


def lr_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """η(t): the planned rate as a line, the recorded one as points on it."""
    sources = {"planned": t("runs.charts.planned"), "recorded": t("runs.charts.recorded")}
    shown = frame.assign(source_shown=frame["source"].map(sources))
    base = alt.Chart(shown, title=t("runs.charts.lr_title")).encode(
        x=alt.X("step:Q", title=t("runs.charts.optimizer_step")), y=alt.Y("lr:Q", title="η(t)"),
        tooltip=[alt.Tooltip("source_shown:N", title=t("runs.charts.source")),
                 alt.Tooltip("step:Q", title=t("runs.charts.step")), alt.Tooltip("shown:N", title="η")])
    line = base.transform_filter(alt.datum.source == "planned").mark_line(color=TRAIN_COLOR)
    points = base.transform_filter(alt.datum.source == "recorded").mark_point(color=VALIDATION_COLOR,
                                                                               filled=True, size=30)
    return (line + points).properties(height=160, autosize=FIT_WIDTH)


def lr_table(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per step drawn: the planned rate, and the recorded one where the run reported it."""
    planned = frame[frame.source == "planned"].set_index("step")["lr"]
    recorded = frame[frame.source == "recorded"].drop_duplicates("step", keep="last").set_index("step")["lr"]
    steps = planned.index.union(recorded.index)
    return pd.DataFrame({t("runs.columns.optimizer_step"): steps,
                         t("runs.columns.planned_lr"): planned.reindex(steps).to_numpy(),
                         t("runs.columns.recorded_lr"): recorded.reindex(steps).to_numpy()})


def lr_summary(frame: pd.DataFrame) -> str:
    """The planned rate's start, peak and end, and the latest rate the run reported."""
    planned = frame[frame.source == "planned"]
    first, last = planned.iloc[0], planned.iloc[-1]
    peak = planned.loc[planned["lr"].idxmax()]
    if planned["lr"].min() == peak["lr"]:  # a constant rate
        text = t("runs.alt.lr_constant", lr=fmt.number(peak["lr"]), first_step=f"{int(first['step']):,}",
                 last_step=f"{int(last['step']):,}")
    else:
        text = t("runs.alt.lr", first=fmt.number(first["lr"]), peak=fmt.number(peak["lr"]),
                 peak_step=f"{int(peak['step']):,}", last=fmt.number(last["lr"]),
                 last_step=f"{int(last['step']):,}")
    recorded = frame[frame.source == "recorded"]
    if len(recorded):
        latest = recorded.iloc[-1]
        text += t("runs.alt.lr_recorded", count=len(recorded), lr=fmt.number(latest["lr"]),
                        step=f"{int(latest['step']):,}")
    return text


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
    accuracy, epoch = t("runs.charts.test_accuracy"), t("runs.charts.epoch")
    return alt.Chart(shown, title=t("runs.charts.overlay_title")).mark_line(point=True).encode(
        x=alt.X("epoch:Q", title=epoch, axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("test_accuracy:Q", title=accuracy, axis=alt.Axis(format="%"), scale=alt.Scale(zero=False)),
        color=alt.Color("run:N", scale=colors, legend=alt.Legend(orient="bottom", columns=2, labelLimit=400,
                                                                 title=None)),
        shape=alt.Shape("run:N", scale=shapes, title=None),
        tooltip=[alt.Tooltip("run:N", title=t("runs.charts.run")), alt.Tooltip("epoch:Q", title=epoch),
                 alt.Tooltip("accuracy_shown:N", title=accuracy)],
    ).properties(height=300, autosize=FIT_WIDTH)


def overlay_table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({t("runs.columns.run"): frame["run"], t("runs.columns.epoch"): frame["epoch"],
                         t("runs.columns.test_accuracy_points"): frame["test_accuracy"] * 100})


def overlay_summary(frame: pd.DataFrame) -> str:
    """Which compared run ends with the highest test accuracy and which with the lowest."""
    finite = frame[np.isfinite(frame["test_accuracy"].astype(float))]
    if finite.empty:
        return t("a11y.no_data", what=t("runs.charts.test_accuracy"))
    last = finite.sort_values("epoch").groupby("run", sort=False).tail(1)
    ranked = last.sort_values("test_accuracy", ascending=False, kind="stable")
    best, worst = ranked.iloc[0], ranked.iloc[-1]
    if len(ranked) == 1:
        return t("runs.alt.overlay_one", run=best["run"], accuracy=fmt.percent(best["test_accuracy"]),
                 epoch=int(best["epoch"]))
    if best["test_accuracy"] == worst["test_accuracy"]:
        return t("runs.alt.overlay_tie", count=len(ranked), accuracy=fmt.percent(best["test_accuracy"]))
    return t("runs.alt.overlay", best=best["run"], best_accuracy=fmt.percent(best["test_accuracy"]),
             best_epoch=int(best["epoch"]), worst=worst["run"],
             worst_accuracy=fmt.percent(worst["test_accuracy"]), worst_epoch=int(worst["epoch"]))


def summary_frame(results: dict[str, RunResult]) -> pd.DataFrame:
    """One row per run: the settings that differ most often, and the final numbers (test accuracy
    in percentage points). The words (status, implementation, device) in the page's language."""
    rows = []
    backends = {"scratch": t("runs.summary.scratch"), "torch": t("runs.summary.torch")}
    for label, result in results.items():
        c = result.config
        optimizer = t("runs.summary.optimizer", optimizer=c.optimizer, backend=backends[c.backend])
        rows.append({"run": label, "status": t(f"runs.status.{result.status}"), "optimizer": optimizer,
                     "lr": c.lr, "batch": c.batch_size, "accumulate": c.accumulate, "processes": c.nproc,
                     "dropout": c.dropout, "batchnorm": c.batchnorm, "epochs": len(result.epochs),
                     "test accuracy": fmt.points(result.test_accuracy),
                     "seconds": round(result.seconds, 1),
                     "device": say(result.device) if result.device is not None else ""})
    return pd.DataFrame(rows)


def confusion_frame(result: RunResult) -> pd.DataFrame:
    """One row per cell: true and predicted class (in the page's language) and how many test images."""
    names = [class_name(name) for name in result.classes]
    rows = [{"true": names[true], "predicted": names[predicted], "count": count}
            for true, row in enumerate(result.confusion or []) for predicted, count in enumerate(row)]
    return pd.DataFrame(rows, columns=["true", "predicted", "count"])


@memo  # the live panel redraws it twice a second; it changes once an epoch
def confusion_chart(frame: pd.DataFrame, classes: tuple[str, ...]) -> alt.LayerChart:
    order = [class_name(name) for name in classes]
    true, predicted, count = t("runs.charts.true"), t("runs.charts.predicted"), t("runs.charts.count")
    base = alt.Chart(frame, title=t("runs.charts.confusion_title")).encode(
        x=alt.X("predicted:N", sort=order, title=predicted), y=alt.Y("true:N", sort=order, title=true))
    cells = base.mark_rect().encode(
        color=alt.Color("count:Q", scale=alt.Scale(scheme="blues", type="symlog"), legend=None),
        tooltip=[alt.Tooltip("true:N", title=true), alt.Tooltip("predicted:N", title=predicted),
                 alt.Tooltip("count:Q", title=count)])
    # the numbers sit on the cells' fixed blues, never on the page's (possibly dark) background
    text = base.mark_text(fontSize=10).encode(
        text="count:Q", color=alt.condition(alt.datum.count > frame["count"].max() / 2, alt.value("white"),
                                            alt.value("black")))
    return (cells + text).properties(height=320)


def confusion_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The matrix as the chart lays it out: a row per true class, a column per predicted class."""
    order = list(dict.fromkeys(frame["true"]))
    matrix = frame.pivot(index="true", columns="predicted", values="count")
    matrix = matrix.reindex(index=order, columns=order)
    return matrix.rename_axis(index=t("runs.columns.true_class"), columns=None).reset_index()


def confusion_summary(frame: pd.DataFrame) -> str:
    """How many test images sit on the diagonal, and the most frequent mistake."""
    total = int(frame["count"].sum())
    right = frame[frame["true"] == frame["predicted"]]
    wrong = frame[(frame["true"] != frame["predicted"]) & (frame["count"] > 0)]
    correct = int(right["count"].sum())
    text = t("runs.alt.confusion", correct=f"{correct:,}", total=f"{total:,}",
             accuracy=fmt.percent(correct / total if total else None))
    if len(wrong):
        worst = wrong.loc[wrong["count"].idxmax()]
        text += t("runs.alt.confusion_mistake", true=worst["true"], predicted=worst["predicted"],
                        count=f"{int(worst['count']):,}")
    return text


def per_class_frame(result: RunResult) -> pd.DataFrame:
    examples = [sum(row) for row in result.confusion or []]
    return pd.DataFrame({"class": [class_name(name) for name in result.classes][:len(examples)],
                         "accuracy": [fmt.points(a) for a in result.per_class_accuracy],
                         "test examples": examples})


def mistakes_table(result: RunResult) -> pd.DataFrame:
    """The misclassified test images shown, in order: their index in the test set, predicted and
    true class."""
    names = [class_name(name) for name in result.classes]
    return pd.DataFrame({t("runs.columns.test_image"): [m["index"] for m in result.mistakes],
                         t("runs.columns.predicted"): [names[m["predicted"]] for m in result.mistakes],
                         t("runs.columns.true_class"): [names[m["true"]] for m in result.mistakes]})


def mistake_signals_frame(data: ImageSet, result: RunResult) -> pd.DataFrame:
    """The misclassified test signals (MNIST-1D) in long form, a row per value: the example's index
    in the test set, its title "index: predicted (true)", the position along the signal and the value."""
    names = [class_name(name) for name in result.classes]
    rows = []
    for mistake in result.mistakes:
        title = f"{mistake['index']}: " + t("runs.results.mistake", predicted=names[mistake["predicted"]],
                                              true=names[mistake["true"]])
        signal = data.test_x[mistake["index"]].flatten().tolist()
        rows += [{"example": mistake["index"], "title": title, "position": position, "value": value}
                 for position, value in enumerate(signal)]
    return pd.DataFrame(rows, columns=["example", "title", "position", "value"])


def mistake_signals_chart(frame: pd.DataFrame, columns: int = 6) -> alt.FacetChart:
    """Each misclassified signal as a small line chart of its values, titled predicted (true)."""
    position, value = t("runs_mnist1d.charts.position"), t("runs_mnist1d.charts.value")
    shown = frame.assign(shown=frame["value"].map(fmt.number))
    line = alt.Chart(shown).mark_line(color=TRAIN_COLOR).encode(
        x=alt.X("position:Q", title=position), y=alt.Y("value:Q", title=value),
        tooltip=[alt.Tooltip("position:Q", title=position), alt.Tooltip("shown:N", title=value)])
    facet = alt.Facet("title:N", title=None, sort=list(dict.fromkeys(frame["title"])))
    return line.properties(width=110, height=70).facet(facet=facet, columns=columns)


def mistake_tiles(data: ImageSet, result: RunResult, size: int = 64) -> tuple[list[np.ndarray], list[str]]:
    """The misclassified test images, upscaled with nearest neighbours to ``size`` pixels, and
    captions 'predicted (true)'."""
    names = [class_name(name) for name in result.classes]
    images = [tile(data.test_x[mistake["index"]], size) for mistake in result.mistakes]
    captions = [t("runs.results.mistake", predicted=names[mistake["predicted"]], true=names[mistake["true"]])
                for mistake in result.mistakes]
    return images, captions


def tile(image: torch.Tensor, size: int = 64) -> np.ndarray:
    """One (C, H, W) image in 0–255 units as uint8 (H, W) or (H, W, C) for ``st.image``, upscaled with
    nearest neighbours to about ``size`` pixels (pixels stay sharp squares, as the network sees them)."""
    pixels = image.float().round().clamp(0, 255).to(torch.uint8).permute(1, 2, 0).numpy()
    scale = max(1, size // pixels.shape[0])
    pixels = pixels.repeat(scale, axis=0).repeat(scale, axis=1)
    return pixels[..., 0] if pixels.shape[2] == 1 else pixels


def budget_text(plan: AttackPlan, index: int) -> str:
    """The ``index``-th budget of ``plan`` as a reader sees it: 8/255 for images, 0.2 σ for signals, 0."""
    shown = plan.shown[index]
    if not shown:
        return "0"
    if plan.signals:
        return t("runs_adversarial.sigmas", fraction=fmt.number(shown))
    return t("runs_adversarial.pixels", steps=fmt.number(shown))


def robustness_frame(attack: Attack) -> pd.DataFrame:
    """One row per budget: ε in the data's units, as shown, and the accuracy under FGSM at it."""
    plan, curve = attack.plan, attack.curve
    budgets = [budget_text(plan, i) for i in range(len(plan.shown))]
    return pd.DataFrame({"epsilon": curve.epsilons, "budget": budgets, "accuracy": curve.accuracy})


def robustness_chart(frame: pd.DataFrame) -> alt.Chart:
    """Accuracy against ε, the budgets evenly spaced in the plan's order (they roughly double)."""
    epsilon, accuracy = t("runs_adversarial.charts.epsilon"), t("runs_adversarial.charts.accuracy")
    shown = frame.assign(shown=frame["accuracy"].map(fmt.percent))
    return alt.Chart(shown, title=t("runs_adversarial.charts.title")).mark_line(
        point=True, color=VALIDATION_COLOR).encode(
        x=alt.X("budget:O", sort=list(frame["budget"]), title=epsilon, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("accuracy:Q", title=accuracy, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        tooltip=[alt.Tooltip("budget:O", title=epsilon), alt.Tooltip("shown:N", title=accuracy)],
    ).properties(height=240, autosize=FIT_WIDTH)


def robustness_table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({t("runs_adversarial.columns.epsilon"): frame["budget"],
                         t("runs_adversarial.columns.data_units"): frame["epsilon"],
                         t("runs_adversarial.columns.accuracy_points"): frame["accuracy"] * 100})


def robustness_summary(frame: pd.DataFrame, examples: int) -> str:
    """The clean accuracy and the accuracy at the largest budget."""
    first, last = frame.iloc[0], frame.iloc[-1]
    return t("runs_adversarial.alt.curve", examples=f"{examples:,}", clean=fmt.percent(first["accuracy"]),
             last=fmt.percent(last["accuracy"]), budget=last["budget"])


def adversarial_tiles(attack: Attack, index: int, classes: tuple[str, ...],
                      size: int = 64) -> tuple[list[np.ndarray], list[str]]:
    """Each shown example twice, original then perturbed at the ``index``-th budget, captioned with
    the model's prediction on it."""
    names = [class_name(name) for name in classes]
    budget, clean, attacked = budget_text(attack.plan, index), *_predictions(attack, index)
    images, captions = [], []
    for k, label in enumerate(attack.labels.tolist()):
        images += [tile(attack.perturbed[0, k], size), tile(attack.perturbed[index, k], size)]
        captions += [t("runs_adversarial.original", predicted=names[clean[k]], true=names[label]),
                     t("runs_adversarial.perturbed", budget=budget, predicted=names[attacked[k]])]
    return images, captions


def _predictions(attack: Attack, index: int) -> tuple[list[int], list[int]]:
    """The model's predictions on the shown examples: original, and at the ``index``-th budget."""
    return attack.predictions[0].tolist(), attack.predictions[index].tolist()


def adversarial_signals_frame(attack: Attack, index: int, classes: tuple[str, ...]) -> pd.DataFrame:
    """The shown signals in long form, original and perturbed at the ``index``-th budget: a row per
    value, with the example's title "index: prediction → prediction perturbed (true)"."""
    names = [class_name(name) for name in classes]
    clean, attacked = _predictions(attack, index)
    rows = []
    for k, (example, label) in enumerate(zip(attack.indices, attack.labels.tolist(), strict=True)):
        title = t("runs_adversarial.signal_title", index=example, predicted=names[clean[k]],
                  attacked=names[attacked[k]], true=names[label])
        for version, budget in (("original", 0), ("perturbed", index)):
            signal = attack.perturbed[budget, k].flatten().tolist()
            rows += [{"example": example, "title": title, "version": version, "position": position,
                      "value": value} for position, value in enumerate(signal)]
    return pd.DataFrame(rows, columns=["example", "title", "version", "position", "value"])


def adversarial_signals_chart(frame: pd.DataFrame, columns: int = 3) -> alt.FacetChart:
    """Each shown signal as a small line chart, original and perturbed overlaid."""
    position, value, version = (t("runs_mnist1d.charts.position"), t("runs_mnist1d.charts.value"),
                                t("runs_adversarial.charts.version"))
    names = {"original": t("runs_adversarial.charts.original"),
             "perturbed": t("runs_adversarial.charts.perturbed")}
    shown = frame.assign(shown=frame["value"].map(fmt.number), version=frame["version"].map(names))
    colors = alt.Scale(domain=list(names.values()), range=[TRAIN_COLOR, VALIDATION_COLOR])
    line = alt.Chart(shown).mark_line().encode(
        x=alt.X("position:Q", title=position), y=alt.Y("value:Q", title=value),
        color=alt.Color("version:N", scale=colors, title=version),
        strokeDash=alt.StrokeDash("version:N", title=version),
        tooltip=[alt.Tooltip("version:N", title=version), alt.Tooltip("position:Q", title=position),
                 alt.Tooltip("shown:N", title=value)])
    facet = alt.Facet("title:N", title=None, sort=list(dict.fromkeys(frame["title"])))
    return line.properties(width=180, height=90).facet(facet=facet, columns=columns)


def adversarial_table(attack: Attack, index: int, classes: tuple[str, ...]) -> pd.DataFrame:
    """The shown examples: their index in the test set, true class, and the predictions on the
    original and on its version perturbed at the ``index``-th budget."""
    names = [class_name(name) for name in classes]
    clean, attacked = _predictions(attack, index)
    return pd.DataFrame({t("runs_adversarial.columns.test_example"): list(attack.indices),
                         t("runs_adversarial.columns.true_class"): [names[y] for y in attack.labels.tolist()],
                         t("runs_adversarial.columns.clean"): [names[p] for p in clean],
                         t("runs_adversarial.columns.attacked"): [names[p] for p in attacked]})


def flipped(attack: Attack, index: int) -> int:
    """How many shown examples the ``index``-th budget changes the model's prediction on."""
    clean, attacked = _predictions(attack, index)
    return sum(a != b for a, b in zip(clean, attacked, strict=True))
