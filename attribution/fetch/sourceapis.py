"""Asking the APIs of the sources of images (Wikimedia Commons, Flickr) politely.

An :class:`ApiClient` sends GET requests with query parameters to one API endpoint and
reads JSON objects back, through :func:`~attribution.fetch.documents.fetch_document`
(its deadline, its address policy, its cap on the body). Politeness is shared by every
client of the same endpoint in the process, in every thread (:class:`Pace`):

- **A pace.** At most ``per_second`` requests a second go to an endpoint; a request
  waits its turn, and one whose turn would come after its deadline (or more than
  ``max_wait`` seconds from now) is not sent: a :class:`SourceLookupError` says the
  API is busy.
- **Back-off.** An HTTP 429 or 503, and MediaWiki's ``maxlag`` error (an HTTP 200
  whose JSON is ``{"error": {"code": "maxlag", …}}`` with a ``Retry-After`` header,
  https://www.mediawiki.org/wiki/Manual:Maxlag_parameter), hold the whole endpoint
  for the ``Retry-After`` the server gives (seconds or an HTTP date), or without one
  for 1 s, 2 s, 4 s… (doubling with each throttled answer in a row, at most
  ``max_wait``). The request is then asked again once, if the wait is at most
  ``max_wait`` and ends before its deadline; otherwise it fails saying how long the
  server asked to wait.
- **One kind of failure.** Every other failure (no connection, a timeout, an error
  status, a body too large, not JSON, not a JSON object) is one
  :class:`~attribution.errors.SourceLookupError` whose reason says what happened in
  one line. Messages never carry the request's URL: its parameters may hold a key.

The endpoint is the operator's choice (the profile's, or a fake on loopback in the
tests), so its own host may be at a private address even when
``FetchSettings.private_targets`` is false; every other host (a redirect elsewhere)
is held to the usual policy (:mod:`attribution.fetch.policy`).
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from attribution.errors import FetchError, SourceLookupError
from attribution.fetch.documents import fetch_document
from attribution.fetch.policy import AddressPolicy, normal_host, url_host
from attribution.fetch.session import make_session, retry_after_seconds

if TYPE_CHECKING:
    from attribution.fetch.documents import FetchedDocument
    from attribution.fetch.settings import FetchSettings

THROTTLED_STATUSES = frozenset({429, 503})
FIRST_BACKOFF = 1.0  # seconds: the first pause after a throttled answer without Retry-After


class Pace:
    """The politeness one API endpoint gets from the whole process: when its next
    request may start, and how many throttled answers it gave in a row.

    Thread-safe. Get the one of an endpoint with :func:`pace_for`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next_free = 0.0  # a time.monotonic() before which no request starts
        self._strikes = 0  # throttled answers without Retry-After in a row

    def reserve(self, interval: float, latest: float) -> float | None:
        """Take the next turn: the :func:`time.monotonic` time it starts, the turn
        after it ``interval`` seconds later. None (and no turn taken) when the turn
        would start after ``latest``."""
        with self._lock:
            start = max(time.monotonic(), self._next_free)
            if start > latest:
                return None
            self._next_free = start + interval
            return start

    def next_turn(self) -> float:
        """When the next turn would start (a :func:`time.monotonic` value)."""
        with self._lock:
            return max(time.monotonic(), self._next_free)

    def hold(self, seconds: float) -> None:
        """No request starts in the next ``seconds`` (the server asked to wait)."""
        with self._lock:
            self._next_free = max(self._next_free, time.monotonic() + seconds)

    def backoff(self, max_wait: float) -> float:
        """The pause after a throttled answer that gave no Retry-After: 1 s, then twice
        as long with each such answer in a row, at most ``max_wait``."""
        with self._lock:
            pause = min(max_wait, FIRST_BACKOFF * 2.0 ** min(self._strikes, 32))
            self._strikes += 1
            return pause

    def answered(self) -> None:
        """The endpoint answered without throttling: the back-off starts over."""
        with self._lock:
            self._strikes = 0


_paces: dict[str, Pace] = {}
_paces_lock = threading.Lock()


def endpoint_key(endpoint: str) -> str:
    """The endpoint as paces are shared: scheme, host (normalised), port and path."""
    parts = urlsplit(endpoint)
    scheme = parts.scheme.lower()
    port = parts.port or {"http": 80, "https": 443}.get(scheme)
    host = normal_host(parts.hostname or "")
    return f"{scheme}://{host}:{port}{parts.path or '/'}"


def pace_for(endpoint: str) -> Pace:
    """The process-wide :class:`Pace` of ``endpoint`` (made on first use)."""
    key = endpoint_key(endpoint)
    with _paces_lock:
        pace = _paces.get(key)
        if pace is None:
            pace = _paces[key] = Pace()
        return pace


def reset_paces_for_tests() -> None:
    """Forget every endpoint's pace and back-off (for tests only: a running process
    that forgot them would ask a throttled API again at once)."""
    with _paces_lock:
        _paces.clear()


class ApiClient:
    """A polite client of one JSON API endpoint (see the module's documentation).

    ``name`` names the API in messages ("Wikimedia Commons"); ``endpoint`` is its URL
    (``https://commons.wikimedia.org/w/api.php``); ``settings`` give the User-Agent,
    the timeouts and the address policy; ``per_second`` is the most requests a second
    the process sends to the endpoint; ``max_wait`` the longest wait for a turn or
    for a server that asked to wait; ``max_bytes`` the largest answer read. One HTTP
    session per client: close it (or use the client in a ``with`` block).
    """

    def __init__(
        self,
        name: str,
        endpoint: str,
        settings: FetchSettings,
        *,
        per_second: float = 1.0,
        max_wait: float = 60.0,
        max_bytes: int = 2 * 1024 * 1024,
    ) -> None:
        if per_second <= 0:
            raise ValueError("per_second must be positive")
        self.name = name
        self.endpoint = endpoint
        self.per_second = per_second
        self.max_wait = max_wait
        self.max_bytes = max_bytes
        # Back-off is this module's own: the fetch asks once.
        # No redirect is followed either: an API answers where it is, and a redirect
        # would carry the query (Flickr's key) to another host.
        self._settings = dataclasses.replace(settings, retries=0, max_redirects=0)
        policy = AddressPolicy.for_target(self._settings, endpoint)
        host = url_host(endpoint)
        if host is not None:  # the operator chose the endpoint: its host may be private
            policy = dataclasses.replace(policy, allowed_hosts=policy.allowed_hosts | {host})
        self._policy = policy
        self._pace = pace_for(endpoint)
        self._session = make_session(self._settings)

    def get_json(
        self, params: Mapping[str, str], *, deadline: float | None = None
    ) -> Mapping[str, Any]:
        """The JSON object the endpoint answers to a GET with ``params`` (URL-encoded).

        ``deadline`` (a :func:`time.monotonic` value) bounds the whole call: the wait
        for a turn, the request, a wait the server asks for and the request asked again.
        Every failure is a :class:`SourceLookupError` of this API.
        """
        url = self._url(params)
        for attempt in range(2):
            self._take_turn(deadline)
            document = self._fetch(url, deadline)
            answer = None if document.status in THROTTLED_STATUSES else _json(self.name, document)
            throttle = _throttle(document.status, answer)
            if throttle is None:
                self._pace.answered()
                assert answer is not None
                return answer
            self._wait_after(throttle, document.retry_after, deadline, attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        """Close the client's HTTP connections."""
        self._session.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    # --- the steps ------------------------------------------------------------------------

    def _url(self, params: Mapping[str, str]) -> str:
        query = urlencode(list(params.items()))
        if not query:
            return self.endpoint
        joiner = "&" if urlsplit(self.endpoint).query else "?"
        return f"{self.endpoint}{joiner}{query}"

    def _take_turn(self, deadline: float | None) -> None:
        """Wait for this request's turn at the endpoint, or fail saying it is busy."""
        now = time.monotonic()
        latest = now + self.max_wait
        if deadline is not None:
            latest = min(latest, deadline)
        start = self._pace.reserve(1.0 / self.per_second, latest)
        if start is None:
            wait = self._pace.next_turn() - now
            limit = (
                "after the deadline"
                if deadline is not None and deadline < now + self.max_wait
                else f"more than the {self.max_wait:g} s waited for"
            )
            raise SourceLookupError(
                self.name, f"the API is busy: its next turn is in {wait:.1f} s, {limit}"
            )
        pause = start - time.monotonic()
        if pause > 0:
            time.sleep(pause)

    def _fetch(self, url: str, deadline: float | None) -> FetchedDocument:
        """The answer to one request; a failure as SourceLookupError."""
        try:
            return fetch_document(
                url,
                self._settings,
                self._session,
                limit=self.max_bytes,
                accept="application/json",
                deadline=deadline,
                statuses_kept=THROTTLED_STATUSES,
                policy=self._policy,
            )
        except FetchError as error:
            reason = error.reason
            if "redirect" in reason.casefold():
                reason = (
                    "it answered with a redirect, which is not followed (check the API's address)"
                )
            raise SourceLookupError(self.name, reason) from None

    def _wait_after(
        self, throttle: str, retry_after: str | None, deadline: float | None, attempt: int
    ) -> None:
        """Hold the endpoint after a throttled answer and wait to ask again, or fail
        when the wait is too long, passes the deadline, or this was the second try."""
        asked = retry_after_seconds(retry_after)
        wait = asked if asked is not None else self._pace.backoff(self.max_wait)
        # A server that asks for a day is not obeyed to the letter: every request of
        # this process to it (a server's, a worker's) would stop for that long.
        self._pace.hold(min(wait, MAX_HOLD))
        if asked is not None:
            said = f"asked to wait {wait:g} s ({throttle})"
        else:
            said = f"{throttle} without Retry-After (backing off {wait:g} s)"
        if attempt > 0:
            raise SourceLookupError(self.name, f"{said}, again after waiting")
        if wait > self.max_wait:
            raise SourceLookupError(
                self.name, f"{said}: more than the {self.max_wait:g} s waited for"
            )
        if deadline is not None and time.monotonic() + wait >= deadline:
            raise SourceLookupError(self.name, f"{said}: the wait would pass the deadline")


# The longest the endpoint is held for every request of the process after one throttled
# answer, whatever it asked.
MAX_HOLD = 15 * 60.0


def _throttle(status: int, answer: Mapping[str, Any] | None) -> str | None:
    """How the answer asks the client to slow down ("HTTP 429", "maxlag"), or None."""
    if status in THROTTLED_STATUSES:
        return f"HTTP {status}"
    error = answer.get("error") if answer is not None else None
    if isinstance(error, Mapping) and error.get("code") == "maxlag":
        return "MediaWiki maxlag"
    return None


def _json(name: str, document: FetchedDocument) -> Mapping[str, Any]:
    """The body as a JSON object, or a SourceLookupError saying what it is instead."""
    if not document.body.strip():
        raise SourceLookupError(name, f"an empty answer (HTTP {document.status})")
    try:
        value = json.loads(document.body)
    except (ValueError, RecursionError):  # RecursionError: nested past what json reads
        kind = document.media_type or "no type"
        raise SourceLookupError(name, f"the answer is not JSON ({kind})") from None
    if not isinstance(value, dict):
        raise SourceLookupError(name, f"the answer is JSON but not an object ({_kind(value)})")
    return value


def _kind(value: object) -> str:
    kinds = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return kinds.get(type(value), "a number")
