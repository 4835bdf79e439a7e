"""Waivers: accepting a finding with a reason, by whom and until when; revoking that
decision. Waivers are never deleted, and each decision is in the finding's history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from attribution.errors import UsageError
from attribution.records import Waiver
from attribution.store.findings import (
    OPEN,
    WAIVED,
    WAIVED_EVENT,
    WAIVER_REVOKED,
    active_waiver,
)
from attribution.store.models import FindingEvent, FindingRow, Image, Page
from attribution.store.models import Waiver as WaiverRow
from attribution.store.transactions import actor, aware, now, transaction

if TYPE_CHECKING:
    from attribution.store.database import Database


def waive(
    db: Database,
    reference: str,
    reason: str,
    until: date | None = None,
    *,
    by: str | None = None,
    today: date | None = None,
) -> Waiver:
    """Accept a finding (by number or identity prefix) for ``reason``, optionally until
    a date; ``by`` is who decided (the user's login name by default)."""
    if not reason.strip():
        raise UsageError("a waiver needs a reason (--reason)")
    today = today or date.today()
    if until is not None and until < today:
        raise UsageError(f"--until {until} is in the past")
    who = actor(by)

    def work(session: Session) -> int:
        row = _find_finding(session, reference)
        moment = now()
        waiver = WaiverRow(
            finding_id=row.id, reason=reason.strip(), until=until, created_at=moment, created_by=who
        )
        session.add(waiver)
        if row.status == OPEN:
            row.status = WAIVED
        note = reason.strip() + (f" (until {until})" if until else "")
        session.add(
            FindingEvent(
                finding_id=row.id,
                at=moment,
                event=WAIVED_EVENT,
                status=row.status,
                severity=row.severity,
                actor=who,
                note=note,
            )
        )
        session.flush()
        return waiver.id

    return _waivers(db, [transaction(db, work)])[0]


def revoke_waiver(db: Database, waiver_id: int, reason: str, *, by: str | None = None) -> Waiver:
    """Withdraw a waiver: its finding is open again unless another waiver still holds."""
    if not reason.strip():
        raise UsageError("revoking a waiver needs a reason (--reason)")
    who = actor(by)

    def work(session: Session) -> None:
        waiver = session.get(WaiverRow, waiver_id)
        if waiver is None:
            raise UsageError(f"no waiver {waiver_id} (see 'attribution waivers list')")
        if waiver.revoked_at is not None:
            raise UsageError(
                f"waiver {waiver_id} was already revoked on {waiver.revoked_at:%Y-%m-%d}"
            )
        moment = now()
        waiver.revoked_at, waiver.revoked_by, waiver.revoke_reason = moment, who, reason.strip()
        session.flush()
        finding = session.get(FindingRow, waiver.finding_id)
        assert finding is not None  # the foreign key keeps it
        still = session.scalar(
            select(WaiverRow.id).where(
                WaiverRow.finding_id == finding.id, active_waiver(date.today())
            )
        )
        if finding.status == WAIVED and still is None:
            finding.status = OPEN
        session.add(
            FindingEvent(
                finding_id=finding.id,
                at=moment,
                event=WAIVER_REVOKED,
                status=finding.status,
                severity=finding.severity,
                actor=who,
                note=reason.strip(),
            )
        )

    transaction(db, work)
    return _waivers(db, [waiver_id])[0]


def list_waivers(
    db: Database,
    *,
    include_inactive: bool = False,
    expiring_within: int | None = None,
    today: date | None = None,
) -> list[Waiver]:
    """Waivers, newest first: those that hold today, or all of them (revoked and
    expired too); with ``expiring_within``, only those ending within that many days."""
    today = today or date.today()
    statement = select(WaiverRow.id).order_by(WaiverRow.id.desc())
    if not include_inactive:
        statement = statement.where(active_waiver(today))
    if expiring_within is not None:
        statement = statement.where(
            WaiverRow.until.is_not(None),
            WaiverRow.until >= today,
            WaiverRow.until <= today + timedelta(days=expiring_within),
            WaiverRow.revoked_at.is_(None),
        )
    with db.sessions() as session:
        ids = list(session.scalars(statement))
    return _waivers(db, ids)


def _waivers(db: Database, ids: Sequence[int]) -> list[Waiver]:
    """The waivers of these numbers, in this order."""
    found: dict[int, Waiver] = {}
    with db.sessions() as session:
        for start in range(0, len(ids), 500):
            rows = session.execute(
                select(WaiverRow, FindingRow.rule, Page.url, Image.url)
                .join(FindingRow, FindingRow.id == WaiverRow.finding_id)
                .join(Page, Page.id == FindingRow.page_id)
                .outerjoin(Image, Image.id == FindingRow.image_id)
                .where(WaiverRow.id.in_(ids[start : start + 500]))
            )
            for waiver, rule, page_url, image_url in rows:
                found[waiver.id] = Waiver(
                    id=waiver.id,
                    finding_id=waiver.finding_id,
                    rule=rule,
                    page_url=page_url,
                    image_url=image_url,
                    reason=waiver.reason,
                    created_at=aware(waiver.created_at),
                    created_by=waiver.created_by,
                    until=waiver.until,
                    revoked_at=aware(waiver.revoked_at) if waiver.revoked_at else None,
                    revoked_by=waiver.revoked_by,
                    revoke_reason=waiver.revoke_reason,
                )
    return [found[waiver_id] for waiver_id in ids if waiver_id in found]


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
