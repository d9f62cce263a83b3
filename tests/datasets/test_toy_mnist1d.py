"""MNIST-1D as one of the lab's sets: seeded subsamples of the generated signals, 40 values and ten
classes each, split like every toy set, with the lab's noise added on top."""

from __future__ import annotations

import numpy as np
import pytest

from playground.datasets.mnist1d import generate
from playground.datasets.toy import MNIST1D_SIZE, TOY_SETS, make_toy


@pytest.fixture(scope="module")
def signals() -> tuple[np.ndarray, np.ndarray]:
    """Every generated signal (training and test pooled) and its label."""
    made = generate()
    return np.concatenate((made.x, made.x_test)), np.concatenate((made.y, made.y_test))


def test_mnist1d_is_offered_beside_the_other_sets():
    assert "mnist1d" in TOY_SETS and TOY_SETS.index("mnist1d") == TOY_SETS.index("digits") + 1


def test_n_signals_of_40_values_are_split_by_the_validation_fraction():
    data = make_toy("mnist1d", 500, 0.2, 0.3, seed=1)
    assert data.X_train.shape == (350, 40) and data.X_val.shape == (150, 40)
    assert data.X_train.dtype == np.float32 and data.y_train.dtype == np.int64
    assert data.task == "classification" and data.outputs == 10
    assert data.feature_names == tuple(f"x_{t}" for t in range(40))


def test_the_ten_classes_are_the_digits_and_each_is_drawn():
    data = make_toy("mnist1d", 400, 0.0, 0.5, seed=0)
    assert data.class_names == tuple("0123456789") and data.n_classes == 10
    assert set(np.concatenate((data.y_train, data.y_val))) == set(range(10))


def test_without_noise_every_example_is_a_generated_signal_with_its_label(signals):
    x, y = signals
    data = make_toy("mnist1d", 200, 0.0, 0.5, seed=4)
    for X, labels in ((data.X_train, data.y_train), (data.X_val, data.y_val)):
        rows = [int(np.flatnonzero((x == signal).all(axis=1))[0]) for signal in X]
        assert np.array_equal(y[rows], labels)


def test_a_seed_gives_the_same_data_and_another_seed_other_signals():
    a, b = make_toy("mnist1d", 120, 0.3, 0.5, seed=7), make_toy("mnist1d", 120, 0.3, 0.5, seed=7)
    assert np.array_equal(a.X_train, b.X_train) and np.array_equal(a.y_val, b.y_val)
    assert not np.array_equal(a.X_train, make_toy("mnist1d", 120, 0.3, 0.5, seed=8).X_train)


def test_noise_is_gaussian_added_to_every_value_in_units_of_the_signals_spread(signals):
    clean, noisy = make_toy("mnist1d", 1000, 0.0, 0.5, seed=0), make_toy("mnist1d", 1000, 0.5, 0.5, seed=0)
    assert np.array_equal(clean.y_train, noisy.y_train)  # the same signals, in the same order
    added = noisy.X_train - clean.X_train
    assert (added != 0).all() and abs(added.mean()) < 0.02 and added.std() == pytest.approx(0.5, rel=0.03)
    assert signals[0].std() == pytest.approx(1.0, abs=0.05)  # standardized: noise 0.5 is half their spread


def test_asking_for_more_signals_than_exist_gives_all_of_them(signals):
    data = make_toy("mnist1d", 9000, 0.0, 0.2, seed=0)
    assert len(data.X_train) + len(data.X_val) == MNIST1D_SIZE == len(signals[1]) == 5000
