"""What audit reports read from the record, over the audit scenario (tests/auditscenario.py)
made by the installed command, on SQLite and on PostgreSQL: the findings of a scope
with their evidence, the images of its pages, and what changed between two runs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from auditscenario import (
    AP_CREDIT,
    AP_CREDIT_ADDED,
    BY_CREDIT,
    EXPIRING_DAYS,
    EXPIRING_REASON,
    FORMULA_CREDIT,
    GETTY_CREDIT,
    NC_CREDIT,
    NC_CREDIT_RENAMED,
    ONERROR_CAPTION,
    REUTERS_CREDIT,
    SCRIPT_CAPTION,
    STAFF_CREDIT,
    WAIVER_REASON,
    AuditScenario,
)
from conftest import run_cli
from sqlalchemy import update

from attribution.app.report import diff_runs, open_report
from attribution.config import load_profile
from attribution.errors import UsageError
from attribution.records import FieldChange, ReportFinding, ReportImage, ReportScope, Severity
from attribution.render.audit import AuditTally
from attribution.store import open_database
from attribution.store.models import FindingRow
from attribution.store.reports import compared_runs, report_findings, report_images, run_diff

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from attribution.store import Database

# (rule, picture) of every finding the scenario leaves standing, and its status.
STANDING = {
    ("agency-not-licensed", "ap"): "open",
    ("agency-not-licensed", "ap2"): "open",
    ("nc-commercial-use", "nc"): "open",
    ("attribution-incomplete", "nc"): "open",
    ("licence-not-linked", "nc"): "open",
    ("licence-not-linked", "by"): "open",
    ("attribution-incomplete", "by"): "waived",
    ("unparsed-credit", "formula"): "waived",
}


def test_rows_stream_in_batches_with_parameters(database_url: str) -> None:
    """A streamed read (a server-side cursor on PostgreSQL) takes the same placeholders
    as any other statement."""
    from sqlalchemy import select

    from attribution.store import upgrade
    from attribution.store.database import make_engine
    from attribution.store.models import Run

    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    db = open_database(database_url)
    try:
        with db.reading() as reading:
            rows = reading.execute(select(Run.id).where(Run.id > 0).execution_options(yield_per=9))
            assert list(rows) == []
    finally:
        db.close()


@pytest.fixture
def record(audit_scenario: AuditScenario) -> Iterator[Database]:
    """The scenario's database, opened."""
    db = open_database(audit_scenario.database_url)
    yield db
    db.close()


@pytest.fixture
def session(record: Database) -> Iterator[Session]:
    """A reading session over the scenario's record."""
    with record.reading() as reading:
        yield reading


def picture(url: str | None) -> str | None:
    """A picture's name in the scenario (``ap`` for …/img/ap.jpg)."""
    return url.rsplit("/", 1)[1].removesuffix(".jpg") if url else None


def keyed(findings: Iterator[ReportFinding]) -> dict[tuple[str, str | None], ReportFinding]:
    """Report findings by (rule, picture), each once."""
    listed = list(findings)
    by_key = {(f.rule, picture(f.image_url)): f for f in listed}
    assert len(by_key) == len(listed)
    return by_key


def listed(session: Session, scenario: AuditScenario, **scope: Any) -> dict[Any, ReportFinding]:
    """The report's findings of a scope, by (rule, picture)."""
    return keyed(report_findings(session, ReportScope(**scope), scenario.today))


# --- the findings of a scope ------------------------------------------------------------


def test_the_findings_standing_now_are_the_open_and_waived_ones(
    audit_scenario: AuditScenario, session: Session
) -> None:
    everything = json.loads(
        run_cli("findings", "--status", "all", "--format", "json", env=audit_scenario.env).stdout
    )
    standing = {f["id"] for f in everything if f["status"] in ("open", "waived")}
    found = list(report_findings(session, ReportScope(), audit_scenario.today))
    assert {f.id for f in found} == standing
    assert {(f.rule, picture(f.image_url)): f.status for f in found} == STANDING
    # most serious first, then by rule and page
    ranks = [f.severity.rank for f in found]
    assert ranks == sorted(ranks, reverse=True)
    errors = [(f.rule, f.page_url) for f in found if f.severity is Severity.ERROR]
    assert errors == sorted(errors)


def test_the_statuses_asked_for(audit_scenario: AuditScenario, session: Session) -> None:
    resolved = listed(session, audit_scenario, statuses=("resolved",))
    assert list(resolved) == [("agency-not-licensed", "getty")]
    waived = listed(session, audit_scenario, statuses=("waived",))
    assert set(waived) == {key for key, status in STANDING.items() if status == "waived"}


def test_a_section_and_a_page_pattern(audit_scenario: AuditScenario, session: Session) -> None:
    sport = {key for key in STANDING if key[1] in ("ap2", "by")}
    assert set(listed(session, audit_scenario, section="/sport/")) == sport
    assert set(listed(session, audit_scenario, page="*sport*")) == sport
    assert set(listed(session, audit_scenario, page="*/sport/match.*")) == sport
    assert set(listed(session, audit_scenario, page="match.html")) == sport  # text, no glob
    news = set(STANDING) - sport
    assert set(listed(session, audit_scenario, section="/news/")) == news
    whole = audit_scenario.base + "/news/"
    assert set(listed(session, audit_scenario, section=whole)) == news
    gallery = listed(session, audit_scenario, section="/news/", page="*gallery*")
    assert set(gallery) == {("unparsed-credit", "formula")}
    # A section is the start of the path, not text anywhere in the URL.
    assert listed(session, audit_scenario, section="/harbour") == {}
    assert listed(session, audit_scenario, page="*/nowhere/*") == {}


def test_the_days_a_finding_was_seen(audit_scenario: AuditScenario, record: Database) -> None:
    today = audit_scenario.today
    long_ago = datetime.combine(today - timedelta(days=40), datetime.min.time(), tzinfo=UTC)
    with record.sessions.begin() as writing:  # the AP finding was last seen forty days ago
        writing.execute(
            update(FindingRow)
            .where(FindingRow.image_id.in_(_image_id(writing, audit_scenario.image("ap"))))
            .values(first_seen=long_ago, last_seen=long_ago + timedelta(days=1))
        )
    old = ("agency-not-licensed", "ap")
    with record.reading() as session:
        assert set(listed(session, audit_scenario, since=today)) == set(STANDING) - {old}
        assert set(listed(session, audit_scenario, until=today - timedelta(days=30))) == {old}
        # inclusive at both ends
        around = listed(
            session,
            audit_scenario,
            since=today - timedelta(days=39),
            until=today - timedelta(days=39),
        )
        assert set(around) == {old}
        assert listed(session, audit_scenario, since=today + timedelta(days=1)) == {}
        assert set(listed(session, audit_scenario, until=today)) == set(STANDING)


def _image_id(session: Session, url: str) -> Any:
    from sqlalchemy import select

    from attribution.store.models import Image

    return select(Image.id).where(Image.url == url)


def test_the_findings_of_an_earlier_run(audit_scenario: AuditScenario, session: Session) -> None:
    """Scoped to the second run: the Getty finding resolved in the third still stands,
    the AP picture added in the third is not there yet, and severities, captions and
    credits are what they were then."""
    first, second, third = audit_scenario.runs
    then = listed(session, audit_scenario, run_id=second)
    expected = set(STANDING) - {("agency-not-licensed", "ap2")} | {("agency-not-licensed", "getty")}
    assert set(then) == expected
    getty = then[("agency-not-licensed", "getty")]
    assert (getty.status, getty.credit_text, getty.provider) == (
        "open",
        GETTY_CREDIT,
        "Getty Images",
    )
    assert then[("licence-not-linked", "by")].severity is Severity.WARNING
    assert then[("nc-commercial-use", "nc")].credit_text == NC_CREDIT
    # The first run came before the waivers.
    at_first = listed(session, audit_scenario, run_id=first)
    assert set(at_first) == expected
    assert {f.status for f in at_first.values()} == {"open"}
    now = listed(session, audit_scenario, run_id=third)
    assert set(now) == set(STANDING)
    assert now[("licence-not-linked", "by")].severity is Severity.ERROR
    assert now[("nc-commercial-use", "nc")].credit_text == NC_CREDIT_RENAMED


def test_an_earlier_run_lists_its_most_serious_findings_first(
    audit_scenario: AuditScenario, session: Session
) -> None:
    """The order goes by the severity each finding had then (licence-not-linked was a
    warning before the strict profile), as the severity shown does."""
    found = list(
        report_findings(session, ReportScope(run_id=audit_scenario.runs[1]), audit_scenario.today)
    )
    ranks = [f.severity.rank for f in found]
    assert ranks == sorted(ranks, reverse=True), [(f.rule, f.severity.value) for f in found]


def test_a_run_not_in_the_record(audit_scenario: AuditScenario, session: Session) -> None:
    with pytest.raises(UsageError, match="no run 999"):
        list(report_findings(session, ReportScope(run_id=999), audit_scenario.today))


def test_each_finding_carries_its_evidence(audit_scenario: AuditScenario, session: Session) -> None:
    found = listed(session, audit_scenario)
    ap = found[("agency-not-licensed", "ap")]
    assert (ap.caption, ap.credit_text, ap.provider, ap.licence) == (
        "Summit talks.",
        AP_CREDIT,
        "Associated Press",
        None,
    )
    assert (ap.page_url, ap.page_title) == (audit_scenario.pages["harbour"], "Harbour talks")
    assert ap.image_url == audit_scenario.image("ap")
    assert ap.fix and "rights register" in ap.fix and ap.corrected_line is None
    assert ap.first_seen <= ap.last_seen
    nc = found[("nc-commercial-use", "nc")]
    assert (nc.credit_text, nc.licence, nc.provider) == (NC_CREDIT_RENAMED, "CC-BY-NC-2.0", None)
    incomplete = found[("attribution-incomplete", "nc")]
    assert incomplete.corrected_line is not None
    assert incomplete.corrected_line.startswith("Photo: Jon Smyth")
    assert "https://creativecommons.org/licenses/by-nc/2.0/" in incomplete.corrected_line
    assert incomplete.corrected_html and 'rel="license"' in incomplete.corrected_html
    linked = found[("licence-not-linked", "by")]
    assert linked.corrected_line is None and linked.corrected_html  # an example in HTML
    # Hostile text is kept as the page showed it, for the renderers to escape.
    formula = found[("unparsed-credit", "formula")]
    assert formula.caption == f"{SCRIPT_CAPTION} {ONERROR_CAPTION} Boats."
    assert formula.credit_text == FORMULA_CREDIT


def test_waived_findings_carry_their_waiver(
    audit_scenario: AuditScenario, session: Session
) -> None:
    found = listed(session, audit_scenario)
    formula = found[("unparsed-credit", "formula")]
    assert (formula.waiver_reason, formula.waiver_until, formula.waiver_by) == (
        WAIVER_REASON,
        None,
        "J. Smith",
    )
    by = found[("attribution-incomplete", "by")]
    assert (by.waiver_reason, by.waiver_by) == (EXPIRING_REASON, "legal")
    assert by.waiver_until == audit_scenario.today + timedelta(days=EXPIRING_DAYS)
    assert all(f.waiver_reason is None for f in found.values() if f.status == "open")


# --- the images of a scope ------------------------------------------------------------


def images(session: Session, **scope: Any) -> list[ReportImage]:
    return list(report_images(session, ReportScope(**scope)))


def test_one_row_per_image_per_page_from_the_latest_reading(
    audit_scenario: AuditScenario, session: Session
) -> None:
    rows = images(session)
    pages = audit_scenario.pages
    assert [(row.page_url, picture(row.image_url)) for row in rows] == [
        (pages["gallery"], "rt"),
        (pages["gallery"], "formula"),
        (pages["harbour"], "ap"),
        (pages["harbour"], "nc"),
        (pages["harbour"], "staff"),
        (pages["final"], "staff3"),  # the Getty picture was replaced
        (pages["match"], "by"),
        (pages["match"], "staff2"),
        (pages["match"], "ap2"),
    ]
    by_name = {picture(row.image_url): row for row in rows}
    rt = by_name["rt"]
    assert (rt.caption, rt.credit_text, rt.provider, rt.credit_kind, rt.creator) == (
        f"{SCRIPT_CAPTION} Crowds.",
        REUTERS_CREDIT,
        "Reuters",
        "agency",
        "Tom Lee",
    )
    assert by_name["nc"].credit_text == NC_CREDIT_RENAMED
    assert (by_name["by"].licence, by_name["by"].credit_text) == ("CC-BY-4.0", BY_CREDIT)
    assert (by_name["staff"].credit_kind, by_name["staff"].credit_text) == ("staff", STAFF_CREDIT)
    assert by_name["ap2"].credit_text == AP_CREDIT_ADDED
    assert by_name["ap"].first_seen < by_name["ap2"].first_seen
    assert all(row.role for row in rows)


def test_the_images_of_a_section_and_of_an_earlier_run(
    audit_scenario: AuditScenario, session: Session
) -> None:
    sport = [picture(row.image_url) for row in images(session, section="/sport/")]
    assert sport == ["staff3", "by", "staff2", "ap2"]
    then = {picture(row.image_url): row for row in images(session, run_id=audit_scenario.runs[1])}
    assert set(then) == {"rt", "formula", "ap", "nc", "staff", "getty", "by", "staff2"}
    assert then["nc"].credit_text == NC_CREDIT


# --- what changed between two runs -----------------------------------------------------


def test_what_changed_between_the_last_two_runs(
    audit_scenario: AuditScenario, session: Session
) -> None:
    _, second, third = audit_scenario.runs
    diff = run_diff(session, second, third, ReportScope())
    assert (diff.before, diff.after) == (second, third)
    assert diff.before_ended <= diff.after_ended
    assert [(e.rule, picture(e.image_url)) for e in diff.of("new")] == [
        ("agency-not-licensed", "ap2")
    ]
    assert diff.of("new")[0].page_url == audit_scenario.pages["match"]
    assert [(e.rule, picture(e.image_url)) for e in diff.of("resolved")] == [
        ("agency-not-licensed", "getty")
    ]
    credit = FieldChange("credit", NC_CREDIT, NC_CREDIT_RENAMED)
    severity = FieldChange("severity", "warning", "error")
    changed = {(e.rule, picture(e.image_url)): e.changes for e in diff.of("changed")}
    assert changed == {
        ("licence-not-linked", "nc"): (severity, credit),
        ("licence-not-linked", "by"): (severity,),
        ("nc-commercial-use", "nc"): (credit,),
        ("attribution-incomplete", "nc"): (credit,),
    }
    assert [e.change for e in diff.entries] == ["new", "resolved"] + ["changed"] * 4
    assert {e.severity for e in diff.of("changed") if e.rule == "licence-not-linked"} == {
        Severity.ERROR
    }


def test_what_changed_in_a_section(audit_scenario: AuditScenario, session: Session) -> None:
    _, second, third = audit_scenario.runs
    diff = run_diff(session, second, third, ReportScope(section="/news/"))
    assert diff.of("new") == () and diff.of("resolved") == ()
    assert {picture(e.image_url) for e in diff.of("changed")} == {"nc"}


def test_nothing_changed_between_the_first_two_runs(
    audit_scenario: AuditScenario, session: Session
) -> None:
    """A waiver is not a change of the findings' facts, and the second run saw the same
    pages."""
    first, second, _ = audit_scenario.runs
    assert run_diff(session, first, second, ReportScope()).entries == ()


def test_the_runs_compared_by_default(audit_scenario: AuditScenario, session: Session) -> None:
    first, second, third = audit_scenario.runs
    assert compared_runs(session) == (second, third)  # the last two scans
    assert compared_runs(session, third) == (second, third)
    assert compared_runs(session, second) == (first, second)  # no scan before: any run
    assert compared_runs(session, first) is None
    with pytest.raises(UsageError, match="no run 999"):
        compared_runs(session, 999)


def test_a_run_compared_with_itself_or_missing(
    audit_scenario: AuditScenario, session: Session, record: Database
) -> None:
    _, second, third = audit_scenario.runs
    with pytest.raises(UsageError, match="compared with itself"):
        run_diff(session, third, third, ReportScope())
    with pytest.raises(
        UsageError, match=f"give the earlier run first .attribution diff {second} {third}"
    ):
        run_diff(session, third, second, ReportScope())
    with pytest.raises(UsageError, match="no run 999"):
        run_diff(session, second, 999, ReportScope())
    with pytest.raises(UsageError, match="no run 999"):
        run_diff(session, 999, third, ReportScope())
    with pytest.raises(UsageError, match="no run 999"):
        diff_runs(record, ReportScope(), before=999)
    assert diff_runs(record, ReportScope()).after == third


# --- the report as a whole ------------------------------------------------------------


def test_the_report_names_providers_without_an_agreement(
    audit_scenario: AuditScenario, record: Database
) -> None:
    """AP's pictures need an agreement and the register has none; Reuters' are covered
    by the agreement recorded before the first run."""
    profile = load_profile(audit_scenario.profile)
    with open_report(record, profile, ReportScope()) as report:
        tally = AuditTally()
        for finding in report.findings():
            tally.add_finding(finding)
        for image in report.images():
            tally.add_image(image)
        uses = {use.name: use for use in report.provider_uses(tally)}
        assert report.diff is not None and report.diff.after == audit_scenario.runs[2]
        assert [w.reason for w in report.expiring] == [EXPIRING_REASON]
        assert {w.reason for w in report.waivers} == {EXPIRING_REASON, WAIVER_REASON}
    assert uses["Associated Press"].unlicensed
    assert (uses["Associated Press"].images, uses["Associated Press"].pages) == (2, 2)
    assert uses["Associated Press"].errors == 2
    reuters = uses["Reuters"]
    assert not reuters.unlicensed and reuters.needs_agreement
    assert reuters.agreement is not None and reuters.agreement.reference == "RT-2026-1"
    assert next(iter(uses)) == "Associated Press"  # the unlicensed first
    assert tally.findings == len(STANDING)
    assert sum(tally.waived.values()) == 2
