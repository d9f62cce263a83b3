"""English and 简体中文: the catalogues hold the same keys with the same fields, every key is used
and every used key exists, the field's standard Chinese terms are used, code reads the same in both,
and a page follows the link's language, the switch, and keeps the language in its link."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from playground.datasets.images import DATASETS
from playground.lessons import LESSONS
from playground.optim import METHODS
from playground.optim.hyperparameters import KNOBS
from playground.schedules import SCHEDULES
from playground.surfaces import SURFACES
from playground.train.models import MODELS
from playground.ui.health.controls import PRESETS as HEALTH_PRESETS
from playground.ui.home.experiments import EXPERIMENTS
from playground.ui.i18n import LANGUAGES, catalogue
from playground.ui.pages import PAGES
from playground.ui.race.controls import SCHEDULE_CHOICES
from playground.ui.runs.inside import KINDS as LAYER_KINDS
from playground.ui.runs.messages import CLASSES
from playground.ui.runs.views import STATUS
from tests.ui.helpers import english_phrases, open_page

ROOT = Path(__file__).resolve().parents[2]
FIELD = re.compile(r"{\w+(?::[^}]*)?}")  # a field to fill, with or without a format: {tol:g}
# a key named in code: t("key"), said("key"), or a SaidError subclass raised with it
USED = re.compile(r"""\b(?:t|said|[A-Z]\w*Error)\(\s*["']([a-z0-9_]+\.[a-z0-9_.]+)["']""")
TERMS = {  # an English term in a text: the standard Chinese term its translation must use
    "backprop": "反向传播", "chain rule": "链式法则", "momentum": "动量", "learning rate": "学习率",
    "regulariz": "正则化", "weight decay": "权重衰减", "early stopping": "早停", "batchnorm": "批归一化",
    "gradient checking": "梯度检查", "vanishing": "梯度消失", "exploding": "梯度爆炸",
}


def used_keys() -> set[str]:
    """Keys named in the code, and the keys the registries' entries read."""
    keys = {key for folder in ("playground", "app_pages") for path in (ROOT / folder).rglob("*.py")
            for key in USED.findall(path.read_text())}
    for spec in PAGES.values():
        keys |= {f"pages.{spec.key}.title", f"pages.{spec.key}.blurb", f"sections.{spec.section}"}
        keys |= {f"pages.{spec.key}.intro"} if spec.url_path else set()  # Home has its own
    for experiment in EXPERIMENTS:
        keys |= {f"experiments.{experiment.key}.title", f"experiments.{experiment.key}.look_for"}
    for lesson in LESSONS.values():
        keys |= {f"lessons.{lesson.key}.title", f"lessons.{lesson.key}.summary"}
        for number, step in enumerate(lesson.steps, 1):
            parts = ("ask", "reveal", "notice", *"abcd"[:step.choices])
            keys |= {f"lessons.{lesson.key}.{number}.{part}" for part in parts}
    keys |= {f"knobs.{name}.{part}" for name in KNOBS for part in ("label", "help")}
    keys |= {f"race.surfaces.{name}" for name in SURFACES} | {f"race.blurbs.{name}" for name in METHODS}
    keys |= {f"race.schedules.{kind}" for kind in SCHEDULE_CHOICES}
    keys |= {f"health.presets.{p.key}.{part}" for p in HEALTH_PRESETS for part in ("label", "story")}
    keys |= {f"runs.datasets.{name}" for name in DATASETS} | {f"runs.models.{name}" for name in MODELS}
    keys |= {f"runs.schedules.{kind}" for kind in SCHEDULES} | {f"runs.status.{status}" for status in STATUS}
    keys |= {f"runs.classes.{name}" for name in CLASSES.values()}
    keys |= {f"runs_inside.kinds.{kind}" for kind in LAYER_KINDS}
    return keys


def test_both_catalogues_hold_every_key_the_app_uses_and_nothing_else():
    used = used_keys()
    for lang in LANGUAGES:
        keys = set(catalogue(lang))
        assert not used - keys, f"missing from {lang}.toml: {sorted(used - keys)}"
        assert not keys - used, f"unused in {lang}.toml: {sorted(keys - used)}"


def test_translations_keep_fields_and_code_and_use_the_standard_terms():
    en, zh = catalogue("en"), catalogue("zh")
    for key, text in en.items():
        assert zh[key].strip(), key
        assert set(FIELD.findall(text)) == set(FIELD.findall(zh[key])), key
        assert re.findall(r"`[^`]+`", text) == re.findall(r"`[^`]+`", zh[key]), key  # code reads the same
        words = FIELD.sub("", text).lower()  # a field's name ({momentum}) is not a word of the text
        for term, chinese in TERMS.items():
            if term in words:
                assert chinese in zh[key], f"{key}: '{term}' should read {chinese}"


def _unpaired_bold(text: str) -> list[str]:
    """Each ``**`` of ``text`` that Markdown (CommonMark) will not read as opening or closing bold:
    an opening one must not be followed by a space, nor by punctuation unless a space or punctuation
    comes before it; a closing one the mirror image. Chinese text trips on ``**标题：**正文``."""
    def kind(char: str) -> str:
        if not char or char.isspace():
            return "space"
        return "punct" if char != "{" and unicodedata.category(char)[0] in "PS" else "letter"

    text = re.sub(r"`[^`]*`", "code", text)
    unpaired = []
    for n, mark in enumerate(re.finditer(r"(?<!\*)\*\*(?!\*)", text)):
        before, after = kind(text[mark.start() - 1:mark.start()]), kind(text[mark.end():mark.end() + 1])
        outer, inner = (before, after) if n % 2 == 0 else (after, before)
        if inner == "space" or (inner == "punct" and outer == "letter"):
            unpaired.append(text[max(0, mark.start() - 10):mark.end() + 10])
    return unpaired


def test_bold_marks_open_and_close_in_both_languages():
    assert _unpaired_bold("**这个公式无法使用：**第 6 个字符")
    assert not _unpaired_bold("**这个公式无法使用**：第 6 个字符")
    for lang in LANGUAGES:
        unpaired = {key: marks for key, text in catalogue(lang).items() if (marks := _unpaired_bold(text))}
        assert not unpaired, f"{lang}.toml: {unpaired}"


def test_a_link_in_chinese_opens_in_chinese_and_keeps_its_language():
    at = open_page("race", lang="zh", steps="50")
    assert not at.exception
    assert at.title[0].value == "优化器竞赛"
    assert at.query_params["lang"] == "zh" and at.query_params["steps"] == "50"
    assert any(b.label == "分享这个实验" for b in at.sidebar.button)


def test_the_switch_changes_the_language_and_the_link():
    at = open_page("home", lang="zh")
    assert at.title[0].value == "神经网络是怎样训练出来的：一个练习场"
    (switch,) = [g for g in at.button_group if g.key == "_i18n.lang"]
    switch.set_value("en").run()
    assert at.title[0].value == "How neural networks are trained: a playground"
    assert "lang" not in at.query_params  # English is what this (locale-less) browser would pick


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_opens_in_chinese(page):
    at = open_page(page, lang="zh")
    assert not at.exception
    assert at.title[0].value == (catalogue("zh")["home.title"] if page == "home" else
                                 catalogue("zh")[f"pages.{page}.title"])
    assert english_phrases(at._tree) == []


@pytest.mark.parametrize("query", [{"tab": "3-D"}, {"tab": "Inside the optimizer"}, {"tab": "Basins"},
                                   {"surface": "custom", "formula": "x**2 + y**2"},
                                   {"surface": "custom", "formula": "x**2 % y"}])
def test_the_race_speaks_chinese_beyond_its_first_view(query):
    at = open_page("race", lang="zh", **query)
    assert not at.exception and english_phrases(at._tree) == []


def test_the_phrase_check_finds_english():
    at = open_page("race", lang="en", tab="Basins")
    assert len(english_phrases(at._tree)) > 20
