"""Checked pages gathered before they are recorded, so that pages done close together
are written in one transaction (the statements of a transaction are shared by its
pages) while none waits long."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from attribution.app.outcomes import TargetOutcome

# At most this many checked pages are written in one transaction: enough to share the
# statements, few enough that one refused page (the rest are then written one by one)
# costs little.
RECORDED_TOGETHER = 64
# Seconds a checked page waits for others to be recorded with: a killed run loses no
# more than this much work, and a page's report is held back no longer.
PATIENCE_SECONDS = 0.25


@dataclass
class PagesInHand:
    """Checked pages not yet recorded. ``record`` writes several and gives back each
    as recorded; ``deliver`` is then told of each, in order."""

    record: Callable[[Sequence[TargetOutcome]], list[TargetOutcome]]
    deliver: Callable[[TargetOutcome], None]
    # The module's figures as they are when the pages are taken (tests change them).
    most: int = field(default_factory=lambda: RECORDED_TOGETHER)
    patience: float = field(default_factory=lambda: PATIENCE_SECONDS)
    pages: list[TargetOutcome] = field(default_factory=list)
    since: float = 0.0  # when the first page in hand was added (time.monotonic)

    def add(self, outcome: TargetOutcome) -> None:
        """Take a checked page; the pages in hand are recorded when there are enough."""
        if not self.pages:
            self.since = time.monotonic()
        self.pages.append(outcome)
        if len(self.pages) >= self.most:
            self.settle()

    def waiting(self) -> None:
        """Called while no page is ready: the pages in hand are recorded once the first
        has waited long enough."""
        if self.pages and time.monotonic() - self.since >= self.patience:
            self.settle()

    def settle(self) -> None:
        """Record the pages in hand now and pass them on."""
        batch, self.pages = self.pages, []
        if batch:
            for outcome in self.record(batch):
                self.deliver(outcome)
