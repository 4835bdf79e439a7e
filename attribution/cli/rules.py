"""``attribution rules``: every rule, its severity and what it means."""

from __future__ import annotations

from pathlib import Path

import click

from attribution.cli.common import EXIT_OK, emit, output_option
from attribution.render import RULES_FORMATS, format_help


@click.command("rules")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(tuple(RULES_FORMATS)),
    default="text",
    show_default=True,
    help=f"Output format: {format_help(RULES_FORMATS)}.",
)
@output_option
def command(fmt: str, output: Path | None) -> int:
    """List every rule with its id, default severity and an explanation for editors.

    Change a severity or switch a rule off in the [rules] table of attribution.toml,
    e.g. "licence-not-linked" = "notice".

    \b
    Examples:
      attribution rules
      attribution rules --format json
      attribution rules --format markdown --output docs/rules.md
    """
    from attribution.rules import RULES

    emit(RULES_FORMATS[fmt].render(RULES), output)
    return EXIT_OK
