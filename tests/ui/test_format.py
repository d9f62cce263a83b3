"""How numbers are written on every page: one decimal for percentages, four significant digits
otherwise, no "-0", no "↑ +0"."""

import math

import pytest

from playground.i18n import catalogue
from playground.ui import format as fmt

PP = catalogue("en")["units.percentage_points"]


@pytest.mark.parametrize(("value", "shown"), [
    (0.80783, "80.8%"), (0.8, "80.0%"), (1.0, "100.0%"), (0.0, "0.0%"), (-0.0004, "0.0%"), (None, "—"),
    (math.nan, "NaN")])
def test_percent_has_one_decimal_and_no_negative_zero(value, shown):
    assert fmt.percent(value) == shown


@pytest.mark.parametrize(("value", "shown"), [
    (2.302585, "2.303"), (0.1, "0.1"), (0.000123, "1.23e-4"), (123456, "1.235e5"), (9999.7, "1e4"),
    (0.0, "0"), (-0.0, "0"), (-0.5, "-0.5"), (math.inf, "∞"), (-math.inf, "-∞"), (None, "—")])
def test_number_has_four_significant_digits_and_scientific_notation_when_tiny_or_huge(value, shown):
    assert fmt.number(value) == shown


def test_a_delta_that_rounds_to_zero_is_not_shown():
    assert fmt.delta(0.0) is None and fmt.delta(0.0004, PP) is None and fmt.delta(None) is None
    assert fmt.delta(0.012, PP) == "+1.2 pp" and fmt.delta(-0.012, PP) == "-1.2 pp"
    assert fmt.delta(-0.00025) == "-2.5e-4" and fmt.delta(0.5) == "+0.5"


def test_a_change_in_percentage_points_reads_in_chinese_with_its_sign_first():
    # st.metric reads the leading sign for its arrow, in every language
    assert fmt.delta(-0.012, catalogue("zh")["units.percentage_points"]) == "-1.2 个百分点"


def test_table_columns_hold_percentage_points_shown_as_percent_writes_them():
    assert fmt.points(0.80783) == pytest.approx(80.783) and fmt.points(None) is None
    assert fmt.PERCENT_COLUMN % fmt.points(0.80783) == fmt.percent(0.80783)
