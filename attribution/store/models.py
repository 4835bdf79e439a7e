"""The database tables. Every change here needs an Alembic migration in ``alembic/``
(a test compares these models with the migrated schema)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, validates
from sqlalchemy.types import TypeDecorator

from attribution.records.roles import CONTENT_ROLE
from attribution.textutil import whole_characters

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def url_key(url: str) -> str:
    """The SHA-256 of a URL: what pages and images are unique by, since a URL may be
    longer than a database index entry can hold."""
    return hashlib.sha256(storable_text(url).encode("utf-8")).hexdigest()


def storable_text(value: str) -> str:
    """``value`` without NUL characters (PostgreSQL refuses them in text and JSON), and
    with lone surrogates replaced by U+FFFD (no encoder takes them)."""
    value = whole_characters(value)
    return value.replace("\x00", "") if "\x00" in value else value


def storable(value: Any) -> Any:
    """``value`` with :func:`storable_text` applied to every string in it (a page can
    hold any character; what it holds is stored, not refused)."""
    if isinstance(value, str):
        return storable_text(value)
    if isinstance(value, dict):
        return {storable(key): storable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [storable(item) for item in value]
    return value


class PageText(TypeDecorator[str]):
    """Text taken from a page (or typed by a person), made storable (see :func:`storable`)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return storable_text(value) if value is not None else None


class PageJSON(TypeDecorator[Any]):
    """JSON built from what a page or image file holds, made storable."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return storable(value)


class Base(DeclarativeBase):
    """Declarative base with stable constraint names (so migrations can refer to them)."""

    metadata = MetaData(naming_convention=NAMING)


class Run(Base):
    """One check or scan: when, what, with which options, how far it got."""

    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20), index=True)
    targets: Mapped[list[str]] = mapped_column(PageJSON)
    options: Mapped[dict[str, object]] = mapped_column(PageJSON)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    pages_done: Mapped[int] = mapped_column(Integer, default=0)
    pages_failed: Mapped[int] = mapped_column(Integer, default=0)
    # Scans: pages found unchanged (not parsed again) and pages left out (robots.txt…).
    pages_unchanged: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    pages_skipped: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    images: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    notices: Mapped[int] = mapped_column(Integer, default=0)


class RunTarget(Base):
    """One target of a run (a URL, a file, stdin) and whether the run got to it, so that
    an interrupted run can be resumed where it stopped."""

    __tablename__ = "run_targets"
    __table_args__ = (
        UniqueConstraint("run_id", "position"),
        Index("ix_run_targets_run_status", "run_id", "status"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    target: Mapped[str] = mapped_column(PageText)
    # pending, done, failed; in scans also unchanged (not parsed again) or skipped
    status: Mapped[str] = mapped_column(String(10))
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(PageText)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # How many times the target was in the hands of a worker that was lost (killed, out
    # of memory) in a scan on workers: one that keeps killing its workers is failed
    # rather than handed out for ever.
    workers_lost: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The worker that recorded it (a scan on workers), as it names itself.
    worker: Mapped[str | None] = mapped_column(String(255))


class Worker(Base):
    """A worker process of scans on a task queue (``attribution worker``), as it last
    reported: where it runs, when it was last heard of, what it is doing, what it did."""

    __tablename__ = "workers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # running, or stopped (a warm shutdown); a worker killed outright stays running and
    # falls silent: its last_seen tells.
    status: Mapped[str] = mapped_column(String(10))
    concurrency: Mapped[int] = mapped_column(Integer)
    run_id: Mapped[int | None] = mapped_column(
        ForeignKey("runs.id", ondelete="SET NULL"), index=True
    )
    in_hand: Mapped[int] = mapped_column(Integer, default=0)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)


class Page(Base):
    """A page checked at least once, by its identity: its canonical URL (tracking
    parameters removed), or for a saved file its declared address or its path."""

    __tablename__ = "pages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(PageText)
    url_key: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str | None] = mapped_column(PageText)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_checked: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    @validates("url")
    def _keep_key(self, _name: str, url: str) -> str:
        self.url_key = url_key(url)
        return url


class PageFetch(Base):
    """One reading of a page in a run, as evidence: the address asked for, the address
    answered (after redirects), the HTTP status, when, and a hash of the bytes read."""

    __tablename__ = "page_fetches"
    __table_args__ = (Index("ix_page_fetches_page_fetched", "page_id", "fetched_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int | None] = mapped_column(
        ForeignKey("runs.id", ondelete="SET NULL"), index=True
    )
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    requested_url: Mapped[str] = mapped_column(PageText)
    final_url: Mapped[str] = mapped_column(PageText)
    http_status: Mapped[int | None] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(255))
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(PageText)
    images: Mapped[int] = mapped_column(Integer, default=0)
    # The validators the server gave, sent back in the next scan's conditional request.
    etag: Mapped[str | None] = mapped_column(String(255))
    last_modified: Mapped[str | None] = mapped_column(String(64))
    # The page answered 304 Not Modified or sent the bytes of its last reading: it was
    # not parsed again, and its findings stand as they were.
    unchanged: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class DeclaredImageRow(Base):
    """An image a page's sitemap declared for it (``image:image``) when the page was
    read in a scan: the sitemap's own word on the image's caption, title and licence,
    kept as evidence beside what the page showed."""

    __tablename__ = "declared_images"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fetch_id: Mapped[int] = mapped_column(
        ForeignKey("page_fetches.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    image_url: Mapped[str] = mapped_column(PageText)
    caption: Mapped[str | None] = mapped_column(PageText)
    title: Mapped[str | None] = mapped_column(PageText)
    licence: Mapped[str | None] = mapped_column(PageText)
    source_url: Mapped[str] = mapped_column(PageText)


class Image(Base):
    """An image file, by URL, with what the file declares about itself."""

    __tablename__ = "images"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(PageText)
    url_key: Mapped[str] = mapped_column(String(64), unique=True)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    embedded: Mapped[dict[str, object] | None] = mapped_column(PageJSON)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    @validates("url")
    def _keep_key(self, _name: str, url: str) -> str:
        self.url_key = url_key(url)
        return url


class Appearance(Base):
    """Where an image appeared in a run: the page, its caption, its credit as shown."""

    __tablename__ = "appearances"
    __table_args__ = (
        Index("ix_appearances_page_run", "page_id", "run_id"),
        Index("ix_appearances_page_image", "page_id", "image_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    fetch_id: Mapped[int | None] = mapped_column(
        ForeignKey("page_fetches.id", ondelete="SET NULL"), index=True
    )
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    image_id: Mapped[int] = mapped_column(ForeignKey("images.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    # "content" (shown in the article) or "social" (only declared in its metadata)
    role: Mapped[str] = mapped_column(String(16), default=CONTENT_ROLE, server_default=CONTENT_ROLE)
    alt: Mapped[str | None] = mapped_column(PageText)
    caption: Mapped[str | None] = mapped_column(PageText)
    credit_text: Mapped[str | None] = mapped_column(PageText)
    credit: Mapped[dict[str, object] | None] = mapped_column(PageJSON)
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The image file as read this time: a hash of the bytes read and what they declared.
    image_sha256: Mapped[str | None] = mapped_column(String(64))
    image_bytes: Mapped[int | None] = mapped_column(Integer)
    embedded: Mapped[dict[str, object] | None] = mapped_column(PageJSON)
    # What the image's source (Wikimedia Commons, Flickr) said of it, as the rules used
    # it: the item, the answer (its number in source_answers, its time) and the changes.
    at_source: Mapped[dict[str, object] | None] = mapped_column(PageJSON)


class SourceAnswerRow(Base):
    """What a source (Wikimedia Commons, Flickr) answered of one item, and when: kept
    as evidence, never overwritten, and used again while younger than the profile's
    ``[sources] cache_days``. ``item_key`` is the SHA-256 of the service and the item's
    key (a Commons file title, a Flickr photo id)."""

    __tablename__ = "source_answers"
    __table_args__ = (Index("ix_source_answers_item_asked", "item_key", "asked_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service: Mapped[str] = mapped_column(String(16))
    item: Mapped[str] = mapped_column(PageText)
    item_key: Mapped[str] = mapped_column(String(64))
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(10))
    licence: Mapped[str | None] = mapped_column(String(64))
    answer: Mapped[dict[str, object]] = mapped_column(PageJSON)


class FindingRow(Base):
    """A finding with a stable identity (rule, page, image) across runs."""

    __tablename__ = "findings"
    __table_args__ = (
        UniqueConstraint("identity"),
        Index("ix_findings_status_rule", "status", "rule"),
        Index("ix_findings_page_status", "page_id", "status"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    identity: Mapped[str] = mapped_column(String(64))
    rule: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(10), index=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    image_id: Mapped[int | None] = mapped_column(ForeignKey("images.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(PageText)
    fix: Mapped[str | None] = mapped_column(PageText)
    status: Mapped[str] = mapped_column(String(10))
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    first_run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))
    last_run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class FindingEvent(Base):
    """A change of a finding's status: found, resolved, found again, waived, waiver
    revoked or expired, or of its severity; by whom (a person) or in which run, and
    the finding's severity after it."""

    __tablename__ = "finding_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finding_id: Mapped[int] = mapped_column(
        ForeignKey("findings.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    event: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10))
    # Null only in events recorded before this column (migration 0008 fills them in).
    severity: Mapped[str | None] = mapped_column(String(10))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))
    actor: Mapped[str | None] = mapped_column(String(255))
    note: Mapped[str | None] = mapped_column(PageText)


class Waiver(Base):
    """A decision to accept a finding: why, by whom, until when; revoked, by whom
    and why. Waivers are never deleted."""

    __tablename__ = "waivers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finding_id: Mapped[int] = mapped_column(
        ForeignKey("findings.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(PageText)
    until: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str | None] = mapped_column(String(255))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(String(255))
    revoke_reason: Mapped[str | None] = mapped_column(PageText)


class RightsRow(Base):
    """An agreement in the rights register: provider (as typed, and the provider
    table's name for it), scope, validity, reference; who added it and why; when it
    was removed, by whom and why (entries are never deleted)."""

    __tablename__ = "rights"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider: Mapped[str] = mapped_column(String(255), index=True)
    scope: Mapped[str] = mapped_column(String(100))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(PageText)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    provider_name: Mapped[str | None] = mapped_column(String(255))
    created_by: Mapped[str | None] = mapped_column(String(255))
    note: Mapped[str | None] = mapped_column(PageText)
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    removed_by: Mapped[str | None] = mapped_column(String(255))
    removed_reason: Mapped[str | None] = mapped_column(PageText)


class RightsEvent(Base):
    """A change to the rights register: an entry added, imported, changed or removed,
    with who, when and why, and the entry as it stood after the change."""

    __tablename__ = "rights_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rights_id: Mapped[int] = mapped_column(ForeignKey("rights.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    action: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str | None] = mapped_column(String(255))
    reason: Mapped[str | None] = mapped_column(PageText)
    entry: Mapped[dict[str, object]] = mapped_column(PageJSON)
