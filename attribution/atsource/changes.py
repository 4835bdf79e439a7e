"""How an item's licence changed, and which licence held on a given day.

Two kinds of change are known: those the source records itself (Flickr's licence
history, with the moment of each change), and those noticed between two of our own
answers about the item (the licence differed from one answer to the next: it changed
at some time between them, ``since`` the last answer with the old licence and ``on``
the first with the new one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import pairwise
from typing import TYPE_CHECKING

from attribution.records.atsource import LicenceChange

if TYPE_CHECKING:
    from attribution.records.atsource import SourceAnswer


@dataclass(frozen=True)
class LicenceOnDay:
    """The licence an item had on a day: its knowledge-base id (None when unknown), the
    source's name for it, whether that is certain (False when the day falls in the
    time a change is known to have happened in, but not when), and the change that
    decided it (None when no change is known: the current licence)."""

    licence: str | None
    name: str
    certain: bool
    change: LicenceChange | None = None


def noticed_changes(answers: Sequence[SourceAnswer]) -> tuple[LicenceChange, ...]:
    """The licence changes seen between the successive answers about one item that found
    it (in any order; sorted by when they were asked), oldest first. A change is noticed
    where what the source said of the licence (its name and address) differs from one
    answer to the next: not where only our reading of it did (an alias added to the
    knowledge base does not change a licence)."""
    found = sorted((a for a in answers if a.found), key=lambda a: _utc(a.asked_at))
    changes: list[LicenceChange] = []
    for old, new in pairwise(found):
        if _answer_key(old) == _answer_key(new):
            continue
        changes.append(
            LicenceChange(
                on=new.asked_at,
                before=old.licence,
                after=new.licence,
                before_name=_answer_name(old),
                after_name=_answer_name(new),
                since=old.asked_at,
            )
        )
    return tuple(changes)


def merged_changes(
    source_history: Sequence[LicenceChange], noticed: Sequence[LicenceChange]
) -> tuple[LicenceChange, ...]:
    """The source's own changes and the noticed ones, oldest first. A noticed change is
    left out when the source's history has a change to the same licence at or before
    it: the source says when it happened."""
    kept = [
        change
        for change in noticed
        if not any(
            _after_key(known) == _after_key(change) and _utc(known.on) <= _utc(change.on)
            for known in source_history
        )
    ]
    return tuple(sorted((*source_history, *kept), key=lambda change: _utc(change.on)))


def licence_on(answer: SourceAnswer, changes: Sequence[LicenceChange], day: date) -> LicenceOnDay:
    """The licence ``answer``'s item had on ``day``, walking back from its current licence
    through ``changes``: after a change's day, the licence it changed to; before it,
    the one it changed from. On the day of a change, or between a noticed change's
    ``since`` and ``on``, the licence is the one it changed from, not certain; on the
    day of ``since`` itself it is certain (an answer that day showed the old licence,
    and a page first shown that day was judged by it)."""
    ordered = sorted(changes, key=lambda change: _utc(change.on))
    if not ordered:
        return LicenceOnDay(answer.licence, _answer_name(answer), True)
    for change in reversed(ordered):
        on = _utc(change.on).date()
        if day > on:
            return LicenceOnDay(change.after, change.after_name, True, change)
        if change.since is not None:
            since = _utc(change.since).date()
            if since < day:
                return LicenceOnDay(change.before, change.before_name, False, change)
            if since == day:
                return LicenceOnDay(change.before, change.before_name, True, change)
            continue
        if day == on:
            return LicenceOnDay(change.before, change.before_name, False, change)
    oldest = ordered[0]
    return LicenceOnDay(oldest.before, oldest.before_name, True, oldest)


def _utc(moment: datetime) -> datetime:
    """A time in UTC (a time without a zone is taken to be UTC)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _answer_key(answer: SourceAnswer) -> tuple[str, str]:
    """What the source said of the licence; our id only when it said nothing else."""
    said = (answer.licence_name or "").casefold().strip()
    address = (answer.licence_url or "").casefold().strip().removesuffix("/")
    if said or address:
        return (said, address)
    return ("id", answer.licence or "")


def _after_key(change: LicenceChange) -> tuple[str, str]:
    if change.after is not None:
        return ("id", change.after)
    return ("name", change.after_name.casefold())


def _answer_name(answer: SourceAnswer) -> str:
    return answer.licence_name or answer.licence or ""
