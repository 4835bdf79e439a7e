"""The XLSX format of the audit report: a workbook for legal staff, written row by row
in constant memory with XlsxWriter.

Its sheets, in order: Summary, Findings, Images, Providers, Waivers, Rights, Runs. Each
sheet has a bold, frozen header row, an autofilter over its data and set column widths.
Days and moments are real Excel dates; XLSX has no time zones, so moments are written
in UTC (without a zone) and their headers say "(UTC)". Text is always written as text
(``write_string``, never a guess), made formula-safe with :func:`spreadsheet_safe`, and
cut to Excel's limit of 32,767 characters a cell, saying so.

With ``constant_memory`` each sheet keeps only its current row, and each sheet must be
written in row order; sheets are independent, so the Summary (the first sheet) is
written last, once the findings and images have streamed past and been counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from xlsxwriter import Workbook  # type: ignore[import-untyped]

from attribution.records import DIFF_CHANGES
from attribution.render.audit import SEVERITIES, AuditTally
from attribution.render.audit_table import (
    FINDING_COLUMNS,
    IMAGE_COLUMNS,
    PROVIDER_COLUMNS,
    RIGHTS_COLUMNS,
    RUN_COLUMNS,
    WAIVER_COLUMNS,
    columns,
    finding_row,
    image_row,
    provider_row,
    rights_row,
    run_row,
    utc,
    waiver_rows,
)
from attribution.render.escape import spreadsheet_safe

if TYPE_CHECKING:
    from attribution.render.audit import AuditReport
    from attribution.render.audit_table import Column, Value

# The most characters an Excel cell holds, and what a cut cell ends with.
CELL_LIMIT = 32_767
CUT_MARK = "… [cut]"
SHEETS = ("Summary", "Findings", "Images", "Providers", "Waivers", "Rights", "Runs")
SUMMARY_COLUMNS = columns(("item", "Item", 44), ("value", "Value", 60))
_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


def audit_report(report: AuditReport, target: BinaryIO | str | Path) -> None:
    """Write ``report`` as an XLSX workbook to ``target``: a file's path, or a binary
    stream open for writing (a file opened ``"wb"``, a :class:`io.BytesIO`).

    The findings and the images are each read once, as they stream."""
    workbook = Workbook(str(target) if isinstance(target, Path) else target, _OPTIONS)
    try:
        _write_workbook(workbook, report)
    finally:
        workbook.close()


def _write_workbook(workbook: Any, report: AuditReport) -> None:
    """Add the sheets in order, then fill them: Summary last, from the tally."""
    styles = _Styles(workbook)
    sheets = {name: workbook.add_worksheet(name) for name in SHEETS}
    tally = AuditTally()
    with _Table(sheets["Findings"], FINDING_COLUMNS, styles) as table:
        for finding in report.findings():
            tally.add_finding(finding)
            table.row(finding_row(finding))
    with _Table(sheets["Images"], IMAGE_COLUMNS, styles) as table:
        for image in report.images():
            tally.add_image(image)
            table.row(image_row(image))
    uses = report.provider_uses(tally)
    _fill(sheets["Providers"], PROVIDER_COLUMNS, styles, map(provider_row, uses))
    _fill(sheets["Waivers"], WAIVER_COLUMNS, styles, waiver_rows(report.waivers, report.expiring))
    _fill(sheets["Rights"], RIGHTS_COLUMNS, styles, map(rights_row, report.rights))
    _fill(sheets["Runs"], RUN_COLUMNS, styles, map(run_row, report.trend))
    unlicensed = [use.name for use in uses if use.unlicensed]
    _fill(sheets["Summary"], SUMMARY_COLUMNS, styles, summary_rows(report, tally, unlicensed))


def summary_rows(
    report: AuditReport, tally: AuditTally, unlicensed: Sequence[str]
) -> list[tuple[Value, ...]]:
    """The Summary sheet's rows: what the report covers, the counts, what changed since
    the run before, and the providers used without an agreement."""
    rows: list[tuple[Value, ...]] = [
        ("Publication", report.publication),
        ("Scope", report.scope.describe()),
        ("Generated (UTC)", utc(report.generated_at)),
    ]
    rows += [(f"Open findings: {level.value}", tally.open[level]) for level in SEVERITIES]
    rows += [(f"Waived findings: {level.value}", tally.waived[level]) for level in SEVERITIES]
    rows += [("Images", tally.images), ("Pages", len(tally.pages))]
    rows += _change_rows(report)
    rows.append(("Providers used without an agreement", ", ".join(unlicensed) or "none"))
    return rows


def _change_rows(report: AuditReport) -> list[tuple[Value, ...]]:
    """New, resolved and changed findings since the run before, or that there is none."""
    diff = report.diff
    if diff is None:
        return [("Changes since the previous run", "no earlier run")]
    label = f"findings since run {diff.before} (in run {diff.after})"
    return [(f"{change.capitalize()} {label}", len(diff.of(change))) for change in DIFF_CHANGES]


class _Styles:
    """The workbook's cell formats: the header's, and the number formats of days and
    moments."""

    def __init__(self, workbook: Any) -> None:
        self.header = workbook.add_format({"bold": True})
        self.day = workbook.add_format({"num_format": "yyyy-mm-dd"})
        self.moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})


class _Table:
    """One sheet written as a table, row after row: the header first (bold, frozen,
    with the column widths), each row's values by their type, and on leaving the
    autofilter over every row written."""

    def __init__(self, sheet: Any, table_columns: Sequence[Column], styles: _Styles) -> None:
        self.sheet = sheet
        self.columns = table_columns
        self.styles = styles
        self.rows = 0

    def __enter__(self) -> _Table:
        self.sheet.freeze_panes(1, 0)
        for index, column in enumerate(self.columns):
            self.sheet.set_column(index, index, column.width)
            self.sheet.write_string(0, index, column.title, self.styles.header)
        return self

    def __exit__(self, *exc: object) -> None:
        self.sheet.autofilter(0, 0, self.rows, len(self.columns) - 1)

    def row(self, values: Sequence[Value]) -> None:
        """Write the next row."""
        self.rows += 1
        for index, value in enumerate(values):
            self._cell(self.rows, index, value)

    def _cell(self, row: int, col: int, value: Value) -> None:
        """Write one value as what it is: text, yes/no, a number, a moment or a day."""
        if value is None:
            return
        if isinstance(value, bool):
            self.sheet.write_string(row, col, "yes" if value else "no")
        elif isinstance(value, int):
            self.sheet.write_number(row, col, value)
        elif isinstance(value, datetime):
            self.sheet.write_datetime(row, col, utc(value).replace(tzinfo=None), self.styles.moment)
        elif isinstance(value, date):
            self.sheet.write_datetime(row, col, value, self.styles.day)
        else:
            self.sheet.write_string(row, col, cell_text(value))


def _fill(
    sheet: Any, table_columns: Sequence[Column], styles: _Styles, rows: Iterable[Sequence[Value]]
) -> None:
    """Write a whole table to ``sheet``."""
    with _Table(sheet, table_columns, styles) as table:
        for row in rows:
            table.row(row)


def cell_text(text: str) -> str:
    """Text as a cell holds it: formula-safe, and cut to Excel's limit, saying so.

    Excel counts a cell's characters in UTF-16 code units (a character beyond the
    Basic Multilingual Plane, an emoji, is two); a cut never splits one."""
    safe = spreadsheet_safe(text)
    if len(safe) <= CELL_LIMIT // 2 or _utf16_units(safe) <= CELL_LIMIT:
        return safe
    budget = 2 * (CELL_LIMIT - _utf16_units(CUT_MARK))
    kept = safe.encode("utf-16-le")[:budget].decode("utf-16-le", errors="ignore")
    return kept + CUT_MARK


def _utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
