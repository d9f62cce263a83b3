"""Streamlit panels of the Training runs page: launch, live progress, results, comparison, missing data.

The live panel is a fragment that re-renders itself every half second while this session has
a run queued or training; it only reads the runs' state (the worker threads never call
Streamlit) and triggers a full rerun when a run ends, so its results appear.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st

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
from playground.train import Progress, RunConfig, RunResult, export
from playground.train.loop import seconds_text, total_steps
from playground.train.runs import Limits, QueueFull, Run, RunQueue
from playground.ui import format as fmt
from playground.ui.runs import charts
from playground.ui.runs.keys import COMPARED, SHOWN

STATUS = {"finished": st.success, "early-stopped": st.success, "stopped": st.info, "diverged": st.error,
          "failed": st.error, "cancelled": st.info}


def missing_dataset(error: MissingDataset, name: str, hosted: bool) -> None:
    """Explain where the files go, and offer to download them (reporting failure plainly). A
    hosted server does not download from the page: many sessions would fetch the same 170 MB."""
    if hosted:
        st.error(f"{DATASETS[name].title} is not installed on this server, and a hosted server does not "
                 f"download datasets from the page. The administrator must put its files in "
                 f"PLAYGROUND_DATA (here {_code(data_root())}):\n\n{_path_list(error.paths)}")
        return
    notice = st.empty()
    notice.error(f"{DATASETS[name].title} is not on this machine. Missing files:\n\n{_path_list(error.paths)}"
                 f"\n\nPress Download below, or copy the files to exactly these paths. {_elsewhere(name)}")
    if st.button(f"Download {name}", icon=":material/download:"):
        bar = st.progress(0.0, text="Connecting…")

        def show(progress: DownloadProgress) -> None:
            done, total = progress.done, max(progress.total, 1)
            bar.progress(min(done / total, 1.0),
                         text=f"{progress.filename}: {done / 1e6:.1f} of {total / 1e6:.1f} MB")
        try:
            load(name, download=True, progress=show)
        except DatasetError as failure:
            bar.empty()
            notice.error(f"Download failed:\n\n```text\n{failure}\n```\n\nStill missing:\n\n"
                         f"{_path_list(missing_files(name))}\n\nCheck the connection and press Download "
                         f"again, or download the files on another machine and copy them to exactly these "
                         f"paths. {_elsewhere(name)}")
        else:
            st.rerun()


def _elsewhere(name: str) -> str:
    return (f"IDX files may stay .gz. The command line fetches them too (`python -m playground.train "
            f"--dataset {name} --download`); set PLAYGROUND_DATA to use another folder than "
            f"{_code(data_root())}.")


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
    st.altair_chart(charts.lr_chart(charts.lr_frame(config, steps, [])), width="stretch")
    st.caption(f"The learning rate of each of this run's {steps:,} optimizer steps ({config.schedule} "
               f"schedule, peak {fmt.number(config.lr)}); early stopping may end the run sooner.")


def launch(queue: RunQueue, owner: str, config: RunConfig, data: ImageSet) -> None:
    """Submit ``config`` within the server's caps, saying which caps applied or why it cannot run."""
    config, notes = queue.limits.apply(config)
    for note in notes:
        st.info(note)
    try:
        queue.submit(owner, config, data)
    except (QueueFull, ValueError) as error:
        st.error(str(error))


def live(queue: RunQueue, owner: str, shown: set[str]) -> None:
    """The active runs' progress, re-rendered every half second; the whole page reruns as soon as
    a run has ended that is not among ``shown`` (the ended runs the page drew), so its results appear."""
    polling = any(run.active for run in queue.runs(owner))

    @st.fragment(run_every=0.5 if polling else None)
    def panel() -> None:
        runs = queue.runs(owner)
        for run in runs:
            if run.active:
                _progress(queue, owner, run)
        if any(not run.active and run.id not in shown for run in runs):
            st.rerun()

    panel()


def _progress(queue: RunQueue, owner: str, run: Run) -> None:
    with st.container(border=True):
        top, button = st.columns([5, 1])
        latest = run.latest
        if run.status == "queued":
            top.markdown(f"**{run.label}**: waiting for a free slot (position {queue.position(run)}).")
        elif latest is None:
            top.markdown(f"**{run.label}**: preparing data and model…")
        else:
            top.progress(latest.step / latest.total_steps,
                         text=f"**{run.label}**: epoch {latest.epoch}/{run.config.epochs}, "
                              f"step {latest.step:,}/{latest.total_steps:,}")
        if button.button("Stop", key=f"stop-{run.id}", icon=":material/stop_circle:"):
            queue.stop(owner, run.id)
        if latest is not None:
            _live_metrics(run, latest)


def _live_metrics(run: Run, latest: Progress) -> None:
    epochs = charts.live_epochs_frame(run.progress)
    tested = [p.test_accuracy for p in run.progress if p.kind == "epoch" and p.test_accuracy is not None]
    cols = st.columns(4)
    cols[0].metric("Training loss", fmt.number(latest.loss))
    cols[1].metric("Training accuracy", fmt.percent(latest.accuracy))
    cols[2].metric("Images / s", f"{latest.images_per_s:,.0f}")
    if tested:
        change = tested[-1] - tested[-2] if len(tested) > 1 else None
        cols[3].metric("Last epoch's test accuracy", fmt.percent(tested[-1]),
                       delta=fmt.delta(change, percent=True), help="The change is from the epoch before.")
    st.caption(f"On {latest.device}; training loss and accuracy are means over the steps since the "
               f"previous report.")
    chart, table = st.columns([3, 2])
    chart.altair_chart(charts.steps_chart(charts.steps_frame(run.progress)), width="stretch")
    chart.altair_chart(charts.lr_chart(charts.lr_frame(run.config, latest.total_steps, run.progress)),
                       width="stretch")
    if len(epochs):
        table.dataframe(epochs, hide_index=True, height=min(35 * len(epochs) + 40, 240), column_config={
            "test loss": st.column_config.NumberColumn(format="%.4g"),
            "test accuracy": st.column_config.NumberColumn(format=fmt.PERCENT_COLUMN)})


def results(runs: list[Run], load_data: Callable[[str], ImageSet]) -> None:
    """The chosen run's curves, confusion matrix, per-class accuracy, mistakes and exports."""
    by_label = {run.label: run for run in reversed(runs)}
    run = by_label[st.selectbox("Run", list(by_label), key=SHOWN)]
    result = run.result
    assert result is not None, "only runs that have ended, each with its result, are shown"
    STATUS.get(result.status, st.info)(result.message)
    if not result.epochs:
        return
    cols = st.columns(3)
    cols[0].metric("Test accuracy", fmt.percent(result.test_accuracy))
    cols[1].metric("Training time", seconds_text(result.seconds))
    cols[2].metric("Images / s", f"{result.epochs[-1]['images_per_s']:,.0f}")
    st.caption(f"Trained on {result.device}; images per second over the last epoch, evaluation excluded.")
    st.altair_chart(charts.curves_chart(charts.epochs_frame(result)))
    if run.latest is not None and run.config.schedule != "constant":
        st.altair_chart(charts.lr_chart(charts.lr_frame(run.config, run.latest.total_steps, run.progress)),
                        width="stretch")
        st.caption("The line is the schedule the run was given; the points, the learning rate it reported.")
    left, right = st.columns([3, 2])
    left.altair_chart(charts.confusion_chart(charts.confusion_frame(result), result.classes), width="stretch")
    right.dataframe(charts.per_class_frame(result), hide_index=True, height=35 * len(result.classes) + 40,
                    column_config={"accuracy": st.column_config.ProgressColumn(
                        format=fmt.PERCENT_COLUMN, min_value=0.0, max_value=100.0)})
    _mistakes(run.config.dataset, result, load_data)
    cols = st.columns(3)
    cols[0].download_button("Metrics (CSV)", export.metrics_csv(result), f"run{run.number}-metrics.csv",
                            "text/csv", icon=":material/download:")
    cols[1].download_button("Metrics (JSON)", export.metrics_json(result), f"run{run.number}-metrics.json",
                            "application/json", icon=":material/download:")
    cols[2].download_button("Weights (safetensors)", export.weights_safetensors(result),
                            f"run{run.number}.safetensors", "application/octet-stream",
                            icon=":material/download:")


def _mistakes(dataset: str, result: RunResult, load_data: Callable[[str], ImageSet]) -> None:
    st.markdown("**Misclassified test images**: predicted (true)")
    try:
        images, captions = charts.mistake_tiles(load_data(dataset), result)
    except DatasetError as error:
        st.warning(f"The test images are no longer readable: {error}")
        return
    if images:
        st.image(images, caption=captions, width=96)
    else:
        st.caption("None: every test image was classified correctly.")


def compare(runs: list[Run]) -> None:
    """Overlay the test-accuracy curves of chosen runs (e.g. Adam vs SGD+momentum, dropout on/off)."""
    labels = [run.label for run in runs if run.result and run.result.epochs]
    if len(labels) < 2:
        st.caption("Finish two or more runs to compare them here.")
        return
    chosen = st.multiselect("Runs to compare", labels, default=labels[-4:], key=COMPARED)
    picked = {run.label: run.result for run in runs if run.result is not None and run.label in chosen}
    if picked:
        st.altair_chart(charts.overlay_chart(charts.overlay_frame(picked)), width="stretch")
        st.dataframe(charts.summary_frame(picked), hide_index=True, column_config={
            "lr": st.column_config.NumberColumn(format="%.4g"),
            "test accuracy": st.column_config.NumberColumn(format=fmt.PERCENT_COLUMN)})
