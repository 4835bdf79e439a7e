"""The rights register: agreements with agencies and other providers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from attribution.errors import UsageError
from attribution.records import RightsEntry
from attribution.store.database import Database
from attribution.store.models import RightsRow
from attribution.store.transactions import now, transaction

RIGHTS_COLUMNS = ("provider", "scope", "valid_from", "valid_until", "reference")


def add_rights(db: Database, entry: RightsEntry) -> RightsEntry:
    """Add an agreement to the rights register."""

    def work(session: Session) -> int:
        row = _rights_row(entry, now())
        session.add(row)
        session.flush()
        return row.id

    return replace(entry, id=transaction(db, work))


def _rights_row(entry: RightsEntry, moment: datetime) -> RightsRow:
    return RightsRow(
        provider=entry.provider,
        scope=entry.scope,
        valid_from=entry.valid_from,
        valid_until=entry.valid_until,
        reference=entry.reference,
        created_at=moment,
    )


def list_rights(db: Database) -> tuple[RightsEntry, ...]:
    """Every agreement in the rights register, by provider."""
    with db.sessions() as session:
        rows = session.scalars(select(RightsRow).order_by(RightsRow.provider, RightsRow.id))
        return tuple(
            RightsEntry(
                provider=row.provider,
                scope=row.scope,
                valid_from=row.valid_from,
                valid_until=row.valid_until,
                reference=row.reference,
                id=row.id,
            )
            for row in rows
        )


def remove_rights(db: Database, entry_id: int) -> None:
    """Remove one agreement from the rights register."""

    def work(session: Session) -> int:
        row = session.get(RightsRow, entry_id)
        if row is None:
            return 0
        session.execute(delete(RightsRow).where(RightsRow.id == entry_id))
        return 1

    if not transaction(db, work):
        raise UsageError(f"no rights register entry {entry_id} (see 'attribution rights list')")


def parse_rights_csv(text: str, source: str) -> list[RightsEntry]:
    """Agreements from a CSV file with a header row (provider, scope, valid_from, …)."""
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or "provider" not in reader.fieldnames:
        raise UsageError(f"{source}: the first row must name the columns, including 'provider'")
    unknown = set(reader.fieldnames) - set(RIGHTS_COLUMNS)
    if unknown:
        raise UsageError(f"{source}: unknown column(s) {', '.join(sorted(unknown))}")
    entries = []
    for line, row in enumerate(reader, start=2):
        provider = (row.get("provider") or "").strip()
        if not provider:
            raise UsageError(f"{source}, line {line}: provider is empty")
        entries.append(
            RightsEntry(
                provider=provider,
                scope=(row.get("scope") or "any").strip() or "any",
                valid_from=_csv_date(row.get("valid_from"), source, line, "valid_from"),
                valid_until=_csv_date(row.get("valid_until"), source, line, "valid_until"),
                reference=(row.get("reference") or "").strip() or None,
            )
        )
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


def import_rights(db: Database, entries: Iterable[RightsEntry]) -> int:
    """Add many agreements in one transaction; returns how many."""
    entries = list(entries)

    def work(session: Session) -> int:
        moment = now()
        session.add_all(_rights_row(entry, moment) for entry in entries)
        return len(entries)

    return transaction(db, work)
