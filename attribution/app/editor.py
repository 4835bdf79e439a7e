"""Checking one page at a time for editors and the publishing system: the use case
behind ``attribution serve``.

A server checks pages for many people, one request at a time each, so it keeps what is
slow to start: one open database and a few parsing processes (:class:`Sandbox`), lent
to each check in turn. Each check is otherwise a check of its own: its own HTTP
session (nothing one editor's login left behind reaches another's check), its own run
in the record, the rights register read afresh. Pages are fetched under the server's
address policy (``FetchSettings.private_targets`` false: a URL on a private address is
refused unless the profile allows its host).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from attribution.app.budget import Sandbox
from attribution.app.check import CheckOptions, PageChecker
from attribution.app.outcomes import FAIL_ON, CheckTally
from attribution.errors import UsageError
from attribution.fetch.settings import PageHeaders
from attribution.sources.targets import check_base_url, given_target, resolve_target

if TYPE_CHECKING:
    from attribution.app.outcomes import TargetOutcome
    from attribution.fetch.settings import FetchSettings
    from attribution.records import Profile
    from attribution.sources.targets import Target
    from attribution.store import Database

# Exit codes, as ``attribution check`` gives them: the verdict a publishing system acts on.
VERDICT_PASSED = 0
VERDICT_FINDINGS = 1
VERDICT_UNREADABLE = 3


@dataclass(frozen=True)
class PageCheckRequest:
    """One page to check, as an editor or the publishing system asks: a ``url`` to
    fetch, or the page's ``html`` with the address it is published under
    (``base_url``); with the options of ``attribution check``. ``headers`` ("Name:
    value" lines: a preview page's cookie or token) go to the page's origin only and
    are never recorded."""

    url: str | None = None
    html: bytes | None = field(default=None, repr=False)
    base_url: str | None = None
    commercial: bool | None = None
    read_images: bool = True
    render: bool = False
    record: bool = True
    fail_on: str = "error"
    headers: tuple[str, ...] = field(default=(), repr=False)

    def target(self) -> Target:
        """The page as a target; :class:`UsageError` when the request names none, or
        both a URL and HTML, or an address that is not an absolute http(s) URL."""
        if self.fail_on not in FAIL_ON:
            raise UsageError(f"fail_on must be one of {', '.join(FAIL_ON)}")
        if self.html is not None and self.url:
            raise UsageError("give a URL to fetch, or HTML with its address, not both")
        if self.html is not None:
            if not self.base_url:
                raise UsageError(
                    "HTML needs the address it is published under (base_url), to resolve "
                    "its images' addresses against"
                )
            return given_target(self.html, self.base_url)
        if not self.url:
            raise UsageError("give the URL of the page to check, or its HTML with its address")
        return resolve_target(check_base_url(self.url.strip()))

    def page_headers(self, target: Target) -> PageHeaders | None:
        """The headers to send, for the target's own origin only."""
        return PageHeaders.for_pages(self.headers, [target.address])


@dataclass(frozen=True)
class PageCheck:
    """A page checked for a request: the outcome (the page's result, or why it could
    not be checked), the profile it was checked against, the run it was recorded in,
    and the verdict by ``fail_on``."""

    outcome: TargetOutcome
    profile: Profile
    run_id: int | None
    fail_on: str

    @property
    def exit_code(self) -> int:
        """What ``attribution check`` would exit with: 3 the page could not be fetched or
        read, 1 findings at or above ``fail_on``, else 0."""
        tally = CheckTally()
        tally.add(self.outcome)
        if tally.failures:
            return VERDICT_UNREADABLE
        return VERDICT_FINDINGS if tally.reaches(self.fail_on) else VERDICT_PASSED


class EditorChecks:
    """The checks of a server, each with a parsing process from a pool the checks share
    (one per check running at once: the server bounds how many run, ``[serve]
    checks_at_once``), recorded in the profile's database. Close it when the server
    stops."""

    def __init__(self, profile: Profile, settings: FetchSettings) -> None:
        from attribution.store import open_database

        self.profile = profile
        self.settings = settings
        self.db: Database = open_database(profile.database_url, quick_commits=True)
        self._idle: list[Sandbox] = []
        self._lock = threading.Lock()
        self._closed = False

    def check(self, request: PageCheckRequest) -> PageCheck:
        """Check the page of ``request`` and record it (unless it says not to).

        Raises :class:`UsageError` for a request that names no page or a bad address,
        and :class:`~attribution.errors.ConfigError` when rendering is asked for without
        a browser. A page that cannot be fetched or read is an outcome with its error.
        """
        from attribution.app.recorder import Recorder
        from attribution.store import list_rights

        target = request.target()
        profile = self.profile
        if request.commercial is not None:
            profile = replace(profile, commercial=request.commercial)
        if request.render:
            from attribution.fetch.browser import require_renderer

            require_renderer()
        settings = replace(self.settings, page_headers=request.page_headers(target))
        options = CheckOptions(
            profile=profile,
            settings=settings,
            read_images=request.read_images,
            record=request.record,
            render=request.render,
        )
        recorder = Recorder.start_on(self.db, profile, [target.name]) if request.record else None
        try:
            # The rights register counts whether or not the check is recorded.
            profile = replace(profile, rights=profile.rights + list_rights(self.db))
            sandbox = self._borrow()
            try:
                with PageChecker(options, profile, sandbox=sandbox) as checker:
                    outcome = checker.check(target)
            finally:
                self._give_back(sandbox)
            if recorder is not None:
                outcome = recorder.record(outcome)
        except BaseException:
            if recorder is not None:
                recorder.finish("interrupted")
            raise
        if recorder is not None:
            recorder.finish("finished")
        run_id = recorder.run_id if recorder is not None else None
        return PageCheck(outcome, profile, run_id, request.fail_on)

    def _borrow(self) -> Sandbox:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return Sandbox(self.profile.limits.page_memory_mb)

    def _give_back(self, sandbox: Sandbox) -> None:
        with self._lock:
            if not self._closed:
                self._idle.append(sandbox)
                return
        sandbox.close()

    def warm_up(self) -> None:
        """Start one parsing process now, so that the first check need not wait for it."""
        self._give_back(self._borrow())

    def close(self) -> None:
        """Stop the parsing processes and release the database."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for sandbox in idle:
            sandbox.close()
        self.db.close()
