"""The rules reference for editors, generated from the rules' declarations."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from attribution.rules.catalogue import RULES

if TYPE_CHECKING:
    from attribution.rules.registry import Rule


def rules_markdown(rules: Sequence[Rule] = RULES) -> str:
    """The rules reference as Markdown (the text of docs/rules.md)."""
    lines = [
        "# Rules",
        "",
        "Every rule `attribution` applies, with its id and default severity. Change a",
        "severity or switch a rule off in the `[rules]` table of `attribution.toml`:",
        "",
        "```toml",
        "[rules]",
        '"licence-not-linked" = "notice"   # error, warning, notice or off',
        "```",
        "",
        "Generated from the rules' declarations in `attribution/rules/` by",
        "`attribution rules --format markdown > docs/rules.md`.",
        "",
    ]
    for rule in rules:
        lines += [f"## `{rule.id}` ({rule.severity.value})", "", f"**{rule.summary}**", ""]
        lines += [textwrap.fill(rule.explanation, 88), ""]
    return "\n".join(lines)
