"""A network's layers as a student reads them while it trains: each layer that learns, named by its
kind and its place in the forward pass ("conv 1", "linear 3"), its gradient's size, and the first
convolution's filters.

Two lessons live here. Per-layer gradient norms show a gradient vanishing or exploding on its way
back through the layers; the first convolution's filters, drawn after every epoch, show edge and
stroke detectors forming out of noise. Both travel to the page inside progress reports, which
cross process boundaries, so they are plain numbers, never tensors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

# what a layer is called, by the first of these types it is an instance of
KINDS: tuple[tuple[type[nn.Module], str], ...] = (
    (nn.modules.conv._ConvNd, "conv"), (nn.Linear, "linear"), (nn.modules.batchnorm._BatchNorm, "batchnorm"))


@dataclass(frozen=True)
class Filters:
    """A convolution's weights at one moment, as plain numbers: ``shape`` is (filters, input
    channels, height, width) for a 2-D convolution, (filters, input channels, length) for a 1-D one."""

    layer: str                  # its name among the layers ("conv 1")
    shape: tuple[int, ...]
    values: tuple[float, ...]   # the weights, flattened in row-major order

    def array(self) -> np.ndarray:
        return np.asarray(self.values, dtype=np.float32).reshape(self.shape)


def kind(module: nn.Module) -> str:
    """The short name of a layer's kind: "conv" for any convolution, "batchnorm" for any batch
    normalization, else its class's name in lower case ("linear", "gru")."""
    return next((name for cls, name in KINDS if isinstance(module, cls)), type(module).__name__.lower())


class Layers:
    """The modules of ``model`` that own parameters that learn, in the order the model registers
    them, which is the order of its forward pass for every network of :mod:`playground.train.models`.
    A module counts for the parameters it holds itself, not its children's."""

    def __init__(self, model: nn.Module) -> None:
        self.names: list[str] = []
        self.parameters: list[nn.Parameter] = []
        owners: list[int] = []
        weighted: list[tuple[str, nn.Module]] = []  # the layers whose weights learn
        for module in model.modules():
            learning = [p for p in module.parameters(recurse=False) if p.requires_grad]
            if not learning:
                continue
            self.names.append(f"{kind(module)} {len(self.names) + 1}")
            self.parameters += learning
            owners += [len(self.names) - 1] * len(learning)
            weight = getattr(module, "weight", None)
            if isinstance(weight, nn.Parameter) and weight.requires_grad:
                weighted.append((self.names[-1], module))
        self._owners = torch.tensor(owners, dtype=torch.long)
        # the first layer whose weights learn, when it is a convolution: the fast net's frozen
        # whitening conv (only its bias learns) is passed over for the conv after it
        self.first_conv: tuple[str, nn.modules.conv._ConvNd] | None = None
        if weighted and isinstance(weighted[0][1], nn.modules.conv._ConvNd):
            self.first_conv = (weighted[0][0], weighted[0][1])

    def grad_norms(self) -> torch.Tensor:
        """Each layer's gradient L2 norm (its parameters' gradients as one vector), left on the
        device so that the caller reads them with whatever else it reads: one transfer per report.
        A parameter without a gradient (no backward has reached it) counts as zero."""
        if not self.parameters:
            return torch.zeros(0)
        grads = [p.grad if p.grad is not None else torch.zeros_like(p) for p in self.parameters]
        squares = torch.stack(torch._foreach_norm(grads)).float() ** 2
        owners = self._owners.to(squares.device)
        return squares.new_zeros(len(self.names)).index_add_(0, owners, squares).sqrt()

    def filters(self) -> Filters | None:
        """The first convolution's weights as they are now; None for a network that does not start
        with a convolution (an MLP, a GRU)."""
        if self.first_conv is None:
            return None
        name, conv = self.first_conv
        weight = conv.weight.detach().float().cpu()
        return Filters(name, tuple(weight.shape), tuple(weight.flatten().tolist()))
