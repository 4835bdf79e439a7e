"""What checking targets gives back: per target, and for a whole check."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from attribution.records import Severity

if TYPE_CHECKING:
    from attribution.errors import TargetError
    from attribution.records import PageResult, Profile, UnchangedPage

# The lowest severity that makes a check "fail", by the names of --fail-on.
FAIL_ON: dict[str, Severity | None] = {
    "error": Severity.ERROR,
    "warning": Severity.WARNING,
    "notice": Severity.NOTICE,
    "never": None,
}


@dataclass(frozen=True)
class TargetOutcome:
    """A checked page, a page found unchanged since its last reading (not parsed
    again), or the reason the target could not be checked."""

    target: str
    result: PageResult | None = None
    error: TargetError | None = None
    unchanged: UnchangedPage | None = None


class CheckTally:
    """What a whole check needs to know once its pages are gone: the targets that
    failed and the most severe finding, counted as the outcomes come."""

    def __init__(self) -> None:
        self.checked = 0
        self.unchanged = 0
        self.failures: list[tuple[str, str]] = []
        self.worst: Severity | None = None

    @property
    def total(self) -> int:
        """How many targets were counted, checked, unchanged or failed."""
        return self.checked + self.unchanged + len(self.failures)

    def add(self, outcome: TargetOutcome) -> None:
        """Count one target's outcome."""
        if outcome.error is not None:
            self.failures.append((outcome.target, outcome.error.reason))
        if outcome.unchanged is not None:
            self.unchanged += 1
        if outcome.result is None:
            return
        self.checked += 1
        for finding in outcome.result.all_findings():
            if self.worst is None or finding.severity.rank > self.worst.rank:
                self.worst = finding.severity

    def reaches(self, fail_on: str) -> bool:
        """Whether any finding counted is at or above the ``--fail-on`` level named."""
        threshold = FAIL_ON[fail_on]
        worst = self.worst
        return threshold is not None and worst is not None and worst.rank >= threshold.rank


@dataclass(frozen=True)
class CheckOutcome:
    """A whole check: the profile the targets were checked against (with the rights
    register merged in), the run they were recorded in (None when not recorded), the
    tally of every outcome and, unless the check was told not to keep them, each
    target's outcome."""

    outcomes: tuple[TargetOutcome, ...]
    profile: Profile
    run_id: int | None = None
    tally: CheckTally = field(default_factory=CheckTally)

    @property
    def pages(self) -> tuple[PageResult, ...]:
        """The pages that could be checked, in target order (those kept)."""
        return tuple(o.result for o in self.outcomes if o.result is not None)

    @property
    def failures(self) -> tuple[tuple[str, str], ...]:
        """The targets that could not be fetched or read, with the reason, in target order."""
        return tuple(self.tally.failures)

    @property
    def failed(self) -> bool:
        """Whether any target could not be fetched or read."""
        return bool(self.tally.failures)

    def reaches(self, fail_on: str) -> bool:
        """Whether any finding is at or above the ``--fail-on`` level named."""
        return self.tally.reaches(fail_on)
