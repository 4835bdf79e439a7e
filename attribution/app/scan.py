"""Scanning a whole site, unattended: the use case behind ``attribution scan``.

A scan finds the site's pages in its sources (:mod:`attribution.app.discovery`),
leaves out what it must not or need not check (robots.txt, other sites, files that
are not pages, pages unchanged since ``--since``, over its limits), records the run
with every page it found, then checks the pages as a check does: several at once,
at most ``per_host`` from one host, their starts spaced by the scan's delay, the
host's Crawl-delay and its response time, backing off from a host that answers 429
or 503. Pages read before are asked for conditionally: one that answers 304 or sends
the same bytes is not parsed again. One scan of a site runs at a time
(a lock the database keeps: :mod:`attribution.store.locks`); a scan
that is stopped is taken up again with ``resume``.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from attribution.app.budget import Sandbox
from attribution.app.check import CheckOptions, run_checks
from attribution.app.discovery import ROBOTS_AGENT
from attribution.app.parallel import HostGate
from attribution.errors import UsageError
from attribution.records import ScanSummary
from attribution.sources.targets import resolve_targets

if TYPE_CHECKING:
    from attribution.app.crawl import CrawlRules
    from attribution.app.discovery import Discovery, Reader, Selection
    from attribution.app.distributed import PageQueue
    from attribution.app.outcomes import TargetOutcome
    from attribution.app.recorder import Recorder
    from attribution.records import DeclaredImage, LastReading
    from attribution.store import Database


# Pages whose declared images are written together.
DECLARED_TOGETHER = 100


@dataclass(frozen=True)
class ScanOptions:
    """How to scan: the sources to read and the pages to crawl from (``crawl``, as
    ``crawl_rules`` allow: by default three links deep), how to check each page (``check``: the
    profile, fetch settings, workers, whether to read images), which pages
    (``since``: only those their source says changed since; ``full``: parse every page
    even when it is unchanged), and politeness and limits: at most ``per_host`` fetches
    at once from one host, at least ``delay`` seconds apart, a run ended after
    ``max_pages`` pages, ``max_seconds`` or ``max_bytes`` downloaded (stopped early, it
    can be resumed). With a ``queue`` the pages are checked by workers
    (:mod:`attribution.app.distributed`), not in this process."""

    sources: tuple[str, ...] = ()
    crawl: tuple[str, ...] = ()
    crawl_rules: CrawlRules | None = None
    check: CheckOptions = field(default_factory=CheckOptions)
    since: datetime | None = None
    since_last: bool = False
    full: bool = False
    per_host: int = 2
    delay: float = 0.0
    max_pages: int | None = None
    max_seconds: float | None = None
    max_bytes: int | None = None
    site: str | None = None
    queue: PageQueue | None = None


@dataclass(frozen=True)
class ScanEvents:
    """What a scan tells its caller as it goes: each source as it is read, the run's
    number once it is recorded, how many pages will be checked, each page's outcome."""

    on_source: Callable[[str], None] | None = None
    on_run: Callable[[int], None] | None = None
    on_start: Callable[[int], None] | None = None
    on_done: Callable[[TargetOutcome], None] | None = None


def user_agent(base: str, contact: str | None) -> str:
    """The User-Agent of a scan: the tool, and where the site's operators can reach
    whoever runs it."""
    if not contact:
        return base
    if base.endswith(")"):
        return f"{base[:-1]}; +{contact})"
    return f"{base} (+{contact})"


def scan_site(
    options: ScanOptions, *, resume: int | None = None, events: ScanEvents | None = None
) -> ScanSummary:
    """Scan the site of ``options.sources`` (or take up the stopped scan ``resume``)
    and record every page; the scan's summary.

    Raises :class:`UsageError` without sources or with both sources and ``resume``,
    :class:`~attribution.errors.SiteBusy` when another scan of the site is running
    (nothing is recorded).
    A source that cannot be read is among the summary's problems; a page that cannot
    be checked among its failures.
    """
    from attribution.app.discovery import Reader
    from attribution.fetch.session import make_session

    events = events or ScanEvents()
    if resume is not None and options.sources:
        raise UsageError("--resume RUN takes up the run's own pages; give no SOURCE")
    if resume is None and not options.sources and not options.crawl:
        raise UsageError(
            "give at least one SOURCE (a sitemap, a feed, the site's address or a file of "
            "URLs) or --crawl URL, or list them in the profile's [scan] sources"
        )
    if options.check.isolate and options.queue is None:
        Sandbox.start_early(options.check.profile.limits.page_memory_mb)
    settings = options.check.settings
    session = make_session(settings)
    try:
        # Scans on workers share their robots.txt readings (a resume, another scan).
        cache = options.queue.robots_cache() if options.queue is not None else None
        reader = Reader(settings, session, robots_cache=cache)
        if resume is not None:
            return _resume(options, resume, reader, events)
        return _scan(options, reader, events)
    finally:
        session.close()


def _scan(options: ScanOptions, reader: Reader, events: ScanEvents) -> ScanSummary:
    from attribution.app.discovery import select_pages
    from attribution.app.recorder import Recorder
    from attribution.store import open_database
    from attribution.store.locks import SiteLock
    from attribution.store.scans import interrupt_stale_scans, last_readings, last_scan_start

    started = time.monotonic()
    profile = options.check.profile
    gate = _gate(options)
    site = options.site or _site_name(options)
    db = open_database(profile.database_url, quick_commits=True)
    try:
        if options.queue is not None:
            from attribution.app.distributed import require_shared_database

            require_shared_database(db)
        # The lock first: a second scan of the site does nothing at all.
        with SiteLock(db, site):
            interrupt_stale_scans(db, site)
            found = reader.discover(options.sources, events.on_source)
            rules = options.crawl_rules
            if options.crawl:
                _crawl(options, reader, gate, found, events)
            since = last_scan_start(db, site) if options.since_last else options.since
            readings = last_readings(db, [page.url for page in found.pages.values()])
            selection = select_pages(
                found,
                lambda url: reader.rules_for(url).allows(url, ROBOTS_AGENT),
                since=since,
                max_pages=options.max_pages,
                site_hosts=profile.domains,
                admits=rules.admits if rules is not None else None,
                read_before=lambda url: url in readings,
            )
            problems = [*found.problems, *reader.robots_problems.values()]
            if not selection.pages and selection.skipped and not problems:
                problems.append(_nothing_chosen(selection))
            names = [page.url for page in selection.pages]
            names += [page.url for page, _ in selection.skipped]
            more: dict[str, object] = {
                "site": site,
                "sources": list(options.sources),
                "crawl": list(options.crawl),
                "hosts": sorted(reader.named_hosts),
                "problems": problems,
                "since": since.isoformat() if since else None,
            }
            if options.queue is not None:  # its token and terms come as it is handed out
                more["queue"] = {"name": options.queue.name}
            first_skipped = len(selection.pages)
            skipped = {first_skipped + n: why for n, (_, why) in enumerate(selection.skipped)}
            recorder = Recorder.start_on(db, profile, names, "scan", more, skipped=skipped)
            if events.on_run is not None:
                events.on_run(recorder.run_id)
            pages = [page.url for page in selection.pages]
            known = {} if options.full else {url: readings[url] for url in pages if url in readings}
            declared = {page.url: page.declared for page in selection.pages if page.declared}
            if options.queue is not None:
                from attribution.app.distributed import check_on_workers

                status = check_on_workers(
                    options, recorder, pages, reader, events, started, options.queue, declared
                )
            else:
                status = _check(
                    options, recorder, pages, known, reader, events, started, gate, declared
                )
            summary = summarise(db, recorder.run_id)
            recorder.close(status)
            return replace(summary, status=status)
    finally:
        db.close()


def _crawl(
    options: ScanOptions, reader: Reader, gate: HostGate, found: Discovery, events: ScanEvents
) -> None:
    from attribution.app.crawl import CrawlRules, crawl

    rules = options.crawl_rules or CrawlRules()
    if options.max_pages is not None:
        rules = replace(rules, most=min(rules.most, options.max_pages))
    if events.on_source is not None:
        for start in options.crawl:
            events.on_source(f"crawl from {start}")
    crawl(
        options.crawl,
        reader,
        gate,
        rules,
        found,
        agent=ROBOTS_AGENT,
        workers=options.check.workers,
    )


def _nothing_chosen(selection: Selection) -> str:
    """The problem of a scan whose sources gave pages, none of which it may check."""
    reasons = "; ".join(f"{count} {reason}" for reason, count in selection.skipped_counts())
    return f"no page to check: every page the sources gave was left out ({reasons})"


def _resume(options: ScanOptions, run_id: int, reader: Reader, events: ScanEvents) -> ScanSummary:
    from attribution.app.recorder import Recorder
    from attribution.store import open_database
    from attribution.store.locks import SiteLock
    from attribution.store.scans import interrupt_stale_scans, last_readings, run_record

    started = time.monotonic()
    profile = options.check.profile
    db = open_database(profile.database_url, quick_commits=True)
    try:
        if options.queue is not None:
            from attribution.app.distributed import require_shared_database

            require_shared_database(db)
        record = run_record(db, run_id)
        if record.kind != "scan":
            raise UsageError(
                f"run {run_id} is a {record.kind}, not a scan: use 'attribution check --resume'"
            )
        site = str(record.options.get("site") or "")
        hosts = record.options.get("hosts")
        if isinstance(hosts, list):
            reader.named_hosts.update(str(host) for host in hosts if host)
        with SiteLock(db, site):
            interrupt_stale_scans(db, site)
            recorder, names = Recorder.resume(
                profile.database_url, run_id, check=resolve_targets, kind="scan"
            )
            if events.on_run is not None:
                events.on_run(run_id)
            for name in names:  # each host's robots.txt, once, for its Crawl-delay
                reader.rules_for(name)
            if options.queue is not None:
                status = _resume_on_workers(
                    options, recorder, names, reader, events, started, options.queue
                )
            else:
                known = {} if options.full else last_readings(db, names)
                status = _check(
                    options, recorder, names, known, reader, events, started, _gate(options)
                )
            summary = summarise(db, run_id)
            recorder.close(status)
            return replace(summary, status=status)
    finally:
        db.close()


def _resume_on_workers(
    options: ScanOptions,
    recorder: Recorder,
    names: Sequence[str],
    reader: Reader,
    events: ScanEvents,
    started: float,
    queue: PageQueue,
) -> str:
    """Hand the pages a stopped scan left to the workers of ``queue``: its tasks still
    queued are superseded by the new ones, so no page is checked twice."""
    from attribution.app.distributed import check_on_workers

    return check_on_workers(options, recorder, names, reader, events, started, queue)


def _check(
    options: ScanOptions,
    recorder: Recorder,
    pages: Sequence[str],
    known: Mapping[str, LastReading],
    reader: Reader,
    events: ScanEvents,
    started: float,
    gate: HostGate,
    declared: Mapping[str, Sequence[DeclaredImage]] | None = None,
) -> str:
    """Check the pages into the run; "finished", or "limited" when a limit of the run
    stopped it first. The images sitemaps ``declared`` for pages (by the URL listed)
    are kept with the pages' readings."""
    from attribution.store.scans import record_declared_images

    # Only the hosts the user named may be at private addresses, not those a sitemap names.
    settings = options.check.settings
    settings = replace(
        settings,
        private_targets=False,
        allowed_hosts=settings.allowed_hosts + tuple(sorted(reader.named_hosts)),
    )
    reader.pace(gate)
    check = replace(options.check, known=known, settings=settings)
    profile = recorder.with_register(check.profile)
    targets = resolve_targets(pages)
    if events.on_start is not None:
        events.on_start(len(targets))
    downloaded = 0

    waiting: list[tuple[str, Sequence[DeclaredImage]]] = []

    def keep_declared() -> None:
        if waiting:
            record_declared_images(recorder.db, recorder.run_id, waiting)
            waiting.clear()

    def done(outcome: TargetOutcome) -> None:
        nonlocal downloaded
        source = outcome.result.source if outcome.result is not None else None
        identity = outcome.result.url if outcome.result is not None else None
        if outcome.unchanged is not None:
            source, identity = outcome.unchanged.source, outcome.unchanged.url
        if declared and identity is not None and outcome.target in declared:
            waiting.append((identity, declared[outcome.target]))
            if len(waiting) >= DECLARED_TOGETHER:
                keep_declared()
        if source is not None and source.status != 304:
            downloaded += source.size
        if events.on_done is not None:
            events.on_done(outcome)

    def over_limit() -> str | None:
        if options.max_seconds is not None and time.monotonic() - started > options.max_seconds:
            return "time"
        if options.max_bytes is not None and downloaded > options.max_bytes:
            return "bytes"
        return None

    try:
        _, _, stopped = run_checks(
            targets,
            check,
            profile,
            recorder,
            on_done=done,
            keep=False,
            stop_when=over_limit,
            gate=gate,
        )
    finally:
        with contextlib.suppress(Exception):  # the pages are kept even if this is not
            keep_declared()
    return "limited" if stopped else "finished"


def summarise(db: Database, run_id: int) -> ScanSummary:
    """The summary of scan ``run_id`` as the database holds it (a resumed scan's
    summary counts every page of the run)."""
    from attribution.app.distributed import WORKERS_PROBLEM
    from attribution.store.scans import run_changes, run_record

    record = run_record(db, run_id)
    new, _, resolved = run_changes(db, run_id)
    problems = record.options.get("problems") or []
    stopped = record.options.get(WORKERS_PROBLEM)
    if isinstance(problems, list) and isinstance(stopped, str):
        problems = [*problems, stopped]
    return ScanSummary(
        run_id=run_id,
        site=str(record.options.get("site") or ""),
        status=record.status,
        started_at=record.started_at,
        finished_at=record.finished_at or datetime.now(UTC),
        checked=record.checked,
        unchanged=record.unchanged,
        failed=record.failed,
        skipped=record.skipped,
        problems=tuple(str(line) for line in problems) if isinstance(problems, list) else (),
        new_findings=new,
        resolved_findings=resolved,
    )


def _gate(options: ScanOptions) -> HostGate:
    """The scan's polite gate: its places and spacing per host, for pages and images."""
    return HostGate(options.per_host, options.delay, adaptive=True, covers_images=True)


def _site_name(options: ScanOptions) -> str:
    """The name of the site a scan is of: the host of its first URL (a source or a
    crawl's start), else its first list of URLs."""
    for url in (*options.sources, *options.crawl):
        host = urlsplit(url).hostname if url.lower().startswith(("http:", "https:")) else None
        if host:
            return host.lower()
    return f"list {options.sources[0]}" if options.sources else "pages"
