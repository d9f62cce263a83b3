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
from playground.train import TrainConfig
from playground.train.device import available
from playground.train.models import MODELS
from playground.ui.urlstate import QueryState

WARMUP_SCHEDULES = ("warmup_cosine", "one_cycle")
MOMENTUM_METHODS = tuple(name for name, method in METHODS.items() if "momentum" in method.defaults)
FIXED_ARCHITECTURE = ("fast",)  # models the dropout and batchnorm switches do not change
BATCH_SIZES = [16, 32, 64, 128, 256, 512, 1024, 2048]


def settings(qs: QueryState) -> TrainConfig:
    """Draw the sidebar's controls and return the run they describe."""
    optimization = _optimization(qs)
    with st.sidebar.expander("Regularization"):
        regularization = _regularization(qs, optimization["model"])
    with st.sidebar.expander("Hardware and seed"):
        devices = ["auto", *available()]
        device = st.selectbox("Device", devices, key=qs.field("device", "auto", choices=devices))
        seed = st.number_input("Seed", 0, 2**31 - 1, key=qs.field("seed", 0, lo=0, hi=2**31 - 1))
    return TrainConfig(**optimization, **regularization, device=device, seed=seed)


def _optimization(qs: QueryState) -> dict[str, Any]:
    side = st.sidebar
    names, models, methods = list(DATASETS), list(MODELS), list(METHODS)
    dataset = side.selectbox("Dataset", names, format_func=lambda n: DATASETS[n].title,
                             key=qs.field("dataset", "digits", choices=names))
    model = side.selectbox("Model", models, format_func=MODELS.get,
                           key=qs.field("model", "mlp", choices=models))
    optimizer = side.selectbox("Optimizer", methods, key=qs.field("optimizer", "Adam", choices=methods))
    backend = side.radio("Implementation", ["scratch", "torch"], horizontal=True,
                         format_func={"scratch": "ours, from scratch", "torch": "torch.optim"}.get,
                         key=qs.field("backend", "scratch", choices=["scratch", "torch"]))
    lr = side.number_input("Learning rate", 1e-6, 10.0, format="%g",
                           key=qs.field("lr", 1e-3, lo=1e-6, hi=10.0))
    momentum = side.slider("Momentum μ", 0.5, 0.99, step=0.01,
                           key=qs.field("momentum", 0.9, lo=0.5, hi=0.99),
                           disabled=optimizer not in MOMENTUM_METHODS,
                           help=f"The velocity's decay, for {' and '.join(MOMENTUM_METHODS)} only.")
    epochs = side.number_input("Epochs", 1, 100, key=qs.field("epochs", 3, lo=1, hi=100))
    batch = side.select_slider("Batch size", BATCH_SIZES, key=qs.field("batch", 128, choices=BATCH_SIZES))
    schedule = side.selectbox("Learning-rate schedule", SCHEDULES,
                              key=qs.field("schedule", "constant", choices=SCHEDULES))
    warmup = side.slider("Warmup (fraction of the run)", 0.05, 0.5, step=0.05,
                         key=qs.field("warmup", 0.2, lo=0.05, hi=0.5),
                         disabled=schedule not in WARMUP_SCHEDULES,
                         help="How much of the run the learning rate spends rising; only "
                              f"{' and '.join(WARMUP_SCHEDULES)} warm up.")
    return dict(dataset=dataset, model=model, optimizer=optimizer, backend=backend, lr=lr,
                momentum=momentum if optimizer in MOMENTUM_METHODS else None, epochs=epochs,
                batch_size=batch, schedule=schedule, warmup=warmup if schedule in WARMUP_SCHEDULES else 0.0)


def _regularization(qs: QueryState, model: str) -> dict[str, Any]:
    fixed = model in FIXED_ARCHITECTURE
    fixed_help = "The fast CIFAR net has its own fixed BatchNorm layers and no dropout." if fixed else None
    weight_decay = st.number_input("Weight decay", 0.0, 1.0, format="%g",
                                   key=qs.field("wd", 0.0, lo=0.0, hi=1.0))
    l1 = st.number_input("L1 penalty λ", 0.0, 1.0, format="%g", key=qs.field("l1", 0.0, lo=0.0, hi=1.0))
    l2 = st.number_input("L2 penalty λ", 0.0, 1.0, format="%g", key=qs.field("l2", 0.0, lo=0.0, hi=1.0))
    dropout = st.slider("Dropout", 0.0, 0.8, step=0.05, key=qs.field("dropout", 0.0, lo=0.0, hi=0.8),
                        disabled=fixed, help=fixed_help)
    batchnorm = st.toggle("Batch normalization", key=qs.field("batchnorm", False), disabled=fixed,
                          help=fixed_help)
    smoothing = st.slider("Label smoothing", 0.0, 0.3, step=0.05,
                          key=qs.field("smoothing", 0.0, lo=0.0, hi=0.3),
                          help="Train towards 1 − ε on the true class and ε spread over all classes; "
                               "the reported test loss stays plain cross-entropy.")
    augment = st.toggle("Augment (flips, 2-pixel shifts)", key=qs.field("augment", False))
    clip = st.number_input("Clip gradient norm at (0 = off)", 0.0, 100.0, format="%g",
                           key=qs.field("clip", 0.0, lo=0.0, hi=100.0))
    patience = st.number_input("Early-stopping patience (0 = off)", 0, 20,
                               key=qs.field("patience", 0, lo=0, hi=20))
    return dict(weight_decay=weight_decay, l1=l1, l2=l2, dropout=0.0 if fixed else dropout,
                batchnorm=batchnorm and not fixed, label_smoothing=smoothing, augment=augment, clip=clip,
                patience=patience)
