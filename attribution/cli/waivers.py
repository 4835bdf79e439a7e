"""``attribution waivers``: the waivers in force, those about to end, and revoking one."""

from __future__ import annotations

from pathlib import Path

import click

from attribution.cli.common import EXIT_OK, config_option, emit, load_profile, output_option
from attribution.render import WAIVERS_FORMATS, format_help


@click.group("waivers")
def group() -> None:
    """Waivers: the decisions to accept findings, who made them, until when.

    Waivers are never deleted: a revoked or expired waiver stays in the list with
    --all, and in each finding's history.

    \b
    Examples:
      attribution waivers list
      attribution waivers list --expiring 30
      attribution waivers revoke 4 --reason "The agency withdrew the permission"
    """


@group.command("list")
@click.option("--all", "show_all", is_flag=True, help="Also the revoked and expired waivers.")
@click.option(
    "--expiring",
    type=click.IntRange(min=0),
    metavar="DAYS",
    help="Only waivers that end within DAYS days from today.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(tuple(WAIVERS_FORMATS)),
    default="text",
    show_default=True,
    help=f"Output format: {format_help(WAIVERS_FORMATS)}.",
)
@config_option
@output_option
def list_command(
    show_all: bool, expiring: int | None, fmt: str, config: Path | None, output: Path | None
) -> int:
    """List waivers, newest first: those in force, or with --all every one.

    \b
    Examples:
      attribution waivers list --expiring 14
      attribution waivers list --all --format csv --output waivers.csv
    """
    from attribution.store import list_waivers, open_database

    db = open_database(load_profile(config).database_url)
    try:
        found = list_waivers(db, include_inactive=show_all, expiring_within=expiring)
    finally:
        db.close()
    emit(WAIVERS_FORMATS[fmt].render(found), output)
    return EXIT_OK


@group.command("revoke")
@click.argument("waiver", type=click.IntRange(min=1), metavar="NUMBER")
@click.option("--reason", required=True, help="Why the waiver is withdrawn (kept as evidence).")
@click.option(
    "--by", metavar="NAME", help="Who decided (default: the login name of whoever runs this)."
)
@config_option
def revoke(waiver: int, reason: str, by: str | None, config: Path | None) -> int:
    """Withdraw waiver NUMBER: its finding is open again (unless another waiver holds).

    \b
    Examples:
      attribution waivers revoke 4 --reason "The agency withdrew the permission"
    """
    from attribution.render.escape import terminal_safe
    from attribution.store import open_database, revoke_waiver

    db = open_database(load_profile(config).database_url)
    try:
        revoked = revoke_waiver(db, waiver, reason, by=by)
    finally:
        db.close()
    who = f" by {revoked.revoked_by}" if revoked.revoked_by else ""
    click.echo(
        terminal_safe(
            f"waiver #{revoked.id} on finding #{revoked.finding_id} revoked{who}: "
            f"{revoked.revoke_reason}"
        )
    )
    return EXIT_OK
