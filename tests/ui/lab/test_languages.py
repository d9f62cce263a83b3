"""The lab in Chinese: its sidebar, headings, numbers' labels and charts speak Chinese, and so do a
refused upload's reason, a mistake made in the sidebar and how long a run will take, while the link
keeps its language-independent values; switching language keeps every setting."""

from __future__ import annotations

import re

import pytest

from playground import budget
from playground.ui.i18n import catalogue
from tests.ui.helpers import english_phrases, open_page

ZH = catalogue("zh")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
SETTINGS = {"epochs": "30", "hidden": "16", "compare": "true", "l1": "true", "data": "circles",
            "schedule": "step"}


def test_the_lab_in_chinese_shows_chinese_sidebar_labels_and_headings():
    at = open_page("lab", lang="zh", **SETTINGS)
    assert not at.exception and not at.error
    sections = ("data", "network", "regularizers", "training")
    assert [h.value for h in at.sidebar.subheader] == [ZH[f"lab.controls.{name}"] for name in sections]
    dataset = at.selectbox(key="lab.data")
    assert dataset.label == ZH["lab.controls.dataset"] and dataset.value == "circles"
    assert ZH["lab.datasets.circles"] in dataset.proto.options and "circles" not in dataset.proto.options
    assert at.radio(key="lab.l1_kind").label == ZH["policy.l_one.label"]
    assert at.toggle(key="lab.compare").label == ZH["lab.controls.compare"]
    assert at.number_input(key="lab.epochs").label == ZH["lab.controls.epochs"]
    headings = [h.value for h in at.main.subheader]
    assert [ZH["lab.comparison.heading"], ZH["lab.page.network"], ZH["lab.page.curves"]] == headings
    assert all(CHINESE.search(text) for text in headings)
    assert {m.label for m in at.metric} >= {ZH["lab.headline.val_loss"], ZH["lab.headline.zero_weights"]}
    assert all(CHINESE.search(c.value) for c in at.main.caption)  # explanations and every chart's sentence
    assert at.query_params["data"] == "circles" and at.query_params["schedule"] == "step"


def test_switching_language_keeps_the_settings_and_relabels_them():
    at = open_page("lab", lang="zh", **SETTINGS)
    at.button_group(key="_i18n.lang").set_value("en").run()
    assert not at.exception and not at.error
    dataset, schedule = at.selectbox(key="lab.data"), at.selectbox(key="lab.schedule")
    assert dataset.label == "Dataset" and dataset.value == "circles" and "circles" in dataset.options
    l1_kind = at.radio(key="lab.l1_kind")
    assert schedule.value == "step" and l1_kind.value == "proximal"
    assert l1_kind.options == ["L1 proximal step (exact zeros)", "L1 penalty (subgradient)"]
    assert [h.value for h in at.main.subheader][0] == "A vs B: same data, split, initial weights and seed"
    assert at.query_params["data"] == "circles" and "lang" not in at.query_params
    at.button_group(key="_i18n.lang").set_value("zh").run()  # and back
    assert not at.exception and at.selectbox(key="lab.data").value == "circles"
    assert at.selectbox(key="lab.schedule").options[1] == ZH["lab.schedules.step"]


def _hidden(key: str, **fields: object) -> str:
    return ZH["lab.controls.bad_hidden"].format(error=ZH[f"lab_settings.{key}"].format(**fields))


def _settings(key: str, **fields: object) -> str:
    return ZH["lab.controls.bad_settings"].format(error=ZH[f"lab_settings.{key}"].format(**fields))


MISTAKES = {  # a sidebar mistake as a link's settings, and what the Chinese page says of it
    "letters_in_widths": ({"hidden": "abc"}, [_hidden("hidden_numbers", text="'abc'")]),
    "seven_layers": ({"hidden": "8,8,8,8,8,8,8"}, [_hidden("hidden_layers", most=6, layers=7)]),
    "batchnorm_one": ({"bn": "true", "batch": "1"}, [_settings("batchnorm_batch")]),
    "warmup_past_the_end": ({"schedule": "warmup_cosine", "warmup": "50"},
                            [_settings("warmup", warmup=50, epochs=5)]),
    # bad widths fall back to the default ones, so the other settings are still checked
    "seven_layers_and_batchnorm_one": (
        {"hidden": "8,8,8,8,8,8,8", "bn": "true", "batch": "1"},
        [_hidden("hidden_layers", most=6, layers=7), _settings("batchnorm_batch")]),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_a_mistake_in_the_sidebar_is_explained_in_chinese_and_nothing_trains(mistake):
    query, said = MISTAKES[mistake]
    at = open_page("lab", lang="zh", epochs="5", **query)
    assert not at.exception
    assert [e.value for e in at.error] == said
    assert not english_phrases(at._tree)
    assert not at.metric  # no run's headline


def test_a_file_the_reader_refuses_is_explained_in_chinese():
    at = open_page("lab", lang="zh", data="your CSV", task="regression", epochs="20", hidden="16")
    at.file_uploader[0].set_value(("one.csv", b"a,b\n1,2\n", "text/csv")).run()
    assert not at.exception
    refusal = ZH["csv.too_few_rows"].format(least=3, rows=ZH["csv.row"].format(count=1))
    assert ZH["lab.upload.unreadable"].format(file="one.csv", error=refusal) in [e.value for e in at.error]


def test_how_long_a_run_takes_is_said_in_chinese_units(monkeypatch):
    monkeypatch.setattr(budget, "WARN_SECONDS", 0.01)
    at = open_page("lab", lang="zh", epochs="20", hidden="16")
    (notice,) = [w.value for w in at.warning if w.value.startswith(ZH["budget.long"].split("{")[0])]
    assert re.search(r"\d 秒", notice) and not re.search(r"\d s\b", notice)  # "0.1 秒", not "0.1 s"
