"""Stored findings: their identity, recording what a check saw, their history, and
listing them (with the evidence of what the page showed, on request)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, any_, bindparam, case, exists, or_, select
from sqlalchemy.orm import Session

from attribution.records import (
    FINDING_STATUSES,
    FindingChange,
    Severity,
    StoredFinding,
)
from attribution.store.evidence import image_evidence
from attribution.store.models import FindingEvent, FindingRow, Image, Page, Waiver
from attribution.store.transactions import (
    aware,
    insert_rows,
    insert_rows_keyed,
    on_postgres,
    table,
)

if TYPE_CHECKING:
    from attribution.records import (
        Finding,
    )
    from attribution.store.database import Database

STATUSES = FINDING_STATUSES
OPEN, RESOLVED, WAIVED = STATUSES

# The events of a finding's history.
FOUND, FOUND_AGAIN, WAIVER_EXPIRED = "found", "found-again", "waiver-expired"
SEVERITY_CHANGED = "severity-changed"
WAIVED_EVENT, WAIVER_REVOKED = "waived", "waiver-revoked"

StoredRow = Any  # a row of the findings table, with whether a waiver holds ("waived")
Change = tuple[str, str, str, str]  # a finding's identity, the event, status and severity after


def active_waiver(today: date) -> ColumnElement[bool]:
    """The condition on :class:`Waiver` rows that hold on ``today``: not revoked, not
    expired."""
    return and_(Waiver.revoked_at.is_(None), or_(Waiver.until.is_(None), Waiver.until >= today))


def severity_rank(severity: ColumnElement[Any] | None = None) -> ColumnElement[int]:
    """An order of findings, most serious first, by ``severity`` (a finding's now, by
    default, or the severity it had at some moment)."""
    return case(
        {Severity.ERROR.value: 0, Severity.WARNING.value: 1, Severity.NOTICE.value: 2},
        value=FindingRow.severity if severity is None else severity,
        else_=3,
    )


def finding_identity(rule: str, page_url: str, image_url: str | None) -> str:
    """The stable identity of a finding across runs: its rule, page and image."""
    key = "\x1f".join((rule, page_url, image_url or ""))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Sighting:
    """A finding as a check saw it: its identity, the image it is about, what was found."""

    identity: str
    image_id: int | None
    finding: Finding


def record_sightings(
    session: Session,
    run_id: int,
    sightings: Mapping[int, Sequence[Sighting]],
    moment: datetime,
    today: date,
) -> None:
    """Reconcile the stored findings of pages (by page id) with what a check saw on
    each: new ones are added, seen ones updated (waived while their waiver holds, else
    open), a page's open or waived ones not seen are resolved; each change of status
    goes into the history. Every page's findings are read and written together."""
    identities = [s.identity for seen in sightings.values() for s in seen]
    stored = _stored_findings(session, list(sightings), identities, today)
    rows: dict[str, dict[str, Any]] = {}
    changes: list[Change] = []
    for page_id, seen in sightings.items():
        for sighting in seen:
            known = stored.get(sighting.identity)
            status = WAIVED if known is not None and known.waived else OPEN
            severity = sighting.finding.severity.value
            if sighting.identity not in rows:
                event = _event_on_sighting(known.status if known else None, status)
                if event is None and known is not None and known.severity != severity:
                    event = SEVERITY_CHANGED
                if event is not None:
                    changes.append((sighting.identity, event, status, severity))
            row = rows.setdefault(sighting.identity, _new_row(sighting, run_id, page_id, moment))
            finding = sighting.finding
            row.update(severity=finding.severity.value, message=finding.message, fix=finding.fix)
            row["status"] = status
    for known in sorted(stored.values(), key=lambda known: known.id):
        if known.identity not in rows:  # a page's open or waived findings not seen
            rows[known.identity] = _resolved_row(known, moment)
            changes.append((known.identity, RESOLVED, RESOLVED, known.severity))
    ids = {identity: known.id for identity, known in stored.items()}
    ids.update(_write_findings(session, list(rows.values()), ids))
    _add_events(session, [(ids[i], e, st, sev) for i, e, st, sev in changes], run_id, moment)


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


def _stored_findings(
    session: Session, page_ids: Sequence[int], identities: Sequence[str], today: date
) -> dict[str, StoredRow]:
    """The stored findings with these identities, and the pages' open or waived ones,
    each with whether a waiver holds on ``today``."""
    findings = table(FindingRow)
    waived = exists().where(Waiver.finding_id == findings.c.id, active_waiver(today))
    columns = select(*findings.c, waived.label("waived"))
    unique = list(dict.fromkeys(identities))
    postgres = on_postgres(session)
    size = max(len(unique), 1) if postgres else 500  # SQLite: placeholders a statement
    chunks = [unique[start : start + size] for start in range(0, len(unique), size)] or [[]]
    on_pages = and_(
        _one_of(findings.c.page_id, page_ids, postgres), findings.c.status.in_((OPEN, WAIVED))
    )
    stored: dict[str, StoredRow] = {}
    for number, chunk in enumerate(chunks):
        which = _one_of(findings.c.identity, chunk, postgres)
        for row in session.execute(columns.where(or_(which, on_pages) if number == 0 else which)):
            stored[row.identity] = row
    return stored


def _one_of(
    column: ColumnElement[Any], values: Sequence[Any], postgres: bool
) -> ColumnElement[bool]:
    """``column IN values``; on PostgreSQL, ``column = ANY(array)``: one placeholder
    whatever the number of values, so the statement is the same for every batch."""
    if not postgres:
        return column.in_(values)
    from sqlalchemy.dialects.postgresql import ARRAY

    return column == any_(bindparam(None, list(values), ARRAY(column.type)))


def _new_row(sighting: Sighting, run_id: int, page_id: int, moment: datetime) -> dict[str, Any]:
    """A finding row as first seen now (for a stored finding, only the columns a
    sighting changes are written)."""
    return {
        "identity": sighting.identity,
        "rule": sighting.finding.rule,
        "page_id": page_id,
        "image_id": sighting.image_id,
        "first_seen": moment,
        "first_run_id": run_id,
        "last_seen": moment,
        "last_run_id": run_id,
        "resolved_at": None,
    }


def _resolved_row(known: StoredRow, moment: datetime) -> dict[str, Any]:
    """A stored finding as it stands, resolved now."""
    row = {name: getattr(known, name) for name in known._fields if name not in ("id", "waived")}
    row.update(status=RESOLVED, resolved_at=moment)
    return row


def _write_findings(
    session: Session, rows: list[dict[str, Any]], stored: Mapping[str, int]
) -> dict[str, int]:
    """Update the stored findings (``stored`` gives their ids) and insert the new ones,
    one statement each (see :func:`insert_rows_keyed` for PostgreSQL); the ids of the
    new ones by identity.

    New findings are inserted rather than upserted: PostgreSQL would spend a value of
    the id sequence on every finding seen again, and people type these ids."""
    findings = table(FindingRow)
    changed = ("severity", "message", "fix", "status", "last_seen", "last_run_id", "resolved_at")
    known = [
        {"finding_id": stored[row["identity"]], **{name: row[name] for name in changed}}
        for row in rows
        if row["identity"] in stored
    ]
    if known:  # only the columns named are set: the others of each row are as stored
        session.execute(
            findings.update()
            .where(findings.c.id == bindparam("finding_id"))
            .values({name: bindparam(name) for name in changed}),
            known,
        )
    new = [row for row in rows if row["identity"] not in stored]
    if not new:
        return {}
    return insert_rows_keyed(session, findings, new, "identity")


def _add_events(
    session: Session, changes: Sequence[tuple[int, str, str, str]], run_id: int, moment: datetime
) -> None:
    """Add (finding id, event, status after, severity after) to the findings' histories."""
    if changes:
        insert_rows(
            session,
            table(FindingEvent),
            [
                {
                    "finding_id": ident,
                    "at": moment,
                    "event": event,
                    "status": status,
                    "severity": severity,
                    "run_id": run_id,
                }
                for ident, event, status, severity in changes
            ],
        )


@dataclass(frozen=True)
class FindingFilter:
    """Which stored findings to list."""

    statuses: tuple[str, ...] = (OPEN,)
    rules: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    page: str | None = None
    since: datetime | None = None
    limit: int | None = None
    evidence: bool = False  # with each finding's evidence and history


def list_findings(db: Database, query: FindingFilter = FindingFilter()) -> list[StoredFinding]:
    """Stored findings matching ``query``, most serious and most recent first."""
    # Plain columns rather than ORM objects: listing 100,000 findings stays fast.
    statement = (
        select(
            FindingRow.id,
            FindingRow.identity,
            FindingRow.rule,
            FindingRow.severity,
            FindingRow.status,
            Page.url,
            Image.url,
            FindingRow.message,
            FindingRow.fix,
            FindingRow.first_seen,
            FindingRow.last_seen,
            FindingRow.page_id,
            FindingRow.image_id,
        )
        .join(Page, Page.id == FindingRow.page_id)
        .outerjoin(Image, Image.id == FindingRow.image_id)
    )
    conditions: list[ColumnElement[bool]] = []
    if query.statuses:
        conditions.append(FindingRow.status.in_(query.statuses))
    if query.rules:
        conditions.append(FindingRow.rule.in_(query.rules))
    if query.severities:
        conditions.append(FindingRow.severity.in_(query.severities))
    if query.page:
        conditions.append(Page.url.contains(query.page, autoescape=True))
    if query.since:
        conditions.append(FindingRow.last_seen >= query.since)
    if conditions:
        statement = statement.where(and_(*conditions))
    # Ordered in SQL so that a limit keeps the most serious findings, not the newest.
    statement = statement.order_by(
        severity_rank(), FindingRow.last_seen.desc(), FindingRow.id.desc()
    )
    if query.limit:
        statement = statement.limit(query.limit)
    with db.sessions() as session:
        rows = session.execute(statement).all()
        waivers = latest_waivers(session, [row.id for row in rows if row.status == WAIVED])
        found = [_stored(row, waivers.get(row.id)) for row in rows]
        if query.evidence:
            places = {row.id: (row.page_id, row.image_id) for row in rows}
            found = _with_evidence(session, found, places)
    return found


def _with_evidence(
    session: Session, found: list[StoredFinding], places: dict[int, tuple[int, int | None]]
) -> list[StoredFinding]:
    """The findings with the evidence of their image on their page (``places`` gives
    each finding's page and image), and their history."""
    histories = finding_histories(session, [finding.id for finding in found])
    evidence = image_evidence(session, [place for place in places.values() if place[1] is not None])
    return [
        replace(
            finding,
            evidence=evidence.get(places[finding.id]),
            history=histories.get(finding.id, ()),
        )
        for finding in found
    ]


def finding_histories(
    session: Session, finding_ids: Sequence[int]
) -> dict[int, tuple[FindingChange, ...]]:
    """Each finding's history, oldest change first."""
    changes: dict[int, list[FindingChange]] = {}
    for start in range(0, len(finding_ids), 500):
        for event in session.scalars(
            select(FindingEvent)
            .where(FindingEvent.finding_id.in_(finding_ids[start : start + 500]))
            .order_by(FindingEvent.at, FindingEvent.id)
        ):
            changes.setdefault(event.finding_id, []).append(
                FindingChange(
                    at=aware(event.at),
                    event=event.event,
                    status=event.status,
                    run_id=event.run_id,
                    actor=event.actor,
                    note=event.note,
                )
            )
    return {key: tuple(value) for key, value in changes.items()}


def latest_waivers(session: Session, ids: Sequence[int]) -> dict[int, Waiver]:
    latest: dict[int, Waiver] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for waiver in session.scalars(
            select(Waiver)
            .where(Waiver.finding_id.in_(chunk), Waiver.revoked_at.is_(None))
            .order_by(Waiver.id)
        ):
            latest[waiver.finding_id] = waiver
    return latest


def _stored(row: Sequence[Any], waiver: Waiver | None) -> StoredFinding:
    """A finding from the columns selected by :func:`list_findings`."""
    ident, identity, rule, severity, status, page_url, image_url, message, fix = row[:9]
    first, last = row[9], row[10]  # then the page and image ids, for the evidence
    return StoredFinding(
        id=ident,
        identity=identity,
        rule=rule,
        severity=Severity(severity),
        status=status,
        page_url=page_url,
        image_url=image_url,
        message=message,
        fix=fix,
        first_seen=aware(first),
        last_seen=aware(last),
        waiver_reason=waiver.reason if waiver else None,
        waiver_until=waiver.until if waiver else None,
        waiver_by=waiver.created_by if waiver else None,
        waiver_id=waiver.id if waiver else None,
    )
