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

import gc
import importlib
import os
from collections.abc import Sequence
from pathlib import Path

import click

from attribution import __version__
from attribution.cli.common import (
    EXIT_BUSY,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_OPERATIONAL,
    EXIT_USAGE,
    error,
    hide_passwords,
)
from attribution.errors import AttributionError, ConfigError, SiteBusy, UsageError

# Every command: the module that defines it (as ``command`` or ``group``), and the first
# sentence of its help, which ``attribution --help`` lists without importing the module
# (a test checks each against the command itself).
COMMANDS: dict[str, tuple[str, str]] = {
    "check": (
        "attribution.cli.check:command",
        "Check pages: every content image with its caption and credit, and the findings "
        "of the licence rules.",
    ),
    "credits": (
        "attribution.cli.credits:group",
        "Work with credit lines as printed under pictures.",
    ),
    "db": (
        "attribution.cli.db:group",
        "The results database: create or upgrade its schema, show which one is used.",
    ),
    "diff": (
        "attribution.cli.diff:command",
        "Show what changed in the findings between two runs: new, resolved, changed.",
    ),
    "findings": (
        "attribution.cli.findings:command",
        "List the findings recorded by earlier checks, most serious first.",
    ),
    "history": (
        "attribution.cli.history:command",
        "What the page at URL showed each time it was checked, newest first: how it was "
        "read (address asked for and answered, HTTP status, SHA-256 of its bytes) and each "
        "image with its credit and caption as seen.",
    ),
    "licences": (
        "attribution.cli.licences:group",
        "The licence knowledge base: every licence known, its terms and their sources.",
    ),
    "report": (
        "attribution.cli.report:command",
        "Write the audit report for legal staff: what is at risk, what changed, the evidence.",
    ),
    "rights": (
        "attribution.cli.rights:group",
        "The rights register: agreements with agencies, stock libraries and rights holders.",
    ),
    "rules": (
        "attribution.cli.rules:command",
        "List every rule with its id, default severity and an explanation for editors.",
    ),
    "runs": (
        "attribution.cli.runs:command",
        "List recent runs: when, how far they got, and how to resume an interrupted one.",
    ),
    "scan": (
        "attribution.cli.scan:command",
        "Scan a whole site: find its pages in sitemaps, feeds and lists, check each "
        "page's images, record everything, and sum up what is new.",
    ),
    "serve": (
        "attribution.cli.serve:command",
        "Serve the editors' web page and the HTTP API for the publishing system.",
    ),
    "waive": (
        "attribution.cli.waive:command",
        "Record that a finding is accepted: it stays out of the open list until --until.",
    ),
    "waivers": (
        "attribution.cli.waivers:group",
        "Waivers: the decisions to accept findings, who made them, until when.",
    ),
    "worker": (
        "attribution.cli.worker:command",
        "Check the pages of scans run with --workers celery, as a worker of their queue.",
    ),
}


class AttributionGroup(click.Group):
    """The command group that turns what a command returns, and the errors it raises on
    purpose, into the documented exit codes: under :func:`main`, in click's test runner
    and wherever else the group is invoked.

    Each command's module is imported only when that command runs (or its own help is
    asked for), so ``attribution --help`` and the quick commands start fast."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command's name, in order."""
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command of that name, its module imported now."""
        if cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        module, _, attribute = COMMANDS[cmd_name][0].partition(":")
        found: click.Command = getattr(importlib.import_module(module), attribute)
        return found

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The list of commands in the group's help, from :data:`COMMANDS`."""
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [
            (name, click.Command(name, help=summary).get_short_help_str(limit))
            for name, (_where, summary) in COMMANDS.items()
        ]
        with formatter.section("Commands"):
            formatter.write_dl(sorted(rows))

    def invoke(self, ctx: click.Context) -> object:
        """Run the command; exit with its code, or with the code of its error."""
        try:
            result = super().invoke(ctx)
        except UsageError as problem:
            error(str(problem))
            ctx.exit(EXIT_USAGE)
        except SiteBusy as problem:
            error(str(problem))
            ctx.exit(EXIT_BUSY)
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
      attribution scan https://www.example.com/sitemap_index.xml --since last

    \b
    exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
                2 usage or configuration error, 3 a target could not be fetched or
                read, or the database could not be reached (wins over 1),
                4 another scan of the same site is running (scan),
                130 stopped by Ctrl-C (SIGINT), 143 stopped by SIGTERM.
    """


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


def run() -> int:
    """The command line as a process runs it (the ``attribution`` script, ``python -m
    attribution``): :func:`main`, then the process's objects set aside for its exit."""
    code = main()
    # Everything is closed and flushed by now. Without this, the interpreter's last
    # collections walk every object the command loaded (SQLAlchemy, the HTTP stack)
    # and add about a tenth of a second to every command.
    gc.freeze()
    return code
