"""Links handed out today keep opening the same experiment: a dozen addresses from the pages and
the home page's experiments, pinned as strings (with and without the format version), each opened
and checked setting by setting; the page must write each back unchanged (versioned). And the link
format's version: unknown versions are said, older formats are upgraded step by step."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from playground.ui import urlstate
from playground.ui.pages import PAGES
from tests.ui.helpers import open_page

PINNED = {
    "race?surface=himmelblau&methods=SGD,Adam,RMSprop&Adam.lr=0.05&steps=120&v=1":
        {"race.surface": "himmelblau", "race.methods": ["SGD", "Adam", "RMSprop"], "race.Adam.lr": 0.05,
         "race.steps": 120},
    "race?surface=rotated_ravine&methods=SGD,Momentum,NAG":
        {"race.surface": "rotated_ravine", "race.methods": ["SGD", "Momentum", "NAG"]},
    "race?methods=SGD,Adam&schedule=cosine&step=5&tab=Inside+the+optimizer&inspect=Adam&v=1":
        {"race.schedule": "cosine", "race.step": 5, "race.tab": "Inside the optimizer",
         "race.inspect": "Adam"},
    "race?surface=himmelblau&methods=SGD,Momentum,Adam&tab=Basins":
        {"race.tab": "Basins", "race.methods": ["SGD", "Momentum", "Adam"]},
    "regularization?l1=true&compare=true&epochs=30&hidden=16&v=1":
        {"lab.l1": True, "lab.compare": True, "lab.epochs": 30, "lab.hidden": "16"},
    "regularization?dropout=true&es=true&patience=10&epochs=40&hidden=16,16&epoch=20&v=1":
        {"lab.dropout": True, "lab.es": True, "lab.patience": 10, "lab.epoch": 20},
    "regularization?data=digits&n=400&noise=0.0&epochs=15&hidden=32":
        {"lab.data": "digits", "lab.n": 400, "lab.noise": 0.0, "lab.epochs": 15},
    "training?optimizer=SGD&lr=0.1&epochs=2&batch=64&v=1":
        {"runs.optimizer": "SGD", "runs.lr": 0.1, "runs.epochs": 2, "runs.batch": 64,
         "runs.dataset": "digits"},
    "training?model=fast&schedule=cosine":  # format 1: digits, lr 0.001, 3 epochs, batches of 128 then
        {"runs.model": "fast", "runs.schedule": "cosine", "runs.dataset": "digits", "runs.lr": 0.001,
         "runs.epochs": 3, "runs.batch": 128},
    "backprop?net=mlp&bug=activation":
        {"backprop.net": "mlp", "backprop.bug": "activation"},
    "backprop?net=mlp&act=tanh&seed=7&v=1":
        {"backprop.net": "mlp", "backprop.act": "tanh", "backprop.seed": 7},
    "gradient-health?act=relu&init=he&lr=0.01":
        {"health.act": "relu", "health.init": "he", "health.lr": 0.01},
    "gradient-health?depth=30&width=128&residual=true&v=1":
        {"health.depth": 30, "health.width": 128, "health.residual": True},
}


@pytest.mark.parametrize("address", list(PINNED))
def test_a_pinned_link_still_opens_the_same_experiment(address):
    parts = urlsplit(address)
    query = dict(parse_qsl(parts.query))
    (page,) = [key for key, spec in PAGES.items() if spec.url_path == parts.path]
    at = open_page(page, timeout=120, **query)
    assert not at.exception and not at.warning, [w.value for w in at.warning]
    assert {key: at.session_state[key] for key in PINNED[address]} == PINNED[address]
    namespace = next(iter(PINNED[address])).split(".")[0]
    today, _ = urlstate.upgraded(query, namespace)
    assert dict(at.query_params) == {**today, "v": str(urlstate.SCHEMA)}  # written back in today's format


def test_a_link_from_a_newer_or_garbled_format_is_read_with_a_notice():
    assert urlstate.upgraded({"steps": "50", "v": "7"}) == (
        {"steps": "50"}, "This link is in format 7; this playground reads formats 1 to 2. Settings it does "
                         "not recognise fall back to their defaults.")
    params, notice = urlstate.upgraded({"steps": "50", "v": "two"})
    assert params == {"steps": "50"} and notice is not None and "`v=two`" in notice
    at = open_page("race", steps="50", v="7")
    assert any("This link is in format 7" in w.value for w in at.warning)
    assert at.session_state["race.steps"] == 50


def test_an_older_format_is_upgraded_step_by_step(monkeypatch):
    # Suppose format 2 renamed `steps` to `iterations` and format 3 doubled it: a format-1 link
    # goes through both steps, a format-2 link through the second only.
    monkeypatch.setattr(urlstate, "SCHEMA", 3)
    monkeypatch.setattr(urlstate, "UPGRADES", {
        1: lambda _, p: {("iterations" if k == "steps" else k): v for k, v in p.items()},
        2: lambda _, p: {**p, "iterations": str(2 * int(p["iterations"]))}})
    assert urlstate.upgraded({"steps": "50"}) == ({"iterations": "100"}, None)
    assert urlstate.upgraded({"iterations": "50", "v": "2"}) == ({"iterations": "100"}, None)
    assert urlstate.upgraded({"iterations": "50", "v": "3"}) == ({"iterations": "50"}, None)
    assert urlstate.versioned({"iterations": "50"}) == {"iterations": "50", "v": "3"}
    assert urlstate.versioned({}) == {}
