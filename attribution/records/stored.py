"""What the database keeps and gives back: findings with their history and evidence,
waivers, page readings, runs and changes to the rights register."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from attribution.records.roles import CONTENT_ROLE

if TYPE_CHECKING:  # annotations only: each record module loads on its own
    from attribution.records.finding import Severity
    from attribution.records.profile import RightsEntry


@dataclass(frozen=True)
class StoredFinding:
    """A finding as the database keeps it: stable identity, history and status."""

    id: int
    identity: str
    rule: str
    severity: Severity
    status: str
    page_url: str
    image_url: str | None
    message: str
    fix: str | None
    first_seen: datetime
    last_seen: datetime
    waiver_reason: str | None = None
    waiver_until: date | None = None
    waiver_by: str | None = None
    waiver_id: int | None = None
    evidence: ImageEvidence | None = None
    history: tuple[FindingChange, ...] = ()


@dataclass(frozen=True)
class FindingChange:
    """One change in a finding's history: found, resolved, found again, waived, waiver
    revoked or expired; in which run or by whom, and why."""

    at: datetime
    event: str
    status: str
    run_id: int | None = None
    actor: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class ImageEvidence:
    """What a page showed of an image, as a lawyer would ask for it: when it was first
    and last seen there, the caption and credit as seen the last time, how the page was
    read then (addresses, HTTP status, time, hash of its bytes) and the image file as
    read then (hash of the bytes read, their number, the embedded metadata), and what
    the image's source said of it then (``at_source``, the JSON of
    :func:`attribution.serialize.at_source_json`). ``role`` says whether the page
    showed the image (``content``) or only declared it for social media
    (``social``)."""

    page_url: str
    image_url: str
    first_seen: datetime
    last_seen: datetime
    run_id: int
    alt: str | None = None
    caption: str | None = None
    credit_text: str | None = None
    role: str = CONTENT_ROLE
    requested_url: str | None = None
    final_url: str | None = None
    http_status: int | None = None
    fetched_at: datetime | None = None
    page_sha256: str | None = None
    image_sha256: str | None = None
    image_bytes: int | None = None
    embedded: Mapping[str, object] | None = None
    at_source: Mapping[str, object] | None = None


@dataclass(frozen=True)
class Waiver:
    """A decision to accept a finding: why, by whom, until when, and whether it was
    revoked (by whom, when, why)."""

    id: int
    finding_id: int
    rule: str
    page_url: str
    image_url: str | None
    reason: str
    created_at: datetime
    created_by: str | None = None
    until: date | None = None
    revoked_at: datetime | None = None
    revoked_by: str | None = None
    revoke_reason: str | None = None

    def active(self, on: date) -> bool:
        """Whether the waiver holds on the day ``on``."""
        return self.revoked_at is None and (self.until is None or self.until >= on)


@dataclass(frozen=True)
class DeclaredImage:
    """An image a page's sitemap declared for it when the page was read in a scan
    (``image:image``): the image's address and the sitemap's caption, title and licence
    for it, and the sitemap that said so."""

    url: str
    caption: str | None = None
    title: str | None = None
    licence: str | None = None
    source: str = ""


@dataclass(frozen=True)
class PageSnapshot:
    """What one reading of a page showed: how it was read and its images in order.
    An ``unchanged`` reading (304, or the same bytes) was not parsed again: its images
    are those of the reading before. ``declared`` are the images the page's sitemap
    declared for it at that reading."""

    run_id: int | None
    fetched_at: datetime
    requested_url: str
    final_url: str
    http_status: int | None
    sha256: str | None
    title: str | None
    images: tuple[ImageEvidence, ...]
    unchanged: bool = False
    declared: tuple[DeclaredImage, ...] = ()


@dataclass(frozen=True)
class RunSummary:
    """A recorded run: what was checked, when, and how far it got."""

    id: int
    kind: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    targets: tuple[str, ...]
    pages_done: int
    pages_failed: int
    images: int
    errors: int
    warnings: int
    notices: int
    pending: int = 0  # targets the run has not got to (an interrupted run can resume them)
    pages_unchanged: int = 0  # a scan's pages found as they were, not parsed again
    pages_skipped: int = 0  # a scan's pages left out (robots.txt, not a page, its limits)
    workers: tuple[WorkerStatus, ...] = ()  # a scan on workers: those that worked on it


@dataclass(frozen=True)
class WorkerStatus:
    """A worker process of scans on a task queue (``attribution worker``), as it last
    reported: where it runs, since when, when it was last heard of, its status
    (running, or stopped after a warm shutdown), its threads, the run it last worked
    on, the pages in its hands now, and the pages it recorded and of those the failures
    since it started."""

    name: str
    host: str
    pid: int
    started_at: datetime
    last_seen: datetime
    status: str
    concurrency: int
    run_id: int | None
    in_hand: int
    pages: int
    failures: int


@dataclass(frozen=True)
class RightsChange:
    """A change to the rights register: an agreement added, imported, changed or
    removed; who, when, why, and the agreement as it stood after the change."""

    entry_id: int
    at: datetime
    action: str
    entry: RightsEntry
    actor: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class RightsImport:
    """What importing a list of agreements did: how many were added, changed, or
    already in the register as they are."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class WorkerTally:
    """What a worker tells the record with its heartbeat: the run it last took a page
    of, the pages in its hands now, and the pages it recorded (and of those, the
    failures) since it started."""

    run_id: int | None = None
    in_hand: int = 0
    pages: int = 0
    failures: int = 0
