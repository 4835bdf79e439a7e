"""The HTML audit report as legal staff see it: made by the installed command from the
audit scenario's record (tests/auditscenario.py), opened in headless Chromium (Debian's
``chromium``, driven by Playwright) with JavaScript off, as the report needs none.

A screenshot of the report and a PDF of its print view are kept as test artefacts in
``test-artifacts/`` (or the folder ``ATTRIBUTION_TEST_ARTIFACTS`` names)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from auditscenario import ONERROR_CAPTION, SCRIPT_CAPTION, AuditScenario
from browsers import artefacts, launched_chromium, needs_browser
from conftest import run_cli
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent


pytestmark = needs_browser("browser tests")


@pytest.fixture(scope="module")
def report_file(_audit_template: AuditScenario, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scenario's audit report, written by the installed command."""
    output = tmp_path_factory.mktemp("report") / "audit.html"
    result = run_cli("report", "--output", str(output), env=_audit_template.env)
    assert result.returncode == 0, result.stderr
    return output


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launched_chromium()


@pytest.fixture
def page(browser: Any, report_file: Path) -> Iterator[Any]:
    """The report opened in a tab without JavaScript, with a record of what it asked
    for and every dialog it tried to open."""
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    tab = context.new_page()
    tab.dialogs = []
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    tab.goto(report_file.as_uri())
    yield tab
    context.close()


def open_counts(scenario: AuditScenario) -> Counter[str]:
    """The open findings by severity, and the waived ones, as the database holds them."""
    engine = create_engine(scenario.database_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT severity, status FROM findings")).all()
    engine.dispose()
    counts: Counter[str] = Counter()
    for severity, status in rows:
        if status == "open":
            counts[severity] += 1
        elif status == "waived":
            counts["waived"] += 1
    return counts


def open_rules(scenario: AuditScenario, severity: str) -> set[str]:
    engine = create_engine(scenario.database_url)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT DISTINCT rule FROM findings WHERE status = 'open' AND severity = :s"),
            {"s": severity},
        ).all()
    engine.dispose()
    return {rule for (rule,) in rows}


def scans(scenario: AuditScenario) -> list[int]:
    engine = create_engine(scenario.database_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id FROM runs WHERE kind = 'scan'")).all()
    engine.dispose()
    return [ident for (ident,) in rows]


def test_the_summary_numbers_match_the_database(page: Any, _audit_template: AuditScenario) -> None:
    counts = open_counts(_audit_template)
    assert counts["error"] > 0 and counts["warning"] > 0 and counts["waived"] > 0
    for name in ("error", "warning", "notice", "waived"):
        shown = page.locator(f"#count-{name} strong").inner_text()
        assert int(shown) == counts[name], name
    listed = page.locator("#findings article.finding").count()
    assert listed == sum(counts.values())


def test_the_charts_have_a_bar_for_each_rule_provider_and_run(
    page: Any, _audit_template: AuditScenario
) -> None:
    errors = page.locator("svg.chart[aria-label='Open errors by rule'] g.bar")
    assert errors.count() == len(open_rules(_audit_template, "error"))
    warnings = page.locator("svg.chart[aria-label='Open warnings by rule'] g.bar")
    assert warnings.count() == len(open_rules(_audit_template, "warning"))
    trend = page.locator("svg.chart.trend g.bar")
    assert trend.count() == len(scans(_audit_template)) == 2  # the trend is over scans
    assert page.locator("svg.chart").first.is_visible()


def test_a_caption_holding_markup_stays_text_and_never_runs(
    browser: Any, report_file: Path
) -> None:
    # With JavaScript on, so that a script that slipped through would run.
    context = browser.new_context(java_script_enabled=True)
    tab = context.new_page()
    dialogs: list[str] = []
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    tab.goto(report_file.as_uri())
    tab.wait_for_load_state("load")
    assert tab.evaluate("typeof window.__pwned") == "undefined"
    assert tab.evaluate("document.scripts.length") == 0
    body = tab.locator("#findings").inner_text()
    assert SCRIPT_CAPTION in body and ONERROR_CAPTION in body
    assert tab.locator("#findings img[onerror]").count() == 0
    assert not dialogs
    context.close()


def test_filters_work_without_javascript(page: Any) -> None:
    warnings = page.locator("#findings section.severity.sev-warning")
    errors = page.locator("#findings section.severity.sev-error")
    assert warnings.is_visible() and errors.is_visible()
    page.locator("nav.filters label[for='f-error']").click()
    assert errors.is_visible() and not warnings.is_visible()
    page.locator("nav.filters label[for='f-all']").click()
    assert warnings.is_visible()
    provider = page.locator("nav.filters label", has_text="Associated Press")
    provider.click()
    visible = [a for a in page.locator("#findings article.finding").all() if a.is_visible()]
    assert visible and all(
        "AP" in a.inner_text() or "Associated Press" in a.inner_text() for a in visible
    )


def test_the_print_view_renders_every_finding_without_the_filters(page: Any) -> None:
    page.locator("nav.filters label[for='f-error']").click()  # a filter chosen on screen…
    page.emulate_media(media="print")
    assert not page.locator("nav.filters").is_visible()
    hidden = [a for a in page.locator("#findings article.finding").all() if not a.is_visible()]
    assert not hidden  # …does not hide findings from the printed report
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    (artefacts() / "audit-report-print.pdf").write_bytes(pdf)


def test_a_screenshot_of_the_report_is_kept(page: Any) -> None:
    path = artefacts() / "audit-report.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
