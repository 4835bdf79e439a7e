"""The HTML format: a self-contained report to share; everything taken from a page is
escaped."""

from __future__ import annotations

import html
from pathlib import Path
from string import Template

from attribution import __version__
from attribution.render.report import CheckReport
from attribution.render.text import credit_facts, summary_line

_NO_FINDINGS = '<span class="none">no findings</span>'


def reports_dir() -> Path:
    """The folder of report templates: inside the installed package, else the source tree."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "_data" / "reports"
    if packaged.is_dir():
        return packaged
    return package.parent / "reports"


def _cell(text: str | None) -> str:
    return html.escape(text) if text else '<span class="none">—</span>'


def check_report(report: CheckReport) -> str:
    """The check report as one HTML page (template ``reports/check.html``)."""
    sections = []
    for page in report.pages:
        rows = []
        for number, item in enumerate(page.images, 1):
            credit = item.credit
            facts = html.escape(credit_facts(credit)) if credit else ""
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
        notices = "".join(
            f'<p class="notice">Notice: {html.escape(notice)}</p>' for notice in page.notices
        )
        sections.append(f"<h2>{html.escape(page.url)}{title}</h2>\n{notices}{body}")
    template = Template((reports_dir() / "check.html").read_text(encoding="utf-8"))
    first_title = next((p.title for p in report.pages if p.title), None)
    return (
        template.substitute(
            version=__version__,
            title=html.escape(first_title or f"{len(report.pages)} page(s)"),
            summary=html.escape(summary_line(report.pages, report.profile)),
            pages="\n".join(sections),
        )
        + "\n"
    )
