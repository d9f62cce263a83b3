"""The lab's sidebar: every setting as a URL-backed widget, turned into data and a LabConfig."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from playground.datasets.tabular import CSVError, read_csv, to_split
from playground.datasets.toy import DIGITS_SIZE, TOY_SETS, SplitData, make_toy
from playground.optim import METHODS
from playground.optim.hyperparameters import KNOBS
from playground.regularization.config import MAX_EPOCHS, WARMING, LabConfig
from playground.regularization.features import FEATURES, PLAIN
from playground.regularization.mlp import ACTIVATIONS, INITS, parse_hidden
from playground.regularization.optimizers import knobs
from playground.schedules import SCHEDULES
from playground.ui import policy
from playground.ui.knobs import knob
from playground.ui.urlstate import QueryState

UPLOAD = "your CSV"
SOURCES = (*TOY_SETS, UPLOAD)
TASKS = ("classification", "regression")
INIT_LABELS = {"default": "PyTorch default", "xavier": "Xavier", "he": "He"}


@dataclass
class Settings:
    data: SplitData | None = None
    source: dict[str, Any] = field(default_factory=dict)  # where the data came from, for the export and cache
    config: LabConfig = field(default_factory=LabConfig)
    compare: bool = False
    errors: list[str] = field(default_factory=list)


@st.cache_data(max_entries=16, show_spinner=False)
def _toy(name: str, n: int, noise: float, val_fraction: float, seed: int) -> SplitData:
    return make_toy(name, n, noise, val_fraction, seed)


@st.cache_data(max_entries=4, show_spinner=False)
def _csv(raw: bytes):
    return read_csv(raw)


def data_controls(qs: QueryState, settings: Settings) -> None:
    source = qs.choice("data", "Dataset", SOURCES, "moons")
    if source == UPLOAD:
        _upload(qs, settings)
        return
    n = qs.number("n", "Points", 60, lo=10, hi=2000, step=10,
                  help="Few points and a wide network: the recipe for overfitting.")
    noise = qs.slider("noise", "Noise", 0.45, lo=0.0, hi=1.0, step=0.05)
    val = qs.slider("val", "Validation fraction", 0.5, lo=0.1, hi=0.9, step=0.05)
    seed = qs.number("data_seed", "Data seed", 0, lo=0, hi=10**6)
    if source == "digits" and n > DIGITS_SIZE:
        st.info(f"Digits has {DIGITS_SIZE:,} images: using all of them, not {n:,}.")
    settings.source = {"dataset": source, "points": n, "noise": noise, "validation_fraction": val,
                       "seed": seed}
    settings.data = _toy(source, n, noise, val, seed)


def _upload(qs: QueryState, settings: Settings) -> None:
    upload = st.file_uploader("CSV file (UTF-8, header row, numeric features)", type=["csv", "txt"])
    label = qs.field("label", "")
    task = qs.choice("task", "The label is", TASKS, TASKS[0], widget="radio", horizontal=True,
                     format_func=lambda t: "classes" if t == "classification" else "a number (regression)")
    val = qs.slider("val", "Validation fraction", 0.5, lo=0.1, hi=0.9, step=0.05)
    seed = qs.number("split_seed", "Split seed (which rows validate)", 0, lo=0, hi=10**6)
    if upload is None:
        settings.errors.append("Upload a CSV file: numeric feature columns plus one label column. Files stay "
                               "in this session and are never executed; the link cannot carry them.")
        return
    raw = upload.getvalue()
    try:
        frame = _csv(raw)
        columns = list(frame.columns)
        if st.session_state[label] not in columns:
            st.session_state[label] = columns[-1]
        chosen = st.selectbox("Label column", columns, key=label)
        settings.data = to_split(frame, chosen, task, val, seed)
    except CSVError as error:
        settings.errors.append(f"{upload.name}: {error}")
        return
    settings.source = {"dataset": "csv", "file": upload.name, "sha256": hashlib.sha256(raw).hexdigest(),
                       "label": chosen, "task": task, "validation_fraction": val, "seed": seed}


def network_controls(qs: QueryState, settings: Settings) -> dict[str, Any]:
    hidden_text = qs.text("hidden", "Hidden layers (widths)", "128,128",
                          help="Comma-separated widths: 0-6 layers of 1-256 units; empty: linear.")
    activation = qs.choice("act", "Activation", ACTIVATIONS, "relu")
    init = qs.choice("init", "Initialization", INITS, "default",
                     format_func=lambda name: INIT_LABELS.get(name, name))
    two_d = settings.data is not None and settings.data.X_train.shape[1] == 2
    features = qs.choice("features", "Input features", FEATURES, list(PLAIN), widget="multiselect",
                         format_func=lambda name: FEATURES.get(name, name), disabled=not two_d,
                         help="TensorFlow Playground's hand-made features (2-D data only).")
    try:
        hidden = parse_hidden(hidden_text)
    except ValueError as error:
        settings.errors.append(f"Hidden layers: {error}")
        hidden = LabConfig.hidden
    if two_d and not features:
        settings.errors.append("Choose at least one input feature.")
    return {"hidden": hidden, "activation": activation, "init": init,
            "features": tuple(features) if two_d and features else PLAIN}


def knob_controls(qs: QueryState, method: str) -> dict[str, float | bool]:
    """``method``'s hyperparameters that differ from its defaults, in a folded section; each
    is remembered per method (``adam_eps``, ``sgd_nesterov``, ...)."""
    defaults = knobs(method)
    with st.expander(f"{method} hyperparameters"):
        tuned = {name: knob(qs, f"{method.lower()}_{name}", name, default)
                 for name, default in defaults.items()}
    return {name: value for name, value in tuned.items() if value != defaults[name]}


def optimizer_controls(qs: QueryState) -> dict[str, Any]:
    method = qs.choice("opt", "Optimizer", METHODS, "Adam")
    lr = knob(qs, "lr", "lr", 0.01, label="Learning rate")
    knob_changes = knob_controls(qs, method)
    schedule = qs.choice("schedule", "Learning-rate schedule", SCHEDULES, SCHEDULES[0])
    steps = schedule in ("step", "exponential")
    left, right = st.columns(2)
    step_size = qs.number("step_size", "every … epochs", 100, lo=1, hi=MAX_EPOCHS, where=left,
                          disabled=not steps, help="The step schedule multiplies η by γ every so many "
                                                   "epochs; exponential spreads the same decay evenly.")
    gamma = qs.number("gamma", "multiply by γ", 0.5, lo=0.01, hi=1.0, where=right, disabled=not steps)
    warmup = qs.number("warmup", "Warmup (epochs)", 40, lo=0, hi=MAX_EPOCHS, disabled=schedule not in WARMING,
                       help="warmup_cosine rises linearly over these epochs; one_cycle rises along a cosine "
                            "(0: the first 30% of the run, torch's OneCycleLR default).")
    batch = qs.number("batch", "Batch size (0 = full batch)", 0, lo=0, hi=20_000)
    epochs = qs.number("epochs", "Epochs", 400, lo=1, hi=MAX_EPOCHS)
    seed = qs.number("seed", "Seed (initial weights, dropout, batches)", 0, lo=0, hi=10**6)
    return {"optimizer": method, "lr": lr, "knobs": knob_changes, "schedule": schedule,
            "step_size": step_size, "gamma": gamma, "warmup": warmup, "batch_size": batch, "epochs": epochs,
            "seed": seed}


def _switch(qs: QueryState, name: str, label: str, strength: str | None = None, default: float = 0.0,
            hi: float = 1.0) -> float:
    """A toggle, and beside it the strength it switches on; returns the strength, or 0 when off."""
    if strength is None:
        return float(qs.switch(name, label))
    left, right = st.columns([3, 2], vertical_alignment="center")
    on = qs.switch(name, label, where=left)
    value = qs.number(f"{name}_strength", strength, default, lo=0.0, hi=hi, where=right, disabled=not on,
                      label_visibility="collapsed")
    return value if on else 0.0


def regularizer_controls(qs: QueryState) -> dict[str, Any]:
    l1 = _switch(qs, "l1", "L1 λ", "L1 strength", 0.01)
    l1_kind = policy.l1_kind(qs, disabled=not l1)
    l2 = _switch(qs, "l2", "L2 λ", "L2 strength", 3e-3)
    # decay shrinks the weights by ηλ per step: λ = 0.01 barely shows in a few hundred full-batch steps
    weight_decay = _switch(qs, "wd", "Weight decay", "weight decay", 0.1, hi=KNOBS["weight_decay"].hi)
    decay = policy.decay(qs, disabled=not weight_decay)
    dropout = _switch(qs, "dropout", "Dropout p", "dropout probability", 0.5, hi=0.95)
    batchnorm = bool(_switch(qs, "bn", "Batch normalization"))
    early = bool(_switch(qs, "es", "Early stopping"))
    patience = qs.number("patience", "Patience (epochs)", 20, lo=0, hi=MAX_EPOCHS, disabled=not early)
    min_delta = qs.number("min_delta", "Min delta", 0.0, lo=0.0, hi=10.0, disabled=not early)
    start = qs.number("start", "Start from epoch", 0, lo=0, hi=MAX_EPOCHS, disabled=not early)
    restore = qs.switch("restore", "Restore best weights", True, widget="checkbox", disabled=not early)
    return {"l1": l1, "l1_kind": l1_kind, "l2": l2, "weight_decay": weight_decay, "decay": decay,
            "dropout": dropout, "batchnorm": batchnorm,
            "early_stopping": early, "patience": patience, "min_delta": min_delta, "start_from_epoch": start,
            "restore_best": restore}


def sidebar(qs: QueryState) -> Settings:
    """Draw every setting in the sidebar; the Settings say what to train, or what is wrong."""
    settings = Settings()
    with st.sidebar:
        st.subheader("Data")
        data_controls(qs, settings)
        st.subheader("Network")
        network = network_controls(qs, settings)
        st.subheader("Regularizers")
        settings.compare = qs.switch("compare", "Compare with an unregularized run (A/B)")
        regularizers = regularizer_controls(qs)
        st.subheader("Training")
        training = optimizer_controls(qs)
    # The epoch the network is shown at (set by the boundary players, not the sidebar; the end by default).
    qs.field("epoch", MAX_EPOCHS, lo=0, hi=MAX_EPOCHS)
    if settings.data is not None and settings.data.X_train.shape[1] != 2:
        network["features"] = PLAIN
    try:
        settings.config = LabConfig(**network, **regularizers, **training)
        settings.config.validate()
    except ValueError as error:
        settings.errors.append(str(error))
    return settings
