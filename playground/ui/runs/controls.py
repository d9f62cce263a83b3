"""The Training runs page's sidebar: every setting of a run, each kept in the URL.

A control that does not apply to the current choice stays visible but disabled, with a help
text saying why (so its value, and the link, survive switching back): momentum outside the
SGD-with-velocity methods, warmup outside the warming schedules, dropout and batchnorm on the
fast CIFAR net, which has its own fixed BatchNorm and no dropout.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from playground.datasets.images import DATASETS
from playground.optim import METHODS
from playground.schedules import SCHEDULES
from playground.train import RunConfig
from playground.train.device import available
from playground.train.models import MODELS
from playground.ui import policy
from playground.ui.knobs import knob
from playground.ui.urlstate import QueryState

WARMUP_SCHEDULES = ("warmup_cosine", "one_cycle")
MOMENTUM_METHODS = tuple(name for name, method in METHODS.items() if "momentum" in method.defaults)
FIXED_ARCHITECTURE = ("fast",)  # models the dropout and batchnorm switches do not change
BATCH_SIZES = [16, 32, 64, 128, 256, 512, 1024, 2048]
BACKENDS = {"scratch": "ours, from scratch", "torch": "torch.optim"}


def settings(qs: QueryState) -> RunConfig:
    """Draw the sidebar's controls and return the run they describe."""
    optimization = _optimization(qs)
    with st.sidebar.expander("Regularization"):
        regularization = _regularization(qs, optimization["model"])
    with st.sidebar.expander("Hardware and seed"):
        device = qs.choice("device", "Device", ["auto", *available()], "auto")
        seed = qs.number("seed", "Seed", 0, lo=0, hi=2**31 - 1)
    return RunConfig(**optimization, **regularization, device=device, seed=seed)


def _optimization(qs: QueryState) -> dict[str, Any]:
    side = st.sidebar
    dataset = qs.choice("dataset", "Dataset", DATASETS, "digits", where=side,
                        format_func=lambda name: DATASETS[name].title)
    model = qs.choice("model", "Model", MODELS, "mlp", where=side, format_func=lambda name: MODELS[name])
    optimizer = qs.choice("optimizer", "Optimizer", METHODS, "Adam", where=side)
    backend = qs.choice("backend", "Implementation", BACKENDS, "scratch", widget="radio", where=side,
                        horizontal=True, format_func=lambda name: BACKENDS[name])
    lr = knob(qs, "lr", "lr", 1e-3, where=side, label="Learning rate")
    momentum = knob(qs, "momentum", "momentum", 0.9, where=side, disabled=optimizer not in MOMENTUM_METHODS,
                    help=f"The velocity's decay, for {' and '.join(MOMENTUM_METHODS)} only.")
    epochs = qs.number("epochs", "Epochs", 3, lo=1, hi=100, where=side)
    batch = qs.choice("batch", "Batch size", BATCH_SIZES, 128, widget="select_slider", where=side)
    schedule = qs.choice("schedule", "Learning-rate schedule", SCHEDULES, "constant", where=side)
    warmup = qs.slider("warmup", "Warmup (fraction of the run)", 0.2, lo=0.05, hi=0.5, step=0.05, where=side,
                       disabled=schedule not in WARMUP_SCHEDULES,
                       help="How much of the run the learning rate spends rising; only "
                            f"{' and '.join(WARMUP_SCHEDULES)} warm up.")
    return dict(dataset=dataset, model=model, optimizer=optimizer, backend=backend, lr=lr,
                momentum=momentum if optimizer in MOMENTUM_METHODS else None, epochs=epochs,
                batch_size=batch, schedule=schedule, warmup=warmup if schedule in WARMUP_SCHEDULES else 0.0)


def _regularization(qs: QueryState, model: str) -> dict[str, Any]:
    fixed = model in FIXED_ARCHITECTURE
    fixed_help = "The fast CIFAR net has its own fixed BatchNorm layers and no dropout." if fixed else None
    weight_decay = knob(qs, "wd", "weight_decay", 0.0, label="Weight decay")
    decay = policy.decay(qs, disabled=not weight_decay)
    l1 = qs.number("l1", "L1 λ", 0.0, lo=0.0, hi=1.0)
    l1_kind = policy.l1_kind(qs, disabled=not l1)
    l2 = qs.number("l2", "L2 penalty λ", 0.0, lo=0.0, hi=1.0)
    dropout = qs.slider("dropout", "Dropout", 0.0, lo=0.0, hi=0.8, step=0.05, disabled=fixed, help=fixed_help)
    batchnorm = qs.switch("batchnorm", "Batch normalization", disabled=fixed, help=fixed_help)
    smoothing = qs.slider("smoothing", "Label smoothing", 0.0, lo=0.0, hi=0.3, step=0.05,
                          help="Train towards 1 − ε on the true class and ε spread over all classes; "
                               "the reported test loss stays plain cross-entropy.")
    augment = qs.switch("augment", "Augment (flips, 2-pixel shifts)")
    clip = qs.number("clip", "Clip gradient norm at (0 = off)", 0.0, lo=0.0, hi=100.0)
    patience = qs.number("patience", "Early-stopping patience (0 = off)", 0, lo=0, hi=20)
    return dict(weight_decay=weight_decay, decay=decay, l1=l1, l1_kind=l1_kind, l2=l2,
                dropout=0.0 if fixed else dropout,
                batchnorm=batchnorm and not fixed, label_smoothing=smoothing, augment=augment, clip=clip,
                patience=patience)
