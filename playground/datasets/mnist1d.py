"""MNIST-1D (Greydanus & Kobak 2020, "Scaling Down Deep Learning with MNIST-1D", arXiv:2011.14439):
ten 1-D digit templates, padded, scaled, translated, sheared and noised into signals of 40 values.

The set is built here, procedurally, by the ``mnist1d`` package's own generator
(``mnist1d.data.make_dataset``) from its default arguments (5,000 signals, seed 42, split
4,000 / 1,000): nothing is downloaded and no file is read, so it trains on any machine, offline.
The package's ``get_dataset`` is never called: it downloads and unpickles a file.

The "shuffled" variant is the package's ``shuffle_seq``: one fixed permutation of the 40
positions, the same for every training and test signal, which takes away the neighbourhood a
convolution relies on and leaves a fully connected layer nothing less to see.

``make_dataset`` seeds and draws from numpy's and Python's global random generators; it runs
under a lock with both generators' states put back afterwards, so generating the set changes no
other code's random draws. Each variant is generated once per process and kept: about a second
each on a 2-core machine, after the package's first import (another second: it imports matplotlib).
"""

from __future__ import annotations

import functools
import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

import numpy as np

LENGTH = 40  # values per signal: the package's final_seq_length
VARIANTS = {"mnist1d": False, "mnist1d_shuffled": True}  # dataset name: positions shuffled

_generating = threading.Lock()


class Signals(NamedTuple):
    """Train and test signals (N, 40) float32, standardised over the whole set, and int64 labels."""

    x: np.ndarray
    y: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


@functools.cache
def generate(shuffled: bool = False) -> Signals:
    """The standard split (4,000 training and 1,000 test signals), positions permuted when ``shuffled``."""
    # imports matplotlib: only when asked for; the package ships no type hints
    from mnist1d.data import get_dataset_args, make_dataset  # type: ignore[import-untyped]

    args = get_dataset_args()
    args.shuffle_seq = shuffled
    with _generating, _global_random_state_kept():
        data = make_dataset(args)
    return Signals(data["x"].astype(np.float32), data["y"].astype(np.int64),
                   data["x_test"].astype(np.float32), data["y_test"].astype(np.int64))


@contextmanager
def _global_random_state_kept() -> Iterator[None]:
    numpy_state, python_state = np.random.get_state(), random.getstate()
    try:
        yield
    finally:
        np.random.set_state(numpy_state)
        random.setstate(python_state)
