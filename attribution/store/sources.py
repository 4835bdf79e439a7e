"""What images' sources (Wikimedia Commons, Flickr) answered, kept with its time: the
evidence of what a source said and when, and the cache that spares a nightly scan
from asking again (see :mod:`attribution.app.atsource`). Answers are only added, never
changed or deleted."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from attribution.records import LicenceChange, SourceAnswer
from attribution.serialize import source_answer_json
from attribution.store.models import Appearance, Image, Page, SourceAnswerRow, url_key
from attribution.store.transactions import aware, table, transaction

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from attribution.store.database import Database

Item = tuple[str, str]  # (service, the item's key there)

# Answers of one item read back at most: a weekly answer for twenty years, all of them
# needed to see when its licence changed and the last answer that showed it.
ANSWERS_READ = 1000


def item_key(service: str, key: str) -> str:
    """What answers of one item are found by: the SHA-256 of its service and key (as
    pages and images are found by their URL's)."""
    return url_key(f"{service}\n{key}")


def keep_answers(db: Database, answers: Sequence[SourceAnswer]) -> list[SourceAnswer]:
    """Keep answers in the record (in one transaction); each given back with its
    number there. Like every function here, a database that refuses or cannot be
    reached is a :class:`~attribution.errors.StorageError`."""
    if not answers:
        return []

    def work(session: Session) -> list[SourceAnswer]:
        kept = []
        for answer in answers:
            row = {
                "service": answer.service,
                "item": answer.key,
                "item_key": item_key(answer.service, answer.key),
                "asked_at": answer.asked_at,
                "status": answer.status,
                "licence": answer.licence,
                "answer": source_answer_json(answer),
            }
            number = session.execute(
                table(SourceAnswerRow).insert().returning(table(SourceAnswerRow).c.id), row
            ).scalar_one()
            kept.append(_with_id(answer, number))
        return kept

    return transaction(db, work)


def kept_answers(db: Database, items: Iterable[Item]) -> dict[Item, list[SourceAnswer]]:
    """The answers kept of each item, newest first (at most :data:`ANSWERS_READ`)."""
    wanted = {item_key(*item): item for item in dict.fromkeys(items)}
    found: dict[Item, list[SourceAnswer]] = {}
    if not wanted:
        return found
    keys = list(wanted)

    def work(session: Session) -> None:
        for start in range(0, len(keys), 200):
            rows = session.execute(
                select(SourceAnswerRow.item_key, SourceAnswerRow.id, SourceAnswerRow.answer)
                .where(SourceAnswerRow.item_key.in_(keys[start : start + 200]))
                .order_by(SourceAnswerRow.asked_at.desc(), SourceAnswerRow.id.desc())
            )
            for key, number, data in rows:
                answers = found.setdefault(wanted[key], [])
                if len(answers) < ANSWERS_READ:
                    answers.append(_with_id(answer_from_json(data), number))

    transaction(db, work)
    return found


def first_shown(db: Database, page_url: str, image_urls: Iterable[str]) -> dict[str, datetime]:
    """When the page at ``page_url`` (its identity) was first recorded showing each
    image, by image URL; images it was never recorded showing are left out."""
    keys = {url_key(url): url for url in image_urls}
    if not keys:
        return {}
    shown: dict[str, datetime] = {}

    def work(session: Session) -> None:
        rows = session.execute(
            select(Image.url_key, func.min(Appearance.checked_at))
            .join(Appearance, Appearance.image_id == Image.id)
            .join(Page, Page.id == Appearance.page_id)
            .where(Page.url_key == url_key(page_url), Image.url_key.in_(list(keys)))
            .group_by(Image.url_key)
        )
        for key, moment in rows:
            if moment is not None:
                shown[keys[key]] = aware(moment)

    transaction(db, work)
    return shown


def answer_from_json(data: Mapping[str, Any]) -> SourceAnswer:
    """An answer as :func:`attribution.serialize.source_answer_json` shaped it."""
    return SourceAnswer(
        service=data["service"],
        key=data["item"],
        asked_at=_moment(data["asked_at"]),
        status=data["status"],
        page_url=data.get("page"),
        licence=data.get("licence"),
        licence_name=data.get("licence_name"),
        licence_url=data.get("licence_url"),
        authors=tuple(data.get("authors") or ()),
        author_url=data.get("author_url"),
        credit=data.get("credit"),
        usage_terms=data.get("usage_terms"),
        attribution_required=data.get("attribution_required"),
        restrictions=data.get("restrictions"),
        posted=_moment(data["posted"]) if data.get("posted") else None,
        history=tuple(change_from_json(change) for change in data.get("history") or ()),
        detail=data.get("detail"),
        id=data.get("id"),
    )


def change_from_json(data: Mapping[str, Any]) -> LicenceChange:
    """A licence change as :func:`attribution.serialize.licence_change_json` shaped it."""
    return LicenceChange(
        on=_moment(data["on"]),
        before=data.get("before"),
        after=data.get("after"),
        before_name=data.get("before_name") or "",
        after_name=data.get("after_name") or "",
        since=_moment(data["since"]) if data.get("since") else None,
    )


def _moment(text: str) -> datetime:
    return aware(datetime.fromisoformat(text))


def _with_id(answer: SourceAnswer, number: int) -> SourceAnswer:
    return replace(answer, id=number)
