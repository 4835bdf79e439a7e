"""Run every benchmark: ``python benchmarks/run.py [NAME...]``.

Each benchmark prints absolute figures and a ratio against a baseline measured in the
same run, because shared machines are noisy: compare ratios across runs, not seconds.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))
# Checks in benchmarks never ask Wikimedia Commons or Flickr: the real pages show their
# pictures, and those APIs are on the internet, paced at one request a second. The
# sources benchmark asks fakes on loopback, with its own environment.
os.environ["ATTRIBUTION_SOURCE_CHECKS"] = "off"


def best_of(
    runs: int, work: Callable[[], object], clock: Callable[[], float] = time.perf_counter
) -> float:
    """The fastest of ``runs`` timings of ``work`` in seconds of ``clock`` (least
    disturbed by noise)."""
    best = float("inf")
    for _ in range(runs):
        started = clock()
        work()
        best = min(best, clock() - started)
    return best


@dataclass(frozen=True)
class PageTiming:
    """The CPU seconds of one page: its bare parse (the baseline) and its extraction."""

    name: str
    parse: float
    extract: float

    @property
    def ratio(self) -> float:
        """Extraction time over parse time."""
        return self.extract / self.parse


@dataclass(frozen=True)
class BenchPage:
    """A page to time: its name, bytes and address."""

    name: str
    html: bytes
    url: str


def cpu_best_of(runs: int, work: Callable[[], object]) -> float:
    """The least CPU time (``time.process_time``) of ``runs`` runs of ``work``, never
    zero (it divides)."""
    return max(best_of(runs, work, time.process_time), 1e-6)


REAL_PAGES = ROOT.parent / "shared" / "realpages"


def real_bench_pages() -> list[BenchPage]:
    """The hand-labelled real pages, at the address ``score.py`` gives each."""
    import gzip
    import json

    pages = []
    for line in (REAL_PAGES / "pages.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            page = json.loads(line)
            data = (REAL_PAGES / page["file"]).read_bytes()
            html = gzip.decompress(data) if page["file"].endswith(".gz") else data
            url = page.get("base_url") or "https://page.invalid/article.html"
            pages.append(BenchPage(Path(page["file"]).name, html, url))
    return pages


def time_pages(pages: list[BenchPage], runs: int) -> list[PageTiming]:
    """Each page's parse and extraction CPU time, best of ``runs``, measured side by side
    so that both see the same load on a shared machine."""
    import warnings

    from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

    from attribution.extract import extract_page

    warnings.filterwarnings("ignore", category=XMLParsedAsHTMLWarning)
    timings = []
    for page in pages:
        extract_page(page.html, page.url)  # warm caches (knowledge base, regexes)
        parse = cpu_best_of(runs, lambda page=page: BeautifulSoup(page.html, "lxml"))
        extract = cpu_best_of(runs, lambda page=page: extract_page(page.html, page.url))
        timings.append(PageTiming(page.name, parse, extract))
    return timings


def report_timings(label: str, timings: list[PageTiming]) -> None:
    """The total and worst ratios of extraction to a bare BeautifulSoup parse."""
    parse = sum(t.parse for t in timings)
    extract = sum(t.extract for t in timings)
    worst, *next_worst = sorted(timings, key=lambda t: t.ratio, reverse=True)[:4]
    print(f"  {label}: {len(timings)} pages")
    print(f"    bare parse (bs4+lxml): {parse * 1000 / len(timings):7.1f} ms CPU/page")
    print(f"    extract_page         : {extract * 1000 / len(timings):7.1f} ms CPU/page")
    print(f"    ratio extract/parse  : {extract / parse:.2f}x total")
    print(f"    worst page           : {worst.ratio:.2f}x {worst.name}")
    if next_worst:
        others = ", ".join(f"{t.ratio:.2f}x {t.name}" for t in next_worst)
        print(f"    next worst           : {others}")


def bench_extraction(runs: int = 3) -> None:
    """CPU time of extraction beside a bare parse of the same page (``BeautifulSoup(html,
    "lxml")``, as extraction parses), over the gold pages and the real pages."""
    from extraction_gold import gold_pages

    gold = [BenchPage(p.name, p.html, str(p.expected["url"])) for p in gold_pages()]
    print("extraction (CPU time, best of", runs, "runs per page):")
    report_timings("gold pages", time_pages(gold, runs))
    if not (REAL_PAGES / "pages.jsonl").exists():
        print(f"  real pages: skipped, {REAL_PAGES.name} not found beside the project")
        return
    report_timings("real pages", time_pages(real_bench_pages(), runs))


def bench_credits() -> None:
    """Credits parsed per second over the labelled corpus, beside a regex baseline."""
    import json
    import re

    from attribution.credits import parse_credit
    from attribution.credits.parse import _lookup_cached, _parse_cached, _read_cached, _words_cached
    from attribution.licences import default_knowledge_base

    def parse_cache_clear() -> None:
        _parse_cached.cache_clear()
        _words_cached.cache_clear()
        _read_cached.cache_clear()
        _lookup_cached.cache_clear()

    corpus = ROOT / "tests" / "corpus" / "credits.jsonl"
    lines = [json.loads(line)["text"] for line in corpus.read_text("utf-8").splitlines() if line]
    kb = default_knowledge_base()
    parse_credit(lines[0], kb=kb)
    simple = re.compile(r"([^/]+)/([^/]+)")

    def baseline() -> None:
        for text in lines:
            simple.search(text.lower())

    def parsing() -> None:
        for text in lines:
            parse_credit(text, kb=kb)

    def distinct() -> None:
        # Every credit new to the parser: its memo caches (lines, provider look-ups) emptied.
        parse_cache_clear()
        parsing()

    rounds = max(1, 20000 // len(lines))
    base = best_of(3, lambda: [baseline() for _ in range(rounds)])
    cold = best_of(3, lambda: [distinct() for _ in range(rounds)])
    warm = best_of(3, lambda: [parsing() for _ in range(rounds)])
    count = rounds * len(lines)
    print(f"credits: {len(lines)} distinct lines x {rounds} rounds")
    print(f"  one-regex baseline            : {count / base:10.0f} lines/s")
    print(f"  parse_credit, every line new  : {count / cold:10.0f} credits/s (target >= 20000)")
    print(f"  parse_credit, lines repeating : {count / warm:10.0f} credits/s (memoised)")
    print(f"  ratio parse/baseline time (new lines): {cold / base:.1f}x")


def bench_images() -> None:
    """Bytes and time per image: Range head reads against whole-file downloads, for a
    page of 20 large images served on loopback."""
    import re
    from http.server import BaseHTTPRequestHandler

    from conftest import LoopbackServer, send
    from imagefactory import Metadata, jpeg, xmp_packet

    from attribution.fetch.images import ImageReader, fetch_image
    from attribution.fetch.session import make_session
    from attribution.fetch.settings import FetchSettings

    meta = Metadata(
        artist="Jane Doe", copyright="Example Agency", xmp=xmp_packet(creator="Jane Doe")
    )
    body = jpeg(meta, padding=4 * 1024 * 1024)
    server = LoopbackServer()
    sent = {"bytes": 0}

    def route(handler: BaseHTTPRequestHandler) -> None:
        match = re.match(r"bytes=(\d+)-(\d*)", handler.headers.get("Range") or "")
        if match:
            start, end = int(match.group(1)), int(match.group(2) or len(body) - 1)
            part = body[start : end + 1]
            sent["bytes"] += len(part)
            send(
                handler,
                part,
                "image/jpeg",
                206,
                {"Content-Range": f"bytes {start}-{end}/{len(body)}"},
            )
        else:
            sent["bytes"] += len(body)
            send(handler, body, "image/jpeg")

    urls = []
    for number in range(20):
        server.routes[f"/img{number}.jpg"] = route
        urls.append(server.url(f"/img{number}.jpg"))
    settings = FetchSettings()
    try:
        sent["bytes"] = 0
        session = make_session(settings)
        started = time.perf_counter()
        for url in urls:
            fetch_image(url, settings, session, whole=True)
        full_time, full_bytes = time.perf_counter() - started, sent["bytes"]
        session.close()
        sent["bytes"] = 0
        reader = ImageReader(FetchSettings(image_workers=1))
        started = time.perf_counter()
        reader.read_all(urls)
        head_time, head_bytes = time.perf_counter() - started, sent["bytes"]
        reader.close()
    finally:
        server.close()
    print(f"images: 20 JPEGs of {len(body) / 2**20:.1f} MiB on loopback, one at a time")
    print(
        f"  whole download : {full_bytes / 20 / 1024:9.0f} KiB/image {full_time / 20 * 1000:7.1f} ms/image"
    )
    print(
        f"  Range head read: {head_bytes / 20 / 1024:9.0f} KiB/image {head_time / 20 * 1000:7.1f} ms/image (with parsing)"
    )
    print(
        f"  ratio bytes whole/head: {full_bytes / head_bytes:.1f}x, time: {full_time / head_time:.1f}x"
    )


BENCH_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


def bench_pages(pages: int, images_per_page: int, findings_per_image: int) -> list[Any]:
    """Results of checked pages, each with its images and findings."""
    from attribution.records import ExtractedImage, Finding, ImageResult, PageResult, Severity

    rules = ("missing-credit", "licence-not-linked", "agency-not-licensed", "ai-generated")
    severities = (Severity.ERROR, Severity.WARNING, Severity.ERROR, Severity.NOTICE)

    def result(number: int) -> PageResult:
        items = []
        for i in range(images_per_page):
            findings = tuple(
                Finding(
                    rules[(i + k) % 4], severities[(i + k) % 4], f"message {number}-{i}-{k}", "fix"
                )
                for k in range(findings_per_image)
            )
            image = ExtractedImage(
                src=f"https://cdn.example.com/{number}/{i}.jpg", caption="c", credit="Jane Doe"
            )
            items.append(ImageResult(image, None, findings))
        return PageResult(
            url=f"https://news.example.com/story/{number}", title="t", images=tuple(items)
        )

    return [result(n) for n in range(pages)]


def raw_sqlite_store(path: Path, results: list[Any], together: int = 1) -> float:
    """Seconds to write the rows record_page writes for these (new) pages, with bare
    sqlite3 on the project's schema and pragmas: ``together`` pages a transaction (as
    the project records them), the fewest statements a page (each table's rows in one
    executemany)."""
    import hashlib
    import sqlite3
    from datetime import UTC, datetime

    from attribution.store import open_database, start_run
    from attribution.store.database import SQLITE_BUSY_TIMEOUT_MS

    db = open_database(f"sqlite:///{path}", auto_upgrade=True)
    run = start_run(db, "bench", [], {})
    db.close()
    raw = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL"):
        raw.execute(f"PRAGMA {pragma}")
    raw.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")

    def key(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()

    def write(page: Any) -> None:
        moment = datetime.now(UTC).isoformat(" ")
        (page_id,) = raw.execute(
            "INSERT INTO pages (url, url_key, title, first_seen, last_checked) "
            "VALUES (?, ?, ?, ?, ?) RETURNING id",
            (page.url, key(page.url), page.title, moment, moment),
        ).fetchone()
        (fetch_id,) = raw.execute(
            "INSERT INTO page_fetches (run_id, page_id, requested_url, final_url, fetched_at, "
            "title, images) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (run, page_id, page.url, page.url, moment, page.title, len(page.images)),
        ).fetchone()
        images = dict(
            raw.execute(
                "INSERT INTO images (url, url_key, embedded, first_seen, last_seen) VALUES "
                + ", ".join(["(?, ?, 'null', ?, ?)"] * len(page.images))
                + " RETURNING url, id",
                [v for i in page.images for v in (i.image.src, key(i.image.src), moment, moment)],
            ).fetchall()
        )
        raw.executemany(
            "INSERT INTO appearances (run_id, fetch_id, page_id, image_id, position, caption, "
            "credit_text, credit, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'null', ?)",
            [
                (
                    run,
                    fetch_id,
                    page_id,
                    images[i.image.src],
                    n,
                    i.image.caption,
                    i.image.credit,
                    moment,
                )
                for n, i in enumerate(page.images)
            ],
        )
        findings = [(i, f) for i in page.images for f in i.findings]
        ids = raw.execute(
            "INSERT INTO findings (identity, rule, severity, page_id, image_id, message, fix, "
            "status, first_seen, last_seen, first_run_id, last_run_id) VALUES "
            + ", ".join(["(?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?)"] * len(findings))
            + " RETURNING id",
            [
                v
                for i, f in findings
                for v in (
                    key(f"{f.rule}|{page.url}|{i.image.src}"),
                    f.rule,
                    f.severity.value,
                    page_id,
                    images[i.image.src],
                    f.message,
                    f.fix,
                    moment,
                    moment,
                    run,
                    run,
                )
            ],
        ).fetchall()
        raw.executemany(
            "INSERT INTO finding_events (finding_id, at, event, status, run_id) "
            "VALUES (?, ?, 'found', 'open', ?)",
            [(ident, moment, run) for (ident,) in ids],
        )
        raw.execute(
            "UPDATE runs SET pages_done = pages_done + 1, images = images + ?, "
            "errors = errors + ?, warnings = warnings + ?, notices = notices + ? WHERE id = ?",
            (len(page.images), len(findings), 0, 0, run),
        )
        raw.execute(
            "INSERT INTO run_targets (run_id, position, target, status, page_id, finished_at) "
            "SELECT ?, coalesce(max(position), -1) + 1, ?, 'done', ?, ? FROM run_targets "
            "WHERE run_id = ?",
            (run, page.url, page_id, moment, run),
        )

    started = time.perf_counter()
    for start in range(0, len(results), together):
        raw.execute("BEGIN IMMEDIATE")
        for page in results[start : start + together]:
            write(page)
        raw.execute("COMMIT")
    seconds = time.perf_counter() - started
    raw.close()
    return seconds


def record_all(db: Any, results: list[Any], together: int = 1) -> tuple[float, int]:
    """Seconds to record every page in a new run, ``together`` pages at once (as a check
    records the pages that are done together), and the statements sent (not BEGIN and
    COMMIT)."""
    from statements import counted

    from attribution.store import PageToRecord, record_page, record_pages, start_run

    run = start_run(db, "bench", [], {})
    with counted(db) as sent:
        started = time.perf_counter()
        if together == 1:
            for page in results:
                record_page(db, run, page)
        else:
            for start in range(0, len(results), together):
                record_pages(
                    db, run, [PageToRecord(page) for page in results[start : start + together]]
                )
        seconds = time.perf_counter() - started
    return seconds, len(sent)


_POSTGRES_NUMBERS = itertools.count()


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str | None]:
    """The URL of a new PostgreSQL database dropped afterwards, or None when no server
    answers on 127.0.0.1:5432."""
    try:
        import psycopg

        admin = psycopg.connect(BENCH_POSTGRES, autocommit=True, connect_timeout=3)
    except Exception:  # no driver or no server: the measurement is skipped
        yield None
        return
    # A name never used before in this process: the store remembers the databases it
    # has checked the schema of.
    name = f"attribution_bench_{os.getpid()}_{next(_POSTGRES_NUMBERS)}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield (
                BENCH_POSTGRES.replace("postgresql:", "postgresql+psycopg:").rsplit("/", 1)[0]
                + f"/{name}"
            )
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bench_store(pages: int = 2_000, images_per_page: int = 5, findings_per_image: int = 2) -> None:
    """Time to store pages of results, on SQLite beside bare sqlite3 writing the same
    rows with the same schema and pragmas, and on PostgreSQL when a server answers; and
    to list findings with filters beside a raw SELECT."""
    import sqlite3
    import tempfile

    from attribution.app.gathering import RECORDED_TOGETHER
    from attribution.store import FindingFilter, list_findings, open_database

    folder = Path(tempfile.mkdtemp(prefix="attribution-bench-"))
    results = bench_pages(pages, images_per_page, findings_per_image)
    total_findings = pages * images_per_page * findings_per_image
    print(f"store: {pages} pages, {pages * images_per_page} images, {total_findings} findings")
    sqlite_times: dict[int, float] = {}
    # One page a transaction (a check of one page at a time), and as many as a check
    # records together when pages are done faster than they are stored.
    for together in (1, RECORDED_TOGETHER):
        name = f"{together} a transaction"
        raw_store = raw_sqlite_store(folder / f"raw-{together}.db", results, together)
        db = open_database(  # opened as the recorder of a check opens it
            f"sqlite:///{folder / f'attribution-{together}.db'}",
            auto_upgrade=True,
            quick_commits=True,
        )
        store_time, statements = record_all(db, results, together)
        sqlite_times[together] = store_time
        print(f"  pages {name}:")
        print(
            f"    raw sqlite3, same rows and pragmas : {raw_store:6.2f} s ({pages / raw_store:6.0f} pages/s)"
        )
        print(
            f"    attribution, SQLite                : {store_time:6.2f} s ({pages / store_time:6.0f} pages/s, {statements / pages:.1f} statements a page)"
        )
        print(f"    ratio attribution/raw: {store_time / raw_store:.1f}x")
        if together > 1:
            print(f"    statements a page: {statements / pages:.1f} (goal <= 5)")
        if together == 1:
            db.close()
    for together in (1, RECORDED_TOGETHER):
        # Pages together: SQLite and PostgreSQL take turns (a new database each time) and
        # each keeps its best of three, as a single round of either swings on a shared
        # machine; one page a transaction is measured once (it takes minutes).
        rounds = 1 if together == 1 else 3
        pg_time = float("inf")
        for number in range(rounds):
            if number:
                fresh = open_database(
                    f"sqlite:///{folder / f'again-{number}.db'}",
                    auto_upgrade=True,
                    quick_commits=True,
                )
                again, _ = record_all(fresh, results, together)
                fresh.close()
                sqlite_times[together] = min(sqlite_times[together], again)
            with throwaway_postgres() as url:  # a new database each, as SQLite had
                if url is None:
                    break
                pg = open_database(url, auto_upgrade=True, quick_commits=True)
                try:
                    took, pg_statements = record_all(pg, results, together)
                finally:
                    pg.close()
                pg_time = min(pg_time, took)
        if pg_time == float("inf"):
            print("  PostgreSQL: skipped (no server on 127.0.0.1:5432)")
            break
        best = f", best of {rounds} beside SQLite's" if rounds > 1 else ""
        print(
            f"  PostgreSQL, {together} a transaction{best}: {pg_time:6.2f} s ({pages / pg_time:6.0f} pages/s, {pg_statements / pages:.1f} statements a page)"
        )
        print(
            f"    ratio PostgreSQL/SQLite per page: {pg_time / sqlite_times[together]:.1f}x"
            + (" (goal <= 1.5x)" if together > 1 else "")
        )
    raw = sqlite3.connect(folder / "raw-1.db")
    started = time.perf_counter()
    raw_rows = raw.execute(
        "SELECT * FROM findings WHERE status = 'open' AND severity = 'error' ORDER BY id DESC"
    ).fetchall()
    raw_list = time.perf_counter() - started
    raw.close()
    started = time.perf_counter()
    listed = list_findings(db, FindingFilter(statuses=("open",), severities=("error",)))
    list_time = time.perf_counter() - started
    started = time.perf_counter()
    everything = list_findings(db, FindingFilter(statuses=("open",)))
    list_all_time = time.perf_counter() - started
    db.close()
    print(
        f"  list open errors: raw {raw_list * 1000:.0f} ms ({len(raw_rows)} rows); list_findings {list_time * 1000:.0f} ms ({len(listed)}); ratio {list_time / raw_list:.1f}x"
    )
    print(f"  list all {len(everything)} open findings: {list_all_time * 1000:.0f} ms")


def bench_startup(runs: int = 7) -> None:
    """Start-up of the command beside a bare interpreter: ``python -c pass`` is the
    baseline; ``--help`` and the quick commands must not pay for SQLAlchemy, requests
    or BeautifulSoup. Then an editor's single check, with its images, stored."""
    import subprocess

    as_installed()

    def run(*args: str) -> Callable[[], object]:
        return lambda: subprocess.run(
            [sys.executable, *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    baseline = best_of(runs, run("-c", "pass"))
    print(f"start-up (best of {runs}): python -c pass {baseline * 1000:.0f} ms")
    for label, args in (
        ("attribution --help", ("-m", "attribution", "--help")),
        ("attribution rules", ("-m", "attribution", "rules")),
        ("attribution credits parse", ("-m", "attribution", "credits", "parse", "AP Photo/X")),
        ("import the whole check", ("-c", "import attribution.app.check")),
    ):
        measured = best_of(runs, run(*args))
        print(
            f"  {label:28}: {measured * 1000:5.0f} ms, ratio to python -c pass {measured / baseline:.1f}x (goal <= 5x)"
        )
    bench_single_check()


def as_installed() -> None:
    """Compile the package's bytecode, as installing it does, so that start-up is
    measured as users have it even where PYTHONDONTWRITEBYTECODE is set (a source
    checkout would otherwise compile every module at every start)."""
    import compileall

    compileall.compile_dir(str(ROOT / "attribution"), quiet=1)


def _timings(runs: int, work: Callable[[], object]) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return sorted(times)


def bench_single_check(runs: int = 20) -> None:
    """An editor's check of one loopback page with three images (their metadata read),
    stored in SQLite, as the command: p50 and p90 over ``runs`` runs beside
    ``python -c pass``."""
    import subprocess
    import tempfile

    from conftest import LoopbackServer, send
    from imagefactory import Metadata, jpeg

    from attribution.store import open_database

    as_installed()
    photo = jpeg(Metadata(artist="Jane Doe", copyright="Example Agency"))
    figures = "".join(
        f"<figure><img src='/img/{n}.jpg' width=800 height=600><figcaption>Picture {n}. "
        f"Photo: Jane Doe/Reuters</figcaption></figure>"
        for n in range(3)
    )
    page = f"<html><head><title>Story</title></head><body><article><h1>Story</h1>{figures}</article></body></html>"
    server = LoopbackServer()
    server.routes["/story"] = lambda handler: send(handler, page.encode())
    for n in range(3):
        server.routes[f"/img/{n}.jpg"] = lambda handler: send(handler, photo, "image/jpeg")
    folder = Path(tempfile.mkdtemp(prefix="attribution-bench-"))
    database = f"sqlite:///{folder}/editor.db"
    open_database(database, auto_upgrade=True).close()
    env = {**os.environ, "ATTRIBUTION_DATABASE_URL": database}
    command = [sys.executable, "-m", "attribution", "check", server.url("/story")]

    def check() -> None:
        done = subprocess.run(command, env=env, capture_output=True, check=False)
        assert done.returncode in (0, 1), done.stderr

    def bare() -> None:
        subprocess.run([sys.executable, "-c", "pass"], check=True)

    try:
        check()
        base = _timings(runs, bare)
        measured = _timings(runs, check)
    finally:
        server.close()
    p50, p90 = measured[len(measured) // 2], measured[int(len(measured) * 0.9)]
    print(f"single check of a loopback page with 3 images, stored in SQLite ({runs} runs)")
    print(
        f"  python -c pass   : p50 {base[len(base) // 2] * 1000:5.0f} ms, p90 {base[int(len(base) * 0.9)] * 1000:5.0f} ms"
    )
    print(
        f"  attribution check: p50 {p50 * 1000:5.0f} ms, p90 {p90 * 1000:5.0f} ms (goal p50 <= 500 ms)"
    )
    print(f"  ratio p50 check/python: {p50 / base[len(base) // 2]:.1f}x")


def bench_budget(rounds: int = 3) -> None:
    """Pages per second of a whole check of saved pages (no image reads, not recorded)
    with each page's parsing in the budgeted child process, beside the same check in
    this process: what the page budget costs (sending pages and results between
    processes; the child's start-up is paid once, before the clock starts)."""
    from extraction_gold import PAGES as GOLD

    from attribution.app.check import CheckOptions, PageChecker
    from attribution.sources.targets import resolve_targets

    names = [str(path) for path in sorted(GOLD.glob("*.html"))]
    targets = resolve_targets(names, None)

    def run(checker: PageChecker) -> None:
        for target in targets:
            outcome = checker.check(target)
            assert outcome.error is None, outcome.error

    inline = PageChecker(CheckOptions(read_images=False, record=False, isolate=False))
    isolated = PageChecker(CheckOptions(read_images=False, record=False))
    with inline, isolated:
        run(inline)
        run(isolated)  # warm: the child is started and has loaded its modules
        baseline = best_of(rounds, lambda: run(inline))
        measured = best_of(rounds, lambda: run(isolated))
    print(f"budget: {len(targets)} saved pages, whole check without image reads")
    print(f"  in this process       : {len(targets) / baseline:8.1f} pages/s")
    print(f"  in the budgeted child : {len(targets) / measured:8.1f} pages/s")
    print(f"  ratio isolated/inline time: {measured / baseline:.2f}x")


from atsource import bench_sources  # noqa: E402 - beside this file
from report import bench_report  # noqa: E402 - beside this file
from scan import bench_scan  # noqa: E402 - beside this file
from serve import bench_serve  # noqa: E402 - beside this file
from throughput import bench_memory, bench_parallel  # noqa: E402 - beside this file
from workers import bench_workers  # noqa: E402 - beside this file

BENCHMARKS = {
    "startup": bench_startup,
    "extraction": bench_extraction,
    "credits": bench_credits,
    "budget": bench_budget,
    "images": bench_images,
    "store": bench_store,
    "parallel": bench_parallel,
    "memory": bench_memory,
    "scan": bench_scan,
    "report": bench_report,
    "serve": bench_serve,
    "workers": bench_workers,
    "sources": bench_sources,
}

if __name__ == "__main__":
    names = sys.argv[1:] or list(BENCHMARKS)
    for name in names:
        BENCHMARKS[name]()
        print()
