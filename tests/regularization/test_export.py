"""Exports: settings JSON, metrics CSV, and generated PyTorch code that runs and builds the same model."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from types import ModuleType

import pandas as pd
import pytest

from playground.datasets.tabular import read_csv, to_split
from playground.datasets.toy import SplitData, make_toy
from playground.optim import METHODS
from playground.regularization.config import LabConfig
from playground.regularization.export import config_json, metrics_csv, pytorch_code
from playground.regularization.trainer import train
from playground.schedules import SCHEDULES

MOONS = {"dataset": "moons", "points": 60, "noise": 0.45, "validation_fraction": 0.5, "seed": 0}
EPOCHS = 30  # long enough for every regularizer to act; short enough that no float32 round-off grows
# With batchnorm, a Linear layer's bias has a gradient that is exactly 0 in exact arithmetic (the
# mean is subtracted right after it): in float32 it is round-off, ~1e-9, and an adaptive method
# turns round-off into full-size steps (g/√v ≈ ±1). Ours and torch.optim's round differently, so
# the runs part within a few steps; both are right. SGD moves such a bias by η·1e-9: no drift.
SGD = {"optimizer": "SGD", "lr": 0.1}


def source_data(source: dict) -> SplitData:
    return make_toy(source["dataset"], source["points"], source["noise"], source["validation_fraction"],
                    source["seed"])


def run_script(code: str) -> ModuleType:
    """Define the generated script's names without running its ``__main__`` block. Only our own
    generated code is executed here, never user text."""
    module = ModuleType("generated_lab")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(code, "generated_lab.py", "exec"), module.__dict__)  # noqa: S102
    return module


def assert_reproduces(config: LabConfig, source: dict = MOONS, data: SplitData | None = None) -> None:
    data = data or source_data(source)
    run = train(data, config)
    script = run_script(pytorch_code(config, data, source))
    train_loss, val_loss = script.train()
    assert (train_loss, val_loss) == pytest.approx((run.final["train_loss"], run.final["val_loss"]), abs=1e-5)


@pytest.mark.parametrize("changes", [
    {"dropout": 0.5}, {"batch_size": 8}, {"batchnorm": True, "batch_size": 8, **SGD},
    {"early_stopping": True, "patience": 3, "min_delta": 0.001, "start_from_epoch": 2},
    {"early_stopping": True, "patience": 3, "restore_best": False},
    {"l1": 0.01}, {"l1": 0.01, "l1_kind": "penalty"}, {"l2": 0.003},
    {"weight_decay": 0.1}, {"weight_decay": 0.1, "decay": "coupled"},
    {"l1": 0.01, "l2": 0.001, "weight_decay": 0.1, "batchnorm": True, "dropout": 0.2, "batch_size": 16,
     **SGD},
    {"features": ("x1", "x2", "x1^2", "x1*x2", "sin(x1)"), "activation": "gelu", "init": "he"},
    {"init": "xavier", "activation": "tanh", "schedule": "cosine"},
], ids=str)
def test_the_script_reproduces_the_labs_final_losses(changes):
    assert_reproduces(LabConfig(hidden=(32, 32), epochs=EPOCHS, **changes))


@pytest.mark.parametrize("method", list(METHODS))
def test_the_script_reproduces_every_optimizer_with_torch_optim(method):
    knobs = {"momentum": 0.9} if method == "SGD" else {}
    assert_reproduces(LabConfig(hidden=(16,), epochs=EPOCHS, optimizer=method, lr=0.02, knobs=knobs,
                                weight_decay=0.05, batch_size=10))


@pytest.mark.parametrize("kind", SCHEDULES)
def test_the_script_follows_the_labs_schedule(kind):
    assert_reproduces(LabConfig(hidden=(8,), epochs=EPOCHS, schedule=kind, optimizer="SGD", lr=0.3, warmup=8,
                                step_size=7, gamma=0.6))


def test_the_script_rebuilds_digits_and_regression_data():
    assert_reproduces(LabConfig(hidden=(16,), epochs=10), {**MOONS, "dataset": "digits", "points": 300})
    assert_reproduces(LabConfig(hidden=(8,), epochs=EPOCHS), {**MOONS, "dataset": "sine"})


def test_the_script_rebuilds_mnist1d_without_the_playground():
    assert_reproduces(LabConfig(hidden=(16,), epochs=10), {**MOONS, "dataset": "mnist1d", "points": 200})


def test_the_script_reads_the_uploaded_csv_from_its_file(tmp_path, monkeypatch):
    rows = [f"{i % 7},{(i * 3) % 5 * 100},{'ab'[i % 2]}" for i in range(40)]
    (tmp_path / "iris_like.csv").write_text("petal,sepal,kind\n" + "\n".join(rows) + "\n")
    source = {"dataset": "csv", "file": "iris_like.csv", "label": "kind", "task": "classification",
              "validation_fraction": 0.25, "seed": 2}
    data = to_split(read_csv((tmp_path / "iris_like.csv").read_bytes()), "kind", "classification", 0.25, 2)
    monkeypatch.chdir(tmp_path)  # the script looks for the file beside itself
    assert_reproduces(LabConfig(hidden=(8,), epochs=EPOCHS), source, data)


def test_the_scripts_csv_reader_says_what_is_wrong_in_english(tmp_path, monkeypatch):
    (tmp_path / "points.csv").write_bytes(b"a,b\n1,2\n2,3\n3,4\n4,5\n")
    source = {"dataset": "csv", "file": "points.csv", "label": "b", "task": "regression",
              "validation_fraction": 0.5, "seed": 0}
    data = to_split(read_csv((tmp_path / "points.csv").read_bytes()), "b", "regression", 0.5, 0)
    monkeypatch.chdir(tmp_path)  # the script reads the file beside itself
    script = run_script(pytorch_code(LabConfig(hidden=(4,), epochs=1), data, source))
    with pytest.raises(script.CSVError, match=r"^Column 'b' has missing labels in 2 rows\.$"):
        script.to_split(script.read_csv(b"a,b\n1,\n2,\n3,4\n"), "b", "regression")


def test_the_script_is_plain_pytorch_with_the_chosen_settings():
    config = LabConfig(hidden=(8, 6), optimizer="NAG", lr=0.05, knobs={"momentum": 0.8}, l1=1e-3, l2=1e-3,
                       dropout=0.2, batchnorm=True, early_stopping=True, patience=4)
    code = pytorch_code(config, source_data(MOONS), MOONS)
    assert "import playground" not in code and "from playground" not in code
    assert "torch.optim.SGD(" in code and "momentum=0.8" in code and "nesterov=True" in code
    assert "nn.BatchNorm1d(8)" in code and "Dropout(0.2)" in code and "clamp_min(0.0)" in code
    assert "make_toy('moons', 60, 0.45, 0.5, seed=0)" in code and "EarlyStopping(4, 0.0, True, 0)" in code
    adam = pytorch_code(LabConfig(optimizer="Adam", weight_decay=0.1), source_data(MOONS), MOONS)
    assert "decoupled_weight_decay=True" in adam and "FACTORS" not in adam


def test_the_script_runs_as_a_program_and_prints_the_losses(tmp_path):
    path = tmp_path / "lab_run.py"
    path.write_text(pytorch_code(LabConfig(hidden=(4,), epochs=3), source_data(MOONS), MOONS))
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "final training loss" in done.stdout


def test_config_json_and_metrics_csv_describe_the_run():
    data = make_toy("moons", 40, 0.2, 0.5, seed=1)
    config = LabConfig(hidden=(8,), epochs=5, l2=0.01, frames=2)
    run = train(data, config)
    saved = json.loads(config_json(config, {"dataset": "moons", "points": 40}))
    assert saved["data"] == {"dataset": "moons", "points": 40}
    assert saved["train"]["l2"] == 0.01 and saved["train"]["hidden"] == [8] and saved["train"]["epochs"] == 5
    assert LabConfig(**{**saved["train"], "hidden": tuple(saved["train"]["hidden"]),
                          "features": tuple(saved["train"]["features"])}) == config
    table = pd.read_csv(io.StringIO(metrics_csv(run)))
    assert list(table.columns) == ["epoch", "train_loss", "val_loss", "train_acc", "val_acc", "weight_norm",
                                   "lr"]
    assert table.epoch.tolist() == [0, 1, 2, 3, 4, 5]
    assert table.val_loss.tolist() == pytest.approx(run.history["val_loss"])
