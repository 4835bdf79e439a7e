"""Checking pages before (or after) they are published: the use case behind
``attribution check``, the editors' web page and the workers.

:func:`check_targets` runs a whole check: it resolves the targets, opens or resumes the
run in the database, merges the rights register into the profile, checks each target
with a :class:`PageChecker` and records each page as soon as it is done, marking the
run interrupted when it is stopped. :func:`check_and_record` is the unit of work a
worker runs: one target, checked and recorded into a given run.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Generator, Mapping, Sequence
from contextlib import AbstractContextManager, closing, nullcontext
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from attribution.app.budget import PageClock, Sandbox, Stage
from attribution.app.gathering import PagesInHand
from attribution.app.outcomes import CheckOutcome, CheckTally, TargetOutcome
from attribution.app.parallel import HostGate, check_in_parallel
from attribution.errors import FetchError, StorageError, TargetError, UsageError
from attribution.fetch.local import given_page, read_file_page, read_stdin_page
from attribution.fetch.settings import FetchSettings, url_origin
from attribution.records import PageSource, Profile, UnchangedPage
from attribution.sources.targets import (
    TargetKind,
    check_base_url,
    resolve_targets,
)
from attribution.urls import canonical_url

if TYPE_CHECKING:
    from attribution.app.atsource import SourceChecker, SourceLookup
    from attribution.app.parallel import PoliteGate
    from attribution.app.recorder import Recorder
    from attribution.fetch.browser import PageRenderer
    from attribution.fetch.pages import FetchedPage, Validators
    from attribution.fetch.session import HttpSession
    from attribution.licences import KnowledgeBase
    from attribution.records import Embedded, ExtractedPage, LastReading, PageResult
    from attribution.sources.targets import (
        Target,
    )
    from attribution.store.database import Database

T = TypeVar("T")

# The answers of a server that asks to be asked less often.
OVERLOADED = frozenset({429, 503})

# The CPU-bound stages (attribution.app.stages), run in the budgeted child.
EXTRACT = Stage("extract")
READ_EMBEDDED = Stage("embedded")
EVALUATE = Stage("evaluate")
EXTRACT_AND_EVALUATE = Stage("extract_and_evaluate")


@dataclass(frozen=True)
class CheckOptions:
    """How to check: against which profile, with which fetch settings, whether to read
    the image files and whether to record the results (in ``profile.database_url``, or
    the database :func:`attribution.store.database.resolve_url` chooses).

    ``isolate`` runs each page's parsing in a separate process that can be stopped when
    the page is over its budget (the profile's ``limits``); without it the parsing runs
    in this process and only the network side is bounded.

    ``workers`` is how many pages are checked at once (each worker with its own
    connections and, isolated, its own parsing process: one per core parses on every
    core); ``settings.max_per_host`` bounds how many of them fetch from one host.

    ``render`` loads each page in headless Chromium and extracts from the document its
    scripts leave (:mod:`attribution.fetch.browser`): for pages whose images only
    scripts put in place. Each worker then has its own browser.

    ``known`` (an incremental scan) gives the last reading of pages by the URL they are
    fetched from: such a page is asked for conditionally, and one that answers 304 Not
    Modified or sends the same bytes is not parsed again (its outcome is
    ``unchanged``)."""

    profile: Profile = field(default_factory=Profile)
    base_url: str | None = None
    settings: FetchSettings = field(default_factory=FetchSettings)
    read_images: bool = True
    record: bool = True
    kb: KnowledgeBase | None = None
    isolate: bool = True
    workers: int = 1
    render: bool = False
    known: Mapping[str, LastReading] | None = None


def default_workers() -> int:
    """Pages checked at once when many are given: one more than the cores this process
    may use, so that no core waits while a worker waits for the network."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cores or 1) + 1


class PageChecker:
    """Checks targets one at a time, sharing one HTTP session and one image reader
    (an image URL it still remembers is not read again for another page), each page within the
    profile's :class:`~attribution.records.Limits`. Close it when done.

    ``sandbox`` lends it a parsing process that outlives it (a server keeps a few for
    all its checks); by default it starts its own with the first page.
    """

    def __init__(
        self,
        options: CheckOptions,
        profile: Profile | None = None,
        *,
        gate: PoliteGate | None = None,
        sandbox: Sandbox | None = None,
    ) -> None:
        # The HTTP stack loads here, once the parsing process is on its way (see
        # check_targets), so that the two load at the same time.
        from attribution.fetch.images import ImageReader

        self.options = options
        self._gate = gate
        self.profile = profile or options.profile
        self.limits = self.profile.limits
        # The profile may name internal hosts (a preview server) pages may lead to.
        self.settings = replace(
            options.settings,
            allowed_hosts=options.settings.allowed_hosts + self.limits.allowed_hosts,
        )
        self._session: HttpSession | None = None
        self._renderer: PageRenderer | None = None
        self._browser: str | None = None
        if options.render:
            from attribution.fetch.browser import require_renderer

            self._browser = require_renderer()
        # The parsing process starts with the first page that needs parsing (a rescan of
        # unchanged pages needs none), unless the caller lends one (a server's pool):
        # a lent one is the caller's to close.
        self._sandbox: Sandbox | None = sandbox
        self._owns_sandbox = sandbox is None
        self._clock = PageClock.start("", self.limits)
        self._last_reading: LastReading | None = None
        # A polite gate holds the images' fetches from its hosts too.
        hold = gate.hold_unspaced if gate is not None and gate.covers_images else None
        self._reader = (
            ImageReader(self.settings, parse=self._read_embedded, hold=hold)
            if options.read_images
            else None
        )
        # The images' sources are asked once a page is extracted (see app/atsource.py).
        from attribution.app.atsource import effective_settings

        self._source_settings = effective_settings(self.profile.sources)
        self._sources: SourceChecker | None = None

    def check(self, target: Target, *, last_reading: LastReading | None = None) -> TargetOutcome:
        """Fetch or read one target's page, extract, read its images, apply the rules.

        ``last_reading`` is the page's last reading (a worker's page of an incremental
        scan), in place of what ``options.known`` holds for it. A target that cannot be
        fetched or read, that is over the page's budget, or whose checking fails in any
        way gives an outcome with its error; this never raises for one page (only an
        interruption goes on up, and a :class:`StorageError` of the store a scan's
        workers share their politeness through).
        """
        self._clock = PageClock.start(target.name, self.limits)
        self._last_reading = last_reading
        try:
            return self._check(target)
        except _Unchanged as unchanged:
            page = UnchangedPage(canonical_url(unchanged.source.final), unchanged.source)
            return TargetOutcome(target.name, unchanged=page)
        except TargetError as error:
            return TargetOutcome(target.name, error=error)
        except StorageError:  # the politeness workers share is away: not this page's fault
            raise
        except Exception as error:  # one page's bug must not end the run
            reason = f"could not be checked (internal error: {type(error).__name__}: {error})"
            return TargetOutcome(target.name, error=TargetError(target.name, reason[:500]))

    def _check(self, target: Target) -> TargetOutcome:
        result: PageResult | None = None
        embedded: Mapping[str, Embedded] = {}
        if self._reader is None:  # nothing is read between the stages: one call
            (page, result), source = self._read(target, EXTRACT_AND_EVALUATE, self.profile)
        else:
            page, source = self._read(target, EXTRACT)
            local = target.kind is TargetKind.FILE
            embedded = self._reader.read_all(
                (image.src for image in page.images),
                # only the page's own host may be at a private address
                page_url=source.final if target.kind is TargetKind.URL else target.address,
                # a saved page's images are read from its own folder only
                local_folder=Path(target.name).resolve().parent if local else None,
                deadline=self._clock.deadline,
            )
        identity = page_identity(target, page, source)
        lookup = self._look_up_sources(identity, page)
        # A page with pictures from Commons or Flickr (few are) is judged again with
        # what their sources say.
        if result is None or lookup.evidence:
            result = self._run(
                EVALUATE, page, self.profile, self.options.kb, embedded, lookup.evidence
            )
        if lookup.notices:
            result = replace(result, notices=result.notices + lookup.notices)
        self._stayed_behind_login(target, source)
        return TargetOutcome(target.name, result=replace(result, url=identity, source=source))

    def _look_up_sources(self, identity: str, page: ExtractedPage) -> SourceLookup:
        """What the sources of the page's images say (nothing when sources are not
        asked); answers are kept in the check's database when it records."""
        from attribution.app.atsource import SourceChecker, SourceLookup

        if not self._source_settings.check:
            return SourceLookup({})
        if self._sources is None:
            self._sources = SourceChecker(
                self._source_settings,
                self.settings,
                self.options.kb,
                open_record=self._open_record if self.options.record else None,
            )
        return self._sources.look_up(
            identity, page.images, page.published, deadline=self._clock.deadline
        )

    def _open_record(self) -> Database:
        """The check's database, for the answers of images' sources."""
        from attribution.store import open_database

        return open_database(self.profile.database_url, connections=2)

    def _stayed_behind_login(self, target: Target, source: PageSource) -> None:
        """A page fetched with a login's headers (``check -H``) that ended up on another
        origin, where they are not sent (a login page, once the session has expired),
        is not the page asked for: checked, it would pass with no images. A
        :class:`TargetError` says so."""
        headers = self.settings.page_headers
        if headers is None or target.kind is not TargetKind.URL:
            return
        if url_origin(source.final) in headers.origins:
            return
        raise TargetError(
            target.name,
            f"it sent the check on to {source.final}, another site (a login page, if the "
            "session has expired?), where the headers given are not sent: the page itself "
            "was not checked",
        )

    def _read(self, target: Target, stage: Stage, *more: Any) -> tuple[Any, PageSource]:
        """Fetch or read the target's page and run ``stage`` on it (given the body, its
        address and charset, the knowledge base, the limits, whether it was rendered, then
        ``more``): what the stage gives, and where the page came from."""
        if target.kind is TargetKind.URL:
            from attribution.fetch.pages import Validators
            from attribution.fetch.session import make_session

            if self._session is None:
                self._session = make_session(self.settings)
            known = self._last_reading
            if known is None and self.options.known:
                known = self.options.known.get(target.address)
            validators = Validators(known.etag, known.last_modified) if known else None
            fetched_at, fetched = self._fetch(target, validators)
            moved = canonical_url(fetched.url) != canonical_url(target.address)
            if moved:  # what was known of the address asked for says nothing of another
                known = None
                if fetched.not_modified:
                    fetched_at, fetched = self._fetch(target, None)
            source = _source(
                target.address,
                fetched.url,
                fetched.body,
                fetched_at,
                status=fetched.status,
                content_type=fetched.content_type or None,
                etag=fetched.etag,
                last_modified=fetched.last_modified,
            )
            if known is not None and fetched.not_modified:
                # No body came: the bytes are those of the last reading, by the server's word.
                raise _Unchanged(replace(source, sha256=known.sha256, size=known.size))
            if known is not None and source.sha256 == known.sha256:
                raise _Unchanged(source)
            body, charset = fetched.body, fetched.charset
            if self.options.render:  # the page's own origin only, through this session
                body, charset = self._render(fetched.url, body, charset, network=True)
            kb, limits, rendered = self.options.kb, self.limits, self.options.render
            return self._run(stage, body, fetched.url, charset, kb, limits, rendered, *more), source
        fetched_at = datetime.now(UTC)
        if target.kind is TargetKind.GIVEN:
            body = given_page(target.body or b"")
        elif target.kind is TargetKind.STDIN:
            body = read_stdin_page()
        else:
            body = read_file_page(target.name)
        source = _source(target.name, target.address, body, fetched_at)
        charset = None
        if self.options.render:  # a page read here reaches no network
            body, charset = self._render(target.address, body, None, network=False)
        read = self._run(
            stage,
            body,
            target.address,
            charset,
            self.options.kb,
            self.limits,
            self.options.render,
            *more,
        )
        return read, source

    def _fetch(self, target: Target, validators: Validators | None) -> tuple[datetime, FetchedPage]:
        """Fetch the target's page (conditionally with ``validators``) at its turn among
        the fetches from its host; the page's time budget starts when the turn comes,
        so that waiting for a polite pace is not counted against the page."""
        from attribution.fetch.pages import fetch_page

        assert self._session is not None
        with self._hold(target.address):
            if self._gate is not None:
                self._clock = PageClock.start(target.name, self.limits)
            fetched_at = datetime.now(UTC)
            try:
                fetched = fetch_page(
                    target.address,
                    self.settings,
                    self._session,
                    deadline=self._clock.deadline,
                    validators=validators,
                )
            except FetchError as error:
                if error.status in OVERLOADED and self._gate is not None:
                    self._gate.back_off(target.address)
                raise
        return fetched_at, fetched

    def _render(
        self, address: str, body: bytes, charset: str | None, *, network: bool
    ) -> tuple[bytes, str]:
        """The document the page's scripts leave, rendered in the browser at ``address``
        (the recorded fetch stays the bytes as received); and its charset."""
        from attribution.fetch.browser import PageRenderer

        if self._renderer is None:
            self._renderer = PageRenderer(self.settings, self._session, self._browser)
        rendered = self._renderer.render(
            address, body, charset, network=network, deadline=self._clock.deadline
        )
        return rendered.body, "utf-8"

    def _hold(self, url: str) -> AbstractContextManager[None]:
        """Hold a place among the page fetches to ``url``'s host (when several workers
        share a gate)."""
        return self._gate.hold(url) if self._gate is not None else nullcontext()

    def _run(self, function: Callable[..., T], *args: Any) -> T:
        """A CPU-bound stage of the page, in the sandbox when checks are isolated."""
        if not self.options.isolate:
            if self._clock.remaining() <= 0:
                raise self._clock.over_time()
            return function(*args)
        if self._sandbox is None:
            self._sandbox = Sandbox.open(self.limits.page_memory_mb)
        return self._sandbox.call(self._clock, function, *args)

    def _read_embedded(self, data: bytes, complete: bool) -> Embedded:
        result: Embedded = self._run(READ_EMBEDDED, data, complete)
        return result

    def close(self) -> None:
        """Close the HTTP connections and stop the parsing process."""
        if self._renderer is not None:
            self._renderer.close()
        if self._session is not None:
            self._session.close()
        if self._reader is not None:
            self._reader.close()
        if self._sources is not None:
            self._sources.close()
        if self._sandbox is not None and self._owns_sandbox:
            self._sandbox.close()

    def __enter__(self) -> PageChecker:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def page_identity(target: Target, page: ExtractedPage, source: PageSource) -> str:
    """The address a page is recorded under, so that one document is one page.

    A fetched page is its final URL (after redirects), canonicalised: tracking
    parameters do not make a second page. A page read from stdin, or a file given with
    ``--base-url``, is that address. A saved file is the http(s) address it declares
    for itself (its canonical link), else its own ``file:`` URL: two saved files are
    never one page.
    """
    if target.kind is TargetKind.URL:
        return canonical_url(source.final)
    if target.kind is TargetKind.FILE and target.address.startswith("file:"):
        return canonical_url(page.declared_url) if page.declared_url else target.address
    return canonical_url(target.address)


def _source(
    requested: str,
    final: str,
    body: bytes,
    fetched_at: datetime,
    *,
    status: int | None = None,
    content_type: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> PageSource:
    return PageSource(
        requested=requested,
        final=final,
        status=status,
        fetched_at=fetched_at,
        sha256=hashlib.sha256(body).hexdigest(),
        size=len(body),
        content_type=content_type,
        etag=etag,
        last_modified=last_modified,
    )


class _Unchanged(Exception):
    """The page is as it was at its last reading: it is not parsed again."""

    def __init__(self, source: PageSource) -> None:
        super().__init__(source.final)
        self.source = source


def check_targets(
    names: Sequence[str],
    options: CheckOptions,
    *,
    resume: int | None = None,
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[TargetOutcome], None] | None = None,
    on_run: Callable[[int], None] | None = None,
    keep: bool = True,
) -> CheckOutcome:
    """Check URLs, HTML files and ``-`` (stdin); one failure does not stop the rest.

    With ``resume`` the interrupted run of that number is taken up: its targets that
    were not finished (or failed) are checked into it, and ``names`` must be empty.
    ``on_run`` is told the number of the run the check is recorded in, as soon as it is
    opened; ``on_start`` how many targets will be checked; ``on_done`` hears of each
    outcome as soon as it is recorded, in target order. Without ``keep`` the outcomes
    are not kept (the returned outcome has only the tally): a check of any number of
    pages then holds a bounded number of them. A usage error (``-`` without a base URL, a base
    URL that is not an http(s) URL or given to several files, no target) is raised
    before any run is recorded or resumed. Whatever stops the check (an exception, a
    signal turned into one) marks the run interrupted before it goes on up.
    """
    recorder: Recorder | None = None
    profile = options.profile
    if options.base_url is not None:
        check_base_url(options.base_url)
    if options.render:  # no browser: one configuration error before anything is recorded
        from attribution.fetch.browser import require_renderer

        require_renderer()
    if resume is not None and (names or not options.record):
        raise UsageError("--resume RUN takes the run's own targets; give no TARGET or --no-store")
    if resume is None and not names:
        raise UsageError("give at least one TARGET (a URL, an HTML file or -), or --resume RUN")
    if options.isolate:
        # The parsing process loads while this one loads the database and HTTP layers.
        Sandbox.start_early(profile.limits.page_memory_mb)
    if options.record:
        from attribution.app.recorder import Recorder
    if resume is not None:
        base_url = options.base_url
        recorder, names = Recorder.resume(
            profile.database_url,
            resume,
            check=lambda left: resolve_targets(left, base_url),
            kind="check",
        )
    try:
        targets = resolve_targets(names, options.base_url)
        if recorder is None and options.record:
            recorder = Recorder.open(profile.database_url, profile, names)
        if recorder is not None:
            if on_run is not None:
                on_run(recorder.run_id)
            profile = recorder.with_register(profile)
    except BaseException:
        if recorder is not None:
            recorder.close("interrupted")
        raise
    if on_start is not None:
        on_start(len(targets))
    tally, kept, _ = run_checks(targets, options, profile, recorder, on_done=on_done, keep=keep)
    run_id = recorder.run_id if recorder is not None else None
    if recorder is not None:
        recorder.close("finished")
    return CheckOutcome(tuple(kept), profile, run_id, tally)


def run_checks(
    targets: Sequence[Target],
    options: CheckOptions,
    profile: Profile,
    recorder: Recorder | None,
    *,
    on_done: Callable[[TargetOutcome], None] | None = None,
    keep: bool = True,
    stop_when: Callable[[], str | None] | None = None,
    gate: HostGate | None = None,
) -> tuple[CheckTally, list[TargetOutcome], str | None]:
    """Check ``targets`` against ``profile``, each page recorded by ``recorder`` (when
    there is one) as soon as it is done: the tally, the outcomes kept, and why the
    checks stopped early (None when every target was checked).

    ``stop_when`` is asked after each outcome; when it gives a reason, no more targets
    are checked (those in hand are recorded). Whatever else stops the checks (an
    exception, a signal turned into one) marks the run interrupted before it goes on
    up; otherwise the run is left open for the caller to close. ``gate`` spaces the
    fetches from each host (a polite scan); by default only their number is bounded.
    """
    in_hand: PagesInHand | None = None
    stopped: str | None = None
    try:
        tally = CheckTally()
        kept: list[TargetOutcome] = []

        def deliver(outcome: TargetOutcome) -> None:
            tally.add(outcome)
            if keep:
                kept.append(outcome)
            if on_done is not None:
                on_done(outcome)

        if recorder is not None:
            in_hand = PagesInHand(recorder.record_all, deliver)
        else:
            in_hand = PagesInHand(list, deliver, most=1)
        # Closed at once when the check stops, so that the workers stop too.
        with closing(_outcomes(targets, options, profile, in_hand, gate)) as outcomes:
            for outcome in outcomes:
                in_hand.add(outcome)
                stopped = stop_when() if stop_when is not None else None
                if stopped is not None:
                    break
        in_hand.settle()
    except BaseException:
        if recorder is not None:
            if in_hand is not None:
                with contextlib.suppress(Exception):  # the pages checked are kept
                    recorder.record_all(in_hand.pages)
            recorder.close("interrupted")
        raise
    return tally, kept, stopped


def _outcomes(
    targets: Sequence[Target],
    options: CheckOptions,
    profile: Profile,
    in_hand: PagesInHand,
    gate: HostGate | None = None,
) -> Generator[TargetOutcome, None, None]:
    """Each target's outcome in target order: one at a time (each recorded before the
    next is checked), or by ``options.workers`` workers at once (those in hand recorded
    while waiting for the next)."""
    if options.workers <= 1 or len(targets) <= 1:
        with PageChecker(options, profile, gate=gate) as checker:
            for target in targets:
                in_hand.settle()
                yield checker.check(target)
        return
    gate = gate or HostGate(options.settings.max_per_host)
    yield from check_in_parallel(
        targets,
        lambda: PageChecker(options, profile, gate=gate),
        options.workers,
        while_waiting=in_hand.waiting,
    )


def check_and_record(
    name: str, options: CheckOptions, run_id: int, position: int | None = None
) -> TargetOutcome:
    """The unit of work a worker runs: check one target and record it into run
    ``run_id`` (as the target at ``position`` of the run's list, when known).

    The rights register is read from the database so that the rules see it, as in a
    whole check. A target that cannot be checked is recorded as failed with its reason.
    """
    from attribution.app.recorder import Recorder

    recorder = Recorder.attach(options.profile.database_url, run_id, name, position)
    try:
        profile = recorder.with_register(options.profile)
        with PageChecker(options, profile) as checker:
            (target,) = resolve_targets([name], options.base_url)
            outcome = checker.check(target)
        outcome = recorder.record(outcome)
    finally:
        recorder.release()
    return outcome
