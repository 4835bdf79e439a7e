"""``attribution worker``: a worker process of scans on a task queue."""

from __future__ import annotations

from pathlib import Path

import click

from attribution.cli.common import config_option, load_profile, verbosity_options


@click.command("worker")
@click.option(
    "--concurrency",
    "-c",
    type=click.IntRange(min=1, max=256),
    metavar="N",
    help="Pages checked at once: N threads, each with its own parsing process (default: "
    "one more than the CPU cores).",
)
@click.option(
    "--queue",
    metavar="NAME",
    help="The queue to take pages from (default: the profile's [scan] queue, 'attribution').",
)
@config_option
@verbosity_options
def command(
    concurrency: int | None,
    queue: str | None,
    config: Path | None,
    quiet: bool,
    verbose: bool,
) -> int:
    """Check the pages of scans run with --workers celery, as a worker of their queue.

    Takes pages from the queue on the broker (RabbitMQ: [scan] broker or
    ATTRIBUTION_BROKER_URL), checks each as a scan does, and records it in the database
    every worker and the scan share ([database] url or ATTRIBUTION_DATABASE_URL: a
    PostgreSQL server). The politeness of a scan (pages at once per host, the pace of a
    host, its robots.txt Crawl-delay, back-off) is shared by all workers through Redis
    ([scan] redis or ATTRIBUTION_REDIS_URL). Start as many workers, on as many
    machines, as the site needs; give them the scan's profile.

    A page is acknowledged only once it is recorded: a worker killed outright loses
    nothing (its pages go to another worker), and a page is never recorded twice.
    SIGTERM or Ctrl-C finishes the pages in hand, then stops. 'attribution runs' shows
    each running scan's progress and the workers on it.

    \b
    Examples:
      attribution worker
      attribution worker --concurrency 8 --config /etc/attribution/attribution.toml
      ATTRIBUTION_DATABASE_URL=postgresql+psycopg://attribution@db/attribution \\
      ATTRIBUTION_BROKER_URL=amqp://attribution@mq:5672// attribution worker

    \b
    exit codes: 0 stopped when told to, 2 configuration error (a broker that does
                not answer, a profile that is not valid, a SQLite database, the
                workers extra not installed), 3 Redis or the database cannot be
                reached.
    """
    from attribution.app.check import default_workers
    from attribution.workers.extra import require_workers_extra

    require_workers_extra()
    from attribution.workers.worker import run_worker

    profile = load_profile(config)
    loglevel = "ERROR" if quiet else "INFO" if verbose else "WARNING"
    return run_worker(
        profile, concurrency=concurrency or default_workers(), queue=queue, loglevel=loglevel
    )
