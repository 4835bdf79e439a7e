"""The audit report's XLSX, CSV and JSON formats, over a record made by the installed
command: a story served on loopback (its title and a caption written as spreadsheet
formulas) checked twice, with a waiver and an agreement between the checks. Each
format is read back (openpyxl, the csv module, JSON Schema) and compared with what the
record holds. Nothing is fetched from outside the machine."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import LoopbackServer, run_cli, send
from imagefactory import Metadata, jpeg
from test_json_schemas import assert_valid

from attribution.app.report import open_report
from attribution.records import (
    DiffEntry,
    FieldChange,
    Profile,
    ReportFinding,
    ReportImage,
    ReportScope,
    RunDiff,
    Severity,
)
from attribution.render import csv as csv_format
from attribution.render import json as json_format
from attribution.render import xlsx
from attribution.render.audit import AuditReport
from attribution.render.escape import spreadsheet_safe
from attribution.serialize import diff_json
from attribution.store import open_database

PUBLICATION = "Daily Courier"
HYPERLINK = '=HYPERLINK("http://attacker.example/","Click")'
TITLE = "=cmd|' /C calc'!A0"
SHEETS = ["Summary", "Findings", "Images", "Providers", "Waivers", "Rights", "Runs"]
FORMULA_STARTS = ("=", "+", "-", "@")
JPEG = jpeg(Metadata())


# --- the record ---------------------------------------------------------------------------


def story(with_new_picture: bool) -> bytes:
    """A story: an agency picture whose caption is a formula, a Getty picture whose
    caption is another, a CC BY-NC picture, one without a credit, and on its second
    version one more picture without a credit."""
    figures = [
        ("a", f"{HYPERLINK} Photo: AP Photo/Jane Doe"),
        ("b", "@SUM(1) Photo: Getty Images"),
        ("c", "Nice view. Photo: John Smith / CC BY-NC 2.0"),
        ("d", "No credit here"),
    ]
    if with_new_picture:
        figures.append(("e", "A new picture"))
    body = "".join(
        f"<figure><img src='/img/{name}.jpg' width=800 height=600>"
        f"<figcaption>{caption}</figcaption></figure>"
        for name, caption in figures
    )
    return (
        f"<html><head><title>{TITLE}</title></head><body><article>{body}</article></body></html>"
    ).encode()


def cli(env: dict[str, str], *args: str, codes: tuple[int, ...] = (0,)) -> str:
    result = run_cli(*args, env=env)
    assert result.returncode in codes, (args, result.stdout, result.stderr)
    return result.stdout


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The database URL of the record: the story checked, a finding waived, Getty's
    agreement added, the story (with a new picture) checked again."""
    tmp = tmp_path_factory.mktemp("report-formats")
    url = f"sqlite:///{tmp}/record.db"
    profile = tmp / "attribution.toml"
    profile.write_text(f'[publication]\nname = "{PUBLICATION}"\ncommercial = true\n')
    env = {"ATTRIBUTION_DATABASE_URL": url, "ATTRIBUTION_CONFIG": str(profile)}
    cli(env, "db", "upgrade")
    server = LoopbackServer()
    version = {"new": False}

    def page(handler: BaseHTTPRequestHandler) -> None:
        send(handler, story(version["new"]))

    server.routes["/story"] = page
    for name in "abcde":
        server.routes[f"/img/{name}.jpg"] = lambda h: send(h, JPEG, "image/jpeg")
    try:
        cli(env, "check", server.url("/story"), codes=(1,))
        found = json.loads(cli(env, "findings", "--format", "json"))
        nc = next(f["id"] for f in found if f["rule"] == "nc-commercial-use")
        until = (date.today() + timedelta(days=10)).isoformat()
        cli(
            env,
            "waive",
            str(nc),
            "--reason",
            "-Licensed by phone",
            "--until",
            until,
            "--by",
            "legal",
        )
        cli(env, "rights", "add", "Getty Images", "--reference", "@G-1", "--until", "2099-12-31")
        version["new"] = True
        cli(env, "check", server.url("/story"), codes=(1,))
    finally:
        server.close()
    yield url


@pytest.fixture(scope="module")
def recorded(record: str) -> list[dict[str, Any]]:
    """The findings the report lists (open and waived), as the record gives them."""
    env = {"ATTRIBUTION_DATABASE_URL": record}
    found = json.loads(cli(env, "findings", "--status", "all", "--format", "json"))
    return [f for f in found if f["status"] in ("open", "waived")]


def rendered(record: str, render: Callable[[AuditReport], None]) -> None:
    """Render the report of the findings standing now with ``render``."""
    db = open_database(record)
    try:
        with open_report(db, Profile(publication=PUBLICATION), ReportScope()) as report:
            render(report)
    finally:
        db.close()


# --- XLSX ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workbook(record: str) -> openpyxl.Workbook:
    target = io.BytesIO()
    rendered(record, lambda report: xlsx.audit_report(report, target))
    return openpyxl.load_workbook(io.BytesIO(target.getvalue()))


def sheet_rows(workbook: openpyxl.Workbook, name: str) -> list[dict[str, Any]]:
    """A sheet's data rows, by header."""
    header, *rows = workbook[name].iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_xlsx_has_its_sheets_in_order_each_a_frozen_filtered_table(
    workbook: openpyxl.Workbook,
) -> None:
    assert workbook.sheetnames == SHEETS
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:"), sheet.title
        assert all(cell.font.bold for cell in sheet[1]), sheet.title
        assert sheet.column_dimensions["A"].width not in (None, 13.0), sheet.title
        assert sheet.auto_filter.ref.endswith(str(sheet.max_row)), sheet.title


def test_xlsx_findings_are_those_of_the_record(
    workbook: openpyxl.Workbook, recorded: list[dict[str, Any]]
) -> None:
    rows = sheet_rows(workbook, "Findings")
    shown = sorted(
        (r["Finding"], r["Rule"], r["Severity"], r["Status"], r["Page URL"]) for r in rows
    )
    expected = sorted((f["id"], f["rule"], f["severity"], f["status"], f["page"]) for f in recorded)
    assert shown == expected
    assert {r["Status"] for r in rows} == {"open", "waived"}
    waived = next(r for r in rows if r["Status"] == "waived")
    assert waived["Waiver reason"] == "'-Licensed by phone"  # a user's text is made safe too
    assert waived["Waiver by"] == "legal"
    assert isinstance(waived["Waiver until"], datetime)


def test_xlsx_moments_are_dates_in_utc(
    workbook: openpyxl.Workbook, recorded: list[dict[str, Any]]
) -> None:
    rows = {r["Finding"]: r for r in sheet_rows(workbook, "Findings")}
    for finding in recorded:
        row = rows[finding["id"]]
        for column, field in (("First seen (UTC)", "first_seen"), ("Last seen (UTC)", "last_seen")):
            assert isinstance(row[column], datetime)
            stored = datetime.fromisoformat(finding[field]).astimezone(UTC).replace(tzinfo=None)
            assert abs(row[column] - stored) < timedelta(seconds=1)  # Excel keeps milliseconds
    for sheet, column in (("Images", "Last seen (UTC)"), ("Runs", "Started (UTC)")):
        assert all(isinstance(r[column], datetime) for r in sheet_rows(workbook, sheet))
    summary = {r["Item"]: r["Value"] for r in sheet_rows(workbook, "Summary")}
    assert isinstance(summary["Generated (UTC)"], datetime)


def test_xlsx_holds_no_formula_and_page_text_that_looks_like_one_stays_text(
    workbook: openpyxl.Workbook,
) -> None:
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_STARTS), (sheet.title, cell.value)
    findings = sheet_rows(workbook, "Findings")
    agency = next(r for r in findings if r["Rule"] == "agency-not-licensed")
    assert agency["Caption as seen"] == "'" + HYPERLINK
    assert agency["Page title"] == "'" + TITLE
    captions = {r["Caption"] for r in sheet_rows(workbook, "Images")}
    assert "'@SUM(1)" in captions
    assert sheet_rows(workbook, "Rights")[0]["Reference"] == "'@G-1"


def test_xlsx_summary_counts_what_the_other_sheets_list(
    workbook: openpyxl.Workbook, recorded: list[dict[str, Any]]
) -> None:
    summary = {r["Item"]: r["Value"] for r in sheet_rows(workbook, "Summary")}
    assert summary["Publication"] == PUBLICATION
    assert summary["Scope"] == "findings standing now"
    for severity in ("error", "warning", "notice"):
        for status, label in (("open", "Open"), ("waived", "Waived")):
            count = sum(1 for f in recorded if (f["severity"], f["status"]) == (severity, status))
            assert summary[f"{label} findings: {severity}"] == count
    images = sheet_rows(workbook, "Images")
    assert summary["Images"] == len(images) == 5
    assert summary["Pages"] == 1
    assert summary["New findings since run 1 (in run 2)"] == 1  # the new picture's
    assert summary["Resolved findings since run 1 (in run 2)"] == 1  # Getty's, agreed
    assert summary["Changed findings since run 1 (in run 2)"] == 0
    assert summary["Providers used without an agreement"] == "Associated Press"
    providers = {r["Provider"]: r for r in sheet_rows(workbook, "Providers")}
    assert providers["Associated Press"]["Needs agreement"] == "yes"
    assert providers["Associated Press"]["Agreement"] == "none"
    assert "@G-1" in providers["Getty Images"]["Agreement"]
    assert [r["Expiring"] for r in sheet_rows(workbook, "Waivers")] == ["yes"]
    assert [r["Run"] for r in sheet_rows(workbook, "Runs")] == [1, 2]


# --- reports made by hand -----------------------------------------------------------------

MOMENT = datetime(2026, 11, 3, 9, 14, 7, tzinfo=UTC)


def hand_report(captions: list[str], calls: list[str] | None = None) -> AuditReport:
    """A report of one page whose images have ``captions``, each with a finding; the
    streams it opens are named in ``calls``."""
    opened = [] if calls is None else calls

    def findings() -> Iterator[ReportFinding]:
        opened.append("findings")
        for n, caption in enumerate(captions, 1):
            yield ReportFinding(
                id=n, rule="missing-credit", severity=Severity.WARNING, status="open",
                page_url="https://news.example/a", page_title="A", image_url=f"https://news.example/{n}.jpg",
                message="No credit.", fix="Credit it.", first_seen=MOMENT, last_seen=MOMENT,
                caption=caption,
            )  # fmt: skip

    def images() -> Iterator[ReportImage]:
        opened.append("images")
        for n, caption in enumerate(captions, 1):
            yield ReportImage(
                page_url="https://news.example/a", image_url=f"https://news.example/{n}.jpg",
                role="content", first_seen=MOMENT, last_seen=MOMENT, caption=caption,
            )  # fmt: skip

    return AuditReport(
        publication=None, scope=ReportScope(), generated_at=MOMENT, today=MOMENT.date(),
        trend=(), diff=None, waivers=(), expiring=(), rights=(), findings=findings,
        images=images, agreement=lambda _name: None, needs_agreement=frozenset(),
    )  # fmt: skip


def test_xlsx_cuts_text_past_the_cell_limit_and_says_so(tmp_path: Path) -> None:
    long = "x" * 40_000
    target = tmp_path / "audit.xlsx"
    xlsx.audit_report(hand_report([long, "short"]), target)  # a path, not a stream
    book = openpyxl.load_workbook(target)
    caption = sheet_rows(book, "Images")[0]["Caption"]
    assert len(caption) == xlsx.CELL_LIMIT
    assert caption.endswith("… [cut]") and caption.startswith("xxx")
    assert sheet_rows(book, "Images")[1]["Caption"] == "short"
    summary = {r["Item"]: r["Value"] for r in sheet_rows(book, "Summary")}
    assert summary["Changes since the previous run"] == "no earlier run"


def test_xlsx_cuts_by_excel_s_count_of_characters_and_keeps_control_characters_valid(
    tmp_path: Path,
) -> None:
    """Excel counts UTF-16 code units: 20,000 emoji are 40,000 of them, past its limit;
    control characters in page text still make a workbook that opens."""
    emoji = "\U0001f600" * 20_000
    controls = "a\x01\x08\x0b\x0c\x1b\x1f\x7fb _x0041_"
    target = tmp_path / "audit.xlsx"
    xlsx.audit_report(hand_report([emoji, controls]), target)
    book = openpyxl.load_workbook(target)
    images = sheet_rows(book, "Images")
    caption = images[0]["Caption"]
    assert caption.endswith("… [cut]") and caption.startswith("\U0001f600")
    assert len(caption.encode("utf-16-le")) // 2 <= xlsx.CELL_LIMIT
    assert "\ud83d" not in caption  # no half of a character
    assert images[1]["Caption"].startswith("a") and images[1]["Caption"].endswith("_x0041_")


def test_an_empty_report_is_still_every_table_with_its_header(tmp_path: Path) -> None:
    target = tmp_path / "empty.xlsx"
    xlsx.audit_report(hand_report([]), str(target))
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == SHEETS
    assert book["Findings"].auto_filter.ref == "A1:T1"
    sink = io.StringIO()
    json_format.audit_report(hand_report([]), sink)
    document = json.loads(sink.getvalue())
    assert document["findings"] == [] and document["images"] == []
    assert sink.getvalue() == json_format.dumps(document)


@pytest.mark.parametrize("name", ["xlsx", "csv", "json"])
def test_each_format_reads_each_stream_once(name: str) -> None:
    calls: list[str] = []
    report = hand_report(["a", "b"], calls)
    if name == "xlsx":
        xlsx.audit_report(report, io.BytesIO())
        assert sorted(calls) == ["findings", "images"]
    elif name == "json":
        json_format.audit_report(report, io.StringIO())
        assert sorted(calls) == ["findings", "images"]
    else:
        csv_format.audit_report(report, io.StringIO())
        assert calls == ["findings"]  # one row per finding: the images are not its rows


# --- CSV ----------------------------------------------------------------------------------


def test_csv_has_a_row_per_finding_formula_safe(
    record: str, recorded: list[dict[str, Any]]
) -> None:
    sink = io.StringIO()
    rendered(record, lambda report: csv_format.audit_report(report, sink))
    rows = list(csv.DictReader(io.StringIO(sink.getvalue())))
    assert sorted((int(r["id"]), r["rule"], r["severity"], r["page"]) for r in rows) == sorted(
        (f["id"], f["rule"], f["severity"], f["page"]) for f in recorded
    )
    for row in rows:
        assert not any(value.startswith(FORMULA_STARTS) for value in row.values()), row
        assert datetime.fromisoformat(row["first_seen"]).tzinfo is not None
    agency = next(r for r in rows if r["rule"] == "agency-not-licensed")
    assert agency["caption"] == "'" + HYPERLINK
    assert agency["page_title"] == "'" + TITLE


@pytest.mark.parametrize(
    "text",
    [
        ' =HYPERLINK("http://evil","x")',
        "\n=1+1",
        "\u00a0 +1+cmd",
        "\r\n-2+3",
        "\uff1dSUM(1)",
        "\uff20SUM(1)",
    ],
)
def test_text_that_is_a_formula_after_white_space_or_in_full_width_stays_text(
    text: str,
) -> None:
    assert spreadsheet_safe(text) == "'" + text
    assert xlsx.cell_text(text) == "'" + text


def test_plain_text_is_left_as_it_is_in_spreadsheets() -> None:
    for text in ("Photo: AP", " Photo", "a=b", "'=quoted already", ""):
        assert spreadsheet_safe(text) == text


# --- JSON ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report_text(record: str) -> str:
    sink = io.StringIO()
    rendered(record, lambda report: json_format.audit_report(report, sink))
    return sink.getvalue()


def test_json_report_matches_its_schema_and_counts_its_findings(
    report_text: str, recorded: list[dict[str, Any]]
) -> None:
    document = json.loads(report_text)
    assert_valid("report", document)
    assert report_text == json_format.dumps(document)  # as if written whole
    assert list(document)[-2:] == ["images", "findings"]
    summary, findings = document["summary"], document["findings"]
    for severity in ("error", "warning", "notice"):
        for status in ("open", "waived"):
            listed = [f for f in findings if (f["severity"], f["status"]) == (severity, status)]
            assert summary[status][severity] == len(listed)
    assert sorted(f["id"] for f in findings) == sorted(f["id"] for f in recorded)
    assert summary["images"] == len(document["images"]) == 5
    agency = next(f for f in findings if f["rule"] == "agency-not-licensed")
    assert agency["caption"] == HYPERLINK  # JSON keeps the text as the page showed it
    changes = document["changes"]
    assert (changes["before_run"], changes["after_run"]) == (1, 2)
    assert [e["rule"] for e in changes["resolved"]] == ["agency-not-licensed"]
    assert [e["rule"] for e in changes["new"]] == ["missing-credit"]
    assert [p["provider"] for p in document["providers"] if p["unlicensed"]] == ["Associated Press"]


def test_diff_json_matches_its_schema(record: str) -> None:
    diffs: list[RunDiff] = []
    rendered(record, lambda report: diffs.append(report.diff) if report.diff else None)
    changed = DiffEntry(
        change="changed", finding_id=9, rule="licence-not-linked", severity=Severity.WARNING,
        page_url="https://news.example/a", image_url=None, message="No link.",
        changes=(
            FieldChange("severity", "notice", "warning"),
            FieldChange("licence", None, "CC-BY-4.0"),
        ),
    )  # fmt: skip
    diffs.append(RunDiff(3, 4, MOMENT, MOMENT + timedelta(hours=1), (changed,)))
    for diff in diffs:
        document = json.loads(json_format.run_diff(diff))
        assert_valid("diff", document)
        assert document == diff_json(diff)
    by_hand = json.loads(json_format.run_diff(diffs[-1]))
    assert by_hand["new"] == by_hand["resolved"] == []
    assert by_hand["changed"][0]["changes"][1] == {
        "field": "licence",
        "before": None,
        "after": "CC-BY-4.0",
    }
    # The report's "changes" has the same entries, without the schema.
    report = dataclasses.replace(hand_report([]), diff=diffs[-1])
    sink = io.StringIO()
    json_format.audit_report(report, sink)
    changes = json.loads(sink.getvalue())["changes"]
    assert {"schema": "attribution.diff/1", **changes} == diff_json(diffs[-1])


@pytest.mark.parametrize("fmt", ["xlsx", "json"])
def test_a_reader_that_goes_away_ends_the_report_quietly(record: str, fmt: str) -> None:
    """``attribution report --format xlsx | head -c 10``: the workbook's writer meets a
    closed pipe; the command ends quietly, as with the text formats."""
    import os
    import subprocess

    from conftest import command

    env = {**os.environ, "ATTRIBUTION_DATABASE_URL": record}
    with subprocess.Popen(
        [*command(), "report", "--format", fmt],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.read(10)
        process.stdout.close()
        errors = process.stderr.read().decode()
        assert process.wait(timeout=60) == 0, errors
    assert errors == ""


def test_a_workbook_that_cannot_be_written_is_one_clear_line(tmp_path: Path) -> None:
    env = {"ATTRIBUTION_DATABASE_URL": f"sqlite:///{tmp_path}/empty.db"}
    assert run_cli("db", "upgrade", env=env).returncode == 0
    targets = [tmp_path / "no-such-folder" / "audit.xlsx"]
    if Path("/dev/full").exists():  # a disk that is full
        targets.append(Path("/dev/full"))
    for target in targets:
        result = run_cli("report", "--format", "xlsx", "--output", str(target), env=env)
        assert result.returncode == 2, result.stderr
        first = result.stderr.splitlines()[0]
        assert first.startswith(f"attribution: {target}: cannot be written ("), result.stderr
        assert "internal error" not in result.stderr
