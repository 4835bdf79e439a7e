"""Many pages: pages per second of a whole check of a loopback site beside the same
extraction alone on the same cores and beside a Scrapy spider doing the same work, and
the peak memory of a check at ten times the pages.

``BENCH_PAGES`` sets the site's size (default 1,000; the issue's figure is 5,000);
``BENCH_ROUNDS`` how many turns the check and the extraction alone take (default 5).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from site_pages import loopback_site, page_bodies

ROOT = Path(__file__).resolve().parent.parent


def _cores() -> int:
    return len(os.sched_getaffinity(0))


def _extract(job: tuple[bytes, str]) -> int:
    from attribution.extract import extract_page

    return len(extract_page(job[0], job[1]).images)


def plain_extraction(bodies: list[bytes], urls: list[str]) -> float:
    """Seconds for a pool of one process per core running extraction alone over the
    pages (held in memory: no fetching, no rules, no storage)."""
    jobs = [(bodies[n % len(bodies)], url) for n, url in enumerate(urls)]
    with multiprocessing.get_context("spawn").Pool(_cores()) as pool:
        pool.map(_extract, jobs[: _cores() * 2])  # warm: each process loads its modules
        started = time.perf_counter()
        pool.map(_extract, jobs, chunksize=4)
        return time.perf_counter() - started


def whole_check(urls: list[str], database: Path, workers: int | None = None) -> float:
    """Seconds for ``check_targets`` over the site: fetched, extracted, credits and
    rules, recorded in SQLite (no image files read), by ``workers`` workers (by
    default as many as the command uses)."""
    from attribution.app.check import CheckOptions, check_targets, default_workers
    from attribution.records import Profile
    from attribution.store import open_database

    url = f"sqlite:///{database}"
    open_database(url, auto_upgrade=True).close()
    options = CheckOptions(
        profile=Profile(database_url=url), read_images=False, workers=workers or default_workers()
    )
    check_targets(urls[:4], options, keep=False)  # warm: imports, knowledge base
    started = time.perf_counter()
    outcome = check_targets(urls, options, keep=False)
    elapsed = time.perf_counter() - started
    assert outcome.tally.total == len(urls), outcome.tally.failures[:3]
    return elapsed


SPIDER = """
import sys, time, json
import scrapy
from scrapy.crawler import CrawlerProcess
from attribution.extract import extract_page

urls = json.load(open(sys.argv[1]))
done = {"pages": 0}

class Pages(scrapy.Spider):
    name = "pages"
    async def start(self):  # Scrapy 2.13 and later
        for url in urls:
            yield scrapy.Request(url, dont_filter=True)
    def start_requests(self):  # earlier Scrapy
        for url in urls:
            yield scrapy.Request(url, dont_filter=True)
    def parse(self, response):
        extract_page(response.body, response.url)
        done["pages"] += 1

extract_page(b"<html><body><img src=a.jpg></body></html>", "http://x/")  # warm
process = CrawlerProcess({"LOG_LEVEL": "ERROR", "ROBOTSTXT_OBEY": False,
    "TELNETCONSOLE_ENABLED": False, "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "DOWNLOAD_MAXSIZE": 10 * 1024 * 1024})
process.crawl(Pages)
started = time.perf_counter()
process.start()
print(json.dumps({"pages": done["pages"], "seconds": time.perf_counter() - started}))
"""


def scrapy_spider(urls: list[str]) -> float | None:
    """Seconds for a Scrapy spider fetching the site and extracting each page with the
    project's own extraction; None when Scrapy is not installed."""
    try:
        import scrapy  # noqa: F401
    except ImportError:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as listing:
        json.dump(urls, listing)
    try:
        done = subprocess.run(
            [sys.executable, "-c", SPIDER, listing.name],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(listing.name)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["pages"] == len(urls), figures
    return float(figures["seconds"])


def bench_parallel() -> None:
    """Pages per second of a whole check of a loopback site beside the plain extraction
    loop on the same cores, and beside a Scrapy spider doing the same extraction."""
    pages = int(os.environ.get("BENCH_PAGES", "1000"))
    source, bodies = page_bodies()
    folder = Path(tempfile.mkdtemp(prefix="attribution-bench-"))
    rounds = int(os.environ.get("BENCH_ROUNDS", "5"))
    with loopback_site(bodies, pages) as urls:
        # The two sides take turns. On a shared machine a single round of either can be
        # slowed by a third of its time, and the machine's pace drifts between rounds:
        # the ratio is taken within each round (its two sides run one after the other)
        # and the middle one of the rounds given.
        plains, checks = [], []
        for number in range(rounds):
            plains.append(plain_extraction(bodies, urls))
            checks.append(whole_check(urls, folder / f"check-{number}.db"))
        plain, check = min(plains), min(checks)
        ratios = sorted(p / c for p, c in zip(plains, checks, strict=True))
        one_at_a_time = whole_check(urls, folder / "one.db", workers=1)
        spider = scrapy_spider(urls)
    print(f"parallel: {pages} loopback pages ({source}), {_cores()} cores, best of {rounds}")
    print(f"  extraction alone, a pool of {_cores()} : {pages / plain:7.1f} pages/s")
    print(f"  attribution check (stored)  : {pages / check:7.1f} pages/s")
    print(f"  the same, one page at a time: {pages / one_at_a_time:7.1f} pages/s (--jobs 1)")
    print(
        f"  ratio check/extraction-alone pages/s: {statistics.median(ratios):.2f} (goal >= 0.9;"
        f" the median of {rounds} rounds, {ratios[0]:.2f} to {ratios[-1]:.2f})"
    )
    if spider is None:
        print('  Scrapy spider: skipped (pip install -e ".[bench]" to compare)')
    else:
        print(f"  Scrapy spider + extraction  : {pages / spider:7.1f} pages/s")
        print(f"  ratio check/Scrapy pages/s: {spider / check:.2f} (goal >= 0.5)")


MEASURE_PEAK = """
import resource, sys
from attribution.cli import main
code = main(sys.argv[1:])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_memory_kib(urls: list[str], folder: Path) -> int:
    """Peak resident memory of ``attribution check`` (the command's own process) over
    ``urls``, its JSON report written to a file and its results stored."""
    listing = folder / f"urls-{len(urls)}.txt"
    listing.write_text("\n".join(urls) + "\n", encoding="utf-8")
    env = {**os.environ, "ATTRIBUTION_DATABASE_URL": f"sqlite:///{folder}/memory-{len(urls)}.db"}
    subprocess.run([sys.executable, "-m", "attribution", "db", "upgrade"], env=env, check=True,
                   capture_output=True)  # fmt: skip
    args = ["check", "--targets", str(listing), "--no-images", "--format", "json",
            "--fail-on", "never", "-o", str(folder / "report.json")]  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", MEASURE_PEAK, *args], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return int(done.stdout.strip().splitlines()[-1])


def bench_memory(small: int = 1_000, large: int = 10_000) -> None:
    """Peak memory of a check of ``large`` pages as a ratio to one of ``small`` pages
    (the project's own small test pages, so that the large run stays short)."""
    _source, bodies = page_bodies(real=False)
    folder = Path(tempfile.mkdtemp(prefix="attribution-bench-"))
    with loopback_site(bodies, large) as urls:
        low = peak_memory_kib(urls[:small], folder)
        high = peak_memory_kib(urls, folder)
    print("memory: peak RSS of 'attribution check' (stored, JSON report to a file)")
    print(f"  {small:6} pages: {low / 1024:6.0f} MiB")
    print(f"  {large:6} pages: {high / 1024:6.0f} MiB")
    print(f"  ratio {large}/{small}: {high / low:.2f} (goal <= 1.2)")
