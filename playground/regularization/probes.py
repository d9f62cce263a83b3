"""What the lab records about a network at a few epochs: weight and gradient histograms, the
decision boundary on a grid, and batchnorm's batch vs running statistics.

These are the expensive measurements, so the trainer takes them at a bounded number of
"frames" (e.g. 40 per run), not every epoch; each frame is small (histogram counts and a
60x60 grid), so memory stays bounded whatever the network's size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

BINS = 31  # odd, so one bin is centred on zero
SMALL = 1e-3  # |w| below this counts as "near zero"


@dataclass(frozen=True)
class LayerWeights:
    """A layer's weight matrix in numbers; also its gradient's (:attr:`Frame.gradients`)."""

    name: str
    counts: np.ndarray  # histogram of the layer's weights over `edges`
    edges: np.ndarray
    zeros: int  # exactly 0.0
    small: int  # |w| < SMALL
    size: int
    norm: float


@dataclass(frozen=True)
class BatchNormStats:
    name: str
    batch_mean: np.ndarray  # per unit, over the whole training set in train mode
    running_mean: np.ndarray
    batch_var: np.ndarray
    running_var: np.ndarray


@dataclass(frozen=True)
class Frame:
    epoch: int
    layers: list[LayerWeights]
    grid: np.ndarray | None  # (G*G,) predicted class, or predicted value for regression
    confidence: np.ndarray | None  # (G*G,) probability of the predicted class
    batchnorm: list[BatchNormStats]
    mode_gap: float | None  # mean |train-mode output - eval-mode output| on the training set
    # ∂L/∂W per layer for the first step taken from these weights (see the trainer); none for a
    # frame no step was taken from (a restored network, one whose next loss was not finite)
    gradients: list[LayerWeights] = field(default_factory=list)


def linear_layers(model: nn.Module) -> list[tuple[str, nn.Linear]]:
    """The Linear layers with readable names: hidden 1, hidden 2, ..., output."""
    layers = [m for m in model.modules() if isinstance(m, nn.Linear)]
    names = [f"hidden {k + 1}" for k in range(len(layers) - 1)] + ["output"]
    return list(zip(names, layers, strict=True))


def weight_stats(name: str, w: torch.Tensor) -> LayerWeights:
    values = w.detach().cpu().numpy().ravel()
    top = float(np.abs(values).max(initial=0.0)) or SMALL
    counts, edges = np.histogram(values, bins=BINS, range=(-top, top))
    return LayerWeights(name, counts, edges, int((values == 0).sum()), int((np.abs(values) < SMALL).sum()),
                        values.size, float(np.sqrt(np.square(values, dtype=np.float64).sum())))


def gradient_stats(model: nn.Module) -> list[LayerWeights]:
    """Each Linear layer's weight gradient as it stands (after a backward pass), in numbers."""
    stats = []
    for name, layer in linear_layers(model):
        assert layer.weight.grad is not None, "a backward pass has filled the gradients"
        stats.append(weight_stats(name, layer.weight.grad))
    return stats


def grid_points(extent: tuple[float, float, float, float], size: int) -> np.ndarray:
    """A size x size grid over (x_lo, x_hi, y_lo, y_hi), row by row from the bottom (N, 2)."""
    x_lo, x_hi, y_lo, y_hi = extent
    xs, ys = np.meshgrid(np.linspace(x_lo, x_hi, size), np.linspace(y_lo, y_hi, size))
    return np.c_[xs.ravel(), ys.ravel()].astype(np.float32)


@torch.no_grad()
def predict_grid(model: nn.Module, inputs: torch.Tensor, task: str) -> tuple[np.ndarray, np.ndarray | None]:
    out = model(inputs)
    if task == "regression":
        return out[:, 0].numpy(), None
    confidence, label = out.softmax(dim=1).max(dim=1)
    return label.numpy().astype(np.int16), confidence.numpy()


@torch.no_grad()
def batchnorm_stats(model: nn.Module, X: torch.Tensor) -> tuple[list[BatchNormStats], float | None]:
    """Each BatchNorm layer's batch statistics on ``X`` (BN in train mode, dropout off) beside its
    running statistics, and how far the train-mode output is from the eval-mode output.
    The running statistics are left exactly as they were."""
    norms = [(name, m) for name, m in model.named_modules() if isinstance(m, nn.BatchNorm1d)]
    if not norms:
        return [], None
    model.eval()
    eval_out = model(X)
    seen: dict[str, torch.Tensor] = {}
    hooks = [bn.register_forward_pre_hook(lambda _m, args, name=name: seen.__setitem__(name, args[0]))
             for name, bn in norms]
    momenta = [bn.momentum for _, bn in norms]
    for _, bn in norms:
        # momentum 0: the train-mode pass blends in none of the batch, r ← 1·r + 0·batch, so the
        # running statistics stay exactly as they were, with no copy to save and load back
        bn.train()
        bn.momentum = 0.0
    train_out = model(X)
    for hook in hooks:
        hook.remove()
    stats: list[BatchNormStats] = []
    for (name, bn), momentum in zip(norms, momenta, strict=True):
        tracked, running_mean, running_var = bn.num_batches_tracked, bn.running_mean, bn.running_var
        assert tracked is not None and running_mean is not None and running_var is not None, \
            "the lab's BatchNorm layers track running statistics"
        bn.momentum = momentum
        tracked.sub_(1)  # in place: the train-mode pass counted a batch
        bn.eval()
        x = seen[name]
        stats.append(BatchNormStats(f"BN {len(stats) + 1}", x.mean(0).numpy(), running_mean.numpy().copy(),
                                    x.var(0).numpy(), running_var.numpy().copy()))
    return stats, float((train_out - eval_out).abs().mean())


def take_frame(epoch: int, model: nn.Module, X_train: torch.Tensor, grid: torch.Tensor | None,
               task: str) -> Frame:
    """Everything a frame shows, with the model in eval mode (dropout off, running BN stats)."""
    layers = [weight_stats(name, layer.weight) for name, layer in linear_layers(model)]
    norms, gap = batchnorm_stats(model, X_train)
    model.eval()
    labels, confidence = predict_grid(model, grid, task) if grid is not None else (None, None)
    return Frame(epoch, layers, labels, confidence, norms, gap)
