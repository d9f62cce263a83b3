"""Colours and marker shapes shared by every chart: colour-blind-safe (Okabe–Ito)."""

from __future__ import annotations

import numpy as np

# Okabe–Ito's eighth colour is black, which vanishes on Streamlit's dark theme: a mid grey instead.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#999999")
SHAPES = ("circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "wedge", "stroke")
TRAIN_COLOR, VALIDATION_COLOR = OKABE_ITO[0], OKABE_ITO[4]
#: Known minima on a map: white (outlined in black), the one colour no method's marker takes.
MINIMUM_COLOR = "#FFFFFF"


def color_of(index: int) -> str:
    return OKABE_ITO[index % len(OKABE_ITO)]


def shape_of(index: int) -> str:
    return SHAPES[index % len(SHAPES)]


#: The loss maps' colour ramp, low to high: a path through OKLab (a perceptual colour space) from a
#: pale cream through mint and teal to a muted indigo, resampled at equal perceptual distances so
#: equal steps in loss look equally different; its lightness only falls, so the order reads for
#: colour-blind students and in greyscale. Kept light, so the Okabe–Ito paths stand out on it.
RAMP_STOPS = ("#FFFCE8", "#CDEABD", "#86CBBA", "#5AA7C6", "#6F7FBF")
RAMP_SIZE = 64


def oklab(colour: str) -> np.ndarray:
    """A #RRGGBB colour in OKLab (L, a, b), by Björn Ottosson's 2020 definition."""
    rgb = np.array([int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    lms = np.cbrt(_LMS @ linear)
    return _LAB @ lms


def hex_of(lab: np.ndarray) -> str:
    """The #RRGGBB colour of an OKLab point (clipped to sRGB's gamut)."""
    linear = np.linalg.solve(_LMS, np.linalg.solve(_LAB, lab) ** 3)
    rgb = np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * np.abs(linear) ** (1 / 2.4) - 0.055)
    return "#" + "".join(f"{round(float(c) * 255):02X}" for c in np.clip(rgb, 0, 1))


def ramp(stops: tuple[str, ...] = RAMP_STOPS, size: int = RAMP_SIZE) -> tuple[str, ...]:
    """``size`` colours along the straight OKLab segments through ``stops``, equally far apart."""
    points = np.array([oklab(s) for s in stops])
    lengths = np.linalg.norm(np.diff(points, axis=0), axis=1)
    along = np.concatenate([[0.0], np.cumsum(lengths)])
    at = np.linspace(0, along[-1], size)
    lab = np.stack([np.interp(at, along, points[:, c]) for c in range(3)], axis=1)
    return tuple(hex_of(p) for p in lab)


_LMS = np.array([[0.4122214708, 0.5363325363, 0.0514459929],
                 [0.2119034982, 0.6806995451, 0.1073969566],
                 [0.0883024619, 0.2817188376, 0.6299787005]])
_LAB = np.array([[0.2104542553, 0.7936177850, -0.0040720468],
                 [1.9779984951, -2.4285922050, 0.4505937099],
                 [0.0259040371, 0.7827717662, -0.8086757660]])
LOSS_RAMP = ramp()
