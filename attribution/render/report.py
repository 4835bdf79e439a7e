"""What a check report is rendered from."""

from __future__ import annotations

from dataclasses import dataclass

from attribution.records import PageResult, Profile


@dataclass(frozen=True)
class CheckReport:
    """The pages a check produced and the profile they were checked against.

    ``failed`` holds the targets that could not be checked, as (target, reason).
    ``colour`` asks the text format for coloured severities (a terminal that wants them).
    """

    pages: tuple[PageResult, ...]
    profile: Profile
    colour: bool = False
    failed: tuple[tuple[str, str], ...] = ()
