"""A progress bar on stderr over many pages, and each failure as one line: for the
commands that check many pages (check, scan)."""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any, cast

import click

from attribution.cli.common import error

if TYPE_CHECKING:
    from attribution.app.outcomes import TargetOutcome


class Progress:
    """A progress bar on stderr over several targets, and each failure as one line.

    Silent when stderr is not a terminal (cron, CI, pipes), for one target, or with
    ``--quiet``; ``--verbose`` adds a line per target done.
    """

    def __init__(self, *, quiet: bool, verbose: bool) -> None:
        self.quiet = quiet
        self.verbose = verbose
        self.bar: Any = None

    def start(self, total: int) -> None:
        if self.quiet or total < 2 or not sys.stderr.isatty():
            self.bar = _NoBar()  # (tqdm is not loaded: an editor's check of one page)
            return
        from tqdm import tqdm

        self.bar = tqdm(total=total, unit="pages", file=sys.stderr, leave=False)

    def done(self, outcome: TargetOutcome) -> None:
        from attribution.render.escape import terminal_safe

        if outcome.error is not None:
            with self.bar.external_write_mode():
                error(str(outcome.error))
        elif self.verbose and outcome.result is not None:
            page = outcome.result
            line = f"{page.url}: {len(page.images)} image(s), {len(page.all_findings())} finding(s)"
            with self.bar.external_write_mode():
                click.echo(terminal_safe(line), err=True)
        self.bar.update()

    def aside(self, writing_stdout: bool) -> AbstractContextManager[object]:
        """While the block writes the report to stdout, the bar stands aside (when both
        share a terminal)."""
        if self.bar is None or not writing_stdout:
            return nullcontext()
        return cast("AbstractContextManager[object]", self.bar.external_write_mode())

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class _NoBar:
    """What the progress bar is asked to do, when none is shown."""

    def update(self) -> None:
        """A target is done: nothing to draw."""

    def close(self) -> None:
        """Nothing to take off the terminal."""

    def external_write_mode(self) -> AbstractContextManager[None]:
        """Lines written meanwhile need no bar moved aside."""
        return nullcontext()
