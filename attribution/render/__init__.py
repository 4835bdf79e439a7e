"""Output formats: one registry, one module per format.

Each kind of document (a check report, recorded findings, the rights register, the
licences, the rules) has a table of the formats it can be rendered in; the command
line offers exactly those. A new format is a module here and a line in each table it
serves. Long documents (the audit report) are written to a sink as they are read
(:class:`StreamedFormat`), never held whole.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar, cast

from attribution.render.escape import spreadsheet_safe, terminal_safe
from attribution.render.report import CheckReport, CheckWriter

if TYPE_CHECKING:
    from attribution.licences import Licence
    from attribution.records import (
        PageSnapshot,
        Profile,
        RightsChange,
        RightsEntry,
        RunDiff,
        StoredFinding,
        Waiver,
    )
    from attribution.render.audit import AuditReport
    from attribution.render.report import Sink
    from attribution.rules import Rule

T = TypeVar("T")


@dataclass(frozen=True)
class Format(Generic[T]):
    """An output format of one kind of document: its name, what it is for, and its
    renderer as "module.function" of this package (loaded when first used, so that a
    command loads only the format it writes)."""

    name: str
    description: str
    renderer: str

    def render(self, document: T) -> str:
        """``document`` in this format."""
        module, function = self.renderer.split(".")
        render = getattr(import_module(f"attribution.render.{module}"), function)
        return cast(Callable[[T], str], render)(document)


@dataclass(frozen=True)
class StreamedFormat(Generic[T]):
    """An output format of a document too long to hold: its renderer, "module.function"
    of this package, writes the document to a sink as it reads it. A ``binary`` format
    (XLSX) is written to a binary file or stream rather than to a text sink."""

    name: str
    description: str
    renderer: str
    binary: bool = False

    def write(self, document: T, sink: object) -> None:
        """Write ``document`` in this format to ``sink``."""
        module, function = self.renderer.split(".")
        write = getattr(import_module(f"attribution.render.{module}"), function)
        cast(Callable[[T, object], None], write)(document, sink)


class _Named(Protocol):
    @property
    def name(self) -> str: ...


N = TypeVar("N", bound=_Named)


def _table(*formats: N) -> Mapping[str, N]:
    return {f.name: f for f in formats}


CHECK_FORMATS: Mapping[str, Format[CheckReport]] = _table(
    Format("text", "for people (default)", "text.check_report"),
    Format("json", "for machines (attribution.check/1)", "json.check_report"),
    Format("html", "a self-contained report to share", "html.check_report"),
    Format("csv", "for a spreadsheet, one row per finding", "csv.check_report"),
)
FINDINGS_FORMATS: Mapping[str, Format[Sequence[StoredFinding]]] = _table(
    Format("text", "for people (default)", "text.findings"),
    Format("json", "for machines", "json.findings"),
    Format("csv", "for a spreadsheet", "csv.findings"),
)
RIGHTS_FORMATS: Mapping[str, Format[Sequence[RightsEntry]]] = _table(
    Format("text", "for people (default)", "text.rights"),
    Format("json", "for machines", "json.rights"),
    Format("csv", "for a spreadsheet", "csv.rights"),
)
RIGHTS_HISTORY_FORMATS: Mapping[str, Format[Sequence[RightsChange]]] = _table(
    Format("text", "for people (default)", "text.rights_history"),
    Format("json", "for machines", "json.rights_history"),
    Format("csv", "for a spreadsheet", "csv.rights_history"),
)
WAIVERS_FORMATS: Mapping[str, Format[Sequence[Waiver]]] = _table(
    Format("text", "for people (default)", "text.waivers"),
    Format("json", "for machines", "json.waivers"),
    Format("csv", "for a spreadsheet", "csv.waivers"),
)
HISTORY_FORMATS: Mapping[str, Format[Sequence[PageSnapshot]]] = _table(
    Format("text", "for people (default)", "text.page_history"),
    Format("json", "for machines", "json.page_history"),
)
LICENCES_FORMATS: Mapping[str, Format[Sequence[Licence]]] = _table(
    Format("text", "for people (default)", "text.licences"),
    Format("json", "for machines", "json.licences"),
)
LICENCE_FORMATS: Mapping[str, Format[Licence]] = _table(
    Format("text", "for people (default)", "text.licence"),
    Format("json", "for machines", "json.licence"),
)

REPORT_FORMATS: Mapping[str, StreamedFormat[AuditReport]] = _table(
    StreamedFormat(
        "html",
        "one page for legal staff, offline and printable (default)",
        "audit_html.audit_report",
    ),
    StreamedFormat(
        "xlsx",
        "a workbook: Summary, Findings, Images, Providers, Waivers, Rights, Runs",
        "xlsx.audit_report",
        binary=True,
    ),
    StreamedFormat("csv", "one row per finding, for a spreadsheet", "csv.audit_report"),
    StreamedFormat("json", "for machines (attribution.report/1)", "json.audit_report"),
)
DIFF_FORMATS: Mapping[str, Format[RunDiff]] = _table(
    Format("text", "for people (default)", "text.run_diff"),
    Format("json", "for machines (attribution.diff/1)", "json.run_diff"),
)

RULES_FORMATS: Mapping[str, Format[Sequence[Rule]]] = _table(
    Format("text", "for people (default)", "text.rules"),
    Format("json", "for machines", "json.rules"),
    Format("markdown", "for docs/rules.md", "markdown.rules"),
)


def check_writer(name: str, sink: Sink, profile: Profile, *, colour: bool = False) -> CheckWriter:
    """A writer of the check report in format ``name`` (a name of :data:`CHECK_FORMATS`)
    that writes to ``sink`` page by page; ``colour`` for the text format on a terminal."""
    if name == "text":
        from attribution.render.text import TextCheckWriter

        return TextCheckWriter(sink, profile, colour=colour)
    if name == "json":
        from attribution.render.json import JsonCheckWriter

        return JsonCheckWriter(sink, profile)
    if name == "html":
        from attribution.render.html import HtmlCheckWriter

        return HtmlCheckWriter(sink, profile)
    if name == "csv":
        from attribution.render.csv import CsvCheckWriter

        return CsvCheckWriter(sink)
    raise ValueError(f"no check format {name!r}")


def format_help(formats: Mapping[str, Format[T]] | Mapping[str, StreamedFormat[T]]) -> str:
    """The formats of a table for a command's help: "text for people (default), …"."""
    return ", ".join(f"{f.name} {f.description}" for f in formats.values())


__all__ = [
    "CHECK_FORMATS",
    "DIFF_FORMATS",
    "FINDINGS_FORMATS",
    "HISTORY_FORMATS",
    "LICENCES_FORMATS",
    "LICENCE_FORMATS",
    "REPORT_FORMATS",
    "RIGHTS_FORMATS",
    "RIGHTS_HISTORY_FORMATS",
    "RULES_FORMATS",
    "WAIVERS_FORMATS",
    "CheckReport",
    "CheckWriter",
    "Format",
    "StreamedFormat",
    "check_writer",
    "format_help",
    "spreadsheet_safe",
    "terminal_safe",
]
