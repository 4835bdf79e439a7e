"""What a worker does with a page it is handed, and what the record keeps, without a
broker: a page is recorded into its run once however often it is delivered; a page
whose workers keep being lost is failed with that reason; a worker with another
profile, or on another database, checks nothing; the last page finishes the run. On
SQLite and on PostgreSQL; the pages come from a site on loopback."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
from scansite import ScanSite
from sqlalchemy import func, select

from attribution.app.distributed import CheckTerms, PageTask, PageWorker, profile_digest
from attribution.app.parallel import HostGate
from attribution.app.recorder import Recorder
from attribution.errors import UsageError
from attribution.fetch.settings import FetchSettings
from attribution.records import DeclaredImage, Profile
from attribution.store import Database, open_database, record_failure
from attribution.store.models import DeclaredImageRow, PageFetch, Run, RunTarget
from attribution.store.workers import TakeUp, list_workers, take_up

TOKEN = "a-token-of-the-run"


@pytest.fixture
def db(database_url: str) -> Database:
    database = open_database(database_url, auto_upgrade=True, quick_commits=True)
    yield database  # type: ignore[misc]
    database.close()


def _run_on_workers(db: Database, targets: list[str], token: str = TOKEN) -> int:
    settings = FetchSettings(allowed_hosts=("127.0.0.1",), private_targets=False)
    terms = CheckTerms(settings=settings, read_images=False)
    queued = {"name": "attribution", "token": token, **terms.to_option()}
    more = {"site": "loopback", "queue": queued}
    return Recorder.start_on(db, Profile(), targets, "scan", more).run_id


def _task(run_id: int, position: int, url: str, profile: Profile | None = None) -> PageTask:
    return PageTask(
        run_id=run_id,
        position=position,
        target=url,
        token=TOKEN,
        profile=profile_digest(profile or Profile()),
    )


def _worker(db: Database, profile: Profile | None = None) -> PageWorker:
    worker = PageWorker(
        profile or Profile(),
        db,
        lambda per_host, delay: HostGate(per_host, delay),
        name="attribution@test.1",
        isolate=False,
    )
    worker.start()
    return worker


def _facts(db: Database, run_id: int) -> tuple[str, int, int, int]:
    with db.sessions() as session:
        run = session.get(Run, run_id)
        assert run is not None
        readings = session.scalar(
            select(func.count()).select_from(PageFetch).where(PageFetch.run_id == run_id)
        )
        return run.status, run.pages_done, run.pages_failed, int(readings or 0)


def test_a_page_delivered_twice_is_recorded_once_and_the_last_page_finishes_the_run(
    db: Database, scan_site: ScanSite
) -> None:
    urls = [scan_site.page_url(1), scan_site.page_url(2)]
    run_id = _run_on_workers(db, urls)
    worker = _worker(db)
    try:
        assert worker.run(_task(run_id, 0, urls[0])) == "recorded"
        assert worker.run(_task(run_id, 0, urls[0]), redelivered=True) == "finished"
        assert _facts(db, run_id) == ("running", 1, 0, 1)
        assert worker.run(_task(run_id, 1, urls[1])) == "recorded"
    finally:
        worker.stop()
    assert _facts(db, run_id) == ("finished", 2, 0, 2)
    (status,) = list_workers(db)
    assert (status.name, status.status, status.pages, status.in_hand) == (
        "attribution@test.1",
        "stopped",
        2,
        0,
    )


def test_recording_a_target_the_run_has_finished_changes_nothing(
    db: Database, scan_site: ScanSite
) -> None:
    run_id = _run_on_workers(db, [scan_site.page_url(1)])
    worker = _worker(db)
    try:
        worker.run(_task(run_id, 0, scan_site.page_url(1)))
    finally:
        worker.stop()
    # A failure told of the same target afterwards (a worker that timed out while the
    # other recorded it) is not counted.
    assert record_failure(db, run_id, 0, "late") is False
    assert _facts(db, run_id) == ("finished", 1, 0, 1)


def test_a_page_whose_workers_keep_being_lost_is_failed_with_that_reason(
    db: Database, scan_site: ScanSite
) -> None:
    run_id = _run_on_workers(db, [scan_site.page_url(1)])
    url = scan_site.page_url(1)
    took = [
        take_up(db, run_id, 0, TOKEN, "w", target=url, lost_before=True, most_lost=3)
        for _ in range(3)
    ]
    assert took == [TakeUp.CHECK, TakeUp.CHECK, TakeUp.LOST_TOO_OFTEN]
    with db.sessions() as session:
        target = session.scalars(select(RunTarget).where(RunTarget.run_id == run_id)).one()
        assert target.status == "failed" and target.workers_lost == 3
        assert target.reason is not None and "3 workers were lost" in target.reason
    # A first delivery (a resumed scan's) after that finds the target finished.
    assert take_up(db, run_id, 0, TOKEN, "w", target=url, most_lost=3) is TakeUp.FINISHED


def test_a_worker_takes_up_only_what_the_run_lists_with_the_runs_own_token(
    db: Database, scan_site: ScanSite
) -> None:
    url = scan_site.page_url(1)
    run_id = _run_on_workers(db, [url])
    assert take_up(db, run_id, 0, "an older token", "w", target=url) is TakeUp.SUPERSEDED
    assert take_up(db, run_id + 1, 0, TOKEN, "w", target=url) is TakeUp.NOT_THIS_RUN
    assert take_up(db, run_id, 5, TOKEN, "w", target=url) is TakeUp.NOT_THIS_RUN
    # A forged task naming another target (a file of the worker's machine) at a
    # position the run lists takes up nothing.
    forged = "file:///etc/passwd"
    assert take_up(db, run_id, 0, TOKEN, "w", target=forged) is TakeUp.NOT_THIS_RUN
    from attribution.store import finish_run

    finish_run(db, run_id, "limited")
    assert take_up(db, run_id, 0, TOKEN, "w", target=url) is TakeUp.RUN_STOPPED
    assert _facts(db, run_id) == ("limited", 0, 0, 0)


def test_a_page_delivered_twice_at_once_is_recorded_once(
    db: Database, scan_site_factory: Callable[..., ScanSite]
) -> None:
    site = scan_site_factory(2, latency=0.2)  # both deliveries are in hand at once
    run_id = _run_on_workers(db, [site.page_url(1)])
    worker = _worker(db)
    try:
        with ThreadPoolExecutor(2) as pool:
            done = sorted(pool.map(lambda _: worker.run(_task(run_id, 0, site.page_url(1))), "ab"))
    finally:
        worker.stop()
    assert done == ["finished", "recorded"]
    assert _facts(db, run_id) == ("finished", 1, 0, 1)  # one reading, counted once


def test_the_terms_a_run_keeps_never_open_private_addresses_but_the_named_hosts() -> None:
    settings = FetchSettings(allowed_hosts=("preview.internal",), private_targets=True)
    option = json.loads(json.dumps(CheckTerms(settings=settings, per_host=3).to_option()))
    terms = CheckTerms.from_option(option)
    assert terms.settings.private_targets is False
    assert terms.settings.allowed_hosts == ("preview.internal",)
    assert terms.per_host == 3
    with pytest.raises(UsageError, match="no terms"):
        CheckTerms.from_option({"name": "attribution", "token": TOKEN})


def test_a_worker_with_another_profile_checks_nothing_and_says_why(
    db: Database, scan_site: ScanSite
) -> None:
    run_id = _run_on_workers(db, [scan_site.page_url(1)])
    worker = _worker(db, Profile(commercial=False))
    try:
        assert worker.run(_task(run_id, 0, scan_site.page_url(1))) == "failed"
    finally:
        worker.stop()
    assert _facts(db, run_id) == ("finished", 0, 1, 0)
    with db.sessions() as session:
        reason = session.scalar(select(RunTarget.reason).where(RunTarget.run_id == run_id))
    assert reason is not None and "profile differs from the scan's" in reason


def test_the_images_a_sitemap_declared_are_kept_with_the_workers_reading(
    db: Database, scan_site: ScanSite
) -> None:
    url = scan_site.page_url(1)
    run_id = _run_on_workers(db, [url])
    declared = (DeclaredImage(url=scan_site.url("/images/1-1.jpg"), caption="Harbour"),)
    worker = _worker(db)
    try:
        task = replace(_task(run_id, 0, url), declared=declared)
        assert worker.run(task) == "recorded"
        # Delivered again (its worker lost after recording it): kept once.
        assert worker.run(task, redelivered=True) == "finished"
    finally:
        worker.stop()
    with db.sessions() as session:
        kept = session.scalars(select(DeclaredImageRow.caption)).all()
    assert kept == ["Harbour"]


def test_a_task_goes_through_json_and_back_and_a_stranger_message_is_refused() -> None:
    task = PageTask(
        run_id=3,
        position=7,
        target="https://www.example.com/a.html",
        token=TOKEN,
        profile=profile_digest(Profile()),
        declared=(DeclaredImage(url="https://www.example.com/a.jpg", licence="CC-BY-4.0"),),
    )
    assert PageTask.from_message(json.loads(json.dumps(task.to_message()))) == task
    for stranger in ([1, 2], {"run_id": "3"}, {**task.to_message(), "position": "seven"}):
        with pytest.raises(UsageError, match="page task"):
            PageTask.from_message(stranger)


def test_the_profile_digest_ignores_where_results_go_but_not_how_pages_are_judged() -> None:
    base = Profile()
    assert profile_digest(base) == profile_digest(Profile(database_url="postgresql://x/y"))
    assert profile_digest(base) != profile_digest(Profile(commercial=False))


def test_a_transaction_that_lost_to_a_concurrent_writer_is_tried_again(db: Database) -> None:
    from sqlalchemy.exc import OperationalError

    from attribution.errors import StorageError
    from attribution.store.transactions import transaction

    class Deadlock(Exception):
        sqlstate = "40P01"  # PostgreSQL broke a deadlock by ending this transaction

    class Refused(Exception):
        sqlstate = "53100"  # disk full: trying again does not help

    calls: list[int] = []

    def loses_once(session: object) -> str:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("INSERT …", {}, Deadlock("deadlock detected"))
        return "written"

    assert transaction(db, loses_once) == "written" and len(calls) == 2

    def refused(session: object) -> str:
        raise OperationalError("INSERT …", {}, Refused("could not extend file"))

    with pytest.raises(StorageError, match="could not extend file"):
        transaction(db, refused)
