"""The regularization lab page, driven through Streamlit's AppTest with short runs."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pyarrow as pa
import pytest

from playground.ui.lab import compute
from tests.ui.helpers import english_phrases, open_page, player_scene, send_player_event

PAGE = "lab"
FAST = {"epochs": "150", "hidden": "32,32"}
POINTS_CSV = ("petal,sepal,kind\n" +
              "".join(f"{i % 7},{(i * 3) % 5},{'ab'[i % 2]}\n" for i in range(40))).encode()


HEADLINE = ("train loss", "val loss", "gap", "val accuracy", "weight norm", "zero weights")


def metrics(at) -> dict[str, float]:
    """The headline numbers as read on the page (accuracy as a fraction, from its percentage)."""
    return {m.label: float(m.value.rstrip("%").replace(",", "")) / (100 if m.value.endswith("%") else 1)
            for m in at.metric if m.label in HEADLINE}


def layer_table(at) -> pd.DataFrame:
    """The first run's table of weights per layer (the charts' data tables come before it)."""
    return next(d.value for d in at.dataframe if "exact zeros" in d.value)


def layer_zeros(at) -> int:
    return int(layer_table(at)["exact zeros"].sum())


def chart_table(at, column: str) -> pd.DataFrame:
    """The data of the first chart on the page that draws ``column``: what the student sees."""
    for chart in at.get("vega_lite_chart"):
        for dataset in chart.proto.datasets:
            table = pa.ipc.open_stream(dataset.data.data).read_pandas()
            if column in table:
                return table
    raise AssertionError(f"no chart on the page draws {column!r}")


def boundary_points(at) -> list[tuple[float, float, str]]:
    """The points drawn over the decision boundary: where, and as training (circle) or validation
    (triangle) points."""
    marks = player_scene(at, "lab.player.run")["marks"]
    return sorted((mark["x"], mark["y"], mark["shape"]) for mark in marks)


def upload(at, name: str, raw: bytes):
    at.file_uploader[0].set_value((name, raw, "text/csv")).run()
    return at


def test_default_page_overfits_and_shows_numbers_tables_and_code():
    at = open_page(PAGE, **FAST)
    assert not at.exception and not at.error
    numbers = metrics(at)
    assert numbers["gap"] > 0.3 and numbers["train loss"] < 0.1 and numbers["zero weights"] == 0
    assert list(layer_table(at).index) == ["hidden 1", "hidden 2", "output"]
    assert "No regularizer is on" in " ".join(c.value for c in at.caption)
    assert "torch.optim.Adam(" in at.code[0].value and "nn.Linear(2, 32)" in at.code[0].value
    assert at.session_state["lab.runs"]["run"].epochs_run == 150


def test_l1_zeroes_weights_and_l2_shrinks_them_when_toggled():
    at = open_page(PAGE, opt="SGD", lr="0.2", **FAST)
    before = metrics(at)
    at.toggle(key="lab.l1").set_value(True).run()
    assert not at.exception
    after_l1 = metrics(at)
    assert after_l1["zero weights"] > 100 and layer_zeros(at) == after_l1["zero weights"]
    assert "proximal step" in " ".join(c.value for c in at.caption)
    at.toggle(key="lab.l1").set_value(False).run()
    at.toggle(key="lab.l2").set_value(True).run()
    after_l2 = metrics(at)
    assert after_l2["zero weights"] == 0 and after_l2["weight norm"] < before["weight norm"]
    assert at.query_params["l2"] == "true" and "l1" not in at.query_params


def test_headline_numbers_use_the_page_formats_and_an_unchanged_number_reads_same_as_a():
    at = open_page(PAGE, compare="true", dropout="true", **FAST)
    shown = {m.label: m for m in at.metric if m.label in HEADLINE}
    assert shown["val accuracy"].value.endswith("%") and len(shown["val accuracy"].value.split(".")[1]) == 2
    assert shown["zero weights"].value == "0" and shown["zero weights"].proto.delta == "same as A"
    assert all(not m.proto.delta.startswith(("+0 ", "-0 ")) and m.proto.delta != "+0" for m in shown.values())
    b = at.session_state["lab.runs"]["B: regularized"].final
    assert shown["val loss"].value == f"{b['val_loss']:.4g}"
    table = at.dataframe[0].value
    assert table.loc["B: regularized", "val acc"] == pytest.approx(100 * b["val_acc"])


def test_dropout_batchnorm_and_early_stopping_each_change_the_page():
    at = open_page(PAGE, epochs="120", hidden="32,32", compare="true", dropout="true")
    table = at.dataframe[0].value  # the A/B summary
    assert list(table.index) == ["A: no regularization", "B: regularized"]
    gap = "gap (val − train loss)"
    assert table.loc["B: regularized", gap] < table.loc["A: no regularization", gap]
    baseline = at.session_state["lab.runs"]["A: no regularization"]
    at.toggle(key="lab.bn").set_value(True).run()
    assert any("Batch normalization" in h.value for h in at.subheader)
    mode_gap = [m for m in at.metric if m.label.startswith("mean |train-mode output")]
    assert mode_gap and float(mode_gap[0].value) > 0
    at.toggle(key="lab.es").set_value(True).run()
    stop = [i.value for i in at.info if "Early stopping ended training" in i.value]
    assert stop and "restored its weights" in stop[0]
    runs = at.session_state["lab.runs"]
    assert runs["B: regularized"].stopped_epoch < 120
    assert runs["A: no regularization"] is baseline  # the baseline was trained once, then reused


def test_settings_come_from_the_link_and_bad_values_are_reported():
    at = open_page(PAGE, data="blobs", n="90", opt="Momentum", momentum_momentum="0.5", epochs="oops",
                   hidden="16", act="tanh")
    assert not at.exception
    assert at.selectbox(key="lab.data").value == "blobs" and at.selectbox(key="lab.act").value == "tanh"
    assert at.number_input(key="lab.n").value == 90 and at.number_input(key="lab.epochs").value == 400
    assert any("Ignored `epochs=oops`" in w.value for w in at.warning)
    run = at.session_state["lab.runs"]["run"]
    assert run.config.optimizer == "Momentum" and run.config.knobs == {"momentum": 0.5}
    assert run.confusion.shape == (3, 3)


def test_user_mistakes_end_in_messages_not_tracebacks():
    at = open_page(PAGE, data="plane", opt="SGD", lr="10.0", hidden="64,abc", epochs="50")
    assert not at.exception
    assert any("whole numbers separated by commas" in e.value for e in at.error)
    at.text_input(key="lab.hidden").set_value("16").run()
    assert not at.exception and not at.error
    assert any("Diverged at epoch" in w.value for w in at.warning)
    at.toggle(key="lab.bn").set_value(True).run()
    at.number_input(key="lab.batch").set_value(1).run()
    assert any("batches of at least 2" in e.value for e in at.error)
    at.selectbox(key="lab.data").set_value("your CSV").run()
    assert any("Upload a CSV file" in e.value for e in at.error) and not at.exception


def test_digits_train_without_a_boundary_and_get_a_confusion_matrix():
    at = open_page(PAGE, data="digits", n="400", noise="0.0", epochs="15", hidden="32")
    assert not at.exception and not at.error
    run = at.session_state["lab.runs"]["run"]
    assert run.extent is None and run.confusion.shape == (10, 10)
    assert metrics(at)["val accuracy"] > 0.5
    assert "nn.Linear(64, 32)" in at.code[0].value


def test_weight_decay_toggle_pulls_the_weight_norm_curve_down():
    at = open_page(PAGE, **FAST)
    before = chart_table(at, "weight norm")["weight norm"]
    at.toggle(key="lab.wd").set_value(True).run()
    assert not at.exception
    after = chart_table(at, "weight norm")["weight norm"]
    assert after.iloc[0] == before.iloc[0]  # the same initial network ...
    assert after.iloc[-1] < 0.97 * before.iloc[-1]  # ... decayed to smaller weights
    assert "**Weight decay** in Adam is decoupled" in " ".join(c.value for c in at.caption)
    assert at.query_params["wd"] == "true"


def test_dropout_toggle_changes_the_loss_curves_and_the_weight_histograms():
    at = open_page(PAGE, **FAST)
    curves, histograms = chart_table(at, "value"), chart_table(at, "count")
    at.toggle(key="lab.dropout").set_value(True).run()
    assert not at.exception
    curves_after, histograms_after = chart_table(at, "value"), chart_table(at, "count")

    def final(table: pd.DataFrame, split: str) -> float:
        return table[table.split == split].value.iloc[-1]

    # without dropout the network memorizes its training points; with it, it cannot
    assert final(curves_after, "train") > 2 * final(curves, "train")
    assert final(curves_after, "validation") < final(curves, "validation")
    assert not histograms_after["count"].equals(histograms["count"])
    assert at.query_params["dropout"] == "true"


def test_early_stopping_restores_the_best_weights_at_the_end_and_says_so():
    at = open_page(PAGE, es="true", patience="1000", **FAST)
    assert not at.exception and not at.error
    run = at.session_state["lab.runs"]["run"]
    assert run.stopped_epoch is None and run.best is not None
    notice = ("Training ran all 150 epochs without stopping early; early stopping restored the best weights "
              f"from epoch {run.best_epoch}.")
    assert any(notice in i.value for i in at.info)
    assert any("fewer than the patience of 1000" in c.value for c in at.caption)
    assert any(h.value == "Restored by early stopping" for h in at.subheader)


def test_optimizer_hyperparameters_come_from_the_link_and_reach_the_code():
    at = open_page(PAGE, adam_amsgrad="true", adam_eps="1e-06", epochs="20", hidden="16")
    assert not at.exception and not at.error
    assert at.session_state["lab.runs"]["run"].config.knobs == {"amsgrad": True, "eps": 1e-6}
    assert "amsgrad=True" in at.code[0].value and "eps=1e-06" in at.code[0].value
    at.toggle(key="lab.adam_amsgrad").set_value(False).run()
    assert "adam_amsgrad" not in at.query_params and at.query_params["adam_eps"] == "1e-06"
    at.selectbox(key="lab.opt").set_value("AdaGrad").run()
    at.number_input(key="lab.adagrad_lr_decay").set_value(0.01).run()
    assert at.session_state["lab.runs"]["run"].config.knobs == {"lr_decay": 0.01}
    assert at.query_params["adagrad_lr_decay"] == "0.01"


def test_nesterov_without_momentum_is_a_message_not_a_traceback():
    at = open_page(PAGE, opt="SGD", sgd_nesterov="true", epochs="20", hidden="16")
    assert not at.exception
    assert any("Nesterov momentum requires a momentum" in e.value for e in at.error)


def test_nesterov_without_momentum_is_refused_in_chinese_too():
    at = open_page(PAGE, opt="SGD", sgd_nesterov="true", epochs="20", hidden="16", lang="zh")
    assert any("Nesterov 动量需要非零的动量系数" in e.value for e in at.error)
    assert english_phrases(at._tree) == []


def test_bad_uploads_end_in_messages_not_tracebacks():
    at = open_page(PAGE, data="your CSV", task="regression", epochs="20", hidden="16")
    for name, raw, message in (
        ("one.csv", b"a,b\n1,2\n", "one.csv: Need at least 3 data rows"),
        ("huge.csv", b"a,b\n1,1e20\n2,3\n3,4\n4,5\n",
         "huge.csv: Column 'b' has a value too large to train on"),
        ("headless.csv", b"1,2,cat\n3,4,dog\n5,6,cat\n", "headless.csv: The first row looks like data"),
    ):
        upload(at, name, raw)
        assert not at.exception
        assert any(message in e.value for e in at.error), name


def test_split_seed_of_an_upload_changes_which_rows_validate_and_lives_in_the_link():
    at = upload(open_page(PAGE, data="your CSV", epochs="20", hidden="16"), "points.csv", POINTS_CSV)
    assert not at.exception and not at.error
    points = boundary_points(at)
    at.number_input(key="lab.split_seed").set_value(1).run()
    reshuffled = boundary_points(at)
    assert len(reshuffled) == len(points) == 40
    assert reshuffled != points
    assert at.query_params["split_seed"] == "1"
    script = at.code[0].value  # reads the same file and splits and standardizes it as the lab did
    assert "to_split(read_csv(open('points.csv', 'rb').read()), 'kind', 'classification', 0.5, 1)" in script
    assert "def standardize(" in script


def test_asking_for_more_digits_than_exist_says_so():
    at = open_page(PAGE, data="digits", n="2000", noise="0.0", epochs="3", hidden="8")
    assert not at.exception
    assert any("Digits has 1,797 images: using all of them, not 2,000." in i.value for i in at.info)


def test_a_run_without_a_finite_start_ends_in_a_notice(monkeypatch):
    real_train = compute.train

    def huge_targets(data, config, *args):  # targets whose squared error is inf in float32
        return real_train(replace(data, y_train=data.y_train * 1e20, y_val=data.y_val * 1e20), config, *args)

    monkeypatch.setattr(compute, "train", huge_targets)
    at = open_page(PAGE, data="plane", epochs="5", hidden="8")
    assert not at.exception
    assert any("Diverged at epoch 0: the untrained network's loss is already NaN or infinite" in w.value
               for w in at.warning)


def test_schedule_settings_reach_training_and_the_page_draws_the_learning_rate_per_epoch():
    at = open_page(PAGE, epochs="30", hidden="8", opt="SGD", lr="0.2", schedule="step", step_size="10",
                   gamma="0.25")
    rates = chart_table(at, "learning rate").set_index("epoch")["learning rate"]
    assert list(rates.index) == list(range(1, 31))
    assert rates[10] == pytest.approx(0.2) and rates[11] == pytest.approx(0.05)
    assert rates[30] == pytest.approx(0.2 * 0.25**2)
    at = open_page(PAGE, epochs="30", hidden="8", lr="0.1", schedule="warmup_cosine", warmup="10")
    rates = chart_table(at, "learning rate").set_index("epoch")["learning rate"]
    assert rates[1] == pytest.approx(0.01) and rates[10] == pytest.approx(0.1)  # linear warmup, then cosine
    assert rates[11] == pytest.approx(0.1) and rates[30] < 0.01
    assert at.query_params["warmup"] == "10" and not at.number_input(key="lab.warmup").disabled
    assert at.number_input(key="lab.step_size").disabled  # kept in the link, unused by this schedule


def test_no_learning_rate_chart_without_a_schedule():
    at = open_page(PAGE, epochs="5", hidden="8")
    with pytest.raises(AssertionError, match="no chart"):
        chart_table(at, "learning rate")


def test_a_shared_server_refuses_a_runaway_run_and_says_what_to_lower(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_HOSTED", "1")
    at = open_page(PAGE, n="2000", hidden="256,256,256,256,256,256", batch="1", epochs="5000")
    assert not at.exception and "lab.runs" not in at.session_state
    refusal = next(e.value for e in at.error if "not started" in e.value)
    assert "5,000 epochs × 1,000 steps" in refusal and "Lower the epochs" in refusal
    assert not at.metric  # nothing trained, nothing shown as if it had


def test_a_local_server_trains_a_long_run_after_saying_how_long(monkeypatch):
    from playground import budget
    monkeypatch.setattr(budget, "WARN_SECONDS", 0.01)
    at = open_page(PAGE, **FAST)
    assert any(w.value.startswith("This will take about") and "150 epochs" in w.value for w in at.warning)
    assert at.session_state["lab.runs"]["run"].epochs_run == 150


def epoch_shown(at) -> int:
    """The epoch the section's heading names (and its weight table shows)."""
    return int(next(m.value for m in at.markdown if m.value.startswith("**epoch ")).strip("*").split()[1])


def test_the_boundary_player_gets_every_recorded_epoch_and_the_epoch_it_stops_on_reaches_the_link():
    at = open_page(PAGE, **FAST)
    scene = player_scene(at, "lab.player.run")
    run = at.session_state["lab.runs"]["run"]
    assert scene["frames"] == [frame.epoch for frame in run.frames] and scene["frame"] == 150
    assert len(scene["grid"]["colour"]) == len(run.frames)  # one boundary per recorded epoch, sent once
    final_zeros = layer_table(at)
    middle = scene["frames"][len(scene["frames"]) // 2]
    send_player_event(at, "lab.player.run", "stop", middle)
    assert not at.exception and epoch_shown(at) == middle and at.query_params["epoch"] == str(middle)
    assert player_scene(at, "lab.player.run")["frame"] == middle
    assert not layer_table(at).equals(final_zeros)  # the weight table moved to that epoch too
    send_player_event(at, "lab.player.run", "stop", 150)  # back at the end: the link needs no epoch
    assert epoch_shown(at) == 150 and "epoch" not in at.query_params


def test_a_link_with_an_epoch_opens_the_network_at_that_epoch():
    at = open_page(PAGE, epoch="41", **FAST)  # no frame at 41: the last recorded one before it
    frames = player_scene(at, "lab.player.run")["frames"]
    before = max(epoch for epoch in frames if epoch <= 41)
    assert epoch_shown(at) == before and player_scene(at, "lab.player.run")["frame"] == before


def test_without_a_boundary_an_epoch_slider_moves_the_weights_and_the_link():
    at = open_page(PAGE, data="digits", n="400", noise="0.0", epochs="15", hidden="16")
    assert not at.get("bidi_component") and epoch_shown(at) == 15
    slider = next(s for s in at.select_slider if s.label == "Epoch")
    slider.set_value(slider.options[1]).run()
    assert epoch_shown(at) == int(slider.options[1]) and at.query_params["epoch"] == slider.options[1]


def test_a_class_on_the_same_link_trains_each_run_once(monkeypatch):
    trained = []
    real_train = compute.train

    def counted(data, config, *args):
        trained.append(config)
        return real_train(data, config, *args)

    monkeypatch.setattr(compute, "train", counted)
    first = open_page(PAGE, compare="true", dropout="true", **FAST)
    second = open_page(PAGE, compare="true", dropout="true", **FAST)  # another student, same link
    assert len(trained) == 2  # A and B, once for both students
    assert metrics(second) == metrics(first) and not second.exception
    second.toggle(key="lab.dropout").set_value(False).run()  # B is now A: nothing new to train
    assert len(trained) == 2
