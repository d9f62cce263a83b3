"""The race page read as text: every chart and the map carry a sentence computed from the race and
their data in an expander, the sentences' numbers are the charts' own, and every method is told
apart by more than its colour."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from playground.surfaces import SURFACES
from playground.trajectories import basins, race
from playground.ui import format as fmt
from playground.ui.i18n import CHOSEN, catalogue
from playground.ui.race import charts, summaries
from tests.ui.helpers import open_page

PAGE = "race"
EN, ZH = catalogue("en"), catalogue("zh")


def children(node) -> list:
    return list(getattr(node, "children", {}).values())


def nodes(node):
    for child in children(node):
        yield child
        yield from nodes(child)


def described(at) -> list[tuple[dict, str, pd.DataFrame]]:
    """Each chart on the page as (its Vega-Lite spec, the caption under it, the data in the expander
    under that): the three must come in this order, together."""
    found = []
    for node in nodes(at.main):
        kinds = [getattr(child, "type", None) for child in children(node)]
        if "vega_lite_chart" in kinds:
            chart, caption, expander = children(node)
            assert kinds == ["vega_lite_chart", "caption", "expander"] and expander.label == EN["a11y.data"]
            (table,) = children(expander)
            found.append((json.loads(chart.proto.spec), caption.value, table.value))
    assert len(found) == len(at.get("vega_lite_chart"))  # no chart without its text
    return found


def summary(at) -> pd.DataFrame:
    table = next(df.value for df in at.dataframe if "matches torch.optim" in df.value.columns)
    return table.set_index("method")


@pytest.fixture(scope="module")
def race_page():
    return open_page(PAGE, methods="SGD,Momentum,Adam", steps="200", schedule="cosine")


def test_each_race_chart_has_its_sentence_and_its_data(race_page):
    at = race_page
    assert not at.exception
    titles = [spec["layer"][0]["title"] for spec, _, _ in described(at)]
    assert titles == [EN["race.charts.loss"], EN["race.charts.grad_norm"], EN["race.charts.lr"]]
    for _, caption, table in described(at):
        assert caption and len(table) and table.columns[0] == "method"
        assert set(table["method"]) == {"SGD", "Momentum", "Adam"}


def test_the_loss_sentence_names_the_method_that_really_ends_lowest_and_highest(race_page):
    (_, caption, table), *_ = described(race_page)
    ends = table.sort_values("step").groupby("method").tail(1).set_index("method")[EN["race.charts.loss"]]
    best, worst = ends.idxmin(), ends.idxmax()
    assert best != worst
    assert f"{best} has the lowest loss" in caption and f"{worst} the highest" in caption
    final = summary(race_page)["final loss"]
    assert final.idxmin() == best and final.idxmax() == worst  # the table beside it agrees


def test_the_gradient_sentence_gives_the_tables_step_to_tolerance():
    at = open_page(PAGE, surface="bowl", methods="SGD,Adam", steps="300")
    (_, caption, _) = described(at)[1]
    reached = summary(at)["steps to tolerance"]
    done = reached[reached != "not reached"].astype(int)
    first = done.idxmin()
    assert caption.startswith(f"{first} gets ‖∇f‖ below 0.001 first, at step {done[first]}")


def test_the_map_says_where_each_method_is_at_the_shown_step_with_the_data_under_it():
    at = open_page(PAGE, surface="himmelblau", methods="SGD,Adam", steps="100", step="40")
    column = next(node for node in nodes(at.main)
                  if "bidi_component" in [getattr(c, "type", None) for c in children(node)])
    kinds = [getattr(c, "type", None) for c in children(column)]
    # the arrows' picker, the map, its caption, the arrows' caption, the sentence, the data, the keyboard
    assert kinds == ["button_group", "bidi_component", "caption", "caption", "caption", "expander", "caption"]
    sentence, expander, keyboard = children(column)[4:]
    (table,) = children(expander)
    rows = table.value.set_index("method")
    assert list(rows[EN["race.charts.step"]]) == [40, 40]
    assert sentence.value.startswith("At step 40 of 100: SGD at (")
    paths = race(SURFACES["himmelblau"], ["SGD", "Adam"], SURFACES["himmelblau"].start, 100)
    for name in ("SGD", "Adam"):
        x, y = paths[name].positions[40, 0]
        assert rows.loc[name, "x"] == pytest.approx(x) and rows.loc[name, "y"] == pytest.approx(y)
        assert f"{name} at ({fmt.number(x)}, {fmt.number(y)})" in sentence.value
    assert "start x" in keyboard.value and "start y" in keyboard.value
    start = next(w for w in at.number_input if w.key == "race.x")
    assert start.help == EN["race.alt.start_help"]  # the keyboard's way to the start says so


def test_the_basin_map_has_its_sentence_and_its_data():
    at = open_page(PAGE, surface="himmelblau", methods="SGD,Momentum", tab="Basins", grid="25", steps="200")
    next(b for b in at.button if b.label == "Compute basin map").click().run()
    ((spec, caption, table),) = described(at)
    assert spec["config"]["background"] == charts.CARD
    assert len(table) == 2 * 25 * 25 and "The table above gives each method's success" in caption
    shares = table.groupby("method")[EN["race.basins.ends_in"]].value_counts(normalize=True)
    for name in ("SGD", "Momentum"):
        outcome = shares[name].idxmax()
        assert f"{name} {outcome}, {shares[name].max():.1%}" in caption


def test_in_chinese_the_sentences_are_chinese():
    at = open_page(PAGE, methods="SGD,Adam", steps="50")
    at.session_state[CHOSEN] = "zh"
    at.run()
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert any("的损失最低" in c for c in captions)
    assert any(c.startswith("第 50 步（共 50 步）") for c in captions)
    assert any(e.label == ZH["a11y.data"] for e in at.expander)


def test_every_method_has_its_own_dash_and_marker_and_no_mark_is_black():
    methods = ["SGD", "Momentum", "NAG", "AdaGrad", "RMSprop", "Adam", "AdamW", "NAdam"]
    surface = SURFACES["rosenbrock"]
    frame = charts.curves_frame(race(surface, methods, surface.start, 100))
    spec = charts.curve_chart(frame, "loss", "loss", 50, methods).to_dict()
    lines, rule, points = spec["layer"]
    dashes = lines["encoding"]["strokeDash"]["scale"]["range"]
    shapes = points["encoding"]["shape"]["scale"]["range"]
    assert len({tuple(d) for d in dashes}) == len({*shapes}) == len(methods)
    marked = pd.DataFrame(spec["datasets"][points["data"]["name"]])
    assert (marked.groupby("method").size() >= charts.MARKERS).all()
    assert rule["mark"]["color"] not in ("black", "#000", "#000000")
    colours = lines["encoding"]["color"]["scale"]["range"]
    assert not {c.lower() for c in colours} & {"black", "#000", "#000000"}


def test_each_basin_wide_enough_carries_its_outcomes_mark():
    surface = SURFACES["himmelblau"]
    maps = basins(surface, ["SGD"], grid=25, steps=200)
    frame = charts.basins_frame(maps, surface)
    marks = pd.Series(charts.region_marks(frame, surface, 25, 230 / 25))
    marked = frame[marks != ""].assign(mark=marks[marks != ""])
    assert sorted(marked["mark"]) == ["1", "2", "3", "4"]  # Himmelblau's four basins
    for row in marked.itertuples():  # each mark sits in its own basin
        assert row.outcome.startswith(f"minimum {row.mark} ")
    assert charts.glyph(-1) == "✕" and charts.glyph(-2) == "–"
    tiny = charts.region_marks(frame, surface, 25, 1.0)  # cells of a pixel: no region is wide enough
    assert not any(tiny)


def test_the_sentences_cover_divergence_and_a_lone_method():
    bowl = SURFACES["bowl"]
    paths = race(bowl, {"SGD": {"lr": 1.5}, "Adam": {}}, (-2.5, 2.0), 100)
    curves = charts.curves_frame(paths)
    assert summaries.loss_summary(curves, paths).endswith("Diverged: SGD at step 12.")
    frame = summaries.map_frame(paths, bowl, 50)
    assert "SGD diverged at step 12 and stays at (" in summaries.map_summary(paths, frame, 50)
    lone = race(bowl, ["Adam"], (-2.5, 2.0), 100)
    text = summaries.loss_summary(charts.curves_frame(lone), lone)
    losses = lone["Adam"].losses[:, 0]
    assert text == (f"Adam's loss goes from {fmt.number(losses[0])} at the start to {fmt.number(losses[-1])} "
                    "at step 100.")
