"""Your own data: a CSV of numeric feature columns plus a label column.

Uploads are untrusted, so every problem ends in a :class:`CSVError` that tells the student what
to fix, said by catalogue key (``csv.*``) so a page says it in its own language (names and cells go
in quoted as Python writes them, which reads the same in every language). Nothing in the file is
ever evaluated or unpickled (pandas' C parser reads text cells as strings and we convert them to
numbers ourselves). Features are standardized with the training split's mean and standard
deviation. The network computes in float32, so numbers too large for it are refused up front rather
than turning into inf or NaN in the middle of training.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from playground.datasets.toy import MIN_ROWS, SplitData, split
from playground.i18n import Said, SaidError, said

MAX_ROWS, MAX_COLUMNS, MAX_CLASSES = 20_000, 100, 20
FLOAT32_MAX = float(np.finfo(np.float32).max)
# The squared error squares a target: 20,000 rows of (1e15)² sum to 2e34, inside float32's 3.4e38.
MAX_TARGET = 1e15


class CSVError(SaidError):
    """A problem with an uploaded CSV, worded for the person who uploaded it: ``str()`` in English,
    ``.said`` for a page to say in its language."""


def read_csv(raw: bytes) -> pd.DataFrame:
    """The file's cells as strings under its header row, or CSVError saying what is wrong."""
    if not raw.strip():
        raise CSVError("csv.empty")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CSVError("csv.utf16")
    if b"\x00" in raw[:65536]:
        raise CSVError("csv.binary")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CSVError("csv.not_utf8", byte=error.start) from None
    try:
        # header=None so that a row longer than the header is an error, not a silent index column
        rows = pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False, engine="c",
                           skipinitialspace=True, nrows=MAX_ROWS + 2)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        # pandas' own words, in English whatever the page's language
        reason = str(error).replace("Error tokenizing data. C error: ", "").strip()
        raise CSVError("csv.unparsable", reason=reason) from None
    header = [str(name).strip() for name in rows.iloc[0]]
    frame = rows.iloc[1:].fillna("").reset_index(drop=True)  # short rows: their missing cells are empty
    frame.columns = header
    if len(frame) > MAX_ROWS:
        raise CSVError("csv.too_many_rows", most=MAX_ROWS)
    if len(header) > MAX_COLUMNS:
        raise CSVError("csv.too_many_columns", columns=len(header), most=MAX_COLUMNS)
    if len(header) < 2:
        raise CSVError("csv.one_column")
    numbers = [name for name in header if _is_number(name)]
    if numbers:  # a real header names its columns; a number there is a data row read as names
        raise CSVError("csv.no_header", cell=repr(numbers[0][:30]))
    if "" in header or len(set(header)) < len(header):
        raise CSVError("csv.unnamed_columns")
    if frame.empty:
        raise CSVError("csv.no_rows")
    return frame


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def to_split(frame: pd.DataFrame, label: str, task: str = "classification", val_fraction: float = 0.3,
             seed: int = 0) -> SplitData:
    """Features = every column but ``label``; validated, split, and standardized."""
    if label not in frame.columns:
        raise CSVError("csv.no_label_column", column=repr(label))
    features = [name for name in frame.columns if name != label]
    X = np.column_stack([_numeric(frame[name], name) for name in features])
    labels = frame[label].str.strip()
    if (labels == "").any():
        raise CSVError("csv.missing_labels", column=repr(label), rows=_rows(int((labels == "").sum())))
    if task == "classification":
        class_names = tuple(sorted(labels.unique(), key=_class_order))
        if len(class_names) < 2:
            raise CSVError("csv.one_class", column=repr(label), name=repr(class_names[0]))
        if len(class_names) > MAX_CLASSES:
            raise CSVError("csv.too_many_classes", column=repr(label), classes=len(class_names),
                           most=MAX_CLASSES)
        y = labels.map({name: index for index, name in enumerate(class_names)}).to_numpy()
    else:
        class_names = ()
        y = _numeric(frame[label], label, limit=MAX_TARGET)
    if len(frame) < MIN_ROWS:
        raise CSVError("csv.too_few_rows", least=MIN_ROWS, rows=_rows(len(frame)))
    data = split(X, y, task, class_names, tuple(features), val_fraction, seed)
    return standardize(data)


def _numeric(column: pd.Series, name: str, limit: float = FLOAT32_MAX) -> np.ndarray:
    """The column as float64 numbers of magnitude at most ``limit``, or CSVError naming a bad cell."""
    cells = column.str.strip()
    missing = cells == ""
    if missing.any():
        raise CSVError("csv.missing_values", column=repr(name), rows=_rows(int(missing.sum())),
                       row=int(missing.to_numpy().argmax()) + 1)
    values = pd.to_numeric(cells, errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(values)
    if bad.any():
        row = int(bad.argmax())
        raise CSVError("csv.not_numeric", column=repr(name), cell=repr(cells.iloc[row][:30]), row=row + 1)
    huge = np.abs(values) > limit
    if huge.any():
        row = int(huge.argmax())
        raise CSVError("csv.too_large", column=repr(name), cell=repr(cells.iloc[row][:30]), row=row + 1,
                       most=limit)
    return values


def _rows(count: int) -> Said:
    return said("csv.row", count=count) if count == 1 else said("csv.rows", count=count)


def _class_order(name: str) -> tuple[int, float, str]:
    # numeric class labels sort as numbers (2 before 10), others alphabetically
    return (0, float(name), "") if _is_number(name) else (1, 0.0, name)


def standardize(data: SplitData) -> SplitData:
    """Scale every feature to zero mean, unit variance using the training split's statistics,
    or CSVError naming a column whose scaled values do not fit in float32."""
    # float64 statistics: squaring float32 values near their limit would overflow to inf
    mean = data.X_train.mean(axis=0, dtype=np.float64)
    std = data.X_train.std(axis=0, dtype=np.float64)
    std[std == 0] = 1.0  # a constant column stays constant rather than dividing by zero
    with np.errstate(over="ignore"):  # overflow is reported below, by column
        X_train, X_val = (((X - mean) / std).astype(np.float32) for X in (data.X_train, data.X_val))
    # training values land within ±sqrt(rows) of 0, but a validation value far from nearly
    # constant training values can still be beyond float32's range once divided by their std
    overflow = ~np.isfinite(np.concatenate([X_train, X_val])).all(axis=0)
    if overflow.any():
        column = int(overflow.argmax())
        raise CSVError("csv.overflows", column=repr(data.feature_names[column]), std=std[column])
    return SplitData(X_train, data.y_train, X_val, data.y_val, data.task, data.class_names,
                     data.feature_names)
