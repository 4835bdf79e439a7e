"""What audit reports read from the record: the findings in a scope with their
evidence, the images on its pages, a finding's state at the end of any run, and what
changed between two runs. Rows are read in batches as they are used, so a report over
a hundred thousand findings holds one batch at a time."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, false, func, select, true
from sqlalchemy.orm import aliased

from attribution.errors import UsageError
from attribution.records import (
    DIFF_CHANGES,
    DiffEntry,
    FieldChange,
    ReportFinding,
    ReportImage,
    RunDiff,
    Severity,
)
from attribution.store.findings import OPEN, RESOLVED, WAIVED, latest_waivers, severity_rank
from attribution.store.models import (
    Appearance,
    FindingEvent,
    FindingRow,
    Image,
    Page,
    PageFetch,
    Run,
)
from attribution.store.transactions import aware

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from attribution.records import ReportScope, RunSummary

_BATCH = 500
_STANDING = (OPEN, WAIVED)
_SCAN = "scan"


def _run(session: Session, run_id: int) -> Run:
    """Run ``run_id``; a clear error for a run that is not in the record."""
    run = session.get(Run, run_id)
    if run is None:
        raise UsageError(f"no run {run_id} in the database (see 'attribution runs')")
    return run


def run_end(session: Session, run_id: int) -> datetime:
    """When run ``run_id`` ended; for one that has not (still running, or killed and
    since marked interrupted), the last moment it recorded anything, so that what later
    runs found is not taken for what it saw. A clear error for a run that is not in the
    record."""
    run = _run(session, run_id)
    if run.finished_at:
        return aware(run.finished_at)
    moments = [
        session.scalar(select(func.max(FindingEvent.at)).where(FindingEvent.run_id == run_id)),
        session.scalar(select(func.max(PageFetch.fetched_at)).where(PageFetch.run_id == run_id)),
        session.scalar(select(func.max(Appearance.checked_at)).where(Appearance.run_id == run_id)),
    ]
    return max([aware(run.started_at), *(aware(moment) for moment in moments if moment)])


def compared_runs(session: Session, after: int | None = None) -> tuple[int, int] | None:
    """The two runs a report compares: ``after`` (else the latest scan) and the run of
    the same kind before it; with no scans, the last two runs of any kind. None when
    there is no earlier run."""
    if after is not None:
        run = _run(session, after)
        before = session.scalar(
            select(func.max(Run.id)).where(Run.id < after, Run.kind == run.kind)
        ) or session.scalar(select(func.max(Run.id)).where(Run.id < after))
        return (before, after) if before is not None else None
    for kinds in ((Run.kind == _SCAN), None):
        statement = select(Run.id).order_by(Run.id.desc()).limit(2)
        if kinds is not None:
            statement = statement.where(kinds)
        ids = list(session.scalars(statement))
        if len(ids) == 2:
            return ids[1], ids[0]
    return None


def _event_at(moment: datetime) -> Any:
    """The id of each finding's latest event at ``moment``, whose status and severity
    are the finding's then (a subquery correlated with the findings: one look-up in a
    finding's few events, where a join with every finding's state at that moment made
    SQLite scan them all for each finding)."""
    return (
        select(FindingEvent.id)
        .where(FindingEvent.finding_id == FindingRow.id, FindingEvent.at <= moment)
        .order_by(FindingEvent.id.desc())
        .limit(1)
        .correlate(FindingRow)
        .scalar_subquery()
    )


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _page_prefilter(scope: ReportScope) -> list[ColumnElement[bool]]:
    """What SQL can cheaply rule out of the scope's pages (the exact test is
    :meth:`ReportScope.covers_page`, applied to each row)."""
    conditions: list[ColumnElement[bool]] = []
    if scope.section:
        conditions.append(Page.url.contains(scope.section, autoescape=True))
    if scope.page and not set("*?[").intersection(scope.page):
        conditions.append(Page.url.contains(scope.page, autoescape=True))
    return conditions


def report_findings(session: Session, scope: ReportScope, today: date) -> Iterator[ReportFinding]:
    """The findings in ``scope``, most serious first, then by rule and page, each with
    the evidence of what its page last showed of its image (up to the scope's run)."""
    columns = [
        FindingRow.id,
        FindingRow.rule,
        FindingRow.severity,
        FindingRow.status,
        FindingRow.page_id,
        FindingRow.image_id,
        FindingRow.message,
        FindingRow.fix,
        FindingRow.first_seen,
        FindingRow.last_seen,
        Page.url,
        Page.title,
        Image.url,
    ]
    statement: Any
    severity: Any = FindingRow.severity
    if scope.run_id is not None:
        state = aliased(FindingEvent, name="state")
        read = select(PageFetch.page_id).where(PageFetch.run_id == scope.run_id)
        # The severity the run left the finding with orders it, as it is shown.
        severity = func.coalesce(state.severity, FindingRow.severity)
        statement = (
            select(*columns[:2], severity.label("severity"), state.status, *columns[4:])
            .select_from(FindingRow)
            .join(state, state.id == _event_at(run_end(session, scope.run_id)))
            .where(state.status.in_(scope.statuses), FindingRow.page_id.in_(read))
        )
    else:
        statement = select(*columns).where(FindingRow.status.in_(scope.statuses))
    statement = statement.join(Page, Page.id == FindingRow.page_id).outerjoin(
        Image, Image.id == FindingRow.image_id
    )
    conditions = _page_prefilter(scope)
    if scope.since:
        conditions.append(FindingRow.last_seen >= _day_start(scope.since))
    if scope.until:
        conditions.append(FindingRow.first_seen < _day_start(scope.until + timedelta(days=1)))
    if conditions:
        statement = statement.where(and_(*conditions))
    statement = statement.order_by(
        severity_rank(severity), FindingRow.rule, Page.url, FindingRow.id
    )
    rows = session.execute(statement.execution_options(yield_per=_BATCH))
    for batch in rows.partitions():
        kept = [row for row in batch if scope.covers_page(row[10])]
        places = [(row.page_id, row.image_id) for row in kept if row.image_id is not None]
        shown = _last_shown(session, places, scope.run_id)
        waivers = latest_waivers(session, [row.id for row in kept if row[3] == WAIVED])
        for row in kept:
            yield _report_finding(row, shown.get((row.page_id, row.image_id)), waivers.get(row.id))


def _last_shown(
    session: Session, places: Sequence[tuple[int, int]], up_to_run: int | None
) -> dict[tuple[int, int], Any]:
    """What each (page, image) last showed (its latest appearance, up to a run): the
    appearance's caption, credit text and parsed credit."""
    wanted = set(places)
    pages = sorted({page for page, _ in places})
    shown: dict[tuple[int, int], Any] = {}
    for start in range(0, len(pages), _BATCH):
        # By page alone: a list of pages and a list of images would look up every page
        # with every image (the batch's pages times its images), a list of pairs is
        # not searched by the index; a page's other images are left out below.
        latest = select(func.max(Appearance.id)).where(
            Appearance.page_id.in_(pages[start : start + _BATCH])
        )
        if up_to_run is not None:
            latest = latest.where(Appearance.run_id <= up_to_run)
        latest = latest.group_by(Appearance.page_id, Appearance.image_id)
        for row in session.execute(
            select(
                Appearance.page_id,
                Appearance.image_id,
                Appearance.caption,
                Appearance.alt,
                Appearance.credit_text,
                Appearance.credit,
                Appearance.at_source,
            ).where(Appearance.id.in_(latest))
        ):
            if (row.page_id, row.image_id) in wanted:
                shown[(row.page_id, row.image_id)] = row
    return shown


def _report_finding(row: Any, shown: Any, waiver: Any) -> ReportFinding:
    from attribution.rules.attribution import corrected_attribution

    credit: Mapping[str, Any] = (shown.credit if shown is not None else None) or {}
    line_text, line_html = corrected_attribution(row.fix)
    return ReportFinding(
        id=row.id,
        rule=row.rule,
        severity=Severity(row.severity or Severity.NOTICE.value),
        status=row.status,
        page_url=row[10],
        page_title=row.title,
        image_url=row[12],
        message=row.message,
        fix=row.fix,
        first_seen=aware(row.first_seen),
        last_seen=aware(row.last_seen),
        caption=shown.caption if shown is not None else None,
        credit_text=shown.credit_text if shown is not None else None,
        provider=_text(credit.get("provider")),
        licence=_text(credit.get("licence")),
        at_source=shown.at_source if shown is not None else None,
        corrected_line=line_text,
        corrected_html=line_html,
        waiver_reason=waiver.reason if waiver else None,
        waiver_until=waiver.until if waiver else None,
        waiver_by=waiver.created_by if waiver else None,
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def report_images(session: Session, scope: ReportScope) -> Iterator[ReportImage]:
    """The images on the pages in ``scope``, as each page's latest parsed reading (up
    to the scope's run) showed them, by page; each with when the page first and last
    showed it and its credit's parsed facts."""
    # Each page's latest parsed reading (one found unchanged shows what the one before
    # it did): the run whose appearances show the page's images, none when it had none.
    parsed = select(PageFetch.page_id, func.max(PageFetch.id).label("fetch_id")).where(
        PageFetch.unchanged.is_(false())
    )
    if scope.run_id is not None:
        read = select(PageFetch.page_id).where(PageFetch.run_id == scope.run_id)
        parsed = parsed.where(PageFetch.run_id <= scope.run_id, PageFetch.page_id.in_(read))
    latest = parsed.group_by(PageFetch.page_id).subquery()
    last = (
        select(PageFetch.page_id, PageFetch.run_id)
        .join(latest, PageFetch.id == latest.c.fetch_id)
        .subquery()
    )
    span = (
        select(
            Appearance.page_id,
            Appearance.image_id,
            func.min(Appearance.checked_at).label("first"),
            func.max(Appearance.checked_at).label("last"),
        )
        .where(Appearance.run_id <= scope.run_id if scope.run_id is not None else true())
        .group_by(Appearance.page_id, Appearance.image_id)
        .subquery()
    )
    statement = (
        select(
            Page.url,
            Image.url,
            Appearance.role,
            Appearance.caption,
            Appearance.alt,
            Appearance.credit_text,
            Appearance.credit,
            Appearance.image_id,
            span.c.first,
            span.c.last,
        )
        .join(last, and_(last.c.page_id == Appearance.page_id, last.c.run_id == Appearance.run_id))
        .join(
            span,
            and_(span.c.page_id == Appearance.page_id, span.c.image_id == Appearance.image_id),
        )
        .join(Page, Page.id == Appearance.page_id)
        .join(Image, Image.id == Appearance.image_id)
    )
    conditions = _page_prefilter(scope)
    if scope.since:
        conditions.append(span.c.last >= _day_start(scope.since))
    if scope.until:
        conditions.append(span.c.first < _day_start(scope.until + timedelta(days=1)))
    if conditions:
        statement = statement.where(and_(*conditions))
    statement = statement.order_by(Page.url, Appearance.position, Appearance.id)
    seen: set[int] = set()
    page: str | None = None
    for batch in session.execute(statement.execution_options(yield_per=_BATCH)).partitions():
        for row in batch:
            if row[0] != page:
                page, seen = row[0], set()
            if row.image_id in seen or not scope.covers_page(row[0]):
                continue
            seen.add(row.image_id)
            credit: Mapping[str, Any] = row.credit or {}
            yield ReportImage(
                page_url=row[0],
                image_url=row[1],
                role=row.role,
                first_seen=aware(row.first),
                last_seen=aware(row.last),
                caption=row.caption,
                alt=row.alt,
                credit_text=row.credit_text,
                creator=_text(credit.get("creator")),
                provider=_text(credit.get("provider")),
                credit_kind=_text(credit.get("kind")),
                licence=_text(credit.get("licence")),
            )


def run_diff(session: Session, before: int, after: int, scope: ReportScope) -> RunDiff:
    """What changed in the findings on the scope's pages from the end of run
    ``before`` to the end of run ``after``: findings new (standing after, not before),
    resolved (standing before, resolved after) and changed (standing in both, with
    another severity, or with another credit or licence shown for their image)."""
    if before == after:
        raise UsageError(f"run {before} compared with itself: give two different runs")
    before_end, after_end = run_end(session, before), run_end(session, after)
    if before > after:
        raise UsageError(
            f"run {before} is later than run {after}: give the earlier run first "
            f"(attribution diff {after} {before})"
        )
    then, now = aliased(FindingEvent, name="then"), aliased(FindingEvent, name="now")
    statement = (
        select(
            FindingRow.id,
            FindingRow.rule,
            FindingRow.severity,
            FindingRow.page_id,
            FindingRow.image_id,
            FindingRow.message,
            Page.url,
            Image.url,
            then.status,
            then.severity,
            now.status,
            now.severity,
        )
        .join(Page, Page.id == FindingRow.page_id)
        .outerjoin(Image, Image.id == FindingRow.image_id)
        .outerjoin(then, then.id == _event_at(before_end))
        .outerjoin(now, now.id == _event_at(after_end))
        .where(then.status.in_(_STANDING) | now.status.in_(_STANDING))
        .order_by(severity_rank(), FindingRow.rule, Page.url, FindingRow.id)
    )
    conditions = _page_prefilter(scope)
    if conditions:
        statement = statement.where(and_(*conditions))
    entries: list[DiffEntry] = []
    # Streamed: the findings standing in both runs (most of them, in a large record)
    # are compared a batch at a time; only what changed is kept.
    rows = session.execute(statement.execution_options(yield_per=_BATCH))
    for batch in rows.partitions():
        both: list[Any] = []
        for row in batch:
            if not scope.covers_page(row[6]):
                continue
            was, stands = row[8] in _STANDING, row[10] in _STANDING
            if stands and not was:
                entries.append(_entry("new", row, row[11]))
            elif was and row[10] == RESOLVED:
                entries.append(_entry("resolved", row, row[9]))
            elif was and stands:
                both.append(row)
        entries.extend(_changed(session, both, before, after))
    entries.sort(
        key=lambda entry: DIFF_CHANGES.index(entry.change)
    )  # stable: each kind stays in order
    return RunDiff(before, after, before_end, after_end, tuple(entries))


def _entry(change: str, row: Any, severity: str | None, *fields: FieldChange) -> DiffEntry:
    return DiffEntry(
        change=change,
        finding_id=row[0],
        rule=row[1],
        severity=Severity(severity or row[2]),
        page_url=row[6],
        image_url=row[7],
        message=row[5],
        changes=tuple(fields),
    )


def _changed(session: Session, rows: Sequence[Any], before: int, after: int) -> list[DiffEntry]:
    """The findings standing in both runs whose severity, or whose image's credit or
    licence as shown, differs between them."""
    places = [(row[3], row[4]) for row in rows if row[4] is not None]
    then, now = _last_shown(session, places, before), _last_shown(session, places, after)
    changed: list[DiffEntry] = []
    for row in rows:
        fields: list[FieldChange] = []
        if row[9] and row[11] and row[9] != row[11]:
            fields.append(FieldChange("severity", row[9], row[11]))
        old, new = then.get((row[3], row[4])), now.get((row[3], row[4]))
        if old is not None and new is not None:
            if old.credit_text != new.credit_text:
                fields.append(FieldChange("credit", old.credit_text, new.credit_text))
            old_licence = _text((old.credit or {}).get("licence"))
            new_licence = _text((new.credit or {}).get("licence"))
            if old_licence != new_licence:
                fields.append(FieldChange("licence", old_licence, new_licence))
        if fields:
            changed.append(_entry("changed", row, row[11], *fields))
    return changed


def trend_runs(runs: Sequence[RunSummary], count: int = 12) -> list[RunSummary]:
    """The runs a report's trend shows, oldest first: the last ``count`` scans, else the
    last ``count`` runs of any kind."""
    scans = [run for run in runs if run.kind == _SCAN]
    return list(reversed((scans or list(runs))[:count]))
