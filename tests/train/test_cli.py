"""The command line end to end (a subprocess, a tiny run), its error paths and its spelling aliases."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from safetensors import safe_open

from playground.train import device
from playground.train.__main__ import config_from, main, parser
from tests.train.fakes import write_mnist

ROOT = Path(__file__).resolve().parents[2]


def test_command_line_trains_and_writes_metrics_and_weights(tmp_path):
    write_mnist(tmp_path / "data" / "mnist", train=300, test=100)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "playground.train", "--dataset", "mnist", "--model", "mlp",
               "--optimizer", "adam", "--lr", "2e-3", "--epochs", "2", "--hidden", "64", "--threads", "1",
               "--out", str(out)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PLAYGROUND_DATA": str(tmp_path / "data")})
    assert done.returncode == 0, done.stderr
    assert "epoch 2 [" in done.stderr and "test acc" in done.stderr
    # how it ended, and where, in English
    assert "\nfinished: Finished 2 epochs in " in done.stderr
    assert re.search(r"\ndevice: (CPU \(\d+ threads?\)|.+ \(CUDA\)|Apple GPU \(MPS\))\n", done.stderr)
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["status"] == "finished" and metrics["config"]["optimizer"] == "Adam"
    assert len(metrics["epochs"]) == 2 and metrics["epochs"][-1]["test_accuracy"] > 0.5
    assert (out / "metrics.csv").read_text().splitlines()[0].startswith("epoch,train_loss,train_accuracy")
    with safe_open(out / "model.safetensors", "pt") as weights:
        assert weights.get_tensor("1.weight").shape == (64, 784)
        assert json.loads(weights.metadata()["config"])["hidden"] == [64]


def test_missing_dataset_exits_2_naming_the_paths(tmp_path, capsys):
    assert main(["--dataset", "cifar10", "--data-root", str(tmp_path)]) == 2
    assert str(tmp_path / "cifar10" / "cifar-10-batches-bin" / "data_batch_1.bin") in capsys.readouterr().err


def test_presets_are_overridden_by_explicit_options():
    config = config_from(parser().parse_args(["--preset", "cifar10-fast", "--epochs", "3", "--no-tta"]))
    assert (config.model, config.epochs, config.tta, config.batch_size) == ("fast", 3, False, 1024)


def test_nproc_is_the_runs_own_setting_kept_in_its_record():
    config = config_from(parser().parse_args(["--dataset", "digits", "--batch-size", "100", "--nproc", "4"]))
    assert (config.nproc, config.batch_size) == (4, 100)
    assert config.to_dict()["nproc"] == 4  # what metrics.json and the weights' metadata record
    assert config_from(parser().parse_args([])).nproc == 1


def test_a_device_this_machine_lacks_is_one_plain_line_with_exit_code_2(monkeypatch, capsys):
    monkeypatch.setattr(device, "available", lambda: ["cpu"])
    assert main(["--device", "cuda"]) == 2
    assert capsys.readouterr().err.strip().splitlines() == ["error: this machine has no CUDA device; "
                                                            "available: cpu"]


@pytest.mark.parametrize("typed, schedule", [("one-cycle", "one_cycle"), ("warmup-cosine", "warmup_cosine"),
                                             ("one_cycle", "one_cycle")])
def test_schedules_may_be_typed_with_hyphens(typed, schedule):
    assert config_from(parser().parse_args(["--schedule", typed])).schedule == schedule


def test_mnist1d_trains_from_the_command_line_with_nothing_on_disk(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["--dataset", "mnist1d", "--model", "cnn1d", "--epochs", "2", "--batch-size", "100",
                 "--lr", "0.01", "--data-root", str(tmp_path / "empty"), "--out", str(out)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["config"]["dataset"] == "mnist1d" and metrics["epochs"][-1]["test_accuracy"] > 0.3
    assert sum(map(sum, metrics["confusion"])) == 1000  # the standard test split
    assert "finished: Finished 2 epochs in " in capsys.readouterr().err


def test_any_optimizer_hyperparameter_goes_on_the_command_line_and_into_the_optimizer():
    from playground.train.loop import RunConfig, make_optimizer
    from playground.train.models import build_model

    config = config_from(parser().parse_args(["--optimizer", "adam", "--hyper", "beta2=0.99",
                                              "--hyper", "amsgrad=true"]))
    assert config.hyper == (("beta2", 0.99), ("amsgrad", True))
    config.validate()
    group = make_optimizer(build_model("mlp", (1, 8, 8), 10, hidden=(8,)), config).param_groups[0]
    assert group["betas"] == (0.9, 0.99) and group["amsgrad"] is True
    assert RunConfig.from_dict(json.loads(json.dumps(config.to_dict()))).hyper == config.hyper  # metrics.json


@pytest.mark.parametrize("given, says", [
    ("beta2", "write NAME=VALUE"), ("colour=3", "write NAME=VALUE"), ("beta2=high", "beta2 takes a number"),
    ("amsgrad=maybe", "amsgrad is a switch"),
], ids=["no-value", "unknown-name", "not-a-number", "not-a-switch"])
def test_a_malformed_hyper_says_how_to_write_it(capsys, given, says):
    with pytest.raises(SystemExit):
        parser().parse_args(["--hyper", given])
    assert says in capsys.readouterr().err


def test_a_hyperparameter_the_optimizer_lacks_is_refused_by_name():
    config = config_from(parser().parse_args(["--optimizer", "sgd", "--hyper", "beta2=0.99"]))
    with pytest.raises(ValueError, match="SGD has no hyperparameter beta2"):
        config.validate()
