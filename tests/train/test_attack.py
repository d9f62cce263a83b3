"""FGSM against a finished run: the rebuilt model is the run's own (its test accuracy at ε = 0), the
examples attacked are capped for slow models, and the examples shown move by exactly each ε."""

from dataclasses import replace

import pytest
import torch

from playground.datasets import load
from playground.train import RunConfig, train
from playground.train.attack import EXAMPLES_BY_MODEL, SHOWN, attack


@pytest.fixture(scope="module")
def run():
    return train(RunConfig(dataset="digits", model="linear", lr=0.01, epochs=3, device="cpu", seed=0))


def test_the_rebuilt_model_scores_the_runs_own_test_accuracy_and_falls_under_attack(run):
    found = attack(run, load("digits"))
    assert found.examples == 359  # every digits test image: fewer than 500
    assert found.curve.accuracy[0] == pytest.approx(run.test_accuracy) and run.test_accuracy > 0.8
    assert found.curve.accuracy[-1] < found.curve.accuracy[0] / 2  # 32/255 of every pixel


def test_shown_examples_are_right_unperturbed_and_move_by_each_epsilon_within_0_to_255(run):
    found = attack(run, load("digits"))
    assert len(found.indices) == SHOWN and torch.equal(found.predictions[0], found.labels)
    for epsilon, perturbed in zip(found.plan.epsilons, found.perturbed, strict=True):
        moved = (perturbed - found.perturbed[0]).abs()
        assert moved.max().item() == pytest.approx(epsilon)
        assert perturbed.min() >= 0 and perturbed.max() <= 255


def test_a_slow_model_is_attacked_on_fewer_examples():
    data = load("digits")
    stand_in = replace(data, name="cifar10", train_x=data.train_x[:64].repeat(1, 3, 4, 4),
                       train_y=data.train_y[:64], test_x=data.test_x.repeat(1, 3, 4, 4))  # 32×32 RGB
    config = RunConfig(dataset="cifar10", model="fast", epochs=1, batch_size=32, device="cpu",
                       max_test=40)
    found = attack(train(config, data=stand_in), stand_in)
    assert found.examples == EXAMPLES_BY_MODEL[("fast", "cifar10")] == 16 and len(found.curve.accuracy) == 6
