"""The Training runs sidebar's full control set under AppTest: the MLP's hidden widths, mixed
precision and test-time augmentation, each from the link to its widget, from the widget to the
link, into the run the page would launch, with bad values falling back with a notice; and links
handed out before these controls existed still describe the same run."""

from __future__ import annotations

import pytest

from playground.ui.runs import controls
from playground.ui.runs.compute import run_queue
from tests.ui.helpers import open_page

PAGE = "runs"
# What the page launched for the old link `dataset=digits&epochs=3&lr=0.001&batch=128&v=2` before
# these controls, field by field (read off the page as it was).
OLD_LINK = dict(dataset="digits", epochs="3", lr="0.001", batch="128", v="2")
OLD_RUN = {"dataset": "digits", "model": "mlp", "optimizer": "Adam", "backend": "scratch", "lr": 0.001,
           "momentum": None, "epochs": 3, "batch_size": 128, "accumulate": 1, "adversarial": False,
           "hyper": (), "schedule": "constant", "warmup": 0.0, "weight_decay": 0.0, "decay": "decoupled",
           "l1": 0.0,
           "l1_kind": "proximal", "l2": 0.0, "hidden": (100, 100), "dropout": 0.0, "batchnorm": False,
           "label_smoothing": 0.0, "clip": 0.0, "patience": 0, "augment": False, "tta": False,
           "bias_lr_scale": 1.0, "device": "auto", "amp": True, "seed": 0, "max_train": None,
           "max_test": None, "data_root": None}


@pytest.fixture
def launched(monkeypatch):
    """The run each pass of the page would launch (what the sidebar returned), newest last."""
    configs = []
    settings = controls.settings

    def recorded(qs):
        configs.append(settings(qs))
        return configs[-1]

    monkeypatch.setattr(controls, "settings", recorded)
    return configs


@pytest.fixture
def gpu(monkeypatch):
    """A machine whose best device is a CUDA GPU, as far as the sidebar can tell."""
    monkeypatch.setattr(controls, "available", lambda: ["cuda", "cpu"])


@pytest.fixture
def cpu_only(monkeypatch):
    monkeypatch.setattr(controls, "available", lambda: ["cpu"])


def notices(at):
    return [w.value for w in at.warning]


def test_an_old_link_still_launches_the_same_run(launched):
    for link in (OLD_LINK, {k: v for k, v in OLD_LINK.items() if k != "v"}):  # format 2 and format 1
        at = open_page(PAGE, **link)
        run = launched[-1].to_dict()
        assert {name: run[name] for name in OLD_RUN} == OLD_RUN
        assert dict(at.query_params) == {**OLD_LINK, "v": "2"}  # nothing new written into it
        assert not at.exception and not notices(at)


def test_the_new_controls_show_todays_behaviour_by_default(launched, cpu_only):
    at = open_page(PAGE)
    assert at.text_input(key="runs.hidden").value == "100,100"
    assert at.toggle(key="runs.amp").value is True and at.toggle(key="runs.tta").value is False
    run = launched[-1]
    assert (run.hidden, run.amp, run.tta) == ((100, 100), True, False)
    assert dict(at.query_params) == {}
    assert not at.exception and not notices(at)


def test_settings_from_the_link_reach_the_widgets_and_the_run(launched, gpu):
    at = open_page(PAGE, dataset="digits", hidden="64,32,16", tta="true", amp="false")
    assert at.text_input(key="runs.hidden").value == "64,32,16"
    assert at.toggle(key="runs.tta").value is True and at.toggle(key="runs.amp").value is False
    run = launched[-1]
    assert (run.hidden, run.tta, run.amp) == ((64, 32, 16), True, False)
    assert {name: at.query_params[name] for name in ("hidden", "tta", "amp")} == {
        "hidden": "64,32,16", "tta": "true", "amp": "false"}
    assert not at.exception and not notices(at)


def test_changing_the_widgets_writes_the_link(launched, gpu):
    at = open_page(PAGE, dataset="digits")
    at.text_input(key="runs.hidden").input("256, 64").run()
    at.toggle(key="runs.tta").set_value(True).run()
    at.toggle(key="runs.amp").set_value(False).run()
    assert at.text_input(key="runs.hidden").value == "256,64"  # written as the link writes it
    assert {name: at.query_params[name] for name in ("hidden", "tta", "amp")} == {
        "hidden": "256,64", "tta": "true", "amp": "false"}
    run = launched[-1]
    assert (run.hidden, run.tta, run.amp) == ((256, 64), True, False)
    at.text_input(key="runs.hidden").input("100,100").run()  # back to the default: out of the link
    assert "hidden" not in at.query_params and launched[-1].hidden == (100, 100)


@pytest.mark.parametrize("text, reason", [
    ("abc", "hidden layers must be whole numbers separated by commas, like 64, 64 (got 'abc')"),
    ("100,x", "hidden layers must be whole numbers separated by commas, like 64, 64 (got '100,x')"),
    ("0", "each hidden layer needs 1 to 256 units, got [0]"),
    ("-5", "each hidden layer needs 1 to 256 units, got [-5]"),
    ("100,1000", "each hidden layer needs 1 to 256 units, got [100, 1000]"),
    ("8,8,8,8,8,8,8", "at most 6 hidden layers, got 7"),
], ids=["letters", "a-letter-among-numbers", "zero", "negative", "too-wide", "seven-layers"])
def test_bad_widths_in_the_link_fall_back_to_the_recipe_with_a_notice(launched, text, reason):
    at = open_page(PAGE, hidden=text)
    assert f"Ignored the hidden layer widths `{text}` ({reason}); the MLP keeps 100,100." in notices(at)
    assert at.text_input(key="runs.hidden").value == "100,100"
    assert launched[-1].hidden == (100, 100) and "hidden" not in at.query_params
    assert not at.exception


def test_bad_widths_typed_into_the_field_fall_back_too(launched):
    at = open_page(PAGE, hidden="32")
    at.text_input(key="runs.hidden").input("32,,wide").run()
    assert any(n.startswith("Ignored the hidden layer widths `32,,wide`") for n in notices(at))
    assert at.text_input(key="runs.hidden").value == "100,100" and launched[-1].hidden == (100, 100)
    assert "hidden" not in at.query_params


def test_bad_switch_values_in_the_link_fall_back_with_a_notice(launched, gpu):
    at = open_page(PAGE, dataset="digits", tta="maybe", amp="2")
    shown = notices(at)
    assert "Ignored `tta=maybe` from the link (expected true or false); using the default false." in shown
    assert "Ignored `amp=2` from the link (expected true or false); using the default true." in shown
    assert (launched[-1].tta, launched[-1].amp) == (False, True)


def test_controls_that_cannot_apply_are_disabled_with_the_reason_and_left_out(launched, cpu_only):
    at = open_page(PAGE, model="cnn1d", hidden="32", tta="true", amp="false", v="2")  # on MNIST-1D
    hidden, tta, amp = at.text_input(key="runs.hidden"), at.toggle(key="runs.tta"), at.toggle(key="runs.amp")
    assert hidden.disabled and "Only the MLP's hidden layers are sized here" in hidden.help
    assert tta.disabled and "a mirrored MNIST-1D signal is another digit's signal" in tta.help
    assert amp.disabled and "on CPU every run computes in float32" in amp.help
    run = launched[-1]
    assert (run.hidden, run.tta) == ((100, 100), False)  # the 1-D CNN's own layers; no mirrored signals
    # kept in the link for when the MLP, an image set or a GPU comes back
    assert {name: at.query_params[name] for name in ("hidden", "tta", "amp")} == {
        "hidden": "32", "tta": "true", "amp": "false"}
    assert not at.exception and not notices(at)


def test_on_a_gpu_mixed_precision_is_offered_and_named_devices_decide(gpu):
    at = open_page(PAGE)
    assert not at.toggle(key="runs.amp").disabled
    assert "bfloat16 where the GPU has it" in at.toggle(key="runs.amp").help
    at = open_page(PAGE, device="cpu")
    assert at.toggle(key="runs.amp").disabled


def test_a_launched_run_carries_the_widths_and_test_time_augmentation():
    at = open_page(PAGE, dataset="digits", epochs="1", hidden="32,16", tta="true", device="cpu")
    next(b for b in at.button if b.label == "Launch run").click()
    at = at.run()
    config = run_queue().runs(at.session_state["runs.owner"])[-1].config
    assert (config.dataset, config.hidden, config.tta, config.device) == ("digits", (32, 16), True, "cpu")
    assert not at.exception and not at.error


def test_the_new_controls_read_in_chinese(cpu_only):
    at = open_page(PAGE, lang="zh", hidden="abc")
    assert at.text_input(key="runs.hidden").label == "隐藏层宽度（MLP）"
    assert any(n.startswith("已忽略隐藏层宽度 `abc`") for n in notices(at))
    assert "在 CPU 上" in at.toggle(key="runs.amp").help


def test_every_hyperparameter_of_the_optimizer_reaches_the_run_and_stays_in_the_link(launched):
    at = open_page(PAGE, optimizer="Adam", adam_beta2="0.99", adam_amsgrad="true")
    run = launched[-1]
    assert run.hyper == (("amsgrad", True), ("beta2", 0.99))
    assert run.tuned == {"amsgrad": True, "beta2": 0.99}  # what the optimizer is built with
    assert at.number_input(key="runs.adam_eps").value == 1e-08  # the others shown at their defaults
    at.number_input(key="runs.adam_eps").set_value(1e-6).run()
    assert at.query_params["adam_eps"] == "1e-06" and dict(launched[-1].hyper)["eps"] == 1e-6
    assert not at.exception


def test_the_momentum_methods_keep_their_own_momentum_control_and_link(launched):
    open_page(PAGE, optimizer="Momentum", momentum="0.8", momentum_nesterov="true")
    run = launched[-1]
    assert run.momentum == 0.8 and run.hyper == (("nesterov", True),)  # momentum is not asked twice
    assert run.tuned == {"momentum": 0.8, "nesterov": True}


@pytest.fixture
def server(monkeypatch):
    """The page's queue made afresh from the environment a test sets, training in threads (no
    pool of processes to start); the next test gets its own."""
    def start(**environ):
        for name, value in {"PLAYGROUND_EXECUTOR": "thread", **environ}.items():
            monkeypatch.setenv(name, value)
        run_queue.clear()
    yield start
    run_queue.clear()


def test_the_process_control_offers_only_counts_that_split_the_batch_and_lands_in_the_link(launched, server):
    server(PLAYGROUND_MAX_PROCESSES="8")
    at = open_page(PAGE, dataset="digits", batch="100", device="cpu")
    processes = at.radio(key="runs.nproc")
    assert processes.label == "Processes (data-parallel)" and not processes.disabled
    assert processes.options == ["1", "2", "4", "5"]  # 100 splits into 1, 2, 4 or 5 equal shares, not 3
    assert "each on 1/N of every batch" in processes.help
    assert launched[-1].nproc == 1 and "nproc" not in at.query_params  # old links mean one process
    processes.set_value(5).run()
    assert at.query_params["nproc"] == "5" and launched[-1].nproc == 5
    at.select_slider(key="runs.batch").set_value(128).run()  # 5 does not split 128: back to one process
    assert at.radio(key="runs.nproc").options == ["1", "2", "4", "8"]
    assert launched[-1].nproc == 1 and "nproc" not in at.query_params
    assert not at.exception


def test_a_link_asking_for_a_count_that_does_not_split_the_batch_trains_as_one_process(launched, server):
    server(PLAYGROUND_MAX_PROCESSES="4")
    at = open_page(PAGE, dataset="digits", batch="128", nproc="3", device="cpu")
    assert any(notice.startswith("Ignored `nproc=3` from the link") for notice in notices(at))
    assert launched[-1].nproc == 1
    at = open_page(PAGE, dataset="digits", batch="128", nproc="4", device="cpu")
    assert launched[-1].nproc == 4 and at.radio(key="runs.nproc").value == 4


def test_where_the_server_allows_one_process_the_control_is_greyed_out_saying_why(launched, server):
    server(PLAYGROUND_HOSTED="1")
    at = open_page(PAGE, dataset="digits", nproc="2", device="cpu")
    processes = at.radio(key="runs.nproc")
    assert processes.disabled and processes.options == ["1"]
    assert "This server trains every run as one process" in processes.help
    assert launched[-1].nproc == 1
    at = open_page(PAGE, lang="zh", device="cpu")
    processes = at.radio(key="runs.nproc")
    assert processes.label == "进程数（数据并行）" and "此服务器的每次训练都只用一个进程" in processes.help
