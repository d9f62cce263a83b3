"""Exports: settings JSON, metrics CSV, and generated PyTorch code that runs and builds the same model."""

from __future__ import annotations

import io
import json
import math

import pandas as pd
import pytest
import torch

from playground.datasets.toy import make_toy
from playground.regularization import build_mlp
from playground.regularization.config import LabConfig
from playground.regularization.export import config_json, metrics_csv, pytorch_code
from playground.regularization.trainer import train
from playground.schedules import SCHEDULES, Schedule

EVERYTHING = LabConfig(hidden=(8, 6), activation="gelu", init="he",
                         features=("x1", "x2", "x1*x2", "sin(x1)"), optimizer="NAG", lr=0.05,
                         knobs={"momentum": 0.8}, batch_size=16, epochs=4, l1=1e-3, l2=1e-3,
                         weight_decay=0.01, dropout=0.2, batchnorm=True, early_stopping=True, patience=1,
                         min_delta=0.001, start_from_epoch=1, seed=3)


def run_script(code: str) -> dict:
    # Only our own generated code is executed here, never user text.
    namespace = {"__name__": "__main__"}
    exec(compile(code, "generated_lab.py", "exec"), namespace)  # noqa: S102
    return namespace


@pytest.mark.parametrize(("config", "task", "outputs"), [
    (EVERYTHING, "classification", 3),
    (LabConfig(hidden=(), epochs=3, optimizer="AdamW", weight_decay=0.1), "regression", 1),
    (LabConfig(hidden=(5,), epochs=3, optimizer="Adam", knobs={"beta1": 0.8, "amsgrad": True, "eps": 1e-6},
                 init="xavier"), "classification", 2),
    (LabConfig(hidden=(5,), epochs=3, optimizer="AdaGrad", knobs={"lr_decay": 0.01}), "regression", 1),
])
def test_generated_code_runs_and_builds_the_same_model(config, task, outputs, capsys):
    uses_features = config.features != ("x1", "x2")
    inputs = len(config.features)
    namespace = run_script(pytorch_code(config, inputs, outputs, task, uses_features))
    assert "final validation loss" in capsys.readouterr().out
    ours = build_mlp(config.network(inputs, outputs), seed=config.seed)
    theirs = namespace["model"]
    assert [(name, p.shape) for name, p in ours.state_dict().items()] == \
        [(name, p.shape) for name, p in theirs.state_dict().items()]
    theirs.load_state_dict(ours.state_dict())  # strict: same modules in the same order


def test_generated_code_uses_torch_optim_and_the_chosen_regularizers():
    code = pytorch_code(EVERYTHING, 4, 3, "classification", uses_features=True)
    assert "torch.optim.SGD(" in code and "momentum=0.8" in code and "nesterov=True" in code
    assert "nn.GELU()" in code and "nn.BatchNorm1d(8)" in code and "nn.Dropout(0.2)" in code
    assert "0.001 * sum(w.pow(2).sum()" in code  # L2
    assert "clamp_min(0.0)" in code  # L1 proximal step
    assert "if epoch < 1:" in code and "wait >= 1" in code and "load_state_dict(best_state)" in code
    assert "torch.sin(x1)" in code and "x1 * x2" in code
    plain = pytorch_code(LabConfig(hidden=(4,), epochs=2), 2, 2, "classification")
    assert "clamp_min" not in plain and "pow(2)" not in plain and "best_state = copy" not in plain
    adam = pytorch_code(LabConfig(optimizer="Adam", weight_decay=0.1), 2, 2, "classification")
    assert "decoupled_weight_decay=True" in adam


def test_generated_code_folds_a_lone_last_example_as_the_lab_does(capsys):
    # 150 training rows in batches of 149 leave one: batchnorm cannot train on a batch of one
    config = LabConfig(hidden=(8,), epochs=2, batch_size=149, batchnorm=True)
    run_script(pytorch_code(config, 2, 2, "classification"))
    assert "final validation loss" in capsys.readouterr().out


def test_generated_code_standardizes_csv_features_as_the_lab_did():
    config = LabConfig(hidden=(4,), epochs=1)
    namespace = {"__name__": "generated"}  # define, do not train
    exec(compile(pytorch_code(config, 3, 2, "classification", standardize=True), "generated_lab.py", "exec"),  # noqa: S102
         namespace)
    seen = []
    namespace["model"].register_forward_pre_hook(lambda _module, args: seen.append(args[0]))
    X = 50.0 + 10.0 * torch.randn(40, 3)  # raw columns, far from zero mean and unit variance
    y = torch.randint(0, 2, (40,))
    namespace["train"](X[:30], y[:30], X[30:], y[30:])
    first = seen[0]  # the full training batch of the first step
    assert torch.allclose(first.mean(0), torch.zeros(3), atol=1e-5)
    assert torch.allclose(first.std(0, correction=0), torch.ones(3), atol=1e-5)
    assert "standardized" not in pytorch_code(config, 3, 2, "classification")


def test_generated_early_stopping_stops_at_once_on_a_nan_validation_loss(capsys):
    config = LabConfig(hidden=(4,), epochs=50, early_stopping=True, patience=20, start_from_epoch=5)
    namespace = {"__name__": "generated"}
    exec(compile(pytorch_code(config, 2, 2, "classification"), "generated_lab.py", "exec"), namespace)  # noqa: S102
    X, y = torch.randn(20, 2), torch.randint(0, 2, (20,))
    X_val = X[15:].clone()
    X_val[0, 0] = math.nan
    namespace["train"](X[:15], y[:15], X_val, y[15:])
    out = capsys.readouterr().out
    assert "diverged at epoch 1" in out and "early stopping" not in out


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


@pytest.mark.parametrize("kind", SCHEDULES)
def test_generated_schedule_matches_ours_every_epoch(kind):
    config = LabConfig(hidden=(4,), epochs=30, schedule=kind)
    namespace = {"__name__": "generated"}  # define, do not train
    exec(compile(pytorch_code(config, 2, 2, "classification"), "generated_lab.py", "exec"), namespace)  # noqa: S102
    ours = Schedule(kind).factors(30)
    if kind == "constant":
        assert "scheduler" not in namespace
    else:
        assert [namespace["lr_factor"](epoch) for epoch in range(30)] == pytest.approx(list(ours), abs=1e-12)
    run = train(make_toy("moons", 20, 0.1, 0.5), config)
    assert run.history["lr"][1:] == pytest.approx(list(config.lr * ours), abs=1e-12)  # the lr each epoch used
