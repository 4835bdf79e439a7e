"""The evidence of what pages showed: each image on each page, when it was first and
last seen there, with the caption, credit, page reading and image file as seen the
last time; and a page's readings over time (``attribution history``)."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from attribution.errors import UsageError
from attribution.records import DeclaredImage, ImageEvidence, PageSnapshot
from attribution.store.models import (
    Appearance,
    DeclaredImageRow,
    Image,
    Page,
    PageFetch,
    url_key,
)
from attribution.store.transactions import aware
from attribution.urls import canonical_url

if TYPE_CHECKING:
    from attribution.store.database import Database

Place = tuple[int, int | None]  # (page id, image id)


def image_evidence(session: Session, places: Sequence[Place]) -> dict[Place, ImageEvidence]:
    """The evidence of each (page, image): first and last sighting, and what the last
    sighting showed."""
    wanted = list(dict.fromkeys(place for place in places if place[1] is not None))
    evidence: dict[Place, ImageEvidence] = {}
    for start in range(0, len(wanted), 200):
        chunk = wanted[start : start + 200]
        which = or_(
            *(
                and_(Appearance.page_id == page, Appearance.image_id == image)
                for page, image in chunk
            )
        )
        spans = (
            select(
                Appearance.page_id,
                Appearance.image_id,
                func.min(Appearance.checked_at).label("first"),
                func.max(Appearance.checked_at).label("last"),
                func.max(Appearance.id).label("latest"),
            )
            .where(which)
            .group_by(Appearance.page_id, Appearance.image_id)
        )
        span_rows = session.execute(spans).all()
        latest_ids = [row.latest for row in span_rows]
        latest = {
            row[0].id: row
            for row in session.execute(_evidence_columns().where(Appearance.id.in_(latest_ids)))
        }
        for row in span_rows:
            evidence[(row.page_id, row.image_id)] = _evidence(
                latest[row.latest], row.first, row.last
            )
    return evidence


def _evidence_columns() -> Any:
    return (
        select(Appearance, Page.url, Image.url, PageFetch)
        .join(Page, Page.id == Appearance.page_id)
        .join(Image, Image.id == Appearance.image_id)
        .outerjoin(PageFetch, PageFetch.id == Appearance.fetch_id)
    )


def _evidence(row: Any, first: Any, last: Any) -> ImageEvidence:
    appearance, page_url, image_url, fetch = row
    return ImageEvidence(
        page_url=page_url,
        image_url=image_url,
        first_seen=aware(first),
        last_seen=aware(last),
        run_id=appearance.run_id,
        alt=appearance.alt,
        role=appearance.role,
        caption=appearance.caption,
        credit_text=appearance.credit_text,
        requested_url=fetch.requested_url if fetch else None,
        final_url=fetch.final_url if fetch else None,
        http_status=fetch.http_status if fetch else None,
        fetched_at=aware(fetch.fetched_at) if fetch else None,
        page_sha256=fetch.sha256 if fetch else None,
        image_sha256=appearance.image_sha256,
        image_bytes=appearance.image_bytes,
        embedded=appearance.embedded,
        at_source=appearance.at_source,
    )


def page_history(db: Database, url: str, limit: int | None = None) -> list[PageSnapshot]:
    """What the page at ``url`` showed each time it was read, newest first.

    ``url`` is looked up as given and in its canonical form (tracking parameters
    removed), so the address a reader followed finds the page.
    """
    with db.sessions() as session:
        keys = {url_key(url)}
        with contextlib.suppress(ValueError):  # an address that cannot be taken apart
            keys.add(url_key(canonical_url(url)))
        page = session.scalar(select(Page).where(Page.url_key.in_(keys)))
        if page is None:
            raise UsageError(f"no page {url!r} has been checked (see 'attribution findings')")
        statement = (
            select(PageFetch)
            .where(PageFetch.page_id == page.id)
            .order_by(PageFetch.fetched_at.desc(), PageFetch.id.desc())
        )
        if limit:
            statement = statement.limit(limit)
        fetches = session.scalars(statement).all()
        shown: dict[int, list[ImageEvidence]] = {}
        ids = [fetch.id for fetch in fetches]
        for start in range(0, len(ids), 500):
            rows = session.execute(
                _evidence_columns()
                .where(Appearance.fetch_id.in_(ids[start : start + 500]))
                .order_by(Appearance.position)
            )
            for row in rows:
                moment = row[0].checked_at
                shown.setdefault(row[0].fetch_id, []).append(_evidence(row, moment, moment))
        declared: dict[int, list[DeclaredImage]] = {}
        for start in range(0, len(ids), 500):
            for item in session.scalars(
                select(DeclaredImageRow)
                .where(DeclaredImageRow.fetch_id.in_(ids[start : start + 500]))
                .order_by(DeclaredImageRow.fetch_id, DeclaredImageRow.position)
            ):
                declared.setdefault(item.fetch_id, []).append(
                    DeclaredImage(
                        item.image_url, item.caption, item.title, item.licence, item.source_url
                    )
                )
        return [
            PageSnapshot(
                run_id=fetch.run_id,
                fetched_at=aware(fetch.fetched_at),
                requested_url=fetch.requested_url,
                final_url=fetch.final_url,
                http_status=fetch.http_status,
                sha256=fetch.sha256,
                title=fetch.title,
                images=tuple(shown.get(fetch.id, ())),
                unchanged=fetch.unchanged,
                declared=tuple(declared.get(fetch.id, ())),
            )
            for fetch in fetches
        ]
