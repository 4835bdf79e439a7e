"""What incremental scans read and write: the last reading of pages (for conditional
requests), pages found unchanged, the images sitemaps declare, what a scan changed in
the findings, and the scans of a site still marked running."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from attribution.errors import UsageError
from attribution.records import LastReading, NewFinding, Severity
from attribution.store.findings import FOUND, FOUND_AGAIN, OPEN, RESOLVED, WAIVED
from attribution.store.models import (
    DeclaredImageRow,
    FindingEvent,
    FindingRow,
    Image,
    Page,
    PageFetch,
    Run,
    RunTarget,
    url_key,
)
from attribution.store.runs import FAILED, SKIPPED, UNCHANGED, finished_already
from attribution.store.transactions import aware, now, table, transaction, upsert
from attribution.urls import canonical_url

if TYPE_CHECKING:
    from attribution.records import DeclaredImage, UnchangedPage
    from attribution.store.database import Database

# Keys a statement looks up at once (well under every database's limit on parameters).
_KEYS_A_STATEMENT = 500


def last_readings(db: Database, urls: Sequence[str]) -> dict[str, LastReading]:
    """The last recorded reading of each page fetched from one of ``urls`` (by the URL
    as given), for those read before: what a conditional request sends back and what
    tells the same bytes. A page is found by its identity, the canonical form of the
    URL."""
    keys: dict[str, list[str]] = {}
    for url in urls:
        keys.setdefault(url_key(canonical_url(url)), []).append(url)
    found: dict[str, LastReading] = {}
    ordered = list(keys)
    with db.sessions() as session:
        for start in range(0, len(ordered), _KEYS_A_STATEMENT):
            chunk = ordered[start : start + _KEYS_A_STATEMENT]
            latest = (
                select(func.max(PageFetch.id))
                .join(Page, Page.id == PageFetch.page_id)
                .where(Page.url_key.in_(chunk), PageFetch.sha256.is_not(None))
                .group_by(PageFetch.page_id)
            )
            rows = session.execute(
                select(
                    Page.url_key,
                    PageFetch.sha256,
                    PageFetch.size,
                    PageFetch.etag,
                    PageFetch.last_modified,
                )
                .join(Page, Page.id == PageFetch.page_id)
                .where(PageFetch.id.in_(latest))
            )
            for key, sha256, size, etag, last_modified in rows:
                reading = LastReading(sha256 or "", size or 0, etag, last_modified)
                for url in keys[key]:
                    found[url] = reading
    return found


def record_unchanged(
    db: Database, run_id: int, pages: Sequence[tuple[UnchangedPage, int | None]]
) -> set[int]:
    """Record pages found as they were (with their positions in the run's list): a
    reading of each, marked unchanged, with what its server said this time; the page's
    open and waived findings marked seen in this run (their status stands: the page was
    not checked again); the targets marked unchanged and counted in the run.

    A page whose target the run has finished already (a redelivered task) is not
    recorded again: the positions of such pages are returned."""
    if not pages:
        return set()

    def work(session: Session) -> set[int]:
        finished = finished_already(session, run_id, [position for _, position in pages])
        kept = [(page, position) for page, position in pages if position not in finished]
        if kept:
            _record_unchanged(session, run_id, kept)
        return finished

    return transaction(db, work)


def _record_unchanged(
    session: Session, run_id: int, pages: Sequence[tuple[UnchangedPage, int | None]]
) -> None:
    """Write the unchanged ``pages`` (none recorded in the run yet)."""
    moment = now()
    page_ids = _page_ids(session, [page for page, _ in pages], moment)
    last = _last_fetches(session, list(page_ids.values()))
    rows = []
    for page, _ in pages:
        page_id = page_ids[url_key(page.url)]
        title, images = last.get(page_id, (None, 0))
        source = page.source
        rows.append(
            {
                "run_id": run_id,
                "page_id": page_id,
                "requested_url": source.requested,
                "final_url": source.final,
                "http_status": source.status,
                "content_type": source.content_type[:255] if source.content_type else None,
                "fetched_at": source.fetched_at,
                "sha256": source.sha256,
                "size": source.size,
                "title": title,
                "images": images,
                "etag": source.etag,
                "last_modified": source.last_modified,
                "unchanged": True,
            }
        )
    session.execute(table(PageFetch).insert(), rows)
    ids = list(set(page_ids.values()))
    findings = table(FindingRow)
    session.execute(
        findings.update()
        .where(findings.c.page_id.in_(ids), findings.c.status.in_((OPEN, WAIVED)))
        .values(last_seen=moment, last_run_id=run_id)
    )
    runs = table(Run)
    session.execute(
        runs.update()
        .where(runs.c.id == run_id)
        .values(pages_unchanged=runs.c.pages_unchanged + len(pages))
    )
    placed = {
        position: page_ids[url_key(page.url)] for page, position in pages if position is not None
    }
    if placed:  # one statement for the targets of all the pages
        targets = table(RunTarget)
        page_at = case(
            *((targets.c.position == position, ident) for position, ident in placed.items())
        )
        session.execute(
            targets.update()
            .where(targets.c.run_id == run_id, targets.c.position.in_(placed))
            .values(status=UNCHANGED, page_id=page_at, reason=None, finished_at=moment)
        )


def _page_ids(session: Session, pages: Sequence[UnchangedPage], moment: datetime) -> dict[str, int]:
    """The id of each page by URL key (a page first known under this address is added),
    its last check now."""
    table_ = table(Page)
    statement = upsert(session, table_)
    statement = statement.on_conflict_do_update(
        index_elements=[table_.c.url_key], set_={"last_checked": statement.excluded.last_checked}
    )
    rows = {
        url_key(page.url): {
            "url": page.url,
            "url_key": url_key(page.url),
            "title": None,
            "first_seen": moment,
            "last_checked": moment,
        }
        for page in pages
    }
    returned = session.execute(
        statement.returning(table_.c.url_key, table_.c.id), list(rows.values())
    )
    return {key: ident for key, ident in returned}


def _last_fetches(session: Session, page_ids: Sequence[int]) -> dict[int, tuple[str | None, int]]:
    """The title and number of images of each page's last reading."""
    latest = (
        select(func.max(PageFetch.id))
        .where(PageFetch.page_id.in_(page_ids))
        .group_by(PageFetch.page_id)
    )
    rows = session.execute(
        select(PageFetch.page_id, PageFetch.title, PageFetch.images).where(PageFetch.id.in_(latest))
    )
    return {page_id: (title, images) for page_id, title, images in rows}


def run_changes(
    db: Database, run_id: int, most: int = 100_000
) -> tuple[tuple[NewFinding, ...], int, int]:
    """What a run changed in the findings: the findings it found for the first time or
    again after they were resolved (at most ``most``, the most severe first), how many
    such findings there are in all, and how many findings it resolved."""
    with db.sessions() as session:
        new = (FOUND, FOUND_AGAIN)
        rows = session.execute(
            select(
                FindingRow.rule,
                FindingRow.severity,
                Page.url,
                Image.url,
                FindingRow.message,
            )
            .join(FindingEvent, FindingEvent.finding_id == FindingRow.id)
            .join(Page, Page.id == FindingRow.page_id)
            .outerjoin(Image, Image.id == FindingRow.image_id)
            .where(FindingEvent.run_id == run_id, FindingEvent.event.in_(new))
            .order_by(FindingRow.id)
        ).all()
        resolved = session.scalar(
            select(func.count())
            .select_from(FindingEvent)
            .where(FindingEvent.run_id == run_id, FindingEvent.event == RESOLVED)
        )
    findings = sorted(
        (
            NewFinding(rule, Severity(severity), page, image, message)
            for rule, severity, page, image, message in rows
        ),
        key=lambda finding: -finding.severity.rank,
    )
    return tuple(findings[:most]), len(findings), int(resolved or 0)


def interrupt_stale_scans(db: Database, site: str) -> list[int]:
    """Mark the scans of ``site`` still marked running interrupted, and give their runs.

    Called by the scan that holds the site's lock (:mod:`attribution.store.locks`): no
    other scan of the site can be running, so these were killed before they could say
    so (``kill -9``, a node lost), on whatever machine they ran."""

    def work(session: Session) -> list[int]:
        stale = []
        for run in session.scalars(
            select(Run).where(Run.kind == "scan", Run.status == "running").order_by(Run.id)
        ):
            if run.options.get("site") == site:
                run.status = "interrupted"
                stale.append(run.id)
        return stale

    return transaction(db, work)


def last_scan_start(db: Database, site: str) -> datetime | None:
    """When the last finished scan of ``site`` started (for ``--since last``)."""
    with db.sessions() as session:
        for run in session.scalars(
            select(Run).where(Run.kind == "scan", Run.status == "finished").order_by(Run.id.desc())
        ):
            if run.options.get("site") == site:
                return aware(run.started_at)
    return None


def run_record(db: Database, run_id: int) -> ScanTotals:
    """What a run has done so far, as its scan's summary says it: its options (site,
    sources, the problems its sources had), status, start and end, pages checked,
    unchanged, failed (each with its reason) and skipped (counted by reason)."""
    with db.sessions() as session:
        run = session.get(Run, run_id)
        if run is None:
            raise UsageError(f"no run {run_id} (see 'attribution runs')")
        failed = session.execute(
            select(RunTarget.target, RunTarget.reason)
            .where(RunTarget.run_id == run_id, RunTarget.status == FAILED)
            .order_by(RunTarget.position)
        ).all()
        skipped = session.execute(
            select(RunTarget.reason, func.count())
            .where(RunTarget.run_id == run_id, RunTarget.status == SKIPPED)
            .group_by(RunTarget.reason)
            .order_by(func.count().desc())
        ).all()
        return ScanTotals(
            run_id=run.id,
            kind=run.kind,
            options=dict(run.options),
            status=run.status,
            started_at=aware(run.started_at),
            finished_at=aware(run.finished_at) if run.finished_at else None,
            checked=run.pages_done,
            unchanged=run.pages_unchanged,
            failed=tuple((target, reason or "") for target, reason in failed),
            skipped=tuple((reason or "", count) for reason, count in skipped),
        )


@dataclass(frozen=True)
class ScanTotals:
    """A run's figures as the database holds them (see :func:`run_record`)."""

    run_id: int
    kind: str
    options: dict[str, object]
    status: str
    started_at: datetime
    finished_at: datetime | None
    checked: int
    unchanged: int
    failed: tuple[tuple[str, str], ...]
    skipped: tuple[tuple[str, int], ...]


def record_declared_for_target(
    db: Database, run_id: int, position: int, images: Sequence[DeclaredImage]
) -> None:
    """Keep ``images``, what a sitemap declared of the page at ``position`` of the run,
    with the page's reading in the run, unless that reading has them already (a
    worker's task delivered again after the page was recorded: they are kept once)."""
    if not images:
        return

    def work(session: Session) -> None:
        fetch_id = session.scalar(
            select(func.max(PageFetch.id))
            .join(RunTarget, RunTarget.page_id == PageFetch.page_id)
            .where(
                RunTarget.run_id == run_id,
                RunTarget.position == position,
                PageFetch.run_id == run_id,
            )
        )
        if fetch_id is None:
            return
        kept = session.scalar(
            select(func.count())
            .select_from(DeclaredImageRow)
            .where(DeclaredImageRow.fetch_id == fetch_id)
        )
        if kept:
            return
        session.execute(table(DeclaredImageRow).insert(), _declared_rows(fetch_id, images))

    transaction(db, work)


def _declared_rows(fetch_id: int, images: Sequence[DeclaredImage]) -> list[dict[str, object]]:
    return [
        {
            "fetch_id": fetch_id,
            "position": position,
            "image_url": image.url,
            "caption": image.caption,
            "title": image.title,
            "licence": image.licence,
            "source_url": image.source,
        }
        for position, image in enumerate(images)
    ]


def record_declared_images(
    db: Database, run_id: int, pages: Sequence[tuple[str, Sequence[DeclaredImage]]]
) -> None:
    """Keep, with each page's reading in run ``run_id`` (by the page's identity), the
    images its sitemap declared for it; a page without a reading in the run is passed
    over."""
    if not pages:
        return

    def work(session: Session) -> None:
        keys = {url_key(url): url for url, _ in pages}
        readings = dict(
            session.execute(
                select(Page.url_key, func.max(PageFetch.id))
                .join(PageFetch, PageFetch.page_id == Page.id)
                .where(Page.url_key.in_(list(keys)), PageFetch.run_id == run_id)
                .group_by(Page.url_key)
            ).all()
        )
        rows = [
            row
            for url, images in pages
            if url_key(url) in readings
            for row in _declared_rows(readings[url_key(url)], images)
        ]
        if rows:
            session.execute(table(DeclaredImageRow).insert(), rows)

    transaction(db, work)
