"""What checking targets gives back: per target, and for a whole check."""

from __future__ import annotations

from dataclasses import dataclass

from attribution.errors import TargetError
from attribution.records import PageResult, Profile, Severity

# The lowest severity that makes a check "fail", by the names of --fail-on.
FAIL_ON: dict[str, Severity | None] = {
    "error": Severity.ERROR,
    "warning": Severity.WARNING,
    "notice": Severity.NOTICE,
    "never": None,
}


@dataclass(frozen=True)
class TargetOutcome:
    """A checked page, or the reason the target could not be checked."""

    target: str
    result: PageResult | None = None
    error: TargetError | None = None


@dataclass(frozen=True)
class CheckOutcome:
    """Every target's outcome, the profile they were checked against (with the rights
    register merged in) and the run they were recorded in (None when not recorded)."""

    outcomes: tuple[TargetOutcome, ...]
    profile: Profile
    run_id: int | None = None

    @property
    def pages(self) -> tuple[PageResult, ...]:
        """The pages that could be checked, in target order."""
        return tuple(o.result for o in self.outcomes if o.result is not None)

    @property
    def failures(self) -> tuple[tuple[str, str], ...]:
        """The targets that could not be fetched or read, with the reason, in target order."""
        return tuple((o.target, o.error.reason) for o in self.outcomes if o.error is not None)

    @property
    def failed(self) -> bool:
        """Whether any target could not be fetched or read."""
        return any(o.error is not None for o in self.outcomes)

    def reaches(self, fail_on: str) -> bool:
        """Whether any finding is at or above the ``--fail-on`` level named."""
        threshold = FAIL_ON[fail_on]
        if threshold is None:
            return False
        return any(
            finding.severity.rank >= threshold.rank
            for page in self.pages
            for finding in page.all_findings()
        )
