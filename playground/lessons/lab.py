"""Lessons on the regularization lab page. Each step's ``facts`` reads what the lab trained and
drew: ``runs`` ({label: Run}; with the A/B switch on, A (every regularizer off) then B (as set),
same data, seed and initial weights) and ``data``, the lab's split.

L1's proximal step is ISTA's soft-thresholding (Daubechies, Defrise and De Mol 2004); coupled
versus decoupled weight decay in Adam follows Loshchilov and Hutter, "Decoupled Weight Decay
Regularization" (ICLR 2019); dropout, Srivastava et al. (JMLR 2014); batch normalization and its
running statistics, Ioffe and Szegedy (ICML 2015) as torch.nn.BatchNorm1d implements it;
early stopping follows Keras 3's rules (:mod:`playground.regularization.early_stopping`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import torch
from torch import nn

from playground.datasets.toy import SplitData
from playground.lessons.lesson import Facts, Lesson, Step
from playground.regularization.probes import SMALL, BatchNormStats
from playground.regularization.trainer import Run, batches

Runs = Mapping[str, Run]
LAYER_CHOICES = {"hidden 1": 1, "hidden 2": 2, "output": 3}  # the adamw.3 choices, by layer
EVEN = 1.5  # layers' kept shares within this factor of each other count as "shrunk alike"


def _pair(runs: Runs) -> tuple[Run, Run]:
    """A and B of an A/B comparison; IndexError when the student switched comparing off."""
    values = list(runs.values())
    return values[-2], values[-1]


# L1 versus L2: exact zeros or smaller weights.

def _zeros(runs: Runs, _data: SplitData) -> Facts:
    a, b = _pair(runs)
    layers = (b.best or b.frames[-1]).layers  # the network B hands back, as run.final counts its zeros
    weights = sum(layer.size for layer in layers)
    zeros = int(b.final["zero_weights"])
    return {"zeros": zeros, "weights": weights, "share": zeros / weights, "tiny": SMALL,
            "small": sum(layer.small for layer in layers), "norm_a": a.final["weight_norm"],
            "norm_b": b.final["weight_norm"], "lam": b.config.l1 or b.config.l2,
            "pull": b.config.lr * b.config.l1,
            "answer": 0 if zeros == 0 else 1 if zeros <= weights / 2 else 2}


# Coupled L2 versus decoupled weight decay in Adam.

def _decay(runs: Runs, _data: SplitData) -> Facts:
    a, b = _pair(runs)
    kept = b.final["weight_norm"] / a.final["weight_norm"]
    layers = b.frames[-1].layers
    lam, lr = b.config.weight_decay, b.config.lr
    return {"lam": lam, "lr": lr, "factor": 1 - lr * lam,
            "norm_a": a.final["weight_norm"], "norm_b": b.final["weight_norm"], "kept": kept,
            "small": sum(layer.small for layer in layers), "weights": sum(layer.size for layer in layers),
            "tiny": SMALL, "train_acc_a": a.final["train_acc"], "train_acc_b": b.final["train_acc"],
            "train_b": b.final["train_loss"], "val_a": a.final["val_loss"], "val_b": b.final["val_loss"],
            "answer": 0 if kept < 0.1 else 1 if kept <= 1 else 2}


def _decay_by_layer(runs: Runs, data: SplitData) -> Facts:
    """Which layer keeps the largest share of its norm; KeyError unless the net has the lab's default
    shape (two hidden layers), the layers the step's choices name."""
    a, b = _pair(runs)
    kept = {new.name: new.norm / old.norm for old, new in zip(a.frames[-1].layers, b.frames[-1].layers,
                                                              strict=True)}
    if set(kept) != set(LAYER_CHOICES):
        raise KeyError("the default two hidden layers")
    most = max(kept, key=kept.__getitem__)
    even = max(kept.values()) < EVEN * min(kept.values())
    return {**_decay(runs, data), "kept_h1": kept["hidden 1"], "kept_h2": kept["hidden 2"],
            "kept_out": kept["output"], "layer": 0 if even else LAYER_CHOICES[most]}


# Dropout and the generalization gap.

def _gap(runs: Runs, _data: SplitData) -> Facts:
    a, b = _pair(runs)
    gap_a = a.final["val_loss"] - a.final["train_loss"]
    gap_b = b.final["val_loss"] - b.final["train_loss"]
    facts = {"p": b.config.dropout, "gap_a": gap_a, "gap_b": gap_b, "closed": 1 - gap_b / gap_a}
    for label, run in (("a", a), ("b", b)):
        facts |= {f"{name}_{label}": run.final[f"{name}_loss"] for name in ("train", "val")}
        facts |= {f"{name}_acc_{label}": run.final[f"{name}_acc"] for name in ("train", "val")}
    ratio = gap_b / gap_a
    underfit = facts["train_acc_b"] < facts["train_acc_a"] - 0.05
    return {**facts, "answer": 0 if ratio < 0.25 else 1 if ratio <= 0.75 else 2,
            "outcome": 2 if gap_b > gap_a else 1 if underfit else 0}


# Batchnorm: batch statistics in training, running statistics in eval.

def _momentum(run: Run) -> float:
    """The running averages' momentum, read off the trained network (torch's default is 0.1)."""
    modules = run.model.modules() if run.model is not None else ()
    momenta = [m.momentum for m in modules if isinstance(m, nn.BatchNorm1d) and m.momentum is not None]
    if not momenta:  # no batchnorm, or a cumulative average (momentum None), which no step is about
        raise KeyError("batchnorm with a running-average momentum")
    return float(momenta[0])


def _steps(run: Run, data: SplitData) -> int:
    """Optimizer steps taken: epochs × mini-batches per epoch (the trainer's own batching)."""
    per_epoch = len(batches(len(data.X_train), run.config.batch_size, torch.Generator()))
    return run.epochs_run * per_epoch


def _offsets(stats: list[BatchNormStats]) -> tuple[float, float]:
    """Over every BN unit: the mean |running − training-set mean| in training-set standard
    deviations, and the median |running / training-set variance − 1|."""
    means = np.concatenate([np.abs(s.running_mean - s.batch_mean) / np.sqrt(s.batch_var) for s in stats])
    variances = np.concatenate([np.abs(s.running_var / s.batch_var - 1) for s in stats])
    return float(means.mean()), float(np.median(variances))


def _statistics(runs: Runs, data: SplitData) -> Facts:
    *_, run = runs.values()
    frame = run.frames[-1]
    first = frame.batchnorm[0]  # IndexError when batchnorm is off
    slope = float(first.running_mean @ first.batch_mean / (first.batch_mean @ first.batch_mean))
    mean_off, var_off = _offsets(frame.batchnorm)
    momentum, steps = _momentum(run), _steps(run, data)
    on_diagonal = abs(slope - 1) < 0.1 and mean_off < 0.05
    start = all(np.allclose(s.running_mean, 0, atol=1e-3) for s in frame.batchnorm)
    return {"epochs": run.epochs_run, "steps": steps, "momentum": momentum, "window": 1 / momentum,
            "expected": 1 - (1 - momentum) ** steps, "slope": slope, "mean_off": mean_off, "var_off": var_off,
            "gap": frame.mode_gap, "batch": run.config.batch_size,
            "place": 0 if on_diagonal else 2 if start else 1,
            "spread": 2 if all(np.allclose(s.running_var, 1, atol=1e-3) for s in frame.batchnorm)
            else 1 if var_off > 0.1 else 0}


# Early stopping and the best epoch.

def _stopping(runs: Runs, _data: SplitData) -> Facts:
    a, b = _pair(runs)
    if b.best_epoch is None:
        raise KeyError("early stopping is off")
    curve = a.history["val_loss"]  # row e is epoch e (0: the untrained network)
    a_best = int(np.argmin(curve))
    stopped = b.stopped_epoch
    val_best = b.history["val_loss"][b.best_epoch]
    val_b, val_a_end = b.final["val_loss"], a.final["val_loss"]
    return {"patience": b.config.patience, "best": b.best_epoch, "stopped": stopped or b.epochs_run,
            "waited": (stopped or b.epochs_run) - b.best_epoch, "epochs": a.epochs_run, "val_b": val_b,
            "val_best": val_best, "val_a_end": val_a_end, "a_best": a_best, "val_a_min": curve[a_best],
            "when": 2 if stopped is None else 1 if stopped - b.best_epoch == b.config.patience else 0,
            "kept": 0 if math.isclose(val_b, val_best, rel_tol=1e-6) else 1 if val_b < val_a_end / 2 else 2,
            "found": 2 if stopped is None else 0 if b.best_epoch == a_best else 1}


COMPARE = {"compare": "true"}
# plain SGD: no per-weight division (as in Adam) blurs what L1 and L2 do to each weight
SGD = {**COMPARE, "opt": "SGD", "lr": "0.1"}
L1 = {**SGD, "l1": "true", "l1_strength": "0.0005"}

L1_L2 = Lesson("l1_l2", (
    Step("lab", {**SGD, "l2": "true"}, _zeros, lambda f: f["answer"], expect=0),
    Step("lab", L1, _zeros, lambda f: f["answer"], expect=1),
    Step("lab", {**L1, "l1_kind": "penalty"}, _zeros, lambda f: f["answer"], expect=0),
))

COUPLED = {**COMPARE, "wd": "true", "decay": "coupled"}
ADAMW = Lesson("adamw", (
    Step("lab", COUPLED, _decay, lambda f: f["answer"], expect=0),
    Step("lab", {**COMPARE, "wd": "true"}, _decay, lambda f: f["answer"], expect=1),
    Step("lab", {**COUPLED, "wd_strength": "0.001"}, _decay_by_layer, lambda f: f["layer"], expect=3,
         choices=4),
))

DROPOUT = Lesson("dropout", (
    Step("lab", {**COMPARE, "dropout": "true"}, _gap, lambda f: f["answer"], expect=0),
    Step("lab", {**COMPARE, "dropout": "true", "dropout_strength": "0.2"}, _gap, lambda f: f["answer"],
         expect=1),
    Step("lab", {**COMPARE, "dropout": "true", "dropout_strength": "0.9"}, _gap, lambda f: f["outcome"],
         expect=1),
))

BATCHNORM = Lesson("batchnorm", (
    Step("lab", {"bn": "true", "epochs": "5"}, _statistics, lambda f: f["place"], expect=1),
    Step("lab", {"bn": "true"}, _statistics, lambda f: f["place"], expect=0),
    Step("lab", {"bn": "true", "batch": "4", "epochs": "100"}, _statistics, lambda f: f["spread"], expect=1),
))

EARLY = {**COMPARE, "es": "true"}
EARLY_STOPPING = Lesson("early_stopping", (
    Step("lab", EARLY, _stopping, lambda f: f["when"], expect=1),
    Step("lab", {**EARLY, "restore": "false"}, _stopping, lambda f: f["kept"], expect=1),
    Step("lab", {**EARLY, "patience": "3"}, _stopping, lambda f: f["found"], expect=1),
))

LESSONS: tuple[Lesson, ...] = (L1_L2, ADAMW, DROPOUT, BATCHNORM, EARLY_STOPPING)
