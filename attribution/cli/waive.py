"""``attribution waive``: accept a finding, with a reason, who decided and an end date."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from attribution.cli.common import EXIT_OK, config_option, load_profile


@click.command("waive")
@click.argument("finding", metavar="FINDING")
@click.option("--reason", required=True, help="Why the finding is accepted (kept as evidence).")
@click.option(
    "--until",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="DATE",
    help="The waiver ends after DATE (YYYY-MM-DD); without it, it does not end.",
)
@click.option(
    "--by", metavar="NAME", help="Who decided (default: the login name of whoever runs this)."
)
@config_option
def command(
    finding: str, reason: str, until: datetime | None, by: str | None, config: Path | None
) -> int:
    """Record that a finding is accepted: it stays out of the open list until --until.

    FINDING is the finding's number or the start of its identity, as 'attribution
    findings' prints them. A later check that still finds it keeps it waived while the
    waiver holds. 'attribution waivers' lists waivers and revokes them.

    \b
    Examples:
      attribution waive 17 --reason "Licensed by phone, contract AP-2026-40 follows" --until 2026-12-31
      attribution waive 3f9a2c81d0 --reason "Our own photographer's picture" --by "J. Smith (legal)"
    """
    from attribution.render.escape import terminal_safe
    from attribution.store import open_database, waive

    db = open_database(load_profile(config).database_url)
    try:
        waiver = waive(db, finding, reason, until.date() if until else None, by=by)
    finally:
        db.close()
    ends = f" until {waiver.until}" if waiver.until else ""
    who = f" by {waiver.created_by}" if waiver.created_by else ""
    click.echo(
        terminal_safe(
            f"waiver #{waiver.id}: finding #{waiver.finding_id} [{waiver.rule}] waived{who}"
            f"{ends}: {waiver.reason}"
        )
    )
    return EXIT_OK
