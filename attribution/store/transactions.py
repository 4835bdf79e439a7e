"""What every part of the store shares: the retrying transaction, the clock, and the
dialect's upsert."""

from __future__ import annotations

import getpass
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Table, func, select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeout
from sqlalchemy.orm import Session
from sqlalchemy.sql.schema import ScalarElementColumnDefault

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


def on_postgres(session: Session) -> bool:
    """Whether the session's database is PostgreSQL (else SQLite)."""
    return session.get_bind().dialect.name == "postgresql"


def upsert(session: Session, target: Table) -> sqlite.Insert | postgresql.Insert:
    """An INSERT into ``target`` that can take ``ON CONFLICT`` clauses, in the dialect of
    the session's database (SQLite or PostgreSQL)."""
    # Each dialect's module is loaded only for its own database.
    if session.get_bind().dialect.name == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.insert(target)
    from sqlalchemy.dialects import postgresql

    return postgresql.insert(target)


def insert_rows(session: Session, target: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (dictionaries with the same keys) into ``target`` at once.

    On PostgreSQL (with psycopg), when they are many (:data:`COPIED_FROM`), they are
    copied, ``COPY ... FROM STDIN``: one statement however many rows, where an insert
    without RETURNING is sent as one execution a row, each parsed on the client and
    executed on its own by the server."""
    if not rows:
        return
    if _copies(session, target, rows):
        _copy_rows(session, target, rows)
    else:
        session.execute(target.insert(), rows)


def insert_rows_keyed(
    session: Session, target: Table, rows: Sequence[Mapping[str, Any]], key: str
) -> dict[Any, int]:
    """Insert ``rows`` into ``target`` as :func:`insert_rows` does; the id each row was
    given, by its value of the column ``key`` (unique among the rows).

    On PostgreSQL, when they are many, the ids are taken from the table's sequence
    first, all in one statement, and the rows copied with them: a multi-row INSERT ...
    RETURNING of a batch of pages' findings had thousands of placeholders to send and
    parse."""
    if not rows:
        return {}
    if not _copies(session, target, rows):
        return _inserted_returning(session, target, rows, key)
    sequence = func.pg_get_serial_sequence(target.name, "id")
    taken = select(func.nextval(sequence)).select_from(func.generate_series(1, len(rows)))
    ids = list(session.scalars(taken))
    if None in ids:  # the ids are drawn from no sequence of the column's own
        return _inserted_returning(session, target, rows, key)
    _copy_rows(session, target, rows, ids)
    return {row[key]: ident for row, ident in zip(rows, ids, strict=True)}


def _inserted_returning(
    session: Session, target: Table, rows: Sequence[Mapping[str, Any]], key: str
) -> dict[Any, int]:
    """Insert ``rows`` in one statement; the id each was given, by its ``key``."""
    returned = session.execute(target.insert().returning(target.c[key], target.c.id), rows)
    return {value: ident for value, ident in returned}


# The fewest rows copied rather than inserted: a COPY waits on the server twice (to
# start, and for the rows to be written), and taking ids from the sequence once more,
# where an insert of a few rows (a page's) waits once.
COPIED_FROM = 100


def _copies(session: Session, target: Table, rows: Sequence[Mapping[str, Any]]) -> bool:
    """Whether ``rows`` are copied into the session's database (PostgreSQL with psycopg)
    rather than inserted: when they are many, and every default an INSERT would add in
    Python for a column they leave out is a plain value that the COPY can be given."""
    dialect = session.get_bind().dialect
    if len(rows) < COPIED_FROM or dialect.name != "postgresql" or dialect.driver != "psycopg":
        return False
    return _python_defaults(target, list(rows[0])) is not None


def _copy_rows(
    session: Session,
    target: Table,
    rows: Sequence[Mapping[str, Any]],
    ids: Sequence[int] | None = None,
) -> None:
    """``COPY`` the rows (with ``ids``, when given) into ``target`` on the session's
    connection, in its transaction, each value converted by its column's type as an
    INSERT would convert it. The driver's errors are raised as SQLAlchemy's, as a
    statement's would be."""
    import psycopg

    dialect = session.get_bind().dialect
    given = list(rows[0])
    defaults = _python_defaults(target, given)
    assert defaults is not None  # (see _copies)
    names = [*(["id"] if ids is not None else []), *given, *defaults]
    convert = [target.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]
    converting = [(place, process) for place, process in enumerate(convert) if process]
    fixed = list(defaults.values())
    quote = dialect.identifier_preparer
    statement = (
        f"COPY {quote.format_table(target)} ({', '.join(map(quote.quote, names))}) FROM STDIN"
    )
    connection = session.connection()
    raw: Any = connection.connection.driver_connection
    try:
        # Not announced to the engine's statement events: their listeners (tracing
        # integrations among them) expect an execution context, which a COPY has none of.
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for number, row in enumerate(rows):
                values = [row[name] for name in given] + fixed
                if ids is not None:
                    values.insert(0, ids[number])
                for place, process in converting:
                    values[place] = process(values[place])
                copy.write_row(values)
    except psycopg.Error as failure:
        error: Any = failure  # SQLAlchemy types it as its own view of a driver's error
        lost = dialect.is_disconnect(error, raw, None)
        if lost:
            connection.invalidate(error)
        raise DBAPIError.instance(
            statement, None, error, psycopg.Error, connection_invalidated=lost, dialect=dialect
        ) from error


def _python_defaults(target: Table, given: Sequence[str]) -> dict[str, Any] | None:
    """The columns of ``target`` not ``given`` whose default is set in Python, with its
    value: an INSERT adds them, a COPY must be told (a default set in the database, the
    COPY leaves to the database). None when one of them is computed for each row (a
    function, an SQL expression), which a COPY cannot be given."""
    defaults: dict[str, Any] = {}
    for column in target.columns:
        if column.name in given or column.default is None:
            continue
        if not isinstance(column.default, ScalarElementColumnDefault):
            return None
        defaults[column.name] = column.default.arg
    return defaults


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
