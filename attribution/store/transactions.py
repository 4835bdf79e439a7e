"""What every part of the store shares: the retrying transaction, the clock, and the
dialect's upsert."""

from __future__ import annotations

import getpass
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Table
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeout
from sqlalchemy.orm import Session

from attribution.errors import DatabaseUnavailable, StorageError, UsageError
from attribution.store.models import Base

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite

    from attribution.store.database import Database

T = TypeVar("T")


def now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def current_user() -> str | None:
    """The login name of whoever runs the command, recorded as who made a change."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


def actor(by: str | None) -> str | None:
    """Who made a change: the name given (``--by``), else the login name."""
    if by is not None and not by.strip():
        raise UsageError("--by needs a name")
    return by.strip()[:255] if by else current_user()


def aware(moment: datetime) -> datetime:
    """``moment`` in UTC: SQLite gives back naive datetimes (stored in UTC), PostgreSQL
    gives them in its session's time zone, which need not be UTC."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def table(model: type[Base]) -> Table:
    """The table of ``model``, for set-based statements that skip the ORM's bookkeeping."""
    return Base.metadata.tables[model.__tablename__]


def upsert(session: Session, target: Table) -> sqlite.Insert | postgresql.Insert:
    """An INSERT into ``target`` that can take ``ON CONFLICT`` clauses, in the dialect of
    the session's database (SQLite or PostgreSQL)."""
    # Each dialect's module is loaded only for its own database.
    if session.get_bind().dialect.name == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.insert(target)
    from sqlalchemy.dialects import postgresql

    return postgresql.insert(target)


def transaction(db: Database, work: Callable[[Session], T], attempts: int = 4) -> T:
    """Run ``work`` in one transaction, retrying when a concurrent writer got in first.

    What the database refuses (a value it cannot hold) is a :class:`StorageError` with
    the driver's first line, a database that cannot be reached (or not in time) a
    :class:`DatabaseUnavailable`; the transaction is rolled back.
    """
    for attempt in range(attempts):
        try:
            with db.sessions.begin() as session:
                return work(session)
        except IntegrityError:
            if attempt == attempts - 1:
                raise
        except OperationalError as error:
            if not _worth_retrying(error) or attempt == attempts - 1:
                raise DatabaseUnavailable(f"database: {_first_line(error)}") from None
        except DBAPIError as error:
            raise StorageError(f"database refused the change: {_first_line(error)}") from None
        except SQLAlchemyTimeout as error:  # every pooled connection in use, for too long
            raise DatabaseUnavailable(f"database: {error}".splitlines()[0]) from None
        time.sleep(0.05 * (attempt + 1))
    raise StorageError("database: too many conflicting writers")  # pragma: no cover


# PostgreSQL's SQLSTATEs of a transaction that lost to a concurrent one: a deadlock
# (which it broke by ending this one) and a serialization failure. Tried again.
_CONCURRENT_LOSSES = frozenset({"40P01", "40001"})


def _worth_retrying(error: OperationalError) -> bool:
    """Whether the transaction failed only because another writer got in its way: a
    SQLite database locked a moment, a PostgreSQL deadlock or serialization failure."""
    if getattr(error.orig, "sqlstate", None) in _CONCURRENT_LOSSES:
        return True
    return "locked" in str(error.orig).lower()


def _first_line(error: DBAPIError) -> str:
    lines = str(error.orig).strip().splitlines()
    return lines[0].strip() if lines else type(error.orig).__name__
