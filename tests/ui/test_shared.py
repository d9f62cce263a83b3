"""The cache a class shares: each result computed once for all sessions, waiting sessions served
the same object, a stopped computation taken over, and the least recently used dropped."""

from __future__ import annotations

import threading
import time

import pytest

from playground.ui.shared import SharedCache


def test_sessions_asking_at_once_share_one_computation_and_one_result():
    cache: SharedCache[object] = SharedCache(4)
    made, waits, results = [], [], []
    started = threading.Event()

    def make() -> object:
        started.set()
        time.sleep(0.5)  # a run in training while the others arrive
        made.append(1)
        return object()

    def session() -> None:
        results.append(cache.get("lesson link", make, waits.append))

    first = threading.Thread(target=session)
    first.start()
    started.wait()
    others = [threading.Thread(target=session) for _ in range(5)]
    for thread in others:
        thread.start()
    for thread in [first, *others]:
        thread.join()
    assert len(made) == 1 and len(results) == 6 and all(r is results[0] for r in results)
    assert waits and max(waits) > 0  # the waiting sessions were told, while they waited


def test_a_stopped_computation_is_taken_over_by_a_waiting_session():
    cache: SharedCache[str] = SharedCache(4)
    started = threading.Event()

    def stopped() -> str:
        started.set()
        time.sleep(0.3)
        raise KeyboardInterrupt("the student changed a widget")  # Streamlit stops a script like this

    def first() -> None:
        with pytest.raises(KeyboardInterrupt):
            cache.get("run", stopped, lambda _: None)

    thread = threading.Thread(target=first)
    thread.start()
    started.wait()
    assert cache.get("run", lambda: "trained by the second session", lambda _: None) == \
        "trained by the second session"
    thread.join()
    assert cache.get("run", lambda: "not trained again", lambda _: None) == "trained by the second session"


def test_results_are_reused_and_the_least_recently_used_dropped():
    cache: SharedCache[str] = SharedCache(2)
    trained = []

    def make(name: str):
        def training() -> str:
            trained.append(name)
            return name
        return training

    def get(key: str, name: str) -> str:
        return cache.get(key, make(name), lambda _: None)

    assert (get("A", "A"), get("B", "B"), get("A", "A again"), get("C", "C")) == ("A", "B", "A", "C")
    assert trained == ["A", "B", "C"] and "A" in cache and "B" not in cache and len(cache) == 2


def test_a_cache_must_hold_something():
    with pytest.raises(ValueError, match="at least one result, not 0"):
        SharedCache(0)
