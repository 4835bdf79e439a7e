"""What a scan of a site gives back: its summary, for the operations staff who run it
unattended, for monitoring, and for the alerts it sends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: each record module loads on its own
    from attribution.records.finding import Severity


@dataclass(frozen=True)
class NewFinding:
    """A finding a scan saw for the first time (or again, after it had been resolved):
    what an alert names."""

    rule: str
    severity: Severity
    page_url: str
    image_url: str | None
    message: str


@dataclass(frozen=True)
class ScanSummary:
    """A whole scan, as its summary line, its JSON and its alerts say it.

    ``checked`` pages were read and checked; ``unchanged`` pages answered 304 Not
    Modified or sent the same bytes as at their last check, were not parsed again, and
    their open findings were marked seen. ``failed`` lists each page that could not be
    checked with its reason; ``skipped`` counts the pages left out, by reason
    (robots.txt, not a page, the run's limits…); ``problems`` are the sources
    (sitemaps, feeds, robots.txt, lists) that could not be read, one line each.
    ``status`` is "finished", "interrupted" or "limited" (stopped at a limit of the
    run, with pages left for ``scan --resume``).
    """

    run_id: int | None
    site: str
    status: str
    started_at: datetime
    finished_at: datetime
    checked: int
    unchanged: int
    failed: tuple[tuple[str, str], ...]
    skipped: tuple[tuple[str, int], ...]
    problems: tuple[str, ...]
    new_findings: tuple[NewFinding, ...]
    resolved_findings: int

    @property
    def skipped_total(self) -> int:
        """How many pages were skipped, whatever the reason."""
        return sum(count for _, count in self.skipped)
