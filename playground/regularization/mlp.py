"""A multilayer perceptron from a small config: the lab's model, and the MNIST MLP's.

Each hidden layer is ``Linear -> [BatchNorm1d] -> activation -> [Dropout]``; the output layer
is a bare ``Linear`` (logits for classification, values for regression). The first module is
``Flatten``, so image batches (N, C, H, W) work as well as feature rows (N, D).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise

from torch import nn

from playground.i18n import SettingsError
from playground.seeding import Dropout, seeded

ACTIVATIONS: dict[str, type[nn.Module]] = {
    "relu": nn.ReLU, "leaky_relu": nn.LeakyReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "gelu": nn.GELU,
}
INITS = ("default", "xavier", "he")
MAX_HIDDEN_LAYERS, MAX_WIDTH = 6, 256


@dataclass(frozen=True)
class MLPConfig:
    inputs: int
    outputs: int
    hidden: tuple[int, ...] = (16, 16)
    activation: str = "relu"
    init: str = "default"
    dropout: float = 0.0
    batchnorm: bool = False

    def validate(self) -> None:
        """Raise ValueError, with a message a student can act on, for an impossible network: a
        SettingsError, said by key, for the hidden widths a person types into the lab."""
        if self.inputs < 1 or self.outputs < 1:
            raise ValueError(f"inputs and outputs must be at least 1, got {self.inputs} and {self.outputs}")
        if len(self.hidden) > MAX_HIDDEN_LAYERS:
            raise SettingsError("lab_settings.hidden_layers", most=MAX_HIDDEN_LAYERS, layers=len(self.hidden))
        if any(not 1 <= width <= MAX_WIDTH for width in self.hidden):
            raise SettingsError("lab_settings.hidden_widths", most=MAX_WIDTH, widths=list(self.hidden))
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {self.activation!r}; choose from {', '.join(ACTIVATIONS)}")
        if self.init not in INITS:
            raise ValueError(f"unknown initialization {self.init!r}; choose from {', '.join(INITS)}")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {self.dropout}")


def build_mlp(config: MLPConfig, seed: int | None = None) -> nn.Module:
    """The network described by ``config``; a ``seed`` makes its initial weights reproducible
    without touching the global random state. Its dropout layers draw from torch's global
    generator until a run gives them one of their own (:func:`~playground.seeding.draw_dropout_from`)."""
    config.validate()
    with seeded(seed):
        layers: list[nn.Module] = [nn.Flatten()]
        widths = (config.inputs, *config.hidden)
        for fan_in, fan_out in pairwise(widths):
            layers.append(nn.Linear(fan_in, fan_out))
            if config.batchnorm:
                layers.append(nn.BatchNorm1d(fan_out))
            layers.append(ACTIVATIONS[config.activation]())
            if config.dropout > 0:
                layers.append(Dropout(config.dropout))
        layers.append(nn.Linear(widths[-1], config.outputs))
        model = nn.Sequential(*layers)
        initialize(model, config.init)
    return model


def initialize(model: nn.Module, init: str) -> None:
    """Re-draw every Linear layer's weights: Xavier/Glorot U(±√(6/(fan_in+fan_out))), He
    N(0, 2/fan_in), or PyTorch's default U(±1/√fan_in) (kept as built). Biases start at zero
    for Xavier and He, as in the papers."""
    if init == "default":
        return
    for layer in model.modules():
        if isinstance(layer, nn.Linear):
            if init == "xavier":
                nn.init.xavier_uniform_(layer.weight)
            else:
                nn.init.normal_(layer.weight, 0.0, math.sqrt(2.0 / layer.in_features))
            nn.init.zeros_(layer.bias)


def parse_widths(text: str) -> tuple[int, ...]:
    """Whole numbers from text like "64, 64" or "8;8" (empty: none), or ValueError: the one reading
    of the widths a person types (hidden layers here, a CNN's channels on the Training runs page),
    each caller saying in its own words what the numbers are."""
    return tuple(int(part) for part in text.replace(";", ",").split(",") if part.strip())


def parse_hidden(text: str) -> tuple[int, ...]:
    """Hidden widths from text like "64, 64" (empty: no hidden layer), or SettingsError saying why not."""
    try:
        widths = parse_widths(text)
    except ValueError:
        raise SettingsError("lab_settings.hidden_numbers", text=repr(text[:40])) from None
    MLPConfig(1, 1, widths).validate()
    return widths
