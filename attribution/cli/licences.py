"""``attribution licences``: the licence knowledge base."""

from __future__ import annotations

from pathlib import Path

import click

from attribution.cli.common import EXIT_OK, emit, output_option
from attribution.render import LICENCE_FORMATS, LICENCES_FORMATS, format_help


@click.group("licences")
def group() -> None:
    """The licence knowledge base: every licence known, its terms and their sources.

    \b
    Examples:
      attribution licences list
      attribution licences show CC-BY-NC-2.0
    """


@group.command("list")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(tuple(LICENCES_FORMATS)),
    default="text",
    show_default=True,
    help=f"Output format: {format_help(LICENCES_FORMATS)}.",
)
@output_option
def list_licences(fmt: str, output: Path | None) -> int:
    """List every licence attribution knows, with its terms.

    \b
    Examples:
      attribution licences list
      attribution licences list --format json --output licences.json
    """
    from attribution.licences import default_knowledge_base

    kb = default_knowledge_base()
    known = sorted(kb.licences.values(), key=lambda licence: licence.id)
    emit(LICENCES_FORMATS[fmt].render(known), output)
    return EXIT_OK


@group.command("show")
@click.argument("licence_id", metavar="ID")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(tuple(LICENCE_FORMATS)),
    default="text",
    show_default=True,
    help=f"Output format: {format_help(LICENCE_FORMATS)}.",
)
@output_option
def show(licence_id: str, fmt: str, output: Path | None) -> int:
    """Show one licence's terms, attribution requirements and sources.

    ID is a licence id as 'attribution licences list' prints it (any case).

    \b
    Examples:
      attribution licences show CC-BY-NC-2.0
      attribution licences show cc-by-sa-4.0 --format json
    """
    from attribution.errors import UsageError
    from attribution.licences import default_knowledge_base

    kb = default_knowledge_base()
    licence = kb.licence(licence_id)
    if licence is None:
        matches = [i for i in kb.licences if i.casefold() == licence_id.casefold()]
        licence = kb.licence(matches[0]) if matches else None
    if licence is None:
        family = kb.family(licence_id)
        hint = (
            f" (a family: its licences are {', '.join(family.licence_ids[:6])}…)"
            if family
            else "; see 'attribution licences list'"
        )
        raise UsageError(f"no licence with id {licence_id!r}{hint}")
    emit(LICENCE_FORMATS[fmt].render(licence), output)
    return EXIT_OK
