"""Recording one checked page: the page, its images, where they appeared, and findings.

Every page's results are written in one transaction, so a run killed half way leaves
whole pages behind. A finding keeps its identity (rule, page, image) across runs: a
re-check that no longer finds it marks it resolved, and a finding under a waiver that
has not expired stays waived.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from attribution.records import Finding, PageResult, Severity
from attribution.serialize import credit_json, embedded_json
from attribution.store.database import Database
from attribution.store.findings import OPEN, RESOLVED, WAIVED, finding_identity
from attribution.store.models import Appearance, FindingRow, Image, Page, Run, Waiver
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
        for identity, where, finding in planned:
            row = existing.get(identity)
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
            counts[finding.severity] += 1
        for place, item in enumerate(result.images):
            session.add(
                Appearance(
                    run_id=run_id,
                    page_id=page.id,
                    image_id=images[item.image.src].id,
                    position=place,
                    alt=item.image.alt,
                    caption=item.image.caption,
                    credit_text=item.image.credit,
                    credit=credit_json(item.credit),
                    checked_at=moment,
                )
            )
        _resolve_missing(session, page.id, set(existing) & {i for i, _, _ in planned}, moment)
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
    page = session.scalar(select(Page).where(Page.url == result.url))
    if page is None:
        page = Page(url=result.url, title=result.title, first_seen=moment, last_checked=moment)
        session.add(page)
        session.flush()
    else:
        page.title = result.title
        page.last_checked = moment
    return page


def _upsert_images(session: Session, result: PageResult, moment: datetime) -> dict[str, Image]:
    """Every image of the page by URL, created when new, with what its file declares."""
    urls = list(dict.fromkeys(item.image.src for item in result.images))
    images = {
        image.url: image
        for start in range(0, len(urls), 500)
        for image in session.scalars(select(Image).where(Image.url.in_(urls[start : start + 500])))
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
                    or_(Waiver.until.is_(None), Waiver.until >= today),
                )
            )
        )
    return waived


def _resolve_missing(session: Session, page_id: int, seen: set[str], moment: datetime) -> None:
    stale = select(FindingRow).where(
        FindingRow.page_id == page_id, FindingRow.status.in_((OPEN, WAIVED))
    )
    for row in session.scalars(stale):
        if row.identity not in seen:
            row.status = RESOLVED
            row.resolved_at = moment
