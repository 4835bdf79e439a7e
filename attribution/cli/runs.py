"""``attribution runs``: recorded runs, and the pages a run finished."""

from __future__ import annotations

from pathlib import Path

import click

from attribution.cli.common import EXIT_OK, config_option, emit, load_profile, output_option


@click.command("runs")
@click.argument("run", type=click.IntRange(min=1), required=False, metavar="[RUN]")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="How many recent runs to list.",
)
@config_option
@output_option
def command(run: int | None, limit: int, config: Path | None, output: Path | None) -> int:
    """List recent runs: when, how far they got, and how to resume an interrupted one.
    With RUN, list the pages that run recorded.

    \b
    Examples:
      attribution runs
      attribution runs 12
    """
    from attribution.render import text
    from attribution.store import list_runs, open_database, run_pages

    db = open_database(load_profile(config).database_url)
    try:
        if run is not None:
            emit(text.run_pages(run, run_pages(db, run)), output)
        else:
            emit(text.runs(list_runs(db, limit)), output)
    finally:
        db.close()
    return EXIT_OK
