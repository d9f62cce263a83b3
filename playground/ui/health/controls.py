"""The gradient-health page's settings (all in the URL) and its one-click experiments."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from playground.backprop.clip import MODES
from playground.backprop.deepnet import ACTIVATIONS, INITS, DeepConfig
from playground.ui.urlstate import QueryState

WIDTHS = [16, 32, 64, 128, 256]
CLIP_LABELS = {"none": "off", "norm": "by global norm", "value": "by value"}
DEFAULTS = {"depth": 20, "width": 64, "act": "sigmoid", "init": "default", "residual": False,
            "batchnorm": False, "layernorm": False, "lr": 0.1, "steps": 30, "clip": "none", "threshold": 1.0}


@dataclass(frozen=True)
class Preset:
    label: str
    help: str
    changes: dict  # from DEFAULTS


#: Experiments one click away.
PRESETS = (
    Preset("Vanishing", "20 sigmoid layers, PyTorch default init: the gradient dies on its way down.", {}),
    Preset("ReLU + He", "Cure: ReLU with He init keeps every layer's gradient within a small factor.",
           {"act": "relu", "init": "he"}),
    Preset("Residual", "Cure: skip connections give the gradient a path around every layer.",
           {"residual": True}),
    Preset("Batchnorm", "Cure: normalizing each layer re-scales the signal and its gradient.",
           {"batchnorm": True}),
    Preset("Exploding", "tanh with N(0, 1) weights: each layer back doubles the gradient, so layer 1's is "
           "~5e5× layer 20's, and the run diverges.", {"act": "tanh", "init": "too_large"}),
    Preset("Layer norm", "Cure for a bad init: the Exploding net with each layer normalized keeps every "
           "gradient within 2× and trains (at lr 0.03).",
           {"act": "tanh", "init": "too_large", "layernorm": True, "lr": 0.03}),
    Preset("Clipping", "A learning rate that makes the plain run diverge, and clipping by norm taming it.",
           {"depth": 10, "act": "relu", "init": "he", "lr": 0.5, "clip": "norm"}),
)


@dataclass(frozen=True)
class Settings:
    config: DeepConfig
    steps: int
    lr: float
    clip: str
    threshold: float


def _apply(qs: QueryState, preset: Preset) -> None:
    for name, value in {**DEFAULTS, **preset.changes}.items():
        qs.set(name, value)


def presets(qs: QueryState) -> None:
    """A row of buttons, each setting up one experiment."""
    cols = st.columns([1.2] + [1] * len(PRESETS), vertical_alignment="center")
    cols[0].markdown("**Try an experiment:**")
    for col, preset in zip(cols[1:], PRESETS, strict=True):
        col.button(preset.label, help=preset.help, on_click=_apply, args=(qs, preset), width="stretch")


def settings(qs: QueryState) -> Settings:
    side, d = st.sidebar, DEFAULTS
    side.subheader("Network")
    depth = side.slider("Depth (hidden layers)", 2, 50, key=qs.field("depth", d["depth"], lo=2, hi=50))
    width = side.select_slider("Width", WIDTHS, key=qs.field("width", d["width"], choices=WIDTHS))
    act = side.selectbox("Activation", list(ACTIVATIONS),
                         key=qs.field("act", d["act"], choices=list(ACTIVATIONS)))
    init = side.selectbox("Initialization", list(INITS), format_func=lambda k: INITS[k].label,
                          key=qs.field("init", d["init"], choices=list(INITS)))
    side.latex(r"W \sim " + INITS[init].latex)
    residual = side.toggle("Residual connections", key=qs.field("residual", d["residual"]))
    batchnorm = side.toggle("Batchnorm", key=qs.field("batchnorm", d["batchnorm"]))
    layernorm = side.toggle("Layer norm", key=qs.field("layernorm", d["layernorm"]))
    side.subheader("Training")
    lr = side.number_input("Learning rate (SGD)", 1e-4, 10.0, format="%g",
                           key=qs.field("lr", d["lr"], lo=1e-4, hi=10.0))
    steps = side.slider("Steps", 1, 100, key=qs.field("steps", d["steps"], lo=1, hi=100))
    clip = side.radio("Gradient clipping", MODES, format_func=CLIP_LABELS.get, horizontal=True,
                      key=qs.field("clip", d["clip"], choices=list(MODES)))
    threshold = side.number_input("Clip threshold (max norm, or max |value|)", 1e-3, 100.0, format="%g",
                                  key=qs.field("threshold", d["threshold"], lo=1e-3, hi=100.0),
                                  disabled=clip == "none")
    config = DeepConfig(depth, width, act, init, residual, batchnorm, layernorm)
    return Settings(config, steps, lr, clip, threshold)
