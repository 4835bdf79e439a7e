"""How serious a finding is, and the states of a recorded finding."""

from __future__ import annotations

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


# The states of a recorded finding: seen in the latest check of its page, accepted with
# a reason, or no longer found.
FINDING_STATUSES = ("open", "resolved", "waived")
