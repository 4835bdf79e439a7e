"""Recording check results and answering questions about them.

Every page's results are written in one transaction, so a run killed half way leaves
whole pages behind and its run row says how many it finished. A finding keeps its
identity (rule, page, image) across runs: a re-check that no longer finds it marks it
resolved; a waiver keeps it out of the open list until the waiver expires.
"""

from __future__ import annotations

import csv
import getpass
import hashlib
import io
import os
import socket
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, case, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from attribution.errors import StorageError, UsageError
from attribution.records import (
    Finding,
    PageResult,
    RightsEntry,
    RunSummary,
    Severity,
    StoredFinding,
)
from attribution.serialize import credit_json, embedded_json
from attribution.store.database import Database
from attribution.store.models import (
    Appearance,
    FindingRow,
    Image,
    Page,
    RightsRow,
    Run,
    RunTarget,
    Waiver,
)

OPEN, RESOLVED, WAIVED = "open", "resolved", "waived"
PENDING, DONE, FAILED = "pending", "done", "failed"  # a run's progress through its targets
STATUSES = (OPEN, RESOLVED, WAIVED)
T = TypeVar("T")


def now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def finding_identity(rule: str, page_url: str, image_url: str | None) -> str:
    """The stable identity of a finding across runs: its rule, page and image."""
    key = "\x1f".join((rule, page_url, image_url or ""))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _transaction(db: Database, work: Callable[[Session], T], attempts: int = 4) -> T:
    """Run ``work`` in one transaction, retrying when a concurrent writer got in first."""
    for attempt in range(attempts):
        try:
            with db.sessions.begin() as session:
                return work(session)
        except IntegrityError:
            if attempt == attempts - 1:
                raise
        except OperationalError as error:
            if "locked" not in str(error.orig).lower() or attempt == attempts - 1:
                raise StorageError(f"database: {error.orig}") from None
        time.sleep(0.05 * (attempt + 1))
    raise StorageError("database: too many conflicting writers")  # pragma: no cover


# --- runs --------------------------------------------------------------------------------


def start_run(db: Database, kind: str, targets: Sequence[str], options: dict[str, object]) -> int:
    """Record the start of a run and its targets; marks this host's runs whose process
    died as interrupted."""

    def work(session: Session) -> int:
        _mark_interrupted(session)
        run = Run(
            kind=kind,
            started_at=now(),
            status="running",
            targets=list(targets)[:1000],
            options=options,
            host=socket.gethostname(),
            pid=os.getpid(),
            pages_done=0,
            pages_failed=0,
            images=0,
            errors=0,
            warnings=0,
            notices=0,
        )
        session.add(run)
        session.flush()
        session.add_all(
            RunTarget(run_id=run.id, position=position, target=target, status=PENDING)
            for position, target in enumerate(targets)
        )
        return run.id

    return _transaction(db, work)


def resume_run(db: Database, run_id: int) -> list[tuple[int, str]]:
    """Take up a run again: (position, target) of the targets it did not finish (not
    reached, or failed), in their order. The run is marked running by this process."""

    def work(session: Session) -> list[tuple[int, str]]:
        _mark_interrupted(session)
        run = session.get(Run, run_id)
        if run is None:
            raise UsageError(f"no run {run_id} (see 'attribution runs')")
        if run.status == "running":
            raise UsageError(
                f"run {run_id} is still running (process {run.pid} on {run.host}); "
                "resume it once it has stopped"
            )
        left = session.scalars(
            select(RunTarget)
            .where(RunTarget.run_id == run_id, RunTarget.status != DONE)
            .order_by(RunTarget.position)
        ).all()
        failed = sum(1 for target in left if target.status == FAILED)
        for target in left:
            target.status, target.reason = PENDING, None
        run.status, run.finished_at = "running", None
        run.host, run.pid = socket.gethostname(), os.getpid()
        run.pages_failed = max(0, run.pages_failed - failed)  # they are tried again
        return [(target.position, target.target) for target in left]

    return _transaction(db, work)


def _mark_interrupted(session: Session) -> None:
    host = socket.gethostname()
    for run in session.scalars(select(Run).where(Run.status == "running", Run.host == host)):
        if not _process_alive(run.pid):
            run.status = "interrupted"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def finish_run(db: Database, run_id: int, status: str = "finished") -> None:
    """Record that a run ended (finished, failed or interrupted)."""

    def work(session: Session) -> None:
        session.execute(
            update(Run).where(Run.id == run_id).values(status=status, finished_at=now())
        )

    _transaction(db, work)


def record_failure(
    db: Database,
    run_id: int,
    position: int | None = None,
    reason: str | None = None,
) -> None:
    """Count a target that could not be checked (the run's target at ``position``), and
    say why."""

    def work(session: Session) -> None:
        session.execute(
            update(Run).where(Run.id == run_id).values(pages_failed=Run.pages_failed + 1)
        )
        if position is not None:
            _finish_target(session, run_id, position, "", FAILED, reason=reason)

    _transaction(db, work)


def _finish_target(
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
        return [_run_summary(run, pending.get(run.id, 0)) for run in runs]


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
        started_at=_aware(run.started_at),
        finished_at=_aware(run.finished_at) if run.finished_at else None,
        targets=tuple(run.targets),
        pages_done=run.pages_done,
        pages_failed=run.pages_failed,
        images=run.images,
        errors=run.errors,
        warnings=run.warnings,
        notices=run.notices,
        pending=pending,
    )


# --- recording a page ----------------------------------------------------------------------


def record_page(
    db: Database,
    run_id: int,
    result: PageResult,
    *,
    position: int | None = None,
    today: date | None = None,
) -> None:
    """Write one page's results in one transaction and reconcile its findings; with
    ``position``, that target of the run is marked done in the same transaction."""
    today = today or date.today()

    def work(session: Session) -> None:
        moment = now()
        page = _upsert_page(session, result, moment)
        images = _upsert_images(session, result, moment)
        planned: list[tuple[str, Image | None, Finding]] = []
        for item in result.images:
            shown = images[item.image.src]
            planned += [
                (finding_identity(f.rule, page.url, shown.url), shown, f) for f in item.findings
            ]
        planned += [(finding_identity(f.rule, page.url, None), None, f) for f in result.findings]
        existing = _rows_by_identity(session, [identity for identity, _, _ in planned])
        waived = _waived_ids(session, [row.id for row in existing.values()], today)
        counts = dict.fromkeys(Severity, 0)
        for identity, where, finding in planned:
            row = existing.get(identity)
            if row is None:
                row = FindingRow(
                    identity=identity,
                    rule=finding.rule,
                    page_id=page.id,
                    image_id=where.id if where else None,
                    first_seen=moment,
                    first_run_id=run_id,
                )
                session.add(row)
                existing[identity] = row
            row.severity = finding.severity.value
            row.message = finding.message
            row.fix = finding.fix
            row.last_seen = moment
            row.last_run_id = run_id
            row.resolved_at = None
            row.status = WAIVED if row.id in waived else OPEN
            counts[finding.severity] += 1
        for place, item in enumerate(result.images):
            session.add(
                Appearance(
                    run_id=run_id,
                    page_id=page.id,
                    image_id=images[item.image.src].id,
                    position=place,
                    alt=item.image.alt,
                    caption=item.image.caption,
                    credit_text=item.image.credit,
                    credit=credit_json(item.credit),
                    checked_at=moment,
                )
            )
        _resolve_missing(session, page.id, set(existing) & {i for i, _, _ in planned}, moment)
        session.execute(
            update(Run)
            .where(Run.id == run_id)
            .values(
                pages_done=Run.pages_done + 1,
                images=Run.images + len(result.images),
                errors=Run.errors + counts[Severity.ERROR],
                warnings=Run.warnings + counts[Severity.WARNING],
                notices=Run.notices + counts[Severity.NOTICE],
            )
        )
        _finish_target(session, run_id, position, result.url, DONE, page_id=page.id)

    _transaction(db, work)


def _upsert_page(session: Session, result: PageResult, moment: datetime) -> Page:
    page = session.scalar(select(Page).where(Page.url == result.url))
    if page is None:
        page = Page(url=result.url, title=result.title, first_seen=moment, last_checked=moment)
        session.add(page)
        session.flush()
    else:
        page.title = result.title
        page.last_checked = moment
    return page


def _upsert_images(session: Session, result: PageResult, moment: datetime) -> dict[str, Image]:
    """Every image of the page by URL, created when new, with what its file declares."""
    urls = list(dict.fromkeys(item.image.src for item in result.images))
    images = {
        image.url: image
        for start in range(0, len(urls), 500)
        for image in session.scalars(select(Image).where(Image.url.in_(urls[start : start + 500])))
    }
    for item in result.images:
        image = images.get(item.image.src)
        if image is None:
            image = Image(url=item.image.src, first_seen=moment, last_seen=moment)
            session.add(image)
            images[image.url] = image
        image.last_seen = moment
        if item.embedded is not None:
            image.embedded = embedded_json(item.embedded)
            image.content_hash = item.embedded.sha256
    session.flush()
    return images


def _rows_by_identity(session: Session, identities: Sequence[str]) -> dict[str, FindingRow]:
    unique = list(dict.fromkeys(identities))
    return {
        row.identity: row
        for start in range(0, len(unique), 500)
        for row in session.scalars(
            select(FindingRow).where(FindingRow.identity.in_(unique[start : start + 500]))
        )
    }


def _waived_ids(session: Session, finding_ids: Sequence[int], today: date) -> set[int]:
    """Which of these findings have a waiver that has not expired."""
    waived: set[int] = set()
    for start in range(0, len(finding_ids), 500):
        waived.update(
            session.scalars(
                select(Waiver.finding_id).where(
                    Waiver.finding_id.in_(finding_ids[start : start + 500]),
                    or_(Waiver.until.is_(None), Waiver.until >= today),
                )
            )
        )
    return waived


def _resolve_missing(session: Session, page_id: int, seen: set[str], moment: datetime) -> None:
    stale = select(FindingRow).where(
        FindingRow.page_id == page_id, FindingRow.status.in_((OPEN, WAIVED))
    )
    for row in session.scalars(stale):
        if row.identity not in seen:
            row.status = RESOLVED
            row.resolved_at = moment


# --- findings ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FindingFilter:
    """Which stored findings to list."""

    statuses: tuple[str, ...] = (OPEN,)
    rules: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    page: str | None = None
    since: datetime | None = None
    limit: int | None = None


def list_findings(db: Database, query: FindingFilter = FindingFilter()) -> list[StoredFinding]:
    """Stored findings matching ``query``, most serious and most recent first."""
    # Plain columns rather than ORM objects: listing 100,000 findings stays fast.
    statement = (
        select(
            FindingRow.id,
            FindingRow.identity,
            FindingRow.rule,
            FindingRow.severity,
            FindingRow.status,
            Page.url,
            Image.url,
            FindingRow.message,
            FindingRow.fix,
            FindingRow.first_seen,
            FindingRow.last_seen,
        )
        .join(Page, Page.id == FindingRow.page_id)
        .outerjoin(Image, Image.id == FindingRow.image_id)
    )
    conditions: list[ColumnElement[bool]] = []
    if query.statuses:
        conditions.append(FindingRow.status.in_(query.statuses))
    if query.rules:
        conditions.append(FindingRow.rule.in_(query.rules))
    if query.severities:
        conditions.append(FindingRow.severity.in_(query.severities))
    if query.page:
        conditions.append(Page.url.contains(query.page, autoescape=True))
    if query.since:
        conditions.append(FindingRow.last_seen >= query.since)
    if conditions:
        statement = statement.where(and_(*conditions))
    # Ordered in SQL so that a limit keeps the most serious findings, not the newest.
    severity_rank = case(
        {Severity.ERROR.value: 0, Severity.WARNING.value: 1, Severity.NOTICE.value: 2},
        value=FindingRow.severity,
        else_=3,
    )
    statement = statement.order_by(severity_rank, FindingRow.last_seen.desc(), FindingRow.id.desc())
    if query.limit:
        statement = statement.limit(query.limit)
    with db.sessions() as session:
        rows = session.execute(statement).all()
        waivers = _waivers_for(session, [row.id for row in rows if row.status == WAIVED])
    return [_stored(row, waivers.get(row.id)) for row in rows]


def _waivers_for(session: Session, ids: Sequence[int]) -> dict[int, Waiver]:
    latest: dict[int, Waiver] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for waiver in session.scalars(
            select(Waiver).where(Waiver.finding_id.in_(chunk)).order_by(Waiver.id)
        ):
            latest[waiver.finding_id] = waiver
    return latest


def _stored(row: Sequence[Any], waiver: Waiver | None) -> StoredFinding:
    """A finding from the columns selected by :func:`list_findings`."""
    ident, identity, rule, severity, status, page_url, image_url, message, fix, first, last = row
    return StoredFinding(
        id=ident,
        identity=identity,
        rule=rule,
        severity=Severity(severity),
        status=status,
        page_url=page_url,
        image_url=image_url,
        message=message,
        fix=fix,
        first_seen=_aware(first),
        last_seen=_aware(last),
        waiver_reason=waiver.reason if waiver else None,
        waiver_until=waiver.until if waiver else None,
    )


def waive(
    db: Database, reference: str, reason: str, until: date | None = None, today: date | None = None
) -> StoredFinding:
    """Accept a finding (by id or identity prefix) for ``reason``, optionally until a date."""
    if not reason.strip():
        raise UsageError("a waiver needs a reason (--reason)")
    today = today or date.today()
    if until is not None and until < today:
        raise UsageError(f"--until {until} is in the past")

    def work(session: Session) -> int:
        row = _find_finding(session, reference)
        session.add(
            Waiver(
                finding_id=row.id,
                reason=reason.strip(),
                until=until,
                created_at=now(),
                created_by=_user(),
            )
        )
        if row.status == OPEN:
            row.status = WAIVED
        return row.id

    finding_id = _transaction(db, work)
    found = [f for f in list_findings(db, FindingFilter(statuses=STATUSES)) if f.id == finding_id]
    return found[0]


def _find_finding(session: Session, reference: str) -> FindingRow:
    reference = reference.strip().lower()
    if reference.isdigit():
        row = session.get(FindingRow, int(reference))
    elif len(reference) >= 6:
        matches = session.scalars(
            select(FindingRow).where(FindingRow.identity.startswith(reference)).limit(2)
        ).all()
        if len(matches) > 1:
            raise UsageError(f"finding {reference!r} is ambiguous: give more of its identity")
        row = matches[0] if matches else None
    else:
        row = None
    if row is None:
        raise UsageError(
            f"no finding {reference!r}: give its number or identity from 'attribution findings'"
        )
    return row


def _user() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


# --- rights register --------------------------------------------------------------------


def add_rights(db: Database, entry: RightsEntry) -> RightsEntry:
    """Add an agreement to the rights register."""

    def work(session: Session) -> int:
        row = _rights_row(entry, now())
        session.add(row)
        session.flush()
        return row.id

    return replace(entry, id=_transaction(db, work))


def _rights_row(entry: RightsEntry, moment: datetime) -> RightsRow:
    return RightsRow(
        provider=entry.provider,
        scope=entry.scope,
        valid_from=entry.valid_from,
        valid_until=entry.valid_until,
        reference=entry.reference,
        created_at=moment,
    )


def list_rights(db: Database) -> tuple[RightsEntry, ...]:
    """Every agreement in the rights register, by provider."""
    with db.sessions() as session:
        rows = session.scalars(select(RightsRow).order_by(RightsRow.provider, RightsRow.id))
        return tuple(
            RightsEntry(
                provider=row.provider,
                scope=row.scope,
                valid_from=row.valid_from,
                valid_until=row.valid_until,
                reference=row.reference,
                id=row.id,
            )
            for row in rows
        )


def remove_rights(db: Database, entry_id: int) -> None:
    """Remove one agreement from the rights register."""

    def work(session: Session) -> int:
        row = session.get(RightsRow, entry_id)
        if row is None:
            return 0
        session.execute(delete(RightsRow).where(RightsRow.id == entry_id))
        return 1

    if not _transaction(db, work):
        raise UsageError(f"no rights register entry {entry_id} (see 'attribution rights list')")


RIGHTS_COLUMNS = ("provider", "scope", "valid_from", "valid_until", "reference")


def parse_rights_csv(text: str, source: str) -> list[RightsEntry]:
    """Agreements from a CSV file with a header row (provider, scope, valid_from, …)."""
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or "provider" not in reader.fieldnames:
        raise UsageError(f"{source}: the first row must name the columns, including 'provider'")
    unknown = set(reader.fieldnames) - set(RIGHTS_COLUMNS)
    if unknown:
        raise UsageError(f"{source}: unknown column(s) {', '.join(sorted(unknown))}")
    entries = []
    for line, row in enumerate(reader, start=2):
        provider = (row.get("provider") or "").strip()
        if not provider:
            raise UsageError(f"{source}, line {line}: provider is empty")
        entries.append(
            RightsEntry(
                provider=provider,
                scope=(row.get("scope") or "any").strip() or "any",
                valid_from=_csv_date(row.get("valid_from"), source, line, "valid_from"),
                valid_until=_csv_date(row.get("valid_until"), source, line, "valid_until"),
                reference=(row.get("reference") or "").strip() or None,
            )
        )
    return entries


def _csv_date(value: str | None, source: str, line: int, column: str) -> date | None:
    if not value or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(
            f"{source}, line {line}: {column} {value!r} is not a date (YYYY-MM-DD)"
        ) from None


def import_rights(db: Database, entries: Iterable[RightsEntry]) -> int:
    """Add many agreements in one transaction; returns how many."""
    entries = list(entries)

    def work(session: Session) -> int:
        moment = now()
        session.add_all(_rights_row(entry, moment) for entry in entries)
        return len(entries)

    return _transaction(db, work)
