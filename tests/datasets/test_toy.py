"""The toy datasets: sizes, splits, seeds, labels, and the bundled digits."""

from __future__ import annotations

import numpy as np
import pytest

from playground.datasets.toy import CLASSIFICATION_2D, DIGITS_SIZE, REGRESSION_2D, make_toy


@pytest.mark.parametrize("name", CLASSIFICATION_2D + REGRESSION_2D)
def test_every_2d_set_splits_its_points_with_the_right_types(name):
    data = make_toy(name, n=100, noise=0.1, val_fraction=0.3, seed=1)
    assert data.X_train.shape == (70, 2) and data.X_val.shape == (30, 2)
    assert data.X_train.dtype == np.float32 and data.feature_names == ("x1", "x2")
    assert np.abs(np.concatenate([data.X_train, data.X_val])).max() < 3
    if name in REGRESSION_2D:
        assert data.task == "regression" and data.y_train.dtype == np.float32 and data.outputs == 1
    else:
        labels = np.concatenate([data.y_train, data.y_val])
        assert data.task == "classification" and labels.dtype == np.int64
        assert set(labels) == set(range(data.n_classes))  # every class present
        assert data.n_classes == (3 if name == "blobs" else 2)


def test_seed_reproduces_the_data_and_noise_moves_the_points():
    a, b = make_toy("moons", 50, 0.2, 0.5, seed=3), make_toy("moons", 50, 0.2, 0.5, seed=3)
    assert np.array_equal(a.X_train, b.X_train) and np.array_equal(a.y_val, b.y_val)
    assert not np.array_equal(a.X_train, make_toy("moons", 50, 0.2, 0.5, seed=4).X_train)
    clean, noisy = make_toy("circles", 400, 0.0, 0.5, seed=0), make_toy("circles", 400, 0.3, 0.5, seed=0)
    radii = np.linalg.norm(clean.X_train, axis=1)
    assert np.allclose(np.sort(np.unique(radii.round(6))), [0.5, 1.2])
    assert np.unique(np.linalg.norm(noisy.X_train, axis=1).round(6)).size > 100


def test_xor_labels_follow_the_quadrants_without_noise():
    data = make_toy("xor", 200, 0.0, 0.5, seed=0)
    assert np.array_equal(data.y_train, (data.X_train[:, 0] * data.X_train[:, 1] > 0).astype(np.int64))


def test_plane_is_linear_without_noise():
    data = make_toy("plane", 50, 0.0, 0.5, seed=0)
    assert np.allclose(data.y_train, 0.5 * data.X_train[:, 0] - 0.8 * data.X_train[:, 1], atol=1e-6)


def test_digits_are_the_bundled_8x8_images_with_ten_classes():
    data = make_toy("digits", 1797, 0.0, 0.2, seed=0)
    assert data.X_train.shape[1] == 64 and len(data.X_train) + len(data.X_val) == 1797
    assert data.class_names == tuple("0123456789") and data.n_classes == 10
    assert 0.0 <= data.X_train.min() and data.X_train.max() <= 1.0
    assert len(make_toy("digits", 300, 0.0, 0.5, seed=0).y_train) == 150


def test_split_always_leaves_two_rows_to_train_on():
    data = make_toy("moons", 4, 0.1, val_fraction=0.9, seed=0)  # 90% of 4 would leave one
    assert (len(data.X_train), len(data.X_val)) == (2, 2)


def test_asking_for_more_digits_than_exist_gives_all_of_them():
    data = make_toy("digits", 5000, 0.0, 0.5, seed=0)
    assert len(data.X_train) + len(data.X_val) == DIGITS_SIZE == 1797


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"name": "swiss roll"}, "unknown dataset"),
    ({"name": "moons", "n": 2}, "at least 4 points"),
    ({"name": "moons", "noise": -1}, "noise must be >= 0"),
    ({"name": "moons", "val_fraction": 1.0}, "validation fraction"),
])
def test_bad_settings_are_refused_with_clear_messages(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_toy(**kwargs)
