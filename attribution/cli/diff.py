"""``attribution diff``: what changed in the findings between two runs."""

from __future__ import annotations

from pathlib import Path

import click

from attribution.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    config_option,
    emit,
    load_profile,
    output_option,
)
from attribution.render import DIFF_FORMATS, format_help


@click.command("diff")
@click.argument("run_a", required=False, type=click.IntRange(min=1), metavar="[RUN_A]")
@click.argument("run_b", required=False, type=click.IntRange(min=1), metavar="[RUN_B]")
@click.option(
    "--section", metavar="PATH", help="Only pages whose path starts with PATH (/politics/)."
)
@click.option(
    "--page", metavar="PATTERN", help="Only pages whose URL matches PATTERN (a glob, or text)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(tuple(DIFF_FORMATS)),
    default="text",
    show_default=True,
    help=f"Output format: {format_help(DIFF_FORMATS)}.",
)
@config_option
@output_option
def command(
    run_a: int | None,
    run_b: int | None,
    section: str | None,
    page: str | None,
    fmt: str,
    config: Path | None,
    output: Path | None,
) -> int:
    """Show what changed in the findings between two runs: new, resolved, changed.

    A finding is new when it stands (open or waived) at the end of RUN_B and did not
    at the end of RUN_A; resolved when it stood after RUN_A and was resolved by the
    end of RUN_B; changed when it stands in both but its severity, or the credit or
    licence its image showed, differs. With no runs given, the last two scans (the
    last two runs when there are no scans); with RUN_A alone, RUN_A and the run of
    its kind before it. Exits 1 when there are new findings, so a schedule can act
    on it; 0 otherwise.

    \b
    Examples:
      attribution diff
      attribution diff 41 42 --format json
      attribution diff --section /politics/
    """
    from attribution.app.report import diff_runs
    from attribution.records import ReportScope
    from attribution.store import open_database

    scope = ReportScope(section=section or None, page=page or None)
    db = open_database(load_profile(config).database_url)
    try:
        diff = diff_runs(db, scope, run_a, run_b)
    finally:
        db.close()
    emit(DIFF_FORMATS[fmt].render(diff), output)
    return EXIT_FINDINGS if diff.of("new") else EXIT_OK
