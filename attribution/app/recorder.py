"""Recording a run's results as they come: the pages that are done together, in one
transaction."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from attribution.app.outcomes import TargetOutcome
from attribution.errors import DatabaseUnavailable, StorageError, TargetError
from attribution.store import (
    PageToRecord,
    finish_run,
    list_rights,
    open_database,
    record_failure,
    record_page,
    record_pages,
    resume_run,
    start_run,
)
from attribution.store.scans import record_unchanged

if TYPE_CHECKING:
    from attribution.records import Profile
    from attribution.store import (
        Database,
    )


@dataclass
class Recorder:
    """Writes each checked page to the database as soon as it is done."""

    db: Database
    run_id: int
    # Where each target stands in the run's list, consumed in order as outcomes come in.
    positions: dict[str, deque[int]] = field(default_factory=dict)
    # Targets the run had already finished when their outcome came (a task redelivered
    # after its worker was lost): not recorded a second time.
    recorded_before: list[str] = field(default_factory=list)
    # Whether a database that cannot be reached stops the recording (a worker's, whose
    # task is tried again later) rather than failing the page with the reason.
    raise_when_away: bool = False

    @classmethod
    def _with_targets(
        cls, db: Database, run_id: int, targets: Sequence[tuple[int, str]]
    ) -> Recorder:
        positions: dict[str, deque[int]] = defaultdict(deque)
        for position, target in targets:
            positions[target].append(position)
        return cls(db=db, run_id=run_id, positions=dict(positions))

    @classmethod
    def open(
        cls,
        url: str | None,
        profile: Profile,
        targets: Sequence[str],
        kind: str = "check",
        more: Mapping[str, object] | None = None,
    ) -> Recorder:
        """Open the database (the embedded default when ``url`` is None) and start a
        run; ``more`` is kept with the run's options (a scan's site and sources)."""
        db = open_database(url, quick_commits=True)
        try:
            return cls.start_on(db, profile, targets, kind, more)
        except BaseException:
            db.close()
            raise

    @classmethod
    def start_on(
        cls,
        db: Database,
        profile: Profile,
        targets: Sequence[str],
        kind: str = "check",
        more: Mapping[str, object] | None = None,
        *,
        skipped: Mapping[int, str] | None = None,
    ) -> Recorder:
        """Start a run on the open database ``db`` (see :meth:`open`); the targets at
        the positions of ``skipped`` are recorded as skipped, with the reason."""
        options: dict[str, object] = {
            "commercial": profile.commercial,
            "adapts_images": profile.adapts_images,
            **(more or {}),
        }
        run_id = start_run(db, kind, list(targets), options, skipped)
        placed = [(n, target) for n, target in enumerate(targets) if n not in (skipped or {})]
        return cls._with_targets(db, run_id, placed)

    @classmethod
    def resume(
        cls,
        url: str | None,
        run_id: int,
        check: Callable[[list[str]], object] | None = None,
        kind: str | None = None,
    ) -> tuple[Recorder, list[str]]:
        """Take up an interrupted run: the recorder and the targets it has left to do.

        ``check`` is given those targets before the run is touched; what it raises
        leaves the run as it was, as does a run of another ``kind`` (check, scan)."""
        db = open_database(url, quick_commits=True)
        try:
            left = resume_run(db, run_id, check=check, kind=kind)
        except BaseException:
            db.close()
            raise
        return cls._with_targets(db, run_id, left), [target for _, target in left]

    def with_register(self, profile: Profile) -> Profile:
        """``profile`` with the agreements of the database's rights register added."""
        return replace(profile, rights=profile.rights + list_rights(self.db))

    def record(self, outcome: TargetOutcome) -> TargetOutcome:
        """Write one page's results (or count its failure); the outcome as recorded."""
        (recorded,) = self.record_all([outcome])
        return recorded

    def record_all(self, outcomes: Sequence[TargetOutcome]) -> list[TargetOutcome]:
        """Write the results of checked pages together (in one transaction when they
        can be) and count the failures; the outcomes as recorded, in the same order.

        A page the database refuses (a value it cannot hold) is recorded as a failed
        target with the database's reason, and the outcome returned says so: one page
        never stops the run, nor keeps the other pages out."""
        placed = [(outcome, self._position(outcome.target)) for outcome in outcomes]
        unchanged = [
            (outcome.unchanged, position)
            for outcome, position in placed
            if outcome.unchanged is not None
        ]
        if unchanged:
            before = record_unchanged(self.db, self.run_id, unchanged)
            self.recorded_before += [
                outcome.target for outcome, position in placed if position in before
            ]
        pages = [
            (index, PageToRecord(outcome.result, position))
            for index, (outcome, position) in enumerate(placed)
            if outcome.result is not None
        ]
        written: set[int] = set()
        if len(pages) > 1:
            try:
                before = record_pages(self.db, self.run_id, [page for _, page in pages])
                written = {index for index, _ in pages}
                self.recorded_before += [
                    placed[index][0].target for index, page in pages if page.position in before
                ]
            except Exception:  # one is refused, and with it all: each is tried alone below
                pass
        return [
            outcome
            if index in written or outcome.unchanged is not None
            else self._record_one(outcome, position)
            for index, (outcome, position) in enumerate(placed)
        ]

    def _position(self, target: str) -> int | None:
        """Where the next outcome of ``target`` stands in the run's list of targets."""
        queue = self.positions.get(target)
        return queue.popleft() if queue else None

    def _record_one(self, outcome: TargetOutcome, position: int | None) -> TargetOutcome:
        """Write one page's results (or count its failure); the outcome as recorded."""
        if outcome.result is not None:
            try:
                if not record_page(self.db, self.run_id, outcome.result, position=position):
                    self.recorded_before.append(outcome.target)
                return outcome
            except DatabaseUnavailable:
                if self.raise_when_away:
                    raise
                why = "could not be stored (the database could not be reached)"
            except StorageError as error:
                why = f"could not be stored ({error})"
            except Exception as error:  # a value the driver cannot convert, or a bug
                why = f"could not be stored (internal error: {type(error).__name__}: {error})"
            failure = TargetError(outcome.target, why[:500])
            outcome = TargetOutcome(outcome.target, error=failure)
        reason = str(outcome.error) if outcome.error is not None else None
        if not record_failure(self.db, self.run_id, position, reason):
            self.recorded_before.append(outcome.target)
        return outcome

    def close(self, status: str) -> None:
        """Mark the run finished (or interrupted) and release the database."""
        try:
            self.finish(status)
        finally:
            self.db.close()

    def finish(self, status: str) -> None:
        """Mark the run finished (or interrupted), keeping the database open (a
        server's, shared by its checks)."""
        finish_run(self.db, self.run_id, status)

    @classmethod
    def attach(cls, url: str | None, run_id: int, target: str, position: int | None) -> Recorder:
        """Join run ``run_id`` to record one target (a worker's share of a run)."""
        return cls.joining(open_database(url, quick_commits=True), run_id, target, position)

    @classmethod
    def joining(cls, db: Database, run_id: int, target: str, position: int | None) -> Recorder:
        """Join run ``run_id`` on the open database ``db`` to record one target (a
        worker's share of a run, on the worker's own database connections): a
        database that cannot be reached raises
        :class:`~attribution.errors.DatabaseUnavailable`, for the work to be tried again."""
        recorder = cls._with_targets(
            db, run_id, [(position, target)] if position is not None else []
        )
        recorder.raise_when_away = True
        return recorder

    def placed(self, targets: Sequence[str]) -> list[tuple[int | None, str]]:
        """Each of ``targets`` with its position in the run's list (consumed: the next
        outcome of a target comes from its next place), for handing them out."""
        return [(self._position(target), target) for target in targets]

    def release(self) -> None:
        """Release the database without changing the run's status."""
        self.db.close()
