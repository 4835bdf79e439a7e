"""``attribution check``: check pages and report each image, its credit and findings."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from attribution.app.outcomes import FAIL_ON
from attribution.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_OPERATIONAL,
    ReportSink,
    check_output,
    config_option,
    fetch_settings,
    load_profile,
    no_images_option,
    output_option,
    source_options,
    timeout_option,
    use_colour,
    verbosity_options,
    with_source_options,
)
from attribution.cli.progress import Progress
from attribution.cli.signals import interrupted, sigterm_interrupts
from attribution.render import CHECK_FORMATS, format_help

if TYPE_CHECKING:
    from attribution.app.outcomes import TargetOutcome
    from attribution.render import CheckWriter


@click.command("check")
@click.argument("targets", nargs=-1, metavar="[TARGET]...")
@click.option(
    "--targets",
    "target_list",
    metavar="FILE",
    help="Read more targets from FILE, one per line ('#' starts a comment); '-' reads "
    "the list from stdin.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(tuple(CHECK_FORMATS)),
    default="text",
    show_default=True,
    help=f"Output format: {format_help(CHECK_FORMATS)}.",
)
@click.option(
    "--fail-on",
    type=click.Choice(tuple(FAIL_ON)),
    default="error",
    show_default=True,
    help="Lowest severity that makes the exit code 1.",
)
@click.option(
    "--commercial/--non-commercial",
    default=None,
    help="Check as commercial or non-commercial use (default: the profile's, else commercial).",
)
@click.option(
    "--base-url",
    metavar="URL",
    help="Address (an absolute http(s) URL) of the one page read from a file or stdin, "
    "to resolve its links against.",
)
@timeout_option
@no_images_option
@click.option(
    "--render",
    is_flag=True,
    help="Load each page in headless Chromium and check the page its scripts build "
    "(for JavaScript front ends and their preview URLs); its scripts may fetch only from "
    "the page's own origin, a saved file's from nowhere. Slower: needs chromium and playwright.",
)
@click.option(
    "--header",
    "-H",
    "headers",
    multiple=True,
    metavar="'NAME: VALUE'",
    help="Send this request header (repeatable) for a preview page behind a login, e.g. "
    "-H 'Cookie: session=…' or -H 'Authorization: Bearer …'. Sent only to the origins of "
    "the URLs checked (and of --base-url), on redirects that stay there too; never recorded.",
)
@click.option("--no-store", is_flag=True, help="Do not record the results in the database.")
@source_options
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1, max=64),
    metavar="N",
    help="Check N pages at once (default: one more than the CPU cores); at most 4 at a "
    "time are fetched from one host.",
)
@click.option(
    "--resume",
    type=click.IntRange(min=1),
    metavar="RUN",
    help="Take up an interrupted run where it stopped: check the targets it had not "
    "finished (see 'attribution runs').",
)
@config_option
@output_option
@verbosity_options
def command(
    targets: tuple[str, ...],
    target_list: str | None,
    fmt: str,
    fail_on: str,
    commercial: bool | None,
    base_url: str | None,
    timeout: float | None,
    no_images: bool,
    render: bool,
    headers: tuple[str, ...],
    no_store: bool,
    offline: bool,
    no_source_check: bool,
    jobs: int | None,
    resume: int | None,
    config: Path | None,
    output: Path | None,
    quiet: bool,
    verbose: bool,
) -> int:
    """Check pages: every content image with its caption and credit, and the findings
    of the licence rules.

    TARGET is a URL, a saved HTML file, or - for a page on stdin (with --base-url,
    which gives the address of that one page). Every check is recorded in the database
    unless --no-store is given; a check stopped by Ctrl-C or SIGTERM is marked
    interrupted at once, and 'attribution check --resume RUN' takes it up.

    An image from Wikimedia Commons or Flickr (by its address or its credit's link) is
    checked at its source: the licence and author the source gives, its licence
    history, whether it is still there. Each answer is kept in the database and used
    for [sources] cache_days (7) days; --offline asks nothing and uses what was kept.

    Several pages are checked at once (--jobs), and each page is reported and
    recorded as soon as it and those before it are done, in the order given.

    \b
    Examples:
      attribution check https://example.com/news/story.html
      attribution check saved-page.html --format json --output report.json
      attribution check --render https://preview.example.com/story/123
      attribution check https://preview.example.com/story/123 -H 'Cookie: session=abc123'
      curl -s https://example.com/story | attribution check - --base-url https://example.com/story
      attribution check --targets urls.txt --fail-on warning
      attribution check --targets sitemap-urls.txt --jobs 8 --format csv -o site.csv
      attribution check --resume 12
      attribution check https://example.com/news/story.html --offline

    \b
    exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
                2 usage or configuration error (nothing is checked or recorded),
                3 a target could not be fetched or read (wins over 1),
                130 stopped by Ctrl-C (SIGINT), 143 stopped by SIGTERM.
    """
    from attribution.app.check import CheckOptions, check_targets, default_workers
    from attribution.app.outcomes import CheckTally
    from attribution.errors import Interrupted, UsageError
    from attribution.render import check_writer
    from attribution.sources.targets import STDIN, read_target_list

    names = list(targets)
    if target_list is not None:
        if target_list == STDIN and STDIN in names:
            raise UsageError("--targets - and the target - both want stdin; give one of them")
        names += read_target_list(target_list)
    if offline and no_store:
        raise UsageError("--offline uses the answers the database kept; --no-store keeps none")
    profile = with_source_options(load_profile(config), offline, no_source_check)
    if commercial is not None:
        profile = replace(profile, commercial=commercial)
    if output is not None:
        check_output(output)
    settings = fetch_settings(timeout)
    if headers:
        from attribution.fetch.settings import PageHeaders
        from attribution.sources.targets import is_url

        pages = [name for name in names if is_url(name)] + ([base_url] if base_url else [])
        settings = replace(settings, page_headers=PageHeaders.for_pages(headers, pages))
    options = CheckOptions(
        profile=profile,
        base_url=base_url,
        settings=settings,
        read_images=not no_images,
        record=not no_store,
        workers=jobs or default_workers(),
        render=render,
    )
    progress = Progress(quiet=quiet, verbose=verbose)
    sink = ReportSink(output)
    colour = fmt == "text" and output is None and use_colour(sys.stdout)
    writer = check_writer(fmt, sink, profile, colour=colour)
    # What was reported so far: the end of the report, even of a check that is stopped.
    reported = CheckTally()

    def done(outcome: TargetOutcome) -> None:
        reported.add(outcome)
        if outcome.result is not None:
            with progress.aside(output is None):
                writer.page(outcome.result)
        progress.done(outcome)

    runs: list[int] = []
    try:
        try:
            with sigterm_interrupts():
                outcome = check_targets(
                    names,
                    options,
                    resume=resume,
                    on_start=progress.start,
                    on_done=done,
                    on_run=runs.append,
                    keep=False,
                )
        finally:
            progress.close()
    except (KeyboardInterrupt, Interrupted) as stop:
        # What was checked is a whole report of its own.
        _finish(writer, reported.failures, sink)
        return interrupted(stop, runs[-1] if runs else None, "check")
    except BaseException:
        sink.close()
        raise
    if resume is not None and outcome.tally.total == 0 and not quiet:
        sink.close()
        click.echo(f"run {resume} has nothing left to check", err=True)
        return EXIT_OK
    _finish(writer, reported.failures, sink)
    if verbose and outcome.run_id is not None:
        click.echo(f"recorded as run {outcome.run_id} (see 'attribution runs')", err=True)
    if outcome.failed:
        return EXIT_OPERATIONAL
    return EXIT_FINDINGS if outcome.reaches(fail_on) else EXIT_OK


def _finish(writer: CheckWriter, failures: list[tuple[str, str]], sink: ReportSink) -> None:
    try:
        writer.finish(failures)
    finally:
        sink.close()
