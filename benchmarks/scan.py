"""A whole site scanned: pages per second of a first ``attribution scan`` of a loopback
site beside a Scrapy spider doing the same work on the same site in the same run, the
time of a rescan of the unchanged site beside the first scan's, and the scan's peak
memory at ten times the pages.

The site (``site_pages.serve_site``, served by a child process) has a robots.txt that
allows everything, a sitemap index of child sitemaps and its pages, each with a strong
ETag and a Last-Modified, answering 304 to a conditional request. On it, for each size:

* **the spider**: Scrapy's ``SitemapSpider`` obeying robots.txt, reading the sitemap
  index and fetching every page it lists, each page checked in its callback with the
  project's own extraction, credit parsing and rules (``pipeline.check_html``), in
  Scrapy's one process, 16 requests at once; it stores nothing;
* **the first scan**: ``scan_site`` over the sitemap index as ``attribution scan`` runs
  it (each page's parsing in its budgeted child process, ``isolate=True``), the command's
  number of workers, at most as many fetches from the host at once and no delay between
  them, into a new SQLite database; neither side reads the image files
  (``read_images=False``), so both do the same page work and the scan also records it;
* **the rescan**: the same scan again, into the same database: every page is asked for
  with its validators and answers 304, so nothing is parsed.

Each side runs in a process of its own, which reports its seconds (from the moment its
modules are imported: the scan's parsing processes start within its time, as they do in
the command), the CPU seconds it used (the scan's: in its own process and in its
parsing processes, their start included; CPU time is less swayed than seconds by the
other work of a shared machine) and, for the scans, its peak resident memory and that
of its largest parsing process (``getrusage``).

Environment: ``BENCH_SCAN_SMALL`` and ``BENCH_SCAN_LARGE`` the two sizes (default 1,000
and 10,000 pages), ``BENCH_SCAN_ROUNDS`` how many turns each side takes, keeping its
best (default 1), ``BENCH_SCAN_WORKERS`` the scan's workers (default the command's: one
more than the cores), ``BENCH_SCAN_OWN_PAGES=1`` the project's small test pages instead
of the real pages (``../shared/realpages``, used when present). On two shared cores
with the real pages the default took 13 minutes, most of it the spider and the first
scan of the large site; ``BENCH_SCAN_SMALL=100 BENCH_SCAN_LARGE=1000`` takes about two,
and with ``BENCH_SCAN_OWN_PAGES=1`` less than one.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from site_pages import page_bodies, serve_site

# Requests the spider has in flight at once: Scrapy's own default.
SPIDER_CONCURRENCY = 16


@dataclass(frozen=True)
class ScanFigures:
    """What one scan process reports: its seconds, the CPU seconds it used and its
    parsing processes used, the pages it checked, found unchanged (and of those,
    answered 304) and failed, and its peak resident memory and that of its largest
    parsing process, in KiB."""

    seconds: float
    cpu_seconds: float
    child_cpu_seconds: float
    checked: int
    unchanged: int
    not_modified: int
    failed: list[list[str]]
    peak_kib: int
    child_peak_kib: int


@dataclass(frozen=True)
class SpiderFigures:
    """What the spider process reports: its seconds, the CPU seconds it used, the
    pages it checked and the images it found on them."""

    seconds: float
    cpu_seconds: float
    pages: int
    images: int


@dataclass(frozen=True)
class SizeFigures:
    """The best of each side's rounds on one site size."""

    pages: int
    spider: SpiderFigures | None
    first: ScanFigures
    rescan: ScanFigures
    images_stored: int


def _setting(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def _cores() -> int:
    return len(os.sched_getaffinity(0))


def _cpu_seconds(who: int) -> float:
    """User and system CPU seconds of ``resource.RUSAGE_SELF`` or ``RUSAGE_CHILDREN``
    (the children waited for)."""
    import resource

    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _run_child(role: str, *args: str) -> dict[str, Any]:
    """Run this file in a new process as ``role`` and give back the JSON it prints last."""
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), role, *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the {role} process failed:\n{done.stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def run_scan(database: str, sitemap: str, workers: int) -> ScanFigures:
    """One scan of the site in a process of its own."""
    return ScanFigures(**_run_child("scan", database, sitemap, str(workers)))


def run_spider(sitemap: str) -> SpiderFigures | None:
    """One crawl of the site by the Scrapy spider in a process of its own; None when
    Scrapy is not installed."""
    try:
        import scrapy  # noqa: F401
    except ImportError:
        return None
    return SpiderFigures(**_run_child("spider", sitemap))


def images_stored(database: Path) -> int:
    """How many image appearances a database holds (after one scan: the images the
    scan found on the pages)."""
    with sqlite3.connect(database) as connection:
        (count,) = connection.execute("SELECT count(*) FROM appearances").fetchone()
    return int(count)


def measure_size(
    bodies: list[bytes], pages: int, rounds: int, workers: int, folder: Path
) -> SizeFigures:
    """Spider, first scan and rescan of one site of ``pages`` pages, taking turns for
    ``rounds`` rounds: each side's best round (of memory, the highest peak)."""
    from attribution.store import open_database

    spider: SpiderFigures | None = None
    firsts: list[ScanFigures] = []
    rescans: list[ScanFigures] = []
    stored = 0
    with serve_site(bodies, pages) as site:
        for number in range(rounds):
            crawl = run_spider(site.sitemap_index)
            if crawl is not None:
                if crawl.pages != pages:
                    raise RuntimeError(f"the spider checked {crawl.pages} of {pages} pages")
                spider = crawl if spider is None or crawl.seconds < spider.seconds else spider
            path = folder / f"scan-{pages}-{number}.db"
            database = f"sqlite:///{path}"
            open_database(database, auto_upgrade=True).close()
            first = run_scan(database, site.sitemap_index, workers)
            if first.checked != pages or first.failed:
                raise RuntimeError(f"the first scan of {pages} pages: {first}")
            stored = images_stored(path)
            again = run_scan(database, site.sitemap_index, workers)
            if again.unchanged != pages:
                raise RuntimeError(f"the rescan of {pages} unchanged pages: {again}")
            firsts.append(first)
            rescans.append(again)
    best_first = min(firsts, key=lambda figures: figures.seconds)
    first = replace(
        best_first,
        peak_kib=max(f.peak_kib for f in firsts),
        child_peak_kib=max(f.child_peak_kib for f in firsts),
    )
    rescan = min(rescans, key=lambda figures: figures.seconds)
    return SizeFigures(pages, spider, first, rescan, stored)


def report_size(figures: SizeFigures) -> None:
    """The pages per second of the first scan beside the spider's, and the rescan's
    time beside the first scan's."""
    pages, first, rescan = figures.pages, figures.first, figures.rescan
    print(f"  {pages} pages:")
    spider = figures.spider
    if spider is None:
        print('    Scrapy spider: skipped (pip install -e ".[bench]" to compare)')
    else:
        print(
            f"    Scrapy SitemapSpider + check_html: {pages / spider.seconds:7.1f} pages/s ({spider.seconds:6.1f} s, {spider.images} images found)"
        )
    print(
        f"    attribution scan, first          : {pages / first.seconds:7.1f} pages/s ({first.seconds:6.1f} s, {figures.images_stored} images stored)"
    )
    if spider is not None:
        print(f"    ratio scan/spider pages/s: {spider.seconds / first.seconds:.2f} (goal >= 1.0)")
    spent = f"    CPU ms a page: scan {first.cpu_seconds * 1000 / pages:.1f} in its process + {first.child_cpu_seconds * 1000 / pages:.1f} in its parsing processes"
    if spider is not None:
        spent += f"; spider {spider.cpu_seconds * 1000 / pages:.1f}"
    print(spent)
    print(
        f"    rescan, site unchanged           : {pages / rescan.seconds:7.1f} pages/s ({rescan.seconds:6.1f} s, {rescan.not_modified} of {pages} answered 304)"
    )
    print(
        f"    rescan CPU: {rescan.cpu_seconds:.1f} s in its process + {rescan.child_cpu_seconds:.1f} s in its parsing processes (which parse nothing)"
    )
    print(f"    ratio first scan/rescan time: {first.seconds / rescan.seconds:.1f} (goal >= 10)")


def bench_scan() -> None:
    """A first scan of a loopback site beside a Scrapy spider, a rescan beside the
    first scan, at two sizes; and the first scan's peak memory at the larger size over
    the smaller."""
    from attribution.app.check import default_workers

    small = _setting("BENCH_SCAN_SMALL", 1_000)
    large = _setting("BENCH_SCAN_LARGE", 10_000)
    rounds = _setting("BENCH_SCAN_ROUNDS", 1)
    workers = _setting("BENCH_SCAN_WORKERS", default_workers())
    source, bodies = page_bodies(real=os.environ.get("BENCH_SCAN_OWN_PAGES") != "1")
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="attribution-bench-") as folder:
        measured = [
            measure_size(bodies, pages, rounds, workers, Path(folder)) for pages in (small, large)
        ]
    load_after = os.getloadavg()[0]
    print(
        f"scan: loopback sites of {small} and {large} pages ({source}), {_cores()} cores, "
        f"best of {rounds}; load average {load_before:.1f} before, {load_after:.1f} after"
    )
    print(
        f"  scan: {workers} workers, {workers} at once from the host, no delay, isolated, "
        f"no image files read, stored in SQLite; spider: {SPIDER_CONCURRENCY} requests at "
        "once, one process, no image files read, nothing stored"
    )
    for figures in measured:
        report_size(figures)
    low, high = measured[0].first, measured[-1].first
    print("  peak RSS of the first scan: the scan process; its largest parsing process")
    for figures in measured:
        print(
            f"    {figures.pages:6} pages: {figures.first.peak_kib / 1024:6.0f} MiB; {figures.first.child_peak_kib / 1024:6.0f} MiB"
        )
    print(
        f"    ratio {large}/{small}: {high.peak_kib / low.peak_kib:.2f} (goal <= 1.2); {high.child_peak_kib / low.child_peak_kib:.2f}"
    )


def scan_process(database: str, sitemap: str, workers: str) -> dict[str, Any]:
    """The scan of the child process: ``scan_site`` over the sitemap as the command
    runs it, timed once its modules are loaded; its figures as :class:`ScanFigures`."""
    import resource

    import attribution.app.discovery
    import attribution.app.recorder
    import attribution.fetch.pages
    import attribution.store  # noqa: F401 - loaded before the clock, as the spider's are
    from attribution.app.check import CheckOptions
    from attribution.app.scan import ScanEvents, ScanOptions, scan_site
    from attribution.records import Profile

    count = int(workers)
    options = ScanOptions(
        sources=(sitemap,),
        check=CheckOptions(
            profile=Profile(database_url=database), read_images=False, workers=count
        ),
        per_host=count,
        delay=0.0,
    )
    not_modified = 0

    def done(outcome: Any) -> None:
        nonlocal not_modified
        if outcome.unchanged is not None and outcome.unchanged.source.status == 304:
            not_modified += 1

    started, cpu = time.perf_counter(), _cpu_seconds(resource.RUSAGE_SELF)
    summary = scan_site(options, events=ScanEvents(on_done=done))
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "cpu_seconds": _cpu_seconds(resource.RUSAGE_SELF) - cpu,
        "child_cpu_seconds": _cpu_seconds(resource.RUSAGE_CHILDREN),
        "checked": summary.checked,
        "unchanged": summary.unchanged,
        "not_modified": not_modified,
        "failed": [list(failure) for failure in summary.failed[:5]],
        "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "child_peak_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    }


def spider_process(sitemap: str) -> dict[str, Any]:
    """The crawl of the child process: a Scrapy ``SitemapSpider`` reading the sitemap
    index and checking every page it lists with ``check_html``, timed once its modules
    are loaded; its figures as :class:`SpiderFigures`."""
    import resource

    from scrapy.crawler import CrawlerProcess
    from scrapy.spiders import SitemapSpider

    from attribution.licences import default_knowledge_base
    from attribution.pipeline import check_html
    from attribution.records import Profile

    knowledge = default_knowledge_base()
    profile = Profile()
    check_html(b"<html><body><img src=a.jpg></body></html>", "http://x/", profile, kb=knowledge)
    tally = {"pages": 0, "images": 0}

    class SiteSpider(SitemapSpider):
        """Every page the site's sitemaps list, checked as it comes."""

        name = "site"
        sitemap_urls = [sitemap]  # noqa: RUF012 - Scrapy reads it from the class

        def parse(self, response: Any) -> None:
            result = check_html(
                response.body, response.url, profile, encoding=response.encoding, kb=knowledge
            )
            tally["pages"] += 1
            tally["images"] += len(result.images)

    process = CrawlerProcess(
        {
            "LOG_LEVEL": "ERROR",
            "ROBOTSTXT_OBEY": True,
            "TELNETCONSOLE_ENABLED": False,
            "CONCURRENT_REQUESTS": SPIDER_CONCURRENCY,
            "CONCURRENT_REQUESTS_PER_DOMAIN": SPIDER_CONCURRENCY,
            "DOWNLOAD_DELAY": 0,
            "DOWNLOAD_MAXSIZE": 10 * 1024 * 1024,
        }
    )
    process.crawl(SiteSpider)
    started, cpu = time.perf_counter(), _cpu_seconds(resource.RUSAGE_SELF)
    process.start()
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": _cpu_seconds(resource.RUSAGE_SELF) - cpu,
        **tally,
    }


if __name__ == "__main__":
    # This file run as a child process of the benchmark: "scan" or "spider".
    ROLES = {"scan": scan_process, "spider": spider_process}
    role, *arguments = sys.argv[1:]
    print(json.dumps(ROLES[role](*arguments)))
