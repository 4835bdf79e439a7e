"""Stored findings: their identity, listing them, and waiving them."""

from __future__ import annotations

import getpass
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, select
from sqlalchemy.orm import Session

from attribution.errors import UsageError
from attribution.records import FINDING_STATUSES, Severity, StoredFinding
from attribution.store.database import Database
from attribution.store.models import FindingRow, Image, Page, Waiver
from attribution.store.transactions import aware, now, transaction

STATUSES = FINDING_STATUSES
OPEN, RESOLVED, WAIVED = STATUSES


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
    return [_stored(row, waivers.get(row.id)) for row in rows]


def _waivers_for(session: Session, ids: Sequence[int]) -> dict[int, Waiver]:
    latest: dict[int, Waiver] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for waiver in session.scalars(
            select(Waiver).where(Waiver.finding_id.in_(chunk)).order_by(Waiver.id)
        ):
            latest[waiver.finding_id] = waiver
    return latest


def _stored(row: Sequence[Any], waiver: Waiver | None) -> StoredFinding:
    """A finding from the columns selected by :func:`list_findings`."""
    ident, identity, rule, severity, status, page_url, image_url, message, fix, first, last = row
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
    )


def waive(
    db: Database, reference: str, reason: str, until: date | None = None, today: date | None = None
) -> StoredFinding:
    """Accept a finding (by id or identity prefix) for ``reason``, optionally until a date."""
    if not reason.strip():
        raise UsageError("a waiver needs a reason (--reason)")
    today = today or date.today()
    if until is not None and until < today:
        raise UsageError(f"--until {until} is in the past")

    def work(session: Session) -> int:
        row = _find_finding(session, reference)
        session.add(
            Waiver(
                finding_id=row.id,
                reason=reason.strip(),
                until=until,
                created_at=now(),
                created_by=_user(),
            )
        )
        if row.status == OPEN:
            row.status = WAIVED
        return row.id

    finding_id = transaction(db, work)
    found = [f for f in list_findings(db, FindingFilter(statuses=STATUSES)) if f.id == finding_id]
    return found[0]


def _find_finding(session: Session, reference: str) -> FindingRow:
    reference = reference.strip().lower()
    if reference.isdigit():
        row = session.get(FindingRow, int(reference))
    elif len(reference) >= 6:
        matches = session.scalars(
            select(FindingRow).where(FindingRow.identity.startswith(reference)).limit(2)
        ).all()
        if len(matches) > 1:
            raise UsageError(f"finding {reference!r} is ambiguous: give more of its identity")
        row = matches[0] if matches else None
    else:
        row = None
    if row is None:
        raise UsageError(
            f"no finding {reference!r}: give its number or identity from 'attribution findings'"
        )
    return row


def _user() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None
