"""Scans on workers: pages per second of ``attribution scan --workers celery`` with 1, 2
and 4 ``attribution worker`` processes on this machine, beside the one-machine scan of
the same site in the same run, and what the task queue costs a page.

One loopback site (``site_pages.serve_site``: robots.txt, a sitemap index, its pages)
of ``BENCH_WORKERS_PAGES`` pages (default 10,000; the real pages of
``../shared/realpages`` where present, ``BENCH_SCAN_OWN_PAGES=1`` the project's small
test pages) is scanned, each time into a new PostgreSQL database (schema by
``open_database(url, auto_upgrade=True)``, dropped afterwards), so that the one-machine
scan stores into the same kind of database as the workers:

* **the one-machine scan**: ``attribution scan SITEMAP --workers local --jobs T``;
* **on workers**, for 1, 2 and 4 worker processes: ``attribution worker --concurrency C``
  processes on a queue of their own (``C = max(1, round(T / processes))``), started
  and registered (in the record's ``workers`` table, and consuming the queue) before
  the clock starts, as long-lived workers are; then ``attribution scan SITEMAP
  --workers celery``.

What is fair: every configuration checks ``T`` pages at once in all (env
``BENCH_WORKERS_THREADS``; by default the command's default ``--jobs``, one more than
the cores, rounded up to a multiple of 4 so that 1, 2 and 4 processes split it evenly:
4 threads on a 2-core machine, so 1x4, 2x2 and 4x1), each thread with its own parsing
process, ``--per-host T`` (so that the host's places never hold a thread back),
``--delay 0``, ``--no-images`` (no image files read, as ``scan.py``). What differs is
only where pages are checked: the scan's threads, or the workers' threads fed by
RabbitMQ, taking up and recording each page in the database, their politeness shared
in Redis. The time is the scan command's, from its start to its exit (discovery of the
pages, checking, recording, the summary), the same for both.

Reported per configuration: seconds, pages per second, their ratio to the one-machine
scan's, and the queue's overhead per page, ``(seconds on workers - seconds on one
machine) / pages`` (negative when the workers did better); the CPU milliseconds per
page of every process of the benchmark's own (the scan command; the workers and their
parsing processes, from the moment they were ready until they stopped after SIGTERM:
``getrusage(RUSAGE_CHILDREN)`` once each is waited for, less what each worker had used
while starting), beside the one-machine scan's; and the CPU of the servers (PostgreSQL,
RabbitMQ, Redis, from ``/proc``: whole servers, so the work of anyone else using them
on a shared machine counts too).

On one machine, more worker processes add no cores: these figures are the cost of
the queue (messages, taking up and recording each page apart, the shared politeness),
not how scans scale across machines.

Environment: ``BENCH_WORKERS_PAGES`` (default 10,000; 500 for a quick run),
``BENCH_WORKERS_THREADS``, ``BENCH_SCAN_OWN_PAGES=1``; ``ATTRIBUTION_BROKER_URL`` and
``ATTRIBUTION_REDIS_URL`` (else RabbitMQ and Redis on this machine). Skipped, with the
reason, where PostgreSQL, RabbitMQ or Redis does not answer. On two shared cores with
the real pages the default took 14 to 17 minutes; ``BENCH_WORKERS_PAGES=500`` about one.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from site_pages import page_bodies, serve_site
from workerprocesses import environment, fresh_queue, running_workers, write_profile

POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
BROKER = os.environ.get("ATTRIBUTION_BROKER_URL") or "amqp://guest:guest@127.0.0.1:5672//"
REDIS = os.environ.get("ATTRIBUTION_REDIS_URL") or "redis://127.0.0.1:6379/0"
# Worker processes of the configurations measured.
PROCESSES = (1, 2, 4)
# The servers whose CPU is read from /proc, by process name.
SERVICES = {
    "postgres": "PostgreSQL",
    "beam.smp": "RabbitMQ",
    "erl_child_setup": "RabbitMQ",
    "epmd": "RabbitMQ",
    "redis-server": "Redis",
}


@dataclass(frozen=True)
class Measured:
    """One scan of the site: where its pages were checked, how many processes and
    threads, its seconds, the CPU seconds of the benchmark's processes and of the
    servers (by server), and the lines of the workers' logs worth a look."""

    label: str
    processes: int
    threads: int
    seconds: float
    cpu_seconds: float
    service_cpu: dict[str, float]
    log_lines: list[str]


def _setting(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def _children_cpu() -> float:
    """User and system CPU seconds of this process's children that were waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_cpu(pid: int) -> tuple[str, float]:
    """A process's name and the CPU seconds it and its children waited for used (from
    ``/proc/PID/stat``); ("", 0.0) when it is gone or cannot be read."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "", 0.0
    name = stat[stat.index("(") + 1 : stat.rindex(")")]
    fields = stat[stat.rindex(")") + 2 :].split()
    # utime, stime, cutime, cstime: fields 14 to 17 of proc(5), 12 to 15 after the name
    return name, sum(int(value) for value in fields[11:15]) / _TICK


def _services_cpu() -> dict[str, float]:
    """CPU seconds used so far by each server (its processes alive, with the children
    they waited for)."""
    used: dict[str, float] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            name, seconds = _proc_cpu(int(entry.name))
            if name in SERVICES:
                used[SERVICES[name]] = used.get(SERVICES[name], 0.0) + seconds
    return used


def _difference(after: dict[str, float], before: dict[str, float]) -> dict[str, float]:
    return {name: after.get(name, 0.0) - before.get(name, 0.0) for name in after}


def services_missing() -> str | None:
    """Why the benchmark cannot run here, or None."""
    try:
        import psycopg
        import redis
        from kombu import Connection
    except ImportError as error:
        return f"{error.name} is not installed (pip install -e '.[test]')"
    try:
        psycopg.connect(POSTGRES_ADMIN, connect_timeout=3).close()
    except Exception as error:
        return f"no PostgreSQL answers at 127.0.0.1:5432 ({error})"
    try:
        with Connection(BROKER, connect_timeout=3) as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as error:
        return f"no RabbitMQ answers ({error})"
    try:
        redis.Redis.from_url(REDIS, socket_timeout=3).ping()
    except redis.RedisError as error:
        return f"no Redis answers ({error})"
    return None


@contextlib.contextmanager
def fresh_database() -> Iterator[str]:
    """The URL of a new PostgreSQL database with the project's schema, dropped after
    the block."""
    import psycopg

    from attribution.store import open_database

    name = f"attribution_bench_workers_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = POSTGRES_ADMIN.replace("postgresql:", "postgresql+psycopg:").rsplit("/", 1)[0]
    url = f"{url}/{name}"
    try:
        open_database(url, auto_upgrade=True).close()
        yield url
    finally:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_scan(
    sitemap: str, where: str, threads: int, profile: Path, database: str, pages: int
) -> float:
    """The scan command over ``sitemap``, its pages checked ``where`` ("local" or
    "celery"): its seconds from start to exit. Raises unless it checked every page and
    failed none."""
    command = [
        sys.executable,
        "-m",
        "attribution",
        "scan",
        sitemap,
        "--workers",
        where,
        "--jobs",
        str(threads),
        "--per-host",
        str(threads),
        "--delay",
        "0",
        "--no-images",
        "--format",
        "json",
        "--config",
        str(profile),
    ]
    started = time.perf_counter()
    done = subprocess.run(
        command,
        env=environment(database),
        capture_output=True,
        text=True,
        timeout=max(1800.0, pages * 1.0),
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):  # 1: new findings, as a first scan has
        raise RuntimeError(
            f"scan --workers {where} exited {done.returncode}:\n{done.stderr[-3000:]}"
        )
    summary: dict[str, Any] = json.loads(done.stdout)
    counts = summary["counts"]
    if summary["status"] != "finished" or counts["checked"] != pages or counts["failed"]:
        raise RuntimeError(
            f"scan --workers {where}: {summary['status']}, {counts}, failed {summary['failed'][:3]}"
        )
    return seconds


def measure_local(sitemap: str, threads: int, folder: Path, pages: int) -> Measured:
    """The one-machine scan of the site into a new database."""
    with fresh_database() as database, fresh_queue("attribution-bench", BROKER, REDIS) as queue:
        profile = write_profile(folder, queue, BROKER, REDIS)
        cpu, services = _children_cpu(), _services_cpu()
        seconds = run_scan(sitemap, "local", threads, profile, database, pages)
        return Measured(
            f"one machine, scan --jobs {threads}",
            1,
            threads,
            seconds,
            _children_cpu() - cpu,
            _difference(_services_cpu(), services),
            [],
        )


def _log_lines_of_note(logs: Path) -> list[str]:
    """The lines of the workers' logs that warn or tell of an error."""
    noted = []
    for path in sorted(logs.glob("worker-*.log")):
        for line in path.read_text(errors="replace").splitlines():
            if any(word in line for word in ("WARNING", "ERROR", "CRITICAL", "Traceback")):
                noted.append(f"{path.stem}: {line.strip()}")
    return noted


def measure_workers(
    sitemap: str, processes: int, threads: int, folder: Path, pages: int
) -> Measured:
    """The scan of the site on ``processes`` workers sharing ``threads`` threads, into a
    new database."""
    concurrency = max(1, round(threads / processes))
    with fresh_database() as database, fresh_queue("attribution-bench", BROKER, REDIS) as queue:
        profile = write_profile(folder, queue, BROKER, REDIS)
        logs = folder / queue
        cpu, services = _children_cpu(), _services_cpu()
        with running_workers(
            processes, concurrency, profile, database, queue, BROKER, logs
        ) as started:
            # What the workers used while starting is not the scan's.
            starting = sum(_proc_cpu(worker.pid)[1] for worker in started)
            services = _services_cpu()
            seconds = run_scan(sitemap, "celery", threads, profile, database, pages)
        return Measured(
            f"{processes} worker{'s' if processes > 1 else ''} x {concurrency} thread{'s' if concurrency > 1 else ''}",
            processes,
            processes * concurrency,
            seconds,
            _children_cpu() - cpu - starting,
            _difference(_services_cpu(), services),
            _log_lines_of_note(logs),
        )


def default_threads() -> int:
    """The command's default --jobs (one more than the cores), rounded up to a multiple
    of 4, so that 1, 2 and 4 processes split it evenly."""
    from attribution.app.check import default_workers

    return 4 * math.ceil(default_workers() / 4)


def report(pages: int, local: Measured, measured: list[Measured]) -> None:
    """Pages per second, the ratio to the one-machine scan, the overhead and CPU per
    page of each configuration."""

    def per_page(seconds: float) -> float:
        return seconds * 1000 / pages

    def services(figures: Measured) -> str:
        shown = ", ".join(
            f"{name} {per_page(seconds):.1f}"
            for name, seconds in sorted(figures.service_cpu.items())
        )
        return shown or "not readable"

    print(
        f"  {local.label:28}: {pages / local.seconds:7.1f} pages/s ({local.seconds:7.1f} s); "
        f"CPU {per_page(local.cpu_seconds):6.1f} ms/page"
    )
    for figures in measured:
        overhead = per_page(figures.seconds - local.seconds)
        print(
            f"  {figures.label:28}: {pages / figures.seconds:7.1f} pages/s ({figures.seconds:7.1f} s); "
            f"ratio to one machine {local.seconds / figures.seconds:.2f}; queue overhead "
            f"{overhead:+6.1f} ms/page; CPU {per_page(figures.cpu_seconds):6.1f} ms/page "
            f"(ratio {figures.cpu_seconds / local.cpu_seconds:.2f})"
        )
    print("  servers' CPU ms/page (whole servers: anyone else's use of them counts too):")
    for figures in (local, *measured):
        print(f"    {figures.label:26}: {services(figures)}")
    noted = [line for figures in measured for line in figures.log_lines]
    print(f"  workers' log lines warning or telling of errors: {len(noted)}")
    for line in noted[:5]:
        print(f"    {line[:200]}")


def bench_workers() -> None:
    """A loopback site scanned on one machine, then on 1, 2 and 4 worker processes, all
    with the same threads in all: the queue's cost per page."""
    reason = services_missing()
    if reason:
        print(f"workers: skipped, {reason}")
        return
    pages = _setting("BENCH_WORKERS_PAGES", 10_000)
    threads = _setting("BENCH_WORKERS_THREADS", default_threads())
    source, bodies = page_bodies(real=os.environ.get("BENCH_SCAN_OWN_PAGES") != "1")
    cores = len(os.sched_getaffinity(0))
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    with (
        tempfile.TemporaryDirectory(prefix="attribution-bench-") as folder,
        serve_site(bodies, pages) as site,
    ):
        local = measure_local(site.sitemap_index, threads, Path(folder), pages)
        measured = [
            measure_workers(site.sitemap_index, processes, threads, Path(folder), pages)
            for processes in PROCESSES
        ]
    load_after = os.getloadavg()[0]
    print(
        f"workers: a loopback site of {pages} pages ({source}), {cores} cores; load average "
        f"{load_before:.1f} before, {load_after:.1f} after; {(time.perf_counter() - started) / 60:.1f} minutes in all"
    )
    print(
        f"  each: {threads} threads in all (each with its parsing process), {threads} at once "
        "from the host, no delay, no image files read, a new PostgreSQL database; seconds of "
        "the scan command from start to exit (workers started before)"
    )
    report(pages, local, measured)
    print(
        f"  One machine of {cores} cores: more worker processes add no cores, so these figures "
        "are the queue's cost per page (negative: the workers did better), not how scans "
        "scale across machines. CPU: the scan command, the workers and all their parsing "
        "processes (not the workers' start-up)."
    )


if __name__ == "__main__":
    bench_workers()
