"""Scans on workers: a scan's pages handed out on a task queue, checked and recorded
by worker processes on any number of machines, into the database they share.

The scan (:func:`check_on_workers`) finds and chooses the pages and records the run as
a scan on one machine does, then sends one :class:`PageTask` per page to a
:class:`PageQueue` and follows the run in the database until every page is done or
failed. A worker process (:class:`PageWorker`) takes a page up only while the run has it
pending (:func:`attribution.store.workers.take_up`), checks it as a one-machine scan
does (a :class:`~attribution.app.check.PageChecker` per thread, politeness shared
through a :class:`~attribution.app.parallel.PoliteGate` all workers see), and records it
idempotently: a task redelivered after its worker was lost never records a page twice,
and a page whose workers keep being lost is failed with that reason. The task queue
itself (Celery, RabbitMQ, Redis) is in :mod:`attribution.workers`; this module knows
only the two protocols.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from attribution.app.outcomes import TargetOutcome
from attribution.errors import ConfigError, StorageError, TargetError, UsageError
from attribution.fetch.settings import FetchSettings
from attribution.records import (
    DeclaredImage,
    ScanSettings,
    ServeSettings,
    SourceSettings,
    WorkerTally,
)

if TYPE_CHECKING:
    from attribution.app.check import PageChecker
    from attribution.app.discovery import Reader, RobotsCache
    from attribution.app.parallel import PoliteGate
    from attribution.app.recorder import Recorder
    from attribution.app.scan import ScanEvents, ScanOptions
    from attribution.records import Profile
    from attribution.store import Database

log = logging.getLogger("attribution.workers")

# A page in the hands of this many workers that were lost (killed, out of memory) is
# failed with that reason rather than handed out again.
MOST_WORKERS_LOST = 3
# How often the scan looks at its run's progress in the database.
FOLLOW_SECONDS = 0.5
# How far back the scan looks for pages finished since its last look: the workers'
# clocks (which stamp them) may be a little behind the database's.
CLOCK_SLACK = timedelta(minutes=2)
# How often a worker tells the record it is alive, and after how long without a word
# it is taken for lost.
HEARTBEAT_SECONDS = 10.0
SILENT_AFTER = timedelta(seconds=60)
# How long a scan waits with no page finished and no worker alive before it stops
# following (the pages stay queued; the run is resumed once workers run).
NO_WORKERS_SECONDS = 600.0
# The run's option that says why a scan on workers stopped following its pages (one of
# its problems, until the run is taken up again).
WORKERS_PROBLEM = "workers_problem"
# The runs a worker keeps the terms and checkers of (the runs of several sites' scans
# on one queue, taking turns).
RUNS_REMEMBERED = 4
# The fetch settings a scan's tasks carry (every one but the headers of a login).
_CARRIED_SETTINGS = tuple(f.name for f in fields(FetchSettings) if f.name != "page_headers")


@dataclass(frozen=True)
class PageTask:
    """One page of a scan on workers, as its message says: which run and target
    (``position`` in the run's list), the ``token`` of the run's tasks (a task of
    another database, or one the run's resume superseded, takes up nothing), the digest
    of the scan's profile (a worker with another profile checks nothing by other rules),
    and the images its sitemap declared. How to fetch and check it is not in the
    message: the worker reads it from the run (:class:`CheckTerms`), which only the scan
    writes."""

    run_id: int
    position: int
    target: str
    token: str
    profile: str
    declared: tuple[DeclaredImage, ...] = ()

    def to_message(self) -> dict[str, object]:
        """The task as a JSON-ready message."""
        message = asdict(self)
        message["declared"] = [asdict(image) for image in self.declared]
        return message

    @classmethod
    def from_message(cls, message: object) -> PageTask:
        """The task of a message; :class:`UsageError` names what is wrong with one that
        is not a page task of this version."""
        if not isinstance(message, Mapping):
            raise UsageError(f"not a page task: {type(message).__name__}")
        try:
            declared = tuple(DeclaredImage(**image) for image in message.get("declared") or ())
            values = {f.name: message[f.name] for f in fields(cls) if f.name in message}
            task = cls(**{**values, "declared": declared})
            if not isinstance(task.run_id, int) or not isinstance(task.position, int):
                raise TypeError("run_id and position must be numbers")
            if not all(isinstance(text, str) for text in (task.target, task.token, task.profile)):
                raise TypeError("target, token and profile must be text")
        except (KeyError, TypeError) as error:
            raise UsageError(f"not a page task of this version: {error}") from None
        return task


@dataclass(frozen=True)
class CheckTerms:
    """How a scan on workers has its pages checked, kept with its run (the run's
    ``queue`` option) for its workers to read: the fetch settings (but the headers of a
    login, and never a private address but the hosts the user named), whether image
    files are read and pages rendered, whether unchanged pages are parsed again
    (``full``), the politeness of the scan, and whether images' sources are asked
    (``source_check``; ``offline``: only with the answers kept)."""

    settings: FetchSettings
    read_images: bool = True
    render: bool = False
    full: bool = False
    per_host: int = 2
    delay: float = 0.0
    source_check: bool = True
    offline: bool = False

    def judge_with(self, profile: Profile) -> Profile:
        """The worker's profile with the scan's say on asking images' sources: a scan
        may switch them off or keep them offline, never switch them on."""
        sources = replace(
            profile.sources,
            check=profile.sources.check and self.source_check,
            offline=profile.sources.offline or self.offline,
        )
        return replace(profile, sources=sources)

    def to_option(self) -> dict[str, object]:
        """The terms as the run keeps them (JSON-ready)."""
        return {
            "settings": carried_settings(self.settings),
            "read_images": self.read_images,
            "render": self.render,
            "full": self.full,
            "per_host": self.per_host,
            "delay": self.delay,
            "source_check": self.source_check,
            "offline": self.offline,
        }

    @classmethod
    def from_option(cls, option: object) -> CheckTerms:
        """The terms the run keeps; :class:`UsageError` when it keeps none."""
        if not isinstance(option, Mapping) or not isinstance(option.get("settings"), Mapping):
            raise UsageError("the run keeps no terms for its workers")
        carried = option["settings"]
        values = {key: value for key, value in carried.items() if key in _CARRIED_SETTINGS}
        if isinstance(values.get("allowed_hosts"), list):
            values["allowed_hosts"] = tuple(values["allowed_hosts"])
        values["private_targets"] = False  # whatever was kept: the named hosts only
        return cls(
            settings=FetchSettings(**values),
            read_images=bool(option.get("read_images", True)),
            render=bool(option.get("render", False)),
            full=bool(option.get("full", False)),
            per_host=int(option.get("per_host", 2)),
            delay=float(option.get("delay", 0.0)),
            source_check=bool(option.get("source_check", True)),
            offline=bool(option.get("offline", False)),
        )


def carried_settings(settings: FetchSettings) -> dict[str, object]:
    """The fetch settings a scan hands to its workers, JSON-ready."""
    carried: dict[str, object] = {}
    for name in _CARRIED_SETTINGS:
        value = getattr(settings, name)
        carried[name] = list(value) if isinstance(value, tuple) else value
    return carried


def profile_digest(profile: Profile) -> str:
    """A digest of what in a profile changes a page's findings (the publication, its
    use, its credits and domains, severities, agreements, limits), not where results go
    or how scans, the server and the questions to images' sources run: a scan and its
    workers must agree on it."""
    judged = replace(
        profile,
        database_url=None,
        scan=ScanSettings(),
        serve=ServeSettings(),
        sources=SourceSettings(),
    )
    return hashlib.sha256(repr(judged).encode("utf-8")).hexdigest()[:32]


class PageQueue(Protocol):
    """Where a scan sends its pages for workers (:mod:`attribution.workers`)."""

    name: str

    def send(self, tasks: Iterable[PageTask]) -> int:
        """Queue the tasks; how many were sent."""

    def shared_gate(self, per_host: int, delay: float) -> PoliteGate:
        """The per-host places and pace every worker shares (the scan gives it each
        host's robots.txt Crawl-delay)."""

    def robots_cache(self) -> RobotsCache:
        """The robots.txt readings scans on the queue share (a scan, its resume, the
        scans of other sites' hosts it links to)."""


def require_shared_database(db: Database) -> None:
    """Raise a :class:`ConfigError` when ``db`` is a SQLite file: a scan and its workers,
    on several machines, record into one database server they all reach."""
    from attribution.store.database import safe_url

    if db.engine.dialect.name == "sqlite":
        raise ConfigError(
            "scans on workers record into one database every worker reaches, and "
            f"{safe_url(db.url)} is a file of this machine: set ATTRIBUTION_DATABASE_URL "
            "or [database] url to a PostgreSQL server"
        )


def check_on_workers(
    options: ScanOptions,
    recorder: Recorder,
    pages: Sequence[str],
    reader: Reader,
    events: ScanEvents,
    started: float,
    queue: PageQueue,
    declared: Mapping[str, Sequence[DeclaredImage]] | None = None,
) -> str:
    """Hand the scan's ``pages`` to the workers of ``queue`` and follow the run until
    every page is done or failed: "finished"; "limited" when a limit of the run
    (minutes, megabytes) stopped it first (the pages not taken up are left for
    ``--resume``); "interrupted" when no page was checked for
    :data:`NO_WORKERS_SECONDS` and no worker has one of the run in hand (the pages
    stay queued, and the run's problems say so).

    The run keeps how its pages are checked (:class:`CheckTerms`) and a new token for
    its tasks: tasks of the run sent before (by the scan this one resumes) are
    superseded, so no page is checked twice. Each page's outcome is told to
    ``events.on_done`` as the workers record it (a failed page with its reason)."""
    from attribution.store.runs import add_run_options

    settings = options.check.settings
    # Only the hosts the user named may be at private addresses, not those a sitemap names.
    settings = replace(
        settings,
        private_targets=False,
        allowed_hosts=settings.allowed_hosts + tuple(sorted(reader.named_hosts)),
    )
    terms = CheckTerms(
        settings=settings,
        read_images=options.check.read_images,
        render=options.check.render,
        full=options.full,
        per_host=options.per_host,
        delay=options.delay,
        source_check=options.check.profile.sources.check,
        offline=options.check.profile.sources.offline,
    )
    token = os.urandom(16).hex()
    queued = {"name": queue.name, "token": token, **terms.to_option()}
    add_run_options(recorder.db, recorder.run_id, {"queue": queued, WORKERS_PROBLEM: None})
    reader.pace(queue.shared_gate(options.per_host, options.delay))
    digest = profile_digest(options.check.profile)
    declared = declared or {}
    placed = [(position, url) for position, url in recorder.placed(pages) if position is not None]
    if events.on_start is not None:
        events.on_start(len(placed))
    queue.send(
        PageTask(
            run_id=recorder.run_id,
            position=position,
            target=url,
            token=token,
            profile=digest,
            declared=tuple(declared.get(url, ())),
        )
        for position, url in placed
    )
    status = _follow(options, recorder, {position for position, _ in placed}, events, started)
    if status == "interrupted":
        _tell_problem(
            recorder,
            f"no worker checked a page for {NO_WORKERS_SECONDS / 60:.0f} minutes and none "
            "has one in hand: the pages not checked stay queued for workers to come; "
            f"start workers ('attribution worker'), or take the run up with 'attribution "
            f"scan --resume {recorder.run_id} --workers celery'",
        )
    return status


def _tell_problem(recorder: Recorder, problem: str) -> None:
    """Keep ``problem`` with the run, among its problems until the run is taken up
    again (:data:`WORKERS_PROBLEM`): the summary and the alerts say it."""
    from attribution.store.runs import add_run_options

    add_run_options(recorder.db, recorder.run_id, {WORKERS_PROBLEM: problem})


def _follow(
    options: ScanOptions,
    recorder: Recorder,
    handed_out: set[int],
    events: ScanEvents,
    started: float,
) -> str:
    """Follow the run until none of the pages handed out is pending."""
    from attribution.store.runs import FAILED
    from attribution.store.workers import finished_since, list_workers, run_progress

    db, run_id = recorder.db, recorder.run_id
    told: set[int] = set()
    since: datetime | None = None
    last_news = time.monotonic()
    while True:
        for done in finished_since(db, run_id, since):
            since = done.finished_at - CLOCK_SLACK
            if done.position in told or done.position not in handed_out:
                continue
            told.add(done.position)
            last_news = time.monotonic()
            if events.on_done is None:
                continue
            if done.status == FAILED:
                error = TargetError(done.target, done.reason or "could not be checked")
                events.on_done(TargetOutcome(done.target, error=error))
            else:
                events.on_done(TargetOutcome(done.target))
        progress = run_progress(db, run_id, downloaded=options.max_bytes is not None)
        if progress.pending == 0 or told >= handed_out:
            return "finished"
        if progress.status not in ("running", "interrupted"):
            return progress.status
        if _over_limit(options, started, progress.downloaded or 0):
            return "limited"
        if time.monotonic() - last_news > NO_WORKERS_SECONDS and not any(
            worker.in_hand and worker.run_id == run_id for worker in list_workers(db, SILENT_AFTER)
        ):
            return "interrupted"  # no worker alive, or none with a page of this run
        time.sleep(FOLLOW_SECONDS)


def _over_limit(options: ScanOptions, started: float, downloaded: int) -> bool:
    if options.max_seconds is not None and time.monotonic() - started > options.max_seconds:
        return True
    return options.max_bytes is not None and downloaded > options.max_bytes


def worker_name() -> str:
    """The name a worker process goes by: its host and process number."""
    return f"attribution@{socket.gethostname()}.{os.getpid()}"


class PageWorker:
    """The pages handed to one worker process: each taken up while its run has it
    pending, checked by the calling thread's own checker (its HTTP connections and its
    parsing process, kept from page to page), recorded once, with the worker's
    heartbeat in the record.

    ``profile`` is the worker's own (its database among it); ``gates`` gives the shared
    gate of a scan's politeness (per host, delay). Thread-safe: a worker's threads call
    :meth:`run` at once.
    """

    def __init__(
        self,
        profile: Profile,
        db: Database,
        gates: Callable[[int, float], PoliteGate],
        *,
        name: str | None = None,
        concurrency: int = 1,
        isolate: bool = True,
    ) -> None:
        self.profile = profile
        self.db = db
        self.name = name or worker_name()
        self.concurrency = concurrency
        self.isolate = isolate
        self.digest = profile_digest(profile)
        self._gates = gates
        self._local = threading.local()
        self._lock = threading.Lock()
        self._checkers: list[PageChecker] = []
        self._runs: dict[int, tuple[Profile, CheckTerms]] = {}
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None
        # The worker's tally, told to the record with each heartbeat (not page by page:
        # a page costs no statement for it), and the runs it recorded pages of since.
        self._tally = WorkerTally()
        self._touched: set[int] = set()

    def start(self) -> None:
        """Record the worker as running, and keep telling the record it is alive."""
        from attribution.store.workers import register_worker

        register_worker(self.db, self.name, socket.gethostname(), os.getpid(), self.concurrency)
        self._beat = threading.Thread(target=self._heartbeat, name="attribution-heartbeat")
        self._beat.daemon = True
        self._beat.start()

    def _heartbeat(self) -> None:
        while not self._stop.wait(HEARTBEAT_SECONDS):
            try:
                self.beat()
            except Exception as error:  # the database is away a moment: say so, go on
                log.warning("heartbeat not recorded: %s", error)

    def beat(self) -> None:
        """Tell the record the worker is alive, with its tally; and finish the runs it
        recorded pages of since the last beat when none of their pages is left (so a
        run whose scan no longer follows it is finished by its workers)."""
        from attribution.store.workers import finish_if_complete, heartbeat

        with self._lock:
            tally, touched, self._touched = self._tally, self._touched, set()
        heartbeat(self.db, self.name, tally)
        for run_id in sorted(touched):
            finish_if_complete(self.db, run_id)

    def stop(self) -> None:
        """Stop the heartbeat, tell the record the last tally and that the worker
        stopped, close every checker."""
        from attribution.store.workers import stop_worker

        self._stop.set()
        with contextlib.suppress(Exception):
            self.beat()
        with contextlib.suppress(Exception):
            stop_worker(self.db, self.name)
        with self._lock:
            checkers, self._checkers = self._checkers, []
        for checker in checkers:
            with contextlib.suppress(Exception):
                checker.close()

    def run(self, task: PageTask, *, redelivered: bool = False) -> str:
        """Check and record the task's page, if the run still has it pending; what
        became of it: "recorded", "failed", or why nothing was done ("finished",
        "run stopped", "superseded", "not this run", "lost too often").
        ``redelivered`` says that the broker handed the task out before, to a worker
        that was lost.

        A page that cannot be checked is recorded as failed with its reason; a database
        or Redis that is away (:class:`~attribution.errors.StorageError`) goes on up,
        for the task to be tried again later."""
        from attribution.store.scans import record_declared_for_target
        from attribution.store.workers import TakeUp, take_up

        taken = take_up(
            self.db,
            task.run_id,
            task.position,
            task.token,
            self.name,
            target=task.target,
            lost_before=redelivered,
            most_lost=MOST_WORKERS_LOST,
        )
        if taken is TakeUp.FINISHED and task.declared:
            # Delivered again after the page was recorded: what its sitemap declared may
            # not have been kept yet (it is kept once).
            record_declared_for_target(self.db, task.run_id, task.position, task.declared)
        if taken in (TakeUp.FINISHED, TakeUp.LOST_TOO_OFTEN):
            self._count(task.run_id, +0)
        if taken is not TakeUp.CHECK:
            return str(taken.value)
        self._count(task.run_id, +1)
        outcome: TargetOutcome | None = None
        written = False
        try:
            outcome, written = self._check_and_record(task)
        except StorageError:  # the database or Redis is away: the task is tried again
            raise
        except Exception as error:  # a bug: the page fails with it, the run goes on
            from attribution.app.recorder import Recorder

            why = f"could not be checked (internal error: {type(error).__name__}: {error})"
            failure = TargetOutcome(task.target, error=TargetError(task.target, why[:500]))
            recorder = Recorder.joining(self.db, task.run_id, task.target, task.position)
            outcome = recorder.record(failure)
            written = not recorder.recorded_before
        finally:
            failed = written and (outcome is None or outcome.error is not None)
            self._count(task.run_id, -1, recorded=written, failed=failed)
        if not written:  # another delivery of the task recorded it first
            return str(TakeUp.FINISHED.value)
        return "failed" if outcome.error is not None else "recorded"

    def _count(
        self, run_id: int, in_hand: int, *, recorded: bool = False, failed: bool = False
    ) -> None:
        """Add to the worker's tally: a page taken up (``in_hand`` +1) or put down
        (-1), recorded or not, failed or not; the run to look at with the next beat."""
        with self._lock:
            tally = self._tally
            self._tally = WorkerTally(
                run_id=run_id,
                in_hand=max(tally.in_hand + in_hand, 0),
                pages=tally.pages + recorded,
                failures=tally.failures + failed,
            )
            self._touched.add(run_id)

    def _check_and_record(self, task: PageTask) -> tuple[TargetOutcome, bool]:
        """Check and record the task's page: the outcome, and whether it was written
        (not when another delivery of the task recorded the page first)."""
        from attribution.app.recorder import Recorder
        from attribution.sources.targets import resolve_targets
        from attribution.store.scans import last_readings, record_declared_for_target

        recorder = Recorder.joining(self.db, task.run_id, task.target, task.position)
        why = None
        if task.profile != self.digest:
            why = (
                "could not be checked: this worker's profile differs from the scan's "
                "(start the workers with the scan's profile, then resume the scan)"
            )
        elif not task.target.startswith(("http://", "https://")):
            why = "could not be checked: a worker checks web pages only (an http(s) URL)"
        if why is not None:
            failure = TargetOutcome(task.target, error=TargetError(task.target, why))
            return recorder.record(failure), not recorder.recorded_before
        profile, terms = self._run_terms(task.run_id)
        (target,) = resolve_targets([task.target])
        known = None if terms.full else last_readings(self.db, [task.target]).get(task.target)
        outcome = self._checker(task.run_id, terms, profile).check(target, last_reading=known)
        outcome = recorder.record(outcome)
        if task.declared:
            record_declared_for_target(self.db, task.run_id, task.position, task.declared)
        return outcome, not recorder.recorded_before

    def _run_terms(self, run_id: int) -> tuple[Profile, CheckTerms]:
        """The worker's profile with the rights register as it stood when the worker
        first took up a page of the run (read once a run, as a one-machine scan does),
        and how the run has its pages checked."""
        from attribution.store import list_rights
        from attribution.store.scans import run_record

        with self._lock:
            known = self._runs.get(run_id)
        if known is None:
            terms = CheckTerms.from_option(run_record(self.db, run_id).options.get("queue"))
            profile = replace(
                self.profile, rights=self.profile.rights + tuple(list_rights(self.db))
            )
            known = (terms.judge_with(profile), terms)
            with self._lock:
                self._runs[run_id] = known
                while len(self._runs) > RUNS_REMEMBERED:
                    self._runs.pop(next(iter(self._runs)))
        return known

    def _checker(self, run_id: int, terms: CheckTerms, profile: Profile) -> PageChecker:
        """The calling thread's checker for the run, kept from page to page (a thread
        keeps those of its last few runs)."""
        from attribution.app.check import CheckOptions, PageChecker

        held: dict[int, PageChecker] = self._local.__dict__.setdefault("checkers", {})
        checker = held.pop(run_id, None)
        if checker is None:
            options = CheckOptions(
                profile=profile,
                settings=terms.settings,
                read_images=terms.read_images,
                isolate=self.isolate,
                render=terms.render,
            )
            checker = PageChecker(options, profile, gate=self._gates(terms.per_host, terms.delay))
            with self._lock:
                self._checkers.append(checker)
        held[run_id] = checker  # the most recent last
        while len(held) > RUNS_REMEMBERED:
            self._forget(held.pop(next(iter(held))))
        return checker

    def _forget(self, checker: PageChecker) -> None:
        with self._lock:
            if checker in self._checkers:
                self._checkers.remove(checker)
        checker.close()
