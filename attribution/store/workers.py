"""Scans on workers, as the record keeps them: each worker process as it last
reported (its heartbeat), the taking up of a run's target by a worker, and how far a
run handed out to workers has got.

A target is taken up only while it is pending and its run is not stopped; each taking
up is counted, so that a page that keeps killing its worker is failed with that reason
instead of being handed out for ever. Recording itself is idempotent
(:func:`attribution.store.runs.finished_already`): a page redelivered after it was
stored is not stored twice.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session

from attribution.records import WorkerStatus
from attribution.store.models import PageFetch, Run, RunTarget, Worker
from attribution.store.runs import FAILED, PENDING
from attribution.store.transactions import aware, now, table, transaction, upsert

if TYPE_CHECKING:
    from attribution.records import WorkerTally
    from attribution.store.database import Database

# The run statuses in which workers go on with a run's pages: a run whose scan was
# killed (interrupted) loses nothing that is already queued.
_WORKED_ON = ("running", "interrupted")


class TakeUp(enum.Enum):
    """What a worker may do with a target handed to it."""

    CHECK = "check"  # pending: check it
    FINISHED = "finished"  # the run has it already (a redelivered task): nothing to do
    RUN_STOPPED = "run stopped"  # the run was stopped at a limit: left for its resume
    SUPERSEDED = "superseded"  # the run was taken up again: its new tasks stand instead
    NOT_THIS_RUN = "not this run"  # no such run or target here: another database's task
    LOST_TOO_OFTEN = "lost too often"  # failed now, with the reason


@dataclass(frozen=True)
class RunProgress:
    """How far a run has got: its status, its targets still pending, and (when asked
    for) the bytes of the pages it read."""

    status: str
    pending: int
    downloaded: int | None = None


@dataclass(frozen=True)
class FinishedTarget:
    """A target of a run that is no longer pending, and when it was finished."""

    position: int
    target: str
    status: str
    reason: str | None
    finished_at: datetime


def register_worker(db: Database, name: str, host: str, pid: int, concurrency: int) -> None:
    """Record that worker ``name`` started (or started again): running, heard of now,
    nothing in hand, its counts from nought."""
    moment = now()

    def work(session: Session) -> None:
        workers = table(Worker)
        values = {
            "name": name[:255],
            "host": host[:255],
            "pid": pid,
            "started_at": moment,
            "last_seen": moment,
            "status": "running",
            "concurrency": concurrency,
            "run_id": None,
            "in_hand": 0,
            "pages": 0,
            "failures": 0,
        }
        statement = upsert(session, workers).values(values)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=[workers.c.name],
                set_={key: value for key, value in values.items() if key != "name"},
            )
        )

    transaction(db, work)


def heartbeat(db: Database, name: str, tally: WorkerTally) -> None:
    """Worker ``name`` is alive: heard of now, with its tally."""
    _update_worker(
        db,
        name,
        last_seen=now(),
        run_id=tally.run_id,
        in_hand=tally.in_hand,
        pages=tally.pages,
        failures=tally.failures,
    )


def stop_worker(db: Database, name: str) -> None:
    """Worker ``name`` stopped on its own (a warm shutdown): nothing in hand."""
    _update_worker(db, name, status="stopped", in_hand=0, last_seen=now())


def _update_worker(db: Database, name: str, **values: object) -> None:
    def work(session: Session) -> None:
        session.execute(update(Worker).where(Worker.name == name[:255]).values(**values))

    transaction(db, work)


def take_up(
    db: Database,
    run_id: int,
    position: int,
    token: str,
    worker: str,
    *,
    target: str,
    lost_before: bool = False,
    most_lost: int = 3,
) -> TakeUp:
    """Take up the run's target at ``position`` for ``worker``, if it may be (the target
    keeps the worker's name). The run must list ``target`` at ``position``, and
    ``token`` must be the one the scan gave the run's tasks (a task of another database,
    or one the run's resume superseded, takes up nothing).

    ``lost_before`` says the task was handed out before to a worker that was lost
    (killed, out of memory): counted with the target, and once ``most_lost`` workers
    were lost with it, it is failed now with that reason instead."""

    def work(session: Session) -> TakeUp:
        run = session.get(Run, run_id)
        queued = (run.options or {}).get("queue") if run is not None else None
        if run is None or not isinstance(queued, dict):
            return TakeUp.NOT_THIS_RUN
        if queued.get("token") != token:
            return TakeUp.SUPERSEDED
        row = session.scalars(
            select(RunTarget)
            .where(RunTarget.run_id == run_id, RunTarget.position == position)
            .with_for_update()
        ).first()
        if row is None or row.target != target:
            return TakeUp.NOT_THIS_RUN
        if row.status != PENDING:
            return TakeUp.FINISHED
        if run.status not in _WORKED_ON:
            return TakeUp.RUN_STOPPED
        row.worker = worker[:255]
        if lost_before:
            row.workers_lost = (row.workers_lost or 0) + 1
        if row.workers_lost >= most_lost:
            row.status, row.finished_at = FAILED, now()
            row.reason = (
                f"{row.workers_lost} workers were lost while checking it (killed, or out "
                "of memory): not handed out again"
            )
            session.execute(
                update(Run).where(Run.id == run_id).values(pages_failed=Run.pages_failed + 1)
            )
            return TakeUp.LOST_TOO_OFTEN
        return TakeUp.CHECK

    return transaction(db, work)


def finish_if_complete(db: Database, run_id: int) -> bool:
    """Mark the run finished when none of its targets is pending any more (its workers
    do so with their heartbeat, whether or not the scan is still following); whether it
    was marked now."""

    def work(session: Session) -> bool:
        pending = exists().where(RunTarget.run_id == run_id, RunTarget.status == PENDING)
        marked = session.execute(
            update(Run)
            .where(Run.id == run_id, Run.status.in_(_WORKED_ON), ~pending)
            .values(status="finished", finished_at=now())
        )
        return bool(getattr(marked, "rowcount", 0))

    return transaction(db, work)


def run_progress(db: Database, run_id: int, *, downloaded: bool = False) -> RunProgress:
    """How far run ``run_id`` has got; the bytes it downloaded only when ``downloaded``
    (a sum over all its readings, which a scan without a limit of bytes need not pay)."""
    with db.reading() as session:
        status = session.scalar(select(Run.status).where(Run.id == run_id)) or ""
        pending = session.scalar(
            select(func.count()).where(RunTarget.run_id == run_id, RunTarget.status == PENDING)
        )
        read = None
        if downloaded:
            read = session.scalar(
                select(func.coalesce(func.sum(PageFetch.size), 0)).where(
                    PageFetch.run_id == run_id, PageFetch.http_status != 304
                )
            )
    return RunProgress(
        status=status,
        pending=int(pending or 0),
        downloaded=int(read or 0) if downloaded else None,
    )


def finished_since(db: Database, run_id: int, since: datetime | None) -> list[FinishedTarget]:
    """The run's targets finished at or after ``since`` (all of them for None), in the
    order they were finished."""
    query = select(
        RunTarget.position,
        RunTarget.target,
        RunTarget.status,
        RunTarget.reason,
        RunTarget.finished_at,
    ).where(RunTarget.run_id == run_id, RunTarget.status != PENDING)
    if since is not None:
        query = query.where(RunTarget.finished_at >= since)
    with db.reading() as session:
        rows = session.execute(query.order_by(RunTarget.finished_at, RunTarget.position))
        return [
            FinishedTarget(position, target, status, reason, aware(finished_at or now()))
            for position, target, status, reason, finished_at in rows
        ]


def workers_of_runs(db: Database, run_ids: Sequence[int]) -> dict[int, list[WorkerStatus]]:
    """The workers that took up pages of each of ``run_ids`` (scans on workers), by run."""
    if not run_ids:
        return {}
    found: dict[int, list[WorkerStatus]] = {}
    with db.sessions() as session:
        took = (
            select(RunTarget.run_id, RunTarget.worker)
            .where(RunTarget.run_id.in_(list(run_ids)), RunTarget.worker.is_not(None))
            .distinct()
            .subquery()
        )
        rows = session.execute(
            select(took.c.run_id, Worker)
            .join(Worker, Worker.name == took.c.worker)
            .order_by(took.c.run_id, Worker.name)
        )
        for run_id, row in rows:
            found.setdefault(run_id, []).append(worker_status(row))
    return found


def list_workers(db: Database, within: timedelta | None = None) -> list[WorkerStatus]:
    """Every worker recorded (heard of within ``within``, when given), by name."""
    query = select(Worker).order_by(Worker.name)
    if within is not None:
        query = query.where(Worker.last_seen >= now() - within)
    with db.sessions() as session:
        return [worker_status(row) for row in session.scalars(query)]


def worker_status(row: Worker) -> WorkerStatus:
    """The record of a worker's row."""
    return WorkerStatus(
        name=row.name,
        host=row.host,
        pid=row.pid,
        started_at=aware(row.started_at),
        last_seen=aware(row.last_seen),
        status=row.status,
        concurrency=row.concurrency,
        run_id=row.run_id,
        in_hand=row.in_hand,
        pages=row.pages,
        failures=row.failures,
    )
