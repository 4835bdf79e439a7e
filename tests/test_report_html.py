"""The HTML audit report from records made by hand: what its head counts, its charts'
bars, its filters, and that nothing taken from a page can become markup or a link."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

from attribution.records import (
    DiffEntry,
    FieldChange,
    ReportFinding,
    ReportImage,
    ReportScope,
    RightsEntry,
    RunDiff,
    RunSummary,
    Severity,
)
from attribution.render.audit import AuditReport, AuditTally
from attribution.render.audit_html import audit_report, web_address
from attribution.render.charts import bar_chart, trend_chart
from attribution.render.text import run_diff

MOMENT = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)
PAGE = "https://news.example/politics/story"
HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'


def finding(
    ident: int, rule: str, severity: Severity, provider: str | None, **extra: object
) -> ReportFinding:
    fields: dict[str, object] = {
        "id": ident,
        "rule": rule,
        "severity": severity,
        "status": "open",
        "page_url": PAGE,
        "page_title": "A story",
        "image_url": f"https://news.example/img/{ident}.jpg",
        "message": f"Message {ident}",
        "fix": None,
        "first_seen": MOMENT,
        "last_seen": MOMENT,
        "provider": provider,
    }
    fields.update(extra)
    return ReportFinding(**fields)  # type: ignore[arg-type]


def image(provider: str | None, kind: str | None, page: str = PAGE) -> ReportImage:
    return ReportImage(
        page_url=page,
        image_url=f"https://news.example/img/{provider}.jpg",
        role="content",
        first_seen=MOMENT,
        last_seen=MOMENT,
        provider=provider,
        credit_kind=kind,
    )


def run(ident: int, errors: int, warnings: int, notices: int) -> RunSummary:
    return RunSummary(
        id=ident,
        kind="scan",
        status="finished",
        started_at=MOMENT,
        finished_at=MOMENT,
        targets=(),
        pages_done=3,
        pages_failed=0,
        images=5,
        errors=errors,
        warnings=warnings,
        notices=notices,
    )


def report(
    findings: list[ReportFinding], images: list[ReportImage], **extra: object
) -> AuditReport:
    agreements = {"Reuters": RightsEntry(provider="Reuters", reference="R-1")}
    fields: dict[str, object] = {
        "publication": "Daily Courier",
        "scope": ReportScope(),
        "generated_at": MOMENT,
        "today": MOMENT.date(),
        "trend": (run(1, 3, 1, 0), run(2, 2, 2, 1), run(3, 1, 0, 0)),
        "diff": None,
        "waivers": (),
        "expiring": (),
        "rights": tuple(agreements.values()),
        "findings": lambda: iter(findings),
        "images": lambda: iter(images),
        "agreement": agreements.get,
        "needs_agreement": frozenset({"agency", "stock"}),
    }
    fields.update(extra)
    return AuditReport(**fields)  # type: ignore[arg-type]


def html_of(audit: AuditReport) -> str:
    sink = io.StringIO()
    audit_report(audit, sink)
    return sink.getvalue()


def test_the_head_counts_what_the_findings_hold_and_names_unlicensed_providers() -> None:
    found = [
        finding(1, "agency-not-licensed", Severity.ERROR, "Associated Press"),
        finding(2, "agency-not-licensed", Severity.ERROR, "Associated Press"),
        finding(3, "nc-commercial-use", Severity.ERROR, "Flickr"),
        finding(4, "licence-not-linked", Severity.WARNING, "Flickr"),
        finding(
            5, "licence-not-linked", Severity.WARNING, None, status="waived", waiver_reason="ok"
        ),
    ]
    images = [
        image("Associated Press", "agency"),
        image("Reuters", "agency"),
        image("Flickr", "creative-commons"),
    ]
    page = html_of(report(found, images))
    assert re.search(r'id="count-error"><strong>3</strong>', page)
    assert re.search(r'id="count-warning"><strong>1</strong>', page)
    assert re.search(r'id="count-waived"><strong>1</strong>', page)
    unlicensed = page.split('id="unlicensed"')[1].split("</table>")[0]
    assert "Associated Press" in unlicensed
    assert "Reuters" not in unlicensed  # its agreement is in the register
    assert "Flickr" not in unlicensed  # Creative Commons pictures need no agreement
    # Errors come first and each rule is a section of its severity.
    assert page.index('id="errors"') < page.index('id="warnings"')
    assert page.count('class="finding ') == 5


def test_charts_have_one_bar_per_rule_provider_and_run() -> None:
    found = [
        finding(1, "agency-not-licensed", Severity.ERROR, "Associated Press"),
        finding(2, "nc-commercial-use", Severity.ERROR, "Flickr"),
        finding(3, "nc-commercial-use", Severity.ERROR, "Flickr"),
        finding(4, "licence-not-linked", Severity.WARNING, "Flickr"),
    ]
    page = html_of(report(found, []))
    charts = re.findall(r'<svg class="chart.*?</svg>', page, re.S)
    bars = [chart.count('<g class="bar">') for chart in charts]
    # errors by rule (2), warnings by rule (1), errors by provider (2), the three runs
    assert bars == [2, 1, 2, 3]
    assert chart_rects(bar_chart("x", [("a", 4), ("b", 2)], "error")) == [300.0, 150.0]


def chart_rects(chart: object) -> list[float]:
    return [bar.segments[0].width for bar in chart.bars]  # type: ignore[attr-defined]


def test_trend_columns_are_stacked_by_severity_and_scaled_to_the_largest_run() -> None:
    chart = trend_chart("t", [run(1, 2, 1, 1), run(2, 0, 0, 0)])
    first, empty = chart.bars
    assert [segment.kind for segment in first.segments] == ["error", "warning", "notice"]
    assert sum(segment.height for segment in first.segments) == 150  # the tallest fills it
    assert all(segment.height == 0 for segment in empty.segments)


def test_text_from_pages_stays_text_and_only_web_addresses_become_links() -> None:
    found = [
        finding(
            1,
            "agency-not-licensed",
            Severity.ERROR,
            HOSTILE,
            caption=HOSTILE,
            credit_text=HOSTILE,
            page_title=HOSTILE,
            page_url="javascript:alert(1)",
            image_url="javascript:alert(2)",
        )
    ]
    page = html_of(report(found, [image(HOSTILE, "agency", page="javascript:alert(1)")]))
    assert "<script>window" not in page
    assert 'onerror="window' not in page
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    assert 'href="javascript' not in page
    assert 'src="javascript' not in page
    assert "<script" not in page.lower().replace("&lt;script", "")  # no script of its own
    assert "default-src 'none'" in page


def test_the_stylesheet_is_the_only_style_the_policy_allows() -> None:
    import base64
    import hashlib

    page = html_of(report([finding(1, "r", Severity.NOTICE, None)], []))
    css = page.split("<style>")[1].split("</style>")[0]
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in page
    assert "style=" not in page.split("</style>")[1]  # no inline styles, which it would block


def test_web_address_accepts_only_http_and_https() -> None:
    assert web_address("https://a.example/x.jpg") == "https://a.example/x.jpg"
    assert web_address("HTTP://a.example/") == "HTTP://a.example/"
    for refused in (
        "javascript:alert(1)",
        "data:image/png;base64,AA",
        "file:///etc/passwd",
        "",
        None,
        "http://[::1",
    ):
        assert web_address(refused) is None


def test_the_changes_section_and_the_text_diff_list_each_kind_of_change() -> None:
    diff = RunDiff(
        before=1,
        after=2,
        before_ended=MOMENT,
        after_ended=MOMENT,
        entries=(
            DiffEntry("new", 7, "agency-not-licensed", Severity.ERROR, PAGE, None, "New one"),
            DiffEntry("resolved", 8, "nc-commercial-use", Severity.ERROR, PAGE, None, "Gone"),
            DiffEntry(
                "changed",
                9,
                "licence-not-linked",
                Severity.WARNING,
                PAGE,
                None,
                "Still",
                (FieldChange("credit", "Jane Doe / Flickr", "John Roe / Flickr"),),
            ),
        ),
    )
    page = html_of(report([], [], diff=diff))
    assert 'id="diff-new">1<' in page and 'id="diff-resolved">1<' in page
    assert "credit: Jane Doe / Flickr → John Roe / Flickr" in page
    text = run_diff(diff)
    assert "1 new, 1 resolved, 1 changed" in text
    assert "credit: Jane Doe / Flickr → John Roe / Flickr" in text


def test_filters_name_every_rule_and_provider_met() -> None:
    found = [
        finding(1, "agency-not-licensed", Severity.ERROR, "Associated Press"),
        finding(2, "licence-not-linked", Severity.WARNING, None),
    ]
    page = html_of(report(found, []))
    nav = page.split('<nav class="filters"')[1].split("</nav>")[0]
    assert ">agency-not-licensed<" in nav and ">licence-not-linked<" in nav
    assert ">Associated Press<" in nav and ">(no provider named)<" in nav
    # each filter's radio button has a rule in the stylesheet that hides the others
    for css_class in re.findall(r'id="f-([rp]\d+)"', page):
        assert f"#f-{css_class}:checked ~ #findings" in page


def test_a_waived_finding_shows_its_waiver() -> None:
    found = [
        finding(
            1,
            "agency-not-licensed",
            Severity.ERROR,
            "AP",
            status="waived",
            waiver_reason="Licensed by phone",
            waiver_by="J. Smith",
            waiver_until=date(2026, 12, 31),
        )
    ]
    page = html_of(report(found, []))
    assert "Licensed by phone — J. Smith, until 2026-12-31" in page
    assert 'class="finding p0 waived"' in page


def test_resolved_findings_listed_with_status_resolved_are_not_counted_as_at_risk() -> None:
    found = [
        finding(1, "agency-not-licensed", Severity.ERROR, "Getty Images", status="resolved"),
        finding(2, "agency-not-licensed", Severity.ERROR, "Associated Press"),
    ]
    audit = report(found, [], scope=ReportScope(statuses=("open", "resolved")))
    page = html_of(audit)
    assert re.search(r'id="count-error"><strong>1</strong>', page)
    assert "Getty Images" not in page.split('id="risk"')[1].split("</section>")[0]
    resolved = page.split('id="finding-1"')[1].split("</article>")[0]
    assert '<span class="badge">resolved</span>' in resolved
    assert "errors (2)" in page  # the filter's label counts every finding listed
    tally = AuditTally()
    for item in found:
        tally.add_finding(item)
    assert tally.open[Severity.ERROR] == 1 and tally.resolved[Severity.ERROR] == 1
    assert tally.providers_at_risk() == [("Associated Press", 1)]
    assert tally.findings == 2
