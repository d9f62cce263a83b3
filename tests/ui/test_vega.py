"""Chart templates: valid Vega-Lite, built once per shape, never changed by a page that draws them."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema.core import load_schema

from playground.optim import TEACHING
from playground.surfaces import SURFACES
from playground.trajectories import race, run_slice
from playground.ui.race import charts
from playground.ui.vega import spec_of
from tests.ui.helpers import open_page

ROSENBROCK = SURFACES["rosenbrock"]


def _race_specs() -> list:
    paths = race(ROSENBROCK, TEACHING, ROSENBROCK.start, 200)
    curves = charts.curves_frame(paths)
    return [charts.curve_chart(curves, "loss", "loss", 50, list(paths)),
            charts.curve_chart(curves, "grad_norm", "gradient norm", 50, list(paths)),
            charts.curve_chart(charts.lrs_frame(paths), "lr", "η(t)", 50, list(paths), height=180),
            charts.slice_chart(charts.slice_frame({n: run_slice(ROSENBROCK, p) for n, p in paths.items()}),
                               list(paths))]


def test_every_race_template_is_valid_vega_lite_without_altairs_view_size():
    schema = load_schema()
    for spec in _race_specs():
        validate_jsonschema(spec.to_dict(), schema)  # raises on the first schema violation
        assert "continuousWidth" not in json.dumps(spec.template)  # Streamlit sizes the chart


def test_a_template_holds_no_numbers_and_is_shared_by_the_same_shape():
    first, second = _race_specs()[0], _race_specs()[0]
    assert first.template is second.template  # built once, then only the data changes
    names = {layer["data"]["name"] for layer in first.template["layer"]}
    assert names == set(first.datasets) == {"lines", "rule", "points"}
    assert "values" not in json.dumps(first.template)


def test_drawing_a_spec_leaves_its_template_as_it_was():
    spec = _race_specs()[0]
    before = json.dumps(spec.template, sort_keys=True)
    drawn = spec.for_streamlit()
    drawn["layer"][0]["mark"]["type"] = "bar"  # what Streamlit's marshalling may do to its copy
    drawn.pop("datasets")
    assert json.dumps(spec.template, sort_keys=True) == before
    assert isinstance(spec.for_streamlit()["datasets"]["lines"], bytes)  # as Arrow, converted once


def test_the_scale_follows_the_data():
    paths = race(ROSENBROCK, ["SGD"], ROSENBROCK.start, 20)
    curves = charts.curves_frame(paths)
    log = charts.curve_chart(curves, "loss", "loss", 5, ["SGD"])
    curves.loc[0, "loss"] = 0.0
    symlog = charts.curve_chart(curves, "loss", "loss", 5, ["SGD"])
    assert log.template["layer"][0]["encoding"]["y"]["scale"]["type"] == "log"
    assert symlog.template["layer"][0]["encoding"]["y"]["scale"]["type"] == "symlog"


def test_spec_of_matches_altairs_own_conversion_and_leaves_the_chart_alone():
    import altair as alt

    frame = pd.DataFrame({"epoch": [0, 1, 2], "value": [3.0, 2.0, 1.5], "run": ["a", "a", "a"]})
    rule = pd.DataFrame({"epoch": [1]})
    chart = alt.hconcat(alt.layer(alt.Chart(frame).mark_line().encode(x="epoch:Q", y="value:Q"),
                                  alt.Chart(rule).mark_rule().encode(x="epoch:Q")),
                        alt.Chart(frame).mark_point().encode(x="epoch:Q", y="value:Q").facet(column="run:N"))
    spec = spec_of(chart)
    assert set(spec.datasets) == {"data-0", "data-1"}  # the shared frame is sent once
    assert spec.datasets["data-0"] is frame and spec.datasets["data-1"] is rule
    validate_jsonschema(spec.to_dict(), load_schema())
    theirs = chart.to_dict()  # Altair's validated conversion, data inline
    ours = spec.to_dict()
    rule_mark = ours["hconcat"][0]["layer"][1]["mark"]
    assert theirs["hconcat"][0]["layer"][1]["mark"] == rule_mark == {"type": "rule"}
    assert theirs["hconcat"][1]["facet"] == ours["hconcat"][1]["facet"]
    assert sorted(map(len, theirs["datasets"].values())) == sorted(map(len, ours["datasets"].values()))
    assert chart.hconcat[0].layer[0].data is frame  # the chart still holds its own data


def test_memo_shares_a_chart_per_data_and_language_and_builds_anew_for_new_data(monkeypatch):
    import altair as alt

    from playground.ui import vega

    built: list[int] = []

    @vega.memo
    def bars(frame: pd.DataFrame, title: str) -> alt.Chart:
        built.append(len(frame))
        return alt.Chart(frame, title=title).mark_bar().encode(x="a:Q", y="b:Q")

    frame = pd.DataFrame({"a": [1, 2], "b": [3.0, 4.0]})
    first = bars(frame, "t")
    assert bars(frame.copy(), "t") is first and built == [2]  # equal contents: built once, shared
    assert bars(pd.DataFrame({"a": [1, 2], "b": [3.0, 5.0]}), "t") is not first  # one number differs
    assert bars(frame, "other title") is not first
    monkeypatch.setattr(vega, "language", lambda: "zh")
    assert bars(frame, "t") is not first  # the same chart in another language is another chart
    assert built == [2, 2, 2, 2]
    assert first.to_dict()["datasets"]["data-0"] == [{"a": 1, "b": 3.0}, {"a": 2, "b": 4.0}]


@pytest.mark.parametrize("page, query", [("race", {}), ("lab", {}), ("health", {}),
                                         ("backprop", {"net": "mlp", "act": "tanh"})])
def test_every_chart_a_page_draws_is_valid_vega_lite(page, query):
    at = open_page(page, **query)
    drawn = at.get("vega_lite_chart")
    assert drawn, f"the {page} page draws charts"
    schema = load_schema()
    for chart in drawn:
        spec = json.loads(chart.proto.spec)
        assert {d.name for d in chart.proto.datasets} >= _named_data(spec)  # every name has its data
        validate_jsonschema(spec, schema)


def _named_data(node: object) -> set[str]:
    if isinstance(node, dict):
        data = node.get("data")
        own = {data["name"]} if isinstance(data, dict) and "name" in data else set()
        return own.union(*(_named_data(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_named_data(v) for v in node))
    return set()
