"""Recording a page costs a few set-based statements, however many images and findings
it has — on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from attribution.records import ExtractedImage, Finding, ImageResult, PageResult, Severity
from attribution.store import (
    Database,
    FindingFilter,
    list_findings,
    open_database,
    record_page,
    start_run,
    waive,
)

# One statement for each table written (pages, page_fetches, images, appearances,
# findings new and seen again, finding_events, runs, run_targets) and one to read the
# page's stored findings: SQLite cannot write two tables in one statement.
MOST_STATEMENTS = 10


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = open_database(database_url, auto_upgrade=True)
    yield database
    database.close()


@contextmanager
def counted(db: Database) -> Iterator[list[str]]:
    """The statements sent to the database inside the block (not BEGIN and COMMIT)."""
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.split(None, 1)[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def story(
    images: int, rules: tuple[str, ...], *, first: int = 0, url: str = "https://news.example/a"
) -> PageResult:
    """A page of ``images`` images, each with a finding of every rule, and one
    page-level finding."""
    return PageResult(
        url=url,
        title="A story",
        images=tuple(
            ImageResult(
                ExtractedImage(src=f"https://cdn.example/{n}.jpg", caption="c", credit="Jane"),
                None,
                tuple(Finding(rule, Severity.ERROR, f"{rule} on {n}", "fix") for rule in rules),
            )
            for n in range(first, first + images)
        ),
        findings=(Finding("page-rule", Severity.WARNING, "on the page"),),
    )


def test_a_page_costs_the_same_few_statements_whatever_its_size(db: Database) -> None:
    run = start_run(db, "check", ["a", "b"], {})
    with counted(db) as small:
        record_page(db, run, story(3, ("missing-credit", "ai-generated")), position=0)
    with counted(db) as large:
        rules = ("missing-credit", "ai-generated", "licence-not-linked")
        bigger = story(40, rules, first=100, url="https://news.example/b")
        record_page(db, run, bigger, position=1)
    assert len(small) == len(large) <= MOST_STATEMENTS


def test_a_re_check_costs_the_same_few_statements(db: Database) -> None:
    run = start_run(db, "check", ["a"], {})
    record_page(db, run, story(6, ("missing-credit", "ai-generated")), position=0)
    (waived, *_) = list_findings(db)
    waive(db, str(waived.id), "agreed", date.today() + timedelta(days=1))
    # Images 0-2 gone (their findings resolved), 3-5 seen again, 6-8 new, one rule fewer.
    again = story(6, ("missing-credit",), first=3)
    with counted(db) as statements:
        record_page(db, run, again, position=0, today=date.today() + timedelta(days=5))
    assert len(statements) <= MOST_STATEMENTS
    with counted(db) as unchanged:
        record_page(db, run, again, position=0)
    assert len(unchanged) < len(statements)  # nothing new, no history to add
    resolved = list_findings(db, FindingFilter(statuses=("resolved",)))
    assert len(resolved) == 3 * 2 + 3
    assert len(list_findings(db)) == 6 + 1
    assert len(list_findings(db, FindingFilter(statuses=("waived",)))) == 0
