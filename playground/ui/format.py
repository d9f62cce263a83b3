"""How the pages write numbers: one rule each for accuracies, general values and metric deltas.

Pure functions, no Streamlit, so any page (and its tests) can use them::

    percent(0.80783)   -> "80.8%"     accuracies and other fractions: one decimal, always
    number(2.302585)   -> "2.303"     losses, learning rates, anything else: 4 significant digits
    number(0.000123)   -> "1.23e-4"   below 1e-3 (and from 1e4 up) in scientific notation
    delta(0.012, "{value} pp") -> "+1.2 pp"   a change for ``st.metric(delta=...)``
    delta(0.0)         -> None        no "↑ +0" for a change that rounds to zero
    points(0.80783)    -> 80.783      a table's percentage column, shown with PERCENT_COLUMN

Tables keep numbers (so they sort as numbers) and format them in the browser: a fraction goes in as
percentage points with ``st.column_config.NumberColumn(format=PERCENT_COLUMN)``, which shows the
same one decimal as ``percent``.

No function ever writes "-0", "0.000" or "nan%". ``None`` (a value not measured yet, e.g. the
accuracy of a class with no test examples) is written as ``MISSING``. Signs are ASCII "+" and
"-", which is what ``st.metric`` reads to pick its arrow and colour; words a page translates (the
unit of percentage points) come in from its catalogue, which puts the number first.
"""

from __future__ import annotations

import math

MISSING = "—"
DIGITS = 4               # significant digits of number()
SMALL, LARGE = 1e-3, 1e4  # number() uses scientific notation below SMALL and from LARGE up (in magnitude)
PERCENT_COLUMN = "%.1f%%"  # printf format of a table column of percentage points, as percent() writes


def percent(x: float | None) -> str:
    """A fraction as a percentage with one decimal: 0.80783 → "80.8%", 1 → "100.0%"."""
    if x is None:
        return MISSING
    if not math.isfinite(x):
        return _non_finite(x)
    return f"{_unsigned_zero(round(x * 100, 1)):.1f}%"


def points(x: float | None) -> float | None:
    """A fraction in percentage points, for a table column formatted with ``PERCENT_COLUMN``."""
    return None if x is None else 100 * x


def number(x: float | None) -> str:
    """A general value to 4 significant digits, %g-like: 2.302585 → "2.303", 0.1 → "0.1",
    0.000123 → "1.23e-4", 123456 → "1.235e5", 0 and -0.0 → "0", NaN → "NaN", inf → "∞"."""
    if x is None:
        return MISSING
    if not math.isfinite(x):
        return _non_finite(x)
    if x == 0:
        return "0"
    text = f"{x:.{DIGITS}g}"
    if SMALL <= abs(x) < LARGE and "e" not in text:  # 9999.7 rounds up to 1e+04: scientific then
        return text
    mantissa, exponent = f"{x:.{DIGITS - 1}e}".split("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}"


def delta(x: float | None, unit: str | None = None) -> str | None:
    """A change for ``st.metric``'s delta, signed: "+0.0123", "-2.5e-4"; with ``unit``, how the page's
    language writes percentage points (``units.percentage_points``, e.g. "{value} pp"), the change
    of a fraction in percentage points, one decimal: 0.012 → "+1.2 pp". None (no delta
    shown) when there is no change to show: None, NaN, or a change that rounds to zero (exactly
    0 for a number, under 0.05 points for a percentage)."""
    if x is None or math.isnan(x):
        return None
    sign = "+" if x > 0 else "-"
    if unit is not None:
        points = round(abs(x) * 100, 1)
        return None if points == 0 else unit.format(value=f"{sign}{points:.1f}")
    return None if x == 0 else sign + number(abs(x))


def _unsigned_zero(x: float) -> float:
    return 0.0 if x == 0 else x  # -0.0 == 0, so a rounded -0.04 prints as 0.0, not -0.0


def _non_finite(x: float) -> str:
    return "NaN" if math.isnan(x) else ("∞" if x > 0 else "-∞")
