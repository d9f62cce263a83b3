"""Training runs in background threads behind a bounded queue, each owned by one browser.

Pure Python (no Streamlit): the page keeps one :class:`RunQueue` per process and names each run's
owner by an unguessable token the browser keeps (``playground.ui.runs.owner``), so a reloaded page is
the same owner. An owner sees and stops only its own runs. At most ``max_running`` runs train at
once (the rest wait in order, at most ``max_queued`` of them across all owners), an owner may have
at most ``max_per_session`` runs waiting or training, and only the latest ``history`` finished runs
of an owner are kept. An owner no page has asked about for ``abandon_after`` seconds (every tab
closed) has its waiting runs cancelled and its training ones stopped, so its slots go to others;
its finished runs are forgotten, weights and all, ``forget_after`` seconds after its last visit,
so memory does not grow with every class that has come and gone. Worker threads only call the
training engine (``executor``) and append its progress to their :class:`Run`; the page polls that
state, and each poll is a visit.
"""

from __future__ import annotations

import itertools
import os
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from playground.datasets.images import ImageSet
from playground.i18n import Said, SaidError, said
from playground.threads import torch_threads, training_threads
from playground.train.distributed import train_data_parallel
from playground.train.loop import Progress, RunConfig, RunResult, failed

ACTIVE = ("queued", "running")


class QueueFullError(SaidError):
    """The session or the server is at its limit of runs."""


class ProcessLimitError(SaidError):
    """A run asks for more processes than the server lets one run have."""


def hosted_mode(environ: Mapping[str, str] = os.environ) -> bool:
    """PLAYGROUND_HOSTED=1: a shared server (caps on runs, no downloads from the page)."""
    return environ.get("PLAYGROUND_HOSTED", "").lower() in ("1", "true", "yes")


@dataclass(frozen=True)
class Limits:
    """The queue's limits. Every one can be set from the environment (:meth:`from_env`); the times
    are seconds since the owner's last visit (a page showing its runs polls twice a second while
    one is active, so only a closed or long-unattended page goes unseen):

    - ``abandon_after`` (PLAYGROUND_ABANDON_AFTER, 900): then its waiting runs are cancelled and
      its training runs stopped, keeping what they learnt, to free their slots. Long enough for a
      student to read another page while a run trains (only the runs page counts as a visit);
      short enough that a closed tab's slots come back within a lesson;
    - ``forget_after`` (PLAYGROUND_FORGET_AFTER, 1800): until then a reloaded page still shows
      its finished runs; then they are forgotten, weights and all;
    - ``max_processes`` (PLAYGROUND_MAX_PROCESSES): the most processes one data-parallel run may
      train as; hosted, 1 (a class shares the cores), else up to 4, one per core.
    """

    max_running: int = 2
    max_per_session: int = 2
    max_queued: int = 8          # waiting runs over all sessions, so a crowd cannot grow memory unbounded
    history: int = 8
    abandon_after: float = 900.0  # seconds unseen before an owner's active runs are stopped
    forget_after: float = 1800.0  # seconds an owner's finished runs outlive its last visit
    hosted: bool = False
    max_epochs: int = 5          # hosted caps
    max_train: int = 10_000
    max_test: int = 2_000
    max_processes: int = field(default_factory=lambda: min(4, os.cpu_count() or 1))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Limits:
        """PLAYGROUND_MAX_RUNS, _MAX_RUNS_PER_SESSION, _MAX_QUEUED, _ABANDON_AFTER, _FORGET_AFTER
        (seconds; whole numbers), _MAX_PROCESSES, PLAYGROUND_HOSTED=1."""
        def number(name: str, default: int) -> int:
            try:
                return max(1, int(environ.get(name, default)))
            except ValueError:
                return default
        hosted = hosted_mode(environ)
        return cls(number("PLAYGROUND_MAX_RUNS", 2), number("PLAYGROUND_MAX_RUNS_PER_SESSION", 2),
                   number("PLAYGROUND_MAX_QUEUED", 8), hosted=hosted,
                   abandon_after=number("PLAYGROUND_ABANDON_AFTER", 900),
                   forget_after=number("PLAYGROUND_FORGET_AFTER", 1800),
                   max_processes=number("PLAYGROUND_MAX_PROCESSES", 1 if hosted else cls().max_processes))

    def apply(self, config: RunConfig) -> tuple[RunConfig, list[Said]]:
        """``config`` within the hosted caps, and notes telling the user which caps apply."""
        if not self.hosted:
            return config, []
        notes = []
        if config.epochs > self.max_epochs:
            notes.append(said("runs.messages.hosted_epochs", epochs=self.max_epochs))
        train_cap = min(config.max_train or self.max_train, self.max_train)
        test_cap = min(config.max_test or self.max_test, self.max_test)
        notes.append(said("runs.messages.hosted_images", train=train_cap, test=test_cap))
        return replace(config, epochs=min(config.epochs, self.max_epochs), max_train=train_cap,
                       max_test=test_cap), notes


@dataclass
class Run:
    id: str
    owner: str
    number: int
    config: RunConfig
    data: ImageSet | None = field(repr=False, default=None)
    status: str = "queued"         # queued, running, then the result's status
    progress: list[Progress] = field(default_factory=list, repr=False)
    result: RunResult | None = field(default=None, repr=False)
    submitted: float = field(default_factory=time.time)
    stop_requested: threading.Event = field(default_factory=threading.Event, repr=False)
    abandoned: bool = False        # stopped by the queue because its owner was gone, not by a person

    @property
    def label(self) -> str:
        c = self.config
        return f"#{self.number} {c.dataset} · {c.model} · {c.optimizer} lr={c.lr:g}"

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def latest(self) -> Progress | None:
        return self.progress[-1] if self.progress else None

    def record(self, progress: Progress) -> None:
        """Keep ``progress``. Only the newest report keeps the first convolution's filters: each
        is a copy of the layer's weights (the fast net's, 13,824 numbers an epoch), the page draws
        only the newest, and a run's whole history stays in the queue until it is forgotten."""
        if progress.filters is not None:
            older = next((i for i in range(len(self.progress) - 1, -1, -1)
                          if self.progress[i].filters is not None), None)
            if older is not None:
                self.progress[older] = replace(self.progress[older], filters=None)
        self.progress.append(progress)


class RunQueue:
    def __init__(self, limits: Limits = Limits(), trainer: Callable[..., RunResult] = train_data_parallel,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._trainer, self._clock = trainer, clock
        self._seen: dict[str, float] = {}  # owner: when the owner last asked for anything
        self._lock = threading.Lock()
        self._runs: dict[str, Run] = {}
        self._waiting: list[Run] = []
        self._numbers = itertools.count(1)

    def submit(self, owner: str, config: RunConfig, data: ImageSet | None = None) -> Run:
        """Queue a run for ``owner``; it starts at once when a slot is free. QueueFullError otherwise,
        and ProcessLimitError for a run of more processes than ``limits.max_processes``."""
        config.validate()
        if config.nproc > self.limits.max_processes:
            raise ProcessLimitError("runs_nproc.too_many", nproc=config.nproc,
                                    limit=self.limits.max_processes)
        with self._lock:
            self._visit(owner)  # first: the slots and places of owners gone meanwhile are freed
            mine = [run for run in self._runs.values() if run.owner == owner and run.active]
            if len(mine) >= self.limits.max_per_session:
                raise QueueFullError("runs.messages.session_full", count=len(mine),
                                     limit=self.limits.max_per_session)
            if len(self._waiting) >= self.limits.max_queued:
                raise QueueFullError("runs.messages.server_busy", waiting=len(self._waiting),
                                     slots=self.limits.max_running)
            run = Run(secrets.token_urlsafe(12), owner, next(self._numbers), config, data)
            self._runs[run.id] = run
            self._waiting.append(run)
            self._forget_old(owner)
            self._start_waiting()
        return run

    def runs(self, owner: str) -> list[Run]:
        """``owner``'s runs, oldest first."""
        with self._lock:
            self._visit(owner)
            return [run for run in self._runs.values() if run.owner == owner]

    def adopt(self, old: str, new: str) -> None:
        """Hand ``old``'s runs to ``new``: the session learnt the owner token its browser already
        holds (another tab set it first), and the runs it launched meanwhile go with it."""
        with self._lock:
            for run in self._runs.values():
                if run.owner == old:
                    run.owner = new
            self._seen.pop(old, None)
            self._visit(new)

    def get(self, owner: str, run_id: str) -> Run | None:
        run = self._runs.get(run_id)
        return run if run is not None and run.owner == owner else None

    def stop(self, owner: str, run_id: str) -> bool:
        """Ask ``owner``'s run to stop (a queued run is cancelled); False if it is not theirs."""
        with self._lock:
            run = self.get(owner, run_id)
            if run is None or not run.active:
                return False
            self._halt(run)
        return True

    def _halt(self, run: Run) -> None:
        """Ask an active run to stop; a queued one is cancelled at once (the caller holds the lock)."""
        run.stop_requested.set()
        if run.status == "queued":
            self._waiting.remove(run)
            run.status, run.data = "cancelled", None

    def position(self, run: Run) -> int | None:
        """1 for the next run to start; None when it is not waiting."""
        with self._lock:
            return self._waiting.index(run) + 1 if run in self._waiting else None

    @property
    def running(self) -> int:
        return sum(run.status == "running" for run in self._runs.values())

    def _start_waiting(self) -> None:
        """Start waiting runs while slots are free (the caller holds the lock)."""
        while self._waiting and self.running < self.limits.max_running:
            run = self._waiting.pop(0)
            run.status = "running"
            threading.Thread(target=self._work, args=(run,), name=f"train-{run.number}", daemon=True).start()

    def _work(self, run: Run) -> None:
        try:
            with torch_threads(training_threads(self.limits.max_running)):
                result = self._trainer(run.config, callback=run.record,
                                       should_stop=run.stop_requested.is_set, data=run.data)
        except Exception as error:  # a worker must always hand a result back
            result = failed(run.config, error)
        if run.abandoned and result.status == "stopped":  # say who asked for the stop, and why
            result.message = said("run_owner.abandoned", stopped=result.message,
                                  minutes=self.limits.abandon_after / 60)
        with self._lock:
            run.result, run.status, run.data = result, result.status, None
            self._start_waiting()

    def _visit(self, owner: str) -> None:
        """Note ``owner``'s visit; stop the active runs of owners unseen for ``abandon_after``
        seconds, and forget the finished runs of those unseen for ``forget_after`` (the caller
        holds the lock). A stopped run keeps its slot until its worker hands the result back."""
        now = self._clock()
        self._seen[owner] = now
        absent = {o for o, seen in self._seen.items() if now - seen > self.limits.abandon_after}
        gone = {o for o, seen in self._seen.items() if now - seen > self.limits.forget_after}
        for run_id, run in list(self._runs.items()):
            if run.owner in absent and run.active and not run.stop_requested.is_set():
                run.abandoned = True
                self._halt(run)
            if run.owner in gone and not run.active:
                del self._runs[run_id]
        for o in gone:
            if not any(run.owner == o for run in self._runs.values()):
                del self._seen[o]

    def _forget_old(self, owner: str) -> None:
        finished = [run for run in self._runs.values() if run.owner == owner and not run.active]
        for run in finished[:max(0, len(finished) - self.limits.history)]:
            del self._runs[run.id]
