"""``attribution rights``: the rights register of agreements with providers."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from attribution.cli.common import EXIT_OK, config_option, emit, load_profile, output_option
from attribution.render import RIGHTS_FORMATS, RIGHTS_HISTORY_FORMATS, format_help

if TYPE_CHECKING:
    from attribution.records import RightsEntry

DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.group("rights")
def group() -> None:
    """The rights register: agreements with agencies, stock libraries and rights holders.

    The rules check agency, stock and other publishers' pictures against it (and
    against the profile's [[rights]] tables). Nothing is deleted: every change is kept
    with who made it, when and why ('attribution rights history'), and the register
    can be listed as it stood on any day.

    \b
    Examples:
      attribution rights add "AP" --scope editorial --from 2026-01-01 --until 2026-12-31 --reference AP-17
      attribution rights import agreements.csv
      attribution rights list --at 2026-06-30 --format csv
      attribution rights remove 3 --reason "Contract ended early"
      attribution rights history
    """


BY_OPTION = click.option(
    "--by",
    metavar="NAME",
    help="Who made the change (default: the login name of whoever runs this).",
)
YES_OPTION = click.option(
    "--yes",
    is_flag=True,
    help="Record providers that are not in the provider table without asking.",
)


@group.command("add")
@click.argument("provider")
@click.option(
    "--scope",
    default="any",
    show_default=True,
    help="What use it covers: any, or terms such as editorial, commercial, "
    "non-commercial, web, print, social ('editorial, web').",
)
@click.option(
    "--from", "valid_from", type=DATE, metavar="DATE", help="Valid from DATE (YYYY-MM-DD)."
)
@click.option(
    "--until", "valid_until", type=DATE, metavar="DATE", help="Valid until DATE (YYYY-MM-DD)."
)
@click.option("--reference", help="Contract number (an import with the same reference updates it).")
@click.option("--note", help="Why the agreement is recorded, or anything legal should know.")
@BY_OPTION
@YES_OPTION
@config_option
def add(
    provider: str,
    scope: str,
    valid_from: datetime | None,
    valid_until: datetime | None,
    reference: str | None,
    note: str | None,
    by: str | None,
    yes: bool,
    config: Path | None,
) -> int:
    """Add an agreement with PROVIDER: any name the provider table knows for it ('AP',
    'Associated Press' and 'AP Photo' are one provider). A name it does not know is
    recorded as typed after you confirm (or with --yes).

    \b
    Examples:
      attribution rights add "AP" --scope editorial --from 2026-01-01 --until 2026-12-31 --reference AP-17
      attribution rights add "Jane Doe Photography" --reference email-2026-03-02 --yes
    """
    from attribution.errors import UsageError
    from attribution.records import RightsEntry
    from attribution.render.escape import terminal_safe
    from attribution.render.text import rights_entry
    from attribution.store import add_rights, open_database
    from attribution.store.rights import check_scope

    check_scope(scope, "--scope")
    start = valid_from.date() if valid_from else None
    end = valid_until.date() if valid_until else None
    if start and end and end < start:
        raise UsageError("--until is before --from")
    if not provider.strip():
        raise UsageError("PROVIDER is empty")
    profile = load_profile(config)
    entry = _resolved(RightsEntry(provider.strip(), scope, start, end, reference), yes)
    db = open_database(profile.database_url)
    try:
        entry = add_rights(db, entry, by=by, note=note)
    finally:
        db.close()
    click.echo(terminal_safe(f"added #{entry.id}: {rights_entry(entry)}"))
    return EXIT_OK


def _resolved(entry: RightsEntry, yes: bool) -> RightsEntry:
    """The entry with the provider table's name for its provider; a provider the table
    does not know is kept as typed once the user confirms it."""
    from dataclasses import replace

    from attribution.errors import UsageError
    from attribution.licences import default_knowledge_base

    kb = default_knowledge_base()
    known = kb.provider_named(entry.provider)
    if known is not None:
        return replace(entry, provider_name=known.name)
    if yes:
        return entry
    question = (
        f"'{entry.provider}' is not in the provider table: credits will match it only "
        "by this exact name. Record it as typed?"
    )
    if not sys.stdin.isatty():
        raise UsageError(f"{question} Check the spelling, or give --yes to record it as typed")
    if not click.confirm(question, default=False, err=True):
        raise UsageError(f"'{entry.provider}' was not recorded")
    return entry


@group.command("list")
@click.option(
    "--at",
    type=DATE,
    metavar="DATE",
    help="The register as it stood on DATE (YYYY-MM-DD): what it held that day, including "
    "agreements removed since (or that day).",
)
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
def list_rights(at: datetime | None, fmt: str, config: Path | None, output: Path | None) -> int:
    """List the agreements of the rights register (now, or as it stood on a day).

    \b
    Examples:
      attribution rights list
      attribution rights list --at 2026-06-30
      attribution rights list --format csv --output register.csv
    """
    from attribution.store import list_rights as listed
    from attribution.store import open_database

    db = open_database(load_profile(config).database_url)
    try:
        entries = listed(db, at.date() if at else None)
    finally:
        db.close()
    emit(RIGHTS_FORMATS[fmt].render(entries), output)
    return EXIT_OK


@group.command("remove")
@click.argument("entry", type=click.IntRange(min=1), metavar="NUMBER")
@click.option("--reason", required=True, help="Why the agreement is removed (kept as evidence).")
@BY_OPTION
@config_option
def remove(entry: int, reason: str, by: str | None, config: Path | None) -> int:
    """Remove the agreement numbered NUMBER (see 'attribution rights list'). It stays in
    the history and in 'rights list --at' for the days it was in the register.

    \b
    Examples:
      attribution rights remove 3 --reason "Contract ended early"
    """
    from attribution.store import open_database, remove_rights

    db = open_database(load_profile(config).database_url)
    try:
        remove_rights(db, entry, reason, by=by)
    finally:
        db.close()
    click.echo(f"removed #{entry}")
    return EXIT_OK


@group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.csv")
@click.option("--note", help="Why these agreements are imported (kept in the history).")
@BY_OPTION
@YES_OPTION
@config_option
def import_csv(file: Path, note: str | None, by: str | None, yes: bool, config: Path | None) -> int:
    """Import the agreements of a CSV file whose first row names the columns: provider
    (required), scope, valid_from, valid_until, reference. The columns that 'rights
    list --format csv' adds are ignored, so an exported register can be imported.

    Importing the same file twice changes nothing: an agreement whose reference is in
    the register updates that entry when its terms differ.

    \b
    Examples:
      attribution rights import agreements.csv --note "Contracts signed in 2026"
    """
    from attribution.errors import UsageError
    from attribution.store import import_rights, open_database, parse_rights_csv

    try:
        text = file.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise UsageError(f"{file}: cannot be read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise UsageError(f"{file}: is not UTF-8 text") from None
    entries = [_resolved(entry, yes) for entry in parse_rights_csv(text, str(file))]
    db = open_database(load_profile(config).database_url)
    try:
        done = import_rights(db, entries, by=by, note=note or f"imported from {file.name}")
    finally:
        db.close()
    click.echo(
        f"{file}: {done.added} added, {done.updated} updated, {done.unchanged} already in the register"
    )
    return EXIT_OK


@group.command("history")
@click.argument("entry", type=click.IntRange(min=1), metavar="[NUMBER]", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(tuple(RIGHTS_HISTORY_FORMATS)),
    default="text",
    show_default=True,
    help=f"Output format: {format_help(RIGHTS_HISTORY_FORMATS)}.",
)
@config_option
@output_option
def history(entry: int | None, fmt: str, config: Path | None, output: Path | None) -> int:
    """Every change to the rights register (or to agreement NUMBER), oldest first:
    what was added, imported, changed or removed, when, by whom and why.

    \b
    Examples:
      attribution rights history
      attribution rights history 3 --format csv --output agreement-3.csv
    """
    from attribution.store import open_database, rights_history

    db = open_database(load_profile(config).database_url)
    try:
        changes = rights_history(db, entry)
    finally:
        db.close()
    emit(RIGHTS_HISTORY_FORMATS[fmt].render(changes), output)
    return EXIT_OK
