"""Charts whose shape is built once and whose data changes: a Vega-Lite template plus named datasets.

``st.altair_chart`` converts an Altair chart to Vega-Lite on every rerun, and Altair validates the
whole spec against the Vega-Lite JSON schema while it does (under a lock shared by every session).
On the race page that conversion, with building the chart objects, was more than half of the
server's time per rerun, though the charts' shape only changes with the methods, the language and
the scale: a class typing thirty learning rates within seconds waited on it. So a chart whose
shape does not depend on its numbers is built here once per shape (its data named, not inlined),
converted without validation (``tests/ui/test_vega.py`` validates every template against the
schema) and kept in a bounded cache; each rerun only pairs that template with its DataFrames.
Other charts are converted by :func:`spec_of`, also without validation; those drawn from results a
class shares (the lab's runs, the basin maps) are built once per distinct data and language
(:func:`memo`), so thirty students opening one link build each chart once.
"""

from __future__ import annotations

import copy
import functools
import hashlib
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, ParamSpec, cast

import altair as alt
import numpy as np
import pandas as pd
from altair.utils.schemapi import SchemaBase
from streamlit import dataframe_util

from playground.ui.i18n import language
from playground.ui.shared import SharedCache

TEMPLATES = 256  # shapes kept: charts × method sets × languages × scales a busy class might use
MEMOS = 512      # charts kept with their data (a lab run draws about ten)
#: The view size Altair's default theme adds; Streamlit sizes charts itself (as st.altair_chart does).
_THEME_VIEW = ("continuousWidth", "continuousHeight")

P = ParamSpec("P")


@dataclass(frozen=True)
class Spec:
    """A Vega-Lite chart: ``template`` (never changed, shared by every session) names its data, and
    ``datasets`` holds a DataFrame under each name."""

    template: Mapping[str, Any]
    datasets: Mapping[str, pd.DataFrame]

    @functools.cached_property
    def arrow(self) -> dict[str, bytes]:
        """Each dataset as the Arrow bytes Streamlit sends, converted once per Spec."""
        return {name: dataframe_util.convert_anything_to_arrow_bytes(frame)
                for name, frame in self.datasets.items()}

    def for_streamlit(self) -> dict[str, Any]:
        """A fresh spec for ``st.vega_lite_chart``, which moves the datasets out in place."""
        return {**copy.deepcopy(dict(self.template)), "datasets": dict(self.arrow)}

    def to_dict(self) -> dict[str, Any]:
        """The spec as Altair's ``to_dict`` writes it: each dataset as a list of records."""
        return {**copy.deepcopy(dict(self.template)),
                "datasets": {name: frame.to_dict("records") for name, frame in self.datasets.items()}}


def spec_of(chart: alt.TopLevelMixin) -> Spec:
    """``chart`` as a Spec, unvalidated: each DataFrame it holds becomes a named dataset (``data-0``,
    ``data-1``, … in the order met). The chart is left as it was."""
    datasets: dict[str, pd.DataFrame] = {}
    names: dict[int, str] = {}
    swapped: list[tuple[SchemaBase, pd.DataFrame]] = []

    def detach(node: object) -> None:
        if isinstance(node, SchemaBase):
            data = node._kwds.get("data")
            if isinstance(data, pd.DataFrame):
                name = names.setdefault(id(data), f"data-{len(names)}")
                datasets[name] = data
                swapped.append((node, data))
                node._kwds["data"] = alt.NamedData(name=name)
            for value in node._kwds.values():
                detach(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                detach(value)
        elif isinstance(node, dict):
            for value in node.values():
                detach(value)

    try:
        detach(chart)
        spec = _without_theme(chart.to_dict(validate=False))
    finally:
        for node, data in swapped:
            node._kwds["data"] = data
    return Spec(spec, datasets)


def _without_theme(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` less the view size Altair's default theme adds (Streamlit sizes its charts)."""
    config = spec.get("config", {})
    view = config.get("view", {})
    for key in _THEME_VIEW:
        view.pop(key, None)
    if not view:
        config.pop("view", None)
    if "config" in spec and not config:
        del spec["config"]
    return spec


def template(build: Callable[P, alt.TopLevelMixin]) -> Callable[P, Mapping[str, Any]]:
    """Cache ``build``'s chart as a Vega-Lite template, once per distinct (hashable) arguments. The
    chart must take its data from ``alt.NamedData`` only, so the template holds no numbers."""

    @functools.lru_cache(maxsize=TEMPLATES)
    @functools.wraps(build)
    def cached(*args: P.args, **kwargs: P.kwargs) -> Mapping[str, Any]:
        return _without_theme(build(*args, **kwargs).to_dict(validate=False))

    return cast("Callable[P, Mapping[str, Any]]", cached)  # lru_cache keeps the signature


_memos: SharedCache[Spec] = SharedCache(MEMOS)


def memo(build: Callable[P, alt.TopLevelMixin]) -> Callable[P, Spec]:
    """Keep ``build``'s chart as a Spec per distinct arguments (DataFrames by content) and page
    language, shared by every session; arguments it cannot key (an unknown type) build afresh."""

    @functools.wraps(build)
    def cached(*args: P.args, **kwargs: P.kwargs) -> Spec:
        try:
            key = (build.__module__, build.__qualname__, language(), _key(args), _key(kwargs))
        except TypeError:
            return spec_of(build(*args, **kwargs))
        return _memos.get(key, lambda: spec_of(build(*args, **kwargs)), lambda _: None)

    return cached


def _key(value: object) -> Hashable:
    """A hashable stand-in for a chart builder's argument: equal for equal contents."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, pd.DataFrame):
        rows = pd.util.hash_pandas_object(value, index=True).to_numpy()
        return ("frame", tuple(value.columns), tuple(map(str, value.dtypes)), _digest(rows))
    if isinstance(value, np.ndarray):
        return ("array", value.shape, str(value.dtype), _digest(np.ascontiguousarray(value)))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, *map(_key, value))
    if isinstance(value, dict):
        return ("dict", *((_key(k), _key(v)) for k, v in value.items()))
    raise TypeError(f"a chart cannot be keyed on {type(value).__name__}")


def _digest(array: np.ndarray) -> str:
    return hashlib.blake2b(array.tobytes(), digest_size=16).hexdigest()


def plottable(frame: pd.DataFrame, columns: list[str], log: bool = False) -> pd.DataFrame:
    """The rows whose ``columns`` are all finite (and positive, for a log axis)."""
    values = frame[columns].to_numpy(dtype=float)
    keep = np.isfinite(values).all(axis=1) & ((values > 0).all(axis=1) if log else True)
    return frame[keep].reset_index(drop=True)
