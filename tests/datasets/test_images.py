"""Image-set loaders on generated files in the real formats, and on corrupted copies of them."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
import torch

from playground.datasets import DatasetError, MissingDataset, load
from playground.datasets.images import data_root, missing_files, read_cifar_batch, read_idx
from tests.train.fakes import cifar_bytes, idx_bytes, write, write_cifar, write_mnist


@pytest.mark.parametrize("gz", [True, False])
def test_mnist_format_round_trips_gzipped_or_plain(tmp_path, gz):
    write_mnist(tmp_path / "mnist", train=30, test=12, gz=gz)
    data = load("mnist", root=tmp_path)
    assert data.train_x.shape == (30, 1, 28, 28) and data.train_x.dtype == torch.uint8
    assert data.test_y.shape == (12,) and data.test_y.dtype == torch.int64
    assert data.classes == tuple("0123456789")
    raw = (tmp_path / "mnist" / ("train-labels-idx1-ubyte" + (".gz" if gz else ""))).read_bytes()
    assert data.train_y.tolist() == list(gzip.decompress(raw) if gz else raw)[8:]


def test_fashion_mnist_has_its_class_names(tmp_path):
    write_mnist(tmp_path / "fashion-mnist", train=10, test=10)
    data = load("fashion-mnist", root=tmp_path)
    assert data.classes[0] == "T-shirt/top" and data.classes[-1] == "Ankle boot"


def test_cifar_binary_records_decode_to_channels_first_images(tmp_path):
    write_cifar(tmp_path / "cifar10", per_batch=7)
    data = load("cifar10", root=tmp_path)
    assert data.train_x.shape == (35, 3, 32, 32) and data.test_x.shape == (7, 3, 32, 32)
    assert data.classes[1] == "automobile"
    record = (tmp_path / "cifar10" / "cifar-10-batches-bin" / "test_batch.bin").read_bytes()[:3073]
    assert data.test_y[0].item() == record[0]
    # a record is the label, then 1,024 red, 1,024 green, 1,024 blue bytes, row-major
    assert data.test_x[0, 1, 0, 5].item() == record[1 + 1024 + 5]


def test_digits_is_always_available_with_a_fixed_split():
    data = load("digits")
    assert data.train_x.shape == (1438, 1, 8, 8) and data.test_x.shape == (359, 1, 8, 8)
    assert int(data.train_x.max()) == 255 and torch.equal(data.test_y, load("digits").test_y)


def test_missing_files_raise_with_the_exact_paths(tmp_path):
    with pytest.raises(MissingDataset) as error:
        load("mnist", root=tmp_path)
    assert str(tmp_path / "mnist" / "train-images-idx3-ubyte") in str(error.value)
    assert len(error.value.paths) == 4 == len(missing_files("mnist", tmp_path))


def test_data_root_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PLAYGROUND_DATA", str(tmp_path))
    assert data_root() == tmp_path
    monkeypatch.delenv("PLAYGROUND_DATA")
    assert data_root().parts[-2:] == (".cache", "playground")


def test_unknown_dataset_name_is_refused_clearly():
    with pytest.raises(DatasetError, match="unknown dataset 'svhn'"):
        load("svhn")


IMAGES = np.zeros((3, 28, 28), np.uint8)
LABELS = np.array([1, 2, 3], np.uint8)


def by_message(*cases: tuple) -> list:
    """Cases named by their expected message: their bytes (gzip's hold a timestamp) make no stable id."""
    return [pytest.param(*case, id=case[-1]) for case in cases]


@pytest.mark.parametrize("content, magic, message", by_message(
    (b"", 2051, "empty"),
    (idx_bytes(LABELS), 2051, "magic number 2049, expected 2051"),
    (idx_bytes(IMAGES)[:-10], 2051, "truncated"),
    (idx_bytes(IMAGES) + b"\0", 2051, "trailing bytes"),
    (idx_bytes(IMAGES)[:9], 2051, "truncated inside the IDX header"),
    (b"junk junk junk junk", 2049, "not an IDX labels file"),
    (gzip.compress(idx_bytes(IMAGES))[:-20], 2051, "corrupt or truncated gzip"),
))
def test_corrupt_idx_files_are_refused_naming_the_file(tmp_path, content, magic, message):
    path = write(tmp_path / "bad-idx", content)
    with pytest.raises(DatasetError, match=message) as error:
        read_idx(path, magic)
    assert str(path) in str(error.value)


def test_counts_that_disagree_between_images_and_labels_are_rejected(tmp_path):
    write_mnist(tmp_path / "mnist", train=10, test=10, gz=False)
    write(tmp_path / "mnist" / "train-labels-idx1-ubyte", idx_bytes(np.zeros(9, np.uint8)))
    with pytest.raises(DatasetError, match="10 images but .* 9 labels"):
        load("mnist", root=tmp_path)


@pytest.mark.parametrize("file", ["t10k-images-idx3-ubyte", "train-images-idx3-ubyte"])
def test_images_that_are_not_28_by_28_in_both_files_are_rejected(tmp_path, file):
    write_mnist(tmp_path / "mnist", train=10, test=10, gz=False)
    write(tmp_path / "mnist" / file, idx_bytes(np.zeros((10, 20, 20), np.uint8)))
    with pytest.raises(DatasetError, match="images are 20×20 pixels; MNIST-format sets are 28×28") as error:
        load("mnist", root=tmp_path)
    assert str(tmp_path / "mnist" / file) in str(error.value)


def test_idx_files_without_a_record_are_rejected(tmp_path):
    write_mnist(tmp_path / "fashion-mnist", train=10, test=10)
    folder = tmp_path / "fashion-mnist"
    write(folder / "t10k-images-idx3-ubyte", idx_bytes(np.zeros((0, 28, 28), np.uint8)), gz=True)
    write(folder / "t10k-labels-idx1-ubyte", idx_bytes(np.zeros(0, np.uint8)), gz=True)
    with pytest.raises(DatasetError, match=r"t10k-images-idx3-ubyte.gz: holds no images \(0 records\)"):
        load("fashion-mnist", root=tmp_path)


def test_labels_out_of_range_are_rejected(tmp_path):
    write_mnist(tmp_path / "mnist", train=10, test=10, gz=False)
    write(tmp_path / "mnist" / "t10k-labels-idx1-ubyte", idx_bytes(np.array([0] * 9 + [12], np.uint8)))
    with pytest.raises(DatasetError, match="label 12 at record 9 is out of range"):
        load("mnist", root=tmp_path)


@pytest.mark.parametrize("content, message", by_message(
    (b"", "empty"),
    (cifar_bytes(np.array([1, 2]))[:-1], "not a whole number of 3,073-byte"),
    (cifar_bytes(np.array([1, 10])), "label 10 at record 1 is out of range"),
))
def test_corrupt_cifar_batches_are_refused_with_a_clear_message(tmp_path, content, message):
    path = write(tmp_path / "data_batch_1.bin", content)
    with pytest.raises(DatasetError, match=message):
        read_cifar_batch(path)


def test_a_bad_cifar_batch_fails_the_whole_load(tmp_path):
    write_cifar(tmp_path / "cifar10", per_batch=3)
    (tmp_path / "cifar10" / "cifar-10-batches-bin" / "data_batch_4.bin").write_bytes(b"\0" * 100)
    with pytest.raises(DatasetError, match="data_batch_4.bin"):
        load("cifar10", root=tmp_path)


def test_class_name_file_must_name_ten_classes(tmp_path):
    write_cifar(tmp_path / "cifar10", per_batch=3)
    (tmp_path / "cifar10" / "cifar-10-batches-bin" / "batches.meta.txt").write_text("cat\ndog\n")
    with pytest.raises(DatasetError, match="expected 10 class names"):
        load("cifar10", root=tmp_path)


def test_subset_keeps_the_first_examples():
    data = load("digits").subset(train=100, test=20)
    assert len(data.train_x) == len(data.train_y) == 100 and len(data.test_x) == 20
