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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

# The readers of the APIs' answers load with the first question (most pages have no
# picture from Commons or Flickr).
from attribution.atsource import image_source, merged_changes, noticed_changes
from attribution.errors import SourceLookupError
from attribution.records import SourceEvidence
from attribution.records.atsource import COMMONS, FLICKR, SERVICE_NAMES

if TYPE_CHECKING:
    from attribution.atsource import (
        FlickrLicences,
    )
    from attribution.fetch.settings import FetchSettings
    from attribution.fetch.sourceapis import ApiClient
    from attribution.licences import KnowledgeBase
    from attribution.records import ExtractedImage, SourceAnswer, SourceRef, SourceSettings
    from attribution.store.database import Database

# The environment's switch over the profile's [sources] check and offline:
# "off" (ask no source), "offline" (only what the record kept) or "on".
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
    """The profile's ``[sources]`` with the environment's switch and key applied."""
    environ = os.environ if environ is None else environ
    switch = environ.get(SWITCH_VARIABLE, "").strip().lower()
    if switch == "off":
        settings = replace(settings, check=False)
    elif switch == "offline":
        settings = replace(settings, check=True, offline=True)
    elif switch == "on":
        settings = replace(settings, check=True)
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
    """Asks the sources of pages' images, keeping every answer in ``db`` (when given)
    and using what it kept within the cache's lifetime. Close it when done.

    """

    def __init__(
        self,
        settings: SourceSettings,
        fetch: FetchSettings,
        kb: KnowledgeBase,
        db: Database | None = None,
    ) -> None:
        self.settings = settings
        self._fetch = fetch
        self._kb = kb
        self._db = db
        self._clients: dict[str, ApiClient] = {}

    def look_up(
        self,
        page_url: str,
        images: Sequence[ExtractedImage],
        published: date | None = None,
        deadline: float | None = None,
    ) -> SourceLookup:
        """The evidence of each image of the page at ``page_url`` (its identity) whose
        source is known; ``published`` is the date the page says it was published."""
        refs = {image.src: ref for image in images if (ref := image_source(image)) is not None}
        if not refs:
            return SourceLookup({})
        items = {(ref.service, ref.key): ref for ref in refs.values()}
        kept = self._kept(items)
        now = datetime.now(UTC)
        answers, notices = self._answers(items, kept, now, deadline)
        shown = self._first_shown(page_url, list(refs))
        evidence: dict[str, SourceEvidence] = {}
        for src, ref in refs.items():
            item = (ref.service, ref.key)
            if item not in answers:
                continue
            answer, cached = answers[item]
            history = [a for a in kept.get(item, []) if a.id != answer.id]
            evidence[src] = _evidence(ref, answer, cached, history, shown.get(src), published)
        return SourceLookup(evidence, tuple(notices))

    def _kept(
        self, items: Mapping[tuple[str, str], SourceRef]
    ) -> dict[tuple[str, str], list[SourceAnswer]]:
        if self._db is None:
            return {}
        from attribution.store.sources import kept_answers

        return kept_answers(self._db, items)

    def _first_shown(self, page_url: str, image_urls: Sequence[str]) -> dict[str, datetime]:
        if self._db is None:
            return {}
        from attribution.store.sources import first_shown

        return first_shown(self._db, page_url, image_urls)

    def _answers(
        self,
        items: Mapping[tuple[str, str], SourceRef],
        kept: Mapping[tuple[str, str], list[SourceAnswer]],
        now: datetime,
        deadline: float | None,
    ) -> tuple[dict[tuple[str, str], tuple[SourceAnswer, bool]], list[str]]:
        """The answer each item is judged by, and whether it was kept from before;
        with the notices of sources that could not be asked."""
        fresh_after = now - timedelta(days=self.settings.cache_days)
        chosen: dict[tuple[str, str], tuple[SourceAnswer, bool]] = {}
        wanted: dict[str, list[str]] = {}
        for item in items:
            newest = kept.get(item, [None])[0]
            if newest is not None and (self.settings.offline or newest.asked_at >= fresh_after):
                chosen[item] = (newest, True)
            elif not self.settings.offline:
                wanted.setdefault(item[0], []).append(item[1])
        notices: list[str] = []
        if self.settings.offline:
            unknown = len(items) - len(chosen)
            if unknown:
                notices.append(
                    f"{unknown} image source(s) were not checked: offline, and no answer "
                    "of theirs was kept"
                )
            return chosen, notices
        asked: list[SourceAnswer] = []
        for service, keys in wanted.items():
            try:
                if service == COMMONS:
                    asked += self._ask_commons(keys, deadline)
                elif service == FLICKR:
                    if not self._flickr_key():
                        notices.append(NO_FLICKR_KEY)
                        continue
                    asked += self._ask_flickr(keys, deadline)
            except SourceLookupError as error:
                notices.append(
                    f"{len(keys)} image(s) on {SERVICE_NAMES[service]} were not checked at "
                    f"their source: {error.reason}"
                )
        if asked and self._db is not None:
            from attribution.store.sources import keep_answers

            asked = keep_answers(self._db, asked)
        for answer in asked:
            chosen[(answer.service, answer.key)] = (answer, False)
        return chosen, notices

    def _flickr_key(self) -> str | None:
        return self.settings.flickr_key

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

    def _ask_commons(self, titles: Sequence[str], deadline: float | None) -> list[SourceAnswer]:
        """Commons' answers for ``titles``, up to :data:`COMMONS_BATCH` in one question."""
        from attribution.atsource.commons import commons_params, read_commons

        client = self._client(COMMONS)
        answers: list[SourceAnswer] = []
        for start in range(0, len(titles), COMMONS_BATCH):
            batch = titles[start : start + COMMONS_BATCH]
            payload = client.get_json(commons_params(batch), deadline=deadline)
            try:
                read = read_commons(payload, batch, datetime.now(UTC), self._kb)
            except ValueError as error:
                raise SourceLookupError(
                    SERVICE_NAMES[COMMONS], f"an answer that cannot be read ({error})"
                ) from None
            answers += [read[title] for title in batch if title in read]
        return answers

    def _ask_flickr(self, photo_ids: Sequence[str], deadline: float | None) -> list[SourceAnswer]:
        """Flickr's answers for ``photo_ids``: each photo's information, and its licence
        history when it is there."""
        from attribution.atsource.flickr import flickr_failure, flickr_params, read_flickr

        client = self._client(FLICKR)
        key = self._flickr_key() or ""
        licences = _flickr_licences(client, key, deadline)
        answers = []
        for photo_id in photo_ids:
            info = client.get_json(
                flickr_params("flickr.photos.getInfo", key, photo_id=photo_id), deadline=deadline
            )
            failure = flickr_failure(info)
            if failure is not None and failure[0] not in PHOTO_GONE:
                raise SourceLookupError(SERVICE_NAMES[FLICKR], f"error {failure[0]}: {failure[1]}")
            history = None
            if failure is None:
                history = client.get_json(
                    flickr_params(
                        "flickr.photos.licenses.getLicenseHistory", key, photo_id=photo_id
                    ),
                    deadline=deadline,
                )
                if flickr_failure(history) is not None:
                    history = None  # the photo's licence stands without its history
            try:
                answers.append(
                    read_flickr(photo_id, info, history, licences, datetime.now(UTC), self._kb)
                )
            except ValueError as error:
                raise SourceLookupError(
                    SERVICE_NAMES[FLICKR], f"an answer that cannot be read ({error})"
                ) from None
        return answers

    def close(self) -> None:
        """Close the APIs' connections."""
        for client in self._clients.values():
            client.close()
        self._clients.clear()


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
    current = answer if answer.found else last_found
    changes = merged_changes(current.history if current else (), noticed_changes(answers))
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


# Flickr's list of licences, read once a day by this process (every checker shares it).
_licence_lists: dict[str, tuple[float, FlickrLicences]] = {}
_licence_lock = threading.Lock()


def _flickr_licences(client: ApiClient, key: str, deadline: float | None) -> FlickrLicences:
    """Flickr's list of licences (``flickr.photos.licenses.getInfo``), kept a day."""
    from attribution.atsource.flickr import flickr_failure, flickr_params, read_licence_list

    with _licence_lock:
        held = _licence_lists.get(client.endpoint)
        if held is not None and time.monotonic() - held[0] < LICENCE_LIST_SECONDS:
            return held[1]
    payload = client.get_json(
        flickr_params("flickr.photos.licenses.getInfo", key), deadline=deadline
    )
    failure = flickr_failure(payload)
    if failure is not None:
        raise SourceLookupError(SERVICE_NAMES[FLICKR], f"error {failure[0]}: {failure[1]}")
    try:
        licences = read_licence_list(payload)
    except ValueError as error:
        raise SourceLookupError(
            SERVICE_NAMES[FLICKR], f"a licence list that cannot be read ({error})"
        ) from None
    with _licence_lock:
        _licence_lists[client.endpoint] = (time.monotonic(), licences)
    return licences
