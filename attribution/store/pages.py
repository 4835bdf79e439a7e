"""Recording one checked page: the page, its images, where they appeared, and findings.

Every page's results are written in one transaction, so a run killed half way leaves
whole pages behind. A finding keeps its identity (rule, page, image) across runs: a
re-check that no longer finds it marks it resolved, and a finding under a waiver that
has not expired stays waived.

Each table is written with one set-based statement (an upsert or a many-row insert), so
a page costs the same few statements whatever its number of images and findings.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Text, case, cast, func, literal, select, update
from sqlalchemy.orm import Session

from attribution.records import PageResult, Severity
from attribution.serialize import credit_json, embedded_json
from attribution.store.database import Database
from attribution.store.findings import Sighting, finding_identity, record_sightings
from attribution.store.models import (
    Appearance,
    Image,
    Page,
    PageFetch,
    Run,
    RunTarget,
    storable_text,
    url_key,
)
from attribution.store.runs import DONE
from attribution.store.transactions import now, table, transaction, upsert


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
        page_id = _upsert_page(session, result, moment)
        fetch_id = _add_fetch(session, run_id, page_id, result, moment)
        images = _upsert_images(session, result, moment)
        _add_appearances(session, run_id, page_id, fetch_id, images, result, moment)
        record_sightings(session, run_id, page_id, _sightings(result, images), moment, today)
        _count_page(session, run_id, result)
        _finish_target(session, run_id, position, result.url, page_id)

    transaction(db, work)


def _upsert_page(session: Session, result: PageResult, moment: datetime) -> int:
    """The page's id, the page created when new; its title and last check updated."""
    pages = table(Page)
    statement = upsert(session, pages).values(
        url=result.url,
        url_key=url_key(result.url),
        title=result.title,
        first_seen=moment,
        last_checked=moment,
    )
    statement = statement.on_conflict_do_update(
        index_elements=[pages.c.url_key],
        set_={
            "title": statement.excluded.title,
            "last_checked": statement.excluded.last_checked,
        },
    )
    page_id: int = session.execute(statement.returning(pages.c.id)).scalar_one()
    return page_id


def _add_fetch(
    session: Session, run_id: int, page_id: int, result: PageResult, moment: datetime
) -> int:
    """The evidence of how the page was read this time: its id."""
    source = result.source
    fetches = table(PageFetch)
    statement = (
        fetches.insert()
        .values(
            run_id=run_id,
            page_id=page_id,
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
        .returning(fetches.c.id)
    )
    fetch_id: int = session.execute(statement).scalar_one()
    return fetch_id


def _upsert_images(session: Session, result: PageResult, moment: datetime) -> dict[str, int]:
    """The id of every image of the page by URL key, created when new, with what its
    file declares when it was read this time."""
    rows: dict[str, dict[str, Any]] = {}
    for item in result.images:
        key = url_key(item.image.src)
        row = rows.setdefault(
            key,
            {
                "url": item.image.src,
                "url_key": key,
                "first_seen": moment,
                "last_seen": moment,
                "embedded": None,
                "content_hash": None,
            },
        )
        if item.embedded is not None:
            row["embedded"] = embedded_json(item.embedded)
            row["content_hash"] = item.embedded.sha256
    if not rows:
        return {}
    images = table(Image)
    statement = upsert(session, images)
    # None is stored as JSON null: an image not read this time keeps what it declared.
    unread = cast(statement.excluded.embedded, Text) == "null"
    statement = statement.on_conflict_do_update(
        index_elements=[images.c.url_key],
        set_={
            "last_seen": statement.excluded.last_seen,
            "embedded": case((unread, images.c.embedded), else_=statement.excluded.embedded),
            "content_hash": case(
                (unread, images.c.content_hash), else_=statement.excluded.content_hash
            ),
        },
    )
    returned = session.execute(
        statement.returning(images.c.url_key, images.c.id), list(rows.values())
    )
    return {key: ident for key, ident in returned}


def _add_appearances(
    session: Session,
    run_id: int,
    page_id: int,
    fetch_id: int,
    images: Mapping[str, int],
    result: PageResult,
    moment: datetime,
) -> None:
    """Each image where it appeared on this reading, as it was shown and read."""
    rows = [
        {
            "run_id": run_id,
            "fetch_id": fetch_id,
            "page_id": page_id,
            "image_id": images[url_key(item.image.src)],
            "position": place,
            "alt": item.image.alt,
            "caption": item.image.caption,
            "credit_text": item.image.credit,
            "credit": credit_json(item.credit),
            "checked_at": moment,
            "image_sha256": item.embedded.sha256 if item.embedded else None,
            "image_bytes": item.embedded.bytes_read if item.embedded else None,
            "embedded": embedded_json(item.embedded) if item.embedded else None,
        }
        for place, item in enumerate(result.images)
    ]
    if rows:
        session.execute(table(Appearance).insert(), rows)


def _sightings(result: PageResult, images: Mapping[str, int]) -> list[Sighting]:
    """Every finding of the page with its identity and image, in the page's order."""
    page_url = storable_text(result.url)
    sightings = []
    for item in result.images:
        image_url = storable_text(item.image.src)
        image_id = images[url_key(item.image.src)]
        sightings += [
            Sighting(finding_identity(f.rule, page_url, image_url), image_id, f)
            for f in item.findings
        ]
    sightings += [
        Sighting(finding_identity(f.rule, page_url, None), None, f) for f in result.findings
    ]
    return sightings


def _count_page(session: Session, run_id: int, result: PageResult) -> None:
    """Add the page, its images and its findings by severity to the run's totals."""
    counts = dict.fromkeys(Severity, 0)
    for finding in result.all_findings():
        counts[finding.severity] += 1
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


def _finish_target(
    session: Session, run_id: int, position: int | None, target: str, page_id: int
) -> None:
    """Mark the run's target at ``position`` done; without a position (a page recorded
    by a library caller), or for a position the run does not have, add a target."""
    targets = table(RunTarget)
    if position is not None:
        marked = session.execute(
            targets.update()
            .where(targets.c.run_id == run_id, targets.c.position == position)
            .values(status=DONE, page_id=page_id, reason=None, finished_at=now())
        )
        if marked.rowcount:  # type: ignore[attr-defined]
            return
    after = select(
        literal(run_id),
        func.coalesce(func.max(targets.c.position), -1) + 1,
        literal(target, targets.c.target.type),
        literal(DONE),
        literal(page_id),
        literal(now(), targets.c.finished_at.type),
    ).where(targets.c.run_id == run_id)
    columns = ["run_id", "position", "target", "status", "page_id", "finished_at"]
    session.execute(targets.insert().from_select(columns, after))
