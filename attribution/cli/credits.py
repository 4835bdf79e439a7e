"""``attribution credits parse``: credit lines into structured facts, in bulk."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from attribution.cli.common import EXIT_OK, emit, output_option

if TYPE_CHECKING:
    from attribution.licences import KnowledgeBase
    from attribution.records import Credit


@click.group("credits")
def group() -> None:
    """Work with credit lines as printed under pictures.

    \b
    Examples:
      attribution credits parse "Photo by Johannes EISELE / AFP via Getty Images"
      cut -f3 credits.tsv | attribution credits parse > credits.jsonl
    """


@group.command("parse")
@click.argument("texts", nargs=-1, metavar="[TEXT]...")
@output_option
def parse(texts: tuple[str, ...], output: Path | None) -> int:
    """Parse credit lines into JSON, one object per line (JSON Lines).

    Each TEXT is one credit line; without TEXT, one credit per line is read from
    stdin. Each object has the credit's creator(s), provider, licence and kind. There
    is one output line per input line, always, so the output lines up with the rows
    of a spreadsheet: a blank line gives an empty record (text "", no creator,
    provider or licence).

    \b
    Examples:
      attribution credits parse "(AP Photo/Evan Vucci)"
      attribution credits parse "Jane Doe / Wikimedia Commons (CC BY-SA 4.0)" -o out.jsonl
      cut -f3 credits.tsv | attribution credits parse > credits.jsonl
    """
    from attribution.licences import default_knowledge_base
    from attribution.serialize import credit_json

    kb = default_knowledge_base()
    lines = texts or tuple(line.rstrip("\r\n") for line in sys.stdin)
    records = [
        json.dumps(credit_json(_parse(line, kb)), ensure_ascii=False) + "\n" for line in lines
    ]
    emit("".join(records), output)
    return EXIT_OK


def _parse(line: str, kb: KnowledgeBase) -> Credit:
    """The credit of one line; a blank line is an empty credit, not one left out."""
    from attribution.credits import parse_credit
    from attribution.records import Credit

    if not line.strip():
        return Credit(text="")
    return parse_credit(line, kb=kb)
