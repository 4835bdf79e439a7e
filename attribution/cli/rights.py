"""``attribution rights``: the rights register of agreements with providers."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from attribution.cli.common import EXIT_OK, config_option, emit, load_profile, output_option
from attribution.render import RIGHTS_FORMATS, format_help

DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.group("rights")
def group() -> None:
    """The rights register: agreements with agencies, stock libraries and rights holders.

    The rules check agency and stock pictures against it (and against the profile's
    [[rights]] tables).

    \b
    Examples:
      attribution rights add "Associated Press" --scope editorial --from 2026-01-01 --until 2026-12-31 --reference AP-17
      attribution rights import agreements.csv
      attribution rights list --format csv
    """


@group.command("add")
@click.argument("provider")
@click.option(
    "--scope", default="any", show_default=True, help="What use it covers, e.g. editorial."
)
@click.option(
    "--from", "valid_from", type=DATE, metavar="DATE", help="Valid from DATE (YYYY-MM-DD)."
)
@click.option(
    "--until", "valid_until", type=DATE, metavar="DATE", help="Valid until DATE (YYYY-MM-DD)."
)
@click.option("--reference", help="Contract number or note.")
@config_option
def add(
    provider: str,
    scope: str,
    valid_from: datetime | None,
    valid_until: datetime | None,
    reference: str | None,
    config: Path | None,
) -> int:
    """Add an agreement with PROVIDER (its canonical name, as 'attribution credits
    parse' prints it, e.g. 'Associated Press').

    \b
    Examples:
      attribution rights add "Associated Press" --scope editorial --from 2026-01-01 --until 2026-12-31 --reference AP-17
    """
    from attribution.errors import UsageError
    from attribution.records import RightsEntry
    from attribution.render.escape import terminal_safe
    from attribution.render.text import rights_entry
    from attribution.store import add_rights, open_database

    start = valid_from.date() if valid_from else None
    end = valid_until.date() if valid_until else None
    if start and end and end < start:
        raise UsageError("--until is before --from")
    db = open_database(load_profile(config).database_url)
    try:
        entry = add_rights(db, RightsEntry(provider, scope, start, end, reference))
    finally:
        db.close()
    click.echo(terminal_safe(f"added #{entry.id}: {rights_entry(entry)}"))
    return EXIT_OK


@group.command("list")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(tuple(RIGHTS_FORMATS)),
    default="text",
    show_default=True,
    help=f"Output format: {format_help(RIGHTS_FORMATS)}.",
)
@config_option
@output_option
def list_rights(fmt: str, config: Path | None, output: Path | None) -> int:
    """List the agreements of the rights register.

    \b
    Examples:
      attribution rights list
      attribution rights list --format csv --output register.csv
    """
    from attribution.store import list_rights as listed
    from attribution.store import open_database

    db = open_database(load_profile(config).database_url)
    try:
        entries = listed(db)
    finally:
        db.close()
    emit(RIGHTS_FORMATS[fmt].render(entries), output)
    return EXIT_OK


@group.command("remove")
@click.argument("entry", type=click.IntRange(min=1), metavar="NUMBER")
@config_option
def remove(entry: int, config: Path | None) -> int:
    """Remove the agreement numbered NUMBER (see 'attribution rights list').

    \b
    Examples:
      attribution rights remove 3
    """
    from attribution.store import open_database, remove_rights

    db = open_database(load_profile(config).database_url)
    try:
        remove_rights(db, entry)
    finally:
        db.close()
    click.echo(f"removed #{entry}")
    return EXIT_OK


@group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.csv")
@config_option
def import_csv(file: Path, config: Path | None) -> int:
    """Add the agreements of a CSV file whose first row names the columns: provider
    (required), scope, valid_from, valid_until, reference.

    \b
    Examples:
      attribution rights import agreements.csv
    """
    from attribution.errors import UsageError
    from attribution.store import import_rights, open_database, parse_rights_csv

    try:
        text = file.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise UsageError(f"{file}: cannot be read ({error.strerror})") from None
    entries = parse_rights_csv(text, str(file))
    db = open_database(load_profile(config).database_url)
    try:
        count = import_rights(db, entries)
    finally:
        db.close()
    click.echo(f"imported {count} agreement(s) from {file}")
    return EXIT_OK
