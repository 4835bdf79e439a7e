"""``attribution report``: the audit report for legal staff, over the database."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from attribution.cli.common import (
    EXIT_OK,
    ReportSink,
    config_option,
    load_profile,
    output_option,
)
from attribution.render import REPORT_FORMATS, format_help

if TYPE_CHECKING:
    from attribution.render import StreamedFormat
    from attribution.render.audit import AuditReport

_DAY = click.DateTime(formats=["%Y-%m-%d"])


@click.command("report")
@click.option(
    "--run",
    "run_id",
    type=click.IntRange(min=1),
    metavar="ID",
    help="What run ID saw (as 'attribution runs' lists them), rather than the findings "
    "standing now; what changed is then counted from the run before it.",
)
@click.option(
    "--since", type=_DAY, metavar="DATE", help="Only findings seen on or after DATE (YYYY-MM-DD)."
)
@click.option(
    "--until", type=_DAY, metavar="DATE", help="Only findings seen on or before DATE (YYYY-MM-DD)."
)
@click.option(
    "--section",
    metavar="PATH",
    help="Only pages whose path starts with PATH (/politics/), or whose URL starts with it "
    "when it is a whole address.",
)
@click.option(
    "--page",
    metavar="PATTERN",
    help="Only pages whose URL matches PATTERN: a glob (*/2026/11/*) or, without * ? [, "
    "text in the URL.",
)
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(("open", "waived", "resolved")),
    help="List findings of this status (repeatable; default: open and waived, the "
    "findings standing).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(tuple(REPORT_FORMATS)),
    default="html",
    show_default=True,
    help=f"Output format: {format_help(REPORT_FORMATS)}.",
)
@config_option
@output_option
def command(
    run_id: int | None,
    since: datetime | None,
    until: datetime | None,
    section: str | None,
    page: str | None,
    statuses: tuple[str, ...],
    fmt: str,
    config: Path | None,
    output: Path | None,
) -> int:
    """Write the audit report for legal staff: what is at risk, what changed, the evidence.

    The report reads the database the checks and scans recorded. At the top: counts by
    severity; open errors by rule and by provider; the pages with most risk; findings
    new, resolved and changed since the previous scan; waivers in force and those
    expiring within 30 days; providers used without an agreement in the rights
    register; a trend over the last scans. Then every open or waived finding with its
    evidence: the page, the image (a thumbnail loaded from its address, and the
    address written out), caption and credit as seen, first and last seen, the rule's
    message, the fix and the corrected attribution line, the waiver.

    The HTML report is one file that opens offline, prints well and runs no script;
    its filters (severity, rule, provider) work without one. The XLSX workbook has
    the sheets Summary, Findings, Images, Providers, Waivers, Rights and Runs.

    \b
    Examples:
      attribution report --output audit.html
      attribution report --format xlsx --output audit.xlsx --since 2026-11-01
      attribution report --run 42 --section /politics/ --output politics.html
      attribution report --page '*/2026/11/*' --format json | jq .summary
    """
    from attribution.app.report import open_report
    from attribution.errors import UsageError
    from attribution.records import ReportScope
    from attribution.store import open_database

    chosen = REPORT_FORMATS[fmt]
    if chosen.binary and output is None and sys.stdout.isatty():
        raise UsageError(f"--format {fmt} writes a binary file: give --output FILE")
    if since and until and until < since:
        raise UsageError(f"--until {until:%Y-%m-%d} is before --since {since:%Y-%m-%d}")
    scope = ReportScope(
        run_id=run_id,
        since=since.date() if since else None,
        until=until.date() if until else None,
        section=section or None,
        page=page or None,
        statuses=tuple(dict.fromkeys(statuses)) or ReportScope.statuses,
    )
    profile = load_profile(config)
    db = open_database(profile.database_url)
    try:
        with open_report(db, profile, scope) as report:
            if chosen.binary:
                _write_binary(chosen, report, output)
            else:
                sink = ReportSink(output)
                try:
                    chosen.write(report, sink)
                finally:
                    sink.close()
    finally:
        db.close()
    return EXIT_OK


def _write_binary(
    chosen: StreamedFormat[AuditReport], report: AuditReport, output: Path | None
) -> None:
    """Write a binary format to ``output``, else to standard output (not a terminal)."""
    from attribution.errors import UsageError

    if output is None:
        sink = _BinaryStdout()
        chosen.write(report, sink)
        sink.flush()
        if sink.gone:  # so that nothing is flushed to the closed pipe at exit
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces the closed stream
        return
    try:
        with output.open("wb") as file:
            chosen.write(report, file)
    except OSError as problem:
        raise UsageError(f"{output}: cannot be written ({problem.strerror or problem})") from None


class _BinaryStdout:
    """Standard output for a binary format: a reader that goes away (``| head``) ends
    the output quietly, as Unix tools do."""

    def __init__(self) -> None:
        self.gone = False

    def write(self, data: bytes) -> int:
        if not self.gone:
            try:
                sys.stdout.buffer.write(data)
            except BrokenPipeError:
                self.gone = True
        return len(data)

    def flush(self) -> None:
        if not self.gone:
            try:
                sys.stdout.buffer.flush()
            except BrokenPipeError:
                self.gone = True
