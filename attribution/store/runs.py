"""Runs: starting, resuming and finishing them, their targets and failures.

A run lists its targets up front; each is marked done or failed as it is recorded, so a
run killed half way can say how far it got and be resumed. A run still marked running
whose process has died on this host is marked interrupted by the next run.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from attribution.errors import UsageError
from attribution.records import RunSummary
from attribution.store.models import Page, Run, RunTarget
from attribution.store.transactions import aware, now, table, transaction

if TYPE_CHECKING:
    from attribution.store.database import Database

PENDING, DONE, FAILED = "pending", "done", "failed"  # a run's progress through its targets
UNCHANGED, SKIPPED = "unchanged", "skipped"  # a scan's targets also


def start_run(
    db: Database,
    kind: str,
    targets: Sequence[str],
    options: dict[str, object],
    skipped: Mapping[int, str] | None = None,
) -> int:
    """Record the start of a run and its targets; marks this host's runs whose process
    died as interrupted. The targets at the positions of ``skipped`` are recorded as
    skipped, with the reason, in the same transaction (a scan's pages left out: a run
    killed at once never checks them on resume)."""
    skipped = skipped or {}

    def work(session: Session) -> int:
        mark_interrupted(session)
        # The table, not the entity: a check records its run without the ORM's
        # bookkeeping (its first use in a process costs more than the whole statement).
        runs, run_targets = table(Run), table(RunTarget)
        started = runs.insert().values(
            kind=kind,
            started_at=now(),
            status="running",
            targets=list(targets)[:1000],
            options=options,
            host=socket.gethostname(),
            pid=os.getpid(),
            pages_done=0,
            pages_failed=0,
            pages_unchanged=0,
            pages_skipped=len(skipped),
            images=0,
            errors=0,
            warnings=0,
            notices=0,
        )
        run_id: int = session.execute(started.returning(runs.c.id)).scalar_one()
        # Many-row inserts a thousand at a time: a run of any size starts in bounded memory.
        for start in range(0, len(targets), 1000):
            rows = [
                {
                    "run_id": run_id,
                    "position": position,
                    "target": target,
                    "status": SKIPPED if position in skipped else PENDING,
                    "reason": skipped.get(position),
                }
                for position, target in enumerate(targets[start : start + 1000], start)
            ]
            session.execute(run_targets.insert(), rows)
        return run_id

    return transaction(db, work)


def resume_run(
    db: Database,
    run_id: int,
    check: Callable[[list[str]], object] | None = None,
    kind: str | None = None,
) -> list[tuple[int, str]]:
    """Take up a run again: (position, target) of the targets it did not finish (not
    reached, or failed; not those a scan found unchanged or skipped), in their order.
    The run is marked running by this process.

    ``check`` is given those targets first; an error it raises leaves the run untouched,
    as does a run of another ``kind`` than the one given (a check or a scan).
    """

    def work(session: Session) -> list[tuple[int, str]]:
        mark_interrupted(session)
        run = session.get(Run, run_id)
        if run is None:
            raise UsageError(f"no run {run_id} (see 'attribution runs')")
        if kind is not None and run.kind != kind:
            raise UsageError(
                f"run {run_id} is a {run.kind}: resume it with 'attribution {run.kind} "
                f"--resume {run_id}'"
            )
        if run.status == "running":
            raise UsageError(
                f"run {run_id} is still running (process {run.pid} on {run.host}); "
                "resume it once it has stopped"
            )
        left = session.scalars(
            select(RunTarget)
            .where(RunTarget.run_id == run_id, RunTarget.status.in_((PENDING, FAILED)))
            .order_by(RunTarget.position)
        ).all()
        if check is not None:
            check([target.target for target in left])
        failed = sum(1 for target in left if target.status == FAILED)
        for target in left:
            target.status, target.reason = PENDING, None
            target.workers_lost = 0  # taken up again: its workers' losses start again
        run.status, run.finished_at = "running", None
        run.host, run.pid = socket.gethostname(), os.getpid()
        run.pages_failed = max(0, run.pages_failed - failed)  # they are tried again
        return [(target.position, target.target) for target in left]

    return transaction(db, work)


def mark_interrupted(session: Session) -> None:
    """Mark this host's runs still marked running, whose process has died, interrupted."""
    runs = table(Run)
    running = session.execute(
        select(runs.c.id, runs.c.pid).where(
            runs.c.status == "running", runs.c.host == socket.gethostname()
        )
    )
    dead = [run_id for run_id, pid in running if not _process_alive(pid)]
    if dead:
        session.execute(update(runs).where(runs.c.id.in_(dead)).values(status="interrupted"))


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def add_run_options(db: Database, run_id: int, more: Mapping[str, object]) -> None:
    """Keep ``more`` with the run's options (a stopped scan resumed on workers)."""

    def work(session: Session) -> None:
        run = session.get(Run, run_id)
        if run is None:
            raise UsageError(f"no run {run_id} (see 'attribution runs')")
        run.options = {**(run.options or {}), **more}

    transaction(db, work)


def finish_run(db: Database, run_id: int, status: str = "finished") -> None:
    """Record that a run ended (finished, failed or interrupted)."""

    def work(session: Session) -> None:
        runs = table(Run)
        session.execute(
            update(runs).where(runs.c.id == run_id).values(status=status, finished_at=now())
        )

    transaction(db, work)


def record_failure(
    db: Database,
    run_id: int,
    position: int | None = None,
    reason: str | None = None,
) -> bool:
    """Count a target that could not be checked (the run's target at ``position``), and
    say why. False when the run had already finished that target (a redelivered task):
    nothing is changed."""

    def work(session: Session) -> bool:
        if finished_already(session, run_id, [position]):
            return False
        runs = table(Run)
        session.execute(
            update(runs).where(runs.c.id == run_id).values(pages_failed=runs.c.pages_failed + 1)
        )
        if position is not None:
            finish_target(session, run_id, position, "", FAILED, reason=reason)
        return True

    return transaction(db, work)


def finished_already(session: Session, run_id: int, positions: Sequence[int | None]) -> set[int]:
    """Which of the run's targets at ``positions`` are no longer pending (done, failed,
    unchanged or skipped), so that a page is recorded into a run at most once.

    The rows are locked as they are read (``FOR UPDATE``, on PostgreSQL), in the
    caller's transaction, so that two workers recording the same target cannot both
    find it pending: the second waits for the first to commit, then finds it finished.
    (SQLite lets one writer at a time: the second's transaction is retried.)"""
    wanted = sorted({position for position in positions if position is not None})
    if not wanted:
        return set()
    targets = table(RunTarget)
    rows = session.execute(
        select(targets.c.position, targets.c.status)
        .where(targets.c.run_id == run_id, targets.c.position.in_(wanted))
        .with_for_update()
    )
    return {position for position, status in rows if status != PENDING}


def finish_target(
    session: Session,
    run_id: int,
    position: int | None,
    target: str,
    status: str,
    *,
    page_id: int | None = None,
    reason: str | None = None,
) -> None:
    """Mark the run's target at ``position`` as done or failed; without a position (a
    page recorded by a library caller), add a row for ``target``."""
    row = (
        session.scalars(
            select(RunTarget).where(RunTarget.run_id == run_id, RunTarget.position == position)
        ).first()
        if position is not None
        else None
    )
    if row is None:
        last = session.scalar(
            select(func.max(RunTarget.position)).where(RunTarget.run_id == run_id)
        )
        row = RunTarget(run_id=run_id, position=(last if last is not None else -1) + 1)
        row.target = target
        session.add(row)
    row.status, row.page_id, row.reason, row.finished_at = status, page_id, reason, now()


def list_runs(db: Database, limit: int = 50) -> list[RunSummary]:
    """The most recent runs, newest first."""
    with db.sessions() as session:
        runs = session.scalars(select(Run).order_by(Run.id.desc()).limit(limit)).all()
        pending: dict[int, int] = dict(
            session.execute(
                select(RunTarget.run_id, func.count())
                .where(RunTarget.run_id.in_([run.id for run in runs]), RunTarget.status == PENDING)
                .group_by(RunTarget.run_id)
            ).all()
        )
        summaries = [_run_summary(run, pending.get(run.id, 0)) for run in runs]
        runs_on_workers = [run for run in runs if (run.options or {}).get("queue")]
    from attribution.store.workers import workers_of_runs  # it builds on this module

    workers = workers_of_runs(db, [run.id for run in runs_on_workers])
    return [replace(run, workers=tuple(workers.get(run.id, ()))) for run in summaries]


def run_pages(db: Database, run_id: int) -> list[str]:
    """The URLs of the pages a run finished (recorded), in the order it recorded them."""
    with db.sessions() as session:
        rows = session.execute(
            select(Page.url)
            .join(RunTarget, RunTarget.page_id == Page.id)
            .where(RunTarget.run_id == run_id, RunTarget.status == DONE)
            .order_by(RunTarget.finished_at, RunTarget.position)
        )
        return list(dict.fromkeys(url for (url,) in rows))


def _run_summary(run: Run, pending: int) -> RunSummary:
    return RunSummary(
        id=run.id,
        kind=run.kind,
        status=run.status,
        started_at=aware(run.started_at),
        finished_at=aware(run.finished_at) if run.finished_at else None,
        targets=tuple(run.targets),
        pages_done=run.pages_done,
        pages_failed=run.pages_failed,
        images=run.images,
        errors=run.errors,
        warnings=run.warnings,
        notices=run.notices,
        pending=pending,
        pages_unchanged=run.pages_unchanged,
        pages_skipped=run.pages_skipped,
    )
