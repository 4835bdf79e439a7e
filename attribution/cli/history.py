"""``attribution history``: what a page showed each time it was checked."""

from __future__ import annotations

from pathlib import Path

import click

from attribution.cli.common import EXIT_OK, config_option, emit, load_profile, output_option
from attribution.render import HISTORY_FORMATS, format_help


@click.command("history")
@click.argument("url", metavar="URL")
@click.option(
    "--limit", type=click.IntRange(min=1), metavar="N", help="Only the N most recent readings."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(tuple(HISTORY_FORMATS)),
    default="text",
    show_default=True,
    help=f"Output format: {format_help(HISTORY_FORMATS)}.",
)
@config_option
@output_option
def command(url: str, limit: int | None, fmt: str, config: Path | None, output: Path | None) -> int:
    """What the page at URL showed each time it was checked, newest first: how it was
    read (address asked for and answered, HTTP status, SHA-256 of its bytes) and each
    image with its credit and caption as seen.

    URL is the page's address (tracking parameters are ignored) or, for a saved file,
    the address it declares or its file: URL, as 'attribution findings' prints it.

    \b
    Examples:
      attribution history https://example.com/news/story.html
      attribution history https://example.com/news/story.html --format json --limit 5
    """
    from attribution.store import open_database, page_history

    db = open_database(load_profile(config).database_url)
    try:
        snapshots = page_history(db, url, limit)
    finally:
        db.close()
    emit(HISTORY_FORMATS[fmt].render(snapshots), output)
    return EXIT_OK
