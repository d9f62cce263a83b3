"""Streamlit panels of the Training runs page: launch, live progress, results, comparison, missing data.

The live panel is a fragment that re-renders itself every half second while this session has
a run queued or training; it only reads the runs' state (the worker threads never call
Streamlit) and triggers a full rerun when a run ends, so its results appear. The workers say what
happened by catalogue key (:class:`~playground.i18n.Said`); the page says it in its language.
Every chart comes with its text alternative (``playground.ui.a11y.described``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Literal

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from playground.datasets.download import Progress as DownloadProgress
from playground.datasets.images import (
    DATASETS,
    DatasetError,
    ImageSet,
    MissingDataset,
    data_root,
    load,
    missing_files,
)
from playground.i18n import said
from playground.train import Progress, RunConfig, RunResult, export
from playground.train.attack import Attack
from playground.train.layers import Filters
from playground.train.loop import seconds_text, total_steps
from playground.train.runs import Limits, Run, RunQueue
from playground.ui import format as fmt
from playground.ui.a11y import described
from playground.ui.i18n import said_of, say, t
from playground.ui.runs import charts, compute, inside
from playground.ui.runs.keys import COMPARED, SHOWN

STATUS = {"finished": st.success, "early-stopped": st.success, "stopped": st.info, "diverged": st.error,
          "failed": st.error, "cancelled": st.info}


def missing_dataset(error: MissingDataset, name: str, hosted: bool) -> None:
    """Explain where the files go, and offer to download them (reporting failure plainly). A
    hosted server does not download from the page: many sessions would fetch the same 170 MB."""
    title = t(f"runs.datasets.{name}")
    if hosted:
        st.error(t("runs.missing.hosted", title=title, folder=_code(data_root()),
                   paths=_path_list(error.paths)))
        return
    notice = st.empty()
    notice.error(t("runs.missing.local", title=title, paths=_path_list(error.paths),
                   elsewhere=_elsewhere(name)))
    if st.button(t("runs.missing.download", name=name), icon=":material/download:"):
        bar = st.progress(0.0, text=t("runs.missing.connecting"))

        def show(progress: DownloadProgress) -> None:  # called by load() in this script's own thread
            done, total = progress.done, max(progress.total, 1)
            bar.progress(min(done / total, 1.0), text=t("runs.missing.progress", file=progress.filename,
                                                        done=done / 1e6, total=total / 1e6))
        try:
            load(name, download=True, progress=show)
        except DatasetError as failure:
            bar.empty()
            # a damaged download reads in the page's language; a failed one's own lines (each
            # mirror's network error) stay as the downloader wrote them
            notice.error(t("runs.missing.failed", failure=said_of(failure),
                           paths=_path_list(missing_files(name)), elsewhere=_elsewhere(name)))
        else:
            st.rerun()


def damaged(name: str, error: DatasetError) -> None:
    """A dataset whose files are there but unreadable: which file, and what is wrong with it."""
    st.error(t("runs.missing.damaged", dataset=name, error=said_of(error)))


def _elsewhere(name: str) -> str:
    return t("runs.missing.elsewhere", name=name, folder=_code(data_root()))


def _path_list(paths: list[Path]) -> str:
    """A markdown list, one path a line, each as inline code."""
    return "\n".join(f"- {_code(path)}" for path in paths)


def _code(text: object) -> str:
    """``text`` as markdown inline code, fenced by more backticks than it contains in a row."""
    text = str(text)
    fence = "`" * (max((len(run) for run in text.split("`")[1:-1] or [""]), default=0) + 1)
    return f"{fence} {text} {fence}" if "`" in text else f"`{text}`"


def schedule(limits: Limits, config: RunConfig, data: ImageSet) -> None:
    """η(t) of the run these settings launch (within the server's caps), before it is launched."""
    config, _ = limits.apply(config)
    steps = total_steps(config, data)
    _lr(charts.lr_frame(config, steps, []))
    st.caption(t("runs.schedule_caption", steps=steps, schedule=t(f"runs.schedules.{config.schedule}"),
                 peak=fmt.number(config.lr)))


def _lr(frame: pd.DataFrame, where: DeltaGenerator | None = None) -> None:
    described(charts.lr_chart(frame), charts.lr_table(frame), charts.lr_summary(frame), where=where)


def launch(queue: RunQueue, owner: str, config: RunConfig, data: ImageSet) -> None:
    """Submit ``config`` within the server's caps, saying which caps applied or why it cannot run."""
    config, notes = queue.limits.apply(config)
    for note in notes:
        st.info(say(note))
    try:
        queue.submit(owner, config, data)
    except ValueError as error:  # the queue is full, or settings no run can train with
        st.error(said_of(error))


def live(queue: RunQueue, owner: str, shown: set[str], load_data: Callable[[str], ImageSet]) -> None:
    """The active runs' progress, re-rendered every half second; the whole page reruns as soon as
    a run has ended that is not among ``shown`` (the ended runs the page drew), so its results appear.
    ``load_data`` gives the test images its mistakes show."""
    polling = any(run.active for run in queue.runs(owner))

    @st.fragment(run_every=0.5 if polling else None)
    def panel() -> None:
        runs = queue.runs(owner)
        for run in runs:
            if run.active:
                _progress(queue, owner, run, load_data)
        if any(not run.active and run.id not in shown for run in runs):
            st.rerun()

    panel()


def _progress(queue: RunQueue, owner: str, run: Run, load_data: Callable[[str], ImageSet]) -> None:
    with st.container(border=True):
        top, button = st.columns([5, 1])
        latest = run.latest
        if run.status == "queued":
            top.markdown(t("runs.live.queued", label=run.label, position=queue.position(run)))
        elif latest is None:
            top.markdown(t("runs.live.preparing", label=run.label))
        else:
            top.progress(latest.step / latest.total_steps,
                         text=t("runs.live.progress", label=run.label, epoch=latest.epoch,
                                epochs=run.config.epochs, step=latest.step, steps=latest.total_steps))
        if button.button(t("runs.live.stop"), key=f"stop-{run.id}", icon=":material/stop_circle:"):
            queue.stop(owner, run.id)
        if latest is not None:
            _live_metrics(run, latest)
            _test_so_far(run, load_data)


def _live_metrics(run: Run, latest: Progress) -> None:
    epochs = charts.live_epochs_frame(run.progress)
    tested = [p.test_accuracy for p in run.progress if p.kind == "epoch" and p.test_accuracy is not None]
    cols = st.columns(4)
    cols[0].metric(t("runs.metrics.training_loss"), fmt.number(latest.loss))
    cols[1].metric(t("runs.metrics.training_accuracy"), fmt.percent(latest.accuracy))
    cols[2].metric(t("runs.metrics.images_per_s"), f"{latest.images_per_s:,.0f}")
    if tested:
        change = tested[-1] - tested[-2] if len(tested) > 1 else None
        cols[3].metric(t("runs.metrics.last_test_accuracy"), fmt.percent(tested[-1]),
                       delta=fmt.delta(change, t("units.percentage_points")),
                       help=t("runs.metrics.change_help"))
    if latest.device is not None:
        st.caption(t("runs.live.device", device=say(latest.device)))
    chart, table = st.columns([3, 2])
    steps = charts.steps_frame(run.progress)
    described(charts.steps_chart(steps), charts.steps_table(steps), charts.steps_summary(steps), where=chart)
    _grad_norms(inside.grad_norms_frame((p.step, p.grad_norms) for p in run.progress if p.kind == "step"),
                where=chart)
    _lr(charts.lr_frame(run.config, latest.total_steps, run.progress), where=chart)
    if len(epochs):
        table.dataframe(epochs, hide_index=True, height=min(35 * len(epochs) + 40, 240), column_config={
            "epoch": st.column_config.NumberColumn(t("runs.columns.epoch")),
            "test loss": st.column_config.NumberColumn(t("runs.columns.test_loss"), format="%.4g"),
            "test accuracy": st.column_config.NumberColumn(t("runs.columns.test_accuracy"),
                                                           format=fmt.PERCENT_COLUMN)})
    newest = next(((p.filters, p.epoch) for p in reversed(run.progress) if p.filters is not None), None)
    if newest is not None:
        _filters(*newest)


def _test_so_far(run: Run, load_data: Callable[[str], ImageSet]) -> None:
    """The test set after the run's latest evaluated epoch: its confusion matrix and first
    mistakes, drawn as the results view draws the finished run's."""
    tested = next((p for p in reversed(run.progress) if p.confusion is not None), None)
    if tested is None:
        return
    try:
        classes = load_data(run.config.dataset).classes
    except DatasetError:
        return  # the run read its data; a page that cannot is told so by the results view
    so_far = RunResult(run.config, "running", said("runs_live_test.title", epoch=tested.epoch), None,
                       classes=classes, confusion=[list(row) for row in tested.confusion or ()],
                       mistakes=list(tested.mistakes))
    st.markdown(say(so_far.message))
    _confusion(so_far)
    _mistakes(run.config.dataset, so_far, load_data)


def _confusion(result: RunResult) -> None:
    """The confusion matrix beside each class's accuracy."""
    left, right = st.columns([3, 2])
    confusion = charts.confusion_frame(result)
    described(charts.confusion_chart(confusion, result.classes), charts.confusion_table(confusion),
              charts.confusion_summary(confusion), where=left)
    right.dataframe(charts.per_class_frame(result), hide_index=True, height=35 * len(result.classes) + 40,
                    column_config={
                        "class": st.column_config.TextColumn(t("runs.columns.class")),
                        "accuracy": st.column_config.ProgressColumn(
                            t("runs.columns.accuracy"), format=fmt.PERCENT_COLUMN, min_value=0.0,
                            max_value=100.0),
                        "test examples": st.column_config.NumberColumn(t("runs.columns.test_examples"))})


def _grad_norms(frame: pd.DataFrame, where: DeltaGenerator | None = None) -> None:
    """Each layer's gradient norm against the step (nothing before the first report)."""
    if len(frame):
        described(inside.grad_norms_chart(frame), inside.grad_norms_table(frame),
                  inside.grad_norms_summary(frame), where=where)


def _filters(filters: Filters, epoch: int) -> None:
    """The first convolution's filters after ``epoch``, with what to look for in them: a picture
    of small squares for a 2-D convolution, a small line chart per kernel for a 1-D one."""
    layer = inside.layer_name(filters.layer)
    st.markdown(t("runs_inside.filters_title", layer=layer, epoch=epoch))
    summary, table = inside.filters_summary(filters, epoch), inside.filters_table(filters)
    if len(filters.shape) == 3:  # a 1-D convolution's kernels
        st.caption(t("runs_inside.look_kernels"))
        described(inside.kernels_chart(filters), table, summary, width="content")
        return
    channels = filters.shape[1]
    if channels == 1:
        st.caption(t("runs_inside.look_gray"))
    elif channels == 3:
        st.caption(t("runs_inside.look_rgb"))
    else:  # the fast net's first convolution that learns reads the whitened channels
        st.caption(t("runs_inside.look_channels", layer=layer, channels=channels))
    _tiles([inside.filters_mosaic(filters)], None, summary, table, width="content")


def results(runs: list[Run], load_data: Callable[[str], ImageSet]) -> None:
    """The chosen run's curves, confusion matrix, per-class accuracy, mistakes and exports."""
    by_label = {run.label: run for run in reversed(runs)}
    run = by_label[st.selectbox(t("runs.results.run"), list(by_label), key=SHOWN)]
    result = run.result
    assert result is not None, "only runs that have ended, each with its result, are shown"
    STATUS.get(result.status, st.info)(say(result.message))
    if not result.epochs:
        return
    cols = st.columns(3)
    cols[0].metric(t("runs.metrics.test_accuracy"), fmt.percent(result.test_accuracy))
    cols[1].metric(t("runs.metrics.training_time"), seconds_text(result.seconds))
    cols[2].metric(t("runs.metrics.images_per_s"), f"{result.epochs[-1]['images_per_s']:,.0f}")
    if result.device is not None:
        st.caption(t("runs.results.device", device=say(result.device)))
    curves = charts.epochs_frame(result)
    described(charts.curves_chart(curves), charts.curves_table(curves), charts.curves_summary(curves),
              width="content")
    if run.latest is not None and run.config.schedule != "constant":
        _lr(charts.lr_frame(run.config, run.latest.total_steps, run.progress))
        st.caption(t("runs.results.lr_caption"))
    _grad_norms(inside.grad_norms_frame(result.grad_norms))
    if result.filters is not None:
        _filters(result.filters, result.epochs[-1]["epoch"])
    _confusion(result)
    _mistakes(run.config.dataset, result, load_data)
    _adversarial(run, result, load_data)
    cols = st.columns(3)
    cols[0].download_button(t("runs.results.csv"), export.metrics_csv(result), f"run{run.number}-metrics.csv",
                            "text/csv", icon=":material/download:")
    cols[1].download_button(t("runs.results.json"), export.metrics_json(result),
                            f"run{run.number}-metrics.json", "application/json", icon=":material/download:")
    cols[2].download_button(t("runs.results.weights"), export.weights_safetensors(result),
                            f"run{run.number}.safetensors", "application/octet-stream",
                            icon=":material/download:")


def _mistakes(dataset: str, result: RunResult, load_data: Callable[[str], ImageSet]) -> None:
    """The misclassified test images, each captioned predicted (true), or for 1-D signals a small
    line chart of each; as text, a sentence and the list of them."""
    signals = DATASETS[dataset].signals
    st.markdown(t("runs_mnist1d.results.mistakes") if signals else t("runs.results.mistakes"))
    try:
        data = load_data(dataset)
    except DatasetError as error:
        st.warning(t("runs.results.unreadable", error=said_of(error)))
        return
    if not result.mistakes:
        st.caption(t("runs.results.no_mistakes"))
        return
    confusion = result.confusion or []
    wrong = sum(map(sum, confusion)) - sum(row[i] for i, row in enumerate(confusion))
    shown = len(result.mistakes)
    if signals:
        summary = (t("runs_mnist1d.alt.mistakes_all", wrong=f"{wrong:,}") if shown == wrong else
                   t("runs_mnist1d.alt.mistakes", shown=shown, wrong=f"{wrong:,}"))
        described(charts.mistake_signals_chart(charts.mistake_signals_frame(data, result)),
                  charts.mistakes_table(result), summary, width="content")
        return
    summary = (t("runs.alt.mistakes_all", wrong=f"{wrong:,}") if shown == wrong else
               t("runs.alt.mistakes", shown=shown, wrong=f"{wrong:,}"))
    _tiles(*charts.mistake_tiles(data, result), summary, charts.mistakes_table(result))


def _adversarial(run: Run, result: RunResult, load_data: Callable[[str], ImageSet]) -> None:
    """FGSM against the run's model, computed when the student asks (then kept for the run): accuracy
    against ε, and a few examples original beside perturbed, each with the model's prediction."""
    dataset = run.config.dataset
    # a bordered section, not an expander: the chart's data sits in an expander, and those do not nest
    with st.container(border=True):
        st.markdown(f"**{t('runs_adversarial.title')}**")
        st.markdown(t("runs_adversarial.intro"))
        asked = f"_runs_adversarial.{run.id}"  # session only: the attack is no setting of a link
        if not st.session_state.get(asked):
            if not st.button(t("runs_adversarial.button"), key=f"{asked}.button", icon=":material/bolt:"):
                return
            st.session_state[asked] = True
        try:
            data = load_data(dataset)
        except DatasetError as error:
            st.warning(t("runs_adversarial.unreadable", error=said_of(error)))
            return
        with st.spinner(t("runs_adversarial.computing")):
            found = compute.attacked(run.id, dataset, result, data)
        frame = charts.robustness_frame(found)
        described(charts.robustness_chart(frame), charts.robustness_table(frame),
                  charts.robustness_summary(frame, found.examples))
        budgets = list(range(1, len(frame)))
        index = st.select_slider(t("runs_adversarial.budget"), budgets, value=found.plan.standard,
                                 format_func=lambda i: frame["budget"][i], key=f"{asked}.budget")
        budget, accuracy = frame["budget"][index], frame["accuracy"]
        st.markdown(t("runs_adversarial.sentence", budget=budget, examples=f"{found.examples:,}",
                      clean=fmt.percent(accuracy[0]), attacked=fmt.percent(accuracy[index])))
        _adversarial_examples(found, index, budget, result.classes)


def _adversarial_examples(found: Attack, index: int, budget: str, classes: tuple[str, ...]) -> None:
    """The shown examples, original beside perturbed at the ``index``-th budget: images as small
    tiles, signals as line charts; as text, how many changed their prediction, and the list."""
    st.markdown(t("runs_adversarial.examples"))
    summary = t("runs_adversarial.alt.examples", flipped=charts.flipped(found, index),
                shown=len(found.indices), budget=budget)
    table = charts.adversarial_table(found, index, classes)
    if found.plan.signals:
        frame = charts.adversarial_signals_frame(found, index, classes)
        described(charts.adversarial_signals_chart(frame), table, summary, width="content")
        return
    _tiles(*charts.adversarial_tiles(found, index, classes), summary, table)


def _tiles(images: list, captions: list[str] | None, summary: str, table: pd.DataFrame,
           width: int | Literal["content"] = 96) -> None:
    """Small images, each captioned, then their text alternative: a sentence and the list of them."""
    st.image(images, caption=captions, width=width)
    st.caption(summary)
    with st.expander(t("a11y.data"), icon=":material/table:"):
        st.dataframe(table, hide_index=True, width="stretch")


def compare(runs: list[Run]) -> None:
    """Overlay the test-accuracy curves of chosen runs (e.g. Adam vs SGD+momentum, dropout on/off)."""
    labels = [run.label for run in runs if run.result and run.result.epochs]
    if len(labels) < 2:
        st.caption(t("runs.compare.too_few"))
        return
    chosen = st.multiselect(t("runs.compare.runs"), labels, default=labels[-4:], key=COMPARED)
    picked = {run.label: run.result for run in runs if run.result is not None and run.label in chosen}
    if picked:
        overlay = charts.overlay_frame(picked)
        described(charts.overlay_chart(overlay), charts.overlay_table(overlay),
                  charts.overlay_summary(overlay))
        text, number = st.column_config.TextColumn, st.column_config.NumberColumn
        st.dataframe(charts.summary_frame(picked), hide_index=True, column_config={
            "run": text(t("runs.columns.run")), "status": text(t("runs.columns.status")),
            "optimizer": text(t("runs.columns.optimizer")), "lr": number(t("runs.columns.lr"), format="%.4g"),
            "batch": number(t("runs_compare_columns.batch")),
            "accumulate": number(t("runs_compare_columns.accumulate"),
                                 help=t("runs_compare_columns.accumulate_help")),
            "processes": number(t("runs_nproc.column"), help=t("runs_nproc.column_help")),
            "dropout": number(t("runs.columns.dropout")),
            "batchnorm": st.column_config.CheckboxColumn(t("runs.columns.batchnorm")),
            "epochs": number(t("runs.columns.epochs")),
            "test accuracy": number(t("runs.columns.test_accuracy"), format=fmt.PERCENT_COLUMN),
            "seconds": number(t("runs.columns.seconds")), "device": text(t("runs.columns.device"))})


def data_parallel() -> None:
    """A note on growing one run past one process (``--nproc``, :mod:`playground.train.distributed`)."""
    with st.expander(t("runs_parallel.title"), icon=":material/hub:"):
        st.markdown(t("runs_parallel.why"))
        st.latex(r"\nabla_\theta \frac{1}{B}\sum_{i=1}^{B} \ell_i"
                 r" = \frac{1}{N}\sum_{k=1}^{N} \nabla_\theta \frac{N}{B}\sum_{i \in S_k} \ell_i")
        st.markdown(t("runs_parallel.how"))
        st.code("python -m playground.train --dataset mnist1d --model cnn1d --batch-size 100 --nproc 2",
                language="bash")
        st.caption(t("runs_parallel.caveats"))
