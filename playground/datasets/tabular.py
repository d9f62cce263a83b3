"""Your own data: a CSV of numeric feature columns plus a label column.

Uploads are untrusted, so every problem ends in a :class:`CSVError` whose message tells the
student what to fix; nothing in the file is ever evaluated or unpickled (pandas' C parser
reads text cells as strings and we convert them to numbers ourselves). Features are
standardized with the training split's mean and standard deviation. The network computes in
float32, so numbers too large for it are refused up front rather than turning into inf or
NaN in the middle of training.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from playground.datasets.toy import MIN_ROWS, SplitData, split

MAX_ROWS, MAX_COLUMNS, MAX_CLASSES = 20_000, 100, 20
FLOAT32_MAX = float(np.finfo(np.float32).max)
# The squared error squares a target: 20,000 rows of (1e15)² sum to 2e34, inside float32's 3.4e38.
MAX_TARGET = 1e15


class CSVError(ValueError):
    """A problem with an uploaded CSV, worded for the person who uploaded it."""


def read_csv(raw: bytes) -> pd.DataFrame:
    """The file's cells as strings under its header row, or CSVError saying what is wrong."""
    if not raw.strip():
        raise CSVError("The file is empty.")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CSVError("The file is UTF-16 text; save it as 'CSV UTF-8' and upload it again.")
    if b"\x00" in raw[:65536]:
        raise CSVError("This looks like a binary file, not a CSV text file.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CSVError(f"The file is not UTF-8 text (byte {error.start} cannot be decoded); "
                       "save it as 'CSV UTF-8' and upload it again.") from None
    try:
        # header=None so that a row longer than the header is an error, not a silent index column
        rows = pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False, engine="c",
                           skipinitialspace=True, nrows=MAX_ROWS + 2)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        reason = str(error).replace("Error tokenizing data. C error: ", "").strip()
        raise CSVError(f"Could not read the file as CSV: {reason}") from None
    header = [str(name).strip() for name in rows.iloc[0]]
    frame = rows.iloc[1:].fillna("").reset_index(drop=True)  # short rows: their missing cells are empty
    frame.columns = header
    if len(frame) > MAX_ROWS:
        raise CSVError(f"Too many rows: at most {MAX_ROWS:,} are allowed.")
    if len(header) > MAX_COLUMNS:
        raise CSVError(f"Too many columns: {len(header)}, at most {MAX_COLUMNS} are allowed.")
    if len(header) < 2:
        raise CSVError("Need at least two columns: one or more features and a label.")
    numbers = [name for name in header if _is_number(name)]
    if numbers:  # a real header names its columns; a number there is a data row read as names
        raise CSVError(f"The first row looks like data, not column names ({numbers[0][:30]!r} is a number): "
                       "add a header row that names every column.")
    if "" in header or len(set(header)) < len(header):
        raise CSVError("Every column needs a distinct name in the header row.")
    if frame.empty:
        raise CSVError("The file has a header but no data rows.")
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
        raise CSVError(f"There is no column named {label!r}.")
    features = [name for name in frame.columns if name != label]
    X = np.column_stack([_numeric(frame[name], name) for name in features])
    labels = frame[label].str.strip()
    if (labels == "").any():
        raise CSVError(f"Column {label!r} has missing labels in {_rows(int((labels == '').sum()))}.")
    if task == "classification":
        class_names = tuple(sorted(labels.unique(), key=_class_order))
        if len(class_names) < 2:
            raise CSVError(f"Column {label!r} holds a single class ({class_names[0]!r}); "
                           "a classifier needs at least two.")
        if len(class_names) > MAX_CLASSES:
            raise CSVError(f"Column {label!r} holds {len(class_names)} classes; at most {MAX_CLASSES} "
                           "are allowed (is it a number to predict? choose regression).")
        y = labels.map({name: index for index, name in enumerate(class_names)}).to_numpy()
    else:
        class_names = ()
        y = _numeric(frame[label], label, limit=MAX_TARGET)
    if len(frame) < MIN_ROWS:
        raise CSVError(f"Need at least {MIN_ROWS} data rows (two to train on, one to validate); the file has "
                       f"{_rows(len(frame))}.")
    data = split(X, y, task, class_names, tuple(features), val_fraction, seed)
    return standardize(data)


def _numeric(column: pd.Series, name: str, limit: float = FLOAT32_MAX) -> np.ndarray:
    """The column as float64 numbers of magnitude at most ``limit``, or CSVError naming a bad cell."""
    cells = column.str.strip()
    missing = cells == ""
    if missing.any():
        raise CSVError(f"Column {name!r} has missing values in {_rows(int(missing.sum()))} "
                       f"(first in data row {int(missing.to_numpy().argmax()) + 1}).")
    values = pd.to_numeric(cells, errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(values)
    if bad.any():
        row = int(bad.argmax())
        raise CSVError(f"Column {name!r} has non-numeric cells, e.g. {cells.iloc[row][:30]!r} "
                       f"in data row {row + 1}; features must be numbers.")
    huge = np.abs(values) > limit
    if huge.any():
        row = int(huge.argmax())
        raise CSVError(f"Column {name!r} has a value too large to train on: {cells.iloc[row][:30]!r} in data "
                       f"row {row + 1} (at most ±{limit:.3g}, so that float32 arithmetic stays finite); "
                       "rescale the column, e.g. use other units.")
    return values


def _rows(count: int) -> str:
    return f"{count} row" if count == 1 else f"{count} rows"


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
        raise CSVError(f"Column {data.feature_names[column]!r} overflows when standardized: its training "
                       f"values hardly vary (standard deviation {std[column]:.3g}) while a validation value "
                       "lies far from them. Rescale or drop the column.")
    return SplitData(X_train, data.y_train, X_val, data.y_val, data.task, data.class_names,
                     data.feature_names)
