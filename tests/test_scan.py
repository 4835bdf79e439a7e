"""``attribution scan`` against a publisher's site on loopback (tests/scansite.py): a
first scan, a rescan that is mostly 304s, a scan killed with ``kill -9`` and resumed,
politeness, and sources and servers that misbehave."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import LoopbackServer
from faultserver import FaultServer
from scansite import RobotsMode, ScanSite
from sqlalchemy import func, select

from attribution.app.check import CheckOptions
from attribution.app.scan import ScanOptions
from attribution.app.scan import scan_site as run_scan
from attribution.cli import cli
from attribution.errors import SiteBusy
from attribution.fetch.settings import FetchSettings
from attribution.records import Profile, ScanSummary
from attribution.store import open_database
from attribution.store.locks import SiteLock
from attribution.store.models import Appearance, FindingRow, Image, Page, PageFetch

CONTACT = "https://ops.example.com/contact"


def _options(database: str, *sources: str, **more: object) -> ScanOptions:
    settings = FetchSettings(user_agent=f"attribution/test (+{CONTACT})")
    check = CheckOptions(
        profile=Profile(database_url=database), settings=settings, isolate=False, workers=3
    )
    return ScanOptions(sources=sources, check=check, **more)  # type: ignore[arg-type]


def _scan(database: str, *sources: str, **more: object) -> ScanSummary:
    return run_scan(_options(database, *sources, **more))


def _fresh(folder: Path, name: str) -> str:
    """A new SQLite database with the schema in place."""
    url = f"sqlite:///{folder}/{name}"
    open_database(url, auto_upgrade=True).close()
    return url


@pytest.fixture
def upgraded(database_url: str) -> str:
    open_database(database_url, auto_upgrade=True).close()
    return database_url


def _record(database: str) -> dict[str, object]:
    """What a database holds of the site: pages, images and findings (as sets), and
    how many appearances each page has per reading."""
    db = open_database(database)
    try:
        with db.sessions() as session:
            pages = set(session.scalars(select(Page.url)))
            images = set(session.scalars(select(Image.url)))
            findings = set(
                session.execute(
                    select(FindingRow.rule, Page.url, Image.url)
                    .join(Page, Page.id == FindingRow.page_id)
                    .outerjoin(Image, Image.id == FindingRow.image_id)
                ).all()
            )
            readings = dict(
                session.execute(
                    select(PageFetch.page_id, func.count()).group_by(PageFetch.page_id)
                ).all()
            )
            appearances = session.scalar(select(func.count()).select_from(Appearance))
    finally:
        db.close()
    return {
        "pages": pages,
        "images": images,
        "findings": findings,
        "readings": sorted(set(readings.values())),
        "appearances": appearances,
    }


def test_a_first_scan_and_a_rescan_that_is_mostly_304s(scan_site: ScanSite, upgraded: str) -> None:
    first = _scan(upgraded, scan_site.url("/sitemap_index.xml"))
    assert (first.checked, first.unchanged, first.failed, first.problems) == (12, 0, (), ())
    skipped = dict(first.skipped)
    assert skipped["disallowed by robots.txt"] == 1
    assert sum(n for reason, n in skipped.items() if reason.startswith("not a page")) == 2
    assert first.status == "finished" and first.site == "127.0.0.1"
    errors = {f.page_url for f in first.new_findings if f.severity.value == "error"}
    for n in scan_site.non_commercial_pages():
        assert scan_site.page_url(n) in errors
    assert first.resolved_findings == 0
    # polite: robots.txt first, the contact in every request, never the private page
    paths = scan_site.paths()
    assert paths.index("/robots.txt") < min(
        paths.index(scan_site.page_path(n)) for n in scan_site.page_numbers
    )
    assert "/private/staff-rota.html" not in paths
    assert all(CONTACT in request.headers["User-Agent"] for request in scan_site.requests)
    assert scan_site.max_in_flight <= 2  # two at a time from one host, pages and images

    scan_site.clear_log()
    scan_site.change(3)
    scan_site.touch_without_change(5)
    again = _scan(upgraded, scan_site.url("/sitemap_index.xml"))
    assert (again.checked, again.unchanged) == (1, 11)
    assert again.new_findings == () and again.resolved_findings == 0
    statuses = {n: request.status for n, request in scan_site.article_requests()}
    assert statuses == {n: 200 if n in (3, 5) else 304 for n in scan_site.page_numbers}
    # the conditional requests carried the validators of the last reading
    assert all("If-None-Match" in request.headers for _, request in scan_site.article_requests())
    record = _record(upgraded)
    assert len(record["pages"]) == 12  # type: ignore[arg-type]


def test_without_validators_the_same_bytes_tell_an_unchanged_page(
    scan_site_factory: Callable[..., ScanSite], tmp_path: Path
) -> None:
    site = scan_site_factory(6, validators=False)
    database = _fresh(tmp_path, "scan.db")
    assert _scan(database, site.url("/sitemap_index.xml")).checked == 6
    site.change(2)
    again = _scan(database, site.url("/sitemap_index.xml"))
    assert (again.checked, again.unchanged) == (1, 5)
    assert all(request.status == 200 for _, request in site.article_requests())


def test_since_takes_the_pages_their_sources_date_after_it(
    scan_site: ScanSite, tmp_path: Path
) -> None:
    from datetime import timedelta

    newest = scan_site.newest(3)
    since = min(scan_site.published(n) for n in newest) - timedelta(hours=1)
    database = _fresh(tmp_path, "s.db")
    sitemap = scan_site.url("/sitemap_index.xml")
    # pages never read are checked whatever their date
    assert _scan(database, sitemap, since=since).checked == 12
    scan_site.change(1)  # the oldest page, dated now
    summary = _scan(database, sitemap, since=since)
    assert (summary.checked, summary.unchanged) == (1, 3)
    assert dict(summary.skipped)["not modified since the date asked for"] == 8


def test_feeds_and_lists_are_sources_too(scan_site: ScanSite, tmp_path: Path) -> None:
    listed = tmp_path / "urls.txt"
    listed.write_text(f"# two of them\n{scan_site.page_url(1)}\n{scan_site.page_url(2)}\n")
    summary = _scan(
        _fresh(tmp_path, "s.db"),
        scan_site.url("/feed.xml"),
        scan_site.url("/atom.xml"),
        str(listed),
    )
    assert summary.checked == 5 + 2 and summary.problems == ()


def test_the_sites_address_leads_to_the_sitemaps_robots_txt_names(
    scan_site: ScanSite, tmp_path: Path
) -> None:
    summary = _scan(_fresh(tmp_path, "s.db"), scan_site.url("/"))
    assert summary.checked == 12 and summary.problems == ()
    assert "/sitemap-news.xml" in scan_site.paths()


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/hostile/entities.xml", "entities"),
        ("/hostile/external-entity.xml", "entities"),
        ("/hostile/huge.xml", "MiB"),
        ("/hostile/huge.xml.gz", "gzip"),
        ("/hostile/feed.html", "HTML page"),
    ],
)
def test_a_hostile_source_is_one_line_and_the_scan_goes_on(
    scan_site: ScanSite, tmp_path: Path, path: str, expected: str
) -> None:
    summary = _scan(
        _fresh(tmp_path, "s.db"), scan_site.url(path), scan_site.url("/sitemap_index.xml")
    )
    (problem,) = summary.problems
    assert problem.startswith(scan_site.url(path)) and expected in problem, problem
    assert summary.checked == 12


def test_a_loop_of_sitemap_indexes_is_read_once(scan_site: ScanSite, tmp_path: Path) -> None:
    summary = _scan(
        _fresh(tmp_path, "s.db"),
        scan_site.url("/hostile/loop-a.xml"),
        scan_site.url("/hostile/self.xml"),
    )
    assert summary.problems == ()
    assert scan_site.count("/hostile/loop-a.xml") == 1
    assert scan_site.count("/hostile/loop-b.xml") == 1


def test_a_sitemap_of_more_than_50000_urls_is_cut_and_limits_hold(
    scan_site: ScanSite, tmp_path: Path
) -> None:
    summary = _scan(_fresh(tmp_path, "s.db"), scan_site.url("/hostile/many.xml"), max_pages=2)
    assert summary.checked + len(summary.failed) == 2
    assert dict(summary.skipped)["over the scan's limit of 2 pages"] == 50_000 - 2


@pytest.mark.parametrize(
    ("robots", "checked", "problem"),
    [
        (RobotsMode.MISSING, 13, None),  # nothing disallowed: the private page too
        (RobotsMode.UNAVAILABLE, 0, "HTTP 503"),
        (RobotsMode.GARBAGE, 13, None),
        (RobotsMode.HTML, 13, None),
    ],
)
def test_robots_txt_missing_failing_or_garbage(
    scan_site_factory: Callable[..., ScanSite],
    tmp_path: Path,
    robots: RobotsMode,
    checked: int,
    problem: str | None,
) -> None:
    site = scan_site_factory(robots=robots)
    summary = _scan(_fresh(tmp_path, "s.db"), site.url("/sitemap_index.xml"))
    assert summary.checked == checked
    if problem is None:
        assert summary.problems == ()
    else:
        (line,) = summary.problems
        assert problem in line and "not scanned" in line
        assert dict(summary.skipped)["disallowed by robots.txt"] == 13


def test_bad_servers_are_one_line_each_and_the_scan_goes_on(
    scan_site_factory: Callable[..., ScanSite], tmp_path: Path
) -> None:
    site = scan_site_factory(4, slow_delay=5.0)
    listed = tmp_path / "urls.txt"
    bad = ["/redirect/offsite", "/redirect/loop", "/oversize.html", "/slow.html", "/drip.html"]
    listed.write_text("\n".join(site.url(path) for path in bad) + f"\n{site.page_url(1)}\n")
    options = _options(_fresh(tmp_path, "s.db"), str(listed))
    quick = FetchSettings(total_timeout=2.0, read_timeout=1.0, user_agent="attribution/test")
    options = ScanOptions(
        sources=options.sources,
        check=CheckOptions(profile=options.check.profile, settings=quick, isolate=False, workers=3),
    )
    summary = run_scan(options)
    assert summary.checked == 1
    reasons = dict(summary.failed)
    assert set(reasons) == {site.url(path) for path in bad}
    assert "redirect" in reasons[site.url("/redirect/loop")]
    assert "larger than" in reasons[site.url("/oversize.html")]
    assert all("\n" not in reason for reason in reasons.values())


def test_a_429_storm_slows_the_scan_and_a_resume_finishes_it(
    scan_site_factory: Callable[..., ScanSite], tmp_path: Path
) -> None:
    site = scan_site_factory(2, storm_failures=2)
    database = _fresh(tmp_path, "s.db")
    summary = _scan(database, site.url("/hostile/storm.xml"))
    assert len(summary.failed) == 3
    assert all("HTTP 429" in reason for _, reason in summary.failed)
    # after a 429, the host was asked again no sooner than the pause it was given
    starts = sorted(request.started for request in site.requests if "/storm/" in request.path)
    assert starts[-1] - starts[0] >= 1.0
    resumed = run_scan(_options(database), resume=summary.run_id)
    assert resumed.failed == () and resumed.checked == 3


def test_a_second_scan_of_a_site_does_nothing(scan_site: ScanSite, upgraded: str) -> None:
    db = open_database(upgraded)
    try:
        with SiteLock(db, "127.0.0.1"), pytest.raises(SiteBusy):
            _scan(upgraded, scan_site.url("/sitemap_index.xml"))
    finally:
        db.close()
    assert scan_site.article_requests() == []


def test_a_scan_over_its_time_is_limited_and_resumed(
    scan_site_factory: Callable[..., ScanSite], tmp_path: Path
) -> None:
    site = scan_site_factory(8, latency=0.2)
    database = _fresh(tmp_path, "s.db")
    first = _scan(database, site.url("/sitemap_index.xml"), max_seconds=0.01)
    assert first.status == "limited" and first.checked < 8
    rest = run_scan(_options(database), resume=first.run_id)
    assert rest.status == "finished" and rest.checked == 8


def _run_cli(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "attribution", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _done_pages(database: str, run: int) -> int:
    from attribution.store.models import RunTarget

    db = open_database(database)
    try:
        with db.sessions() as session:
            return int(
                session.scalar(
                    select(func.count())
                    .select_from(RunTarget)
                    .where(RunTarget.run_id == run, RunTarget.status == "done")
                )
                or 0
            )
    finally:
        db.close()


def test_a_scan_killed_with_kill_9_resumes_to_what_an_uninterrupted_scan_records(
    scan_site_factory: Callable[..., ScanSite], upgraded: str, tmp_path: Path
) -> None:
    site = scan_site_factory(12, latency=0.15)
    sitemap = site.url("/sitemap_index.xml")
    env = {**os.environ, "ATTRIBUTION_DATABASE_URL": upgraded}
    scan = _run_cli(["scan", sitemap, "--jobs", "2", "--per-host", "1"], env)
    try:
        for _ in range(600):  # a bounded wait for a few pages to be recorded
            if _done_pages(upgraded, 1) >= 3 or scan.poll() is not None:
                break
            time.sleep(0.1)
        assert scan.poll() is None, scan.communicate()
        os.kill(scan.pid, signal.SIGKILL)
    finally:
        scan.wait()
    assert 3 <= _done_pages(upgraded, 1) < 12
    runner = CliRunner()
    resumed = runner.invoke(
        cli,
        ["scan", "--resume", "1", "--format", "json"],
        env={"ATTRIBUTION_DATABASE_URL": upgraded},
    )
    assert resumed.exit_code in (0, 1), resumed.output
    summary = json.loads(resumed.stdout)
    assert summary["counts"]["checked"] == 12 and summary["status"] == "finished"

    whole = _fresh(tmp_path, "whole.db")
    _scan(whole, sitemap)
    killed, uninterrupted = _record(upgraded), _record(whole)
    assert killed == uninterrupted
    assert killed["readings"] == [1]  # nothing read, nor recorded, twice


def test_the_command_prints_the_summary_and_says_so_in_its_exit_code(
    scan_site: ScanSite, tmp_path: Path
) -> None:
    env = {"ATTRIBUTION_DATABASE_URL": _fresh(tmp_path, "cli.db")}
    runner = CliRunner()
    result = runner.invoke(cli, ["scan", scan_site.url("/sitemap_index.xml")], env=env)
    assert result.exit_code == 1, result.output  # new errors
    assert result.stdout.startswith("scan of 127.0.0.1 (run 1) finished")
    assert "12 checked, 0 unchanged, 0 failed, 3 skipped" in result.stdout
    again = runner.invoke(cli, ["scan", scan_site.url("/sitemap_index.xml"), "-q"], env=env)
    assert again.exit_code == 0 and again.stdout == ""  # nothing new; quiet
    missing = runner.invoke(cli, ["scan", scan_site.url("/nothing.xml")], env=env)
    assert missing.exit_code == 3 and "HTTP 404" in missing.stdout


def test_the_new_findings_go_to_the_webhooks_named_and_only_once(
    scan_site: ScanSite, server: LoopbackServer, tmp_path: Path
) -> None:
    from test_alerts import HOOK, webhook

    posted = webhook(server)
    env = {"ATTRIBUTION_DATABASE_URL": _fresh(tmp_path, "cli.db")}
    args = ["scan", scan_site.url("/sitemap_index.xml"), "--notify", server.url(HOOK)]
    first = CliRunner().invoke(cli, args, env=env)
    assert first.exit_code == 1, first.output
    (alert,) = posted
    sent = alert.json()
    assert sent["counts"]["checked"] == 12 and sent["new_findings"]
    assert {f["page_url"] for f in sent["new_findings"]} >= {
        scan_site.page_url(n) for n in scan_site.non_commercial_pages()
    }
    again = CliRunner().invoke(cli, args, env=env)
    assert again.exit_code == 0 and len(posted) == 1  # nothing new: no alert
    server.routes.pop(HOOK)
    scan_site.change(1)
    unreachable = CliRunner().invoke(cli, [*args, "--fail-on", "never"], env=env)
    assert unreachable.exit_code == 0  # nothing new at all (page 1 is clean): nothing sent
    bad = CliRunner().invoke(cli, ["scan", "--notify", "ftp://x"], env=env)
    assert bad.exit_code == 2 and "ftp://x" in bad.output


def test_a_crawl_finds_the_pages_its_patterns_admit(scan_site: ScanSite, tmp_path: Path) -> None:
    from attribution.app.crawl import CrawlRules

    rules = CrawlRules(depth=1, include=(re.compile(r"/news/\d{4}/"),))
    summary = _scan(_fresh(tmp_path, "s.db"), crawl=(scan_site.url("/"),), crawl_rules=rules)
    assert summary.checked == 12 and summary.failed == () and summary.problems == ()
    assert not any(path.startswith("/calendar/") for path in scan_site.paths())
    # robots.txt before the crawl's first page
    assert scan_site.paths()[0] == "/robots.txt"


def test_an_endless_calendar_ends_at_the_crawls_depth_and_limit(
    scan_site: ScanSite, tmp_path: Path
) -> None:
    from attribution.app.crawl import CrawlRules

    start = scan_site.url("/calendar/2024/01/")
    summary = _scan(_fresh(tmp_path, "s.db"), crawl=(start,), crawl_rules=CrawlRules(depth=3))
    # three links each way from the start, and no further
    assert summary.checked == 7
    limited = _scan(_fresh(tmp_path, "t.db"), crawl=(start,), max_pages=4)
    assert limited.checked + len(limited.failed) <= 4


def test_the_command_crawls_with_its_options(scan_site: ScanSite, tmp_path: Path) -> None:
    env = {"ATTRIBUTION_DATABASE_URL": _fresh(tmp_path, "cli.db")}
    args = ["scan", "--crawl", scan_site.url("/"), "--depth", "1", "--exclude", "/calendar/"]
    result = CliRunner().invoke(
        cli, [*args, "--include", r"/news/\d{4}/", "--format", "json"], env=env
    )
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout)["counts"]["checked"] == 12
    bad = CliRunner().invoke(cli, [*args, "--exclude", "("], env=env)
    assert bad.exit_code == 2 and "--exclude '('" in bad.output


def test_runs_lists_a_scans_unchanged_and_skipped_pages(
    scan_site: ScanSite, tmp_path: Path
) -> None:
    env = {"ATTRIBUTION_DATABASE_URL": _fresh(tmp_path, "cli.db")}
    runner = CliRunner()
    runner.invoke(cli, ["scan", scan_site.url("/sitemap_index.xml"), "-q"], env=env)
    runner.invoke(cli, ["scan", scan_site.url("/sitemap_index.xml"), "-q"], env=env)
    listed = runner.invoke(cli, ["runs"], env=env)
    assert listed.exit_code == 0
    assert "#2 scan  finished" in listed.stdout
    assert "pages 0 done, 12 unchanged, 3 skipped, 0 failed" in listed.stdout


def test_a_sitemap_that_names_a_private_host_is_not_followed_there(
    server: LoopbackServer, second_host: FaultServer, tmp_path: Path
) -> None:
    from conftest import send

    private = second_host.url("/child.xml")
    index = (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{private}</loc></sitemap></sitemapindex>"
    ).encode()
    server.routes["/index.xml"] = lambda handler: send(handler, index, "application/xml")
    server.routes["/robots.txt"] = lambda handler: send(handler, b"", "text/plain")
    second_host.routes["/child.xml"] = FaultServer.page(b"<urlset/>", "application/xml")
    summary = _scan(_fresh(tmp_path, "s.db"), server.url("/index.xml"))
    (problem,) = summary.problems
    assert problem.startswith(private) and "private address" in problem
    assert second_host.hits == {}


def test_a_page_that_moved_is_read_at_its_new_address_not_taken_as_unchanged(
    server: LoopbackServer, tmp_path: Path
) -> None:
    from conftest import send
    from test_incremental import PAGE, conditional_page

    listed = tmp_path / "urls.txt"
    listed.write_text(server.url("/old.html") + "\n")
    server.routes["/robots.txt"] = lambda handler: send(handler, b"", "text/plain")
    server.routes["/old.html"] = conditional_page(PAGE)
    database = _fresh(tmp_path, "s.db")
    assert _scan(database, str(listed)).checked == 1

    def moved(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(301)
        handler.send_header("Location", "/new.html")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    server.routes["/old.html"] = moved
    server.routes["/new.html"] = conditional_page(PAGE)  # same ETag, same bytes
    again = _scan(database, str(listed))
    assert (again.checked, again.unchanged) == (1, 0)
    record = _record(database)
    assert server.url("/new.html") in record["pages"]  # type: ignore[operator]


def test_a_site_whose_address_moves_is_scanned_at_its_new_host(
    scan_site: ScanSite, second_host: FaultServer, tmp_path: Path
) -> None:
    from dataclasses import replace

    second_host.routes["/"] = FaultServer.redirect(scan_site.url("/"), 301)
    options = _options(_fresh(tmp_path, "s.db"), second_host.url("/"))
    # both hosts are on loopback: the new one is allowed as a public one would be
    settings = replace(options.check.settings, allowed_hosts=("127.0.0.1",))
    summary = run_scan(replace(options, check=replace(options.check, settings=settings)))
    assert summary.checked == 12 and summary.problems == ()


def test_patterns_leave_out_sitemap_pages_too_and_a_scan_of_nothing_says_so(
    scan_site: ScanSite, tmp_path: Path
) -> None:
    from attribution.app.crawl import CrawlRules

    sitemap = scan_site.url("/sitemap_index.xml")
    odd = CrawlRules(exclude=(re.compile(r"-\d*[13579]\.html$"),))
    summary = _scan(_fresh(tmp_path, "s.db"), sitemap, crawl_rules=odd)
    assert summary.checked == 6
    assert dict(summary.skipped)["left out by --include or --exclude"] == 6
    nothing = CrawlRules(include=(re.compile("/no-such-section/"),))
    empty = _scan(_fresh(tmp_path, "t.db"), sitemap, crawl_rules=nothing)
    (problem,) = empty.problems
    assert empty.checked == 0 and problem.startswith("no page to check")


def test_waiting_for_a_polite_turn_is_not_counted_against_a_page(
    scan_site_factory: Callable[..., ScanSite], tmp_path: Path
) -> None:
    site = scan_site_factory(3)
    from dataclasses import replace

    from attribution.records import Limits

    listed = tmp_path / "urls.txt"
    listed.write_text("".join(site.page_url(n) + "\n" for n in (1, 2, 3)))
    options = _options(_fresh(tmp_path, "s.db"), str(listed), per_host=1, delay=0.8)
    tight = replace(options.check.profile, limits=Limits(page_seconds=1.5))
    options = replace(options, check=replace(options.check, profile=tight, read_images=False))
    summary = run_scan(options)
    assert summary.failed == () and summary.checked == 3


def test_a_scan_is_resumed_by_scan_and_a_check_by_check(
    scan_site: ScanSite, tmp_path: Path
) -> None:
    env = {"ATTRIBUTION_DATABASE_URL": _fresh(tmp_path, "cli.db")}
    runner = CliRunner()
    runner.invoke(cli, ["scan", scan_site.url("/feed.xml"), "-q"], env=env)
    wrong = runner.invoke(cli, ["check", "--resume", "1"], env=env)
    assert wrong.exit_code == 2 and "attribution scan --resume 1" in wrong.output


def test_what_an_image_sitemap_declares_is_kept_with_each_reading(
    scan_site: ScanSite, tmp_path: Path
) -> None:
    import jsonschema

    env = {"ATTRIBUTION_DATABASE_URL": _fresh(tmp_path, "cli.db")}
    runner = CliRunner()
    sitemap = scan_site.url("/sitemap_index.xml")
    runner.invoke(cli, ["scan", sitemap, "-q"], env=env)
    runner.invoke(cli, ["scan", sitemap, "-q"], env=env)
    (page,) = scan_site.non_commercial_pages()[:1]
    url = scan_site.page_url(page)
    shown = runner.invoke(cli, ["history", url, "--format", "json"], env=env)
    assert shown.exit_code == 0, shown.output
    readings = json.loads(shown.stdout)
    schema = json.loads(
        (Path(__file__).parent.parent / "docs/json/history.schema.json").read_text()
    )
    jsonschema.validate(readings, schema)
    rescan, first = readings
    assert rescan["unchanged"] and not first["unchanged"]
    for reading in readings:
        declared = reading["declared_images"]
        assert any("by-nc" in (image["licence"] or "") for image in declared)
        assert all(image["sitemap"].startswith(scan_site.url("/sitemaps/")) for image in declared)
        pictures = {image.url for image in scan_site.expected_images(page)}
        assert {image["image"] for image in declared} <= pictures
    text = runner.invoke(cli, ["history", url], env=env).stdout
    assert "unchanged, not parsed again" in text and "declares" in text
