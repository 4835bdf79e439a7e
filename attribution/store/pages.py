"""Recording one checked page: the page, its images, where they appeared, and findings.

Every page's results are written in one transaction, so a run killed half way leaves
whole pages behind. A finding keeps its identity (rule, page, image) across runs: a
re-check that no longer finds it marks it resolved, and a finding under a waiver that
has not expired stays waived.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from attribution.records import Finding, PageResult, Severity
from attribution.serialize import credit_json, embedded_json
from attribution.store.database import Database
from attribution.store.findings import (
    FOUND,
    FOUND_AGAIN,
    OPEN,
    RESOLVED,
    WAIVED,
    WAIVER_EXPIRED,
    active_waiver,
    finding_identity,
)
from attribution.store.models import (
    Appearance,
    FindingEvent,
    FindingRow,
    Image,
    Page,
    PageFetch,
    Run,
    Waiver,
    url_key,
)
from attribution.store.runs import DONE, finish_target
from attribution.store.transactions import now, transaction


def record_page(
    db: Database,
    run_id: int,
    result: PageResult,
    *,
    position: int | None = None,
    today: date | None = None,
) -> None:
    """Write one page's results in one transaction and reconcile its findings; with
    ``position``, that target of the run is marked done in the same transaction."""
    today = today or date.today()

    def work(session: Session) -> None:
        moment = now()
        page = _upsert_page(session, result, moment)
        fetch = _add_fetch(session, run_id, page, result, moment)
        images = _upsert_images(session, result, moment)
        planned: list[tuple[str, Image | None, Finding]] = []
        for item in result.images:
            shown = images[item.image.src]
            planned += [
                (finding_identity(f.rule, page.url, shown.url), shown, f) for f in item.findings
            ]
        planned += [(finding_identity(f.rule, page.url, None), None, f) for f in result.findings]
        existing = _rows_by_identity(session, [identity for identity, _, _ in planned])
        waived = _waived_ids(session, [row.id for row in existing.values()], today)
        counts = dict.fromkeys(Severity, 0)
        changes: list[tuple[FindingRow, str]] = []
        for identity, where, finding in planned:
            row = existing.get(identity)
            before = row.status if row is not None else None
            if row is None:
                row = FindingRow(
                    identity=identity,
                    rule=finding.rule,
                    page_id=page.id,
                    image_id=where.id if where else None,
                    first_seen=moment,
                    first_run_id=run_id,
                )
                session.add(row)
                existing[identity] = row
            row.severity = finding.severity.value
            row.message = finding.message
            row.fix = finding.fix
            row.last_seen = moment
            row.last_run_id = run_id
            row.resolved_at = None
            row.status = WAIVED if row.id in waived else OPEN
            event = _event_on_sighting(before, row.status)
            if event is not None:
                changes.append((row, event))
            counts[finding.severity] += 1
        for place, item in enumerate(result.images):
            read = item.embedded
            session.add(
                Appearance(
                    run_id=run_id,
                    fetch_id=fetch.id,
                    page_id=page.id,
                    image_id=images[item.image.src].id,
                    position=place,
                    alt=item.image.alt,
                    caption=item.image.caption,
                    credit_text=item.image.credit,
                    credit=credit_json(item.credit),
                    checked_at=moment,
                    image_sha256=read.sha256 if read else None,
                    image_bytes=read.bytes_read if read else None,
                    embedded=embedded_json(read) if read else None,
                )
            )
        changes += _resolve_missing(session, page.id, {i for i, _, _ in planned}, moment)
        session.flush()  # new findings get their ids for their events
        session.add_all(
            FindingEvent(
                finding_id=row.id,
                at=moment,
                event=event,
                status=row.status,
                run_id=run_id,
            )
            for row, event in changes
        )
        session.execute(
            update(Run)
            .where(Run.id == run_id)
            .values(
                pages_done=Run.pages_done + 1,
                images=Run.images + len(result.images),
                errors=Run.errors + counts[Severity.ERROR],
                warnings=Run.warnings + counts[Severity.WARNING],
                notices=Run.notices + counts[Severity.NOTICE],
            )
        )
        finish_target(session, run_id, position, result.url, DONE, page_id=page.id)

    transaction(db, work)


def _upsert_page(session: Session, result: PageResult, moment: datetime) -> Page:
    page = session.scalar(select(Page).where(Page.url_key == url_key(result.url)))
    if page is None:
        page = Page(url=result.url, title=result.title, first_seen=moment, last_checked=moment)
        session.add(page)
        session.flush()
    else:
        page.title = result.title
        page.last_checked = moment
    return page


def _add_fetch(
    session: Session, run_id: int, page: Page, result: PageResult, moment: datetime
) -> PageFetch:
    """The evidence of how the page was read this time."""
    source = result.source
    fetch = PageFetch(
        run_id=run_id,
        page_id=page.id,
        requested_url=source.requested if source else result.url,
        final_url=source.final if source else result.url,
        http_status=source.status if source else None,
        content_type=source.content_type[:255] if source and source.content_type else None,
        fetched_at=source.fetched_at if source else moment,
        sha256=source.sha256 if source else None,
        size=source.size if source else None,
        title=result.title,
        images=len(result.images),
    )
    session.add(fetch)  # given its id by the flush that follows the images
    return fetch


def _event_on_sighting(before: str | None, after: str) -> str | None:
    """What a finding's history records when a run sees it: found for the first time,
    found again after it was resolved, or its waiver having expired."""
    if before is None:
        return FOUND
    if before == RESOLVED:
        return FOUND_AGAIN
    if before == WAIVED and after == OPEN:
        return WAIVER_EXPIRED
    return None


def _upsert_images(session: Session, result: PageResult, moment: datetime) -> dict[str, Image]:
    """Every image of the page by URL, created when new, with what its file declares."""
    keys = list(dict.fromkeys(url_key(item.image.src) for item in result.images))
    images = {
        image.url: image
        for start in range(0, len(keys), 500)
        for image in session.scalars(
            select(Image).where(Image.url_key.in_(keys[start : start + 500]))
        )
    }
    for item in result.images:
        image = images.get(item.image.src)
        if image is None:
            image = Image(url=item.image.src, first_seen=moment, last_seen=moment)
            session.add(image)
            images[image.url] = image
        image.last_seen = moment
        if item.embedded is not None:
            image.embedded = embedded_json(item.embedded)
            image.content_hash = item.embedded.sha256
    session.flush()
    return images


def _rows_by_identity(session: Session, identities: Sequence[str]) -> dict[str, FindingRow]:
    unique = list(dict.fromkeys(identities))
    return {
        row.identity: row
        for start in range(0, len(unique), 500)
        for row in session.scalars(
            select(FindingRow).where(FindingRow.identity.in_(unique[start : start + 500]))
        )
    }


def _waived_ids(session: Session, finding_ids: Sequence[int], today: date) -> set[int]:
    """Which of these findings have a waiver that has not expired."""
    waived: set[int] = set()
    for start in range(0, len(finding_ids), 500):
        waived.update(
            session.scalars(
                select(Waiver.finding_id).where(
                    Waiver.finding_id.in_(finding_ids[start : start + 500]),
                    active_waiver(today),
                )
            )
        )
    return waived


def _resolve_missing(
    session: Session, page_id: int, seen: set[str], moment: datetime
) -> list[tuple[FindingRow, str]]:
    """Mark the page's open or waived findings this check did not see as resolved."""
    stale = select(FindingRow).where(
        FindingRow.page_id == page_id, FindingRow.status.in_((OPEN, WAIVED))
    )
    resolved = []
    for row in session.scalars(stale):
        if row.identity not in seen:
            row.status = RESOLVED
            row.resolved_at = moment
            resolved.append((row, RESOLVED))
    return resolved
