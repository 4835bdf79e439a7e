"""Recording checked pages: each page, its images, where they appeared, and findings.

A page's results are written in one transaction, so a run killed half way leaves whole
pages behind. A finding keeps its identity (rule, page, image) across runs: a re-check
that no longer finds it marks it resolved, and a finding under a waiver that has not
expired stays waived.

Each table is written with one set-based statement (an upsert or a many-row insert) for
all the pages recorded together, so a page costs the same few statements whatever its
number of images and findings, and pages recorded together share them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, Text, bindparam, case, cast, func, literal, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import Subquery, TableValuedAlias

from attribution.records import Severity
from attribution.serialize import at_source_json, credit_json, embedded_json
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
from attribution.store.runs import DONE, PENDING, finished_already
from attribution.store.transactions import (
    insert_rows,
    now,
    on_postgres,
    table,
    transaction,
    upsert,
)

if TYPE_CHECKING:
    from attribution.records import PageResult
    from attribution.store.database import Database


@dataclass(frozen=True)
class PageToRecord:
    """A checked page to record, and where it stands in its run's list of targets
    (None for a page recorded by a library caller, which adds a target)."""

    result: PageResult
    position: int | None = None


def record_page(
    db: Database,
    run_id: int,
    result: PageResult,
    *,
    position: int | None = None,
    today: date | None = None,
) -> bool:
    """Write one page's results in one transaction and reconcile its findings; with
    ``position``, that target of the run is marked done in the same transaction.
    False when the run had already finished that target (nothing is written)."""
    return not record_pages(db, run_id, [PageToRecord(result, position)], today=today)


def record_pages(
    db: Database,
    run_id: int,
    pages: Sequence[PageToRecord],
    *,
    today: date | None = None,
) -> set[int]:
    """Write several pages' results in one transaction, each table with one statement
    for all of them, and reconcile their findings: either every page is written or none.

    Recording is idempotent: a page whose target the run has already finished (a task
    redelivered after its worker was lost, once the page was stored) is not written
    again, nor counted; the positions of such pages are returned.

    A page that comes twice starts a new set of statements, so that its second reading
    is reconciled with its first."""
    today = today or date.today()
    finished: set[int] = set()

    def work(session: Session) -> None:
        for batch in _distinct_pages([p for p in pages if p.position not in finished]):
            _write_pages(session, run_id, batch, today)

    while True:
        try:
            transaction(db, work)
            return finished
        except _RecordedBefore as before:  # rolled back: again without those pages
            finished |= before.positions


class _RecordedBefore(Exception):
    """Targets of the run that were no longer pending when the pages recorded for them
    came to be marked done (another delivery of the same task recorded them first):
    the transaction is rolled back, and the pages are not written again."""

    def __init__(self, positions: set[int]) -> None:
        super().__init__(sorted(positions))
        self.positions = positions


def _write_pages(session: Session, run_id: int, batch: Sequence[PageToRecord], today: date) -> None:
    """Write the pages of ``batch`` (each page once), one statement a table."""
    moment = now()
    results = [page.result for page in batch]
    page_ids = _upsert_pages(session, results, moment)
    ids = [page_ids[url_key(result.url)] for result in results]
    fetch_ids = _add_fetches(session, run_id, ids, results, moment)
    images = _upsert_images(session, results, moment)
    _add_appearances(session, run_id, ids, fetch_ids, images, results, moment)
    sightings = {
        page_id: _sightings(result, images) for page_id, result in zip(ids, results, strict=True)
    }
    record_sightings(session, run_id, sightings, moment, today)
    _count_pages(session, run_id, results)
    _finish_targets(session, run_id, list(zip(batch, ids, strict=True)), moment)


def _distinct_pages(pages: Sequence[PageToRecord]) -> list[list[PageToRecord]]:
    """``pages`` in order, cut where a page comes a second time."""
    batches: list[list[PageToRecord]] = [[]]
    keys: set[str] = set()
    for page in pages:
        key = url_key(page.result.url)
        if key in keys:
            batches.append([])
            keys.clear()
        keys.add(key)
        batches[-1].append(page)
    return [batch for batch in batches if batch]


def _upsert_pages(
    session: Session, results: Sequence[PageResult], moment: datetime
) -> dict[str, int]:
    """The id of each page by URL key, the page created when new; its title and last
    check updated."""
    pages = table(Page)
    statement = upsert(session, pages)
    statement = statement.on_conflict_do_update(
        index_elements=[pages.c.url_key],
        set_={
            "title": statement.excluded.title,
            "last_checked": statement.excluded.last_checked,
        },
    )
    # In the order of their keys, as the images: no deadlock between workers.
    rows: list[dict[str, object]] = [
        {
            "url": result.url,
            "url_key": url_key(result.url),
            "title": result.title,
            "first_seen": moment,
            "last_checked": moment,
        }
        for result in sorted(results, key=lambda result: url_key(result.url))
    ]
    returned = session.execute(statement.returning(pages.c.url_key, pages.c.id), rows)
    return {key: ident for key, ident in returned}


def _add_fetches(
    session: Session,
    run_id: int,
    page_ids: Sequence[int],
    results: Sequence[PageResult],
    moment: datetime,
) -> dict[int, int]:
    """The evidence of how each page was read this time: the id of its reading by page
    id."""
    rows = []
    for page_id, result in zip(page_ids, results, strict=True):
        source = result.source
        rows.append(
            {
                "run_id": run_id,
                "page_id": page_id,
                "requested_url": source.requested if source else result.url,
                "final_url": source.final if source else result.url,
                "http_status": source.status if source else None,
                "content_type": (
                    source.content_type[:255] if source and source.content_type else None
                ),
                "fetched_at": source.fetched_at if source else moment,
                "sha256": source.sha256 if source else None,
                "size": source.size if source else None,
                "title": result.title,
                "images": len(result.images),
                "etag": source.etag if source else None,
                "last_modified": source.last_modified if source else None,
            }
        )
    fetches = table(PageFetch)
    returned = session.execute(fetches.insert().returning(fetches.c.page_id, fetches.c.id), rows)
    return {page_id: ident for page_id, ident in returned}


def _upsert_images(
    session: Session, results: Sequence[PageResult], moment: datetime
) -> dict[str, int]:
    """The id of every image of the pages by its URL as the page gives it (``src``),
    the image created when new, with what its file declares when it was read this time.
    Images are unique by URL key: two spellings of one key are one image."""
    rows: dict[str, dict[str, Any]] = {}
    keys: dict[str, str] = {}  # the URL key of each src, worked out once
    for result in results:
        for item in result.images:
            src = item.image.src
            if src not in keys:
                keys[src] = url_key(src)
            key = keys[src]
            row = rows.setdefault(
                key,
                {
                    "url": src,
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
    # In the order of their keys: two workers upserting images they share lock them in
    # the same order, and cannot deadlock.
    returned = session.execute(
        statement.returning(images.c.url_key, images.c.id),
        [rows[key] for key in sorted(rows)],
    )
    ids = {key: ident for key, ident in returned}
    return {src: ids[key] for src, key in keys.items()}


def _add_appearances(
    session: Session,
    run_id: int,
    page_ids: Sequence[int],
    fetch_ids: Mapping[int, int],
    images: Mapping[str, int],
    results: Sequence[PageResult],
    moment: datetime,
) -> None:
    """Each image where it appeared on this reading of its page, as it was shown and
    read."""
    rows = [
        {
            "run_id": run_id,
            "fetch_id": fetch_ids[page_id],
            "page_id": page_id,
            "image_id": images[item.image.src],
            "position": place,
            "role": item.image.role,
            "alt": item.image.alt,
            "caption": item.image.caption,
            "credit_text": item.image.credit,
            "credit": credit_json(item.credit),
            "checked_at": moment,
            "image_sha256": item.embedded.sha256 if item.embedded else None,
            "image_bytes": item.embedded.bytes_read if item.embedded else None,
            "embedded": embedded_json(item.embedded) if item.embedded else None,
            "at_source": at_source_json(item.at_source),
        }
        for page_id, result in zip(page_ids, results, strict=True)
        for place, item in enumerate(result.images)
    ]
    if rows:
        insert_rows(session, table(Appearance), rows)


def _sightings(result: PageResult, images: Mapping[str, int]) -> list[Sighting]:
    """Every finding of the page with its identity and image, in the page's order."""
    page_url = storable_text(result.url)
    sightings = []
    for item in result.images:
        image_url = storable_text(item.image.src)
        image_id = images[item.image.src]
        sightings += [
            Sighting(finding_identity(f.rule, page_url, image_url), image_id, f)
            for f in item.findings
        ]
    sightings += [
        Sighting(finding_identity(f.rule, page_url, None), None, f) for f in result.findings
    ]
    return sightings


def _count_pages(session: Session, run_id: int, results: Sequence[PageResult]) -> None:
    """Add the pages, their images and their findings by severity to the run's totals."""
    counts = dict.fromkeys(Severity, 0)
    for result in results:
        for finding in result.all_findings():
            counts[finding.severity] += 1
    runs = table(Run)  # the table, not the entity: no ORM bookkeeping for one row
    session.execute(
        runs.update()
        .where(runs.c.id == run_id)
        .values(
            pages_done=runs.c.pages_done + len(results),
            images=runs.c.images + sum(len(result.images) for result in results),
            errors=runs.c.errors + counts[Severity.ERROR],
            warnings=runs.c.warnings + counts[Severity.WARNING],
            notices=runs.c.notices + counts[Severity.NOTICE],
        )
    )


def _finish_targets(
    session: Session,
    run_id: int,
    pages: Sequence[tuple[PageToRecord, int]],
    moment: datetime,
) -> None:
    """Mark the run's pending targets at the pages' positions done, in one statement; a
    page without a position (recorded by a library caller), or at a position the run
    does not have, is added as a target. A position the run has but no longer pending
    raises :class:`_RecordedBefore`: its page is not recorded twice.

    The update locks the targets' rows (PostgreSQL): of two workers recording the same
    target at once, the second waits for the first to commit, then finds it done."""
    targets = table(RunTarget)
    placed = {page.position: page_id for page, page_id in pages if page.position is not None}
    marked: set[int] = set()
    if placed:
        page_at = case(
            *((targets.c.position == position, page_id) for position, page_id in placed.items())
        )
        returned = session.execute(
            targets.update()
            .where(
                targets.c.run_id == run_id,
                targets.c.position.in_(placed),
                targets.c.status == PENDING,
            )
            .values(status=DONE, page_id=page_at, reason=None, finished_at=moment)
            .returning(targets.c.position)
        )
        marked = set(returned.scalars())
        if len(marked) < len(placed):
            finished = finished_already(session, run_id, [p for p in placed if p not in marked])
            if finished:
                raise _RecordedBefore(finished)
    _add_targets(
        session,
        run_id,
        [
            (page.result.url, page_id)
            for page, page_id in pages
            if page.position is None or page.position not in marked
        ],
        moment,
    )


# Targets one statement adds: each is a term of a compound SELECT, of which SQLite
# takes at most 500.
TARGETS_A_STATEMENT = 200


def _add_targets(
    session: Session, run_id: int, added: Sequence[tuple[str, int]], moment: datetime
) -> None:
    """Add the (target, page id) pairs, each done, in order after the run's last
    target: one statement for every :data:`TARGETS_A_STATEMENT` of them."""
    targets = table(RunTarget)
    last = (
        select(func.coalesce(func.max(targets.c.position), -1))
        .where(targets.c.run_id == run_id)
        .scalar_subquery()
    )
    columns = ["run_id", "position", "target", "status", "page_id", "finished_at"]
    postgres = on_postgres(session)
    for start in range(0, len(added), TARGETS_A_STATEMENT):
        chunk = added[start : start + TARGETS_A_STATEMENT]
        rows = _numbered_arrays(chunk) if postgres else _numbered_terms(chunk)
        after = select(
            literal(run_id),
            last + rows.c.number,
            rows.c.target,
            literal(DONE),
            rows.c.page_id,
            literal(moment, targets.c.finished_at.type),
        )
        session.execute(targets.insert().from_select(columns, after))


def _numbered_terms(added: Sequence[tuple[str, int]]) -> Subquery:
    """The (target, page id) pairs as rows (number, target, page_id), numbered from 1:
    a compound SELECT of one term a pair."""
    return union_all(
        *(
            select(
                literal(number).label("number"),
                literal(target, RunTarget.target.type).label("target"),
                literal(page_id).label("page_id"),
            )
            for number, (target, page_id) in enumerate(added, start=1)
        )
    ).subquery()


def _numbered_arrays(added: Sequence[tuple[str, int]]) -> TableValuedAlias:
    """The (target, page id) pairs as :func:`_numbered_terms` gives them, from two
    arrays (PostgreSQL): a statement of the same few placeholders for any number of
    pairs, where the compound SELECT is built and sent anew for each number."""
    from sqlalchemy.dialects.postgresql import ARRAY

    targets = bindparam("targets", [target for target, _ in added], ARRAY(RunTarget.target.type))
    pages = bindparam("page_ids", [page_id for _, page_id in added], ARRAY(Integer()))
    return (
        func.unnest(targets, pages)
        .table_valued("target", "page_id", with_ordinality="number")
        .render_derived(name="added")
    )
