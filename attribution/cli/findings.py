"""``attribution findings``: recorded findings, open by default, with filters."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from attribution.cli.common import EXIT_OK, config_option, emit, load_profile, output_option
from attribution.records import FINDING_STATUSES, Severity
from attribution.render import FINDINGS_FORMATS, format_help


@click.command("findings")
@click.option(
    "--status",
    type=click.Choice((*FINDING_STATUSES, "all")),
    default="open",
    show_default=True,
    help="Which findings: open, waived, resolved, or all.",
)
@click.option("--rule", "rules", multiple=True, metavar="ID", help="Only this rule (repeatable).")
@click.option(
    "--severity",
    "severities",
    multiple=True,
    type=click.Choice(tuple(severity.value for severity in Severity)),
    help="Only this severity (repeatable).",
)
@click.option("--page", metavar="TEXT", help="Only pages whose URL contains TEXT.")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="DATE",
    help="Only findings seen on or after DATE (YYYY-MM-DD).",
)
@click.option("--limit", type=click.IntRange(min=1), help="At most this many, most serious first.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(tuple(FINDINGS_FORMATS)),
    default="text",
    show_default=True,
    help=f"Output format: {format_help(FINDINGS_FORMATS)}.",
)
@config_option
@output_option
def command(
    status: str,
    rules: tuple[str, ...],
    severities: tuple[str, ...],
    page: str | None,
    since: datetime | None,
    limit: int | None,
    fmt: str,
    config: Path | None,
    output: Path | None,
) -> int:
    """List the findings recorded by earlier checks, most serious first.

    A finding keeps its identity (rule, page, image) across runs; a re-check that no
    longer finds it marks it resolved. The json and csv formats add the evidence (what
    the page showed of the image, first and last seen, how the page and the image were
    read, with SHA-256 hashes) and, in json, the finding's history.

    \b
    Examples:
      attribution findings
      attribution findings --status all --rule nc-commercial-use --since 2026-11-01 --format csv
      attribution findings --severity error --page /news/ --output open-errors.json --format json
    """
    from attribution.store import FindingFilter, list_findings, open_database

    query = FindingFilter(
        statuses=FINDING_STATUSES if status == "all" else (status,),
        rules=rules,
        severities=severities,
        page=page,
        since=since.replace(tzinfo=UTC) if since else None,
        limit=limit,
        evidence=fmt != "text",
    )
    db = open_database(load_profile(config).database_url)
    try:
        found = list_findings(db, query)
    finally:
        db.close()
    emit(FINDINGS_FORMATS[fmt].render(found), output)
    return EXIT_OK
