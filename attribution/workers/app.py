"""The Celery app of scans on workers, and its one task: check and record a page.

Celery does what a distributed task queue must: tasks acknowledged only once done
(``acks_late``), so a worker killed with pages in hand has them handed to another
(RabbitMQ redelivers what was not acknowledged; ``reject_on_worker_lost`` does the same
for a lost pool process); one page in hand per thread (``prefetch_multiplier`` 1), so a
slow worker holds no queue of pages others could check. Messages are JSON. No result
backend: what became of each page is in the database the workers share.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from celery import Celery
from kombu.entity import Queue

from attribution.errors import StorageError, UsageError

if TYPE_CHECKING:
    from attribution.app.distributed import PageWorker
    from attribution.records import Profile

log = logging.getLogger("attribution.workers")

TASK_NAME = "attribution.check_page"
DEFAULT_BROKER = "amqp://guest:guest@127.0.0.1:5672//"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
BROKER_VARIABLE = "ATTRIBUTION_BROKER_URL"
REDIS_VARIABLE = "ATTRIBUTION_REDIS_URL"
# A task whose database is away is tried again, at most this many seconds later.
LONGEST_RETRY_SECONDS = 60


def broker_url(profile: Profile, environ: Mapping[str, str] | None = None) -> str:
    """The broker's URL: ``ATTRIBUTION_BROKER_URL``, else the profile's ``[scan]
    broker``, else RabbitMQ on this machine."""
    environ = os.environ if environ is None else environ
    return environ.get(BROKER_VARIABLE) or profile.scan.broker or DEFAULT_BROKER


def redis_url(profile: Profile, environ: Mapping[str, str] | None = None) -> str:
    """The URL of the Redis all workers share: ``ATTRIBUTION_REDIS_URL``, else the
    profile's ``[scan] redis``, else Redis on this machine."""
    environ = os.environ if environ is None else environ
    return environ.get(REDIS_VARIABLE) or profile.scan.redis or DEFAULT_REDIS


def make_celery(broker: str, queue: str) -> Any:
    """The Celery app of scans on the queue ``queue`` of ``broker``, with its task."""
    app = Celery("attribution", broker=broker, set_as_current=False)
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=queue,
        task_queues=(Queue(queue, durable=True),),  # type: ignore[no-untyped-call]
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        # No remote control (its broadcast queues): a worker's health is in the record.
        worker_enable_remote_control=False,
        # Sending waits for the broker to confirm each message: none lost on the way.
        broker_transport_options={"confirm_publish": True},
    )
    app.task(
        name=TASK_NAME,
        bind=True,
        acks_late=True,
        reject_on_worker_lost=True,
        max_retries=None,
    )(check_page)
    return app


def check_page(task: Any, message: object) -> str:
    """The task: check and record one page of a scan (a :class:`PageTask` message) with
    this process's :class:`PageWorker`; what became of it. A database that is away
    sends the task back to the queue, to be tried again a little later."""
    from attribution.app.distributed import PageTask

    worker: PageWorker | None = getattr(task.app, "page_worker", None)
    if worker is None:
        raise UsageError("this process is not an attribution worker (attribution worker)")
    try:
        page = PageTask.from_message(message)
    except UsageError as error:  # acknowledged and dropped: no worker could do it
        log.error("a task dropped: %s", error)
        return "dropped"
    delivery = task.request.delivery_info or {}
    try:
        done = worker.run(page, redelivered=bool(delivery.get("redelivered")))
    except StorageError as error:
        wait = min(LONGEST_RETRY_SECONDS, 2 ** min(task.request.retries, 6))
        log.warning("%s: %s; tried again in %d s", page.target, error, wait)
        raise task.retry(exc=error, countdown=wait) from None
    if done == "not this run":
        log.error(
            "%s: run %d has no such page in this worker's database: is it the scan's "
            "(ATTRIBUTION_DATABASE_URL)? The task is dropped",
            page.target,
            page.run_id,
        )
    else:
        log.info("%s (run %d): %s", page.target, page.run_id, done)
    return done
