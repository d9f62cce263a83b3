"""The sections of the regularization lab page: each draws one part of what a run shows, in the
page's language, every chart with its text alternative (a sentence and its data)."""

from __future__ import annotations

import math
from functools import partial

import streamlit as st

from playground.datasets.toy import SplitData
from playground.optim import METHODS, SGD
from playground.regularization.compare import summary
from playground.regularization.config import MAX_EPOCHS, LabConfig
from playground.regularization.export import config_json, metrics_csv, pytorch_code
from playground.regularization.optimizers import decay_in_force
from playground.regularization.probes import Frame
from playground.regularization.trainer import Run
from playground.ui import format as fmt
from playground.ui.a11y import described
from playground.ui.i18n import t
from playground.ui.lab import charts
from playground.ui.lab.controls import schedule_names
from playground.ui.lab.keys import PICKED, PLAYER
from playground.ui.player import player, stopped_at
from playground.ui.policy import decay_rules, decays
from playground.ui.urlstate import QueryState


def objective(config: LabConfig) -> str:
    """The loss being minimised, with the active penalty terms, as LaTeX."""
    data = r"\mathcal{L}_{\text{data}}"
    terms = [data]
    if config.l2:
        terms.append(rf"{config.l2:g}\sum w^2")
    if config.l1:
        how = t("lab.explain.proximal") if config.l1_kind == "proximal" else t("lab.explain.subgradient")
        terms.append(rf"\underbrace{{{config.l1:g}\sum |w|}}_{{\text{{{how}}}}}")
    return r"\min_w\; " + " + ".join(terms)


def explain(config: LabConfig) -> None:
    st.latex(objective(config))
    notes = []
    if config.l2:
        notes.append(t("lab.explain.l_two"))
    if config.l1 and config.l1_kind == "proximal":
        adaptive = "" if METHODS[config.optimizer].optimizer is SGD else (
            t("lab.explain.l_one_adaptive", optimizer=config.optimizer))
        notes.append(t("lab.explain.l_one_proximal", adaptive=adaptive))
    elif config.l1:
        notes.append(t("lab.explain.l_one_penalty"))
    if config.weight_decay:
        kind = decay_in_force(config.optimizer, config.decay)
        asked = "" if kind == config.decay else (
            t("lab.explain.decay_missing", optimizer=config.optimizer, kind=_kind_word(config.decay)))
        notes.append(t("lab.explain.decay", optimizer=config.optimizer, kind=decays()[kind],
                       rule=decay_rules()[kind], asked=asked))
    if config.dropout:
        notes.append(t("lab.explain.dropout", p=config.dropout))
    if config.batchnorm:
        notes.append(t("lab.explain.batchnorm"))
    if config.early_stopping:
        notes.append(t("lab.explain.early_stopping", patience=config.patience))
    st.caption("  \n".join(notes) or t("lab.explain.none"))


def _kind_word(kind: str) -> str:
    """A weight-decay kind in one word, as a sentence names one that an optimizer lacks."""
    return {"decoupled": t("lab.explain.decoupled"), "coupled": t("lab.explain.coupled")}[kind]


def _headline_label(name: str) -> str:
    labels = {"train loss": t("lab.headline.train_loss"), "val loss": t("lab.headline.val_loss"),
              "gap": t("lab.headline.gap"), "val accuracy": t("lab.headline.val_accuracy"),
              "weight norm": t("lab.headline.weight_norm"), "zero weights": t("lab.headline.zero_weights")}
    return labels[name]


def headline(runs: dict[str, Run]) -> None:
    """The final network's numbers; when comparing, B's with the change from A (a change that
    rounds to nothing reads "same as A", never "↑ +0")."""
    *_, run = runs.values()
    values = _numbers(run)
    previous = _numbers(next(iter(runs.values()))) if len(runs) > 1 else {}
    shown = {name: value for name, value in values.items() if not math.isnan(value)}
    # a row that wraps, each number as wide as it needs: a fixed column would cut "8.009e-4" to "8.009…"
    row = st.container(horizontal=True, gap="medium")
    for name, value in shown.items():
        text, change = _shown(name, value, None if name not in previous else value - previous[name])
        better_up = name in ("val accuracy", "zero weights")
        label = _headline_label(name)
        if name in previous and change is None:
            row.metric(label, text, delta=t("lab.headline.same"), delta_color="off", delta_arrow="off",
                       width="content")
        else:
            row.metric(label, text, delta=change, width="content",
                       delta_description=None if change is None else t("lab.headline.vs_a"),
                       delta_color="normal" if better_up else "inverse")


def _shown(name: str, value: float, delta: float | None) -> tuple[str, str | None]:
    """A headline number and its change as the page writes them: accuracy in percent (the change
    between the two percentages as shown), the count of zero weights in full, anything else to four
    significant digits."""
    if name == "val accuracy":
        shown_delta = None if delta is None else round(value, 3) - round(value - delta, 3)
        return fmt.percent(value), fmt.delta(shown_delta, t("units.percentage_points"))
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
        return t("lab.notices.diverged_at_start")
    shown = (t("lab.notices.shows_restored", best=run.best_epoch, last=run.epochs_run) if run.best is not None
             else t("lab.notices.shows_last", last=run.epochs_run))
    return t("lab.notices.diverged", epoch=run.diverged_at, shown=shown)


def notices(runs: dict[str, Run]) -> bool:
    """Divergence, early stopping and restored weights, per run; False when a run has not even a
    finite starting point, so there is nothing else to show."""
    for label, run in runs.items():
        if run.diverged_at is not None:
            st.warning(_named(divergence(run), label, runs), icon=":material/warning:")
        elif run.stopped_epoch is not None:
            stopped = (t("lab.notices.stopped_restored", stopped=run.stopped_epoch, best=run.best_epoch)
                       if run.best is not None else t("lab.notices.stopped", stopped=run.stopped_epoch,
                                                      best=run.best_epoch))
            st.info(_named(stopped, label, runs), icon=":material/front_hand:")
        elif run.best is not None:  # Keras 3 restores at the end of training, stopped early or not
            st.info(_named(t("lab.notices.ran_all", epochs=run.epochs_run, best=run.best_epoch), label, runs),
                    icon=":material/history:")
    return all(run.history["epoch"] for run in runs.values())


def _named(text: str, label: str, runs: dict[str, Run]) -> str:
    """A notice about the run ``label``, naming it when the page shows two."""
    return text if len(runs) == 1 else t("lab.notices.named", run=charts.run_name(label), text=text)


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
        st.caption(t("lab.network.no_boundary", features=data.X_train.shape[1]))

    @st.fragment
    def at_epoch() -> None:
        epoch = _shown_epoch(qs.get("epoch"), epochs)
        if not two_d:
            st.session_state[PICKED] = epoch
            epoch = st.select_slider(t("lab.network.epoch"), epochs, key=PICKED,
                                     on_change=lambda: _choose(qs, st.session_state[PICKED], epochs))
        wide = len(runs) == 1
        for column, (label, run) in zip(st.columns(len(runs)), runs.items(), strict=True):
            frame = _frame_at(run, epoch)
            with column:
                heading = (t("lab.network.at", epoch=frame.epoch) if wide
                           else t("lab.network.run_at", run=charts.run_name(label), epoch=frame.epoch))
                st.markdown(f"**{heading}**")
                if two_d:
                    player(charts.boundary_scene(run, data, epochs, epoch), key=f"{PLAYER}.{label}",
                           on_stop=partial(_stopped, qs, label, epochs))
                    _boundary_text(run, data, frame)
                _histograms(frame, wide, gradients=False)
                if frame.gradients:
                    _histograms(frame, wide, gradients=True)
                st.dataframe(charts.layer_table(frame), width="stretch")
        if any(_frame_at(run, epoch).gradients for run in runs.values()):
            st.caption(t("lab_gradients.histogram_caption"))
        qs.sync()

    at_epoch()


def _histograms(frame: Frame, wide: bool, *, gradients: bool) -> None:
    """The layers' weight (or gradient) histograms at the frame's epoch: four panels a row on a
    page with one run, two beside the other run."""
    histograms = charts.histogram_data(frame, gradients=gradients)
    title = (t("lab_gradients.gradients_at", epoch=frame.epoch) if gradients
             else t("lab_gradients.weights_at", epoch=frame.epoch))
    chart = charts.histogram_chart(histograms, title, 4 if wide else 2, 170 if wide else 130,
                                   gradients=gradients)
    described(chart, charts.histogram_table(histograms, gradients=gradients),
              charts.histogram_summary(histograms, frame.epoch, gradients=gradients), width="content")


def _boundary_text(run: Run, data: SplitData, frame: Frame) -> None:
    """The boundary player's text alternative: a sentence on the network at the epoch shown, and the
    map's cells as a table."""
    assert run.extent is not None, "a run on 2-D data has a decision-boundary extent"
    cells = charts.boundary_data(frame, run.extent, data.class_names)
    st.caption(charts.boundary_summary(cells, run, frame.epoch))
    with st.expander(t("a11y.data"), icon=":material/table:"):
        st.dataframe(charts.boundary_table(cells), hide_index=True, width="stretch")


def curves(runs: dict[str, Run]) -> None:
    *_, run = runs.values()
    markers = charts.markers_data(run)
    window = charts.patience_window(run)
    metrics = [("loss", t("lab.charts.loss"))] + (
        [("acc", t("lab.charts.accuracy"))] if run.task == "classification" else [])
    for column, (metric, title) in zip(st.columns(len(metrics)), metrics, strict=True):
        data = charts.curves_data(runs, metric)
        described(charts.curves_chart(data, markers, title, window), charts.curves_table(data, title),
                  charts.curves_summary(data, title, accuracy=metric == "acc"), where=column)
    st.caption(_shaded(run) if window else t("lab.curves.shaded"))
    line = charts.line_data(runs)
    described(charts.line_chart(line), charts.line_table(line), charts.line_summary(line))
    st.caption(t("lab_interpolation.caption"))


def _shaded(run: Run) -> str:
    """What the shading means, with the green patience window of this run."""
    if run.stopped_epoch is not None:
        return t("lab.curves.shaded_stopped")
    if run.diverged_at is not None:
        return t("lab.curves.shaded_diverged")
    return t("lab.curves.shaded_waited", patience=run.config.patience)


def early_stopping(runs: dict[str, Run], data: SplitData) -> None:
    """The network early stopping hands back beside the one training ended with."""
    *_, run = runs.values()
    if run.best is None or run.extent is None:
        return
    st.subheader(t("lab.early.heading"))
    points = charts.points_data(data)
    left, right = st.columns(2)
    for column, frame, title in ((left, run.frames[-1], t("lab.early.last", epoch=run.frames[-1].epoch)),
                                 (right, run.best, t("lab.early.best", epoch=run.best.epoch))):
        cells = charts.boundary_data(frame, run.extent, data.class_names)
        described(charts.boundary_chart(cells, points, data.class_names, title), charts.boundary_table(cells),
                  charts.boundary_summary(cells, run, frame.epoch), where=column, width="content")


def weights_and_norms(runs: dict[str, Run]) -> None:
    *_, run = runs.values()
    schedule = run.config.schedule
    norms, rates = st.columns(2) if schedule != "constant" else (st.container(), None)
    data = charts.norm_data(runs)
    described(charts.norm_chart(data), charts.norm_table(data), charts.norm_summary(data), where=norms)
    norms.caption(t("lab.weights.norm_caption"))
    if rates is not None:
        lr = charts.lr_data(runs)
        described(charts.lr_chart(lr, schedule_names()[schedule]), charts.lr_table(lr), charts.lr_summary(lr),
                  where=rates)
        rates.caption(t("lab.weights.lr_caption"))
    gradients = charts.gradient_data(runs)
    described(charts.gradient_chart(gradients), charts.gradient_table(gradients),
              charts.gradient_summary(gradients), width="content" if len(runs) > 1 else "stretch")
    st.caption(t("lab_gradients.caption"))


def batchnorm(runs: dict[str, Run]) -> None:
    with_bn = {label: run for label, run in runs.items() if run.frames[-1].batchnorm}
    for label, run in with_bn.items():
        frame = run.frames[-1]
        st.subheader(t("lab.batchnorm.heading"))
        st.metric(t("lab.batchnorm.mode_gap"), f"{frame.mode_gap:.4f}")
        stats = charts.batchnorm_data(frame)
        described(charts.batchnorm_chart(stats), charts.batchnorm_table(stats),
                  charts.batchnorm_summary(stats), width="content")
        st.caption(t("lab.batchnorm.caption", run=charts.run_name(label), epoch=frame.epoch))


def comparison(runs: dict[str, Run]) -> None:
    if len(runs) < 2:
        return
    st.subheader(t("lab.comparison.heading"))
    table = summary(runs)
    accuracies = [column for column in ("train acc", "val acc") if column in table]
    table[accuracies] = table[accuracies].map(fmt.points)
    headers = {"epochs": t("lab.comparison.epochs"), "train loss": t("lab.comparison.train_loss"),
               "val loss": t("lab.comparison.val_loss"), "gap (val − train loss)": t("lab.comparison.gap"),
               "train acc": t("lab.comparison.train_acc"), "val acc": t("lab.comparison.val_acc"),
               "weight norm": t("lab.comparison.weight_norm"),
               "zero weights": t("lab.comparison.zero_weights")}
    formats = {headers[column]: fmt.PERCENT_COLUMN if column in accuracies else "%.4g" for column in table
               if column not in ("epochs", "zero weights")}
    table = table.rename(columns=headers, index=charts.run_name).rename_axis(t("lab.comparison.run"))
    st.dataframe(table, width="stretch", column_config={
        column: st.column_config.NumberColumn(format=shape) for column, shape in formats.items()})


def confusion(runs: dict[str, Run], data: SplitData) -> None:
    *_, run = runs.values()
    if run.confusion is not None and data.n_classes > 2:
        cells = charts.confusion_data(run.confusion, data.class_names)
        described(charts.confusion_chart(cells, data.class_names), charts.confusion_table(cells),
                  charts.confusion_summary(cells), width="content")


def export(runs: dict[str, Run], data: SplitData, source: dict) -> None:
    *_, run = runs.values()
    config = run.config
    with st.expander(t("lab.export.title")):
        left, right = st.columns(2)
        left.download_button(t("lab.export.json"), config_json(config, source), "lab_run.json",
                             "application/json")
        right.download_button(t("lab.export.csv"), metrics_csv(run), "lab_metrics.csv", "text/csv")
        code = pytorch_code(config, data, source)
        st.code(code, language="python")
