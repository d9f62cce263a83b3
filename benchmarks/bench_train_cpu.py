"""CPU training speed, measured against the conventional loop in the same run.

1. One MNIST-format epoch (60,000 generated 28×28 uint8 images, MLP 784-128-10, batch 128, Adam
   from torch.optim on both sides): playground.train (whole set as tensors, index-gathered
   batches) against the conventional per-sample Dataset + DataLoader loop (torchvision's MNIST
   pipeline: PIL image, ToTensor, Normalize, per sample). Goal: at least 3× faster.
2. scikit-learn digits to 95% test accuracy with the digits-mlp preset. Goal: under 5 s wall
   time (model, optimizer and evaluation included; Python and library imports excluded).

Usage: python benchmarks/bench_train_cpu.py [--threads N]   (default: torch's own thread count)
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch.utils.data import DataLoader, Dataset

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.datasets import load  # noqa: E402
from playground.datasets.images import DIGIT_CLASSES, ImageSet  # noqa: E402
from playground.regularization.mlp import MLPConfig, build_mlp  # noqa: E402
from playground.train import RunConfig, train  # noqa: E402
from playground.train.presets import preset  # noqa: E402


def synthetic_mnist(train: int = 60_000, test: int = 10_000, seed: int = 0) -> ImageSet:
    """Random uint8 images of MNIST's shape, each class brightening its own band of rows."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, size=train + test)
    images = rng.integers(0, 80, size=(train + test, 1, 28, 28), dtype=np.uint8)
    for label in range(10):
        images[labels == label, :, 2 * label + 4:2 * label + 7] += 150
    x, y = torch.from_numpy(images), torch.from_numpy(labels).long()
    return ImageSet("mnist", x[:train], y[:train], x[train:], y[train:], DIGIT_CLASSES)


class PerSampleImages(Dataset):
    """The conventional way, as torchvision's ``MNIST(transform=Compose([ToTensor(), Normalize(...)]))``
    does it (without torchvision, which this project does not depend on): one Python call per
    image, which becomes a PIL image, then a float tensor scaled to [0, 1], then normalized."""

    def __init__(self, images: torch.Tensor, labels: torch.Tensor) -> None:
        self.images, self.labels = images.numpy(), labels.numpy()

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int]:
        image = Image.fromarray(self.images[i, 0], mode="L")  # torchvision's MNIST.__getitem__
        pixels = torch.from_numpy(np.array(image, np.uint8, copy=True))  # ToTensor: HW -> 1HW, /255
        tensor = pixels.view(28, 28, 1).permute(2, 0, 1).float().div(255)
        return (tensor - 0.1307) / 0.3081, int(self.labels[i])  # Normalize((0.1307,), (0.3081,))


def dataloader_epoch(data: ImageSet) -> float:
    """Seconds for one epoch of the conventional DataLoader loop."""
    model = build_mlp(MLPConfig(784, 10, (128,), "relu", "he"), seed=0)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loader = DataLoader(PerSampleImages(data.train_x, data.train_y), batch_size=128, shuffle=True)
    started = time.perf_counter()
    for images, labels in loader:
        loss = F.cross_entropy(model(images), labels)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    return time.perf_counter() - started


def main() -> int:
    cli = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    cli.add_argument("--threads", type=int, default=torch.get_num_threads(),
                     help="torch CPU threads for both sides (default: torch's own choice, "
                          f"{torch.get_num_threads()} here, which is what the app trains with)")
    args = cli.parse_args()
    torch.set_num_threads(args.threads)
    print(f"machine: {platform.machine()}, {torch.get_num_threads()} torch thread(s) of {os.cpu_count()} "
          f"cores, torch {torch.__version__}")
    data = synthetic_mnist()
    config = RunConfig(dataset="mnist", model="mlp", hidden=(128,), optimizer="Adam", backend="torch",
                         lr=1e-3, batch_size=128, epochs=1)
    train(RunConfig(epochs=1, max_train=512, max_test=128, dataset="mnist"), data=data)  # warm-up
    # alternate the two, best of three each: the machine may be shared, and noise only adds time
    ours, baseline = [], []
    for _ in range(3):
        ours.append(train(config, data=data).epochs[0]["seconds"])
        baseline.append(dataloader_epoch(data))
    ours, baseline = min(ours), min(baseline)
    speedup = baseline / ours
    print(f"MNIST-format MLP epoch (60,000 × 28×28, batch 128): playground.train {ours:.2f} s, "
          f"Dataset+DataLoader {baseline:.2f} s -> {speedup:.1f}× faster "
          f"[{'PASS' if speedup >= 3 else 'FAIL'}: goal ≥ 3×]")
    scratch = train(RunConfig(**{**config.to_dict(), "backend": "scratch"}), data=data).epochs[0]["seconds"]
    print(f"  same epoch with our from-scratch Adam: {scratch:.2f} s")

    digits = load("digits")
    started = time.perf_counter()
    result = train(preset("digits-mlp"), data=digits)
    wall = time.perf_counter() - started
    reached = result.seconds_to(0.95)
    ok = reached is not None and wall < 5
    print(f"digits (1,438 train / 359 test) to 95%: reached at {reached:.2f} s of training; whole run "
          f"({len(result.epochs)} epochs, final {result.test_accuracy:.2%}) {wall:.2f} s wall "
          f"[{'PASS' if ok else 'FAIL'}: goal < 5 s]" if reached is not None else
          f"digits: 95% not reached (final {result.test_accuracy:.2%}) [FAIL]")
    return 0 if speedup >= 3 and ok else 1


if __name__ == "__main__":
    sys.exit(main())
