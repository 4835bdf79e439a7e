"""What the source of an image says of it: Wikimedia Commons and Flickr, asked through
their APIs, each answer kept with its time (see :mod:`attribution.atsource`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from attribution.records.services import (
    ANSWER_STATUSES,
    COMMONS,
    FLICKR,
    FOUND,
    MISSING,
    PRIVATE,
    SERVICE_NAMES,
)

__all__ = [
    "ANSWER_STATUSES",
    "COMMONS",
    "FLICKR",
    "FOUND",
    "MISSING",
    "PRIVATE",
    "SERVICE_NAMES",
    "LicenceChange",
    "SourceAnswer",
    "SourceEvidence",
    "SourceRef",
]


@dataclass(frozen=True)
class SourceRef:
    """An item at a source: the service (``commons`` or ``flickr``), the item's key
    there (a Commons file title "File:Name.jpg" with spaces, a Flickr photo id), the
    item's page for people, and the address it was found in (the image's own address,
    a link of its credit)."""

    service: str
    key: str
    page_url: str
    found_in: str

    @property
    def label(self) -> str:
        """The item in messages: "Flickr photo 123", "Wikimedia Commons File:X.jpg"."""
        if self.service == FLICKR:
            return f"Flickr photo {self.key}"
        return f"Wikimedia Commons {self.key}"


@dataclass(frozen=True)
class LicenceChange:
    """One change of an item's licence at its source.

    ``on`` is when it took effect: the date the source gives (Flickr's licence history),
    or, for a change noticed between two of our own answers, the time of the first
    answer with the new licence, with ``since`` the time of the last with the old one
    (it happened between the two). Licences are knowledge-base ids (None when the
    source's licence is not one we know), with the source's own names beside them."""

    on: datetime
    before: str | None
    after: str | None
    before_name: str
    after_name: str
    since: datetime | None = None


@dataclass(frozen=True)
class SourceAnswer:
    """What a source said of one item, and when it said it.

    ``status`` is one of :data:`ANSWER_STATUSES`; the other facts are set only for an
    item found. ``licence`` is a knowledge-base id (None when the source's licence is
    not one we know: ``licence_name`` and ``licence_url`` say what the source said);
    ``authors`` every name the source gives the author (a Flickr owner's real name,
    user name and alias; Commons' Artist as text), cleaned of markup; ``credit`` the
    source's credit line (Commons' Credit); ``posted`` when the item was published
    there; ``history`` the licence changes the source itself records (Flickr), oldest
    first; ``detail`` the source's own words when it did not find the item.
    """

    service: str
    key: str
    asked_at: datetime
    status: str
    page_url: str | None = None
    licence: str | None = None
    licence_name: str | None = None
    licence_url: str | None = None
    authors: tuple[str, ...] = ()
    author_url: str | None = None
    credit: str | None = None
    usage_terms: str | None = None
    attribution_required: bool | None = None
    restrictions: str | None = None
    posted: datetime | None = None
    history: tuple[LicenceChange, ...] = ()
    detail: str | None = None
    id: int | None = None  # the answer's number in the record, once kept

    @property
    def found(self) -> bool:
        """Whether the source showed the item."""
        return self.status == FOUND

    @property
    def licence_said(self) -> str:
        """The licence as the source names it, for messages."""
        return self.licence_name or self.licence or "no licence"


@dataclass(frozen=True)
class SourceEvidence:
    """What the rules know of one image's source.

    ``answer`` is the newest answer (asked now, or kept from an earlier check within the
    cache's lifetime; ``cached`` says which). When it did not find the item,
    ``last_found`` is the last kept answer that did. ``changes`` are the licence changes
    known: the source's own history and those noticed between our kept answers, oldest
    first. ``first_shown`` is the day the page first showed the image, and
    ``first_shown_by`` how that is known: "record" (the page's first recorded showing of
    it), "published" (the date the page says it was published, when earlier) or "today"
    (neither is known).
    """

    ref: SourceRef
    answer: SourceAnswer
    cached: bool = False
    last_found: SourceAnswer | None = None
    changes: tuple[LicenceChange, ...] = field(default=())
    first_shown: date | None = None
    first_shown_by: str = "today"

    @property
    def newest_found(self) -> SourceAnswer | None:
        """The newest answer that found the item: ``answer``, else ``last_found``."""
        return self.answer if self.answer.found else self.last_found
