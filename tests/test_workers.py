"""Scans on workers (``scan --workers celery``, ``attribution worker``) against the real
RabbitMQ, Redis and PostgreSQL of CI, over a site on loopback: two worker processes
record what a one-machine scan records; a worker killed with SIGKILL mid-scan loses
nothing and records nothing twice; workers together never exceed a host's places; the
record shows the workers. Each test has its own queue, Redis namespace and database.
Skipped, with the reason, where a server cannot be reached."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from scansite import ScanSite
from sqlalchemy import func, select
from test_scan import _fresh, _record, _scan
from workerprocesses import environment, fresh_queue, log_tail, running_workers, write_profile

from attribution.cli import cli
from attribution.store import open_database
from attribution.store.models import PageFetch, Run, RunTarget

BROKER = os.environ.get("ATTRIBUTION_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
REDIS = os.environ.get("ATTRIBUTION_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=3):
            return True
    except OSError:
        return False


def _services_missing() -> str | None:
    """Why scans on workers cannot be tested here, or None."""
    try:
        import celery  # noqa: F401
        import redis
    except ImportError:
        return "celery and redis are not installed (pip install -e '.[test]')"
    if not _answers("127.0.0.1", 5672):
        return f"no RabbitMQ answers at {BROKER.split('@')[-1]}"
    try:
        redis.Redis.from_url(REDIS, socket_timeout=3).ping()
    except redis.RedisError as error:
        return f"no Redis answers at {REDIS} ({error})"
    return None


@pytest.fixture
def services() -> None:
    reason = _services_missing()
    if reason:
        pytest.skip(f"scans on workers not tested: {reason}")


@pytest.fixture
def shared_db(services: None) -> Iterator[str]:
    """A new PostgreSQL database the scan and its workers share, its schema in place."""
    from conftest import postgres_database

    with postgres_database() as url:
        open_database(url, auto_upgrade=True).close()
        yield url


@pytest.fixture
def queue(services: None) -> Iterator[str]:
    """A queue of the test's own, deleted afterwards with its keys in Redis."""
    with fresh_queue("attribution-test", BROKER, REDIS) as name:
        yield name


def _profile(folder: Path, queue: str, **scan: object) -> Path:
    return write_profile(folder, queue, BROKER, REDIS, **scan)


def _workers(
    count: int, profile: Path, database: str, queue: str, concurrency: int = 2
) -> contextlib.AbstractContextManager[list[subprocess.Popen[bytes]]]:
    """``count`` workers on ``queue``, ready before the block, stopped after it; their
    logs beside the profile."""
    logs = profile.parent / f"logs-{queue}"
    return running_workers(count, concurrency, profile, database, queue, BROKER, logs)


def _run_facts(database: str, run_id: int) -> dict[str, object]:
    db = open_database(database)
    try:
        with db.sessions() as session:
            run = session.get(Run, run_id)
            assert run is not None
            statuses = dict(
                session.execute(
                    select(RunTarget.status, func.count())
                    .where(RunTarget.run_id == run_id)
                    .group_by(RunTarget.status)
                ).all()
            )
            workers = set(
                session.scalars(select(RunTarget.worker).where(RunTarget.run_id == run_id))
            )
            readings = session.scalar(
                select(func.count()).select_from(PageFetch).where(PageFetch.run_id == run_id)
            )
            lost = session.scalar(
                select(func.sum(RunTarget.workers_lost)).where(RunTarget.run_id == run_id)
            )
            return {
                "status": run.status,
                "done": run.pages_done,
                "failed": run.pages_failed,
                "targets": statuses,
                "workers": workers - {None},
                "readings": readings,
                "lost": int(lost or 0),
            }
    finally:
        db.close()


def test_two_workers_record_what_a_scan_on_one_machine_records(
    scan_site_factory: Callable[..., ScanSite], shared_db: str, queue: str, tmp_path: Path
) -> None:
    site = scan_site_factory(12, latency=0.05)
    sitemap = site.url("/sitemap_index.xml")
    profile = _profile(tmp_path, queue)
    with _workers(2, profile, shared_db, queue):
        result = CliRunner().invoke(
            cli,
            ["scan", sitemap, "--config", str(profile), "--format", "json"],
            env={"ATTRIBUTION_DATABASE_URL": shared_db},
        )
        assert result.exit_code == 1, result.output  # new errors, as on one machine
        summary = json.loads(result.stdout)
        runs = CliRunner().invoke(
            cli, ["runs", "--config", str(profile)], env={"ATTRIBUTION_DATABASE_URL": shared_db}
        )
    assert summary["status"] == "finished" and summary["counts"]["checked"] == 12
    facts = _run_facts(shared_db, summary["run"])
    assert facts["done"] == 12 and facts["readings"] == 12 and facts["failed"] == 0
    assert len(facts["workers"]) == 2  # type: ignore[arg-type]  # both took pages

    alone = _fresh(tmp_path, "alone.db")
    _scan(alone, sitemap)
    assert _record(shared_db) == _record(alone)

    assert runs.exit_code == 0, runs.output
    shown = [line for line in runs.output.splitlines() if "worker attribution@" in line]
    assert len(shown) == 2 and all("alive" in line for line in shown), runs.output


def test_a_worker_killed_mid_scan_loses_nothing_and_records_nothing_twice(
    scan_site_factory: Callable[..., ScanSite], shared_db: str, queue: str, tmp_path: Path
) -> None:
    site = scan_site_factory(16, latency=0.3)
    sitemap = site.url("/sitemap_index.xml")
    profile = _profile(tmp_path, queue, per_host=4)
    with _workers(2, profile, shared_db, queue) as (doomed, survivor):
        scan = _scan_process(sitemap, profile, shared_db)
        try:
            for _ in range(1200):  # a bounded wait for the doomed worker to be at work
                if _pages_in_hand(shared_db, doomed.pid) and _done(shared_db) >= 2:
                    break
                assert scan.poll() is None, scan.communicate()
                time.sleep(0.05)
            assert _pages_in_hand(shared_db, doomed.pid), "the worker never took a page"
            os.killpg(doomed.pid, signal.SIGKILL)  # the worker and its parsing processes
            output, errors = scan.communicate(timeout=600)
        finally:
            if scan.poll() is None:
                scan.kill()
                scan.communicate()
        assert survivor.poll() is None
    assert scan.returncode == 1, errors
    summary = json.loads(output)
    assert summary["status"] == "finished" and summary["counts"]["checked"] == 16
    facts = _run_facts(shared_db, summary["run"])
    assert facts["targets"] == {"done": 16, "skipped": 3}  # not pages: a PDF, a JPEG, private
    assert facts["done"] == 16 and facts["readings"] == 16  # each page recorded once
    assert facts["lost"] >= 1  # the pages in the killed worker's hands were handed out again

    alone = _fresh(tmp_path, "alone.db")
    _scan(alone, sitemap)
    assert _record(shared_db) == _record(alone)


def _scan_process(sitemap: str, profile: Path, database: str) -> subprocess.Popen[str]:
    """``attribution scan SITEMAP`` on the profile's workers, in a process of its own."""
    command = ["scan", sitemap, "--format", "json", "--config", str(profile)]
    return subprocess.Popen(
        [sys.executable, "-m", "attribution", *command],
        env=environment(database),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _pages_in_hand(database: str, pid: int) -> int:
    """The pages the worker of process ``pid`` has taken up and not yet recorded."""
    db = open_database(database)
    try:
        with db.sessions() as session:
            return int(
                session.scalar(
                    select(func.count())
                    .select_from(RunTarget)
                    .where(RunTarget.status == "pending", RunTarget.worker.endswith(f".{pid}"))
                )
                or 0
            )
    finally:
        db.close()


def _done(database: str) -> int:
    db = open_database(database)
    try:
        with db.sessions() as session:
            return int(
                session.scalar(
                    select(func.count()).select_from(RunTarget).where(RunTarget.status == "done")
                )
                or 0
            )
    finally:
        db.close()


def test_workers_together_never_exceed_a_hosts_places(
    scan_site_factory: Callable[..., ScanSite], shared_db: str, queue: str, tmp_path: Path
) -> None:
    site = scan_site_factory(16, latency=0.15)
    sitemap = site.url("/sitemap_index.xml")
    profile = _profile(tmp_path, queue, per_host=2)
    with _workers(2, profile, shared_db, queue, concurrency=3):
        site.clear_log()
        result = CliRunner().invoke(
            cli,
            ["scan", sitemap, "--config", str(profile), "--format", "json"],
            env={"ATTRIBUTION_DATABASE_URL": shared_db},
        )
    assert result.exit_code == 1, result.output
    summary = json.loads(result.stdout)
    assert summary["counts"]["checked"] == 16
    # Six threads on two machines asked for pages and images of one host at once:
    # never more than its two places.
    assert site.max_in_flight <= 2
    assert len(_run_facts(shared_db, summary["run"])["workers"]) == 2  # type: ignore[arg-type]


def test_a_broker_that_does_not_answer_is_one_clear_error_and_nothing_is_recorded(
    services: None, tmp_path: Path
) -> None:
    database = _fresh(tmp_path, "nothing.db")
    profile = tmp_path / "profile.toml"
    profile.write_text(
        '[scan]\nworkers = "celery"\nbroker = "amqp://scanner:s3cret@127.0.0.1:1//"\n'
        f'redis = "{REDIS}"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli,
        ["scan", "https://www.example.com/sitemap.xml", "--config", str(profile)],
        env={"ATTRIBUTION_DATABASE_URL": database},
    )
    assert result.exit_code == 2, result.output
    assert "broker amqp://scanner:***@127.0.0.1:1//" in result.output
    assert "s3cret" not in result.output
    db = open_database(database)
    try:
        with db.sessions() as session:
            assert session.scalar(select(func.count()).select_from(Run)) == 0
    finally:
        db.close()


def test_a_scan_no_worker_takes_up_is_stopped_and_its_resume_on_workers_finishes_it(
    scan_site_factory: Callable[..., ScanSite],
    shared_db: str,
    queue: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import attribution.app.distributed as distributed

    monkeypatch.setattr(distributed, "NO_WORKERS_SECONDS", 1.0)
    site = scan_site_factory(6)
    profile = _profile(tmp_path, queue)
    env = {"ATTRIBUTION_DATABASE_URL": shared_db}
    args = ["--config", str(profile), "--format", "json"]
    stopped = CliRunner().invoke(cli, ["scan", site.url("/sitemap_index.xml"), *args], env=env)
    assert stopped.exit_code == 3, stopped.output
    summary = json.loads(stopped.stdout)
    assert summary["status"] == "interrupted"
    assert any("no worker checked a page" in line for line in summary["problems"])
    run_id = summary["run"]
    assert _run_facts(shared_db, run_id)["targets"] == {"pending": 6, "skipped": 3}

    from kombu import Connection

    with Connection(BROKER) as connection:  # the queued pages are lost with the broker
        connection.default_channel.queue_purge(queue)
    monkeypatch.setattr(distributed, "NO_WORKERS_SECONDS", 600.0)
    with _workers(1, profile, shared_db, queue):
        resumed = CliRunner().invoke(cli, ["scan", "--resume", str(run_id), *args], env=env)
    assert resumed.exit_code == 1, resumed.output  # new errors; why it stopped is past
    again = json.loads(resumed.stdout)
    assert again["status"] == "finished" and again["counts"]["checked"] == 6
    assert again["problems"] == []
    facts = _run_facts(shared_db, run_id)
    assert facts["targets"] == {"done": 6, "skipped": 3} and facts["readings"] == 6
    # robots.txt was read once: the resume took the reading the first scan shared.
    assert site.count("/robots.txt") == 1


def test_a_scan_on_workers_into_a_file_of_this_machine_is_refused_before_anything_is_recorded(
    services: None, queue: str, tmp_path: Path
) -> None:
    database = _fresh(tmp_path, "alone.db")
    profile = _profile(tmp_path, queue)
    for command in (["scan", "https://www.example.com/sitemap.xml"], ["worker"]):
        result = CliRunner().invoke(
            cli, [*command, "--config", str(profile)], env={"ATTRIBUTION_DATABASE_URL": database}
        )
        assert result.exit_code == 2, result.output
        assert "PostgreSQL server" in result.output
    db = open_database(database)
    try:
        with db.sessions() as session:
            assert session.scalar(select(func.count()).select_from(Run)) == 0
    finally:
        db.close()


def test_a_worker_told_to_stop_finishes_the_pages_in_its_hands_first(
    scan_site_factory: Callable[..., ScanSite], shared_db: str, queue: str, tmp_path: Path
) -> None:
    site = scan_site_factory(8, latency=0.3)
    sitemap = site.url("/sitemap_index.xml")
    profile = _profile(tmp_path, queue, per_host=4)
    with _workers(1, profile, shared_db, queue) as (stopping,):
        scan = _scan_process(sitemap, profile, shared_db)
        try:
            for _ in range(1200):  # a bounded wait for the worker to be at work
                if _pages_in_hand(shared_db, stopping.pid):
                    break
                assert scan.poll() is None, scan.communicate()
                time.sleep(0.05)
            in_hand = _pages_in_hand(shared_db, stopping.pid)
            assert in_hand, "the worker never took a page"
            os.killpg(stopping.pid, signal.SIGTERM)
            stopping.wait(timeout=120)
            assert stopping.returncode == 0, log_tail(profile.parent / f"logs-{queue}")
            done = _done(shared_db)
            # The pages it held were recorded before it stopped: none was left pending
            # in its name, none was handed out again.
            assert done >= in_hand and _pages_in_hand(shared_db, stopping.pid) == 0
            with _workers(1, profile, shared_db, queue):  # another worker checks the rest
                output, errors = scan.communicate(timeout=600)
        finally:
            if scan.poll() is None:
                scan.kill()
                scan.communicate()
    summary = json.loads(output)
    assert summary["status"] == "finished" and summary["counts"]["checked"] == 8, errors
    facts = _run_facts(shared_db, summary["run"])
    assert facts["done"] == 8 and facts["readings"] == 8 and facts["lost"] == 0
