"""Worker processes of scans on workers (``attribution worker``), for the tests of
``tests/test_workers.py`` and the benchmark ``benchmarks/workers.py``: a queue of one's
own, a profile naming it, and workers started, ready and stopped."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# How long workers may take to start (import, connect, register, consume).
START_SECONDS = 120.0


def environment(database: str) -> dict[str, str]:
    """This environment with the database of a scan and its workers, and the project
    importable from where it is."""
    env = {**os.environ, "ATTRIBUTION_DATABASE_URL": database}
    env["PYTHONPATH"] = os.pathsep.join(part for part in (str(ROOT), env.get("PYTHONPATH")) if part)
    return env


@contextlib.contextmanager
def fresh_queue(prefix: str, broker: str, redis_url: str) -> Iterator[str]:
    """A queue name of its own; the queue and its keys in Redis deleted after the block."""
    import redis
    from kombu import Connection

    name = f"{prefix}-{uuid.uuid4().hex[:10]}"
    try:
        yield name
    finally:
        with contextlib.suppress(Exception), Connection(broker) as connection:
            connection.default_channel.queue_delete(name)
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(f"attribution:{name}:*"):
            client.delete(key)
        client.close()


def write_profile(folder: Path, queue: str, broker: str, redis_url: str, **scan: object) -> Path:
    """A profile whose scans run on workers of ``queue`` (the database is in the
    environment), with more keys of its ``[scan]`` table."""
    import json

    lines = [
        "[scan]",
        'workers = "celery"',
        f'broker = "{broker}"',
        f'redis = "{redis_url}"',
        f'queue = "{queue}"',
        *(f"{key} = {json.dumps(value)}" for key, value in scan.items()),
    ]
    path = folder / f"profile-{queue}.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def workers_ready(database: str, queue: str, count: int, broker: str) -> bool:
    """Whether ``count`` workers have told the record they run and consume ``queue``."""
    from kombu import Connection

    from attribution.store import open_database
    from attribution.store.workers import list_workers

    db = open_database(database)
    try:
        running = sum(1 for worker in list_workers(db) if worker.status == "running")
    finally:
        db.close()
    if running < count:
        return False
    try:
        with Connection(broker) as connection:
            _, _, consumers = connection.default_channel.queue_declare(queue=queue, passive=True)
    except Exception:  # not declared yet
        return False
    return int(consumers) >= count


def log_tail(logs: Path) -> str:
    """The end of each worker's log."""
    return "\n".join(
        path.read_text(errors="replace")[-1500:] for path in sorted(logs.glob("worker-*.log"))
    )


@contextlib.contextmanager
def running_workers(
    processes: int,
    concurrency: int,
    profile: Path,
    database: str,
    queue: str,
    broker: str,
    logs: Path,
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """``processes`` workers of ``concurrency`` threads on the queue, each in a process
    group of its own, logging to ``logs``, registered and consuming before the block;
    stopped with SIGTERM (their pages in hand finished, their parsing processes stopped)
    and waited for after it."""
    logs.mkdir(parents=True, exist_ok=True)
    started: list[subprocess.Popen[bytes]] = []
    first = len(list(logs.glob("worker-*.log")))  # the logs of workers started before
    command = ["worker", "--concurrency", str(concurrency), "--config", str(profile)]
    try:
        for number in range(first, first + processes):
            with (logs / f"worker-{number}.log").open("wb") as log:
                started.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "attribution", *command],
                        env=environment(database),
                        stdin=subprocess.DEVNULL,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
        deadline = time.monotonic() + START_SECONDS
        while not workers_ready(database, queue, processes, broker):
            dead = [worker for worker in started if worker.poll() is not None]
            if dead or time.monotonic() > deadline:
                raise RuntimeError(f"the workers did not start: {log_tail(logs)}")
            time.sleep(0.2)
        yield started
    finally:
        for worker in started:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)  # the worker alone: it stops its children
        for worker in started:
            try:
                worker.wait(timeout=120)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
