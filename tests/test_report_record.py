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
from auditscenario import AuditScenario, cli
from sqlalchemy import literal, select

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
