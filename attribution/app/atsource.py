"""Asking images' sources what licence they give: Wikimedia Commons and Flickr.

For each image of a page whose address or credit link points to a Commons file or a
Flickr photo (:func:`attribution.atsource.image_source`), a :class:`SourceChecker`
gives the rules a :class:`~attribution.records.SourceEvidence`: the source's newest
answer, the licence changes known, and the day the page first showed the image.

- **The record is the cache.** Every answer is kept with its time
  (:mod:`attribution.store.sources`); an item asked less than ``[sources] cache_days``
  ago is not asked again, and ``offline`` asks nothing and uses whatever was kept.
  Without a database (``--no-store``) nothing is kept and every check asks.
- **What is sent where.** Commons is sent the file titles (``File:Name.jpg``), Flickr
  the photo ids and the API key; nothing of the page or the publication.
- **Politeness.** Each API is asked at most ``per_second`` times a second by this
  process, and waits as long as a 429 (or MediaWiki's maxlag) asks
  (:class:`attribution.fetch.sourceapis.ApiClient`).
- **Failures.** A source that cannot be asked is a notice on the page and the check
  goes on; Flickr without an API key is one notice, and Flickr is not asked.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

# The readers of the APIs' answers load with the first question (most pages have no
# picture from Commons or Flickr).
from attribution.atsource import image_source, merged_changes, noticed_changes
from attribution.errors import SourceLookupError, StorageError
from attribution.records import SourceEvidence
from attribution.records.atsource import COMMONS, FLICKR, SERVICE_NAMES

if TYPE_CHECKING:
    from attribution.atsource.flickr import FlickrLicences
    from attribution.fetch.settings import FetchSettings
    from attribution.fetch.sourceapis import ApiClient
    from attribution.licences import KnowledgeBase
    from attribution.records import ExtractedImage, SourceAnswer, SourceRef, SourceSettings
    from attribution.store.database import Database

# The environment's switch over the profile's [sources] check and offline: "off" (ask
# no source) or "offline" (only what the record kept). It can only hold the checks
# back, never switch on what the profile or the command line switched off.
SWITCH_VARIABLE = "ATTRIBUTION_SOURCE_CHECKS"
# The key of Flickr's API, before the profile's [sources] flickr_key.
FLICKR_KEY_VARIABLE = "ATTRIBUTION_FLICKR_KEY"
# Titles in one question to Commons (the API's limit for a client without a bot's rights).
COMMONS_BATCH = 50
# How long this process keeps Flickr's list of licences before reading it again.
LICENCE_LIST_SECONDS = 24 * 3600.0

# Flickr's errors that are an answer about the photo (not found, not public); any
# other (an invalid key, the service unavailable) means Flickr could not be asked.
PHOTO_GONE = frozenset({1, 2})

NO_FLICKR_KEY = (
    "Flickr photos' licences were not checked at their source: no Flickr API key (set "
    f"{FLICKR_KEY_VARIABLE} or [sources] flickr_key in the profile)"
)


def effective_settings(
    settings: SourceSettings, environ: Mapping[str, str] | None = None
) -> SourceSettings:
    """The profile's ``[sources]`` with the environment's switch (which can only hold
    the checks back) and Flickr key applied."""
    environ = os.environ if environ is None else environ
    switch = environ.get(SWITCH_VARIABLE, "").strip().lower()
    if switch == "off":
        settings = replace(settings, check=False)
    elif switch == "offline":
        settings = replace(settings, offline=True)
    key = environ.get(FLICKR_KEY_VARIABLE, "").strip()
    if key:
        settings = replace(settings, flickr_key=key)
    return settings


@dataclass(frozen=True)
class SourceLookup:
    """What the sources said of a page's images: the evidence by image URL, and the
    notices of what could not be asked."""

    evidence: Mapping[str, SourceEvidence]
    notices: tuple[str, ...] = ()


class SourceChecker:
    """Asks the sources of pages' images, keeping every answer in the record that
    ``open_record`` opens (when given; not before a page has a picture from a source)
    and using what it kept within the cache's lifetime. ``kb`` reads the sources'
    licences (by default the bundled knowledge base). Close it when done."""

    def __init__(
        self,
        settings: SourceSettings,
        fetch: FetchSettings,
        kb: KnowledgeBase | None = None,
        open_record: Callable[[], Database] | None = None,
    ) -> None:
        self.settings = settings
        self._fetch = fetch
        self._given_kb = kb
        self._open_record = open_record
        self._db: Database | None = None
        self._clients: dict[str, ApiClient] = {}

    def look_up(
        self,
        page_url: str,
        images: Sequence[ExtractedImage],
        published: date | None = None,
        deadline: float | None = None,
    ) -> SourceLookup:
        """The evidence of each image of the page at ``page_url`` (its identity) whose
        source is known; ``published`` is the date the page says it was published.

        The sources are asked until ``deadline`` (a :func:`time.monotonic` value, the
        page's), using at most half the time left (:data:`ASKING_SHARE`) and at most
        :data:`ASKING_SECONDS`: the page must still be judged. What could not be asked
        is a notice; an image whose source could not be asked is judged by the newest
        answer kept, whatever its age."""
        refs = {image.src: ref for image in images if (ref := image_source(image)) is not None}
        if not refs:
            return SourceLookup({})

        items = {(ref.service, ref.key): ref for ref in refs.values()}
        notices: list[str] = []
        nothing_kept: dict[Item, list[SourceAnswer]] = {}
        kept = self._from_record(lambda db: _kept_answers(db, items), nothing_kept, notices)
        answers = self._answers(items, kept, _asking_deadline(deadline), notices)
        never: dict[str, datetime] = {}
        shown = self._from_record(lambda db: _first_shown(db, page_url, list(refs)), never, notices)
        evidence: dict[str, SourceEvidence] = {}
        for src, ref in refs.items():
            item = (ref.service, ref.key)
            if item not in answers:
                continue
            answer, cached = answers[item]
            history = [a for a in kept.get(item, []) if a.id != answer.id]
            evidence[src] = _evidence(ref, answer, cached, history, shown.get(src), published)
        return SourceLookup(evidence, tuple(dict.fromkeys(notices)))

    def _from_record(self, read: Callable[[Database], T], otherwise: T, notices: list[str]) -> T:
        """What ``read`` gets from the record, or ``otherwise`` without one or when it
        cannot be read (a notice says so)."""
        if self._open_record is None:
            return otherwise
        try:
            if self._db is None:
                self._db = self._open_record()
            return read(self._db)
        except StorageError as error:
            notices.append(f"the answers of images' sources could not be read or kept: {error}")
            return otherwise

    def _answers(
        self,
        items: Mapping[Item, SourceRef],
        kept: Mapping[Item, list[SourceAnswer]],
        deadline: float,
        notices: list[str],
    ) -> dict[Item, tuple[SourceAnswer, bool]]:
        """The answer each item is judged by, and whether it was kept from before."""
        fresh_after = datetime.now(UTC) - timedelta(days=self.settings.cache_days)
        chosen: dict[Item, tuple[SourceAnswer, bool]] = {}
        wanted: dict[str, list[str]] = {}
        for item in items:
            newest = kept.get(item, [None])[0]
            if newest is not None and (self.settings.offline or newest.asked_at >= fresh_after):
                chosen[item] = (newest, True)
            elif not self.settings.offline:
                wanted.setdefault(item[0], []).append(item[1])
        if self.settings.offline:
            unknown = len(items) - len(chosen)
            if unknown:
                notices.append(
                    f"{unknown} image(s) were not checked at their source: offline, and no "
                    "answer of their source was kept"
                )
            return chosen
        asked: list[SourceAnswer] = []
        for service, keys in wanted.items():
            if service == FLICKR and not self.settings.flickr_key:
                notices.append(NO_FLICKR_KEY)
                continue
            before = len(asked)
            try:
                if service == COMMONS:
                    self._ask_commons(keys, deadline, asked)
                else:
                    self._ask_flickr(keys, deadline, asked)
            except SourceLookupError as error:
                left = len(keys) - (len(asked) - before)
                notices.append(
                    f"{left} image(s) on {SERVICE_NAMES[service]} were not checked at their "
                    f"source this time: {error.reason}"
                )
        if asked:
            asked = self._from_record(lambda db: _keep_answers(db, asked), asked, notices)
        for answer in asked:
            chosen[(answer.service, answer.key)] = (answer, False)
        for item, answers in kept.items():  # not asked in time: the newest kept answer
            if item not in chosen and answers:
                chosen[item] = (answers[0], True)
        return chosen

    def _kb(self) -> KnowledgeBase:
        """The knowledge base the answers' licences are read with (loaded on first use)."""
        if self._given_kb is None:
            from attribution.licences import default_knowledge_base

            self._given_kb = default_knowledge_base()
        return self._given_kb

    def _client(self, service: str) -> ApiClient:
        client = self._clients.get(service)
        if client is None:
            from attribution.fetch.sourceapis import ApiClient

            endpoint = self.settings.commons_api if service == COMMONS else self.settings.flickr_api
            client = ApiClient(
                SERVICE_NAMES[service], endpoint, self._fetch, per_second=self.settings.per_second
            )
            self._clients[service] = client
        return client

    def _ask_commons(
        self, titles: Sequence[str], deadline: float, answers: list[SourceAnswer]
    ) -> None:
        """Add Commons' answers for ``titles`` to ``answers``, up to
        :data:`COMMONS_BATCH` titles a question."""
        from attribution.atsource.commons import commons_params, read_commons

        client = self._client(COMMONS)
        for start in range(0, len(titles), COMMONS_BATCH):
            batch = titles[start : start + COMMONS_BATCH]
            payload = client.get_json(commons_params(batch), deadline=deadline)
            with _unreadable(COMMONS):
                read = read_commons(payload, batch, datetime.now(UTC), self._kb())
            answers.extend(read[title] for title in batch if title in read)

    def _ask_flickr(
        self, photo_ids: Sequence[str], deadline: float, answers: list[SourceAnswer]
    ) -> None:
        """Add Flickr's answers for ``photo_ids`` to ``answers``: each photo's
        information and its licence history, one photo at a time."""
        from attribution.atsource.flickr import flickr_params, read_flickr

        client = self._client(FLICKR)
        key = self.settings.flickr_key or ""
        licences = _flickr_licences(client, key, deadline)
        for photo_id in photo_ids:
            info = client.get_json(
                flickr_params("flickr.photos.getInfo", key, photo_id=photo_id), deadline=deadline
            )
            history = None
            if _photo_gone(info) is None:
                method = "flickr.photos.licenses.getLicenseHistory"
                history = client.get_json(
                    flickr_params(method, key, photo_id=photo_id), deadline=deadline
                )
                # An answer without its history would mislead: any other refusal of it
                # stops asking Flickr (see _photo_gone).
                if _photo_gone(history) is not None:
                    continue  # gone since the first question: asked again next time
            with _unreadable(FLICKR):
                answers.append(
                    read_flickr(photo_id, info, history, licences, datetime.now(UTC), self._kb())
                )

    def close(self) -> None:
        """Close the APIs' connections and the record."""
        for client in self._clients.values():
            client.close()
        self._clients.clear()
        if self._db is not None:
            self._db.close()
            self._db = None


Item = tuple[str, str]  # (service, the item's key there)
T = TypeVar("T")

# Of the time a page has left, the share asking its images' sources may use, and at most
# how many seconds: the page must still be judged, and what was not asked is asked at
# the next check (what was is kept).
ASKING_SHARE = 0.5
ASKING_SECONDS = 30.0


def _asking_deadline(page_deadline: float | None) -> float:
    """When asking the sources must stop (a :func:`time.monotonic` value)."""
    now = time.monotonic()
    left = ASKING_SECONDS if page_deadline is None else max(0.0, page_deadline - now)
    return now + min(left * ASKING_SHARE, ASKING_SECONDS)


@contextmanager
def _unreadable(service: str) -> Iterator[None]:
    """An answer that cannot be read is the source's failure, not the page's."""
    try:
        yield
    except (ValueError, OverflowError, TypeError, KeyError) as error:
        raise SourceLookupError(
            SERVICE_NAMES[service], f"an answer that cannot be read ({error})"
        ) from None


# The record's side, loaded only when there is a record (a check that keeps nothing
# does not load the database layer).
def _kept_answers(db: Database, items: Iterable[Item]) -> dict[Item, list[SourceAnswer]]:
    from attribution.store.sources import kept_answers

    return kept_answers(db, items)


def _keep_answers(db: Database, answers: Sequence[SourceAnswer]) -> list[SourceAnswer]:
    from attribution.store.sources import keep_answers

    return keep_answers(db, answers)


def _first_shown(db: Database, page_url: str, image_urls: Sequence[str]) -> dict[str, datetime]:
    from attribution.store.sources import first_shown

    return first_shown(db, page_url, image_urls)


def _evidence(
    ref: SourceRef,
    answer: SourceAnswer,
    cached: bool,
    earlier: Iterable[SourceAnswer],
    recorded: datetime | None,
    published: date | None,
) -> SourceEvidence:
    """The evidence of one image from its source's answer, the answers kept before, and
    when the page first showed it."""
    answers = [answer, *earlier]
    last_found = None
    if not answer.found:
        last_found = next((a for a in sorted(answers, key=_asked, reverse=True) if a.found), None)
    # Every history the source gave (an answer's may lack a change an earlier one had).
    histories = {
        (change.on, change.before_name, change.after_name): change
        for each in sorted(answers, key=_asked)
        for change in each.history
    }
    changes = merged_changes(tuple(histories.values()), noticed_changes(answers))
    first, by = (recorded.date(), "record") if recorded else (None, "today")
    if published is not None and (first is None or published < first):
        first, by = published, "published"
    if first is None:
        first = date.today()
    return SourceEvidence(
        ref=ref,
        answer=answer,
        cached=cached,
        last_found=last_found,
        changes=changes,
        first_shown=first,
        first_shown_by=by,
    )


def _asked(answer: SourceAnswer) -> datetime:
    return answer.asked_at


def _photo_gone(payload: Mapping[str, Any]) -> int | None:
    """The error of a Flickr answer that says the photo is not there or not public
    (:data:`PHOTO_GONE`), or None when it answered. Any other error means Flickr could
    not be asked: a :class:`SourceLookupError` with Flickr's code and message."""
    from attribution.atsource.flickr import flickr_failure

    with _unreadable(FLICKR):
        failure = flickr_failure(payload)
    if failure is None:
        return None
    if failure[0] in PHOTO_GONE:
        return failure[0]
    raise SourceLookupError(SERVICE_NAMES[FLICKR], f"error {failure[0]}: {failure[1]}")


# Flickr's list of licences, read once a day by this process (every checker shares it).
_licence_lists: dict[str, tuple[float, FlickrLicences]] = {}
_licence_lock = threading.Lock()


def _flickr_licences(client: ApiClient, key: str, deadline: float | None) -> FlickrLicences:
    """Flickr's list of licences (``flickr.photos.licenses.getInfo``), kept a day."""
    from attribution.atsource.flickr import flickr_params, read_licence_list

    with _licence_lock:
        held = _licence_lists.get(client.endpoint)
        if held is not None and time.monotonic() - held[0] < LICENCE_LIST_SECONDS:
            return held[1]
    payload = client.get_json(
        flickr_params("flickr.photos.licenses.getInfo", key), deadline=deadline
    )
    code = _photo_gone(payload)
    if code is not None:  # no photo was asked about: not an answer either
        raise SourceLookupError(
            SERVICE_NAMES[FLICKR], f"error {code}: the list of licences was refused"
        )
    with _unreadable(FLICKR):
        licences = read_licence_list(payload)
    with _licence_lock:
        _licence_lists[client.endpoint] = (time.monotonic(), licences)
    return licences
