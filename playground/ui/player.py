"""The step player: a map with Play and a step scrubber that run in the browser.

The server sends one *scene* per result: the map's colour grid (one for every frame, or one per
frame), each series' whole path with the frame value of every point, and fixed marks. The browser
draws any frame from it, so Play replays the run with requestAnimationFrame and no script rerun;
the frame the student stops on (Pause, the end of the replay, letting go of the scrubber) comes
back as the trigger value ``stop`` (a trigger, so stopping twice on the same frame reports twice),
and a click on the map as the trigger value ``click``, in data coordinates. ``st.components.v2``
runs the inline JavaScript of ``player.js``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import streamlit as st

from playground.ui.a11y import reduced_motion
from playground.ui.i18n import t

CSS = """
.player { font-family: var(--st-font, sans-serif); color: var(--st-text-color, #31333f); }
.player .legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 13px; margin-bottom: 4px; }
.player .view { position: absolute; right: 16px; top: 14px; display: flex; gap: 3px; }
.player .view button { padding: 0 7px; border-radius: 5px; cursor: pointer; font-size: 12px; color: #222;
                       border: 1px solid #bbb; background: #ffffffdd; line-height: 20px; }
.player .view button:focus-visible { outline: 2px solid var(--st-primary-color, #ff4b4b); }
.player .legend span { display: inline-flex; align-items: center; gap: 4px; }
.player .stage { position: relative; display: inline-block; }
.player canvas { display: block; }
.player .readout { position: absolute; right: 16px; bottom: 44px; font-size: 12px; color: #222;
                   background: #ffffffcc; padding: 0 4px; border-radius: 3px; }
.player .controls { display: flex; align-items: center; gap: 12px; margin-top: 6px; }
.player .play { white-space: nowrap; padding: 4px 12px; border-radius: 8px; cursor: pointer;
                border: 1px solid var(--st-border-color, #d5d5d9); color: inherit; font-size: 14px;
                background: var(--st-background-color, #fff); }
.player .play:focus-visible, .player .scrub:focus-visible {
  outline: 2px solid var(--st-primary-color, #ff4b4b); }
.player .scrub { flex: 1; accent-color: var(--st-primary-color, #ff4b4b); }
.player .label { font-variant-numeric: tabular-nums; white-space: nowrap; font-size: 14px; }
.player .bands { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 2px 12px; font-size: 12px;
                margin-top: 4px; }
.player .bands .scale { opacity: 0.8; flex: 1; min-width: 200px; }
"""

_mount = st.components.v2.component("playground.player", js=(Path(__file__).parent / "player.js").read_text(),
                                    css=CSS)


# A grid travels as one character a cell: ALPHABET[0] where the map is undefined, ALPHABET[i + 1]
# for palette entry i. Printable ASCII that JSON need not escape (no quote, no backslash), so a
# frame of n cells is n bytes on the wire, not the 2–4 of a JSON list of numbers.
ALPHABET = "".join(chr(c) for c in range(35, 127) if chr(c) != "\\")


@dataclass(frozen=True)
class Grid:
    """Map colours on an nx × ny grid of cells, row by row from the bottom: ``colour`` holds
    palette indices (-1: undefined there, left blank), one array for every frame or one per
    frame. A palette entry may carry its own opacity (``rgba(...)``)."""

    nx: int
    ny: int
    palette: Sequence[str]
    colour: Sequence[np.ndarray]

    def __post_init__(self) -> None:
        if len(self.palette) > len(ALPHABET) - 1:
            raise ValueError(f"a grid's palette has at most {len(ALPHABET) - 1} colours, "
                             f"not {len(self.palette)}")

    def data(self) -> dict[str, Any]:
        code = np.frombuffer(ALPHABET.encode(), dtype=np.uint8)
        frames = [code[np.asarray(c, dtype=int).ravel() + 1].tobytes().decode() for c in self.colour]
        return {"nx": self.nx, "ny": self.ny, "palette": list(self.palette), "alphabet": ALPHABET,
                "colour": frames}


#: A contour map's colour value travels as two characters a cell: 90 × 91 levels between its lowest and
#: highest value (ALPHABET[0] twice where undefined), fine enough for smooth shading and iso-lines.
DEPTH = (len(ALPHABET) - 1) * len(ALPHABET)


@dataclass(frozen=True)
class Contours:
    """A smooth map of a value z on an nx × ny grid of cells (rows from the bottom; NaN undefined),
    shaded with ``ramp`` from ``lo`` (first colour) to ``hi`` (last), with iso-lines at ``lines`` each
    labelled in ``labels`` on the colour bar, whose title is ``title``. The browser interpolates
    between cell centres, so the shading and the lines are smooth at any zoom."""

    z: np.ndarray
    lo: float
    hi: float
    ramp: Sequence[str]
    lines: Sequence[float]
    labels: Sequence[str]
    title: str

    def data(self) -> dict[str, Any]:
        z = np.asarray(self.z, dtype=float)
        span = self.hi - self.lo or 1.0
        level = np.round((np.nan_to_num(z, nan=self.lo) - self.lo) / span * (DEPTH - 1)).astype(int)
        level = np.clip(level, 0, DEPTH - 1).ravel()
        code = np.frombuffer(ALPHABET.encode(), dtype=np.uint8)
        pairs = np.stack([code[1 + level // len(ALPHABET)], code[level % len(ALPHABET)]], axis=1)
        pairs[np.isnan(z).ravel()] = code[0]
        return {"kind": "contours", "nx": int(z.shape[1]), "ny": int(z.shape[0]), "alphabet": ALPHABET,
                "z": pairs.tobytes().decode(), "lo": float(self.lo), "hi": float(self.hi),
                "depth": DEPTH, "ramp": list(self.ramp), "lines": [float(v) for v in self.lines],
                "labels": list(self.labels), "title": self.title}


@dataclass(frozen=True)
class Series:
    """One path: its points (x, y) and the frame value each is reached at (ascending)."""

    name: str
    colour: str
    shape: str
    at: np.ndarray
    x: np.ndarray
    y: np.ndarray

    def data(self) -> dict[str, Any]:
        return {"name": self.name, "colour": self.colour, "shape": self.shape,
                "at": np.asarray(self.at, dtype=int).tolist(), "x": _floats(self.x), "y": _floats(self.y)}


@dataclass(frozen=True)
class Mark:
    """A fixed point drawn over the paths: a ring (no fill) or a filled shape."""

    x: float
    y: float
    shape: str
    size: float
    stroke: str
    fill: str | None = None


@dataclass(frozen=True)
class Arrows:
    """Vectors drawn from a point at each frame value ``at`` (a row of each array per value): each
    of ``vectors`` as a labelled arrow from (x, y), and, where ``axes`` is given, an ellipse centred
    there with those semi-axes; all drawn at ``scale`` times their length (one scale per row).
    ``labels`` and ``colours`` name and colour the vectors; ``words`` is the scale's label, with
    ``{k}`` where the scale goes."""

    at: np.ndarray
    x: np.ndarray
    y: np.ndarray
    vectors: Sequence[np.ndarray]  # each (len(at), 2)
    labels: Sequence[str]
    colours: Sequence[str]
    scale: np.ndarray
    words: str
    axes: np.ndarray | None = None  # (len(at), 2)

    def data(self) -> dict[str, Any]:
        vectors = [{"label": label, "colour": colour, "dx": _short(v[:, 0]), "dy": _short(v[:, 1])}
                   for v, label, colour in zip(self.vectors, self.labels, self.colours, strict=True)]
        axes = None if self.axes is None else {"dx": _short(self.axes[:, 0]), "dy": _short(self.axes[:, 1])}
        return {"at": np.asarray(self.at, dtype=int).tolist(), "x": _short(self.x), "y": _short(self.y),
                "vectors": vectors, "scale": _short(self.scale), "words": self.words, "axes": axes}


@dataclass(frozen=True)
class Words:
    """What the player writes: button labels, the frame's name and the canvas's description; one
    left empty is the catalogue's, in the page's language (the bands' line is left out)."""

    play: str = ""
    pause: str = ""
    frame: str = ""
    description: str = ""
    bands: str = ""

    def data(self) -> dict[str, str]:
        return {"play": self.play or t("player.play"), "pause": self.pause or t("player.pause"),
                "frame": self.frame or t("player.step"), "description": self.description or t("player.map"),
                "bands": self.bands, "back": t("player.back"), "forward": t("player.forward"),
                "zoom_in": t("player_view.zoom_in"), "zoom_out": t("player_view.zoom_out"),
                "fit": t("player_view.fit"), "whole": t("player_view.whole"), "hint": t("player_view.hint")}


@dataclass(frozen=True)
class Scene:
    domain: tuple[tuple[float, float], tuple[float, float]]
    axes: tuple[str, str]
    grid: Grid | Contours
    series: Sequence[Series]
    marks: Sequence[Mark]
    frames: Sequence[int]
    frame: int
    words: Words = Words()
    clickable: bool = False
    height: int = 520  # the canvas's height in pixels; for a square map, the most it may take
    square: bool = False  # one unit of x as long as one of y (the plot as tall as it is wide)
    arrows: Arrows | None = None

    def data(self) -> dict[str, Any]:
        """The JSON the browser draws from."""
        frame = self.frame if self.frame in self.frames else self.frames[-1]
        return {"domain": [list(map(float, self.domain[0])), list(map(float, self.domain[1]))],
                "axes": list(self.axes), "grid": self.grid.data(), "series": [s.data() for s in self.series],
                "marks": [vars(m) for m in self.marks], "frames": [int(f) for f in self.frames],
                "frame": int(frame), "words": self.words.data(), "clickable": self.clickable,
                "height": self.height, "square": self.square,
                "arrows": None if self.arrows is None else self.arrows.data()}


def player(scene: Scene, *, key: str, on_stop: Callable[[], None],
           on_click: Callable[[], None] | None = None) -> Any:
    """Draw the scene; ``on_stop`` runs when the student stops on a frame, ``on_click`` when they
    click the map (read them with :func:`stopped_at` and :func:`clicked_at`)."""
    # reduced motion (the sidebar's switch here, the browser's setting in player.js): a stepper, no Play
    return _mount(key=key, data={**scene.data(), "reduced": reduced_motion()}, height="content",
                  on_stop_change=on_stop, on_click_change=on_click)


def stopped_at(key: str) -> int | None:
    """The frame value the student stopped on, as the browser reported it (None if not a whole number)."""
    value = _state(key).get("stop")
    return int(value) if isinstance(value, (int, float)) and float(value).is_integer() else None


def clicked_at(key: str) -> tuple[float, float] | None:
    """Where the student clicked the map, in data coordinates, when that is what reran the page."""
    value = _state(key).get("click")
    if isinstance(value, dict) and all(isinstance(value.get(c), (int, float)) for c in ("x", "y")):
        x, y = float(value["x"]), float(value["y"])
        if np.isfinite(x) and np.isfinite(y):
            return x, y
    return None


def _state(key: str) -> dict[str, Any]:
    value = st.session_state.get(key)
    return dict(value) if value is not None else {}


def _floats(values: np.ndarray) -> list[float]:
    return [float(v) for v in np.round(np.asarray(values, dtype=float), 6)]


def _short(values: np.ndarray) -> list[float]:
    """Four significant digits: plenty to draw with, and a third of the bytes of full floats."""
    return [float(f"{v:.4g}") for v in np.asarray(values, dtype=float)]
