"""The Optimizer race page under AppTest: widgets change the race, the URL carries every setting,
bad input (a broken formula, garbage URL values, an invalid hyperparameter) ends in a message."""

from __future__ import annotations

import base64
import dataclasses
import json

import numpy as np
import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState

from playground.optim import TEACHING
from playground.surfaces import SURFACES
from playground.trajectories import race
from playground.ui import format as fmt
from playground.ui.i18n import CHOSEN, catalogue
from playground.ui.race import summaries
from playground.ui.race.keys import PLAYER
from tests.ui.helpers import (
    ENGLISH,
    described_charts,
    english_phrases,
    open_page,
    player_scene,
    send_player_event,
)

PAGE = "race"


def summary(at):
    """The race's summary table, indexed by method."""
    table = next(df.value for df in at.dataframe if "matches torch.optim" in df.value.columns)
    return table.set_index("method")


def widget(at, key):
    return next(w for w in (*at.selectbox, *at.number_input, *at.multiselect, *at.text_input, *at.toggle,
                            *at.slider) if w.key == key)


@pytest.fixture(scope="module")
def default_page():
    return open_page(PAGE)


def test_default_race_on_rosenbrock_with_six_methods_all_matching_torch(default_page):
    at = default_page
    assert not at.exception and not at.error
    table = summary(at)
    assert list(table.index) == list(TEACHING)
    assert table.loc["Adam", "lr"] == SURFACES["rosenbrock"].lrs["Adam"]
    assert table["matches torch.optim"].str.startswith("✓").all()
    assert table.loc["Adam", "final loss"] < 0.1 < table.loc["SGD", "final loss"]  # Adam gets down the banana
    assert any("(1 - x)^2" in latex.value for latex in at.latex)


def test_surface_methods_lr_and_steps_widgets_change_the_race(default_page):
    at = default_page
    widget(at, "race.surface").set_value("bowl").run()
    table = summary(at)
    assert table.loc["SGD", "lr"] == SURFACES["bowl"].lrs["SGD"]  # the bowl's tuned learning rates
    assert at.session_state["race.x"] == SURFACES["bowl"].start[0]  # and its start
    assert table["final loss"].max() < 1e-3

    widget(at, "race.methods").set_value(["SGD", "Adam"]).run()
    assert list(summary(at).index) == ["SGD", "Adam"]

    widget(at, "race.SGD.lr").set_value(1.5).run()  # too large for x^2 + y^2: |θ| doubles each step
    table = summary(at)
    assert table.loc["SGD", "diverged at step"] == "12" and table.loc["Adam", "diverged at step"] == "—"
    assert table["matches torch.optim"].str.startswith("✓").all()  # the changed badge is filled in too

    widget(at, "race.steps").set_value(40).run()
    table = summary(at)
    assert "loss at step 40" in table.columns
    assert at.query_params["steps"] == "40" and at.query_params["SGD.lr"] == "1.5"
    assert at.query_params["surface"] == "bowl" and at.query_params["methods"] == "SGD,Adam"


def test_a_bad_formula_is_explained_and_the_last_good_surface_stays():
    at = open_page(PAGE, surface="custom", formula="x**2 + 3*y**2", methods="SGD,Adam")
    assert not at.error
    before = summary(at)
    widget(at, "race.formula").set_value("x**2 + * y").run()
    assert any("does not work" in e.value for e in at.error)
    assert not at.exception
    assert any("3" in latex.value and "y" in latex.value for latex in at.latex)  # still x^2 + 3y^2
    assert summary(at)["final loss"].tolist() == before["final loss"].tolist()


def test_a_bad_formula_is_explained_in_the_pages_language():
    at = open_page(PAGE, surface="custom", formula="x**2 % y", lang="zh")
    (shown,) = [e.value for e in at.error]
    assert "第 6 个字符处出现意外的字符 '%'" in shown and "只能使用 `+ - * /` 和 `**`（或 `^`）" in shown
    assert shown.startswith("**这个公式无法使用**：")  # the bold closes before the colon, as Markdown needs
    assert not any(word in shown for word in ("unexpected", "position", "use only"))


def test_url_round_trip_sets_every_widget():
    query = {"surface": "himmelblau", "methods": "SGD,Adam,RMSprop", "Adam.lr": "0.05", "Adam.beta1": "0.8",
             "steps": "120", "x": "1.5", "y": "-1.0", "schedule": "cosine", "noise": "0.5", "seed": "3",
             "clip": "10.0", "step": "60"}
    at = open_page(PAGE, **query)
    assert not at.exception and not at.warning
    state = at.session_state
    assert state["race.surface"] == "himmelblau" and state["race.methods"] == ["SGD", "Adam", "RMSprop"]
    assert state["race.Adam.lr"] == 0.05 and state["race.Adam.beta1"] == 0.8 and state["race.steps"] == 120
    assert (state["race.x"], state["race.y"]) == (1.5, -1.0) and state["race.schedule"] == "cosine"
    assert state["race.noise"] == 0.5 and state["race.seed"] == 3 and state["race.step"] == 60
    table = summary(at)
    assert table.loc["Adam", "lr"] == 0.05 and "loss at step 60" in table.columns
    assert dict(at.query_params) == {**query, "v": "2"}  # the page writes back the same link, versioned


def test_garbage_url_values_fall_back_to_defaults_with_notices():
    at = open_page(PAGE, surface="nowhere", steps="lots", methods="SGD,Bogus", x="nan", **{"Adam.lr": "-4"})
    assert not at.exception
    notices = " ".join(w.value for w in at.warning)
    for name in ("surface=nowhere", "steps=lots", "methods=SGD,Bogus", "Adam.lr=-4", "x=nan"):
        assert name in notices
    assert at.session_state["race.surface"] == "rosenbrock" and at.session_state["race.steps"] == 300
    assert list(summary(at).index) == list(TEACHING)

    at = open_page(PAGE, methods="Adam,SGD,Adam")  # a repeated method: one widget per method, once
    assert not at.exception
    assert any("methods=Adam,SGD,Adam" in w.value and "Adam listed more than once" in w.value
               for w in at.warning)
    assert list(summary(at).index) == ["Adam", "SGD"] and at.query_params["methods"] == "Adam,SGD"


def test_invalid_hyperparameters_bench_that_method_with_the_reason():
    at = open_page(PAGE, methods="NAG,Adam", **{"NAG.momentum": "0.0"})
    assert any("NAG sits out" in e.value and "Nesterov" in e.value for e in at.error)
    assert list(summary(at).index) == ["Adam"]


def test_inside_the_optimizer_shows_adams_state_at_the_scrubbed_step():
    at = open_page(PAGE, methods="SGD,Adam", tab="Inside the optimizer", inspect="Adam", step="4")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["step count t"] == "5" and metrics["1 − β₁ᵗ (divides m)"] == f"{1 - 0.9**5:.4g}"
    rows = next(df.value for df in at.dataframe if "quantity" in df.value.columns).set_index("quantity")
    assert {"gradient g (as the rule saw it)", "first moment / velocity (m or v)",
            "second moment (v, s or u)", "effective step −Δθ / g"} <= set(rows.index)
    assert any(r"\hat m_t" in latex.value for latex in at.latex)


def test_a_link_keeps_the_settings_of_tabs_that_are_not_open():
    """Only the open tab runs, yet the Inside and Basins settings stay in the link and in their widgets."""
    query = {"methods": "SGD,Adam", "grid": "100", "basin_colour": "steps", "inspect": "Adam", "step": "5"}
    at = open_page(PAGE, **query)
    assert not at.exception and not at.warning
    assert dict(at.query_params) == {**query, "v": "2"}  # the Race tab is open: nothing was dropped
    at.session_state["race.tab"] = "Basins"
    at.run()
    assert widget(at, "race.grid").value == 100
    assert next(b for b in at.button_group if b.key == "race.basin_colour").value == "steps"
    at.session_state["race.tab"] = "Inside the optimizer"
    at.run()
    assert widget(at, "race.inspect").value == "Adam"
    assert dict(at.query_params) == {**query, "tab": "Inside the optimizer", "v": "2"}


def scene(at) -> dict:
    """What the map's player was sent to draw."""
    return player_scene(at, PLAYER)


def _player_event(at, event: str, value) -> None:
    send_player_event(at, PLAYER, event, value)


def test_clicking_the_map_moves_the_start_to_that_cells_centre():
    at = open_page(PAGE, methods="SGD,Adam", steps="50")
    before = summary(at)["final loss"]
    _player_event(at, "click", {"x": 0.51234, "y": -0.4})
    assert not at.exception
    x, y = at.session_state["race.x"], at.session_state["race.y"]
    assert abs(x - 0.51234) < 0.05 and abs(y + 0.4) < 0.05 and (x, y) != (0.51234, -0.4)  # a cell centre
    assert (widget(at, "race.x").value, widget(at, "race.y").value) == (x, y)
    assert at.query_params["x"] == f"{x!r}" and at.query_params["y"] == f"{y!r}"
    assert (summary(at)["final loss"] != before).all()  # the race was rerun from the new start
    assert scene(at)["marks"][0]["x"] == x  # and the map's start ring moved there


def test_the_player_gets_every_step_at_once_and_the_step_it_stops_on_lands_in_the_link():
    at = open_page(PAGE, methods="SGD,Adam", steps="10")
    data = scene(at)
    assert data["frames"] == list(range(11)) and data["frame"] == 10  # Play needs no rerun per frame
    assert [s["at"] for s in data["series"]] == [list(range(11))] * 2
    _player_event(at, "stop", 4)
    assert not at.exception
    assert at.query_params["step"] == "4" and "loss at step 4" in summary(at).columns
    assert scene(at)["frame"] == 4
    _player_event(at, "stop", 10**6)  # whatever the browser sends, the step stays in the run
    assert at.session_state["race.step"] == 10 and "step" not in at.query_params


def test_basins_tab_computes_on_demand():
    at = open_page(PAGE, surface="himmelblau", methods="SGD", tab="Basins", grid="25", steps="200")
    assert any("Compute basin map" in i.value for i in at.info)
    next(b for b in at.button if b.label == "Compute basin map").click().run()
    success = next(df.value for df in at.dataframe if "success rate" in df.value.columns)
    assert success.set_index("method").loc["SGD", "success rate"] == 100.0


def test_the_badge_is_per_step_parity_with_the_path_drift_beside_it():
    at = open_page(PAGE, surface="ackley", methods="SGD,Adam")
    table = summary(at)
    assert table["matches torch.optim"].str.startswith("✓").all()  # SGD's whole path drifts, its steps match
    assert float(table.loc["SGD", "path drift"]) > 0.1
    assert any("the last digit at one step" in c.value for c in at.caption)


def test_changing_steps_keeps_the_scrubber_at_the_end_or_at_the_same_fraction():
    at = open_page(PAGE, methods="SGD,Adam")
    assert at.session_state["race.step"] == 300
    widget(at, "race.steps").set_value(500).run()
    assert at.session_state["race.step"] == 500 and "loss at step 500" in summary(at).columns
    _player_event(at, "stop", 250)
    widget(at, "race.steps").set_value(1000).run()
    assert at.session_state["race.step"] == 500  # halfway stays halfway


def test_inside_shows_the_rule_for_the_switches_in_force():
    query = {"methods": "RMSprop", "tab": "Inside the optimizer", "inspect": "RMSprop", "step": "4"}
    plain = "".join(latex.value for latex in open_page(PAGE, **query).latex)
    assert r"\bar g_t &=" not in plain and "b_t &=" not in plain
    at = open_page(PAGE, **query, **{"RMSprop.centered": "true", "RMSprop.momentum": "0.5",
                                     "RMSprop.weight_decay": "0.1"})
    assert not at.exception and not at.warning
    rule = next(latex.value for latex in at.latex if r"\begin{aligned}" in latex.value)
    assert r"\bar g_t &=" in rule and "b_t &=" in rule and r"\lambda\,\theta_k" in rule


def test_a_diverging_step_says_it_diverged_and_shows_no_zero_update():
    at = open_page(PAGE, surface="bowl", methods="SGD", tab="Inside the optimizer", inspect="SGD", step="11",
                   x="-2.5", y="2.0", **{"SGD.lr": "1.5"})
    assert not at.exception
    assert any("This step diverged" in e.value and "diverged at step 12" in e.value for e in at.error)
    rows = next(df.value for df in at.dataframe if "quantity" in df.value.columns).set_index("quantity")
    assert "update Δθ" not in rows.index and "effective step −Δθ / g" not in rows.index


def lr_charts(at):
    return [c for c in at.get("vega_lite_chart")
            if json.loads(c.proto.spec)["layer"][0].get("title") == "learning rate η(t)"]


def test_a_schedule_draws_each_methods_learning_rate_at_the_scrubbed_step():
    at = open_page(PAGE, methods="SGD,Adam", schedule="cosine", steps="50", step="20")
    assert not at.exception
    (lr,) = lr_charts(at)
    rule = json.loads(lr.proto.spec)["layer"][1]
    assert rule["mark"]["type"] == "rule" and any(d.name == rule["data"]["name"] for d in lr.proto.datasets)


def test_a_default_race_draws_each_methods_constant_learning_rate_under_the_loss_and_gradient_norm():
    at = open_page(PAGE, methods="SGD,Adam", steps="50")
    assert not at.exception
    charts = described_charts(at._tree)
    titles = [json.loads(chart.proto.spec)["layer"][0]["title"] for chart, _, _ in charts]
    assert titles == ["loss f(θ)", "gradient norm ‖∇f‖", "learning rate η(t)"]
    _, sentence, expander = charts[2]
    lrs = next(df.value for df in expander.dataframe).groupby("method")["learning rate η(t)"]
    tuned = summary(at)["lr"]
    assert lrs.min().to_dict() == lrs.max().to_dict() == tuned.to_dict()  # flat lines at each method's own η
    assert sentence.value == ("Every method kept its learning rate constant from step 0 to step 49: "
                              f"SGD {fmt.number(tuned['SGD'])}; Adam {fmt.number(tuned['Adam'])}.")


def test_the_learning_rate_sentence_says_which_methods_kept_theirs_when_another_changed():
    paths = race(SURFACES["bowl"], ["SGD", "Adam"], SURFACES["bowl"].start, 20)
    cut = paths["SGD"].lrs.copy()
    cut[10:] /= 2  # SGD's rate halved at step 10, as a plateau's cut would; Adam's left alone
    paths = {**paths, "SGD": dataclasses.replace(paths["SGD"], lrs=cut)}
    sgd, adam = (fmt.number(paths[name].lrs[0, 0]) for name in ("SGD", "Adam"))
    assert summaries.lr_summary(paths) == (f"Learning rate η(t) from step 0 to step 19: SGD {sgd} → "
                                           f"{fmt.number(cut[-1, 0])}; Adam {adam} throughout.")


def test_the_export_opens_from_the_link_with_the_races_pytorch_script_and_settings():
    at = open_page(PAGE, surface="custom", formula="x**2 + 3*y**2", methods="SGD,Adam", steps="40",
                   noise="0.2", export="true")
    assert not at.exception and at.query_params["export"] == "true"
    (code,) = at.code
    assert "(torch.optim.SGD, dict(" in code.value and "(torch.optim.Adam, dict(" in code.value
    assert "STEPS = 40" in code.value and "default_rng(0)" in code.value
    assert "return x ** 2.0 + 3.0 * y ** 2.0" in code.value  # the typed formula, from its parsed tree
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Settings (JSON)", "Copy as PyTorch (.py)"]
    closed = open_page(PAGE, methods="SGD,Adam", steps="40")
    assert not closed.code  # nothing is generated while the expander is closed


def test_a_shared_server_refuses_a_basin_map_over_budget_and_disables_the_button(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_HOSTED", "1")
    at = open_page(PAGE, surface="rastrigin", tab="Basins", grid="100", steps="5000",
                   methods="SGD,Momentum,NAG,AdaGrad,RMSprop,Adam,AdamW,NAdam,RAdam,Adadelta,Adamax")
    refusal = next(e.value for e in at.error if "not started" in e.value)
    assert "11 methods × 10,000 starts × 5,000 steps" in refusal and "Lower the grid" in refusal
    assert next(b for b in at.button if b.label == "Compute basin map").disabled
    assert not any("success rate" in df.value.columns for df in at.dataframe) and not at.exception


def test_a_shared_server_refuses_a_race_on_a_formula_too_slow_to_draw(monkeypatch):
    from playground import budget
    monkeypatch.setenv("PLAYGROUND_HOSTED", "1")
    monkeypatch.setattr(budget, "gradient_seconds", lambda surface: 1e-3)
    at = open_page(PAGE, surface="custom", formula="x**2 + 3*y**2 + sin(x*y)")
    assert any("simplify the formula" in e.value for e in at.error) and not at.exception
    assert not at.get("vega_lite_chart")  # no map drawn from work that was not done


def _click_tab(at, label: str) -> None:
    """AppTest cannot click a tab: send what the browser sends (the tabs widget's new label) and run."""
    def tab_container(node):
        for child in getattr(node, "children", {}).values():
            found = child if getattr(child, "type", None) == "tab_container" else tab_container(child)
            if found is not None:
                return found
        return None

    states = at._tree.get_widget_states()
    states.widgets.append(WidgetState(id=tab_container(at._tree).proto.id, string_value=label))
    at._run(states)


def test_in_chinese_the_sidebar_the_tabs_and_the_summary_headers_are_chinese_and_the_link_is_not():
    zh = catalogue("zh")
    at = open_page(PAGE, methods="SGD,Adam", steps="50")
    at.session_state[CHOSEN] = "zh"  # the sidebar's language switch (open_page's Home cannot rerun in zh yet)
    at.run()
    widget(at, "race.steps").set_value(60).run()  # reruns in Chinese: each choice's title still matches
    assert not at.exception and at.title[0].value == zh["pages.race.title"]
    assert widget(at, "race.surface").label == zh["race.controls.surface"]
    assert widget(at, "race.surface").options[0] == zh["race.surfaces.rosenbrock"]
    assert widget(at, "race.methods").label == zh["race.controls.methods"]
    assert widget(at, "race.steps").label == zh["race.controls.steps"]
    assert widget(at, "race.SGD.lr").label == f"{zh['knobs.lr.label']} η"
    assert widget(at, "race.schedule").options[0] == zh["race.schedules.constant"]
    assert [tab.label for tab in at.tabs] == [zh["race.tabs.race"], zh["race_3d.tab"], zh["race.tabs.inside"],
                                              zh["race.tabs.basins"]]

    table = next(df for df in at.dataframe if "matches torch.optim" in df.value.columns)  # English data
    headers = {name: column.get("label") for name, column in json.loads(table.proto.columns).items()}
    assert headers["method"] == zh["race.summary.method"]
    assert headers["steps to tolerance"] == zh["race.summary.steps_to_tol"]
    assert headers["loss at step 60"] == zh["race.summary.loss_at"].format(step=60)
    assert headers["matches torch.optim"] == zh["race.summary.matches"]
    assert all(headers[name] for name in table.value.columns)  # no English header left

    _click_tab(at, zh["race.tabs.basins"])
    assert not at.exception
    assert any(b.label == zh["race.basins.compute"] for b in at.button)
    assert dict(at.query_params) == {"methods": "SGD,Adam", "steps": "60", "tab": "Basins", "lang": "zh",
                                     "v": "2"}  # the link names the tab as it always has


def numbers(value) -> np.ndarray:
    """A Plotly figure's array as the browser reads it: a list, or typed-array bytes in base64."""
    if isinstance(value, dict):
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
    return np.asarray(value)


def surface_3d(at) -> dict[str, dict[str, dict]]:
    """The 3-D view's paths: per method, its traces by role (drawn up to the step, ahead, its marker)."""
    (chart,) = at.get("plotly_chart")
    traces: dict[str, dict[str, dict]] = {}
    for trace in json.loads(chart.proto.spec)["data"]:
        if trace.get("meta"):
            traces.setdefault(trace["legendgroup"], {})[trace["meta"]] = trace
    return traces


def test_the_3d_tab_draws_each_path_up_to_the_step_in_the_link_with_its_text():
    at = open_page(PAGE, methods="SGD,Adam", steps="50", step="20", tab="3-D")
    assert not at.exception and at.query_params["tab"] == "3-D"
    paths = race(SURFACES["rosenbrock"], ["SGD", "Adam"], SURFACES["rosenbrock"].start, 50)
    for name, traces in surface_3d(at).items():
        drawn, ahead, now = (numbers(traces[role]["customdata"]) for role in ("drawn", "ahead", "now"))
        assert (drawn[-1], ahead[0], ahead[-1], now[0]) == (20, 20, 50, 20)
        marker = numbers(traces["now"]["x"])[0], numbers(traces["now"]["y"])[0]
        assert marker == pytest.approx(tuple(paths[name].positions[20, 0]), abs=1e-6)
    low, high = sorted(paths, key=lambda name: paths[name].losses[20, 0])  # lowest f: lowest on the surface
    low_item, high_item = (f"{name} (f = {fmt.number(paths[name].losses[20, 0])})" for name in (low, high))
    sentence = f"At step 20 of 50, from lowest to highest: {low_item}; {high_item}."
    assert sentence in [c.value for c in at.caption]
    assert any("Drag to turn" in c.value and "f − min f (log scale)" in c.value for c in at.caption)
    table = next(df.value for df in at.dataframe).set_index("method")  # the same positions, as data
    assert table.loc["SGD", "x"] == pytest.approx(paths["SGD"].positions[20, 0, 0])


def test_the_3d_tab_follows_the_step_the_maps_player_stopped_on():
    at = open_page(PAGE, methods="SGD,Adam", steps="50")
    _player_event(at, "stop", 7)
    _click_tab(at, "3-D view")
    assert not at.exception and at.query_params["tab"] == "3-D" and at.query_params["step"] == "7"
    assert [numbers(t["drawn"]["customdata"])[-1] for t in surface_3d(at).values()] == [7, 7]
    assert not at.get("bidi_component")  # only the open tab is built: the map is not


def test_the_3d_tab_in_chinese_labels_its_figure_in_chinese():
    zh = catalogue("zh")
    at = open_page(PAGE, lang="zh", methods="SGD,Adam", steps="50", tab="3-D")
    assert not at.exception and english_phrases(at._tree) == []
    (chart,) = at.get("plotly_chart")
    figure = json.loads(chart.proto.spec)
    assert figure["layout"]["scene"]["zaxis"]["title"]["text"] == zh["race_3d.axis_log"]
    names = [trace.get("name", "") for trace in figure["data"]]
    assert zh["race_3d.start"] in names and zh["race_3d.minimum"] in names
    shown = names + [trace.get("hovertemplate", "") for trace in figure["data"]]
    assert not [text for text in shown if ENGLISH.search(text)]
    assert any(c.value.startswith("第 50 步（共 50 步）时，从低到高：") for c in at.caption)
