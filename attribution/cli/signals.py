"""Stopping a long command cleanly: SIGTERM (from systemd, Kubernetes, kill) unwinds it
as Ctrl-C does, so that its run is marked interrupted and can be resumed."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from attribution.cli.common import EXIT_INTERRUPTED, EXIT_TERMINATED, error


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """While a check runs, SIGTERM raises :class:`~attribution.errors.Interrupted`, which
    unwinds the check (marking its run interrupted) as Ctrl-C's KeyboardInterrupt does.

    A second SIGTERM meets the handler that was there before (by default: the end of
    the process). Signals can only be handled in the main thread; elsewhere this does
    nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    from attribution.errors import Interrupted

    def interrupt(number: int, _frame: FrameType | None) -> None:
        signal.signal(signal.SIGTERM, before)
        raise Interrupted(number)

    installed = signal.signal(signal.SIGTERM, interrupt)
    before = installed if installed is not None else signal.SIG_DFL
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def interrupted(stop: BaseException, run: int | None, command: str) -> int:
    """Say that the check was stopped and how to take it up; the exit code of the signal."""
    from attribution.errors import Interrupted

    if run is not None:
        error(f"run {run} was interrupted; resume it with: attribution {command} --resume {run}")
    else:
        error(f"the {command} was interrupted")
    terminated = isinstance(stop, Interrupted) and stop.signal_number == signal.SIGTERM
    return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED
