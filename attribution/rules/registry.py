"""What a rule declares, and how the rules are applied to one image.

A rule is declared once, in the module of its group, with its id, default severity,
summary, explanation and check. Every rule runs on its own: none can silence another,
so conditions such as "the credit is the publication's own" are preconditions inside
the rules they concern.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from attribution.records import Finding, Severity
from attribution.rules.context import Context

_KEBAB_CASE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Verdict:
    """One thing a rule found: a message naming the evidence, and what to do about it."""

    message: str
    fix: str


Check = Callable[[Context], Iterable[Verdict]]


@dataclass(frozen=True)
class Rule:
    """A rule's stable kebab-case id, default severity, the explanation shown to editors,
    and its check: a pure function of an image's :class:`Context` that yields nothing
    when the rule does not apply."""

    id: str
    severity: Severity
    summary: str
    explanation: str
    check: Check

    def __post_init__(self) -> None:
        if not _KEBAB_CASE.fullmatch(self.id):
            raise ValueError(f"rule id {self.id!r} is not kebab-case")


def rule(
    rule_id: str, severity: Severity, summary: str, explanation: str
) -> Callable[[Check], Rule]:
    """Declare the decorated check as a :class:`Rule` (the decorated name is the rule).

    The explanation may be written across indented lines; its whitespace is folded into
    single spaces.
    """

    def declare(check: Check) -> Rule:
        return Rule(rule_id, severity, summary, " ".join(explanation.split()), check)

    return declare


def run(rules: Iterable[Rule], context: Context) -> tuple[Finding, ...]:
    """Every finding of every rule for one image, rule by rule in the given order.

    The profile's severity overrides apply: a rule set to "off" gives no findings, any
    other setting replaces the rule's default severity.
    """
    overrides = dict(context.profile.severity_overrides)
    findings: list[Finding] = []
    for each in rules:
        setting = overrides.get(each.id)
        if setting == "off":
            continue
        severity = Severity(setting) if setting else each.severity
        findings.extend(
            Finding(each.id, severity, verdict.message, verdict.fix)
            for verdict in each.check(context)
        )
    return tuple(findings)
