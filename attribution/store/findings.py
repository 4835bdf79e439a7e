"""Stored findings: their identity, their history, and listing them (with the
evidence of what the page showed, on request)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, or_, select
from sqlalchemy.orm import Session

from attribution.records import FINDING_STATUSES, FindingChange, Severity, StoredFinding
from attribution.store.database import Database
from attribution.store.evidence import image_evidence
from attribution.store.models import FindingEvent, FindingRow, Image, Page, Waiver
from attribution.store.transactions import aware

STATUSES = FINDING_STATUSES
OPEN, RESOLVED, WAIVED = STATUSES

# The events of a finding's history.
FOUND, FOUND_AGAIN, WAIVER_EXPIRED = "found", "found-again", "waiver-expired"
WAIVED_EVENT, WAIVER_REVOKED = "waived", "waiver-revoked"


def active_waiver(today: date) -> ColumnElement[bool]:
    """The condition on :class:`Waiver` rows that hold on ``today``: not revoked, not
    expired."""
    return and_(Waiver.revoked_at.is_(None), or_(Waiver.until.is_(None), Waiver.until >= today))


def finding_identity(rule: str, page_url: str, image_url: str | None) -> str:
    """The stable identity of a finding across runs: its rule, page and image."""
    key = "\x1f".join((rule, page_url, image_url or ""))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


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
    severity_rank = case(
        {Severity.ERROR.value: 0, Severity.WARNING.value: 1, Severity.NOTICE.value: 2},
        value=FindingRow.severity,
        else_=3,
    )
    statement = statement.order_by(severity_rank, FindingRow.last_seen.desc(), FindingRow.id.desc())
    if query.limit:
        statement = statement.limit(query.limit)
    with db.sessions() as session:
        rows = session.execute(statement).all()
        waivers = _waivers_for(session, [row.id for row in rows if row.status == WAIVED])
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


def _waivers_for(session: Session, ids: Sequence[int]) -> dict[int, Waiver]:
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
