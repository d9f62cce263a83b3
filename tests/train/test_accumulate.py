"""Gradient accumulation: k micro-batches of b examples make the step one batch of k·b makes,
except under batch normalization, which normalizes each forward pass by its own b examples."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import torch

from playground.datasets import load
from playground.train import RunConfig, export, loop, train
from playground.train.__main__ import config_from, main, parser


@pytest.fixture(scope="module")
def digits():
    return load("digits")


def one_step(digits, accumulate: int, **settings) -> dict[str, torch.Tensor]:
    """The weights after one epoch on exactly 32 examples: one optimizer step, whose batch (or
    micro-batches, consecutive slices of the same seeded shuffle) covers all 32."""
    config = RunConfig(epochs=1, batch_size=32 // accumulate, accumulate=accumulate, max_train=32,
                       max_test=50, seed=5, device="cpu", **settings)
    result = train(config, data=digits)
    assert result.status == "finished" and result.steps[-1]["step"] == 1
    return result.state_dict


@pytest.mark.parametrize("optimizer, lr", [("SGD", 0.5), ("Adam", 0.01)])
def test_four_micro_batches_of_8_step_as_one_batch_of_32(digits, optimizer, lr):
    whole = one_step(digits, 1, optimizer=optimizer, lr=lr, l2=1e-3)
    accumulated = one_step(digits, 4, optimizer=optimizer, lr=lr, l2=1e-3)
    start = one_step(digits, 1, optimizer=optimizer, lr=1e-12)  # a step too small to move anything
    for name, weights in whole.items():
        assert not torch.allclose(weights, start[name], atol=1e-4)  # the step did move the weights
        assert torch.allclose(accumulated[name], weights, atol=1e-6), name


def test_batchnorm_sees_only_the_micro_batch_so_the_step_differs(digits):
    whole = one_step(digits, 1, optimizer="SGD", lr=0.5, batchnorm=True)
    accumulated = one_step(digits, 4, optimizer="SGD", lr=0.5, batchnorm=True)
    learned = [name for name in whole if name.endswith(("weight", "bias"))]  # not the running statistics
    assert len(learned) == 6  # two linear layers and one batchnorm
    gap = max((accumulated[name] - whole[name]).abs().max().item() for name in learned)
    assert gap > 1e-4


def test_steps_and_the_learning_rate_schedule_count_optimizer_steps(digits):
    # 80 examples in batches of 8 are 10 micro-batches an epoch: groups of 4, 4 and a ragged 2
    config = RunConfig(epochs=2, batch_size=8, accumulate=4, max_train=80, max_test=50, schedule="cosine",
                       lr=0.01, device="cpu")
    assert loop.total_steps(config, digits) == 6
    seen = []
    result = train(config, callback=seen.append, data=digits)
    assert {progress.total_steps for progress in seen} == {6}
    assert [step["step"] for step in result.steps] == [1, 2, 3, 4, 5, 6]
    factor = loop.lr_factor(config, 6)
    assert [step["lr"] for step in result.steps] == pytest.approx([0.01 * factor(t) for t in range(1, 7)])
    assert loop.total_steps(replace(config, accumulate=1), digits) == 20
    assert json.loads(export.metrics_json(result))["config"]["accumulate"] == 4  # the run's record says so


@pytest.mark.parametrize("accumulate", [0, 2.5, True])
def test_accumulation_must_be_a_whole_number_of_batches(digits, accumulate):
    with pytest.raises(ValueError, match="whole number of batches per step, at least 1"):
        train(RunConfig(accumulate=accumulate), data=digits)


def test_the_command_line_accumulates_and_refuses_zero_batches(capsys):
    assert config_from(parser().parse_args(["--accumulate", "4", "--batch-size", "8"])).accumulate == 4
    assert main(["--accumulate", "0"]) == 2
    assert "whole number of batches per step, at least 1, not 0" in capsys.readouterr().err
