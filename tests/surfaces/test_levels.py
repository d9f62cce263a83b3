"""Contour levels: iso-lines spread evenly over the range a map shows, at values a student can read."""

import numpy as np
import pytest

from playground.surfaces import SURFACES, levels, parse


@pytest.mark.parametrize("name", sorted(SURFACES))
def test_iso_lines_cover_the_visible_range_evenly_at_nice_values(name):
    surface = SURFACES[name]
    field = levels.field(surface, 60)
    z = field.z[np.isfinite(field.z)]
    lines = field.lines
    assert (field.lo, field.hi) == (z.min(), z.max())
    assert 5 <= len(lines) <= levels.TARGET and ((lines > field.lo) & (lines < field.hi)).all()
    step = np.diff(lines)
    assert np.allclose(step, step[0])  # evenly spaced (in log10(f − min f) on a log scale)
    assert lines[0] - field.lo <= step[0] and field.hi - lines[-1] <= step[0]  # no band left without a line
    mantissa = step[0] / 10 ** np.floor(np.log10(step[0]))
    assert np.isclose(mantissa, [1, 2, 5]).any()  # 1-2-5 steps, not 1.37
    if surface.log_color:
        assert np.allclose(lines, np.round(lines))  # whole decades
        assert np.allclose(field.values, 10.0 ** lines)
    else:
        assert np.allclose(field.values, lines)


def test_the_field_samples_f_at_cell_centres_and_marks_where_it_is_undefined():
    surface = parse("log(x) + y**2", ((-1, 1), (-1, 1)))
    field = levels.field(surface, 4)
    assert np.allclose(field.x, [-0.75, -0.25, 0.25, 0.75]) and np.allclose(field.y, field.x)
    assert np.isnan(field.z[:, :2]).all()  # log of x ≤ 0
    assert np.isclose(field.z[0, 3], np.log(0.75) + 0.75 ** 2)  # row 0 is the bottom (y = −0.75)


def test_a_flat_map_has_no_lines():
    field = levels.field(parse("0*x + 3"), 8)
    assert field.lo == field.hi == 3 and len(field.lines) == 0
