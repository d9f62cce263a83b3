"""Seeded randomness that stays reproducible when several sessions train at the same time.

torch has one global random generator per process, and a Streamlit server runs every session
in a thread of that one process: two students pressing "train" together would interleave their
draws, and a fixed seed would no longer reproduce a run. So initial weights are drawn under a
lock (construction takes milliseconds), and dropout draws its masks from a generator of its
own run, never from the global one.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import torch
from torch import nn

_GLOBAL_RNG = threading.Lock()


@contextmanager
def seeded(seed: int | None) -> Iterator[None]:
    """Run the block alone on torch's global generator, seeded with ``seed`` (None: as it is),
    and leave the generator's state afterwards as it was before."""
    with _GLOBAL_RNG, torch.random.fork_rng(devices=[]):
        if seed is not None:
            torch.manual_seed(seed)
        yield


class Dropout(nn.Dropout):
    r"""``nn.Dropout`` that draws its masks from ``generator`` once one is set (else from torch's
    global generator, as ``nn.Dropout`` does). The arithmetic is ``F.dropout``'s on the CPU,
    :math:`x \cdot m / (1-p)` with :math:`m \sim \text{Bernoulli}(1-p)`, so a generator seeded
    like the global one gives bit-identical outputs."""

    generator: torch.Generator | None = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0 or self.generator is None:
            return super().forward(x)
        keep = torch.empty_like(x).bernoulli_(1 - self.p, generator=self.generator)
        return x * keep.div_(1 - self.p)


def draw_dropout_from(model: nn.Module, generator: torch.Generator) -> None:
    """Make every :class:`Dropout` in ``model`` draw its masks from ``generator``."""
    for module in model.modules():
        if isinstance(module, Dropout):
            module.generator = generator
