"""The audit report's tables as rows of typed values, shared by the spreadsheet formats
(XLSX writes the values as they are, CSV as text): for each table its columns, as a
key (the CSV header) and a title (the XLSX header), and one row per record."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from attribution.render.atsource import source_summary

if TYPE_CHECKING:
    from attribution.records import ReportFinding, ReportImage, RightsEntry, RunSummary, Waiver
    from attribution.render.audit import ProviderUse

Value = str | int | bool | date | datetime | None
"""A cell: text, a count, yes/no, a day or a moment (``datetime`` is a ``date`` too)."""


@dataclass(frozen=True)
class Column:
    """A column of a table: its key (the CSV header), its title (the XLSX header, which
    says "(UTC)" for moments), and its width in characters in a spreadsheet."""

    key: str
    title: str
    width: float


def columns(*specs: tuple[str, str, float]) -> tuple[Column, ...]:
    """Columns from (key, title, width) triples."""
    return tuple(Column(*spec) for spec in specs)


FINDING_COLUMNS = columns(
    ("id", "Finding", 9),
    ("severity", "Severity", 10),
    ("status", "Status", 9),
    ("rule", "Rule", 24),
    ("page", "Page URL", 50),
    ("page_title", "Page title", 40),
    ("image", "Image URL", 50),
    ("provider", "Provider", 22),
    ("licence", "Licence", 16),
    ("credit", "Credit as seen", 32),
    ("caption", "Caption as seen", 40),
    ("at_source", "At the source", 50),
    ("message", "Message", 60),
    ("fix", "Fix", 60),
    ("corrected_attribution", "Corrected attribution line", 60),
    ("first_seen", "First seen (UTC)", 19),
    ("last_seen", "Last seen (UTC)", 19),
    ("waiver_reason", "Waiver reason", 32),
    ("waiver_until", "Waiver until", 12),
    ("waiver_by", "Waiver by", 18),
)
IMAGE_COLUMNS = columns(
    ("page", "Page URL", 50),
    ("image", "Image URL", 50),
    ("role", "Role", 9),
    ("caption", "Caption", 40),
    ("alt", "Alt text", 30),
    ("credit", "Credit", 32),
    ("creator", "Creator", 22),
    ("provider", "Provider", 22),
    ("credit_kind", "Credit kind", 16),
    ("licence", "Licence", 16),
    ("first_seen", "First seen (UTC)", 19),
    ("last_seen", "Last seen (UTC)", 19),
)
PROVIDER_COLUMNS = columns(
    ("provider", "Provider", 26),
    ("images", "Images", 8),
    ("pages", "Pages", 8),
    ("errors", "Errors", 8),
    ("warnings", "Warnings", 9),
    ("notices", "Notices", 8),
    ("kinds", "Credit kinds", 24),
    ("needs_agreement", "Needs agreement", 10),
    ("agreement", "Agreement", 40),
)
WAIVER_COLUMNS = columns(
    ("id", "Waiver", 8),
    ("finding", "Finding", 9),
    ("rule", "Rule", 24),
    ("page", "Page URL", 50),
    ("image", "Image URL", 50),
    ("reason", "Reason", 40),
    ("by", "By", 18),
    ("created_at", "Created (UTC)", 19),
    ("until", "Until", 12),
    ("expiring", "Expiring", 9),
)
RIGHTS_COLUMNS = columns(
    ("id", "Agreement", 10),
    ("provider", "Provider", 26),
    ("provider_name", "Provider (table name)", 26),
    ("scope", "Scope", 18),
    ("valid_from", "Valid from", 12),
    ("valid_until", "Valid until", 12),
    ("reference", "Reference", 20),
    ("added_at", "Added (UTC)", 19),
    ("added_by", "Added by", 18),
    ("note", "Note", 40),
)
RUN_COLUMNS = columns(
    ("id", "Run", 7),
    ("kind", "Kind", 8),
    ("status", "Status", 12),
    ("started_at", "Started (UTC)", 19),
    ("finished_at", "Finished (UTC)", 19),
    ("pages_done", "Pages done", 8),
    ("pages_failed", "Pages failed", 8),
    ("pages_unchanged", "Pages unchanged", 10),
    ("pages_skipped", "Pages skipped", 9),
    ("images", "Images", 8),
    ("errors", "Errors", 8),
    ("warnings", "Warnings", 9),
    ("notices", "Notices", 8),
)


def utc(moment: datetime) -> datetime:
    """``moment`` in UTC (a moment without a zone is taken to be UTC already)."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def finding_row(finding: ReportFinding) -> tuple[Value, ...]:
    """A finding with its evidence, in :data:`FINDING_COLUMNS` order."""
    return (
        finding.id,
        finding.severity.value,
        finding.status,
        finding.rule,
        finding.page_url,
        finding.page_title,
        finding.image_url,
        finding.provider,
        finding.licence,
        finding.credit_text,
        finding.caption,
        source_summary(finding.at_source) if finding.at_source else None,
        finding.message,
        finding.fix,
        finding.corrected_line or finding.corrected_html,
        utc(finding.first_seen),
        utc(finding.last_seen),
        finding.waiver_reason,
        finding.waiver_until,
        finding.waiver_by,
    )


def image_row(image: ReportImage) -> tuple[Value, ...]:
    """An image on a page, in :data:`IMAGE_COLUMNS` order."""
    return (
        image.page_url,
        image.image_url,
        image.role,
        image.caption,
        image.alt,
        image.credit_text,
        image.creator,
        image.provider,
        image.credit_kind,
        image.licence,
        utc(image.first_seen),
        utc(image.last_seen),
    )


def agreement_words(entry: RightsEntry | None) -> str:
    """An agreement in a few words: its reference, provider and last day, or "none"."""
    if entry is None:
        return "none"
    parts = [entry.reference or "no reference", entry.provider_name or entry.provider]
    parts.append(f"valid until {entry.valid_until}" if entry.valid_until else "no end")
    return "; ".join(parts)


def provider_row(use: ProviderUse) -> tuple[Value, ...]:
    """A provider's use, in :data:`PROVIDER_COLUMNS` order."""
    return (
        use.name,
        use.images,
        use.pages,
        use.errors,
        use.warnings,
        use.notices,
        ", ".join(use.kinds),
        use.needs_agreement,
        agreement_words(use.agreement),
    )


def waiver_row(waiver: Waiver, expiring: bool) -> tuple[Value, ...]:
    """A waiver in force, in :data:`WAIVER_COLUMNS` order."""
    return (
        waiver.id,
        waiver.finding_id,
        waiver.rule,
        waiver.page_url,
        waiver.image_url,
        waiver.reason,
        waiver.created_by,
        utc(waiver.created_at),
        waiver.until,
        expiring,
    )


def rights_row(entry: RightsEntry) -> tuple[Value, ...]:
    """An agreement of the rights register, in :data:`RIGHTS_COLUMNS` order."""
    return (
        entry.id,
        entry.provider,
        entry.provider_name,
        entry.scope,
        entry.valid_from,
        entry.valid_until,
        entry.reference,
        utc(entry.added_at) if entry.added_at else None,
        entry.added_by,
        entry.note,
    )


def run_row(run: RunSummary) -> tuple[Value, ...]:
    """A run of the trend, in :data:`RUN_COLUMNS` order."""
    return (
        run.id,
        run.kind,
        run.status,
        utc(run.started_at),
        utc(run.finished_at) if run.finished_at else None,
        run.pages_done,
        run.pages_failed,
        run.pages_unchanged,
        run.pages_skipped,
        run.images,
        run.errors,
        run.warnings,
        run.notices,
    )


def waiver_rows(waivers: Sequence[Waiver], expiring: Sequence[Waiver]) -> list[tuple[Value, ...]]:
    """The waivers in force, each marked whether it is among the ``expiring`` ones."""
    soon = {waiver.id for waiver in expiring}
    return [waiver_row(waiver, waiver.id in soon) for waiver in waivers]
