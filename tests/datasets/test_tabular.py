"""CSV uploads: a good file becomes a standardized split; every bad file gets a clear message, in
English and in Chinese."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pytest

from playground.datasets.tabular import CSVError, read_csv, standardize, to_split
from playground.datasets.toy import SplitData
from playground.i18n import Said, catalogue

GOOD = b"height,weight,species\n1,10,cat\n2,20,dog\n3,30,cat\n4,40,dog\n5,50,cat\n6,60,dog\n"


def test_good_file_becomes_a_standardized_split():
    data = to_split(read_csv(GOOD), "species", val_fraction=0.5, seed=0)
    assert data.feature_names == ("height", "weight") and data.class_names == ("cat", "dog")
    assert data.X_train.shape == (3, 2) and data.X_val.shape == (3, 2)
    assert np.allclose(data.X_train.mean(axis=0), 0, atol=1e-6) and np.allclose(data.X_train.std(axis=0), 1)


def test_numeric_labels_sort_as_numbers_and_regression_keeps_values():
    frame = read_csv(b"x,y\n1,10\n2,2\n3,10\n4,2\n")
    assert to_split(frame, "y").class_names == ("2", "10")
    data = to_split(frame, "y", task="regression", val_fraction=0.5)
    assert sorted(np.concatenate([data.y_train, data.y_val])) == [2, 2, 10, 10]


def test_utf8_with_byte_order_mark_and_spaces_is_fine():
    frame = read_csv("\ufeffa, b\n1, x\n2, y\n3, x\n".encode())
    assert list(frame.columns) == ["a", "b"] and to_split(frame, "b").class_names == ("x", "y")


BAD_FILES = {
    "empty": (b"", "The file is empty."),
    "only whitespace": (b"  \n\n", "The file is empty."),
    "no header": (b"1,2,0\n3,4,1\n", "The first row looks like data, not column names ('1' is a number)"),
    "no header, text labels": (b"1,2,cat\n3,4,dog\n5,6,cat\n",
                               "The first row looks like data, not column names ('1' is a number)"),
    "header only": (b"a,b\n", "The file has a header but no data rows."),
    "non-numeric": (b"a,b\n1,x\nhello,y\n", "Column 'a' has non-numeric cells, e.g. 'hello' in data row 2"),
    "missing value": (b"a,c,b\n1,,x\n2,3,y\n",
                      "Column 'c' has missing values in 1 row (first in data row 1)"),
    "short row": (b"a,c,b\n1,2,x\n3\n4,,y\n",
                  "Column 'c' has missing values in 2 rows (first in data row 2)"),
    "missing label": (b"a,b\n1,x\n2,\n", "Column 'b' has missing labels in 1 row."),
    "single class": (b"a,b\n1,x\n2,x\n", "Column 'b' holds a single class ('x')"),
    "too many classes": (b"a,b\n" + b"".join(b"%d,c%d\n" % (i, i) for i in range(21)),
                         "holds 21 classes; at most 20"),
    "too many rows": (b"a,b\n" + b"1,x\n2,y\n" * 10_001, "Too many rows: at most 20,000"),
    "too many columns": (",".join(f"c{i}" for i in range(101)).encode() + b"\n" + b"1," * 100 + b"1\n",
                         "Too many columns: 101, at most 100"),
    "latin-1": ("a,b\n1,caf\u00e9\n".encode("latin-1"), "The file is not UTF-8 text"),
    "utf-16": ("a,b\n1,x\n".encode("utf-16"), "The file is UTF-16 text"),
    "binary junk": (bytes(range(256)) * 4, "This looks like a binary file, not a CSV text file."),
    "pickle": (b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00}\x94.", "This looks like a binary file"),
    "ragged": (b"a,b\n1,x\n2,y,3,4\n", "Could not read the file as CSV: Expected 2 fields in line 3, saw 4"),
    "one column": (b"a\n1\n2\n", "Need at least two columns"),
    "duplicate names": (b"a,a\n1,x\n", "Every column needs a distinct name"),
    "infinite value": (b"a,b\ninf,x\n2,y\n", "Column 'a' has non-numeric cells, e.g. 'inf'"),
    "beyond float32": (b"a,b\n2,x\n1e300,y\n3,x\n",
                       "Column 'a' has a value too large to train on: '1e300' in data row 2"),
    "two rows": (b"a,b\n1,x\n2,y\n", "Need at least 3 data rows (two to train on, one to validate); the file "
                                     "has 2 rows."),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_every_bad_file_gets_its_message(case):
    raw, message = BAD_FILES[case]
    with pytest.raises(CSVError) as error:
        to_split(read_csv(raw), "b")
    assert message in str(error.value)


def test_regression_file_with_one_row_is_refused_clearly():
    with pytest.raises(CSVError, match="Need at least 3 data rows .*the file has 1 row"):
        to_split(read_csv(b"a,b\n1,2\n"), "b", task="regression")


def test_regression_target_whose_square_overflows_float32_is_refused():
    # 1e20 fits in float32, but its squared error (1e40) does not: training would start at inf
    with pytest.raises(CSVError, match=r"Column 'b' has a value too large to train on: '1e20' in data row 1"):
        to_split(read_csv(b"a,b\n1,1e20\n2,3\n3,4\n4,5\n"), "b", task="regression")


def test_values_near_the_float32_limit_standardize_to_finite_numbers():
    data = to_split(read_csv(b"a,b\n3e38,x\n-3e38,y\n3e38,x\n-3e38,y\n1,x\n"), "b")
    features = np.concatenate([data.X_train, data.X_val])
    assert np.isfinite(features).all() and np.abs(features).max() < 10


# training values 0 and 1e-30 have a tiny spread; the validation value 1e10 lands at 2e40
OVERFLOWING = SplitData(np.array([[1.0, 0.0], [2.0, 1e-30]], np.float32), np.array([0, 1]),
                        np.array([[3.0, 1e10]], np.float32), np.array([0]), "classification", ("x", "y"),
                        ("fine", "tiny spread"))


def test_a_column_that_overflows_when_standardized_is_named():
    with pytest.raises(CSVError, match="Column 'tiny spread' overflows when standardized"):
        standardize(OVERFLOWING)


def test_unknown_label_column_is_reported():
    with pytest.raises(CSVError, match="There is no column named 'label'"):
        to_split(read_csv(GOOD), "label")


def said_keys(said: Said) -> set[str]:
    """``said``'s key and those of the Saids among its fields (a row count)."""
    return {said.key}.union(*(said_keys(v) for v in said.fields.values() if isinstance(v, Said)))


def refusal(read: Callable[[], object]) -> CSVError:
    with pytest.raises(CSVError) as error:
        read()
    return error.value


def test_every_message_the_reader_can_give_reads_in_chinese():
    refusals = [refusal(lambda raw=raw: to_split(read_csv(raw), "b")) for raw, _ in BAD_FILES.values()]
    refusals += [refusal(lambda: to_split(read_csv(GOOD), "label")),
                 refusal(lambda: standardize(OVERFLOWING)),
                 refusal(lambda: to_split(read_csv(b"a,b\n1,2\n"), "b", task="regression"))]
    assert set().union(*(said_keys(e.said) for e in refusals)) == {
        key for key in catalogue("zh") if key.startswith("csv.")}  # every message has been said
    for refused in refusals:
        chinese = refused.said.text("zh")
        assert re.search(r"[\u4e00-\u9fff]", chinese) and chinese != str(refused), str(refused)


def test_the_chinese_message_keeps_the_column_the_rows_and_the_row_to_fix():
    refused = refusal(lambda: to_split(read_csv(b"a,c,b\n1,2,x\n3\n4,,y\n"), "b"))
    assert refused.said.text("zh") == "列 'c' 中有 2 行缺少数值（第一处在数据第 2 行）。"


def test_a_bad_csv_raises_what_value_checks_catch():
    assert issubclass(CSVError, ValueError)
