"""The audit report as one self-contained HTML file for legal staff: what is at risk
first, what changed, waivers and agreements, a trend, then every finding with its
evidence. Drawn from the Jinja2 templates of ``reports/`` (``audit.html``, with
``audit_finding.html`` for each finding and ``audit.css``), which escape everything
by default. The file needs no script and fetches nothing but the images' thumbnails:
its Content-Security-Policy allows no script at all and only its own stylesheet."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from attribution import __version__
from attribution.records import DIFF_CHANGES
from attribution.render.atsource import source_summary
from attribution.render.audit import SEVERITIES, UNKNOWN_PROVIDER, AuditTally
from attribution.render.charts import bar_chart, trend_chart
from attribution.render.html import reports_dir
from attribution.render.report import copy_spool, spool

if TYPE_CHECKING:
    from attribution.records import ReportFinding, Severity
    from attribution.render.audit import AuditReport
    from attribution.render.report import Sink

# How many entries of each kind of change the report's summary lists (all are counted).
CHANGES_LISTED = 50
# How many bars a chart of rules or providers shows.
CHART_BARS = 12
_FINDINGS_MARK = "\x00findings\x00"


def environment() -> Environment:
    """The Jinja2 environment of the report templates: everything escaped unless marked
    safe, an unknown name an error."""
    env = Environment(
        loader=FileSystemLoader(reports_dir()),
        # The stylesheet holds no text from the record: only class names it makes.
        autoescape=select_autoescape(disabled_extensions=("css",), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["href"] = web_address
    env.filters["when"] = _when
    env.filters["source_summary"] = source_summary
    return env


def web_address(url: str | None) -> str | None:
    """``url`` when it is an http(s) address a report may link to or load a thumbnail
    from; None for anything else (``javascript:``, ``data:``, files)."""
    if not url:
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else "—"


class _Classes:
    """Short CSS class names for rules and providers, given in the order they are met,
    so the stylesheet's filters (written last) name the same classes."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.names: dict[str, str] = {}

    def of(self, name: str) -> str:
        return self.names.setdefault(name, f"{self.prefix}{len(self.names)}")


def audit_report(report: AuditReport, sink: Sink) -> None:
    """Write ``report`` to ``sink`` as one HTML page."""
    env = environment()
    tally = AuditTally()
    for image in report.images():
        tally.add_image(image)
    rules, providers = _Classes("r"), _Classes("p")
    findings = spool()
    for part in _finding_parts(env, report.findings(), tally, rules, providers):
        findings.write(part)
    css = env.get_template("audit.css").render(
        rules=rules.names, providers=providers.names, severities=[s.value for s in SEVERITIES]
    )
    page = env.get_template("audit.html").render(
        _summary(report, tally, css, rules, providers) | {"findings": Markup(_FINDINGS_MARK)}
    )
    before, _, after = page.partition(_FINDINGS_MARK)
    sink.write(before)
    copy_spool(findings, sink.write)
    sink.write(after)


def _finding_parts(
    env: Environment,
    findings: Iterator[ReportFinding],
    tally: AuditTally,
    rules: _Classes,
    providers: _Classes,
) -> Iterator[str]:
    """Each finding's block, in the order given (severity, then rule), with the
    sections that group them opened and closed around them."""
    template = env.get_template("audit_finding.html")
    current: tuple[Severity, str] | None = None
    for finding in findings:
        tally.add_finding(finding)
        group = (finding.severity, finding.rule)
        yield template.render(
            f=finding,
            closes=current is not None and group != current,
            closes_severity=current is not None and finding.severity != current[0],
            opens=group != current,
            opens_severity=current is None or finding.severity != current[0],
            rule_class=rules.of(finding.rule),
            provider_class=providers.of(finding.provider or UNKNOWN_PROVIDER),
        )
        current = group
    if current is not None:
        yield "</section>\n</section>\n"


def _summary(
    report: AuditReport, tally: AuditTally, css: str, rules: _Classes, providers: _Classes
) -> dict[str, Any]:
    """What the report's head shows, from the report and the tally of its streams."""
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    diff = report.diff
    uses = report.provider_uses(tally)
    errors = SEVERITIES[0]
    return {
        "report": report,
        "version": __version__,
        "tally": tally,
        "severities": SEVERITIES,
        "css": Markup(css),
        "style_hash": f"sha256-{digest}",
        "rule_charts": [
            bar_chart(
                f"Open {severity.value}s by rule",
                tally.rules(severity)[:CHART_BARS],
                severity.value,
            )
            for severity in SEVERITIES
            if tally.rules(severity)
        ],
        "provider_chart": bar_chart(
            "Open errors by provider", tally.providers_at_risk(errors)[:CHART_BARS], "error"
        ),
        "trend_chart": trend_chart("Findings per run", report.trend),
        "riskiest": tally.riskiest_pages(),
        "changes": {change: diff.of(change) for change in DIFF_CHANGES} if diff else None,
        "listed": CHANGES_LISTED,
        "unlicensed": [use for use in uses if use.unlicensed],
        "uses": uses,
        "rule_classes": rules.names,
        "provider_classes": providers.names,
    }
