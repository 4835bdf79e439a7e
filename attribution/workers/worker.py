"""A worker process: ``attribution worker`` consumes a scan queue, checking and
recording each page it is handed (:class:`~attribution.app.distributed.PageWorker`).

The Celery worker runs a pool of threads, each with its own HTTP connections and its
own parsing process (so one worker parses on as many cores as it has threads), one page
in hand per thread. SIGTERM is Celery's warm shutdown: the pages in hand are finished
and acknowledged, then the worker exits; SIGKILL loses nothing either (the pages in hand
were not acknowledged, and the broker hands them to another worker).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from attribution.workers.app import broker_url, make_celery, redis_url
from attribution.workers.queue import LEASE_MARGIN_SECONDS, check_broker, shared_gate

if TYPE_CHECKING:
    from attribution.app.parallel import PoliteGate
    from attribution.records import Profile


def run_worker(
    profile: Profile,
    *,
    concurrency: int,
    queue: str | None = None,
    loglevel: str = "WARNING",
    isolate: bool = True,
) -> int:
    """Consume the profile's scan queue (or ``queue``) until told to stop; the worker's
    exit code. The broker, Redis and the database are checked to answer first (a
    :class:`~attribution.errors.ConfigError` or
    :class:`~attribution.errors.StorageError` names the one that does not)."""
    from attribution.app.distributed import PageWorker, require_shared_database
    from attribution.store import open_database
    from attribution.workers.gate import connect_shared_state

    name = queue or profile.scan.queue
    broker = broker_url(profile)
    shared = connect_shared_state(redis_url(profile))
    app = make_celery(broker, name)
    check_broker(app, broker)
    # A connection for each thread and the heartbeat; none checked at each use (a page
    # takes several): one the server dropped fails once, and its task is tried again.
    db = open_database(
        profile.database_url, quick_commits=True, connections=concurrency + 2, pre_ping=False
    )
    try:
        require_shared_database(db)
    except BaseException:
        db.close()
        raise
    lease = profile.limits.page_seconds + LEASE_MARGIN_SECONDS

    def gates(per_host: int, delay: float) -> PoliteGate:
        return shared_gate(shared, name, per_host, delay, lease)

    page_worker = PageWorker(profile, db, gates, concurrency=concurrency, isolate=isolate)
    app.page_worker = page_worker
    page_worker.start()
    try:
        worker = app.Worker(
            hostname=page_worker.name,
            pool="threads",
            concurrency=concurrency,
            prefetch_multiplier=1,
            loglevel=loglevel,
            queues=[name],
            without_gossip=True,
            without_mingle=True,
            quiet=True,
            redirect_stdouts=False,
        )
        worker.start()
        return int(worker.exitcode or 0)
    finally:
        page_worker.stop()
        db.close()
        shared.close()
        app.close()
