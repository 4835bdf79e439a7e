"""The ``attribution`` command: one module per command, on click.

Thin: each command parses its options, calls :mod:`attribution.app` or the library,
and renders with :mod:`attribution.render`. :func:`main` maps errors to exit codes
(0 clean, 1 findings, 2 usage or configuration, 3 operational; 130 and 143 for a check
stopped by SIGINT or SIGTERM). Heavy libraries
(SQLAlchemy, requests, BeautifulSoup) are imported inside the commands that use them,
so ``--help`` and the quick commands start fast.

Shell completion: ``eval "$(_ATTRIBUTION_COMPLETE=bash_source attribution)"`` (zsh_source,
fish_source for other shells).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import click

from attribution import __version__
from attribution.cli import (
    check,
    credits,
    db,
    findings,
    history,
    licences,
    rights,
    rules,
    runs,
    waive,
    waivers,
)
from attribution.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_OPERATIONAL,
    EXIT_USAGE,
    error,
    hide_passwords,
)
from attribution.errors import AttributionError, ConfigError, UsageError


class AttributionGroup(click.Group):
    """The command group that turns what a command returns, and the errors it raises on
    purpose, into the documented exit codes: under :func:`main`, in click's test runner
    and wherever else the group is invoked."""

    def invoke(self, ctx: click.Context) -> object:
        """Run the command; exit with its code, or with the code of its error."""
        try:
            result = super().invoke(ctx)
        except UsageError as problem:
            error(str(problem))
            ctx.exit(EXIT_USAGE)
        except ConfigError as problem:
            error(f"configuration error: {problem}")
            ctx.exit(EXIT_USAGE)
        except AttributionError as problem:
            error(str(problem))
            ctx.exit(EXIT_OPERATIONAL)
        if isinstance(result, int) and result != EXIT_OK:
            ctx.exit(result)
        return result


@click.group(
    cls=AttributionGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="attribution", message="%(prog)s %(version)s")
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Publication profile for every command (default: ./attribution.toml, else "
    "$ATTRIBUTION_CONFIG, else attribution.toml in the user's config folder).",
)
def cli(config: Path | None) -> None:
    """Find every image on a page, read its credit, know its licence, and say whether
    the publication may use it and what to fix.

    \b
    Examples:
      attribution check https://example.com/news/story.html
      attribution check saved-page.html --format json
      curl -s https://example.com/story | attribution check - --base-url https://example.com/story
      echo "Photo: Jane Doe/CC BY-SA 3.0 via Wikimedia Commons" | attribution credits parse
      attribution licences show CC-BY-NC-2.0

    \b
    exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
                2 usage or configuration error, 3 a target could not be fetched or
                read, or the database could not be reached (wins over 1),
                130 stopped by Ctrl-C (SIGINT), 143 stopped by SIGTERM.
    """


for _command in (
    check.command,
    credits.group,
    rules.command,
    licences.group,
    findings.command,
    waive.command,
    waivers.group,
    history.command,
    rights.group,
    runs.command,
    db.group,
):
    cli.add_command(_command)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    try:
        result = cli.main(args=argv, prog_name="attribution", standalone_mode=False)
    except click.ClickException as problem:
        problem.show()
        return problem.exit_code
    except click.Abort:
        error("interrupted")
        return EXIT_INTERRUPTED
    except Exception as problem:  # a bug: one line, never a password, never a traceback
        if os.environ.get("ATTRIBUTION_DEBUG"):
            raise
        detail = hide_passwords(f"{type(problem).__name__}: {problem}")
        error(f"internal error ({detail}); set ATTRIBUTION_DEBUG=1 to see where, and report it")
        return EXIT_OPERATIONAL
    return result if isinstance(result, int) else EXIT_OK
