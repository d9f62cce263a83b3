"""The gradient-health page's settings (all in the URL) and its one-click experiments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from playground.backprop.clip import MODES
from playground.backprop.deepnet import ACTIVATIONS, INITS, DeepConfig
from playground.ui.health import views
from playground.ui.health.compute import cached_run
from playground.ui.urlstate import QueryState

WIDTHS = [16, 32, 64, 128, 256]
CLIP_LABELS = {"none": "off", "norm": "by global norm", "value": "by value"}
DEFAULTS: dict[str, Any] = {"depth": 20, "width": 64, "act": "sigmoid", "init": "default", "residual": False,
            "batchnorm": False, "layernorm": False, "lr": 0.1, "steps": 30, "clip": "none", "threshold": 1.0}


@dataclass(frozen=True)
class Preset:
    label: str
    story: str  # what it shows, formatted with its settings; the measured numbers are appended
    changes: dict  # from DEFAULTS; each preset sets the learning rate it is meant to run at


#: Experiments one click away. A cure trains at its learning rate; a problem shows the problem.
PRESETS = (
    Preset("Vanishing", "{depth} sigmoid layers, PyTorch default init: the gradient dies on its way down, "
           "and the first layers barely learn.", {"lr": 0.1}),
    Preset("ReLU + He", "Cure: ReLU with He init keeps every layer's gradient within a small factor.",
           {"act": "relu", "init": "he", "lr": 0.01}),
    Preset("Residual", "Cure: skip connections give the gradient a path around every layer (here with tanh: "
           "sigmoid's outputs are all positive and pile up along the skips).",
           {"act": "tanh", "residual": True, "lr": 0.005}),
    Preset("Batchnorm", "Cure: normalizing each layer re-scales the signal and its gradient.",
           {"batchnorm": True, "lr": 0.03}),
    Preset("Exploding", "tanh with too-large init: each layer back multiplies the gradient, so it grows on "
           "its way down and the run diverges.", {"act": "tanh", "init": "too_large", "lr": 0.1}),
    Preset("Layer norm", "Cure for a bad init: the Exploding net with each layer normalized.",
           {"act": "tanh", "init": "too_large", "layernorm": True, "lr": 0.03}),
    Preset("Clipping", "ReLU + He at a learning rate that makes the plain run diverge, and clipping by norm "
           "taming it.", {"act": "relu", "init": "he", "lr": 0.1, "clip": "norm", "threshold": 2.0}),
)


@dataclass(frozen=True)
class Settings:
    config: DeepConfig
    steps: int
    lr: float
    clip: str
    threshold: float

    @classmethod
    def of(cls, v: dict[str, Any]) -> Settings:
        """From setting name → value, as in DEFAULTS."""
        config = DeepConfig(v["depth"], v["width"], v["act"], v["init"], v["residual"], v["batchnorm"],
                            v["layernorm"])
        return cls(config, v["steps"], v["lr"], v["clip"], v["threshold"])


def _apply(qs: QueryState, preset: Preset) -> None:
    for name, value in {**DEFAULTS, **preset.changes}.items():
        qs.set(name, value)


def preset_help(preset: Preset) -> str:
    """The preset's story and what its page measures: its runs are trained here (and cached)."""
    values = {**DEFAULTS, **preset.changes}
    s = Settings.of(values)
    plain = cached_run(s.config, s.steps, s.lr, "none", s.threshold)
    text = f"{preset.story.format(**values)} Measured: {views.measured(plain, s.lr)}."
    if s.clip != "none":
        clipped = cached_run(s.config, s.steps, s.lr, s.clip, s.threshold)
        text += (f" Clipped {CLIP_LABELS[s.clip]} at {s.threshold:g}, the loss goes {views.losses(clipped)} "
                 f"({views.outcome(clipped)}).")
    return text


def presets(qs: QueryState) -> None:
    """A row of buttons, each setting up one experiment; each one's help says what it will show."""
    cols = st.columns([1.2] + [1] * len(PRESETS), vertical_alignment="center")
    cols[0].markdown("**Try an experiment:**")
    for col, preset in zip(cols[1:], PRESETS, strict=True):
        col.button(preset.label, help=preset_help(preset), on_click=_apply, args=(qs, preset),
                   width="stretch")


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
    return Settings.of({"depth": depth, "width": width, "act": act, "init": init, "residual": residual,
                        "batchnorm": batchnorm, "layernorm": layernorm, "lr": lr, "steps": steps,
                        "clip": clip, "threshold": threshold})
