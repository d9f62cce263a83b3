"""Image classification sets as uint8 tensors: scikit-learn's digits, MNIST, Fashion-MNIST, CIFAR-10;
and MNIST-1D's signals (generated, see :mod:`playground.datasets.mnist1d`) as float32 one-row images.

No torchvision: MNIST-style sets are read from their four IDX files (gzipped or not) and
CIFAR-10 from its binary version (``cifar-10-batches-bin/*.bin``; the pickled python version is
never read). Every file is validated by structure before a byte of it is used: IDX magic
numbers (2049 labels, 2051 images), header counts that agree with each other and with the file
length, 28×28 MNIST-format images and at least one record in every file, CIFAR records of
exactly 3,073 bytes, labels in range. A bad file raises :class:`DamagedFileError` naming the file
and the fault (said by key, for a page to say in its language), never a half-read dataset.

Layout under the data root (``$PLAYGROUND_DATA``, else ``~/.cache/playground``)::

    mnist/train-images-idx3-ubyte.gz   (and train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
    fashion-mnist/...                   t10k-labels-idx1-ubyte; each .gz or not)
    cifar10/cifar-10-batches-bin/data_batch_1.bin ... data_batch_5.bin, test_batch.bin, batches.meta.txt
"""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch

from playground.datasets.mnist1d import LENGTH as MNIST1D_LENGTH
from playground.datasets.mnist1d import VARIANTS as MNIST1D_VARIANTS
from playground.datasets.mnist1d import generate
from playground.i18n import SaidError

if TYPE_CHECKING:  # download imports this module; the type is only needed for the hints
    from playground.datasets.download import Progress

IDX_LABELS, IDX_IMAGES = 2049, 2051
IDX_SIZE = (28, 28)  # MNIST and Fashion-MNIST: every model and preset assumes this shape
CIFAR_RECORD = 1 + 3 * 32 * 32
CIFAR_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
FASHION_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
                   "Bag", "Ankle boot")
DIGIT_CLASSES = tuple(str(d) for d in range(10))


class DatasetError(ValueError):
    """A dataset file is missing, truncated, mislabelled or not the format its name says."""


class DamagedFileError(SaidError, DatasetError):
    """A dataset file that is there but unreadable: ``.said`` names the file and the fault."""


class MissingDataset(DatasetError):
    """The files of a dataset are not on disk; ``paths`` are exactly where they belong."""

    def __init__(self, message: str, paths: list[Path]) -> None:
        super().__init__(message)
        self.paths = paths


@dataclass(frozen=True)
class ImageSet:
    """Train and test images (N, C, H, W) uint8 with int64 labels, and the class names. MNIST-1D's
    signals are float32 images of one channel and one row, (N, 1, 1, 40)."""

    name: str
    train_x: torch.Tensor
    train_y: torch.Tensor
    test_x: torch.Tensor
    test_y: torch.Tensor
    classes: tuple[str, ...]

    @property
    def shape(self) -> tuple[int, int, int]:
        _, channels, height, width = self.train_x.shape
        return channels, height, width

    def subset(self, train: int | None = None, test: int | None = None) -> ImageSet:
        """The first ``train`` / ``test`` examples (None keeps all): hosted caps and quick runs."""
        return replace(self, train_x=self.train_x[:train], train_y=self.train_y[:train],
                       test_x=self.test_x[:test], test_y=self.test_y[:test])


@dataclass(frozen=True)
class Spec:
    title: str
    folder: str
    files: tuple[str, ...]
    classes: tuple[str, ...]
    shape: tuple[int, int, int]  # (C, H, W) of every example

    @property
    def signals(self) -> bool:
        """1-D signals (examples of one row), not images."""
        return self.shape[1] == 1


_IDX_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
              "t10k-labels-idx1-ubyte")
_CIFAR_FILES = tuple(f"cifar-10-batches-bin/{name}" for name in (
    *(f"data_batch_{i}.bin" for i in range(1, 6)), "test_batch.bin", "batches.meta.txt"))

DATASETS: dict[str, Spec] = {
    "mnist1d": Spec("MNIST-1D (1-D digit signals of 40 values, generated, always available)", "", (),
                    DIGIT_CLASSES, (1, 1, MNIST1D_LENGTH)),
    "mnist1d_shuffled": Spec("MNIST-1D, the 40 positions shuffled (one fixed permutation)", "", (),
                             DIGIT_CLASSES, (1, 1, MNIST1D_LENGTH)),
    "digits": Spec("Digits (8×8, scikit-learn, always available)", "", (), DIGIT_CLASSES, (1, 8, 8)),
    "mnist": Spec("MNIST (28×28 handwritten digits)", "mnist", _IDX_FILES, DIGIT_CLASSES, (1, *IDX_SIZE)),
    "fashion-mnist": Spec("Fashion-MNIST (28×28 clothing)", "fashion-mnist", _IDX_FILES, FASHION_CLASSES,
                          (1, *IDX_SIZE)),
    "cifar10": Spec("CIFAR-10 (32×32 colour photos)", "cifar10", _CIFAR_FILES, CIFAR_CLASSES, (3, 32, 32)),
}


def data_root(root: str | os.PathLike | None = None) -> Path:
    """Where dataset folders live: ``root``, else $PLAYGROUND_DATA, else ~/.cache/playground."""
    if root is not None:
        return Path(root).expanduser()
    return Path(os.environ.get("PLAYGROUND_DATA") or Path.home() / ".cache" / "playground").expanduser()


def dataset_folder(name: str, root: str | os.PathLike | None = None) -> Path:
    return data_root(root) / _spec(name).folder


def missing_files(name: str, root: str | os.PathLike | None = None) -> list[Path]:
    """The files of ``name`` not on disk (an IDX file counts as present gzipped or not)."""
    folder = dataset_folder(name, root)
    return [folder / file for file in _spec(name).files if _existing(folder / file) is None]


def load(name: str, root: str | os.PathLike | None = None, download: bool = False,
         progress: Callable[[Progress], None] | None = None) -> ImageSet:
    """Train/test tensors and class names of ``name``; with ``download`` fetch missing files first
    (``progress`` receives :class:`playground.datasets.download.Progress`)."""
    spec = _spec(name)
    if name == "digits":
        return load_digits()
    if name in MNIST1D_VARIANTS:
        return load_mnist1d(name)
    folder = dataset_folder(name, root)
    if missing_files(name, root) and download:
        from playground.datasets.download import fetch

        fetch(name, folder, progress=progress)
    missing = missing_files(name, root)
    if missing:
        listing = "\n".join(f"  {path}" for path in missing)
        raise MissingDataset(
            f"{spec.title} is not on this machine. Missing files:\n{listing}\n"
            f"Download them (the Download button, or `python -m playground.train --dataset {name} "
            f"--download`), or copy them to exactly these paths (IDX files may stay .gz). "
            f"Set PLAYGROUND_DATA to use another folder than {data_root(root)}.", missing)
    if name == "cifar10":
        return _load_cifar(folder)
    train_images, train_labels, test_images, test_labels = (_existing(folder / f) for f in _IDX_FILES)
    assert train_images and train_labels and test_images and test_labels, "none is missing, as just checked"
    train_x, train_y = read_idx_pair(train_images, train_labels, len(spec.classes))
    test_x, test_y = read_idx_pair(test_images, test_labels, len(spec.classes))
    return ImageSet(name, train_x, train_y, test_x, test_y, spec.classes)


def load_digits(test_fraction: float = 0.2, seed: int = 0) -> ImageSet:
    """scikit-learn's bundled 8×8 digits (values 0-16, scaled to 0-255), split by a fixed permutation."""
    from sklearn.datasets import load_digits as sklearn_digits

    bunch = sklearn_digits()
    images = np.round(bunch.images * (255 / 16)).astype(np.uint8)[:, None]
    order = np.random.default_rng(seed).permutation(len(images))
    n_test = int(len(images) * test_fraction)
    x, y = torch.from_numpy(images[order]), torch.from_numpy(bunch.target[order]).long()
    return ImageSet("digits", x[n_test:], y[n_test:], x[:n_test], y[:n_test], DIGIT_CLASSES)


def load_mnist1d(name: str = "mnist1d") -> ImageSet:
    """MNIST-1D (``mnist1d``) or its shuffled variant (``mnist1d_shuffled``) as (N, 1, 1, 40) float32
    signals: generated once per process, never downloaded."""
    signals = generate(shuffled=MNIST1D_VARIANTS[name])
    x, x_test = (torch.from_numpy(values)[:, None, None] for values in (signals.x, signals.x_test))
    return ImageSet(name, x, torch.from_numpy(signals.y), x_test, torch.from_numpy(signals.y_test),
                    DIGIT_CLASSES)


def read_idx(path: str | os.PathLike, magic: int) -> np.ndarray:
    """The uint8 array of one IDX file (gzipped or not), after checking its header against its length."""
    path = Path(path)
    data = _read_bytes(path)
    if len(data) < 4:
        raise DamagedFileError("runs.messages.idx_short", path=path, size=len(data))
    found = int.from_bytes(data[:4], "big")
    if found != magic:
        raise (DamagedFileError("runs.messages.idx_magic_labels", path=path, found=found, magic=magic)
               if magic == IDX_LABELS else
               DamagedFileError("runs.messages.idx_magic_images", path=path, found=found, magic=magic))
    ndim = data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DamagedFileError("runs.messages.idx_header", path=path, size=len(data))
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    expected = header + int(np.prod(dims))
    if len(data) != expected:
        sizes = dict(path=path, dims=" × ".join(map(str, dims)), expected=expected, size=len(data))
        raise (DamagedFileError("runs.messages.idx_truncated", **sizes) if len(data) < expected else
               DamagedFileError("runs.messages.idx_trailing", **sizes))
    return np.frombuffer(data, np.uint8, offset=header).reshape(dims)


def read_idx_pair(images_path: Path, labels_path: Path, classes: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Images (N, 1, 28, 28) and labels (N,) from two IDX files, N ≥ 1 (the magic numbers have
    already fixed images as 3-D and labels as 1-D)."""
    images, labels = read_idx(images_path, IDX_IMAGES), read_idx(labels_path, IDX_LABELS)
    height, width = images.shape[1:]
    if (height, width) != IDX_SIZE:
        raise DamagedFileError("runs.messages.idx_size", path=images_path, height=height, width=width,
                               expected="×".join(map(str, IDX_SIZE)))
    if len(images) == 0:
        raise DamagedFileError("runs.messages.idx_empty", path=images_path)
    if len(images) != len(labels):
        raise DamagedFileError("runs.messages.idx_count", images_file=images_path, images=len(images),
                               labels_file=labels_path, labels=len(labels))
    _check_labels(labels_path, labels, classes)
    return torch.from_numpy(images.copy())[:, None], torch.from_numpy(labels.astype(np.int64))


def read_cifar_batch(path: str | os.PathLike) -> tuple[torch.Tensor, torch.Tensor]:
    """Images (N, 3, 32, 32) and labels (N,) from one CIFAR-10 binary batch: records of a label
    byte then 1,024 red, 1,024 green and 1,024 blue bytes."""
    path = Path(path)
    data = _read_bytes(path)
    if not data:
        raise DamagedFileError("runs.messages.cifar_empty", path=path)
    if len(data) % CIFAR_RECORD:
        raise DamagedFileError("runs.messages.cifar_records", path=path, size=len(data), record=CIFAR_RECORD)
    records = np.frombuffer(data, np.uint8).reshape(-1, CIFAR_RECORD)
    _check_labels(path, records[:, 0], len(CIFAR_CLASSES))
    images = torch.from_numpy(records[:, 1:].reshape(-1, 3, 32, 32).copy())
    return images, torch.from_numpy(records[:, 0].astype(np.int64))


def read_class_names(path: Path, count: int) -> tuple[str, ...]:
    names = tuple(line.strip() for line in _read_bytes(path).decode("utf-8", "replace").splitlines()
                  if line.strip())
    if len(names) != count:
        raise DamagedFileError("runs.messages.class_names", path=path, count=count, found=len(names))
    return names


def _load_cifar(folder: Path) -> ImageSet:
    batches = folder / "cifar-10-batches-bin"
    train = [read_cifar_batch(batches / f"data_batch_{i}.bin") for i in range(1, 6)]
    test_x, test_y = read_cifar_batch(batches / "test_batch.bin")
    classes = read_class_names(batches / "batches.meta.txt", len(CIFAR_CLASSES))
    return ImageSet("cifar10", torch.cat([x for x, _ in train]), torch.cat([y for _, y in train]),
                    test_x, test_y, classes)


def _check_labels(path: Path, labels: np.ndarray, classes: int) -> None:
    if len(labels) and int(labels.max()) >= classes:
        bad = int(np.argmax(labels >= classes))
        raise DamagedFileError("runs.messages.label_range", path=path, label=int(labels[bad]), record=bad,
                               last=classes - 1)


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, un-gzipped when it starts with the gzip magic (whatever its name)."""
    try:
        raw = path.read_bytes()
        return gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        raise DamagedFileError("runs.messages.gzip", path=path, reason=str(error)) from error
    except OSError as error:
        reason = error.strerror or str(error)
        raise DamagedFileError("runs.messages.unreadable", path=path, reason=reason) from error


def _existing(path: Path) -> Path | None:
    """``path`` or ``path.gz``, whichever exists."""
    for candidate in (path, path.with_name(path.name + ".gz")):
        if candidate.is_file():
            return candidate
    return None


def _spec(name: str) -> Spec:
    if name not in DATASETS:
        raise DatasetError(f"unknown dataset {name!r}; choose from {', '.join(DATASETS)}")
    return DATASETS[name]
