"""The CSV format: one table per kind of record, every cell safe for spreadsheets."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from attribution.render.audit_table import FINDING_COLUMNS as AUDIT_FINDING_COLUMNS
from attribution.render.audit_table import finding_row
from attribution.render.escape import spreadsheet_safe
from attribution.render.report import render_whole
from attribution.serialize import (
    rights_change_json,
    rights_json,
    stored_finding_json,
    waiver_json,
)

if TYPE_CHECKING:
    from attribution.records import PageResult, RightsChange, RightsEntry, StoredFinding, Waiver
    from attribution.render.audit import AuditReport
    from attribution.render.audit_table import Value
    from attribution.render.report import CheckReport, Sink

CHECK_COLUMNS = (
    "page", "page_title", "image", "role", "caption", "credit", "creator", "provider", "licence",
    "kind", "rule", "severity", "message", "fix",
)  # fmt: skip
FINDING_COLUMNS = (
    "id", "identity", "rule", "severity", "status", "page", "image", "message", "fix",
    "first_seen", "last_seen", "waiver_reason", "waiver_until", "waiver_by",
)  # fmt: skip
EVIDENCE_COLUMNS = (
    "image_first_seen", "image_last_seen", "caption", "credit_text", "page_final_url",
    "page_http_status", "page_fetched_at", "page_sha256", "image_sha256",
)  # fmt: skip
RIGHTS_COLUMNS = (
    "id", "provider", "scope", "valid_from", "valid_until", "reference", "provider_name",
    "added_at", "added_by", "note", "removed_at", "removed_by", "removed_reason",
)  # fmt: skip
WAIVER_COLUMNS = (
    "id", "finding", "rule", "page", "image", "reason", "by", "created_at", "until",
    "revoked_at", "revoked_by", "revoke_reason",
)  # fmt: skip
RIGHTS_CHANGE_COLUMNS = ("entry", "at", "action", "by", "reason")


def table(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A CSV table with a header row; values become text, formulas are defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(_cells(row))
    return buffer.getvalue()


def _cells(row: Sequence[Any]) -> list[str]:
    """A row's values as text, formulas defused."""
    return [spreadsheet_safe(None if v is None else str(v)) for v in row]


def check_report(report: CheckReport) -> str:
    """One row per finding (and one per image without findings)."""
    buffer = io.StringIO()
    render_whole(CsvCheckWriter(buffer), report)
    return buffer.getvalue()


class CsvCheckWriter:
    """The CSV check report written page by page (see :class:`CheckWriter`): the header
    row first, then each page's rows as it comes."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.started = False

    def _start(self) -> None:
        if not self.started:
            self.sink.write(table(CHECK_COLUMNS, ()))
            self.started = True

    def page(self, page: PageResult) -> None:
        """Write one page's rows."""
        self._start()
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in check_rows(page):
            writer.writerow(_cells(row))
        self.sink.write(buffer.getvalue())

    def finish(self, failed: Sequence[tuple[str, str]]) -> None:
        """Write the header row if no page came (failures are not rows)."""
        self._start()


def check_rows(page: PageResult) -> Iterator[list[Any]]:
    """The rows of one page: one per finding of each image, one per image without."""
    for item in page.images:
        credit = item.credit
        base = [
            page.url,
            page.title,
            item.image.src,
            item.image.role,
            item.image.caption,
            credit.text if credit else None,
            credit.creator if credit else None,
            credit.provider if credit else None,
            credit.licence if credit else None,
            credit.kind if credit else None,
        ]
        for finding in item.findings or (None,):
            extra = (
                [finding.rule, finding.severity.value, finding.message, finding.fix]
                if finding
                else [None, None, None, None]
            )
            yield [*base, *extra]


def findings(found: Sequence[StoredFinding]) -> str:
    """Recorded findings, one row each, with the evidence of their image when known."""
    rows = []
    for finding in found:
        shaped = stored_finding_json(finding)
        rows.append([*(shaped[c] for c in FINDING_COLUMNS), *_evidence_cells(shaped["evidence"])])
    return table((*FINDING_COLUMNS, *EVIDENCE_COLUMNS), rows)


def _evidence_cells(evidence: dict[str, Any] | None) -> list[Any]:
    if evidence is None:
        return [None] * len(EVIDENCE_COLUMNS)
    fetch, image = evidence["page_fetch"], evidence["image_file"]
    return [
        evidence["first_seen"],
        evidence["last_seen"],
        evidence["caption"],
        evidence["credit_text"],
        fetch["final_url"],
        fetch["http_status"],
        fetch["fetched_at"],
        fetch["sha256"],
        image["sha256"],
    ]


def rights(entries: Sequence[RightsEntry]) -> str:
    """The rights register, one agreement a row."""
    shaped = (rights_json(e) for e in entries)
    return table(RIGHTS_COLUMNS, ([row[c] for c in RIGHTS_COLUMNS] for row in shaped))


def waivers(found: Sequence[Waiver]) -> str:
    """Waivers, one row each."""
    shaped = (waiver_json(w) for w in found)
    return table(WAIVER_COLUMNS, ([row[c] for c in WAIVER_COLUMNS] for row in shaped))


def rights_history(changes: Sequence[RightsChange]) -> str:
    """Changes to the rights register, one row each, with the agreement's terms after it."""
    rows = []
    for change in changes:
        shaped = rights_change_json(change)
        terms = shaped["agreement"]
        rows.append([*(shaped[c] for c in RIGHTS_CHANGE_COLUMNS), *terms.values()])
    return table((*RIGHTS_CHANGE_COLUMNS, *_TERMS), rows)


_TERMS = ("provider", "provider_name", "scope", "valid_from", "valid_until", "reference")


def audit_report(report: AuditReport, sink: Sink) -> None:
    """The audit report's findings, one row each with its evidence (the columns of the
    XLSX Findings sheet), written to ``sink`` as they stream; every cell formula-safe."""
    writer = csv.writer(sink)
    writer.writerow([column.key for column in AUDIT_FINDING_COLUMNS])
    for finding in report.findings():
        writer.writerow([_audit_cell(value) for value in finding_row(finding)])


def _audit_cell(value: Value) -> str:
    """A value as CSV text: moments and days in ISO 8601, yes/no, formulas defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):  # a datetime is a date too
        return value.isoformat()
    return spreadsheet_safe(str(value))
