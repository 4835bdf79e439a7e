"""What an audit report is made of: which part of the record it covers (its scope), the
findings and images in it with their evidence, and what changed between two runs."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from collections.abc import Mapping

    from attribution.records.finding import Severity

_GLOB = frozenset("*?[")


@dataclass(frozen=True)
class ReportScope:
    """Which part of the record a report covers.

    ``run_id``: what that run saw (the findings standing when it ended, on the pages it
    read); else the findings standing now. ``since`` and ``until`` keep findings seen
    between those days (inclusive). ``section`` keeps pages whose path starts with it
    ("/politics/"), or whose URL does when it is a whole address. ``page`` keeps pages
    whose URL matches it: a glob (``*/2026/*``) or, without ``*?[``, text in the URL.
    ``statuses``: the findings listed (open and waived by default; resolved ones are
    in what changed)."""

    run_id: int | None = None
    since: date | None = None
    until: date | None = None
    section: str | None = None
    page: str | None = None
    statuses: tuple[str, ...] = ("open", "waived")

    def covers_page(self, url: str) -> bool:
        """Whether the page at ``url`` is in the scope's section and matches its pattern."""
        if self.section:
            if "://" in self.section:
                if not url.startswith(self.section):
                    return False
            elif not urlsplit(url).path.startswith(self.section):
                return False
        if self.page:
            if _GLOB.intersection(self.page):
                return fnmatch.fnmatchcase(url, self.page)
            return self.page in url
        return True

    def covers_time(self, first_seen: datetime, last_seen: datetime) -> bool:
        """Whether something seen from ``first_seen`` to ``last_seen`` was seen within
        the scope's days."""
        if self.since and last_seen.date() < self.since:
            return False
        return not (self.until and first_seen.date() > self.until)

    def describe(self) -> str:
        """The scope in words, for a report's heading."""
        parts = [f"run {self.run_id}" if self.run_id else "findings standing now"]
        if self.since or self.until:
            parts.append(f"seen {self.since or '…'} to {self.until or '…'}")
        if self.section:
            parts.append(f"section {self.section}")
        if self.page:
            parts.append(f"pages matching {self.page}")
        return "; ".join(parts)


@dataclass(frozen=True)
class ReportImage:
    """An image on a page in a report's scope, as the page last showed it: its caption,
    credit and the credit's parsed facts."""

    page_url: str
    image_url: str
    role: str
    first_seen: datetime
    last_seen: datetime
    caption: str | None = None
    alt: str | None = None
    credit_text: str | None = None
    creator: str | None = None
    provider: str | None = None
    credit_kind: str | None = None
    licence: str | None = None


@dataclass(frozen=True)
class ReportFinding:
    """A finding in a report with its evidence: what the page showed of the image the
    last time (caption, credit, its provider and licence), what the image's source said
    of it then (``at_source``, the JSON of :func:`attribution.serialize.at_source_json`),
    when it was first and last seen, the fix and the corrected attribution line, and
    the waiver that holds."""

    id: int
    rule: str
    severity: Severity
    status: str
    page_url: str
    page_title: str | None
    image_url: str | None
    message: str
    fix: str | None
    first_seen: datetime
    last_seen: datetime
    caption: str | None = None
    credit_text: str | None = None
    provider: str | None = None
    licence: str | None = None
    at_source: Mapping[str, Any] | None = None
    corrected_line: str | None = None
    corrected_html: str | None = None
    waiver_reason: str | None = None
    waiver_until: date | None = None
    waiver_by: str | None = None


@dataclass(frozen=True)
class FieldChange:
    """One fact of a finding that differs between two runs: its name (``severity``,
    ``credit`` or ``licence``) and its value in each."""

    field: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class DiffEntry:
    """A finding that is new, resolved or changed between two runs."""

    change: str  # "new", "resolved" or "changed"
    finding_id: int
    rule: str
    severity: Severity
    page_url: str
    image_url: str | None
    message: str
    changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class RunDiff:
    """What changed in the findings from run ``before`` to run ``after``."""

    before: int
    after: int
    before_ended: datetime
    after_ended: datetime
    entries: tuple[DiffEntry, ...]

    def of(self, change: str) -> tuple[DiffEntry, ...]:
        """The entries of one kind of change: "new", "resolved" or "changed"."""
        return tuple(entry for entry in self.entries if entry.change == change)


DIFF_CHANGES = ("new", "resolved", "changed")
