"""The networks a training run can use: logistic regression and an MLP (the lab's ``build_mlp``), a
small CNN, a fast CIFAR-10 net in the style of airbench94 (Keller Jordan, 2024), the fastest
published recipe, and the MNIST-1D paper's 1-D CNN and GRU for 1-D signals.

The 1-D nets are those of Greydanus & Kobak 2020 ("Scaling Down Deep Learning with MNIST-1D",
arXiv:2011.14439; the repository's ``notebooks/models.py``): three ReLU convolutions of 25
channels (kernel 5 then 3 and 3, stride 2, padding 1) under a linear layer, and a bidirectional
GRU of 6 units a direction whose outputs at all 40 steps feed a linear layer. The paper's MLP
(two hidden layers of 100) is ``mlp`` with ``hidden=(100, 100)``; its logistic regression is
``linear``.

The two small conv nets take their channel counts, stage by stage, as a setting (``channels``): the
small CNN one to three stages (each halves the image, so three take 8×8 digits down to 1×1), the
1-D CNN its three convolutions. Left empty they are the models' own, the paper's for the 1-D CNN.

The fast net is conv-BatchNorm-GELU groups with max-pooling. Its first conv is a frozen 2×2
*whitening* layer initialised from the training patches' covariance (``whiten``); the other
convs start as the identity (Dirac init, an implicit residual connection); BatchNorm scales are
frozen at 1 and only its shifts learn; the logits are scaled by 1/9.
"""

from __future__ import annotations

from itertools import pairwise

import torch
from torch import nn

from playground.datasets.images import DATASETS
from playground.i18n import SettingsError, said
from playground.regularization.mlp import MLPConfig, build_mlp, parse_widths
from playground.seeding import Dropout, seeded

MODELS = {"mlp": "MLP", "cnn": "Small CNN", "fast": "Fast CIFAR net (airbench-style)",
          "linear": "Logistic regression", "cnn1d": "1-D CNN (MNIST-1D paper)",
          "gru": "Bidirectional GRU (MNIST-1D paper)"}
IMAGE_MODELS = ("cnn", "fast")     # 2-D convolutions: images only
SIGNAL_MODELS = ("cnn1d", "gru")   # read a signal along its one row: 1-D signals only
FIXED_ARCHITECTURE = ("fast", "linear", "cnn1d", "gru")  # no dropout or batchnorm switch changes them
CHANNELS = {"cnn": (32, 64), "cnn1d": (25, 25, 25)}  # the models whose conv widths are a setting: their own
STAGES = {"cnn": (1, 3), "cnn1d": (3, 3)}  # the fewest and most conv stages each takes
MAX_CHANNELS = 256


def check_pairing(model: str, dataset: str, augment: bool = False) -> None:
    """Raise SettingsError when ``model`` cannot train on ``dataset`` as asked (a 2-D CNN on 1-D
    signals, a 1-D net on images, the fast net on 8×8 digits), or when image augmentation (flips,
    shifts, test-time views: ``augment``) is asked of 1-D signals, where a mirrored signal is
    another digit's."""
    spec = DATASETS[dataset]
    if spec.signals and model in IMAGE_MODELS:
        raise SettingsError("runs_mnist1d.messages.needs_images", model=said(f"runs.models.{model}"),
                            dataset=dataset)
    if not spec.signals and model in SIGNAL_MODELS:
        raise SettingsError("runs_mnist1d.messages.needs_signals", model=said(f"runs.models.{model}"),
                            dataset=dataset)
    if model == "fast" and min(spec.shape[1:]) < FastNet.MIN_SIZE:
        raise SettingsError("runs.messages.fast_needs_large")
    if spec.signals and augment:
        raise SettingsError("runs_mnist1d.messages.no_augment", dataset=dataset)


def check_channels(model: str, channels: tuple[int, ...]) -> None:
    """Raise SettingsError unless ``channels`` (empty: the model's own) are conv widths ``model``
    can be built with: whole numbers of 1 to MAX_CHANNELS, one per stage, as many stages as it
    takes. The models whose widths are not a setting ignore them."""
    if model not in STAGES or not channels:
        return
    if any(isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_CHANNELS
           for count in channels):
        raise SettingsError("runs_channels.messages.counts", most=MAX_CHANNELS, channels=list(channels))
    fewest, most = STAGES[model]
    named = said(f"runs.models.{model}")
    if fewest == most != len(channels):
        raise SettingsError("runs_channels.messages.stages_exact", model=named, stages=most,
                            given=len(channels))
    if not fewest <= len(channels) <= most:
        raise SettingsError("runs_channels.messages.stages", model=named, fewest=fewest, most=most,
                            given=len(channels))


def parse_channels(model: str, text: str) -> tuple[int, ...]:
    """Channel counts typed as "32, 64" (empty: the model's own), or SettingsError saying why
    ``model`` cannot take them."""
    try:
        channels = parse_widths(text)
    except ValueError:
        raise SettingsError("runs_channels.messages.numbers", text=repr(text[:40])) from None
    check_channels(model, channels)
    return channels


def build_model(name: str, shape: tuple[int, int, int], classes: int, *, hidden: tuple[int, ...] = (128,),
                channels: tuple[int, ...] = (), dropout: float = 0.0, batchnorm: bool = False,
                seed: int | None = None) -> nn.Module:
    """A fresh network for images of ``shape`` (C, H, W), or 1-D signals (1, 1, length); ``seed`` fixes
    its initial weights. ``hidden`` sizes the MLP's layers, ``channels`` the CNNs' convolutions
    (empty: the model's own); the other models ignore them."""
    planes, height, width = shape
    if name in ("mlp", "linear"):
        widths = tuple(hidden) if name == "mlp" else ()
        return build_mlp(MLPConfig(planes * height * width, classes, widths, "relu", "he",
                                   dropout, batchnorm), seed=seed)
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; choose from {', '.join(MODELS)}")
    check_channels(name, tuple(channels))
    convs = tuple(channels) or CHANNELS.get(name, ())
    if name == "fast" and min(height, width) < FastNet.MIN_SIZE:
        raise ValueError(f"the fast CIFAR net needs images of at least 24×24 pixels, not {height}×{width}; "
                         f"use the MLP or the CNN")
    if (name in SIGNAL_MODELS) != (height == 1):
        raise ValueError(f"the {MODELS[name]} needs {'1-D signals' if name in SIGNAL_MODELS else 'images'}, "
                         f"not examples of shape {planes}×{height}×{width}")
    with seeded(seed):
        if name == "cnn":
            return SmallCNN(planes, height, width, classes, dropout, batchnorm, convs)
        if name == "cnn1d":
            return SignalCNN(width, classes, convs)
        if name == "gru":
            return SignalGRU(width, classes)
        return FastNet(planes, classes)


class SignalCNN(nn.Sequential):
    """The MNIST-1D paper's ConvBase: ReLU convolutions of 25 channels each (kernel 5, 3, 3; stride 2;
    padding 1) take 40 values to 19, 10 and 5 positions; a linear layer reads the 25 × 5 features.
    ``channels`` sets the three convolutions' widths."""

    def __init__(self, length: int, classes: int, channels: tuple[int, ...] = CHANNELS["cnn1d"]) -> None:
        layers: list[nn.Module] = [nn.Flatten(1, 2)]  # (N, 1, 1, L) → (N, 1, L): one input channel
        fan_in, positions = 1, length
        for kernel, fan_out in zip((5, 3, 3), channels, strict=True):
            layers += [nn.Conv1d(fan_in, fan_out, kernel, stride=2, padding=1), nn.ReLU()]
            fan_in, positions = fan_out, (positions + 2 - kernel) // 2 + 1
        super().__init__(*layers, nn.Flatten(), nn.Linear(fan_in * positions, classes))


class SignalGRU(nn.Module):
    """The MNIST-1D paper's GRUBase: a bidirectional GRU (6 units a direction) reads the signal one
    value a step; a linear layer reads its outputs at every step (2 × 6 × 40 features)."""

    def __init__(self, length: int, classes: int, hidden: int = 6) -> None:
        super().__init__()
        self.gru = nn.GRU(1, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * hidden * length, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        outputs, _ = self.gru(x.reshape(len(x), -1, 1))  # (N, L, 1): one value per step, h₀ = 0
        return self.head(outputs.flatten(1))


class SmallCNN(nn.Sequential):
    """Conv-[BN]-ReLU-maxpool stages of ``widths`` channels (two, of 32 and 64, unless told), each
    halving the image, then a 128-unit hidden layer."""

    def __init__(self, channels: int, height: int, width: int, classes: int, dropout: float = 0.0,
                 batchnorm: bool = False, widths: tuple[int, ...] = CHANNELS["cnn"]) -> None:
        def stage(fan_in: int, fan_out: int) -> list[nn.Module]:
            norm = [nn.BatchNorm2d(fan_out)] if batchnorm else []
            return [nn.Conv2d(fan_in, fan_out, 3, padding=1, bias=not batchnorm), *norm, nn.ReLU(),
                    nn.MaxPool2d(2)]

        drop = [Dropout(dropout)] if dropout > 0 else []
        stages = [layer for fan_in, fan_out in pairwise((channels, *widths))
                  for layer in stage(fan_in, fan_out)]
        features = widths[-1] * (height >> len(widths)) * (width >> len(widths))
        super().__init__(*stages, nn.Flatten(), *drop,
                         nn.Linear(features, 128), nn.ReLU(), *drop, nn.Linear(128, classes))


class FrozenScaleBatchNorm(nn.BatchNorm2d):
    """BatchNorm whose scale stays 1 (only the shift learns), with airbench's fast running stats."""

    def __init__(self, features: int) -> None:
        super().__init__(features, eps=1e-12, momentum=0.4)
        self.weight.requires_grad_(False)


class IdentityConv(nn.Conv2d):
    """A bias-free 3×3 'same' conv whose first ``in_channels`` filters start as the identity."""

    def __init__(self, fan_in: int, fan_out: int) -> None:
        super().__init__(fan_in, fan_out, 3, padding="same", bias=False)
        nn.init.dirac_(self.weight.data[:fan_in])


class ConvGroup(nn.Module):
    def __init__(self, fan_in: int, fan_out: int) -> None:
        super().__init__()
        self.conv1, self.pool = IdentityConv(fan_in, fan_out), nn.MaxPool2d(2)
        self.norm1, self.act = FrozenScaleBatchNorm(fan_out), nn.GELU()
        self.conv2, self.norm2 = IdentityConv(fan_out, fan_out), FrozenScaleBatchNorm(fan_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.act(self.norm1(self.pool(self.conv1(x))))
        return self.act(self.norm2(self.conv2(x)))


class FastNet(nn.Module):
    MIN_SIZE = 24  # pixels each way: three 2× poolings must leave a map to pool globally

    def __init__(self, channels: int, classes: int, widths: tuple[int, int, int] = (64, 256, 256)) -> None:
        super().__init__()
        whitened = 2 * channels * 2 * 2  # each whitening filter and its negative (GELU keeps both signs)
        self.whiten_conv = nn.Conv2d(channels, whitened, 2, bias=True)
        self.whiten_conv.weight.requires_grad_(False)
        assert self.whiten_conv.bias is not None, "built with bias=True"
        nn.init.zeros_(self.whiten_conv.bias)
        self.groups = nn.Sequential(ConvGroup(whitened, widths[0]), ConvGroup(widths[0], widths[1]),
                                    ConvGroup(widths[1], widths[2]))
        self.head = nn.Linear(widths[2], classes, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.groups(nn.functional.gelu(self.whiten_conv(x)))
        x = torch.amax(x, dim=(2, 3))  # global max-pool (airbench: MaxPool2d(3) on a 3×3 map)
        return self.head(x) / 9

    @torch.no_grad()
    def whiten(self, images: torch.Tensor, eps: float = 5e-4) -> None:
        """Set the first conv to ZCA-style whitening filters of the 2×2 patches of ``images``
        (normalised float batch): eigenvectors of the patch covariance over √(eigenvalue + ε)."""
        c, (h, w) = images.shape[1], self.whiten_conv.kernel_size
        patches = images.float().unfold(2, h, 1).unfold(3, w, 1).transpose(1, 3).reshape(-1, c * h * w)
        covariance = patches.T @ patches / len(patches)
        eigenvalues, eigenvectors = torch.linalg.eigh(covariance)
        filters = (eigenvectors.T / torch.sqrt(eigenvalues + eps)[:, None]).reshape(-1, c, h, w).flip(0)
        self.whiten_conv.weight.copy_(torch.cat((filters, -filters)).to(self.whiten_conv.weight))
