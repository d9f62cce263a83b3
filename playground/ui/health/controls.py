"""The gradient-health page's settings (all in the URL) and its one-click experiments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from playground.backprop.clip import MODES
from playground.backprop.deepnet import ACTIVATIONS, INITS, DeepConfig
from playground.ui.urlstate import QueryState

WIDTHS = [16, 32, 64, 128, 256]
CLIP_LABELS = {"none": "off", "norm": "by global norm", "value": "by value"}
DEFAULTS: dict[str, Any] = {"depth": 20, "width": 64, "act": "sigmoid", "init": "default", "residual": False,
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
    depth = qs.slider("depth", "Depth (hidden layers)", d["depth"], lo=2, hi=50, where=side)
    width = qs.choice("width", "Width", WIDTHS, d["width"], widget="select_slider", where=side)
    act = qs.choice("act", "Activation", ACTIVATIONS, d["act"], where=side)
    init = qs.choice("init", "Initialization", INITS, d["init"], where=side,
                     format_func=lambda name: INITS[name].label)
    side.latex(r"W \sim " + INITS[init].latex)
    residual = qs.switch("residual", "Residual connections", d["residual"], where=side)
    batchnorm = qs.switch("batchnorm", "Batchnorm", d["batchnorm"], where=side)
    layernorm = qs.switch("layernorm", "Layer norm", d["layernorm"], where=side)
    side.subheader("Training")
    lr = qs.number("lr", "Learning rate (SGD)", d["lr"], lo=1e-4, hi=10.0, where=side)
    steps = qs.slider("steps", "Steps", d["steps"], lo=1, hi=100, where=side)
    clip = qs.choice("clip", "Gradient clipping", MODES, d["clip"], widget="radio", where=side,
                     horizontal=True, format_func=lambda mode: CLIP_LABELS[mode])
    threshold = qs.number("threshold", "Clip threshold (max norm, or max |value|)", d["threshold"], lo=1e-3,
                          hi=100.0, where=side, disabled=clip == "none")
    config = DeepConfig(depth, width, act, init, residual, batchnorm, layernorm)
    return Settings(config, steps, lr, clip, threshold)
