"""Checking many targets at once, their outcomes given back in target order.

Each worker is a thread with a :class:`~attribution.app.check.PageChecker` of its own:
its own HTTP connections, and its own budgeted child process, so pages are fetched
concurrently and parsed on every core. At most ``per_host`` pages are fetched from one
host at a time (:class:`HostGate`). Only a window of targets is in hand at once, so a
check of any number of pages holds a bounded number of results.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from attribution.app.outcomes import TargetOutcome
    from attribution.sources.targets import Target

# The longest a polite gate spaces two fetches from one host, whatever asks for more.
MAX_SPACING_SECONDS = 60.0
# The first pause given to a host that answers 429 or 503; it doubles while it goes on.
MIN_BACKOFF_SECONDS = 1.0
# How long the waiting thread sleeps between looks, so that Ctrl-C and SIGTERM reach it.
_POLL_SECONDS = 0.5
# How often a consumer is told that the thread is still waiting.
_WAITING_TICK_SECONDS = 0.1


class HostGate:
    """At most ``per_host`` page fetches at a time to any one host, and (for a polite
    scan) their starts spaced out (thread-safe).

    Starts to one host are at least ``delay`` seconds apart, or the host's own
    Crawl-delay (:meth:`set_delay`); when ``adaptive``, also at least the host's recent
    response time divided by ``per_host``, so that a server that slows down under load
    is asked less often. A host that answers 429 or 503 (:meth:`back_off`) is given a
    pause that doubles while it goes on, and shrinks again as it answers. With
    ``covers_images`` the image files read from a host share its places with its pages.
    """

    def __init__(
        self,
        per_host: int,
        delay: float = 0.0,
        *,
        adaptive: bool = False,
        covers_images: bool = False,
    ) -> None:
        self.per_host = per_host
        self.delay = delay
        self.adaptive = adaptive
        self.covers_images = covers_images
        self._lock = threading.Lock()
        self._gates: dict[str, threading.BoundedSemaphore] = {}
        self._floors: dict[str, float] = {}
        self._latency: dict[str, float] = {}
        self._backoff: dict[str, float] = {}
        self._next: dict[str, float] = {}

    def set_delay(self, host: str, seconds: float) -> None:
        """Space the starts of fetches from ``host`` at least ``seconds`` apart (its
        robots.txt Crawl-delay), whatever the gate's own delay."""
        with self._lock:
            self._floors[host.lower()] = max(seconds, 0.0)

    def interval(self, host: str) -> float:
        """The time between two starts to ``host`` now."""
        host = host.lower()
        with self._lock:
            return self._interval(host)

    def _interval(self, host: str) -> float:
        spacing = max(self.delay, self._floors.get(host, 0.0), self._backoff.get(host, 0.0))
        if self.adaptive and host in self._latency:
            spacing = max(spacing, self._latency[host] / self.per_host)
        return min(spacing, MAX_SPACING_SECONDS)

    @contextmanager
    def hold(self, url: str, *, spaced: bool = True) -> Iterator[None]:
        """Wait for, then hold, one of the host's places while the block runs; its turn
        comes no sooner than the host's spacing allows (unless not ``spaced``: an image
        file shares the places of its host's pages, not their pace). A block that
        fails (a 429 said so by :meth:`back_off`) teaches the gate nothing of the
        host's response time."""
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            gate = self._gates.setdefault(host, threading.BoundedSemaphore(self.per_host))
        with gate:
            if spaced:
                self._wait_turn(host)
            started = time.monotonic()
            yield
            if spaced:
                self._observe(host, time.monotonic() - started)

    def hold_unspaced(self, url: str) -> AbstractContextManager[None]:
        """:meth:`hold` without the spacing: one of the host's places for an image."""
        return self.hold(url, spaced=False)

    def _wait_turn(self, host: str) -> None:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + self._interval(host)
        if start > now:
            time.sleep(start - now)

    def _observe(self, host: str, seconds: float) -> None:
        """A fetch from ``host`` took ``seconds``: its response time is followed, and a
        pause it was given shrinks."""
        if not self.adaptive:
            return
        with self._lock:
            before = self._latency.get(host)
            self._latency[host] = seconds if before is None else 0.7 * before + 0.3 * seconds
            pause = self._backoff.get(host, 0.0) / 2
            if pause < MIN_BACKOFF_SECONDS / 4:
                self._backoff.pop(host, None)
            else:
                self._backoff[host] = pause

    def back_off(self, url: str) -> None:
        """``url``'s host said it is overloaded (429, 503): pause it, twice as long as
        the last time it said so, at least :data:`MIN_BACKOFF_SECONDS`."""
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            pause = min(
                max(self._backoff.get(host, 0.0) * 2, MIN_BACKOFF_SECONDS), MAX_SPACING_SECONDS
            )
            self._backoff[host] = pause
            now = time.monotonic()
            self._next[host] = max(self._next.get(host, now), now + pause)


class PoliteGate(Protocol):
    """What spaces and bounds the fetches from each host: a :class:`HostGate` in one
    process, or a gate whose places and pace every worker of a scan shares
    (:class:`attribution.workers.gate.SharedHostGate`)."""

    per_host: int
    covers_images: bool

    def set_delay(self, host: str, seconds: float) -> None:
        """Space the starts of fetches from ``host`` at least ``seconds`` apart."""

    def hold(self, url: str, *, spaced: bool = True) -> AbstractContextManager[None]:
        """Hold one of the host's places (at its turn, when ``spaced``) while the block
        runs."""

    def hold_unspaced(self, url: str) -> AbstractContextManager[None]:
        """One of the host's places, without the spacing (an image file)."""

    def back_off(self, url: str) -> None:
        """``url``'s host said it is overloaded: pause it."""


class Checker(Protocol):
    """What a worker checks targets with (a :class:`~attribution.app.check.PageChecker`)."""

    def check(self, target: Target) -> TargetOutcome:
        """The outcome of one target; never raises for one page."""

    def close(self) -> None:
        """Release what the checker holds."""


@dataclass(frozen=True)
class _Failure:
    """A worker that could not start its checker (its child process, say)."""

    error: BaseException


def check_in_parallel(
    targets: Sequence[Target],
    open_checker: Callable[[], Checker],
    workers: int,
    window: int | None = None,
    while_waiting: Callable[[], None] | None = None,
) -> Generator[TargetOutcome, None, None]:
    """Each target's outcome, in target order, checked by ``workers`` threads.

    ``while_waiting`` is called whenever the next outcome is not ready, and again every
    tenth of a second until it is (a consumer gathering outcomes deals with those in
    hand then).

    At most ``window`` targets (by default four per worker) are handed out and not yet
    given back, which bounds the results held while a slow page holds up the order.
    Stopping the iteration (an interruption, a closed generator) stops the workers
    after their current page; their threads are daemons, so a page still being fetched
    never holds up the end of the process.
    """
    window = max(window or 4 * workers, workers)
    tasks: queue.Queue[tuple[int, Target] | None] = queue.Queue()
    results: queue.Queue[tuple[int, TargetOutcome | _Failure]] = queue.Queue()
    stop = threading.Event()

    def work() -> None:
        try:
            checker = open_checker()
        except BaseException as error:  # told to the waiting thread, which raises it
            results.put((-1, _Failure(error)))
            return
        try:
            while not stop.is_set():
                task = tasks.get()
                if task is None:
                    return
                index, target = task
                results.put((index, checker.check(target)))
        except BaseException as error:  # check() raises nothing for a page: this is a bug
            results.put((-1, _Failure(error)))
        finally:
            checker.close()

    threads = [
        threading.Thread(target=work, name=f"attribution-check-{n}", daemon=True)
        for n in range(min(workers, len(targets)))
    ]
    for thread in threads:
        thread.start()
    handed_out = 0
    ready: dict[int, TargetOutcome] = {}
    finished = False
    try:
        for next_index in range(len(targets)):
            while handed_out < len(targets) and handed_out - next_index < window:
                tasks.put((handed_out, targets[handed_out]))
                handed_out += 1
            while next_index not in ready:
                index, outcome = _next_result(results, while_waiting)
                if isinstance(outcome, _Failure):
                    raise outcome.error
                ready[index] = outcome
            yield ready.pop(next_index)
        finished = True
    finally:
        stop.set()
        for _ in threads:
            tasks.put(None)
        if finished:  # the workers are idle: let them close their checkers
            for thread in threads:
                thread.join()


def _next_result(
    results: queue.Queue[tuple[int, TargetOutcome | _Failure]],
    while_waiting: Callable[[], None] | None,
) -> tuple[int, TargetOutcome | _Failure]:
    """The next result to come in, calling ``while_waiting`` while there is none."""
    tick = _POLL_SECONDS if while_waiting is None else _WAITING_TICK_SECONDS
    while True:
        try:
            return results.get_nowait()
        except queue.Empty:
            if while_waiting is not None:
                while_waiting()
        try:
            return results.get(timeout=tick)
        except queue.Empty:
            continue
