"""The rules reference for editors, generated from the rules' declarations."""

from __future__ import annotations

import textwrap

from attribution.rules.catalogue import RULES


def rules_markdown() -> str:
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
    for rule in RULES:
        lines += [f"## `{rule.id}` ({rule.severity.value})", "", f"**{rule.summary}**", ""]
        lines += [textwrap.fill(rule.explanation, 88), ""]
    return "\n".join(lines)
