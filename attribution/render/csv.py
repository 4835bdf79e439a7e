"""The CSV format: one table per kind of record, every cell safe for spreadsheets."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from attribution.records import RightsEntry, StoredFinding
from attribution.render.escape import spreadsheet_safe
from attribution.render.report import CheckReport
from attribution.serialize import rights_json, stored_finding_json

CHECK_COLUMNS = (
    "page", "page_title", "image", "caption", "credit", "creator", "provider", "licence",
    "kind", "rule", "severity", "message", "fix",
)  # fmt: skip
FINDING_COLUMNS = (
    "id", "identity", "rule", "severity", "status", "page", "image", "message", "fix",
    "first_seen", "last_seen", "waiver_reason", "waiver_until",
)  # fmt: skip
RIGHTS_COLUMNS = ("id", "provider", "scope", "valid_from", "valid_until", "reference")


def table(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A CSV table with a header row; values become text, formulas are defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([spreadsheet_safe(None if v is None else str(v)) for v in row])
    return buffer.getvalue()


def check_report(report: CheckReport) -> str:
    """One row per finding (and one per image without findings)."""
    rows = []
    for page in report.pages:
        for item in page.images:
            credit = item.credit
            base = [
                page.url,
                page.title,
                item.image.src,
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
                rows.append([*base, *extra])
    return table(CHECK_COLUMNS, rows)


def findings(found: Sequence[StoredFinding]) -> str:
    """Recorded findings, one row each."""
    shaped = (stored_finding_json(f) for f in found)
    return table(FINDING_COLUMNS, ([row[c] for c in FINDING_COLUMNS] for row in shaped))


def rights(entries: Sequence[RightsEntry]) -> str:
    """The rights register, one agreement a row."""
    shaped = (rights_json(e) for e in entries)
    return table(RIGHTS_COLUMNS, ([row[c] for c in RIGHTS_COLUMNS] for row in shaped))
