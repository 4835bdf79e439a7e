"""What every format of the audit report is written from: the report (its heading,
the runs, what changed, waivers, the rights register, and its findings and images as
streams read once) and the tally each format keeps while it reads them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from attribution.records import Severity

if TYPE_CHECKING:
    from datetime import date, datetime

    from attribution.records import (
        ReportFinding,
        ReportImage,
        ReportScope,
        RightsEntry,
        RunDiff,
        RunSummary,
        Waiver,
    )

UNKNOWN_PROVIDER = "(no provider named)"
SEVERITIES = tuple(Severity)
# How many pages the "most at risk" list names.
RISKIEST_PAGES = 10


@dataclass(frozen=True)
class AuditReport:
    """An audit report over the record, ready to render.

    ``findings`` and ``images`` open a stream over the rows in scope each time they are
    called (a format reads each once); ``agreement`` gives the rights register's
    agreement that covers a provider's pictures today, or None; ``needs_agreement``
    the kinds of credit whose pictures need one. ``trend`` holds the last runs, oldest
    first; ``diff`` what changed since the run before (None with no earlier run)."""

    publication: str | None
    scope: ReportScope
    generated_at: datetime
    today: date
    trend: tuple[RunSummary, ...]
    diff: RunDiff | None
    waivers: tuple[Waiver, ...]
    expiring: tuple[Waiver, ...]
    rights: tuple[RightsEntry, ...]
    findings: Callable[[], Iterator[ReportFinding]]
    images: Callable[[], Iterator[ReportImage]]
    agreement: Callable[[str], RightsEntry | None]
    needs_agreement: frozenset[str]

    @property
    def title(self) -> str:
        """The report's title: the publication's name, else a plain one."""
        return (
            f"Image rights audit — {self.publication}"
            if self.publication
            else ("Image rights audit")
        )

    def provider_uses(self, tally: AuditTally) -> list[ProviderUse]:
        """Each provider the scope's images name, with its counts and its agreement,
        the ones needing an agreement and lacking one first, then by images."""
        uses = [
            ProviderUse(
                name=name,
                images=tally.provider_images[name],
                pages=len(tally.provider_pages[name]),
                errors=tally.provider_findings[(name, Severity.ERROR)],
                warnings=tally.provider_findings[(name, Severity.WARNING)],
                notices=tally.provider_findings[(name, Severity.NOTICE)],
                kinds=tuple(sorted(tally.provider_kinds[name])),
                agreement=self.agreement(name),
                needs_agreement=bool(self.needs_agreement & tally.provider_kinds[name]),
            )
            for name in tally.provider_images
        ]
        uses.sort(key=lambda use: (not use.unlicensed, -use.images, use.name.casefold()))
        return uses


@dataclass(frozen=True)
class ProviderUse:
    """A provider whose pictures the scope's pages show: how many, on how many pages,
    the findings about them, and the register's agreement that covers them."""

    name: str
    images: int
    pages: int
    errors: int
    warnings: int
    notices: int
    kinds: tuple[str, ...]
    agreement: RightsEntry | None
    needs_agreement: bool

    @property
    def unlicensed(self) -> bool:
        """Whether its pictures need an agreement and the register has none."""
        return self.needs_agreement and self.agreement is None


@dataclass
class AuditTally:
    """Counts kept while a report's findings and images stream past."""

    open: Counter[Severity] = field(default_factory=Counter)
    waived: Counter[Severity] = field(default_factory=Counter)
    resolved: Counter[Severity] = field(default_factory=Counter)
    by_rule: Counter[tuple[str, Severity]] = field(default_factory=Counter)
    provider_findings: Counter[tuple[str, Severity]] = field(default_factory=Counter)
    page_risk: dict[str, list[int]] = field(default_factory=dict)
    provider_images: Counter[str] = field(default_factory=Counter)
    provider_pages: dict[str, set[str]] = field(default_factory=dict)
    provider_kinds: dict[str, set[str]] = field(default_factory=dict)
    images: int = 0
    pages: set[str] = field(default_factory=set)

    @property
    def findings(self) -> int:
        """How many findings the report lists."""
        return sum(self.open.values()) + sum(self.waived.values()) + sum(self.resolved.values())

    def add_finding(self, finding: ReportFinding) -> None:
        """Count one finding (waived and resolved ones apart: they are not at risk)."""
        severity = finding.severity
        if finding.status == "waived":
            self.waived[severity] += 1
            return
        if finding.status == "resolved":  # listed with --status resolved
            self.resolved[severity] += 1
            return
        self.open[severity] += 1
        self.by_rule[(finding.rule, severity)] += 1
        self.provider_findings[(finding.provider or UNKNOWN_PROVIDER, severity)] += 1
        risk = self.page_risk.setdefault(finding.page_url, [0, 0, 0])
        risk[2 - severity.rank] += 1

    def add_image(self, image: ReportImage) -> None:
        """Count one image on one page, and its provider."""
        self.images += 1
        self.pages.add(image.page_url)
        provider = image.provider or UNKNOWN_PROVIDER
        self.provider_images[provider] += 1
        self.provider_pages.setdefault(provider, set()).add(image.page_url)
        kinds = self.provider_kinds.setdefault(provider, set())
        if image.credit_kind:
            kinds.add(image.credit_kind)

    def rules(self, severity: Severity) -> list[tuple[str, int]]:
        """The rules with open findings of ``severity``, most findings first."""
        counts = [(rule, n) for (rule, level), n in self.by_rule.items() if level == severity]
        return sorted(counts, key=lambda item: (-item[1], item[0]))

    def providers_at_risk(self, severity: Severity = Severity.ERROR) -> list[tuple[str, int]]:
        """The providers named by open findings of ``severity``, most first."""
        counts = [
            (name, n) for (name, level), n in self.provider_findings.items() if level == severity
        ]
        return sorted(counts, key=lambda item: (-item[1], item[0]))

    def riskiest_pages(self, count: int = RISKIEST_PAGES) -> list[tuple[str, int, int, int]]:
        """The pages with most open errors (then warnings, notices): (url, errors,
        warnings, notices)."""
        ranked = sorted(self.page_risk.items(), key=lambda item: ([-n for n in item[1]], item[0]))
        return [(url, *counts) for url, counts in ranked[:count]]  # type: ignore[misc]
