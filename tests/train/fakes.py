"""Small datasets written in the exact on-disk formats of MNIST (IDX) and CIFAR-10 (binary records)."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

IDX_NAMES = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
             "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}


def idx_bytes(array: np.ndarray) -> bytes:
    """An IDX file: two zero bytes, type 0x08 (uint8), the rank, big-endian dims, then the data."""
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    return header + np.ascontiguousarray(array, np.uint8).tobytes()


def write(path: Path, data: bytes, gz: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if gz:
        path = path.with_name(path.name + ".gz")
        data = gzip.compress(data)
    path.write_bytes(data)
    return path


def class_images(labels: np.ndarray, shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    """Learnable images: each class lights its own block of pixels, plus noise."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 60, size=(len(labels), *shape)).astype(np.uint8)
    flat = images.reshape(len(labels), -1)
    block = flat.shape[1] // 10
    for label in range(10):
        flat[labels == label, label * block:(label + 1) * block] += 150
    return images


def write_mnist(folder: Path, train: int = 200, test: int = 100, gz: bool = True, seed: int = 0) -> Path:
    """An MNIST-format folder of ``train`` + ``test`` learnable 28×28 images."""
    rng = np.random.default_rng(seed)
    for split, count in (("train", train), ("test", test)):
        labels = rng.integers(0, 10, size=count).astype(np.uint8)
        images_name, labels_name = IDX_NAMES[split]
        write(folder / images_name, idx_bytes(class_images(labels, (28, 28), seed + count)), gz)
        write(folder / labels_name, idx_bytes(labels), gz)
    return folder


def cifar_bytes(labels: np.ndarray, seed: int = 0) -> bytes:
    images = class_images(labels, (3, 32, 32), seed).reshape(len(labels), -1)
    return np.concatenate([labels[:, None].astype(np.uint8), images], axis=1).tobytes()


def write_cifar(folder: Path, per_batch: int = 20, seed: int = 0) -> Path:
    """A ``cifar-10-batches-bin`` folder: five training batches, a test batch and the class names."""
    rng = np.random.default_rng(seed)
    batches = folder / "cifar-10-batches-bin"
    for name in [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]:
        write(batches / name, cifar_bytes(rng.integers(0, 10, size=per_batch), seed))
    names = "airplane automobile bird cat deer dog frog horse ship truck".split()
    write(batches / "batches.meta.txt", ("\n".join(names) + "\n\n").encode())
    return folder



CRASH, RAISE, WAIT, DAMAGED = 1, 2, 3, 4  # RunConfig seeds that make scripted_trainer misbehave


def scripted_trainer(config, callback, should_stop, data):
    """A stand-in for train() in a worker process, scripted by ``config.seed``: CRASH dies as an
    out-of-memory kill would (no exception, no result), RAISE raises, DAMAGED finds a damaged
    dataset file, WAIT reports once and trains until asked to stop; any other seed reports once and
    answers with its process id and torch thread count."""
    import os
    import time

    import torch

    from playground.datasets.images import DamagedFileError
    from playground.train.loop import Progress, RunResult
    if config.seed == CRASH:
        os._exit(9)
    if config.seed == RAISE:
        raise RuntimeError("the batch does not fit")
    if config.seed == DAMAGED:
        raise DamagedFileError("runs.messages.idx_empty", path="t10k-images-idx3-ubyte")
    callback(Progress("step", 1, 1, 1, 0.5, 0.5, config.lr, 1.0, 0.0))
    while config.seed == WAIT and not should_stop():
        time.sleep(0.01)
    if config.seed == WAIT:
        return RunResult(config, "stopped", "stopped", "cpu")
    return RunResult(config, "finished", f"{os.getpid()} {torch.get_num_threads()}", "cpu")


def stop_after_first_report(engine):
    """Run a WAIT job on ``engine``, ask it to stop once it has reported (so it is running), and
    return its result and the seconds from the request to the result."""
    import time

    from playground.train import RunConfig
    reports, asked_at = [], []

    def should_stop():
        if reports and not asked_at:
            asked_at.append(time.monotonic())
        return bool(asked_at)

    result = engine(RunConfig(dataset="digits", seed=WAIT), reports.append, should_stop)
    return result, time.monotonic() - asked_at[0]
