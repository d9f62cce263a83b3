"""A whole image set as tensors on the training device; a batch is one index gather.

No Dataset, no DataLoader, no per-sample Python: the uint8 images move to the device once (a
quarter of float32's bytes), and each batch is gathered by a slice of a shuffled index tensor,
then converted and normalised on the device.
"""

from __future__ import annotations

from collections.abc import Iterator

import torch

from playground.datasets.images import ImageSet

Batch = tuple[torch.Tensor, torch.Tensor]  # normalised images, labels


class DeviceData:
    def __init__(self, data: ImageSet, device: torch.device, *, channels_last: bool = False,
                 validation: float = 0.0, seed: int = 0) -> None:
        """Hold out the last ``validation`` fraction of a seeded shuffle of the training set
        (for early stopping, which must never peek at the test set)."""
        self.device, self.channels_last = device, channels_last
        x, y = data.train_x, data.train_y
        n_val = int(len(x) * validation)
        if n_val:
            order = torch.randperm(len(x), generator=torch.Generator().manual_seed(seed))
            x, y = x[order], y[order]
        self.train_x, self.train_y = x[:len(x) - n_val].to(device), y[:len(y) - n_val].to(device)
        self.val_x, self.val_y = x[len(x) - n_val:].to(device), y[len(y) - n_val:].to(device)
        self.test_x, self.test_y = data.test_x.to(device), data.test_y.to(device)
        # per-channel statistics of (up to 10,000) training images, in 0-255 units
        sample = self.train_x[:10_000].float()
        self.mean = sample.mean(dim=(0, 2, 3), keepdim=True)
        self.std = sample.std(dim=(0, 2, 3), keepdim=True).clamp_min(1.0)

    def __len__(self) -> int:
        return len(self.train_x)

    def prepare(self, images: torch.Tensor) -> torch.Tensor:
        """uint8 (N, C, H, W) on the device → normalised float32, channels-last for conv nets on GPU."""
        x = (images.float() - self.mean) / self.std
        return x.contiguous(memory_format=torch.channels_last) if self.channels_last else x

    def unprepare(self, x: torch.Tensor) -> torch.Tensor:
        """:meth:`prepare`'s inverse: a prepared batch back in the data's own units (float)."""
        return x.float() * self.std + self.mean

    def batches(self, batch_size: int, generator: torch.Generator) -> Iterator[Batch]:
        """One epoch of shuffled (images, labels) batches over :meth:`epoch_size` examples."""
        order = torch.randperm(len(self), device=self.device, generator=generator)
        for start in range(0, self.epoch_size(batch_size), batch_size):
            index = order[start:start + batch_size]
            yield self.prepare(self.train_x[index]), self.train_y[index]

    def steps_per_epoch(self, batch_size: int) -> int:
        return -(-self.epoch_size(batch_size) // batch_size)

    def epoch_size(self, batch_size: int) -> int:
        """Examples per epoch: with two or more full batches the ragged last one is dropped (the
        reshuffle gives every example its turn; on a GPU a new batch shape costs a kernel search);
        otherwise only a last batch of one is (BatchNorm cannot normalise a single example)."""
        n = len(self)
        if n >= 2 * batch_size:
            return n - n % batch_size
        return n - 1 if n > 1 and n % batch_size == 1 else n
