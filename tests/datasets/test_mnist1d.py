"""MNIST-1D generated offline: the standard 4,000/1,000 split of 40-value signals, exactly what the
``mnist1d`` package's generator makes, the same every time, without changing anyone else's random
draws; and the shuffled variant, one fixed permutation of the positions for every signal."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch
from mnist1d.data import get_dataset_args, make_dataset

from playground.datasets import load
from playground.datasets.mnist1d import generate


@pytest.fixture(scope="module")
def plain():
    return load("mnist1d")


@pytest.fixture(scope="module")
def shuffled():
    return load("mnist1d_shuffled")


def test_the_standard_split_is_4000_training_and_1000_test_signals_of_40_values(plain):
    assert plain.train_x.shape == (4000, 1, 1, 40) and plain.test_x.shape == (1000, 1, 1, 40)
    assert plain.train_y.shape == (4000,) and plain.test_y.shape == (1000,)
    assert plain.train_x.dtype == torch.float32 and plain.train_y.dtype == torch.int64
    assert plain.shape == (1, 1, 40) and plain.classes == tuple("0123456789")
    counts = torch.bincount(torch.cat([plain.train_y, plain.test_y]), minlength=10)
    assert counts.tolist() == [500] * 10  # 500 signals of each digit, shuffled before the split
    values = torch.cat([plain.train_x, plain.test_x])
    assert abs(values.mean().item()) < 1e-3 and values.std().item() == pytest.approx(1.0, abs=1e-3)


def test_the_signals_are_the_packages_own_default_dataset(plain):
    reference = make_dataset(get_dataset_args())  # the package's generator, called directly
    assert np.allclose(plain.train_x.flatten(1).numpy(), reference["x"], atol=1e-6)
    assert np.allclose(plain.test_x.flatten(1).numpy(), reference["x_test"], atol=1e-6)
    assert plain.train_y.tolist() == reference["y"].tolist()
    assert plain.test_y.tolist() == reference["y_test"].tolist()


def test_generating_again_gives_the_same_signals_and_leaves_the_global_generators_alone(plain):
    np.random.seed(7)
    random.seed(7)
    expected = np.random.rand(), random.random()
    np.random.seed(7)
    random.seed(7)
    again = generate.__wrapped__()  # past the per-process cache: a fresh generation
    assert (np.random.rand(), random.random()) == expected
    assert np.array_equal(again.x, plain.train_x.flatten(1).numpy())
    assert np.array_equal(again.y_test, plain.test_y.numpy())


def test_shuffling_permutes_the_positions_one_fixed_way_for_every_signal(plain, shuffled):
    x, x_shuffled = plain.train_x.flatten(1).numpy(), shuffled.train_x.flatten(1).numpy()
    # which original position each shuffled position holds, read off the 4,000 training signals
    order = np.array([next(i for i in range(40) if np.array_equal(x[:, i], x_shuffled[:, j]))
                      for j in range(40)])
    assert sorted(order) == list(range(40)) and (order != np.arange(40)).sum() > 30
    assert np.array_equal(shuffled.test_x.flatten(1).numpy(), plain.test_x.flatten(1).numpy()[:, order])
    assert np.array_equal(np.sort(x_shuffled, axis=1), np.sort(x, axis=1))  # each signal's values, moved
    assert torch.equal(shuffled.train_y, plain.train_y) and torch.equal(shuffled.test_y, plain.test_y)
