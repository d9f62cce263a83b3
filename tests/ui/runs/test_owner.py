"""The owner of a browser's runs is the token in its ``playground_owner`` cookie: a reloaded page
(a new session with the same cookie) sees its runs again, can stop them, and the per-owner cap
counts them; only well-formed tokens are believed; a browser without the cookie is given one."""

from __future__ import annotations

import json
import secrets

import pytest
from streamlit.runtime.context import ContextProxy, StreamlitCookies

from playground.train import RunConfig
from playground.train.runs import Limits, QueueFullError, RunQueue
from playground.ui.runs.compute import run_queue
from playground.ui.runs.keys import OWNER
from playground.ui.runs.owner import COOKIE, resolve, token
from tests.train.test_runs import GatedTrainer, wait_until
from tests.ui.helpers import open_page
from tests.ui.runs.test_page import launch, poll


@pytest.mark.parametrize("value", [
    "x", secrets.token_urlsafe(16) + "A", secrets.token_urlsafe(16)[:-1], "a" * 21 + ";",
    "<script>alert(1)</script>", "a" * 21 + " ", "a" * 21 + "=", "a" * 21 + ".", "", None, 12345,
], ids=["short", "long", "one-short", "semicolon", "markup", "space", "padding", "dot", "empty", "none",
        "number"])
def test_only_a_well_formed_token_is_believed(value):
    assert token(value) is None


def test_the_tokens_the_app_makes_are_believed():
    made = [resolve(None, {}, OWNER, RunQueue()) for _ in range(20)]
    assert all(token(value) == value for value in made) and len(set(made)) == 20


def test_a_reload_with_the_same_cookie_sees_and_stops_its_runs_and_the_cap_counts_them():
    queue = RunQueue(Limits(max_running=1, max_per_session=2), trainer=GatedTrainer())
    cookies = {COOKIE: secrets.token_urlsafe(16)}
    first = resolve(token(cookies[COOKIE]), {}, OWNER, queue)
    runs = [queue.submit(first, RunConfig()), queue.submit(first, RunConfig())]
    reloaded = resolve(token(cookies[COOKIE]), {}, OWNER, queue)  # a new session: empty state
    assert queue.runs(reloaded) == runs
    with pytest.raises(QueueFullError, match="limit per session is 2"):
        queue.submit(reloaded, RunConfig())
    assert queue.stop(reloaded, runs[1].id) and runs[1].status == "cancelled"
    assert queue.stop(reloaded, runs[0].id)
    wait_until(lambda: runs[0].status == "stopped")
    assert resolve(None, {}, OWNER, queue) != first  # another browser, no cookie: not the owner


def test_a_session_adopts_the_token_its_browser_reports_with_the_runs_it_launched():
    queue = RunQueue(Limits(max_running=1), trainer=GatedTrainer())
    state: dict = {}
    own = resolve(None, state, OWNER, queue)
    run = queue.submit(own, RunConfig())
    held = secrets.token_urlsafe(16)  # the cookie another tab of this browser wrote first
    assert resolve(held, state, OWNER, queue) == held and state[OWNER] == held
    assert queue.runs(held) == [run] and queue.runs(own) == []
    queue.stop(held, run.id)
    wait_until(lambda: not run.active)


def cookie_components(at) -> list[dict]:
    """What each cookie-writing component on the page was sent."""
    return [json.loads(e.proto.json) for e in at.get("bidi_component")
            if e.proto.id.endswith(f"{OWNER}.browser")]


def test_a_page_without_the_cookie_writes_the_sessions_token_into_it():
    at = open_page("runs", dataset="digits")
    (written,) = cookie_components(at)
    assert written["name"] == COOKIE and written["token"] == at.session_state[OWNER]
    assert token(written["token"]) and written["max_age"] >= 24 * 3600
    assert not at.exception


def test_a_reloaded_page_shows_the_run_launched_before_and_can_stop_it(monkeypatch):
    cookie = secrets.token_urlsafe(16)
    monkeypatch.setattr(ContextProxy, "cookies", property(lambda self: StreamlitCookies({COOKIE: cookie})))
    before = launch(open_page("runs", dataset="digits", epochs="100", device="cpu"))
    assert before.session_state[OWNER] == cookie and cookie_components(before) == []
    (run,) = run_queue().runs(cookie)
    reloaded = poll(open_page("runs", dataset="digits"), lambda at: any(
        b.label == "Stop" and b.key == f"stop-{run.id}" for b in at.button))
    shown = [m.value for m in reloaded.markdown] + [bar.proto.text for bar in reloaded.get("progress")]
    assert any(run.label in text for text in shown)  # "#n digits · … is training", queued or preparing
    next(b for b in reloaded.button if b.key == f"stop-{run.id}").click()
    poll(reloaded.run(), lambda at: not run.active, timeout=20)
    assert run.status == "stopped" and run.result is not None
