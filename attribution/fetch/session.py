"""The HTTP session and what pages and images share: one request, followed through its
redirects and retries, with every failure turned into a
:class:`~attribution.errors.FetchError` that names the URL and says why.

Each fetch has one absolute deadline, the earlier of ``total_timeout`` from its start
and the deadline its caller gives (a page's time budget). It covers the name lookup,
the connection, the request, the headers, every redirect and retry, and the body: a
watchdog started before the request is sent shuts the connection down when the
deadline passes (see :mod:`attribution.fetch.transport`). Every connection is held to
the address policy of :mod:`attribution.fetch.policy`.

Retries: a response 429, 502, 503 or 504 is asked again ``retries`` times, after the
``Retry-After`` the server gives (at most :data:`MAX_RETRY_WAIT` seconds and never past
the deadline: a server that asks for longer is a failure that says so) or a short
pause; a refused connection is tried again ``retries`` times; a kept-alive connection
the server had closed is replaced once. Redirects are followed up to
``max_redirects``, to http and https URLs only.
"""

from __future__ import annotations

import http.client
import os
import time
from collections.abc import Iterator
from email.message import Message
from types import TracebackType
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import requests
from requests.utils import requote_uri
from urllib3 import exceptions as urllib3_exceptions
from urllib3.util.retry import Retry

from attribution.errors import FetchError
from attribution.fetch.policy import AddressPolicy, redirect_refusal
from attribution.fetch.transport import Fetch, GuardedAdapter

if TYPE_CHECKING:
    from attribution.fetch.settings import FetchSettings

HttpSession = requests.Session  # for callers that hold a session without importing requests
Response = requests.Response

RETRIED_STATUSES = frozenset({429, 502, 503, 504})
MAX_RETRY_WAIT = 10.0  # seconds: a server that asks for a longer pause is not waited for
_STALE = (ConnectionResetError, ConnectionAbortedError, BrokenPipeError)


def make_session(settings: FetchSettings) -> requests.Session:
    """A session with the User-Agent and connection retries of ``settings``, whose
    connections are held to the address policy; it reads no proxy from the environment
    (see :mod:`attribution.fetch.policy`)."""
    session = requests.Session()
    session.trust_env = False  # no proxies, no .netrc: the policy must see the server
    session.verify = (
        os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    )
    session.headers["User-Agent"] = settings.user_agent
    session.headers["Accept"] = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
    session.max_redirects = settings.max_redirects
    retry = Retry(
        total=settings.retries,
        connect=settings.retries,
        read=0,
        status=0,
        other=0,
        backoff_factor=0.2,
        allowed_methods=frozenset({"GET", "HEAD"}),
        raise_on_status=False,
        respect_retry_after_header=False,
    )
    adapter = GuardedAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def parse_content_type(header: str | None) -> tuple[str, str | None]:
    """Split a Content-Type header into its lower-case media type and charset."""
    if not header:
        return "", None
    message = Message()
    message["content-type"] = header
    charset = message.get_param("charset")
    return message.get_content_type().lower(), charset if isinstance(charset, str) else None


class Stream:
    """A response whose body is still to be read, under its fetch's watchdog.

    Read it with :meth:`chunks`; close it (or use it in a ``with`` block) when done,
    which disarms the watchdog.
    """

    def __init__(
        self, response: requests.Response, fetch: Fetch, settings: FetchSettings, what: str
    ) -> None:
        self.response = response
        self._fetch = fetch
        self._settings = settings
        self._what = what

    @property
    def url(self) -> str:
        """The URL asked for (the final URL after redirects is ``response.url``)."""
        return self._fetch.requested

    def chunks(self, chunk_size: int) -> Iterator[bytes]:
        """The (decoded) body in chunks. A body cut off by the deadline, or a
        connection that breaks, is a :class:`FetchError`. A caller that stops early
        (a size cap) simply stops iterating and closes the stream."""
        fetch = self._fetch
        try:
            yield from self.response.iter_content(chunk_size=chunk_size)
        except Exception as error:  # a closed or broken connection surfaces in many types
            if fetch.expired.is_set():
                raise FetchError(fetch.requested, self._too_slow()) from None
            malformed = _malformed(error)
            if malformed is not None:
                raise FetchError(fetch.requested, malformed) from None
            raise FetchError(
                fetch.requested, f"the download broke off ({root_cause(error)})"
            ) from None
        if fetch.expired.is_set():  # a shut-down connection can look like a finished body
            raise FetchError(fetch.requested, self._too_slow())

    def _too_slow(self) -> str:
        if self._fetch.budget:
            return f"the page's time budget ran out before the {self._what} was downloaded"
        return f"the {self._what} took longer than {self._settings.total_timeout:g} s to download"

    def close(self) -> None:
        """Disarm the watchdog and close the response."""
        self._fetch.stop()
        self.response.close()

    def __enter__(self) -> Stream:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def fetch_deadline(settings: FetchSettings, deadline: float | None) -> tuple[float, bool]:
    """The deadline of a fetch starting now (a :func:`time.monotonic` value): the earlier
    of ``total_timeout`` from now and the caller's ``deadline``; and whether the
    caller's deadline is the one that applies."""
    own = time.monotonic() + settings.total_timeout
    if deadline is not None and deadline < own:
        return deadline, True
    return own, False


def open_stream(
    url: str,
    settings: FetchSettings,
    session: requests.Session,
    headers: dict[str, str] | None = None,
    *,
    deadline: float | None = None,
    policy: AddressPolicy | None = None,
    what: str = "page",
) -> Stream:
    """Send a streaming GET and follow its redirects and retries, within one deadline.

    ``deadline`` (a :func:`time.monotonic` value) ends the fetch early when it comes
    before ``total_timeout``; ``policy`` says which hosts may be private (by default
    only the host of ``url``, see :mod:`attribution.fetch.policy`); ``what`` ("page",
    "image") is named in the messages. Every way the request can fail becomes one
    :class:`FetchError` for ``url``. The response's status is not checked.
    """
    end, budget = fetch_deadline(settings, deadline)
    fetch = Fetch(url, policy or AddressPolicy.for_target(settings, url), end, budget=budget)
    fetch.start()
    try:
        response = _follow(fetch, settings, session, headers)
        if fetch.expired.is_set():  # headers cut short by the watchdog can look complete
            response.close()
            raise FetchError(url, _headers_too_slow(fetch, settings))
    except BaseException:
        fetch.stop()
        raise
    return Stream(response, fetch, settings, what)


def _follow(
    fetch: Fetch,
    settings: FetchSettings,
    session: requests.Session,
    headers: dict[str, str] | None,
) -> requests.Response:
    """The response at the end of the redirects, after the retries."""
    redirects = retries = 0
    replaced_stale = False
    while True:
        try:
            with fetch.active():
                response = session.get(
                    fetch.hop,
                    headers=_hop_headers(settings, fetch.hop, headers),
                    stream=True,
                    allow_redirects=False,
                    timeout=(settings.connect_timeout, settings.read_timeout),
                )
        except requests.RequestException as error:
            stale = fetch.reused and _caused_by(error, _STALE) is not None
            if stale and not replaced_stale and not fetch.expired.is_set():
                replaced_stale = True  # the server had closed the kept-alive connection
                continue
            raise FetchError(fetch.requested, _describe(error, fetch, settings)) from None
        if response.is_redirect:
            location = _redirect_target(session, response, fetch.hop)
            response.close()
            refused = redirect_refusal(location)
            if refused is not None:
                raise FetchError(fetch.requested, refused)
            redirects += 1
            if redirects > settings.max_redirects:
                raise FetchError(
                    fetch.requested,
                    f"more than {settings.max_redirects} redirects (a redirect loop?)",
                )
            fetch.hop = location
            continue
        if response.status_code in RETRIED_STATUSES and retries < settings.retries:
            wait = _retry_wait(fetch, response, retries)
            if wait is not None:
                response.close()
                retries += 1
                time.sleep(wait)
                continue
        return response


def _hop_headers(
    settings: FetchSettings, hop: str, headers: dict[str, str] | None
) -> dict[str, str] | None:
    """The headers of the request for ``hop``: ``headers``, and the check's page headers
    (a preview page's login) when ``hop`` is on one of their origins."""
    if settings.page_headers is None:
        return headers
    given = settings.page_headers.for_url(hop)
    if not given:
        return headers
    return {**given, **(headers or {})}


def _redirect_target(session: requests.Session, response: requests.Response, hop: str) -> str:
    """The absolute URL a redirect response points to."""
    location = session.get_redirect_target(response) or ""
    if location.startswith("//"):
        location = f"{urlsplit(hop).scheme}:{location}"
    return requote_uri(urljoin(hop, location))


def retry_after_seconds(header: str | None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (given in seconds or as an HTTP date),
    or None when there is none or it cannot be read."""
    if not header:
        return None
    try:
        return max(0.0, float(Retry(0).parse_retry_after(header)))
    except (urllib3_exceptions.InvalidHeader, ValueError, OverflowError):
        return None


def _retry_wait(fetch: Fetch, response: requests.Response, retries: int) -> float | None:
    """How long to wait before asking again: the server's Retry-After, or else a short
    pause (None when no time is left for it: the response stands). A
    :class:`FetchError` when the server asks for longer than is waited for."""
    asked = retry_after_seconds(response.headers.get("Retry-After"))
    if asked is None:
        pause = 0.2 * 2**retries
        return pause if pause < fetch.remaining() else None
    status = f"HTTP {response.status_code}"
    if asked > MAX_RETRY_WAIT:
        response.close()
        raise FetchError(
            fetch.requested,
            f"{status}: the server asked to retry after {asked:g} s "
            f"(more than the {MAX_RETRY_WAIT:g} s waited for)",
            status=response.status_code,
        )
    if asked >= fetch.remaining():
        response.close()
        raise FetchError(
            fetch.requested,
            f"{status}: the server asked to retry after {asked:g} s, later than the time left",
            status=response.status_code,
        )
    return asked


def _describe(error: requests.RequestException, fetch: Fetch, settings: FetchSettings) -> str:
    """Why a request failed before its response arrived, in one line."""
    if fetch.expired.is_set():
        return _headers_too_slow(fetch, settings)
    if isinstance(error, requests.Timeout) or caused_by_timeout(error):
        return "the server did not answer in time"
    malformed = _malformed(error)
    if malformed is not None:
        return malformed
    if _caused_by(error, (http.client.RemoteDisconnected,)) is not None:
        return "the server closed the connection without answering"
    if _caused_by(error, (ConnectionResetError,)) is not None:
        return "the server reset the connection before answering"
    if isinstance(error, requests.ConnectionError):
        return f"could not connect ({root_cause(error)})"
    return f"request failed ({root_cause(error)})"


def _headers_too_slow(fetch: Fetch, settings: FetchSettings) -> str:
    if fetch.budget:
        return "the server did not answer in time (the page's time budget ran out)"
    return f"the server did not answer in time (nothing within {settings.total_timeout:g} s)"


def _malformed(error: BaseException) -> str | None:
    """ "the server sent a malformed response (…)" when ``error`` comes from a response
    http.client or urllib3 could not parse (too many or too long headers, a bad status
    line, bad chunked encoding), else None."""
    cause = _caused_by(error, (http.client.HTTPException, urllib3_exceptions.InvalidChunkLength))
    if cause is None or isinstance(cause, http.client.RemoteDisconnected):
        return None
    if isinstance(cause, http.client.IncompleteRead):
        return None  # a body cut short: the download broke off
    text = str(cause) or type(cause).__name__
    return f"the server sent a malformed response ({text[:120]})"


def _causes(error: BaseException) -> Iterator[BaseException]:
    """``error``, its causes and contexts, and the exceptions carried in their
    arguments (urllib3 wraps the reason of a failure in its arguments)."""
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        cause = pending.pop(0)
        if id(cause) in seen:
            continue
        seen.add(id(cause))
        yield cause
        pending.extend(arg for arg in cause.args if isinstance(arg, BaseException))
        reason = getattr(cause, "reason", None)
        if isinstance(reason, BaseException):
            pending.append(reason)
        if cause.__cause__ is not None:
            pending.append(cause.__cause__)
        if cause.__context__ is not None:
            pending.append(cause.__context__)


def _caused_by(
    error: BaseException, kinds: tuple[type[BaseException], ...]
) -> BaseException | None:
    """The first exception of ``kinds`` among ``error``'s causes, if any."""
    return next((cause for cause in _causes(error) if isinstance(cause, kinds)), None)


def caused_by_timeout(error: BaseException) -> bool:
    """Whether a requests/urllib3 error was, at its root, a timeout (not a refusal)."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, urllib3_exceptions.NewConnectionError):
            return False  # a subclass of the timeout errors, but a refusal
        if isinstance(cause, (TimeoutError, urllib3_exceptions.TimeoutError)):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def root_cause(error: BaseException) -> str:
    """The innermost reason of a requests/urllib3 error, short enough for one line."""
    cause: BaseException = error
    while cause.__cause__ is not None or cause.__context__ is not None:
        cause = cause.__cause__ or cause.__context__  # type: ignore[assignment]
    text = str(cause) or type(cause).__name__
    if any(sign in text for sign in _UNKNOWN_HOST):
        return "the host name could not be found"
    return text.split(": ", 1)[-1] if "Connection refused" not in text else "connection refused"


# How resolvers say that a host name does not exist (glibc, macOS, Windows).
_UNKNOWN_HOST = (
    "Name or service not known",
    "nodename nor servname",
    "getaddrinfo failed",
    "No address associated with hostname",
    "Temporary failure in name resolution",
)
