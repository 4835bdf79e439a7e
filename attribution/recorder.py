"""Recording a run's results as they come: one transaction per page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from attribution.pipeline import TargetOutcome
from attribution.records import Profile, RightsEntry
from attribution.store.database import Database, open_database
from attribution.store.repository import (
    finish_run,
    list_rights,
    record_failure,
    record_page,
    resume_run,
    start_run,
)


@dataclass
class Recorder:
    """Writes each checked page to the database as soon as it is done."""

    db: Database
    run_id: int

    @classmethod
    def open(
        cls, url: str | None, profile: Profile, targets: Sequence[str], kind: str = "check"
    ) -> Recorder:
        """Open the database (the embedded default when ``url`` is None) and start a run."""
        db = open_database(url)
        options: dict[str, object] = {
            "commercial": profile.commercial,
            "adapts_images": profile.adapts_images,
        }
        return cls(db=db, run_id=start_run(db, kind, list(targets), options))

    @classmethod
    def resume(cls, url: str | None, run_id: int) -> tuple[Recorder, list[str]]:
        """Take up an interrupted run: the recorder and the targets it has left to do."""
        db = open_database(url)
        try:
            targets = resume_run(db, run_id)
        except BaseException:
            db.close()
            raise
        return cls(db=db, run_id=run_id), targets

    def rights(self) -> tuple[RightsEntry, ...]:
        """The agreements of the database's rights register."""
        return list_rights(self.db)

    def record(self, outcome: TargetOutcome) -> None:
        """Write one page's results (or count its failure)."""
        if outcome.result is not None:
            record_page(self.db, self.run_id, outcome.result, target=outcome.target)
        else:
            reason = str(outcome.error) if outcome.error is not None else None
            record_failure(self.db, self.run_id, outcome.target, reason)

    def close(self, status: str) -> None:
        """Mark the run finished (or interrupted) and release the database."""
        try:
            finish_run(self.db, self.run_id, status)
        finally:
            self.db.close()
