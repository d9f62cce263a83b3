"""Train a small MLP on a :class:`~playground.datasets.toy.SplitData` with any mix of regularizers.

One epoch = one pass over the training set in mini-batches (``batch_size=0``: full batch):

    loss = data loss + λ₂·Σw² (+ λ₁·Σ|w| for the L1 penalty)
    optimizer step (weight decay inside the optimizer, coupled or decoupled)
    the L1 proximal step: w ← sign(w)·max(|w| − η·λ₁, 0), so weights reach exactly zero

Each epoch's first step also logs its gradient: the norm ‖∂L/∂W‖ of every layer (and at the
frames, its histogram), where L is the loss that step minimised, penalty terms included: the
gradient of the step taken *from* that epoch's weights. After the last epoch one more gradient
is computed the same way, without a step (and with batchnorm's running statistics put back).
At the end, the losses along the straight line from the initial to the final weights are
measured (:mod:`~playground.regularization.interpolation`).

Then the network is evaluated in eval mode (dropout off, running BN statistics) on both
splits; the curves show the *data* loss (cross-entropy or MSE, no penalty terms), so runs with
and without penalties compare fairly. Early stopping monitors the validation loss. A
non-finite loss ends the run with ``diverged_at`` set; what was recorded so far stays valid
(``diverged_at == 0``: even the untrained network's loss is not finite, so nothing is recorded).
``should_stop`` is asked before every mini-batch step (:mod:`playground.stopping`): a run of
thousands of epochs ends within a step of being asked, raising ``Stopped`` with the epochs done.

History epoch ``e`` means "after e epochs" (epoch 0 is the initial network), the convention
:class:`~playground.regularization.early_stopping.EarlyStopping` takes too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property, partial

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from playground.datasets.toy import SplitData
from playground.regularization.config import LabConfig
from playground.regularization.early_stopping import EarlyStopping
from playground.regularization.features import expand
from playground.regularization.interpolation import Line, loss_line
from playground.regularization.mlp import build_mlp
from playground.regularization.optimizers import make_optimizer
from playground.regularization.penalties import after_step_, loss_terms, penalized_weights
from playground.regularization.probes import Frame, gradient_stats, grid_points, linear_layers, take_frame
from playground.seeding import draw_dropout_from
from playground.stopping import StopCheck, check, never

GRID = 60  # the decision-boundary grid is GRID x GRID


METRICS = ("train_loss", "val_loss", "train_acc", "val_acc", "weight_norm")


@dataclass
class Run:
    config: LabConfig
    task: str
    history: dict[str, list[float]]  # per epoch: "epoch", METRICS, "lr"
    frames: list[Frame]
    extent: tuple[float, float, float, float] | None  # of the decision-boundary grid; None unless 2-D
    # METRICS and "zero_weights" of the network handed back (restored, or the last finite one)
    final: dict[str, float] = field(default_factory=dict)
    best: Frame | None = None  # the restored best network, when early stopping restored one
    best_epoch: int | None = None
    stopped_epoch: int | None = None
    diverged_at: int | None = None
    confusion: np.ndarray | None = None  # validation confusion matrix [true, predicted]
    model: torch.nn.Module | None = None
    # ‖∂L/∂W‖ per layer, by "epoch" and the layers' names: the first step from each epoch's weights
    gradients: dict[str, list[float]] = field(default_factory=dict)
    line: Line | None = None  # the losses from the initial to the final weights

    @property
    def epochs_run(self) -> int:
        """The last epoch recorded; 0 also when not even the untrained network had a finite loss."""
        return int(self.history["epoch"][-1]) if self.history["epoch"] else 0


@dataclass(frozen=True)
class Tensors:
    """The data as the network sees it (input features applied), plus the boundary grid."""

    X_train: torch.Tensor
    y_train: torch.Tensor
    X_val: torch.Tensor
    y_val: torch.Tensor
    task: str
    grid: torch.Tensor | None
    extent: tuple[float, float, float, float] | None

    @classmethod
    def of(cls, data: SplitData, config: LabConfig) -> Tensors:
        def inputs(X: np.ndarray) -> torch.Tensor:
            return torch.from_numpy(expand(X, config.features) if config.uses_features(data) else X)

        extent = extent_of(data) if data.X_train.shape[1] == 2 else None
        grid = inputs(grid_points(extent, GRID)) if extent else None
        return cls(inputs(data.X_train), torch.from_numpy(data.y_train), inputs(data.X_val),
                   torch.from_numpy(data.y_val), data.task, grid, extent)

    def loss(self, out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(out, y) if self.task == "classification" else F.mse_loss(out[:, 0], y)

    def accuracy(self, out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        if self.task == "regression":
            return torch.tensor(float("nan"))
        return (out.argmax(dim=1) == y).float().mean()

    @cached_property
    def X_both(self) -> torch.Tensor:
        """Both splits in one tensor, for one forward pass per measurement."""
        return torch.cat([self.X_train, self.X_val])

    @torch.no_grad()
    def measure(self, model: torch.nn.Module,
                weights: list[torch.Tensor]) -> tuple[dict[str, float], torch.Tensor]:
        """METRICS in one forward pass over both splits (put ``model`` in eval mode first), the
        weight norm over ``weights`` (the model's penalized weights); also the validation outputs."""
        n = len(self.X_train)
        out = model(self.X_both)
        train_out, val_out = out[:n], out[n:]
        # in float64: weights of 1e20 are finite in float32, the sum of their squares is not
        norm = torch.stack([w.double().pow(2).sum() for w in weights]).sum().sqrt()
        values = torch.stack([self.loss(train_out, self.y_train), self.loss(val_out, self.y_val),
                              self.accuracy(train_out, self.y_train), self.accuracy(val_out, self.y_val)])
        return dict(zip(METRICS, [*values.tolist(), norm.item()], strict=True)), val_out

    def frame(self, epoch: int, model: torch.nn.Module) -> Frame:
        return take_frame(epoch, model, self.X_train, self.grid, self.task)


def extent_of(data: SplitData, pad: float = 0.1) -> tuple[float, float, float, float]:
    X = np.concatenate([data.X_train, data.X_val])
    lo, hi = X.min(axis=0), X.max(axis=0)
    lo, hi = lo - pad * (hi - lo), hi + pad * (hi - lo)
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])


def batches(n: int, batch_size: int, generator: torch.Generator) -> list[torch.Tensor]:
    if batch_size == 0 or batch_size >= n:
        return [torch.arange(n)]
    chunks = list(torch.randperm(n, generator=generator).split(batch_size))
    if len(chunks[-1]) == 1:  # a lone example has no batch statistics: fold it into the previous batch
        chunks[-2:] = [torch.cat(chunks[-2:])]
    return chunks


def train(data: SplitData, config: LabConfig, progress: Callable[[Run], None] | None = None,
          report_every: int = 0, should_stop: StopCheck = never) -> Run:
    """Train a fresh network (seeded by ``config.seed``) and record its history.

    ``progress(run)`` is called every ``report_every`` epochs (0: never) with the run so far;
    ``should_stop()`` before every mini-batch step (True raises ``Stopped`` with the epochs done).
    """
    config.validate()
    tensors = Tensors.of(data, config)
    with _flush_denormals():
        generator = torch.Generator().manual_seed(config.seed)  # mini-batch order
        model = build_mlp(config.mlp(data), seed=config.seed)
        initial = [p.detach().clone() for p in model.parameters()]  # θ_init, where the loss line starts
        # dropout masks from this run's own stream: reproducible even while other sessions train
        draw_dropout_from(model, torch.Generator().manual_seed(config.seed))
        optimizer = make_optimizer(model, config.optimizer, config.lr, config.weight_decay,
                                   decay=config.decay, contiguous=True, tuned=config.knobs)
        scheduler = _scheduler(optimizer, config)
        stopper = EarlyStopping(config.patience, config.min_delta, config.restore_best,
                                config.start_from_epoch)
        every = max(1, math.ceil(config.epochs / max(1, config.frames)))
        layers = linear_layers(model)
        run = Run(config, data.task, {name: [] for name in ("epoch", *METRICS, "lr")}, [], tensors.extent,
                  gradients={name: [] for name in ("epoch", *(name for name, _ in layers))})
        # model.train()/eval() walk every module; only dropout and batchnorm behave differently
        switches = [m for m in model.modules() if isinstance(m, (nn.Dropout, nn.BatchNorm1d))]
        weights = penalized_weights(model)  # listed once: walking the modules every epoch adds up
        grads = [layer.weight.grad for _, layer in layers]  # views of the flat gradient backward fills

        def training(mode: bool) -> None:
            for module in switches:
                module.training = mode

        def record(epoch: int) -> bool:
            """Append the epoch's row; False (and nothing appended) if a loss is not finite."""
            training(False)
            metrics, _ = tensors.measure(model, weights)
            if not (math.isfinite(metrics["train_loss"]) and math.isfinite(metrics["val_loss"])):
                return False
            for name, value in (("epoch", epoch), *metrics.items(), ("lr", optimizer.param_groups[0]["lr"])):
                run.history[name].append(value)
            return True

        def logged(epoch: int) -> None:
            """Log the gradient just computed from epoch ``epoch``'s weights: each layer's norm, and
            the histograms in that epoch's frame when it has one."""
            norms = torch.stack([torch.linalg.vector_norm(g) for g in grads if g is not None]).tolist()
            for name, value in zip(run.gradients, (epoch, *norms), strict=True):
                run.gradients[name].append(value)
            if run.frames[-1].epoch == epoch:
                run.frames[-1] = replace(run.frames[-1], gradients=gradient_stats(model))

        run.frames.append(tensors.frame(0, model))
        if not record(0):  # the untrained network's loss is already NaN or inf: nothing to train from
            run.diverged_at = 0
        epochs = range(1, config.epochs + 1) if run.diverged_at is None else range(0)
        for epoch in epochs:
            training(True)
            asked = partial(check, should_stop, epoch - 1)
            if not (_epoch(model, optimizer, tensors, config, generator, partial(logged, epoch - 1), asked)
                    and record(epoch)):
                run.diverged_at = epoch
                break
            scheduler.step()
            if epoch % every == 0 or epoch == config.epochs:
                run.frames.append(tensors.frame(epoch, model))
            if progress and report_every and epoch % report_every == 0:
                progress(run)
            if config.early_stopping and stopper.update(epoch, run.history["val_loss"][-1], model):
                run.stopped_epoch = epoch
                break
        if run.diverged_at is None:
            if run.frames[-1].epoch != run.epochs_run:  # early stopping stopped between frames
                run.frames.append(tensors.frame(run.epochs_run, model))
            training(True)
            _last_gradient(model, optimizer, tensors, config, generator, partial(logged, run.epochs_run))
        _finish(run, model, stopper, tensors)
        run.line = loss_line(initial, model, tensors)
    return run


@contextmanager
def _flush_denormals() -> Iterator[None]:
    """Treat subnormal floats (|x| < 1e-38) as zero while training, as GPUs do. A network that has
    memorized its data has gradients that tiny, and CPUs compute on subnormals many times slower.
    The flag belongs to the calling thread; it is switched back off afterwards (PyTorch's default):
    torch offers no getter for it, so a caller's own setting cannot be read and put back."""
    torch.set_flush_denormal(True)
    try:
        yield
    finally:
        torch.set_flush_denormal(False)


def _loss(model: torch.nn.Module, tensors: Tensors, config: LabConfig, rows: torch.Tensor) -> torch.Tensor:
    """The loss a step minimises on the batch ``rows``: the data loss plus the penalty terms."""
    loss = tensors.loss(model(tensors.X_train[rows]), tensors.y_train[rows])
    terms = loss_terms(model, config.l1, config.l2, config.l1_kind)
    return loss if terms is None else loss + terms


def _epoch(model: torch.nn.Module, optimizer: torch.optim.Optimizer, tensors: Tensors, config: LabConfig,
           generator: torch.Generator, first: Callable[[], None], asked: Callable[[], None]) -> bool:
    """One pass over the training set; False, before any step on it, if a batch loss is not finite.
    ``first()`` is called once the first batch's gradient is computed, before its step; ``asked()``
    before every step (it raises to stop the run)."""
    for index, rows in enumerate(batches(len(tensors.X_train), config.batch_size, generator)):
        asked()
        loss = _loss(model, tensors, config, rows)
        if not torch.isfinite(loss):
            return False
        optimizer.zero_grad(set_to_none=False)  # in place: the parameters' grads are views of it
        loss.backward()
        if index == 0:
            first()
        optimizer.step()
        after_step_(model, optimizer.param_groups[0]["lr"], config.l1, config.l1_kind)
    return True


def _last_gradient(model: torch.nn.Module, optimizer: torch.optim.Optimizer, tensors: Tensors,
                   config: LabConfig, generator: torch.Generator, logged: Callable[[], None]) -> None:
    """The gradient the next epoch's first step would take from the final weights, without the step;
    the train-mode pass's update of batchnorm's running statistics is undone."""
    kept = [buffer.clone() for buffer in model.buffers()]
    loss = _loss(model, tensors, config, batches(len(tensors.X_train), config.batch_size, generator)[0])
    if torch.isfinite(loss):
        optimizer.zero_grad(set_to_none=False)
        loss.backward()
        logged()
    with torch.no_grad():
        for buffer, value in zip(model.buffers(), kept, strict=True):
            buffer.copy_(value)


def _finish(run: Run, model: torch.nn.Module, stopper: EarlyStopping, tensors: Tensors) -> None:
    """Restore the best weights if asked, and measure the network the run hands back."""
    if run.config.early_stopping and math.isfinite(stopper.best):
        run.best_epoch = stopper.best_epoch
        if run.config.restore_best and stopper.restore(model):
            run.best = tensors.frame(run.best_epoch, model)
    model.eval()
    run.final, val_out = tensors.measure(model, penalized_weights(model))
    finite = math.isfinite(run.final["train_loss"]) and math.isfinite(run.final["val_loss"])
    if finite and run.task == "classification":
        k = val_out.shape[1]
        pairs = tensors.y_val * k + val_out.argmax(dim=1)  # (true, predicted) as one index
        run.confusion = torch.bincount(pairs, minlength=k * k).reshape(k, k).numpy()
    if not finite and run.history["epoch"]:  # diverged mid-epoch: report the last finite epoch, as charts do
        run.final = {name: run.history[name][-1] for name in METRICS}
    run.final["zero_weights"] = float(sum(layer.zeros for layer in (run.best or run.frames[-1]).layers))
    run.model = model


def _scheduler(optimizer: torch.optim.Optimizer, config: LabConfig) -> torch.optim.lr_scheduler.LambdaLR:
    """The learning-rate schedule, stepped once per epoch."""
    schedule = config.lr_schedule
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda epoch: schedule.factor(epoch, config.epochs))
