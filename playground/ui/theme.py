"""Colours and marker shapes shared by every chart: colour-blind-safe (Okabe–Ito)."""

from __future__ import annotations

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
