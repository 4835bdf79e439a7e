"""The scan's side of the task queue: sending a scan's pages to the workers, and the
politeness it shares with them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from attribution.errors import ConfigError
from attribution.store.database import safe_url
from attribution.workers.app import TASK_NAME, broker_url, make_celery, redis_url

if TYPE_CHECKING:
    import redis

    from attribution.app.distributed import PageTask
    from attribution.records import Profile
    from attribution.workers.gate import SharedHostGate, SharedRobotsCache

# A fetch holds its place in the shared gate at most this much longer than a page's
# time budget (a worker killed while holding one frees it after that).
LEASE_MARGIN_SECONDS = 30.0


class CeleryQueue:
    """A :class:`~attribution.app.distributed.PageQueue` on Celery: the profile's broker
    and queue, and the Redis its workers share (open with :meth:`open`)."""

    def __init__(self, app: Any, name: str, broker: str, shared: redis.Redis, lease: float):
        self.app = app
        self.name = name
        self.broker = broker
        self.shared = shared
        self.lease = lease

    @classmethod
    def open(cls, profile: Profile, queue: str | None = None) -> CeleryQueue:
        """The queue of ``profile`` (or the one named ``queue``), its broker and Redis
        checked to answer: a :class:`ConfigError` names the one that does not, before
        anything is recorded."""
        from attribution.workers.gate import connect_shared_state

        name = queue or profile.scan.queue
        broker = broker_url(profile)
        shared = connect_shared_state(redis_url(profile))
        app = make_celery(broker, name)
        check_broker(app, broker)
        return cls(app, name, broker, shared, profile.limits.page_seconds + LEASE_MARGIN_SECONDS)

    def send(self, tasks: Iterable[PageTask]) -> int:
        """Queue the tasks, each confirmed by the broker; how many were sent."""
        sent = 0
        task = self.app.tasks[TASK_NAME]
        try:
            with self.app.producer_or_acquire() as producer:
                for page in tasks:
                    task.apply_async(args=[page.to_message()], queue=self.name, producer=producer)
                    sent += 1
        except Exception as error:  # kombu's and amqp's own errors, whatever the transport
            raise ConfigError(
                f"broker {safe_url(self.broker)}: {sent} page(s) queued, then: {error}; "
                "resume the scan once the broker answers"
            ) from None
        return sent

    def shared_gate(self, per_host: int, delay: float) -> SharedHostGate:
        """The per-host places and pace every worker of the queue shares."""
        return shared_gate(self.shared, self.name, per_host, delay, self.lease)

    def robots_cache(self) -> SharedRobotsCache:
        """The robots.txt readings scans on the queue share, for a day at most."""
        from attribution.workers.gate import SharedRobotsCache

        return SharedRobotsCache(self.shared, namespace=f"attribution:{self.name}")

    def close(self) -> None:
        """Let the broker's and Redis's connections go."""
        self.app.close()
        self.shared.close()


def shared_gate(
    shared: redis.Redis, queue: str, per_host: int, delay: float, lease: float
) -> SharedHostGate:
    """The gate of a scan's politeness that the scan and all the workers of ``queue``
    share in Redis ``shared``."""
    from attribution.workers.gate import SharedHostGate

    return SharedHostGate(
        shared,
        per_host,
        delay,
        adaptive=True,
        covers_images=True,
        namespace=f"attribution:{queue}",
        lease_seconds=lease,
    )


def check_broker(app: Any, broker: str) -> None:
    """Raise a :class:`ConfigError` naming ``broker`` (its password hidden) when it does
    not answer."""
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=5)
    except Exception as error:  # whatever the transport raises for a broker away
        raise ConfigError(
            f"broker {safe_url(broker)} does not answer ({error}): start RabbitMQ, "
            "or set [scan] broker or ATTRIBUTION_BROKER_URL"
        ) from None
