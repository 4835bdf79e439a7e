"""``attribution scan``: scan a whole site from its sitemaps, feeds and lists, politely
and incrementally, unattended."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from attribution.app.outcomes import FAIL_ON
from attribution.cli.common import (
    EXIT_BUSY,
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_OPERATIONAL,
    config_option,
    error,
    fetch_settings,
    load_profile,
    no_images_option,
    source_options,
    timeout_option,
    verbosity_options,
    with_source_options,
)
from attribution.cli.progress import Progress
from attribution.cli.signals import interrupted, sigterm_interrupts

if TYPE_CHECKING:
    from attribution.records import ScanSummary


@click.command("scan")
@click.argument("sources", nargs=-1, metavar="[SOURCE]...")
@click.option(
    "--crawl",
    "crawl_from",
    multiple=True,
    metavar="URL",
    help="Also find pages by following links from URL, on its own host only "
    "(repeatable; for sites without sitemaps).",
)
@click.option(
    "--depth",
    type=click.IntRange(min=0, max=50),
    default=3,
    show_default=True,
    metavar="N",
    help="How many links deep --crawl goes from its start.",
)
@click.option(
    "--include",
    multiple=True,
    metavar="REGEX",
    help="Crawl and check only URLs in which REGEX is found (repeatable: any of them).",
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="REGEX",
    help="Do not crawl or check URLs in which REGEX is found (repeatable), e.g. "
    "'/calendar/' or '[?&]page='.",
)
@click.option(
    "--since",
    metavar="DATE|last",
    help="Check only pages whose sitemap or feed date is on or after DATE (YYYY-MM-DD or "
    "an ISO date and time), or 'last' for the start of the last finished scan of the "
    "site. Pages without a date are always checked.",
)
@click.option(
    "--full",
    is_flag=True,
    help="Parse every page again, even one that answers 304 or sends the same bytes "
    "(after a change of rules, profile or rights register).",
)
@click.option(
    "--max-pages",
    type=click.IntRange(min=1),
    metavar="N",
    help="Check at most N pages (the rest are skipped, and counted).",
)
@click.option(
    "--max-minutes",
    type=click.FloatRange(min=0, min_open=True),
    metavar="M",
    help="Stop after M minutes; the pages left are checked by 'scan --resume RUN'.",
)
@click.option(
    "--max-megabytes",
    type=click.FloatRange(min=0, min_open=True),
    metavar="MB",
    help="Stop after downloading MB megabytes of pages; resume as for --max-minutes.",
)
@click.option(
    "--per-host",
    type=click.IntRange(min=1, max=64),
    metavar="N",
    help="Fetch at most N pages at once from one host (default 2, or [scan] per_host).",
)
@click.option(
    "--delay",
    type=click.FloatRange(min=0),
    metavar="SECONDS",
    help="Start fetches from one host at least SECONDS apart (default 0, or [scan] delay); "
    "a robots.txt Crawl-delay or a slow server asks for more.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1, max=64),
    metavar="N",
    help="Check N pages at once (default: one more than the CPU cores).",
)
@click.option(
    "--workers",
    "where",
    type=click.Choice(("local", "celery")),
    help="Where pages are checked: 'local', in this process (the default), or 'celery', "
    "by the workers of a task queue ('attribution worker', on any number of machines; "
    "default: the profile's [scan] workers).",
)
@timeout_option
@no_images_option
@source_options
@click.option(
    "--fail-on",
    type=click.Choice(tuple(FAIL_ON)),
    default="error",
    show_default=True,
    help="Lowest severity of a NEW finding that makes the exit code 1.",
)
@click.option(
    "--site",
    metavar="NAME",
    help="The name the scan's site goes by (one scan of a site runs at a time; "
    "--since last looks for the site's last scan); default: the first source's host.",
)
@click.option(
    "--notify",
    multiple=True,
    metavar="DEST",
    help="Send the new findings, failures and source problems (when there are any) to "
    "DEST: a webhook URL (JSON), slack:URL (a Slack incoming webhook) or "
    "mailto:ops@example.com; repeatable (default: the profile's [scan] notify).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
    help="The summary as lines of text, or as JSON for machines.",
)
@click.option(
    "--resume",
    type=click.IntRange(min=1),
    metavar="RUN",
    help="Take up a stopped scan where it stopped (see 'attribution runs').",
)
@config_option
@verbosity_options
def command(
    sources: tuple[str, ...],
    crawl_from: tuple[str, ...],
    depth: int,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    since: str | None,
    full: bool,
    max_pages: int | None,
    max_minutes: float | None,
    max_megabytes: float | None,
    per_host: int | None,
    delay: float | None,
    jobs: int | None,
    where: str | None,
    timeout: float | None,
    no_images: bool,
    offline: bool,
    no_source_check: bool,
    fail_on: str,
    site: str | None,
    notify: tuple[str, ...],
    fmt: str,
    resume: int | None,
    config: Path | None,
    quiet: bool,
    verbose: bool,
) -> int:
    """Scan a whole site: find its pages in sitemaps, feeds and lists, check each
    page's images, record everything, and sum up what is new.

    SOURCE is a sitemap or sitemap index (XML, gzipped or not; news and image sitemaps
    too), an RSS or Atom feed, the site's address (the sitemaps its robots.txt names,
    else /sitemap.xml), a file listing URLs one a line, or - for such a list on stdin.
    Without SOURCE, the profile's [scan] sources are scanned.

    Polite: robots.txt is obeyed (with its Crawl-delay); the User-Agent names the tool
    and the profile's [scan] contact; at most --per-host pages are fetched from one host
    at once; a server that slows down or answers 429/503 is asked less often.
    Incremental: a page read before is asked for with its ETag and Last-Modified, and
    one that answers 304 or sends the same bytes is not parsed again (its open findings
    are marked seen). Unattended: a progress bar on a terminal, nothing but the summary
    in cron; one scan of a site at a time; a stopped scan is taken up with --resume.
    Large: with --workers celery the pages are checked by 'attribution worker'
    processes on any number of machines, into a database they share (PostgreSQL);
    the scan follows their progress and sums up as usual.

    \b
    Examples:
      attribution scan https://www.example.com/sitemap_index.xml
      attribution scan https://www.example.com/ https://www.example.com/feed.xml
      attribution scan --since last --max-minutes 240
      attribution scan urls.txt --format json
      attribution scan --crawl https://www.example.com/ --depth 4 --exclude /calendar/
      attribution scan --notify mailto:ops@example.com --notify slack:https://hooks.slack.com/…
      attribution scan --resume 12
      attribution scan https://www.example.com/ --workers celery

    \b
    exit codes: 0 nothing new at or above --fail-on, 1 new findings at or above it,
                2 usage or configuration error, 3 pages or sources could not be
                fetched or read (wins over 1), 4 another scan of the site is running
                (this one did nothing), 130 stopped by Ctrl-C, 143 by SIGTERM.
    """
    from attribution.app.alerts import mail_settings, parse_destination, send_alerts
    from attribution.app.check import CheckOptions, default_workers
    from attribution.app.crawl import CrawlRules
    from attribution.app.scan import ScanEvents, ScanOptions, scan_site, user_agent
    from attribution.errors import Interrupted, SiteBusy

    profile = with_source_options(load_profile(config), offline, no_source_check)
    settings_of_scan = profile.scan
    since_date, since_last = _since(since)
    settings = fetch_settings(timeout)
    settings = replace(
        settings, user_agent=user_agent(settings.user_agent, settings_of_scan.contact)
    )
    minutes = max_minutes or settings_of_scan.max_minutes
    megabytes = max_megabytes or settings_of_scan.max_megabytes
    rules = CrawlRules(
        depth=depth,
        include=_patterns("--include", include),
        exclude=_patterns("--exclude", exclude),
    )
    # The profile's sources stand in only when nothing is named and nothing resumed.
    named = bool(sources or crawl_from) or resume is not None
    options = ScanOptions(
        sources=sources if named else settings_of_scan.sources,
        crawl=crawl_from,
        crawl_rules=rules,
        check=CheckOptions(
            profile=profile,
            settings=settings,
            read_images=not no_images,
            workers=jobs or default_workers(),
        ),
        since=since_date,
        since_last=since_last,
        full=full,
        per_host=per_host or settings_of_scan.per_host,
        delay=delay if delay is not None else settings_of_scan.delay,
        max_pages=max_pages or settings_of_scan.max_pages,
        max_seconds=minutes * 60 if minutes else None,
        max_bytes=int(megabytes * 1024 * 1024) if megabytes else None,
        site=site,
    )
    destinations = [parse_destination(text) for text in notify or settings_of_scan.notify]
    queue = None
    if (where or settings_of_scan.workers) == "celery":
        from attribution.workers.extra import require_workers_extra

        require_workers_extra()
        from attribution.workers.queue import CeleryQueue

        queue = CeleryQueue.open(profile)  # the broker and Redis answer, or nothing is done
        options = replace(options, queue=queue)
    progress = Progress(quiet=quiet, verbose=verbose)
    runs: list[int] = []

    def reading(source: str) -> None:
        if verbose:
            click.echo(f"reading {source}", err=True)

    events = ScanEvents(
        on_source=reading, on_run=runs.append, on_start=progress.start, on_done=progress.done
    )
    try:
        try:
            with sigterm_interrupts():
                summary = scan_site(options, resume=resume, events=events)
        finally:
            progress.close()
            if queue is not None:
                queue.close()
    except (KeyboardInterrupt, Interrupted) as stop:
        return interrupted(stop, runs[-1] if runs else None, "scan")
    except SiteBusy as busy:
        error(str(busy))
        return EXIT_BUSY
    if not quiet:
        _print(summary, fmt)
    unsent = send_alerts(
        destinations,
        summary,
        settings=settings,
        mail=mail_settings(
            settings_of_scan.smtp,
            settings_of_scan.mail_from,
            os.environ.get("ATTRIBUTION_SMTP_PASSWORD"),
        ),
    )
    for line in unsent:
        error(line)
    threshold = FAIL_ON[fail_on]
    if summary.failed or summary.problems or unsent:
        return EXIT_OPERATIONAL
    if threshold is not None and any(
        finding.severity.rank >= threshold.rank for finding in summary.new_findings
    ):
        return EXIT_FINDINGS
    return EXIT_OK


def _print(summary: ScanSummary, fmt: str) -> None:
    if fmt == "json":
        import json

        from attribution.render.alerts import alert_json

        click.echo(json.dumps(alert_json(summary), indent=2, ensure_ascii=False))
        return
    from attribution.render.scan import scan_text

    click.echo(scan_text(summary), nl=False)


def _patterns(option: str, texts: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """The regular expressions of ``option``; a usage error names one that is not."""
    from attribution.errors import UsageError

    patterns = []
    for text in texts:
        try:
            patterns.append(re.compile(text))
        except re.error as problem:
            raise UsageError(f"{option} {text!r} is not a regular expression ({problem})") from None
    return tuple(patterns)


def _since(text: str | None) -> tuple[datetime | None, bool]:
    """``--since``: a date (midnight UTC), a date and time (UTC unless it says), or
    "last"."""
    from attribution.errors import UsageError

    if text is None:
        return None, False
    if text.strip().lower() == "last":
        return None, True
    try:
        if len(text.strip()) == 10:
            day = date.fromisoformat(text.strip())
            return datetime(day.year, day.month, day.day, tzinfo=UTC), False
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"--since {text!r} is not a date (YYYY-MM-DD), a date and time, or 'last'"
        ) from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)), False
