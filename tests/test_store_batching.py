"""Recording a page costs a few set-based statements, however many images and findings
it has, and pages recorded together share them — on SQLite and on a real PostgreSQL
server."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import postgres_database
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError
from statements import counted

from attribution.errors import StorageError
from attribution.records import (
    ExtractedImage,
    Finding,
    ImageResult,
    PageResult,
    PageSource,
    Severity,
)
from attribution.store import (
    Database,
    FindingFilter,
    PageToRecord,
    list_findings,
    list_runs,
    open_database,
    page_history,
    record_page,
    record_pages,
    run_pages,
    start_run,
    transactions,
    waive,
)
from attribution.store.models import FindingEvent, FindingRow, Run
from attribution.store.transactions import insert_rows, insert_rows_keyed, table

# One statement for each table written (pages, page_fetches, images, appearances,
# findings new and seen again, finding_events, runs, run_targets) and one to read the
# page's stored findings: SQLite cannot write two tables in one statement.
MOST_STATEMENTS = 10


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = open_database(database_url, auto_upgrade=True)
    yield database
    database.close()


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
    # On PostgreSQL, many new findings take their ids from the sequence first (one
    # statement more), then are copied.
    assert len(small) <= len(large) <= min(len(small) + 1, MOST_STATEMENTS)


def test_a_re_check_costs_the_same_few_statements(db: Database) -> None:
    # The page three times, as three targets of the run (one target is recorded once).
    run = start_run(db, "check", ["a", "a again", "a once more"], {})
    record_page(db, run, story(6, ("missing-credit", "ai-generated")), position=0)
    (waived, *_) = list_findings(db)
    waive(db, str(waived.id), "agreed", date.today() + timedelta(days=1))
    # Images 0-2 gone (their findings resolved), 3-5 seen again, 6-8 new, one rule fewer.
    again = story(6, ("missing-credit",), first=3)
    with counted(db) as statements:
        record_page(db, run, again, position=1, today=date.today() + timedelta(days=5))
    assert len(statements) <= MOST_STATEMENTS
    with counted(db) as unchanged:
        record_page(db, run, again, position=2)
    assert len(unchanged) < len(statements)  # nothing new, no history to add
    resolved = list_findings(db, FindingFilter(statuses=("resolved",)))
    assert len(resolved) == 3 * 2 + 3
    assert len(list_findings(db)) == 6 + 1
    assert len(list_findings(db, FindingFilter(statuses=("waived",)))) == 0


def test_pages_recorded_together_share_the_statements(db: Database) -> None:
    urls = [f"https://news.example/{n}" for n in range(5)]
    run = start_run(db, "check", urls, {})
    # a logo on every page: one image, seen on all five
    pages = [
        PageToRecord(story(n + 1, ("missing-credit",), first=10 * n, url=url), position=n)
        for n, url in enumerate(urls)
    ]
    with counted(db) as statements:
        record_pages(db, run, pages)
    assert len(statements) <= MOST_STATEMENTS  # for all five pages
    (summary,) = [r for r in list_runs(db) if r.id == run]
    assert (summary.pages_done, summary.images) == (5, 1 + 2 + 3 + 4 + 5)
    assert (summary.errors, summary.warnings) == (15, 5)
    assert sorted(run_pages(db, run)) == sorted(urls)
    assert len(list_findings(db)) == 15 + 5
    for n, url in enumerate(urls):
        (reading,) = page_history(db, url)
        assert len(reading.images) == n + 1


def test_a_page_twice_in_one_call_is_reconciled_with_its_first_reading(db: Database) -> None:
    run = start_run(db, "check", ["a", "a"], {})
    first = story(6, ("missing-credit", "ai-generated"))
    again = story(6, ("missing-credit",), first=3)  # as in the re-check above
    record_pages(db, run, [PageToRecord(first, 0), PageToRecord(again, 1)])
    assert len(list_findings(db, FindingFilter(statuses=("resolved",)))) == 3 * 2 + 3
    assert len(list_findings(db)) == 6 + 1
    assert len(page_history(db, first.url)) == 2
    (summary,) = [r for r in list_runs(db) if r.id == run]
    assert summary.pages_done == 2


def test_pages_recorded_together_are_all_written_or_none(db: Database) -> None:
    run = start_run(db, "check", ["a", "b"], {})
    good = story(2, ("missing-credit",), url="https://news.example/good")
    # a page the database cannot hold: an integer far over 64 bits for its size
    bad = story(1, ("missing-credit",), url="https://news.example/bad")
    with pytest.raises((StorageError, OverflowError)):  # the store's or the driver's word
        record_pages(db, run, [PageToRecord(good, 0), PageToRecord(_with_size(bad, 2**70), 1)])
    assert run_pages(db, run) == []
    assert list_findings(db) == []


def _with_size(result: PageResult, size: int) -> PageResult:
    """``result`` as read from a response of ``size`` bytes."""
    source = PageSource(result.url, result.url, 200, datetime.now(UTC), "0" * 64, size)
    return replace(result, source=source)


def test_many_pages_without_a_position_are_added_to_the_run_in_order(db: Database) -> None:
    # A library caller may record any number of pages at once, none at a position of the
    # run: more than one statement can list (SQLite takes at most 500 terms in a compound
    # SELECT) still become the run's targets, in the pages' order.
    run = start_run(db, "check", [], {})
    urls = [f"https://news.example/many/{n}" for n in range(600)]
    record_pages(db, run, [PageToRecord(story(0, (), url=url)) for url in urls])
    assert run_pages(db, run) == urls
    (summary,) = [r for r in list_runs(db) if r.id == run]
    assert summary.pages_done == 600


@pytest.fixture
def copied(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows inserted at once are copied on PostgreSQL however few they are."""
    monkeypatch.setattr(transactions, "COPIED_FROM", 1)


@pytest.mark.usefixtures("copied")
def test_rows_inserted_at_once_are_refused_and_converted_as_by_an_insert(db: Database) -> None:
    # On PostgreSQL they are copied (COPY), not inserted: the database's refusal is still
    # SQLAlchemy's error (which the retrying transaction tells apart), and each value is
    # converted by its column's type, as an INSERT converts it.
    events = table(FindingEvent)
    refused = {"finding_id": 999, "at": datetime.now(UTC), "event": "found", "status": "open"}
    with pytest.raises(IntegrityError), db.sessions.begin() as session:
        insert_rows(session, events, [refused])
    run = start_run(db, "check", [], {})
    record_page(db, run, story(0, ()))  # its one finding, found
    with db.sessions.begin() as session:
        finding = session.scalars(select(FindingRow.id)).one()
        written = {**refused, "finding_id": finding, "note": "a\x00b", "run_id": run}
        insert_rows(session, events, [written, {**written, "note": None}])
    with db.sessions() as session:
        notes = session.scalars(
            select(FindingEvent.note).where(FindingEvent.run_id == run).order_by(FindingEvent.id)
        ).all()
    assert notes == [None, "ab", None]  # the event of the finding's recording first


@pytest.mark.usefixtures("copied")
def test_new_findings_take_the_next_ids_and_findings_seen_again_take_none(
    db: Database,
) -> None:
    # People type finding ids: a batch's new findings are numbered in turn (on
    # PostgreSQL the ids are taken from the sequence before the rows are copied), each
    # id is its own finding's, and a finding seen again spends no id.
    run = start_run(db, "check", [], {})
    first = story(2, ("missing-credit",), url="https://news.example/first")
    second = story(1, ("licence-not-linked",), url="https://news.example/second")
    record_pages(db, run, [PageToRecord(first), PageToRecord(second)])
    record_pages(db, run, [PageToRecord(first), PageToRecord(second)])
    record_page(db, run, story(0, (), url="https://news.example/third"))
    found = sorted(list_findings(db), key=lambda finding: finding.id)
    assert [finding.id for finding in found] == list(range(1, 7))
    assert [(finding.page_url.rsplit("/", 1)[1], finding.rule) for finding in found[:3]] == [
        ("first", "missing-credit"),
        ("first", "missing-credit"),
        ("first", "page-rule"),
    ]


@pytest.mark.usefixtures("copied")
def test_rows_inserted_at_once_take_the_defaults_set_in_python(db: Database) -> None:
    # A run's counters have defaults only in Python (none in the database): a COPY
    # leaving them out must be given them, as an INSERT is.
    runs = table(Run)
    started = datetime.now(UTC)
    row = {"kind": "check", "started_at": started, "status": "running", "targets": []}
    with db.sessions.begin() as session:
        insert_rows(session, runs, [{**row, "options": {}, "host": "h", "pid": 1}])
    (summary,) = list_runs(db)
    assert (summary.pages_done, summary.errors, summary.images) == (0, 0, 0)


@pytest.mark.usefixtures("copied")
def test_rows_whose_defaults_python_computes_are_inserted_not_copied(db: Database) -> None:
    # A COPY can be given a default that is a value, not one Python computes for each
    # row: rows of a table with such a default are inserted, and get it.
    from sqlalchemy import Column, Integer, MetaData, String, Table

    probe = Table(
        "copy_probe",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("name", String(20), nullable=False),
        Column("made", String(20), default=lambda: "in python"),
    )
    probe.create(db.engine)
    try:
        with db.sessions.begin() as session:
            insert_rows(session, probe, [{"name": "a"}, {"name": "b"}])
        with db.sessions() as session:
            assert session.execute(select(probe.c.made)).scalars().all() == ["in python"] * 2
    finally:
        probe.drop(db.engine)


def _sqlite_memory_used() -> int | None:
    """The bytes SQLite's own allocator holds in this process, where its library tells."""
    import ctypes

    try:
        import _sqlite3

        library = ctypes.CDLL(_sqlite3.__file__)
        used = library.sqlite3_memory_used
    except (ImportError, OSError, AttributeError):
        return None
    used.restype = ctypes.c_int64
    return int(used())


def test_batches_of_every_size_leave_sqlite_holding_little_memory(tmp_path: Path) -> None:
    # A batch of n pages inserts its rows in statements made for n: a check that records
    # batches of every size makes a new statement each time. SQLite keeps the statements
    # it prepared (each a program of thousands of steps for a large batch): kept by the
    # hundred, they made a long check's memory grow with its pages.
    before = _sqlite_memory_used()
    if before is None:
        pytest.skip("this SQLite library does not tell the memory it holds")
    db = open_database(f"sqlite:///{tmp_path / 'many.db'}", auto_upgrade=True)
    run = start_run(db, "check", [], {})
    before = _sqlite_memory_used() or 0
    for size in range(1, 41):
        pages = [
            story(
                5, ("missing-credit", "licence-not-linked"), url=f"https://news.example/{size}/{n}"
            )
            for n in range(size)
        ]
        record_pages(db, run, [PageToRecord(page) for page in pages])
    grown = (_sqlite_memory_used() or 0) - before
    db.close()
    assert grown < 8 * 1024 * 1024, f"SQLite holds {grown / 2**20:.1f} MiB more"


@pytest.mark.usefixtures("copied")
def test_a_listener_that_marks_each_statement_does_not_stop_rows_being_copied(
    db: Database,
) -> None:
    # Tracing integrations mark each statement's execution context; a COPY has none, so
    # it is not announced to them (it once was, with no context, and they failed).
    def mark(
        _conn: Any, _cursor: Any, _statement: str, _params: Any, context: Any, *_: Any
    ) -> None:
        context.traced = True

    event.listen(db.engine, "before_cursor_execute", mark)
    try:
        run = start_run(db, "check", [], {})
        record_page(db, run, story(3, ("missing-credit",)))
    finally:
        event.remove(db.engine, "before_cursor_execute", mark)
    assert len(list_findings(db)) == 3 + 1


@pytest.mark.usefixtures("copied")
def test_rows_whose_ids_come_from_no_sequence_of_their_own_are_inserted() -> None:
    # On PostgreSQL, ids are taken ahead only from the sequence the id column owns; where
    # it draws from another, the rows are inserted and the ids read back.
    from sqlalchemy import Column, Integer, MetaData, String, Table, text

    probe = Table(
        "probe_keyed",
        MetaData(),
        Column("id", Integer, primary_key=True, server_default=text("nextval('probe_ids')")),
        Column("name", String(20), nullable=False, unique=True),
    )
    with postgres_database() as url:
        db = open_database(url, auto_upgrade=True)
        try:
            with db.engine.begin() as connection:
                connection.execute(text("CREATE SEQUENCE probe_ids START 7"))
            probe.create(db.engine)
            with db.sessions.begin() as session:
                ids = insert_rows_keyed(session, probe, [{"name": "a"}, {"name": "b"}], "name")
        finally:
            db.close()
    assert ids == {"a": 7, "b": 8}
