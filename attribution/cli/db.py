"""``attribution db``: the results database (create, upgrade, show)."""

from __future__ import annotations

from pathlib import Path

import click

from attribution.cli.common import EXIT_OK, config_option, load_profile


@click.group("db")
def group() -> None:
    """The results database: create or upgrade its schema, show which one is used.

    The embedded SQLite database is created and upgraded automatically; PostgreSQL
    (database.url in attribution.toml or ATTRIBUTION_DATABASE_URL) only with
    'attribution db upgrade'.

    \b
    Examples:
      attribution db status
      ATTRIBUTION_DATABASE_URL=postgresql+psycopg://user@db.example.com/attribution attribution db upgrade
    """


@group.command("upgrade")
@config_option
def upgrade(config: Path | None) -> int:
    """Create the database or apply new migrations (Alembic).

    \b
    Examples:
      attribution db upgrade
      attribution db upgrade --config production.toml
    """
    from attribution.store import current_revision, make_engine, resolve_url, safe_url
    from attribution.store import upgrade as apply_migrations

    url = resolve_url(load_profile(config).database_url).url
    engine = make_engine(url)
    try:
        before = current_revision(engine)
        apply_migrations(engine)
        after = current_revision(engine)
    finally:
        engine.dispose()
    state = "already at" if before == after else f"upgraded from {before or 'empty'} to"
    click.echo(f"{safe_url(url)}: {state} migration {after}")
    return EXIT_OK


@group.command("status")
@config_option
def status(config: Path | None) -> int:
    """Show which database is used and its migration.

    \b
    Examples:
      attribution db status
    """
    from attribution.store import (
        current_revision,
        head_revision,
        make_engine,
        resolve_url,
        safe_url,
    )

    resolved = resolve_url(load_profile(config).database_url)
    engine = make_engine(resolved.url)
    try:
        current, head = current_revision(engine), head_revision(engine)
    finally:
        engine.dispose()
    kind = "embedded SQLite (default)" if resolved.embedded else "configured"
    click.echo(f"database: {safe_url(resolved.url)} ({kind})")
    click.echo(f"migration: {current or 'none (empty)'}; newest known: {head}")
    return EXIT_OK
