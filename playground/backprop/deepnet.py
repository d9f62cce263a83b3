r"""A deep MLP whose depth, activation, initialization and normalization are all switches.

Layer ``l`` computes :math:`z = h W_l + b_l`, optionally batch- and/or layer-normalizes ``z``
(no learned scale or shift: the normalization itself is what steadies the signal), applies the
activation, and with residual connections adds its input back: :math:`h \leftarrow h + \phi(z)`
(from the second layer on, where the widths match). A linear head maps the last layer to one
output, fitted by mean squared error to a fixed random target.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F

Tensor = torch.Tensor
#: float64, so that an exploding network shows its huge gradients instead of overflowing to inf.
DTYPE = torch.float64

ACTIVATIONS: dict[str, Callable[[Tensor], Tensor]] = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda z: F.leaky_relu(z, 0.01),
    "gelu": F.gelu,
}


@dataclass(frozen=True)
class Init:
    label: str
    latex: str
    weight: Callable[[int, int, torch.Generator], Tensor]  # (fan_in, fan_out, gen) → W of that shape
    bias_bound: Callable[[int], float] = lambda fan_in: 0.0  # b ~ U(-bound, bound)


def _normal(std: Callable[[int, int], float]) -> Callable[[int, int, torch.Generator], Tensor]:
    return lambda n_in, n_out, gen: torch.randn(n_in, n_out, generator=gen, dtype=DTYPE) * std(n_in, n_out)


def _uniform(bound: Callable[[int, int], float]) -> Callable[[int, int, torch.Generator], Tensor]:
    return lambda n_in, n_out, gen: _symmetric((n_in, n_out), gen) * bound(n_in, n_out)


def _symmetric(shape: tuple[int, ...], gen: torch.Generator) -> Tensor:
    """U(-1, 1)."""
    return 2 * torch.rand(shape, generator=gen, dtype=DTYPE) - 1


INITS: dict[str, Init] = {
    "too_small": Init("too small", r"\mathcal N(0,\ 0.01^2)", _normal(lambda n_in, n_out: 0.01)),
    "default": Init("PyTorch default", r"\mathcal U\!\left(\pm 1/\sqrt{n_\text{in}}\right)",
                    _uniform(lambda n_in, n_out: 1 / math.sqrt(n_in)), lambda n_in: 1 / math.sqrt(n_in)),
    "xavier": Init("Xavier", r"\mathcal U\!\left(\pm\sqrt{6/(n_\text{in}+n_\text{out})}\right)",
                   _uniform(lambda n_in, n_out: math.sqrt(6 / (n_in + n_out)))),
    "he": Init("He", r"\mathcal N(0,\ 2/n_\text{in})", _normal(lambda n_in, n_out: math.sqrt(2 / n_in))),
    "too_large": Init("too large", r"\mathcal N(0,\ 1)", _normal(lambda n_in, n_out: 1.0)),
}
N_FEATURES, N_EXAMPLES = 16, 64


@dataclass(frozen=True)
class DeepConfig:
    depth: int = 20
    width: int = 64
    activation: str = "sigmoid"
    init: str = "default"
    residual: bool = False
    batchnorm: bool = False
    layernorm: bool = False
    seed: int = 0

    def __post_init__(self) -> None:
        if self.activation not in ACTIVATIONS or self.init not in INITS:
            raise ValueError(f"unknown activation {self.activation!r} or init {self.init!r}")
        if not (1 <= self.depth and 1 <= self.width):
            raise ValueError("depth and width must be positive")


class DeepMLP:
    """``depth`` hidden layers of ``width`` units and a linear head; parameters are plain tensors."""

    def __init__(self, config: DeepConfig) -> None:
        self.config = config
        gen = torch.Generator().manual_seed(config.seed)
        init = INITS[config.init]
        sizes = [N_FEATURES] + [config.width] * config.depth + [1]
        self.weights, self.biases = [], []
        for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
            bound = init.bias_bound(n_in)
            self.weights.append(init.weight(n_in, n_out, gen).requires_grad_())
            self.biases.append((_symmetric((n_out,), gen) * bound).requires_grad_())

    def parameters(self) -> list[Tensor]:
        return [*self.weights, *self.biases]

    def forward(self, X: Tensor) -> tuple[Tensor, list[Tensor]]:
        """The prediction and every hidden layer's output ``h``."""
        c, phi = self.config, ACTIVATIONS[self.config.activation]
        h, hidden = X, []
        for layer, (W, b) in enumerate(zip(self.weights[:-1], self.biases[:-1], strict=True)):
            z = h @ W + b
            if c.batchnorm:
                z = F.batch_norm(z, None, None, training=True)
            if c.layernorm:
                z = F.layer_norm(z, z.shape[1:])
            h = h + phi(z) if c.residual and layer > 0 else phi(z)
            hidden.append(h)
        return (h @ self.weights[-1] + self.biases[-1]).squeeze(1), hidden


def fixed_batch(seed: int = 0) -> tuple[Tensor, Tensor]:
    """Inputs ~ N(0, 1) and a smooth random target, the same for every network."""
    gen = torch.Generator().manual_seed(10_000 + seed)
    X = torch.randn(N_EXAMPLES, N_FEATURES, generator=gen, dtype=DTYPE)
    direction = torch.randn(N_FEATURES, generator=gen, dtype=DTYPE) / math.sqrt(N_FEATURES)
    return X, torch.sin(2 * X @ direction)
