"""The sections of the regularization lab page: each draws one part of what a run shows."""

from __future__ import annotations

import math
from functools import partial

import streamlit as st

from playground.datasets.toy import SplitData
from playground.optim import METHODS, SGD
from playground.regularization.compare import summary
from playground.regularization.config import MAX_EPOCHS, LabConfig
from playground.regularization.export import config_json, metrics_csv, pytorch_code
from playground.regularization.optimizers import DECAY_RULES, DECAYS, decay_in_force
from playground.regularization.probes import Frame
from playground.regularization.trainer import Run
from playground.ui import format as fmt
from playground.ui.lab import charts
from playground.ui.lab.keys import PICKED, PLAYER
from playground.ui.player import player, stopped_at
from playground.ui.urlstate import QueryState


def objective(config: LabConfig) -> str:
    """The loss being minimised, with the active penalty terms, as LaTeX."""
    data = r"\mathcal{L}_{\text{data}}"
    terms = [data]
    if config.l2:
        terms.append(rf"{config.l2:g}\sum w^2")
    if config.l1:
        how = "proximal step" if config.l1_kind == "proximal" else "subgradient"
        terms.append(rf"\underbrace{{{config.l1:g}\sum |w|}}_{{\text{{{how}}}}}")
    return r"\min_w\; " + " + ".join(terms)


def explain(config: LabConfig) -> None:
    st.latex(objective(config))
    notes = []
    if config.l2:
        notes.append("**L2** adds λΣw² to the loss; its gradient 2λw shrinks every weight in proportion to "
                     "its size, so weights get small but rarely exactly zero.")
    if config.l1 and config.l1_kind == "proximal":
        adaptive = "" if METHODS[config.optimizer].optimizer is SGD else (
            f" {config.optimizer} normalizes its steps, so the same λ zeroes fewer weights than SGD does.")
        notes.append("**L1** is applied as a proximal step (soft-thresholding, w ← sign(w)·max(|w| − ηλ, 0) "
                     f"after each optimizer step), so weights reach exactly zero.{adaptive}")
    elif config.l1:
        notes.append("**L1** is added to the loss as λΣ|w|: its subgradient λ·sign(w) pushes every weight "
                     "toward zero by the same amount, so small weights jitter around zero instead of "
                     "landing on it. Switch to the proximal step to see exact zeros.")
    if config.weight_decay:
        kind = decay_in_force(config.optimizer, config.decay)
        asked = "" if kind == config.decay else (
            f" (torch.optim's {config.optimizer} has no {config.decay} kind)")
        notes.append(f"**Weight decay** in {config.optimizer} is {DECAYS[kind]}: {DECAY_RULES[kind]}{asked}; "
                     "on weight matrices only, never biases or batchnorm, as on every page.")
    if config.dropout:
        notes.append(f"**Dropout** zeroes each hidden unit with p = {config.dropout:g} in training, "
                     "never in eval.")
    if config.batchnorm:
        notes.append("**Batch normalization** uses batch statistics in training, running statistics in eval.")
    if config.early_stopping:
        notes.append(f"**Early stopping** watches the validation loss (patience {config.patience}, "
                     "Keras' rules).")
    st.caption("  \n".join(notes) or "No regularizer is on: watch the validation loss climb while the "
               "training loss falls. Switch one on in the sidebar, and compare A/B.")


def headline(runs: dict[str, Run]) -> None:
    """The final network's numbers; when comparing, B's with the change from A (a change that
    rounds to nothing reads "same as A", never "↑ +0")."""
    *_, run = runs.values()
    values = _numbers(run)
    previous = _numbers(next(iter(runs.values()))) if len(runs) > 1 else {}
    shown = {name: value for name, value in values.items() if not math.isnan(value)}
    for column, (name, value) in zip(st.columns(len(shown)), shown.items(), strict=True):
        text, change = _shown(name, value, None if name not in previous else value - previous[name])
        better_up = name in ("val accuracy", "zero weights")
        if name in previous and change is None:
            column.metric(name, text, delta="same as A", delta_color="off", delta_arrow="off")
        else:
            column.metric(name, text, delta=change, delta_description=None if change is None else "vs A",
                          delta_color="normal" if better_up else "inverse")


def _shown(name: str, value: float, delta: float | None) -> tuple[str, str | None]:
    """A headline number and its change as the page writes them: accuracy in percent (the change
    between the two percentages as shown), the count of zero weights in full, anything else to four
    significant digits."""
    if name == "val accuracy":
        shown_delta = None if delta is None else round(value, 3) - round(value - delta, 3)
        return fmt.percent(value), fmt.delta(shown_delta, percent=True)
    if name == "zero weights":
        return f"{value:,.0f}", fmt.delta(delta)
    return fmt.number(value), fmt.delta(delta)


def _numbers(run: Run) -> dict[str, float]:
    final = run.final
    return {"train loss": final["train_loss"], "val loss": final["val_loss"],
            "gap": final["val_loss"] - final["train_loss"], "val accuracy": final["val_acc"],
            "weight norm": final["weight_norm"], "zero weights": final["zero_weights"]}


def divergence(run: Run) -> str:
    """The notice of a diverged run, naming the network whose numbers the page shows."""
    if run.diverged_at == 0:
        return ("Diverged at epoch 0: the untrained network's loss is already NaN or infinite, so there is "
                "nothing to train or show. Are some values in the data too large?")
    shown = (f"the numbers show the best weights (epoch {run.best_epoch}), restored by early stopping, and "
             f"the curves end at the last finite epoch {run.epochs_run}" if run.best is not None
             else f"showing the last finite state (epoch {run.epochs_run})")
    return (f"Diverged at epoch {run.diverged_at}: the loss became NaN or infinite; {shown}. Try a smaller "
            "learning rate.")


def notices(runs: dict[str, Run]) -> bool:
    """Divergence, early stopping and restored weights, per run; False when a run has not even a
    finite starting point, so there is nothing else to show."""
    for label, run in runs.items():
        name = "" if len(runs) == 1 else f"{label}: "
        if run.diverged_at is not None:
            st.warning(name + divergence(run), icon=":material/warning:")
        elif run.stopped_epoch is not None:
            restored = " and restored its weights" if run.best is not None else ""
            st.info(f"{name}Early stopping ended training at epoch {run.stopped_epoch}: no improvement since "
                    f"the best epoch {run.best_epoch}{restored}.", icon=":material/front_hand:")
        elif run.best is not None:  # Keras 3 restores at the end of training, stopped early or not
            st.info(f"{name}Training ran all {run.epochs_run} epochs without stopping early; early stopping "
                    f"restored the best weights from epoch {run.best_epoch}.", icon=":material/history:")
    return all(run.history["epoch"] for run in runs.values())


def _frame_at(run: Run, epoch: int) -> Frame:
    return [frame for frame in run.frames if frame.epoch <= epoch][-1]


def _shown_epoch(value: int, epochs: list[int]) -> int:
    """The recorded epoch shown for a link's ``epoch``: the last one at or before it (the end by default)."""
    return max((epoch for epoch in epochs if epoch <= value), default=epochs[0])


def _choose(qs: QueryState, epoch: int, epochs: list[int]) -> None:
    """Show ``epoch`` from now on, and put it in the link; the last epoch is the default, so a
    link without ``epoch`` shows the end of training whatever its length."""
    qs.set("epoch", MAX_EPOCHS if epoch >= epochs[-1] else epoch)


def _stopped(qs: QueryState, label: str, epochs: list[int]) -> None:
    """Callback of a boundary player stopping on an epoch: every chart of the section shows it."""
    epoch = stopped_at(f"{PLAYER}.{label}")
    if epoch is not None:
        _choose(qs, epoch, epochs)


def network_at_epoch(qs: QueryState, runs: dict[str, Run], data: SplitData) -> None:
    """Decision boundary and weight histograms at a chosen epoch. On 2-D data the boundary is a
    step player: ▶ Play replays training in the browser, and the epoch it stops on moves the
    histograms, the table and the link (a fragment rerun); otherwise an epoch slider picks it."""
    epochs = sorted({frame.epoch for run in runs.values() for frame in run.frames})
    two_d = data.X_train.shape[1] == 2
    if not two_d:
        st.caption(f"No decision boundary to draw: the data has {data.X_train.shape[1]} features, the map "
                   "needs 2. The weights still show what each regularizer does.")

    @st.fragment
    def at_epoch() -> None:
        epoch = _shown_epoch(qs.get("epoch"), epochs)
        if not two_d:
            st.session_state[PICKED] = epoch
            epoch = st.select_slider("Epoch", epochs, key=PICKED,
                                     on_change=lambda: _choose(qs, st.session_state[PICKED], epochs))
        wide = len(runs) == 1
        for column, (label, run) in zip(st.columns(len(runs)), runs.items(), strict=True):
            frame = _frame_at(run, epoch)
            with column:
                st.markdown(f"**{'' if wide else label + ', '}epoch {frame.epoch}**")
                if two_d:
                    player(charts.boundary_scene(run, data, epochs, epoch), key=f"{PLAYER}.{label}",
                           on_stop=partial(_stopped, qs, label, epochs))
                histograms = charts.histogram_data(frame)
                st.altair_chart(charts.histogram_chart(histograms, 4 if wide else 2, 170 if wide else 150),
                                width="content")
                st.dataframe(charts.layer_table(frame), width="stretch")
        qs.sync()

    at_epoch()


def curves(runs: dict[str, Run]) -> None:
    *_, run = runs.values()
    markers = charts.markers_data(run)
    window = charts.patience_window(run)
    metrics = [("loss", "loss")] + ([("acc", "accuracy")] if run.task == "classification" else [])
    for column, (metric, title) in zip(st.columns(len(metrics)), metrics, strict=True):
        column.altair_chart(charts.curves_chart(charts.curves_data(runs, metric), markers, title, window),
                            width="stretch")
    st.caption("Shaded: the generalization gap between the curves" + (_waited(run) if window else "."))


def _waited(run: Run) -> str:
    """What the green patience window means for this run."""
    if run.stopped_epoch is not None:
        return "; green: the patience window early stopping waited through before stopping."
    if run.diverged_at is not None:
        return "; green: the epochs early stopping waited since the best one, until the loss diverged."
    return (f"; green: the epochs since the best one, fewer than the patience of {run.config.patience}, so "
            "training ran to the end.")


def early_stopping(runs: dict[str, Run], data: SplitData) -> None:
    """The network early stopping hands back beside the one training ended with."""
    *_, run = runs.values()
    if run.best is None or run.extent is None:
        return
    st.subheader("Restored by early stopping")
    points = charts.points_data(data)
    left, right = st.columns(2)
    for column, frame, title in ((left, run.frames[-1], f"last epoch {run.frames[-1].epoch}"),
                                 (right, run.best, f"restored best epoch {run.best.epoch}")):
        cells = charts.boundary_data(frame, run.extent, data.class_names)
        column.altair_chart(charts.boundary_chart(cells, points, data.class_names, title), width="content")


def weights_and_norms(runs: dict[str, Run]) -> None:
    *_, run = runs.values()
    schedule = run.config.schedule
    norms, rates = st.columns(2) if schedule != "constant" else (st.container(), None)
    norms.altair_chart(charts.norm_chart(runs), width="stretch")
    norms.caption("L2 and weight decay pull this down; L1 drives single weights to exactly zero "
                  "(table above).")
    if rates is not None:
        rates.altair_chart(charts.lr_chart(charts.lr_data(runs), schedule), width="stretch")
        rates.caption("The learning rate the optimizer used in each epoch, η·(schedule's multiplier).")


def batchnorm(runs: dict[str, Run]) -> None:
    with_bn = {label: run for label, run in runs.items() if run.frames[-1].batchnorm}
    for label, run in with_bn.items():
        frame = run.frames[-1]
        st.subheader("Batch normalization: batch vs running statistics")
        st.metric("mean |train-mode output − eval-mode output| on the training set", f"{frame.mode_gap:.4f}")
        st.altair_chart(charts.batchnorm_chart(charts.batchnorm_data(frame)), width="content")
        st.caption(f"{label}, epoch {frame.epoch}. In training each batch is normalized by its own "
                   "statistics; in eval by the running averages, so one input can give two outputs.")


def comparison(runs: dict[str, Run]) -> None:
    if len(runs) < 2:
        return
    st.subheader("A vs B: same data, split, initial weights and seed")
    table = summary(runs)
    accuracies = [column for column in ("train acc", "val acc") if column in table]
    table[accuracies] = table[accuracies].map(fmt.points)
    formats = {column: fmt.PERCENT_COLUMN if column in accuracies else "%.4g" for column in table
               if column not in ("epochs", "zero weights")}
    st.dataframe(table, width="stretch", column_config={
        column: st.column_config.NumberColumn(format=shape) for column, shape in formats.items()})


def confusion(runs: dict[str, Run], data: SplitData) -> None:
    *_, run = runs.values()
    if run.confusion is not None and data.n_classes > 2:
        cells = charts.confusion_data(run.confusion, data.class_names)
        st.altair_chart(charts.confusion_chart(cells, data.class_names), width="content")


def export(runs: dict[str, Run], data: SplitData, source: dict) -> None:
    *_, run = runs.values()
    config = run.config
    with st.expander("Export this run: settings, metrics, PyTorch code"):
        left, right = st.columns(2)
        left.download_button("Settings (JSON)", config_json(config, source), "lab_run.json",
                             "application/json")
        right.download_button("Metrics per epoch (CSV)", metrics_csv(run), "lab_metrics.csv", "text/csv")
        code = pytorch_code(config, data, source)
        st.code(code, language="python")
