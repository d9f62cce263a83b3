"""Runs whose owner is gone: an owner no page has asked about past the limit has its waiting runs
cancelled and its training runs stopped, so its slots go to others; what finished stays for a
reload until the forget limit, then is forgotten. The queue's clock is injected, never slept on."""

from __future__ import annotations

from collections.abc import Callable

from playground.train import RunConfig
from playground.train.loop import RunResult
from playground.train.runs import Limits, RunQueue
from tests.train.test_runs import GatedTrainer, wait_until


def clocked(limits: Limits, trainer: Callable[..., RunResult] | None = None) -> tuple[RunQueue, list[float]]:
    """A queue of (by default gated) runs whose clock reads ``now[0]``."""
    now = [0.0]
    return RunQueue(limits, trainer=trainer or GatedTrainer(), clock=lambda: now[0]), now


def test_an_owner_unseen_past_the_limit_is_stopped_and_its_slots_go_to_others():
    queue, now = clocked(Limits(max_running=1, max_per_session=2, abandon_after=300, forget_after=1800))
    training, waiting = queue.submit("gone", RunConfig()), queue.submit("gone", RunConfig())
    newcomer = queue.submit("new", RunConfig())
    assert (training.status, waiting.status, queue.position(newcomer)) == ("running", "queued", 2)
    now[0] = 299.0
    queue.runs("new")  # "gone" is within the limit: nothing happens to its runs
    assert (training.status, waiting.status, queue.position(newcomer)) == ("running", "queued", 2)
    now[0] = 301.0
    queue.runs("new")  # the newcomer's page polls: "gone" has been silent for 301 s
    assert waiting.status == "cancelled" and queue.position(newcomer) == 1
    wait_until(lambda: newcomer.status == "running")  # the stopped run handed its slot on
    assert training.status == "stopped" and queue.running == 1
    assert str(training.result.message).endswith(
        "The server asked for this stop: no page in this browser had shown your runs for 5 minutes, "
        "so it gave the training slot to others.")
    queue.stop("new", newcomer.id)
    wait_until(lambda: not newcomer.active)


def test_a_stopped_owner_finds_its_results_after_a_reload_until_the_forget_limit():
    queue, now = clocked(Limits(max_running=1, abandon_after=60, forget_after=600))
    run = queue.submit("student", RunConfig())
    now[0] = 61.0
    queue.runs("other")
    wait_until(lambda: run.status == "stopped")
    assert run.abandoned
    now[0] = 500.0
    assert queue.runs("student") == [run] and run.result is not None  # the reload, 500 s later
    now[0] = 1099.0
    queue.runs("other")
    assert queue.get("student", run.id) is run  # 599 s after that reload: still kept
    now[0] = 1101.0
    queue.runs("other")
    assert queue.get("student", run.id) is None and queue.runs("student") == []  # 601 s: forgotten


def test_a_user_stop_is_not_said_to_be_the_servers():
    slow = GatedTrainer()  # finishes a stop only once its gate opens, so the run is still active at 61 s

    def trainer(config, callback, should_stop, data):
        return slow(config, callback, lambda: slow.gate.is_set() and should_stop(), data)

    queue, now = clocked(Limits(max_running=1, abandon_after=60), trainer)
    run = queue.submit("student", RunConfig())
    assert queue.stop("student", run.id)
    now[0] = 61.0
    queue.runs("other")
    slow.gate.set()
    wait_until(lambda: not run.active)
    assert not run.abandoned and str(run.result.message) == ""


def test_adopting_the_browsers_token_moves_the_sessions_runs_and_their_cap():
    queue, _ = clocked(Limits(max_running=1, max_per_session=2))
    before = [queue.submit("session", RunConfig()), queue.submit("session", RunConfig())]
    queue.adopt("session", "browser")
    assert queue.runs("browser") == before and queue.runs("session") == []
    assert queue.stop("browser", before[1].id) and before[1].status == "cancelled"
    assert not queue.stop("session", before[0].id)
    queue.stop("browser", before[0].id)
    wait_until(lambda: not before[0].active)


def test_the_abandon_limit_comes_from_the_environment():
    assert Limits.from_env({"PLAYGROUND_ABANDON_AFTER": "120"}).abandon_after == 120
    assert Limits.from_env({}).abandon_after == 900 and Limits.from_env({}).forget_after == 1800


def test_a_newcomer_is_not_refused_for_places_held_by_a_gone_owner():
    queue, now = clocked(Limits(max_running=1, max_per_session=2, max_queued=1, abandon_after=60))
    training, waiting = queue.submit("gone", RunConfig()), queue.submit("gone", RunConfig())
    now[0] = 61.0
    newcomer = queue.submit("new", RunConfig())  # the one waiting place was "gone"'s
    assert waiting.status == "cancelled" and queue.position(newcomer) == 1
    wait_until(lambda: newcomer.status == "running" and training.status == "stopped")
    queue.stop("new", newcomer.id)
    wait_until(lambda: not newcomer.active)
