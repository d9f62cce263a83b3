"""Small 2-D datasets in the spirit of TensorFlow Playground, plus scikit-learn's 8x8 digits and
MNIST-1D's 40-value signals.

Every set comes back as a :class:`SplitData`: a seeded train/validation split of float32
features and labels (int64 class indices, or float32 targets for regression). The 2-D sets
live roughly in [-1.5, 1.5]^2; ``noise`` is the standard deviation of Gaussian jitter added
to the points (classification) or to the targets (regression).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from playground.datasets.mnist1d import LENGTH, generate

CLASSIFICATION_2D = ("moons", "circles", "blobs", "xor", "spirals", "gaussians")
REGRESSION_2D = ("sine", "plane")
TOY_SETS = (*CLASSIFICATION_2D, *REGRESSION_2D, "digits", "mnist1d")
DIGITS_SIZE = 1797  # images in scikit-learn's bundled digits
MNIST1D_SIZE = 5000  # MNIST-1D's standard set: 4,000 training and 1,000 test signals, pooled here
MIN_ROWS = 3  # two to train on (batch normalization needs two for batch statistics), one to validate


@dataclass(frozen=True)
class SplitData:
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    task: str  # "classification" or "regression"
    class_names: tuple[str, ...]
    feature_names: tuple[str, ...]

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    @property
    def outputs(self) -> int:
        """Units of the network's output layer: one logit per class, or one value."""
        return self.n_classes if self.task == "classification" else 1


def split(X: np.ndarray, y: np.ndarray, task: str, class_names: tuple[str, ...],
          feature_names: tuple[str, ...], val_fraction: float, seed: int) -> SplitData:
    """Shuffle with ``seed`` and hold out ``val_fraction`` of the rows (at least one, leaving at
    least two to train on)."""
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"the validation fraction must be between 0 and 1, got {val_fraction}")
    if len(X) < MIN_ROWS:
        raise ValueError(f"need at least {MIN_ROWS} rows to split into training and validation")
    order = np.random.default_rng(seed).permutation(len(X))
    n_val = min(max(1, round(val_fraction * len(X))), len(X) - 2)
    val, train = order[:n_val], order[n_val:]
    y = y.astype(np.int64 if task == "classification" else np.float32)
    X = X.astype(np.float32)
    return SplitData(X[train], y[train], X[val], y[val], task, class_names, feature_names)


def _moons(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    y = rng.integers(0, 2, n)
    t = rng.uniform(0, np.pi, n)
    X = np.where(y[:, None] == 0, np.column_stack((np.cos(t), np.sin(t))),
                 np.column_stack((1 - np.cos(t), 0.5 - np.sin(t))))
    return (X - [0.5, 0.25]) * 1.2, y


def _circles(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    y = rng.integers(0, 2, n)
    t = rng.uniform(0, 2 * np.pi, n)
    radius = np.where(y == 0, 1.2, 0.5)
    return np.c_[np.cos(t), np.sin(t)] * radius[:, None], y


def _blobs(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    y = rng.integers(0, 3, n)
    centres = np.array([[-0.8, -0.6], [0.8, -0.6], [0.0, 0.8]])
    return centres[y] + rng.normal(0, 0.25, (n, 2)), y


def _xor(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    X = rng.uniform(-1.2, 1.2, (n, 2))
    return X, (X[:, 0] * X[:, 1] > 0).astype(np.int64)


def _spirals(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    y = rng.integers(0, 2, n)
    t = rng.uniform(0.25, 1.0, n)  # fraction of the way along the spiral, away from the tangle at 0
    angle = 3 * np.pi * t + np.pi * y
    return 1.4 * t[:, None] * np.c_[np.cos(angle), np.sin(angle)], y


def _gaussians(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    y = rng.integers(0, 2, n)
    centres = np.array([[-0.6, -0.6], [0.6, 0.6]])
    return centres[y] + rng.normal(0, 0.35, (n, 2)), y


def _sine(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    X = rng.uniform(-1.5, 1.5, (n, 2))
    return X, np.sin(2.0 * (X[:, 0] + X[:, 1]))  # a ridge: constant along x1 = -x2


def _plane(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    X = rng.uniform(-1.5, 1.5, (n, 2))
    return X, 0.5 * X[:, 0] - 0.8 * X[:, 1]


GENERATORS: dict[str, Callable[[int, np.random.Generator], tuple[np.ndarray, np.ndarray]]] = {
    "moons": _moons, "circles": _circles, "blobs": _blobs, "xor": _xor, "spirals": _spirals,
    "gaussians": _gaussians, "sine": _sine, "plane": _plane,
}


def make_toy(name: str, n: int = 200, noise: float = 0.2, val_fraction: float = 0.5,
             seed: int = 0) -> SplitData:
    """``n`` points of the named set with jitter ``noise``, split with ``seed``.

    ``digits`` is scikit-learn's bundled 8x8 digits (:data:`DIGITS_SIZE` images, 64 pixel
    features scaled to [0, 1], 10 classes; no download): ``n`` takes a seeded subsample (all
    of them when ``n`` is larger) and ``noise`` is added to the pixels.

    ``mnist1d`` is MNIST-1D (:mod:`playground.datasets.mnist1d`, generated offline): the standard
    :data:`MNIST1D_SIZE` signals of 40 values, 10 classes, pooled and split afresh like the other
    sets; ``n`` takes a seeded subsample (all of them when ``n`` is larger) and ``noise`` is the
    standard deviation of Gaussian noise added to every value, on top of the noise the generator
    already puts in (the signals are standardized, so ``noise`` is in units of their spread).
    """
    if name not in TOY_SETS:
        raise ValueError(f"unknown dataset {name!r}; choose from {', '.join(TOY_SETS)}")
    if n < 4:
        raise ValueError(f"need at least 4 points, got {n}")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    rng = np.random.default_rng(seed)
    if name == "digits":
        return _digits(n, noise, val_fraction, seed, rng)
    if name == "mnist1d":
        return _mnist1d(n, noise, val_fraction, seed, rng)
    X, y = GENERATORS[name](n, rng)
    if name in REGRESSION_2D:
        y = y + rng.normal(0, noise, n)
        return split(X, y, "regression", (), ("x1", "x2"), val_fraction, seed)
    X = X + rng.normal(0, noise, X.shape)
    classes = tuple(f"class {k}" for k in range(int(y.max()) + 1))
    return split(X, y, "classification", classes, ("x1", "x2"), val_fraction, seed)


def _digits(n: int, noise: float, val_fraction: float, seed: int, rng: np.random.Generator) -> SplitData:
    from sklearn.datasets import load_digits  # bundled with scikit-learn; imported only when asked for

    digits = load_digits()
    rows = rng.permutation(len(digits.target))[:n]
    X = digits.data[rows] / 16.0 + rng.normal(0, noise, (len(rows), 64))
    names = tuple(f"pixel_{r}_{c}" for r in range(8) for c in range(8))
    return split(X, digits.target[rows], "classification", tuple(str(d) for d in range(10)), names,
                 val_fraction, seed)


def _mnist1d(n: int, noise: float, val_fraction: float, seed: int, rng: np.random.Generator) -> SplitData:
    signals = generate()  # generated once per process, the same 5,000 signals on every machine
    X_all, y_all = np.concatenate((signals.x, signals.x_test)), np.concatenate((signals.y, signals.y_test))
    rows = rng.permutation(len(y_all))[:n]
    X = X_all[rows] + rng.normal(0, noise, (len(rows), LENGTH))
    names = tuple(f"x_{t}" for t in range(LENGTH))
    return split(X, y_all[rows], "classification", tuple(str(d) for d in range(10)), names,
                 val_fraction, seed)
