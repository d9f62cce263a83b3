"""The gradient-health page's settings (all in the URL) and its one-click experiments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from playground.backprop.clip import MODES
from playground.backprop.deepnet import ACTIVATIONS, INITS, DeepConfig
from playground.ui.health import views
from playground.ui.health.compute import cached_run
from playground.ui.i18n import t
from playground.ui.urlstate import QueryState

WIDTHS = [16, 32, 64, 128, 256]
DEFAULTS: dict[str, Any] = {"depth": 20, "width": 64, "act": "sigmoid", "init": "default", "residual": False,
            "batchnorm": False, "layernorm": False, "lr": 0.1, "steps": 30, "clip": "none", "threshold": 1.0}


@dataclass(frozen=True)
class Preset:
    key: str  # its words are the catalogue's health.presets.<key>.label and .story
    changes: dict  # from DEFAULTS; each preset sets the learning rate it is meant to run at

    @property
    def label(self) -> str:
        return t(f"health.presets.{self.key}.label")

    def story(self, **settings: Any) -> str:
        """What it shows, formatted with its settings; the measured numbers are appended."""
        return t(f"health.presets.{self.key}.story", **settings)


#: Experiments one click away. A cure trains at its learning rate; a problem shows the problem.
PRESETS = (
    Preset("vanishing", {"lr": 0.1}),
    Preset("relu_he", {"act": "relu", "init": "he", "lr": 0.01}),
    Preset("residual", {"act": "tanh", "residual": True, "lr": 0.005}),
    Preset("batchnorm", {"batchnorm": True, "lr": 0.03}),
    Preset("exploding", {"act": "tanh", "init": "too_large", "lr": 0.1}),
    Preset("layer_norm", {"act": "tanh", "init": "too_large", "layernorm": True, "lr": 0.03}),
    Preset("clipping", {"act": "relu", "init": "he", "lr": 0.1, "clip": "norm", "threshold": 2.0}),
)


def clip_labels() -> dict[str, str]:
    """Each clipping mode in the page's language."""
    return {"none": t("health.clip.none"), "norm": t("health.clip.norm"), "value": t("health.clip.value")}


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
    text = t("health.presets.measured", story=preset.story(**values), measured=views.measured(plain, s.lr))
    if s.clip != "none":
        clipped = cached_run(s.config, s.steps, s.lr, s.clip, s.threshold)
        text += t("health.presets.clipped", mode=clip_labels()[s.clip], threshold=s.threshold,
                  losses=views.losses(clipped), outcome=views.outcome(clipped))
    return text


def presets(qs: QueryState) -> None:
    """A row of buttons, each setting up one experiment; each one's help says what it will show."""
    cols = st.columns([1.2] + [1] * len(PRESETS), vertical_alignment="center")
    cols[0].markdown(t("health.presets.try"))
    for col, preset in zip(cols[1:], PRESETS, strict=True):
        col.button(preset.label, help=preset_help(preset), on_click=_apply, args=(qs, preset),
                   width="stretch")


def settings(qs: QueryState) -> Settings:
    side, d = st.sidebar, DEFAULTS
    side.subheader(t("health.controls.network"))
    depth = qs.slider("depth", t("health.controls.depth"), d["depth"], lo=2, hi=50, where=side)
    width = qs.choice("width", t("health.controls.width"), WIDTHS, d["width"], widget="select_slider",
                      where=side)
    act = qs.choice("act", t("health.controls.activation"), ACTIVATIONS, d["act"], where=side)
    # Names looked up in dicts made during the run: a format_func called after it (AppTest calls it
    # outside the run) answers in the page's language too.
    inits = {"too_small": t("health.inits.too_small"), "default": t("health.inits.default"),
             "xavier": t("health.inits.xavier"), "he": t("health.inits.he"),
             "too_large": t("health.inits.too_large")}
    init = qs.choice("init", t("health.controls.init"), INITS, d["init"], where=side,
                     format_func=inits.__getitem__)
    side.latex(r"W \sim " + INITS[init].latex)
    residual = qs.switch("residual", t("health.controls.residual"), d["residual"], where=side)
    batchnorm = qs.switch("batchnorm", t("health.controls.batchnorm"), d["batchnorm"], where=side)
    layernorm = qs.switch("layernorm", t("health.controls.layernorm"), d["layernorm"], where=side)
    side.subheader(t("health.controls.training"))
    lr = qs.number("lr", t("health.controls.lr"), d["lr"], lo=1e-4, hi=10.0, where=side)
    steps = qs.slider("steps", t("health.controls.steps"), d["steps"], lo=1, hi=100, where=side)
    clip = qs.choice("clip", t("health.controls.clip"), MODES, d["clip"], widget="radio", where=side,
                     horizontal=True, format_func=clip_labels().__getitem__)
    threshold = qs.number("threshold", t("health.controls.threshold"), d["threshold"], lo=1e-3,
                          hi=100.0, where=side, disabled=clip == "none")
    return Settings.of({"depth": depth, "width": width, "act": act, "init": init, "residual": residual,
                        "batchnorm": batchnorm, "layernorm": layernorm, "lr": lr, "steps": steps,
                        "clip": clip, "threshold": threshold})
