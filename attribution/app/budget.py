"""A page's budget, and the separate process where its parsing can be stopped.

Parsing a hostile page or image can take without end what a few hundred bytes ask for
(an expensive pattern, a deep tree, a metadata loop in a C library). So the CPU-bound
stages of checking a page — extracting its images, reading their embedded metadata,
applying the rules — run in a child process, a :class:`Sandbox`, within the page's
:class:`~attribution.records.Limits`:

* **CPU**: the child stops its own work once the page has used its CPU seconds (a
  profiling timer raises in the child; the child lives on for the next page);
* **wall clock**: the page, network included, has a deadline; a child that has not
  answered by then is killed (that is how work stuck in C code ends) and a fresh one
  is started for the next page;
* **memory**: the child's address space is capped; a page that needs more fails alone.

A page over its budget is a :class:`~attribution.errors.PageTooComplex` error for that
target, and the run goes on with the next one.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any, TypeVar

from attribution.errors import PageTooComplex, TargetError

if TYPE_CHECKING:
    from attribution.records import Limits

T = TypeVar("T")

# The child is a fresh interpreter that runs this module's serve(): not forked (the
# parent holds HTTP threads and database pools that a fork would inherit half-locked),
# and not multiprocessing's spawn, which re-imports the caller's main script.
_CHILD = "import sys; from attribution.app.budget import serve; serve(*map(int, sys.argv[1:]))"


@dataclass(frozen=True)
class Stage:
    """A stage of :mod:`attribution.app.stages`, by name: sent to the child as a name,
    so the parent never imports the parsing stack; called in this process (a check
    that is not isolated), it imports it then."""

    name: str

    def __call__(self, *args: Any) -> Any:
        """Run the stage."""
        from attribution.app import stages

        return getattr(stages, self.name)(*args)


@dataclass
class PageClock:
    """What is left of one page's budget: a wall-clock deadline (``time.monotonic()``)
    and CPU seconds, spent by every stage of the page."""

    target: str
    limits: Limits
    deadline: float
    cpu_left: float

    @classmethod
    def start(cls, target: str, limits: Limits) -> PageClock:
        """The budget of a page whose check starts now."""
        return cls(
            target=target,
            limits=limits,
            deadline=time.monotonic() + limits.page_seconds,
            cpu_left=limits.page_cpu_seconds,
        )

    def remaining(self) -> float:
        """Wall-clock seconds left (0 when spent)."""
        return max(0.0, self.deadline - time.monotonic())

    def over_time(self) -> PageTooComplex:
        """The error of a page that ran out of wall-clock time."""
        return PageTooComplex(
            self.target,
            f"too complex to check: not done within {self.limits.page_seconds:g} s "
            "(the page budget; see [limits] page_seconds)",
        )

    def over_cpu(self) -> PageTooComplex:
        """The error of a page that used up its CPU seconds."""
        return PageTooComplex(
            self.target,
            f"too complex to check: it needed more than {self.limits.page_cpu_seconds:g} s "
            "of CPU (see [limits] page_cpu_seconds)",
        )

    def over_memory(self) -> PageTooComplex:
        """The error of a page that needed more memory than the cap."""
        return PageTooComplex(
            self.target,
            f"too large to check: it needed more than {self.limits.page_memory_mb} MB "
            "of memory (see [limits] page_memory_mb)",
        )


class Sandbox:
    """A child process that runs one function at a time within a page's budget.

    Thread-safe: calls from several threads (a page's image reads) take turns. The
    child is started at once, so that it loads while the first page is fetched, and
    again after it had to be killed. Close the sandbox when done.
    """

    # A child started ahead of need (see start_early), adopted by the next sandbox.
    _early: Sandbox | None = None
    _early_lock = threading.Lock()

    def __init__(self, memory_mb: int) -> None:
        self._memory_mb = memory_mb
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._connection: Connection | None = None
        self._start()

    @classmethod
    def start_early(cls, memory_mb: int) -> None:
        """Start a child now, while this process goes on starting up (opening the
        database, loading the HTTP stack), so that the first page need not wait for
        the child to load the parsing stack. :meth:`open` hands it out."""
        with cls._early_lock:
            if cls._early is None:
                cls._early = cls(memory_mb)

    @classmethod
    def open(cls, memory_mb: int) -> Sandbox:
        """The child started early with this memory cap, else a new one."""
        with cls._early_lock:
            early, cls._early = cls._early, None
        if early is not None and early._memory_mb == memory_mb:
            return early
        if early is not None:
            early.close()
        return cls(memory_mb)

    def call(self, clock: PageClock, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` run in the child, charged to ``clock``.

        Raises :class:`PageTooComplex` when the page's time, CPU or memory runs out,
        and :class:`TargetError` naming the exception when the function fails.
        ``function`` and its arguments must be picklable (a module-level function)."""
        with self._lock:
            if clock.cpu_left <= 0:
                raise clock.over_cpu()
            if clock.remaining() <= 0:
                raise clock.over_time()
            connection = self._ready()
            try:
                connection.send((function, args, clock.cpu_left))
                answered = connection.poll(clock.remaining())
                reply = connection.recv() if answered else None
            except (EOFError, OSError, BrokenPipeError):
                self._kill()
                raise TargetError(
                    clock.target, "could not be checked: the parsing process ended unexpectedly"
                ) from None
            if reply is None:
                self._kill()
                raise clock.over_time()
        outcome, value, cpu_used = reply
        clock.cpu_left -= cpu_used
        if outcome == "ok" and clock.cpu_left >= 0:
            return value  # type: ignore[no-any-return]
        # The child's timer fires at the earliest after a millisecond: a page that
        # finished in time for the timer but used more than its budget is over it too.
        if outcome in ("ok", "cpu"):
            clock.cpu_left = 0.0
            raise clock.over_cpu()
        if outcome == "memory":
            raise clock.over_memory()
        raise TargetError(clock.target, f"could not be checked (internal error: {value})")

    def close(self) -> None:
        """Stop the child process (at once: it holds nothing worth a clean exit, and
        an interpreter's own exit takes a while)."""
        with self._lock:
            self._kill()

    def _start(self) -> None:
        parent, child = socket.socketpair()
        environment = dict(os.environ)
        # The child imports attribution from where this process did.
        environment["PYTHONPATH"] = os.pathsep.join(path for path in sys.path if path)
        with child:
            self._process = subprocess.Popen(
                [sys.executable, "-c", _CHILD, str(child.fileno()), str(self._memory_mb)],
                pass_fds=(child.fileno(),),
                stdin=subprocess.DEVNULL,
                env=environment,
            )
        self._connection = Connection(parent.detach())

    def _ready(self) -> Connection:
        if self._process is None or self._process.poll() is not None:
            self._kill()
            self._start()
        assert self._connection is not None
        return self._connection

    def _kill(self) -> None:
        if self._process is not None:
            with contextlib.suppress(OSError):
                self._process.kill()
            self._process.wait()
        if self._connection is not None:
            with contextlib.suppress(OSError):
                self._connection.close()
        self._process = None
        self._connection = None


class _OverCpu(BaseException):
    """Raised in the child by the profiling timer (a BaseException, so that no
    ``except Exception`` in the parsing code swallows it)."""


def _over_cpu(_signal: int, _frame: object) -> None:
    raise _OverCpu


def serve(descriptor: int, memory_mb: int) -> None:
    """The child's loop: run each function sent on the connection at ``descriptor``,
    answer (outcome, value, CPU seconds used), until the parent closes it."""
    connection = Connection(descriptor)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    signal.signal(signal.SIGPROF, _over_cpu)
    from attribution.app import stages  # loaded now, before the first page

    _cap_memory(memory_mb)
    # The warm-up only saves the first page some time: whatever goes wrong in it, the
    # page that comes then is read as any other (and meets the same fault, if any).
    with contextlib.suppress(Exception):
        stages.warm_up()
    while True:
        try:
            function, args, cpu_left = connection.recv()
        except (EOFError, OSError):
            return
        started = time.process_time()
        signal.setitimer(signal.ITIMER_PROF, max(cpu_left, 0.001))
        value: Any = None
        try:
            outcome, value = "ok", function(*args)
        except _OverCpu:
            outcome = "cpu"
        except MemoryError:
            outcome = "memory"
        except Exception as error:  # any bug of one page is that page's failure
            where = traceback.extract_tb(error.__traceback__)[-1:]
            place = f" at {where[0].name}" if where else ""
            outcome, value = "error", f"{type(error).__name__}{place}: {error}"[:500]
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
        reply = (outcome, value, time.process_time() - started)
        try:
            connection.send(reply)
        except MemoryError:
            connection.send(("memory", None, time.process_time() - started))
        except (EOFError, OSError):
            return


def _cap_memory(memory_mb: int) -> None:
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource  # not on Windows, where the cap is not applied

        limit = memory_mb * 1024 * 1024
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or hard > limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
