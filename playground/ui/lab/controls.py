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
from playground.schedules import SCHEDULES
from playground.ui import policy
from playground.ui.escape import literal, said_literally
from playground.ui.i18n import said_of, t
from playground.ui.knobs import knob, method_knobs
from playground.ui.urlstate import QueryState

UPLOAD = "your CSV"
SOURCES = (*TOY_SETS, UPLOAD)
TASKS = ("classification", "regression")


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


def dataset_names() -> dict[str, str]:
    """Each data source's name on the page (the link keeps the source's own). A choice's names are
    looked up in a dict made during the run, so a format_func called after it (AppTest calls it
    outside the run) still answers in the page's language."""
    return {"moons": t("lab.datasets.moons"), "circles": t("lab.datasets.circles"),
            "blobs": t("lab.datasets.blobs"), "xor": t("lab.datasets.xor"),
            "spirals": t("lab.datasets.spirals"), "gaussians": t("lab.datasets.gaussians"),
            "sine": t("lab.datasets.sine"), "plane": t("lab.datasets.plane"),
            "digits": t("lab.datasets.digits"), "mnist1d": t("lab_mnist1d.dataset"),
            UPLOAD: t("lab.datasets.csv")}


def schedule_names() -> dict[str, str]:
    """Each learning-rate schedule's name on the page (see :func:`dataset_names`)."""
    return {"constant": t("lab.schedules.constant"), "step": t("lab.schedules.step"),
            "exponential": t("lab.schedules.exponential"), "cosine": t("lab.schedules.cosine"),
            "warmup_cosine": t("lab.schedules.warmup_cosine"), "one_cycle": t("lab.schedules.one_cycle")}


def data_controls(qs: QueryState, settings: Settings) -> None:
    source = qs.choice("data", t("lab.controls.dataset"), SOURCES, "moons",
                       format_func=dataset_names().__getitem__)
    if source == UPLOAD:
        _upload(qs, settings)
        return
    n = qs.number("n", t("lab.controls.points"), 60, lo=10, hi=2000, step=10,
                  help=t("lab.controls.points_help"))
    noise = qs.slider("noise", t("lab.controls.noise"), 0.45, lo=0.0, hi=1.0, step=0.05)
    val = qs.slider("val", t("lab.controls.val"), 0.5, lo=0.1, hi=0.9, step=0.05)
    seed = qs.number("data_seed", t("lab.controls.data_seed"), 0, lo=0, hi=10**6)
    if source == "digits" and n > DIGITS_SIZE:
        st.info(t("lab.controls.digits_all", size=DIGITS_SIZE, n=n))
    settings.source = {"dataset": source, "points": n, "noise": noise, "validation_fraction": val,
                       "seed": seed}
    settings.data = _toy(source, n, noise, val, seed)


def _upload(qs: QueryState, settings: Settings) -> None:
    upload = st.file_uploader(t("lab.upload.file"), type=["csv", "txt"])
    label = qs.field("label", "")
    tasks = {"classification": t("lab.upload.classes"), "regression": t("lab.upload.regression")}
    task = qs.choice("task", t("lab.upload.task"), TASKS, TASKS[0], widget="radio", horizontal=True,
                     format_func=tasks.__getitem__)
    val = qs.slider("val", t("lab.controls.val"), 0.5, lo=0.1, hi=0.9, step=0.05)
    seed = qs.number("split_seed", t("lab.upload.split_seed"), 0, lo=0, hi=10**6)
    if upload is None:
        settings.errors.append(t("lab.upload.missing"))
        return
    raw = upload.getvalue()
    try:
        frame = _csv(raw)
        columns = list(frame.columns)
        if st.session_state[label] not in columns:
            st.session_state[label] = columns[-1]
        chosen = st.selectbox(t("lab.upload.label_column"), columns, key=label)
        settings.data = to_split(frame, chosen, task, val, seed)
    except CSVError as error:  # what the reader said, in the page's language, after the file's name
        settings.errors.append(t("lab.upload.unreadable", file=literal(upload.name),
                                 error=said_literally(error)))
        return
    settings.source = {"dataset": "csv", "file": upload.name, "sha256": hashlib.sha256(raw).hexdigest(),
                       "label": chosen, "task": task, "validation_fraction": val, "seed": seed}


def network_controls(qs: QueryState, settings: Settings) -> dict[str, Any]:
    hidden_text = qs.text("hidden", t("lab.controls.hidden"), "128,128", help=t("lab.controls.hidden_help"))
    activation = qs.choice("act", t("lab.controls.activation"), ACTIVATIONS, "relu")
    inits = {"default": t("lab.controls.init_default"), "xavier": "Xavier", "he": "He"}
    init = qs.choice("init", t("lab.controls.init"), INITS, "default", format_func=inits.__getitem__)
    two_d = settings.data is not None and settings.data.X_train.shape[1] == 2
    features = qs.choice("features", t("lab.controls.features"), FEATURES, list(PLAIN), widget="multiselect",
                         format_func=lambda name: FEATURES.get(name, name), disabled=not two_d,
                         help=t("lab.controls.features_help"))
    try:
        hidden = parse_hidden(hidden_text)
    except ValueError as error:  # nothing trains; the default widths let the other settings be checked
        settings.errors.append(t("lab.controls.bad_hidden", error=said_literally(error)))
        hidden = LabConfig.hidden
    if two_d and not features:
        settings.errors.append(t("lab.controls.no_features"))
    return {"hidden": hidden, "activation": activation, "init": init,
            "features": tuple(features) if two_d and features else PLAIN}


def optimizer_controls(qs: QueryState) -> dict[str, Any]:
    method = qs.choice("opt", t("lab.controls.optimizer"), METHODS, "Adam")
    lr = knob(qs, "lr", "lr", 0.01, label=t("lab.controls.lr"))
    knob_changes = method_knobs(qs, method)
    schedule = qs.choice("schedule", t("lab.controls.schedule"), SCHEDULES, SCHEDULES[0],
                         format_func=schedule_names().__getitem__)
    steps = schedule in ("step", "exponential")
    left, right = st.columns(2)
    step_size = qs.number("step_size", t("lab.controls.step_size"), 100, lo=1, hi=MAX_EPOCHS, where=left,
                          disabled=not steps, help=t("lab.controls.step_size_help"))
    gamma = qs.number("gamma", t("lab.controls.gamma"), 0.5, lo=0.01, hi=1.0, where=right, disabled=not steps)
    warmup = qs.number("warmup", t("lab.controls.warmup"), 40, lo=0, hi=MAX_EPOCHS,
                       disabled=schedule not in WARMING, help=t("lab.controls.warmup_help"))
    batch = qs.number("batch", t("lab.controls.batch"), 0, lo=0, hi=20_000)
    epochs = qs.number("epochs", t("lab.controls.epochs"), 400, lo=1, hi=MAX_EPOCHS)
    seed = qs.number("seed", t("lab.controls.seed"), 0, lo=0, hi=10**6)
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
    l1 = _switch(qs, "l1", "L1 λ", t("lab.controls.l_one_strength"), 0.01)
    l1_kind = policy.l1_kind(qs, disabled=not l1)
    l2 = _switch(qs, "l2", "L2 λ", t("lab.controls.l_two_strength"), 3e-3)
    # decay shrinks the weights by ηλ per step: λ = 0.01 barely shows in a few hundred full-batch steps
    weight_decay = _switch(qs, "wd", t("lab.controls.weight_decay"), t("lab.controls.weight_decay_strength"),
                           0.1, hi=KNOBS["weight_decay"].hi)
    decay = policy.decay(qs, disabled=not weight_decay)
    dropout = _switch(qs, "dropout", t("lab.controls.dropout"), t("lab.controls.dropout_strength"), 0.5,
                      hi=0.95)
    batchnorm = bool(_switch(qs, "bn", t("lab.controls.batchnorm")))
    early = bool(_switch(qs, "es", t("lab.controls.early_stopping")))
    patience = qs.number("patience", t("lab.controls.patience"), 20, lo=0, hi=MAX_EPOCHS, disabled=not early)
    min_delta = qs.number("min_delta", t("lab.controls.min_delta"), 0.0, lo=0.0, hi=10.0, disabled=not early)
    start = qs.number("start", t("lab.controls.start"), 0, lo=0, hi=MAX_EPOCHS, disabled=not early)
    restore = qs.switch("restore", t("lab.controls.restore"), True, widget="checkbox", disabled=not early)
    return {"l1": l1, "l1_kind": l1_kind, "l2": l2, "weight_decay": weight_decay, "decay": decay,
            "dropout": dropout, "batchnorm": batchnorm,
            "early_stopping": early, "patience": patience, "min_delta": min_delta, "start_from_epoch": start,
            "restore_best": restore}


def sidebar(qs: QueryState) -> Settings:
    """Draw every setting in the sidebar; the Settings say what to train, or what is wrong."""
    settings = Settings()
    with st.sidebar:
        st.subheader(t("lab.controls.data"))
        data_controls(qs, settings)
        st.subheader(t("lab.controls.network"))
        network = network_controls(qs, settings)
        st.subheader(t("lab.controls.regularizers"))
        settings.compare = qs.switch("compare", t("lab.controls.compare"))
        regularizers = regularizer_controls(qs)
        st.subheader(t("lab.controls.training"))
        training = optimizer_controls(qs)
    # The epoch the network is shown at (set by the boundary players, not the sidebar; the end by default).
    qs.field("epoch", MAX_EPOCHS, lo=0, hi=MAX_EPOCHS)
    if settings.data is not None and settings.data.X_train.shape[1] != 2:
        network["features"] = PLAIN
    values = {**network, **regularizers, **training}
    try:
        settings.config = LabConfig(**values)
        settings.config.validate()
    except ValueError as error:  # a SettingsError where the sidebar can cause it, said in the page's language
        settings.errors.append(t("lab.controls.bad_settings", error=said_of(error)))
    return settings
