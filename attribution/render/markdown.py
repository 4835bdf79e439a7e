"""The Markdown format: the rules reference (docs/rules.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from attribution.rules import Rule


def rules(known: Sequence[Rule]) -> str:
    """The rules reference, as the rules package writes it from their declarations."""
    from attribution.rules.docs import rules_markdown  # the rules load only when asked for

    return rules_markdown(known)
