"""Counting the statements a block of code sends to a database: for the tests and the
store benchmark, which check how many a page costs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from attribution.store import Database, transactions


@contextmanager
def counted(db: Database) -> Iterator[list[str]]:
    """The statements sent to the database inside the block (not BEGIN and COMMIT),
    rows copied on PostgreSQL (which the engine's events do not see) among them."""
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.split(None, 1)[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK"):
            statements.append(statement)

    copy_rows = transactions._copy_rows

    def copy_counted(session: Any, target: Any, *args: Any, **kwargs: Any) -> None:
        statements.append(f"COPY {target.name}")
        copy_rows(session, target, *args, **kwargs)

    event.listen(db.engine, "before_cursor_execute", count)
    transactions._copy_rows = copy_counted  # type: ignore[assignment]
    try:
        yield statements
    finally:
        transactions._copy_rows = copy_rows  # type: ignore[assignment]
        event.remove(db.engine, "before_cursor_execute", count)
