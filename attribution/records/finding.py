"""A finding: what a rule found, how serious it is, and the states a recorded finding can
be in."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How serious a finding is; ordered from most to least serious."""

    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"

    @property
    def rank(self) -> int:
        """2 for error, 1 for warning, 0 for notice: higher is more serious."""
        return {"error": 2, "warning": 1, "notice": 0}[self.value]


@dataclass(frozen=True)
class Finding:
    """One problem found by a rule, with the evidence and what to do about it."""

    rule: str
    severity: Severity
    message: str
    fix: str | None = None


# The states of a recorded finding: seen in the latest check of its page, accepted with
# a reason, or no longer found.
FINDING_STATUSES = ("open", "resolved", "waived")
