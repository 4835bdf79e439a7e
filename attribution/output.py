"""Render check results: a readable text report and the ``attribution.check/1`` JSON."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from string import Template
from typing import Any

from attribution import __version__
from attribution.records import Credit, Embedded, Finding, PageResult, Profile, Severity
from attribution.serialize import credit_json, embedded_json

SCHEMA = "attribution.check/1"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """Text taken from a page, with control and bidi-override characters made visible."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


def finding_json(finding: Finding) -> dict[str, Any]:
    """One finding as the JSON contract shapes it."""
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "message": finding.message,
        "fix": finding.fix,
    }


def summary(pages: Sequence[PageResult]) -> dict[str, int]:
    """Counts of pages, images and findings by severity."""
    counts = {"pages": len(pages), "images": sum(len(p.images) for p in pages)}
    for severity in Severity:
        counts[severity.value] = sum(
            1 for p in pages for f in p.all_findings() if f.severity is severity
        )
    return counts


def check_json(pages: Sequence[PageResult], profile: Profile) -> dict[str, Any]:
    """The whole ``attribution.check/1`` document for a run."""
    return {
        "schema": SCHEMA,
        "profile": {"publication": profile.publication, "commercial": profile.commercial},
        "pages": [
            {
                "url": page.url,
                "title": page.title,
                "images": [
                    {
                        "src": item.image.src,
                        "alt": item.image.alt,
                        "caption": item.image.caption,
                        "credit": credit_json(item.credit),
                        "embedded": embedded_json(item.embedded),
                        "findings": [finding_json(f) for f in item.findings],
                        "origin": item.image.origin,
                    }
                    for item in page.images
                ],
                "findings": [finding_json(f) for f in page.findings],
            }
            for page in pages
        ],
        "summary": summary(pages),
    }


def render_json(pages: Sequence[PageResult], profile: Profile) -> str:
    """The JSON report as text."""
    return json.dumps(check_json(pages, profile), indent=2, ensure_ascii=False)


_MARK = {Severity.ERROR: "ERROR", Severity.WARNING: "WARNING", Severity.NOTICE: "notice"}


def _finding_lines(findings: Iterable[Finding], indent: str) -> list[str]:
    lines = []
    for finding in findings:
        lines.append(f"{indent}{_MARK[finding.severity]} [{finding.rule}] {finding.message}")
        if finding.fix:
            lines.append(f"{indent}  fix: {finding.fix}")
    return lines


def render_text(pages: Sequence[PageResult], profile: Profile) -> str:
    """A report an editor reads top to bottom: each page, each image, then a summary."""
    out: list[str] = []
    for page in pages:
        title = f" — {page.title}" if page.title else ""
        out.append(terminal_safe(f"{page.url}{title}"))
        if not page.images:
            out.append("  no content images found")
        for number, item in enumerate(page.images, 1):
            image = item.image
            out.append(f"  [{number}] {terminal_safe(image.src)}")
            if image.caption:
                out.append(f"      caption: {terminal_safe(image.caption)}")
            if item.credit is None:
                out.append("      credit:  (none)")
            else:
                out.append(f"      credit:  {terminal_safe(item.credit.text)}")
                facts = _credit_facts(item.credit)
                if facts:
                    out.append(f"               {terminal_safe(facts)}")
            if item.embedded is not None:
                out.append(f"      file:    {terminal_safe(_embedded_facts(item.embedded))}")
            out.extend(terminal_safe(line) for line in _finding_lines(item.findings, "      "))
        out.extend(terminal_safe(line) for line in _finding_lines(page.findings, "  "))
        out.append("")
    out.append(_summary_line(pages, profile))
    return "\n".join(out)


def _credit_facts(credit: Credit) -> str:
    parts = []
    if credit.creator:
        parts.append(f"creator: {credit.creator}")
    if credit.provider:
        via = f" via {credit.via}" if credit.via else ""
        parts.append(f"provider: {credit.provider}{via}")
    if credit.licence:
        parts.append(f"licence: {credit.licence}")
    elif credit.licence_problem:
        parts.append(f"licence: ? ({credit.licence_problem})")
    if credit.kind != "unknown":
        parts.append(f"kind: {credit.kind}")
    return " · ".join(parts)


def _summary_line(pages: Sequence[PageResult], profile: Profile) -> str:
    counts = summary(pages)
    use = "commercial" if profile.commercial else "non-commercial"
    return (
        f"{counts['pages']} page(s), {counts['images']} image(s): {counts['error']} error(s), "
        f"{counts['warning']} warning(s), {counts['notice']} notice(s) — checked as {use} use"
    )


def reports_dir() -> Path:
    """The folder of report templates: inside the installed package, else the source tree."""
    packaged = Path(__file__).resolve().parent / "_data" / "reports"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "reports"


_NO_FINDINGS = '<span class="none">no findings</span>'


def _cell(text: str | None) -> str:
    return html.escape(text) if text else '<span class="none">—</span>'


def render_html(pages: Sequence[PageResult], profile: Profile) -> str:
    """A self-contained HTML report; everything taken from a page is escaped."""
    sections = []
    for page in pages:
        rows = []
        for number, item in enumerate(page.images, 1):
            credit = item.credit
            facts = html.escape(_credit_facts(credit)) if credit else ""
            findings = "".join(
                f'<div class="{f.severity.value}">{html.escape(f.severity.value.upper())} '
                f"[{html.escape(f.rule)}] {html.escape(f.message)}</div>"
                + (f'<div class="fix">Fix: {html.escape(f.fix)}</div>' if f.fix else "")
                for f in item.findings
            )
            rows.append(
                f"<tr><td>{number}</td>"
                f'<td><div class="src">{html.escape(item.image.src)}</div>'
                f"{_cell(item.image.caption)}</td>"
                f"<td>{_cell(credit.text if credit else None)}<div>{facts}</div></td>"
                f"<td>{findings or _NO_FINDINGS}</td></tr>"
            )
        title = f" — {html.escape(page.title)}" if page.title else ""
        body = (
            "<table><tr><th>#</th><th>Image and caption</th><th>Credit</th><th>Findings</th></tr>"
            + "".join(rows)
            + "</table>"
            if rows
            else "<p>No content images found.</p>"
        )
        sections.append(f"<h2>{html.escape(page.url)}{title}</h2>\n{body}")
    template = Template((reports_dir() / "check.html").read_text(encoding="utf-8"))
    first_title = next((p.title for p in pages if p.title), None)
    return template.substitute(
        version=__version__,
        title=html.escape(first_title or f"{len(pages)} page(s)"),
        summary=html.escape(_summary_line(pages, profile)),
        pages="\n".join(sections),
    )


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = (
    "page", "page_title", "image", "caption", "credit", "creator", "provider", "licence",
    "kind", "rule", "severity", "message", "fix",
)  # fmt: skip


def spreadsheet_safe(value: str | None) -> str:
    """A cell value that a spreadsheet will not run as a formula."""
    value = value or ""
    return "'" + value if value.startswith(_FORMULA_START) else value


def render_csv(pages: Sequence[PageResult]) -> str:
    """One row per finding (and one per image without findings), for spreadsheets."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for page in pages:
        for item in page.images:
            credit = item.credit
            base = [
                page.url,
                page.title,
                item.image.src,
                item.image.caption,
                credit.text if credit else None,
                credit.creator if credit else None,
                credit.provider if credit else None,
                credit.licence if credit else None,
                credit.kind if credit else None,
            ]
            findings = item.findings or (None,)
            for finding in findings:
                extra = (
                    [finding.rule, finding.severity.value, finding.message, finding.fix]
                    if finding
                    else [None, None, None, None]
                )
                writer.writerow([spreadsheet_safe(v) for v in [*base, *extra]])
    return buffer.getvalue()


def _embedded_facts(embedded: Embedded) -> str:
    parts = []
    for label, value in (
        ("creator", embedded.creator),
        ("copyright", embedded.copyright),
        ("credit", embedded.credit),
        ("licence", embedded.licence_url),
    ):
        if value:
            parts.append(f"{label}: {value}")
    credentials = embedded.content_credentials
    if credentials is not None:
        state = {True: "valid", False: "invalid", None: "not validated"}[credentials.valid]
        ai = ", declares AI" if credentials.ai_generated else ""
        parts.append(f"Content Credentials ({state}{ai})")
    if embedded.problem:
        parts.append(f"unreadable: {embedded.problem}" if not parts else f"({embedded.problem})")
    return " · ".join(parts) or "no metadata"
