"""The rights register: agreements with agencies and other providers, kept as legal
keeps them. Nothing is deleted: a removed agreement is marked removed, and every
change (added, imported, updated, removed) is kept with who, when and why, so that
the register can be read as it stood on any day."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Row, and_, or_, select
from sqlalchemy.orm import Session

from attribution.errors import UsageError
from attribution.records import (
    RIGHTS_SCOPES,
    RightsChange,
    RightsEntry,
    RightsImport,
    unknown_scope_terms,
)
from attribution.store.models import RightsEvent, RightsRow
from attribution.store.transactions import actor, aware, now, table, transaction

if TYPE_CHECKING:
    from attribution.store.database import Database

RIGHTS_COLUMNS = ("provider", "scope", "valid_from", "valid_until", "reference")
# Columns that 'rights list --format csv' writes besides those: ignored on import.
EXPORT_COLUMNS = frozenset(
    {
        "id",
        "provider_name",
        "added_at",
        "added_by",
        "note",
        "removed_at",
        "removed_by",
        "removed_reason",
    }
)
ADDED, IMPORTED, UPDATED, REMOVED = "added", "imported", "updated", "removed"


def add_rights(
    db: Database, entry: RightsEntry, *, by: str | None = None, note: str | None = None
) -> RightsEntry:
    """Add an agreement to the rights register; ``by`` is who (the login name by
    default), ``note`` why."""
    who = actor(by)

    def work(session: Session) -> RightsEntry:
        row = _new_row(entry, now(), who, note)
        session.add(row)
        session.flush()
        _log(session, row, ADDED, who, note)
        return _entry(row)

    return transaction(db, work)


def import_rights(
    db: Database,
    entries: Iterable[RightsEntry],
    *,
    by: str | None = None,
    note: str | None = None,
) -> RightsImport:
    """Add many agreements in one transaction. Importing is idempotent: an agreement
    whose reference is already in the register updates that entry (when it differs);
    one without a reference that is already there as it is is left alone."""
    entries = list(entries)
    who = actor(by)

    def work(session: Session) -> RightsImport:
        moment = now()
        current = list(session.scalars(select(RightsRow).where(RightsRow.removed_at.is_(None))))
        by_reference = {row.reference: row for row in current if row.reference}
        added = updated = unchanged = 0
        for entry in entries:
            row = by_reference.get(entry.reference) if entry.reference else None
            if row is None and not entry.reference:
                row = next((r for r in current if _terms(r) == _terms_of(entry)), None)
            if row is None:
                row = _new_row(entry, moment, who, note)
                session.add(row)
                session.flush()
                _log(session, row, IMPORTED, who, note)
                current.append(row)
                if row.reference:
                    by_reference[row.reference] = row
                added += 1
            elif _terms(row) != _terms_of(entry) or row.provider_name != entry.provider_name:
                row.provider, row.scope = entry.provider, entry.scope
                row.valid_from, row.valid_until = entry.valid_from, entry.valid_until
                row.provider_name = entry.provider_name
                _log(session, row, UPDATED, who, note)
                updated += 1
            else:
                unchanged += 1
        return RightsImport(added=added, updated=updated, unchanged=unchanged)

    return transaction(db, work)


def remove_rights(db: Database, entry_id: int, reason: str, *, by: str | None = None) -> None:
    """Mark one agreement removed, with why and by whom; it stays in the history."""
    if not reason.strip():
        raise UsageError("removing an agreement needs a reason (--reason)")
    who = actor(by)

    def work(session: Session) -> None:
        row = session.get(RightsRow, entry_id)
        if row is None:
            raise UsageError(f"no rights register entry {entry_id} (see 'attribution rights list')")
        if row.removed_at is not None:
            raise UsageError(
                f"agreement {entry_id} was already removed on {row.removed_at:%Y-%m-%d}"
            )
        row.removed_at, row.removed_by, row.removed_reason = now(), who, reason.strip()
        _log(session, row, REMOVED, who, reason.strip())

    transaction(db, work)


def list_rights(db: Database, at: date | None = None) -> tuple[RightsEntry, ...]:
    """The agreements of the rights register, by provider: those in it now, or with
    ``at``, those it held at some time on that day (UTC), including any removed that
    day, whether or not they were in force."""
    # The table, not the entity: every check reads the register, and needs none of the
    # ORM's bookkeeping for it.
    rights = table(RightsRow)
    with db.sessions() as session:
        statement = select(rights).where(_held(at)).order_by(rights.c.provider, rights.c.id)
        return tuple(_entry(row) for row in session.execute(statement))


def rights_history(db: Database, entry_id: int | None = None) -> list[RightsChange]:
    """Every change to the register (or to one agreement), oldest first."""
    with db.sessions() as session:
        statement = select(RightsEvent).order_by(RightsEvent.at, RightsEvent.id)
        if entry_id is not None:
            statement = statement.where(RightsEvent.rights_id == entry_id)
        return [
            RightsChange(
                entry_id=event.rights_id,
                at=aware(event.at),
                action=event.action,
                entry=_entry_of_json(event.rights_id, event.entry),
                actor=event.actor,
                reason=event.reason,
            )
            for event in session.scalars(statement)
        ]


def check_scope(scope: str, where: str) -> str:
    """``scope`` when every term of it is in the scope vocabulary; :class:`UsageError`
    naming ``where`` otherwise (an agreement whose scope nobody can read covers nothing)."""
    unknown = unknown_scope_terms(scope)
    if unknown:
        raise UsageError(
            f"{where}: scope {scope!r} has unknown term(s) {', '.join(unknown)} "
            f"(use {', '.join(RIGHTS_SCOPES)})"
        )
    return scope


def parse_rights_csv(text: str, source: str) -> list[RightsEntry]:
    """Agreements from a CSV file with a header row (provider, scope, valid_from, …)."""
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or "provider" not in reader.fieldnames:
        raise UsageError(f"{source}: the first row must name the columns, including 'provider'")
    unknown = set(reader.fieldnames) - set(RIGHTS_COLUMNS) - EXPORT_COLUMNS
    if unknown:
        raise UsageError(f"{source}: unknown column(s) {', '.join(sorted(unknown))}")
    entries = []
    for line, row in enumerate(reader, start=2):
        if row.get("removed_at"):
            continue  # an exported register's removed agreements stay removed
        provider = (row.get("provider") or "").strip()
        if not provider:
            raise UsageError(f"{source}, line {line}: provider is empty")
        scope = (row.get("scope") or "any").strip() or "any"
        entry = RightsEntry(
            provider=provider,
            scope=check_scope(scope, f"{source}, line {line}"),
            valid_from=_csv_date(row.get("valid_from"), source, line, "valid_from"),
            valid_until=_csv_date(row.get("valid_until"), source, line, "valid_until"),
            reference=(row.get("reference") or "").strip() or None,
        )
        if entry.valid_from and entry.valid_until and entry.valid_until < entry.valid_from:
            raise UsageError(f"{source}, line {line}: valid_until is before valid_from")
        entries.append(entry)
    references = [entry.reference for entry in entries if entry.reference]
    repeated = sorted({ref for ref in references if references.count(ref) > 1})
    if repeated:
        raise UsageError(f"{source}: reference(s) given twice: {', '.join(repeated)}")
    return entries


def _csv_date(value: str | None, source: str, line: int, column: str) -> date | None:
    if not value or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(
            f"{source}, line {line}: {column} {value!r} is not a date (YYYY-MM-DD)"
        ) from None


def _held(at: date | None) -> ColumnElement[bool]:
    rights = table(RightsRow)
    if at is None:
        return rights.c.removed_at.is_(None)
    start = datetime.combine(at, time(), tzinfo=UTC)
    end = start + timedelta(days=1)
    return and_(
        rights.c.created_at < end,
        or_(rights.c.removed_at.is_(None), rights.c.removed_at >= start),
    )


def _new_row(entry: RightsEntry, moment: datetime, who: str | None, note: str | None) -> RightsRow:
    return RightsRow(
        provider=entry.provider,
        provider_name=entry.provider_name,
        scope=entry.scope,
        valid_from=entry.valid_from,
        valid_until=entry.valid_until,
        reference=entry.reference,
        created_at=moment,
        created_by=who,
        note=note,
    )


def _terms(row: RightsRow) -> tuple[object, ...]:
    return (row.provider, row.scope, row.valid_from, row.valid_until, row.reference)


def _terms_of(entry: RightsEntry) -> tuple[object, ...]:
    return (entry.provider, entry.scope, entry.valid_from, entry.valid_until, entry.reference)


def _log(session: Session, row: RightsRow, action: str, who: str | None, why: str | None) -> None:
    session.add(
        RightsEvent(
            rights_id=row.id,
            at=now(),
            action=action,
            actor=who,
            reason=why,
            entry={
                "provider": row.provider,
                "provider_name": row.provider_name,
                "scope": row.scope,
                "valid_from": row.valid_from.isoformat() if row.valid_from else None,
                "valid_until": row.valid_until.isoformat() if row.valid_until else None,
                "reference": row.reference,
            },
        )
    )


def _entry(row: RightsRow | Row[Any]) -> RightsEntry:
    return RightsEntry(
        provider=row.provider,
        scope=row.scope,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        reference=row.reference,
        id=row.id,
        provider_name=row.provider_name,
        added_at=aware(row.created_at),
        added_by=row.created_by,
        note=row.note,
        removed_at=aware(row.removed_at) if row.removed_at else None,
        removed_by=row.removed_by,
        removed_reason=row.removed_reason,
    )


def _entry_of_json(entry_id: int, data: dict[str, object]) -> RightsEntry:
    def day(key: str) -> date | None:
        value = data.get(key)
        return date.fromisoformat(value) if isinstance(value, str) else None

    name = data.get("provider_name")
    reference = data.get("reference")
    return RightsEntry(
        provider=str(data.get("provider", "")),
        scope=str(data.get("scope", "any")),
        valid_from=day("valid_from"),
        valid_until=day("valid_until"),
        reference=reference if isinstance(reference, str) else None,
        id=entry_id,
        provider_name=name if isinstance(name, str) else None,
    )
