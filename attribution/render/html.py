"""The HTML format: a self-contained report to share; everything taken from a page is
escaped."""

from __future__ import annotations

import html
import io
from collections.abc import Sequence
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING

from attribution import __version__
from attribution.render.report import copy_spool, render_whole, spool
from attribution.render.text import SOCIAL_HEADING, credit_facts, split_by_role, tally_line
from attribution.serialize import ReportTally

if TYPE_CHECKING:
    from attribution.records import ImageResult, PageResult, Profile
    from attribution.render.report import CheckReport, Sink

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
    buffer = io.StringIO()
    render_whole(HtmlCheckWriter(buffer, report.profile), report)
    return buffer.getvalue()


class HtmlCheckWriter:
    """The HTML check report written page by page (see :class:`CheckWriter`).

    The page's head holds the summary and the first title, known only at the end, so
    the sections are set aside (on disk past a few MiB) and the page is written whole
    by :meth:`finish`."""

    def __init__(self, sink: Sink, profile: Profile) -> None:
        self.sink = sink
        self.profile = profile
        self.tally = ReportTally()
        self.first_title: str | None = None
        self.sections = spool()

    def page(self, page: PageResult) -> None:
        """Set one page's section aside."""
        if self.tally.pages:
            self.sections.write("\n")
        self.tally.add(page)
        self.first_title = self.first_title or page.title
        self.sections.write(page_section(page))

    def finish(self, failed: Sequence[tuple[str, str]]) -> None:
        """Write the whole HTML page."""
        template = Template((reports_dir() / "check.html").read_text(encoding="utf-8"))
        fields = {
            "version": __version__,
            "title": html.escape(self.first_title or f"{self.tally.pages} page(s)"),
            "summary": html.escape(tally_line(self.tally, self.profile)),
            "pages": _PAGES_MARK,
        }
        before, _, after = template.substitute(fields).partition(_PAGES_MARK)
        self.sink.write(before)
        copy_spool(self.sections, self.sink.write)
        self.sink.write(after + "\n")


_PAGES_MARK = "\x00pages\x00"


def page_section(page: PageResult) -> str:
    """One page's heading, notices, table of content images and, apart, table of the
    pictures it only declares for sharing on social media."""
    content, social = split_by_role(page.images)
    title = f" — {html.escape(page.title)}" if page.title else ""
    body = _image_table(content, 1) if content else "<p>No content images found.</p>"
    if social:
        body += (
            f'<h3 class="social">{html.escape(SOCIAL_HEADING[0].upper() + SOCIAL_HEADING[1:])}'
            f"</h3>{_image_table(social, len(content) + 1)}"
        )
    notices = "".join(
        f'<p class="notice">Notice: {html.escape(notice)}</p>' for notice in page.notices
    )
    return f"<h2>{html.escape(page.url)}{title}</h2>\n{notices}{body}"


def _image_table(items: Sequence[ImageResult], first_number: int) -> str:
    rows = []
    for number, item in enumerate(items, first_number):
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
    return (
        "<table><tr><th>#</th><th>Image and caption</th><th>Credit</th><th>Findings</th></tr>"
        + "".join(rows)
        + "</table>"
    )
