"""The audit report's reading of the record, on SQLite and on a real PostgreSQL server:
streamed results, a run's findings as they stood at its end, and the commands over the
scenario of tests/auditscenario.py."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator

import pytest
from auditscenario import GETTY_CREDIT, PROFILE, AuditScenario, article, cli, figure, run_ids
from conftest import LoopbackServer, send
from imagefactory import Metadata, jpeg
from sqlalchemy import create_engine, literal, select, update

from attribution.store import Database, open_database
from attribution.store.models import Run


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = open_database(database_url, auto_upgrade=True)
    yield database
    database.close()


def test_a_reading_session_streams_rows_while_other_queries_run(db: Database) -> None:
    """A streamed statement (``yield_per``: a server-side cursor on PostgreSQL) with a
    bound parameter, and other statements run between its batches."""
    statement = select(Run.id, literal("x")).where(Run.id > 0)
    with db.reading() as session:
        rows = session.execute(statement.execution_options(yield_per=2))
        for _batch in rows.partitions():
            session.execute(select(Run.id).where(Run.id == 1)).all()
    # and with rows to stream
    with db.reading() as session:
        streamed = session.execute(select(literal(1) + 1).execution_options(yield_per=10))
        assert [tuple(row) for row in streamed] == [(2,)]


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_report_and_the_diff_read_the_record_on_each_engine(
    audit_scenario: AuditScenario,
) -> None:
    env = audit_scenario.env
    listed = json.loads(cli(env, "findings", "--status", "all", "--format", "json"))
    standing = sorted(f["id"] for f in listed if f["status"] in ("open", "waived"))
    rows = _rows(cli(env, "report", "--format", "csv"))
    assert sorted(int(row["id"]) for row in rows) == standing
    document = json.loads(cli(env, "report", "--format", "json"))
    assert len(document["findings"]) == len(standing)
    assert document["changes"] is not None
    html = cli(env, "report")
    assert html.count('<article class="finding') == len(standing)
    diff = json.loads(cli(env, "diff", "--format", "json", expect=(1,)))
    assert [entry["rule"] for entry in diff["new"]] == ["agency-not-licensed"]
    assert [entry["rule"] for entry in diff["resolved"]] == ["agency-not-licensed"]


def test_a_run_s_report_is_ordered_by_the_severity_the_run_left(
    audit_scenario: AuditScenario,
) -> None:
    """The last run made licence-not-linked an error; the report of the run before it
    shows those findings as the warnings they were then, and among the warnings: one
    section per severity, most serious first."""
    env = audit_scenario.env
    second = str(audit_scenario.runs[1])
    rows = _rows(cli(env, "report", "--run", second, "--format", "csv"))
    severities = [row["severity"] for row in rows]
    assert "warning" in severities
    rank = {"error": 0, "warning": 1, "notice": 2}
    assert severities == sorted(severities, key=rank.__getitem__)
    assert {row["severity"] for row in rows if row["rule"] == "licence-not-linked"} == {"warning"}
    html = cli(env, "report", "--run", second)
    sections = re.findall(r'<section class="severity sev-(\w+)"', html)
    assert sections == sorted(set(sections), key=rank.__getitem__)


def test_a_page_whose_pictures_are_gone_shows_none_in_the_report(database_url: str) -> None:
    """The images of a page are those of its latest reading: a page read again without
    its agency picture no longer counts that picture, nor its provider as used."""
    env = {"ATTRIBUTION_DATABASE_URL": database_url, "ATTRIBUTION_CONFIG": str(PROFILE)}
    cli(env, "db", "upgrade")
    pages = {"now": article("Story", figure("getty", "Fans.", GETTY_CREDIT))}
    server = LoopbackServer()
    server.routes["/story"] = lambda handler: send(handler, pages["now"])
    server.routes["/img/getty.jpg"] = lambda handler: send(handler, jpeg(Metadata()), "image/jpeg")
    try:
        cli(env, "check", server.url("/story"), expect=(1,))
        pages["now"] = article("Story", "<p>The picture was taken down.</p>")
        cli(env, "check", server.url("/story"))
    finally:
        server.close()
    first, _second = run_ids(env)
    now = json.loads(cli(env, "report", "--format", "json"))
    assert now["images"] == [] and now["providers"] == []
    then = json.loads(cli(env, "report", "--run", str(first), "--format", "json"))
    assert [image["provider"] for image in then["images"]] == ["Getty Images"]


def test_a_run_killed_before_it_ended_stands_where_it_stopped(
    audit_scenario: AuditScenario,
) -> None:
    """A run with no end recorded (killed, marked interrupted) is compared as of the
    last thing it recorded, not as of now (when later runs' findings stand)."""
    env = audit_scenario.env
    _first, second, third = (str(run) for run in audit_scenario.runs)
    diff = json.loads(cli(env, "diff", second, third, "--format", "json", expect=(1,)))
    report = cli(env, "report", "--run", second, "--format", "csv")
    engine = create_engine(audit_scenario.database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                update(Run)
                .where(Run.id == int(second))
                .values(status="interrupted", finished_at=None)
            )
    finally:
        engine.dispose()
    again = json.loads(cli(env, "diff", second, third, "--format", "json", expect=(1,)))
    for change in ("new", "resolved", "changed"):
        assert again[change] == diff[change], change
    assert cli(env, "report", "--run", second, "--format", "csv") == report


def test_the_diff_and_the_findings_are_the_same_read_a_row_at_a_time(
    audit_scenario: AuditScenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What changed is compared batch by batch as the rows stream (a large record's
    findings standing in both runs are never all held): batches of one give the same."""
    from attribution.app.report import diff_runs
    from attribution.records import ReportScope
    from attribution.store import reports

    first, second, third = audit_scenario.runs
    db = open_database(audit_scenario.database_url)
    try:
        whole = [diff_runs(db, ReportScope(), before, third) for before in (first, second)]
        with db.reading() as session:
            findings = list(reports.report_findings(session, ReportScope(), audit_scenario.today))
        monkeypatch.setattr(reports, "_BATCH", 1)
        assert [diff_runs(db, ReportScope(), before, third) for before in (first, second)] == whole
        with db.reading() as session:
            one = list(reports.report_findings(session, ReportScope(), audit_scenario.today))
        assert one == findings
    finally:
        db.close()
    assert [entry.change for entry in whole[1].entries] == [
        "new",
        "resolved",
        "changed",
        "changed",
        "changed",
        "changed",
    ]


def test_moments_are_shown_in_utc_whatever_the_database_session_s_time_zone(
    audit_scenario: AuditScenario,
) -> None:
    """PostgreSQL gives moments in its session's time zone (PGTZ here); the report and
    the diff, which say "UTC", show them in UTC."""
    env = audit_scenario.env
    tokyo = {**env, "PGTZ": "Asia/Tokyo"}
    assert cli(tokyo, "diff", expect=(1,)) == cli(env, "diff", expect=(1,))
    seen = re.compile(r"Seen</dt><dd>[^<]*|ended [^)]*")
    assert seen.findall(cli(tokyo, "report")) == seen.findall(cli(env, "report"))
    assert cli(tokyo, "report", "--format", "csv") == cli(env, "report", "--format", "csv")


def test_aware_gives_moments_in_utc() -> None:
    from datetime import UTC, datetime, timedelta, timezone

    from attribution.render.audit_html import environment
    from attribution.store.transactions import aware

    tokyo = datetime(2026, 12, 7, 7, 50, tzinfo=timezone(timedelta(hours=9)))
    assert aware(tokyo) == tokyo and aware(tokyo).utcoffset() == timedelta(0)
    assert aware(datetime(2026, 12, 6, 22, 50)) == datetime(2026, 12, 6, 22, 50, tzinfo=UTC)
    assert environment().filters["when"](tokyo) == "2026-12-06 22:50 UTC"
