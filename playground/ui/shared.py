"""Results computed once for every session of the server: a bounded cache that a class shares.

Thirty students who open the same lesson link ask for the same run at the same moment. A
per-session cache would train it thirty times, each in a request thread on the same two cores;
here the first session computes it, the others wait for that result (each in its own request
thread, drawing a notice while it waits), and everyone gets the same read-only object. If the
computing session gives up (its script was stopped by a new widget change), one of the waiting
sessions computes it instead. At most ``size`` results are kept, the least recently used dropped.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")
POLL = 0.2  # seconds between a waiting session's notices (each one a chance to be interrupted)


class SharedCache(Generic[V]):
    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError(f"a shared cache holds at least one result, not {size}")
        self.size = size
        self._lock = threading.Lock()
        self._done: OrderedDict[Hashable, V] = OrderedDict()
        self._computing: dict[Hashable, threading.Event] = {}

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._done

    def __len__(self) -> int:
        with self._lock:
            return len(self._done)

    def clear(self) -> None:
        with self._lock:
            self._done.clear()

    def get(self, key: Hashable, make: Callable[[], V], waiting: Callable[[float], None]) -> V:
        """The result for ``key``: cached, or being computed by another session (then
        ``waiting(seconds waited)`` runs every POLL seconds until it is ready), or ``make()``'s."""
        waited = 0.0
        while True:
            with self._lock:
                if key in self._done:
                    self._done.move_to_end(key)
                    return self._done[key]
                busy = self._computing.get(key)
                if busy is None:
                    busy = self._computing[key] = threading.Event()
                    break
            while not busy.wait(POLL):
                waited += POLL
                waiting(waited)
        try:
            value = make()
        except BaseException:  # stopped or failed: a waiting session takes over
            with self._lock:
                del self._computing[key]
            busy.set()
            raise
        with self._lock:
            self._done[key] = value
            while len(self._done) > self.size:
                self._done.popitem(last=False)
            del self._computing[key]
        busy.set()
        return value
