"""Audit reports and what changed between runs, over the record: the use cases behind
``attribution report`` and ``attribution diff``."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from attribution.errors import UsageError
from attribution.render.audit import AuditReport

if TYPE_CHECKING:
    from attribution.records import (
        Profile,
        ReportFinding,
        ReportImage,
        ReportScope,
        RightsEntry,
        RunDiff,
    )
    from attribution.store import Database

# Waivers ending within this many days are named as expiring.
EXPIRING_DAYS = 30
# How many runs the trend shows.
TREND_RUNS = 12


@contextlib.contextmanager
def open_report(
    db: Database,
    profile: Profile,
    scope: ReportScope,
    *,
    now: datetime | None = None,
) -> Iterator[AuditReport]:
    """The audit report of ``scope``, readable while the context lasts (its findings and
    images stream from one database session)."""
    from attribution.licences import default_knowledge_base
    from attribution.rules.agreements import NEEDS_AGREEMENT, agreement_with
    from attribution.store import list_rights, list_runs, list_waivers
    from attribution.store.reports import (
        compared_runs,
        report_findings,
        report_images,
        run_diff,
        trend_runs,
    )

    moment = now or datetime.now(UTC)
    today = moment.date()
    rights = list_rights(db)
    trend = tuple(trend_runs(list_runs(db, limit=200), TREND_RUNS))
    waivers = tuple(list_waivers(db, today=today))
    expiring = tuple(list_waivers(db, expiring_within=EXPIRING_DAYS, today=today))
    kb = default_knowledge_base()
    with db.reading() as session:
        pair = compared_runs(session, scope.run_id)
        diff = run_diff(session, *pair, scope) if pair else None  # an unknown run: an error

        def agreement(provider: str) -> RightsEntry | None:
            return agreement_with(provider, rights, kb, on=today, commercial=profile.commercial)

        def findings() -> Iterator[ReportFinding]:
            return report_findings(session, scope, today)

        def images() -> Iterator[ReportImage]:
            return report_images(session, scope)

        yield AuditReport(
            publication=profile.publication,
            scope=scope,
            generated_at=moment,
            today=today,
            trend=trend,
            diff=diff,
            waivers=waivers,
            expiring=expiring,
            rights=rights,
            findings=findings,
            images=images,
            agreement=agreement,
            needs_agreement=NEEDS_AGREEMENT,
        )


def diff_runs(
    db: Database, scope: ReportScope, before: int | None = None, after: int | None = None
) -> RunDiff:
    """What changed in the findings between two runs: ``before`` and ``after`` when
    both are given; with only ``before``, that run and the run of its kind before it;
    with neither, the last two scans (the last two runs, before any scan)."""
    from attribution.store.reports import compared_runs, run_diff

    with db.reading() as session:
        if before is not None and after is not None:
            return run_diff(session, before, after, scope)
        pair = compared_runs(session, before)
        if pair is None:
            raise UsageError(
                "there is no earlier run to compare with: diff needs two runs "
                "(see 'attribution runs')"
            )
        return run_diff(session, *pair, scope)
