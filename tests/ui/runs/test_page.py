"""The Training runs page under AppTest: settings from the URL and into the run, a short real run to
its results, live per-epoch metrics and the Stop button, and a missing dataset (a Download button
that reports failure plainly; none on a hosted server)."""

from __future__ import annotations

import json
import socket
import time

from playground.datasets import download
from playground.datasets.download import Remote
from playground.ui.runs.compute import run_queue
from tests.ui.helpers import open_page

PAGE = "runs"


def poll(at, done, timeout=60.0):
    """Rerun the page (as the live fragment would) until ``done(at)`` or the timeout."""
    deadline = time.monotonic() + timeout
    while not done(at):
        assert time.monotonic() < deadline, "the run did not finish in time"
        time.sleep(0.3)
        at.run()
    return at


def metric(at, label):
    return next((m.value for m in at.metric if m.label == label), None)


def table(at, column):
    """The first table on the page with ``column`` (charts' data tables sit among the page's own)."""
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


def chart_titles(at):
    """Each chart's title (a layered chart's is on its layers)."""
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    return [spec.get("title") or next((layer["title"] for layer in spec.get("layer", []) if "title" in layer),
                                      None) for spec in specs]


def launch(at):
    next(b for b in at.button if b.label == "Launch run").click()
    return at.run()


def test_settings_come_from_the_url_and_bad_values_fall_back_with_a_notice():
    at = open_page(PAGE, optimizer="SGD", lr="0.1", epochs="2", batch="64", lr_typo="x", dropout="banana")
    assert at.session_state["runs.optimizer"] == "SGD" and at.session_state["runs.lr"] == 0.1
    assert at.session_state["runs.epochs"] == 2 and at.session_state["runs.batch"] == 64
    assert any("dropout=banana" in w.value for w in at.warning)
    assert not at.exception and not at.error


def test_warmup_label_smoothing_and_momentum_reach_the_run_and_the_link():
    at = open_page(PAGE, optimizer="NAG", momentum="0.8", schedule="warmup_cosine", warmup="0.3", epochs="1")
    next(s for s in at.slider if s.label == "Label smoothing").set_value(0.1)
    at = launch(at.run())
    config = run_queue().runs(at.session_state["runs.owner"])[-1].config
    assert (config.optimizer, config.momentum, config.schedule, config.warmup, config.label_smoothing) == (
        "NAG", 0.8, "warmup_cosine", 0.3, 0.1)
    assert {name: at.query_params[name] for name in ("momentum", "warmup", "smoothing")} == {
        "momentum": "0.8", "warmup": "0.3", "smoothing": "0.1"}
    assert not at.exception and not at.error


def test_a_schedule_is_drawn_before_launch_for_the_steps_the_run_will_take():
    at = open_page(PAGE, dataset="digits", schedule="warmup_cosine", warmup="0.2", epochs="3", batch="128",
                   lr="0.001")
    assert "η(t): learning rate at each optimizer step" in chart_titles(at)
    caption = next(c.value for c in at.caption if c.value.startswith("The learning rate of each"))
    # 1,437 training images in batches of 128, the ragged last one dropped: 11 steps an epoch
    assert "of this run's 33 optimizer steps (warmup_cosine schedule, peak 0.001)" in caption
    assert not any(title.startswith("η(t)") for title in chart_titles(open_page(PAGE, schedule="constant")))


def test_accumulation_from_the_link_reaches_the_run_and_divides_the_steps():
    at = open_page(PAGE, dataset="digits", schedule="cosine", epochs="3", batch="128", accumulate="4",
                   batchnorm="true", lr="0.001")
    caption = next(c.value for c in at.caption if c.value.startswith("The learning rate of each"))
    # 11 batches of 128 an epoch, taken 4 at a time: steps of 4, 4 and 3 batches
    assert "of this run's 9 optimizer steps" in caption
    assert any("not of the 512 that make one step" in c.value for c in at.sidebar.caption)
    at = launch(at)
    assert run_queue().runs(at.session_state["runs.owner"])[-1].config.accumulate == 4
    assert at.query_params["accumulate"] == "4"
    assert not at.exception and not at.error


def test_controls_that_do_not_apply_are_disabled_and_left_out_of_the_run():
    at = open_page(PAGE, model="fast", dataset="digits", schedule="cosine", optimizer="Adam", dropout="0.3")
    sliders = {s.label: s for s in at.slider}
    assert sliders["Dropout"].disabled and at.number_input(key="runs.momentum").disabled
    assert sliders["Warmup (fraction of the run)"].disabled
    assert next(t for t in at.toggle if t.label == "Batch normalization").disabled
    assert not sliders["Label smoothing"].disabled
    assert at.query_params["dropout"] == "0.3"  # kept for when the MLP or CNN comes back


def test_a_short_digits_run_finishes_and_shows_its_results():
    at = launch(open_page(PAGE, dataset="digits", epochs="1", lr="0.003", batch="64", device="cpu"))
    poll(at, lambda at: metric(at, "Test accuracy") is not None)
    assert float(metric(at, "Test accuracy").rstrip("%")) > 50
    assert any(c.value.startswith("Trained on CPU") for c in at.caption)
    assert any(s.value.startswith("Finished 1 epoch in") for s in at.success)
    per_class = table(at, "test examples")
    assert list(per_class["class"]) == [str(d) for d in range(10)] and per_class["test examples"].sum() == 359
    assert [b.label for b in at.get("download_button")] == ["Metrics (CSV)", "Metrics (JSON)",
                                                            "Weights (safetensors)"]
    assert not at.exception


def test_two_runs_can_be_compared():
    at = launch(open_page(PAGE, epochs="1", optimizer="Momentum", lr="0.05", batch="64"))
    poll(at, lambda at: metric(at, "Test accuracy") is not None)
    at.session_state["runs.optimizer"] = "Adam"
    at.session_state["runs.lr"] = 0.003
    at = launch(at.run())
    poll(at, lambda at: len(at.multiselect) and len(at.multiselect[0].value) == 2)
    summary = at.dataframe[-1].value
    assert sorted(summary["optimizer"]) == ["Adam (scratch)", "Momentum (scratch)"]
    assert summary["test accuracy"].between(1, 100).all()  # percentage points, shown with one decimal


def test_a_long_run_shows_each_epoch_live_and_stop_keeps_it_in_the_history():
    at = launch(open_page(PAGE, epochs="100", device="cpu"))
    poll(at, lambda at: metric(at, "Last epoch's test accuracy") is not None)
    epochs = table(at, "test loss")
    assert list(epochs.columns) == ["epoch", "test loss", "test accuracy"] and epochs["epoch"].iloc[0] == 1
    assert any(c.value.startswith("On CPU (") for c in at.caption)
    next(b for b in at.button if b.label == "Stop").click()
    poll(at.run(), lambda at: any("Stopped by request" in i.value for i in at.info)
         and not any(b.label == "Stop" for b in at.button), timeout=20)


def test_missing_dataset_explains_where_files_go_and_download_failure_is_plain(monkeypatch, tmp_path):
    monkeypatch.setenv("PLAYGROUND_DATA", str(tmp_path))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        refused = f"http://127.0.0.1:{sock.getsockname()[1]}/t10k-images-idx3-ubyte.gz"
    monkeypatch.setitem(download.SOURCES, "mnist", (Remote("t10k-images-idx3-ubyte.gz", 1, "0" * 32, "0" * 64,
                                                           (refused,)),))
    at = open_page(PAGE, dataset="mnist")
    assert str(tmp_path / "mnist" / "train-images-idx3-ubyte") in at.error[0].value
    assert next(b for b in at.button if b.label == "Launch run").disabled
    next(b for b in at.button if b.label == "Download mnist").click()
    at.run()
    failure = next(e.value for e in at.error if e.value.startswith("Download failed"))
    assert "no network" in failure and str(tmp_path / "mnist") in failure
    still_missing = failure.split("Still missing:")[1]
    assert [line for line in still_missing.splitlines() if line.startswith("- ")] == [
        f"- `{tmp_path / 'mnist' / name}`" for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                                       "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")]
    assert len(at.error) == 1 and not at.get("progress")  # the notice is replaced and the bar removed
    assert not at.exception


def test_a_hosted_server_offers_no_download_and_names_the_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("PLAYGROUND_DATA", str(tmp_path))
    monkeypatch.setenv("PLAYGROUND_HOSTED", "1")
    at = open_page(PAGE, dataset="fashion-mnist")
    message = at.error[0].value
    assert "administrator must put its files in PLAYGROUND_DATA" in message
    assert str(tmp_path / "fashion-mnist" / "t10k-labels-idx1-ubyte") in message
    assert not any(b.label.startswith("Download") for b in at.button)
    assert not at.exception
