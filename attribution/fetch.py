"""Fetching pages over HTTP: the only module that imports requests.

All fetch settings live in :class:`FetchSettings` so that a run's network behaviour
is decided in one place. Every failure becomes a :class:`~attribution.errors.FetchError`
whose message names the URL and the reason.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass
from email.message import Message

import requests
from requests.adapters import HTTPAdapter
from urllib3 import exceptions as urllib3_exceptions
from urllib3.util.retry import Retry

from attribution import __version__
from attribution.errors import FetchError

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
HttpSession = requests.Session  # for callers that hold a session without importing requests


@dataclass(frozen=True)
class FetchSettings:
    """Every setting that governs how attribution talks to web servers."""

    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 30.0
    max_redirects: int = 5
    max_page_bytes: int = 10 * 1024 * 1024
    retries: int = 1
    user_agent: str = f"attribution/{__version__} (media attribution and licence checker)"
    image_head_bytes: int = 256 * 1024
    max_image_bytes: int = 25 * 1024 * 1024
    image_workers: int = 4


@dataclass(frozen=True)
class FetchedPage:
    """A page body as received, with the final URL after redirects."""

    url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes


def make_session(settings: FetchSettings) -> requests.Session:
    """A session with the User-Agent, redirect limit and retry policy of ``settings``."""
    session = requests.Session()
    session.headers["User-Agent"] = settings.user_agent
    session.headers["Accept"] = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
    session.max_redirects = settings.max_redirects
    retry = Retry(
        total=settings.retries,
        connect=settings.retries,
        read=0,
        status=settings.retries,
        backoff_factor=0.2,
        status_forcelist=(502, 503, 504),
        allowed_methods=frozenset({"GET", "HEAD"}),
        raise_on_status=False,
        respect_retry_after_header=False,
    )
    adapter = HTTPAdapter(max_retries=retry)
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


def fetch_page(
    url: str, settings: FetchSettings | None = None, session: requests.Session | None = None
) -> FetchedPage:
    """Fetch one HTML page, enforcing timeouts, the redirect limit and the size cap.

    Raises :class:`FetchError` for an unreachable host, an error status, a redirect
    loop, a response that is not HTML, a body over the size cap, or a server too slow
    to finish within ``total_timeout``.
    """
    settings = settings or FetchSettings()
    own_session = session is None
    session = session or make_session(settings)
    try:
        return _fetch(url, settings, session)
    finally:
        if own_session:
            session.close()


def _fetch(url: str, settings: FetchSettings, session: requests.Session) -> FetchedPage:
    started = time.monotonic()
    try:
        response = session.get(
            url, stream=True, timeout=(settings.connect_timeout, settings.read_timeout)
        )
    except requests.TooManyRedirects:
        raise FetchError(
            url, f"more than {settings.max_redirects} redirects (a redirect loop?)"
        ) from None
    except requests.Timeout:
        raise FetchError(url, "the server did not answer in time") from None
    except requests.ConnectionError as error:
        if _caused_by_timeout(error):
            raise FetchError(url, "the server did not answer in time") from None
        raise FetchError(url, f"could not connect ({_root_cause(error)})") from None
    except requests.RequestException as error:
        raise FetchError(url, f"request failed ({_root_cause(error)})") from None
    with response:
        if response.status_code >= 400:
            reason = response.reason or ""
            raise FetchError(
                url, f"HTTP {response.status_code} {reason}".rstrip() + " — check the URL"
            )
        media_type, charset = parse_content_type(response.headers.get("Content-Type"))
        if media_type and media_type not in HTML_TYPES:
            raise FetchError(url, f"not an HTML page (Content-Type: {media_type})")
        body = _read_capped(url, response, settings, started)
    return FetchedPage(
        url=response.url,
        status=response.status_code,
        content_type=media_type or "text/html",
        charset=charset,
        body=body,
    )


def _read_capped(
    url: str, response: requests.Response, settings: FetchSettings, started: float
) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > settings.max_page_bytes:
        raise FetchError(url, _too_large(settings.max_page_bytes))
    expired, watchdog = _watchdog(response, settings, started)
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(chunk_size=16 * 1024):
            size += len(chunk)
            if size > settings.max_page_bytes:
                raise FetchError(url, _too_large(settings.max_page_bytes))
            chunks.append(chunk)
    except FetchError:
        raise
    except Exception as error:  # a closed or broken connection surfaces in many types
        if expired.is_set():
            raise FetchError(
                url, f"the page took longer than {settings.total_timeout:g} s to download"
            ) from None
        raise FetchError(url, f"the download broke off ({_root_cause(error)})") from None
    finally:
        watchdog.cancel()
    if expired.is_set():
        raise FetchError(url, f"the page took longer than {settings.total_timeout:g} s to download")
    return b"".join(chunks)


def _watchdog(
    response: requests.Response, settings: FetchSettings, started: float
) -> tuple[threading.Event, threading.Timer]:
    """A timer that closes ``response`` once ``total_timeout`` has passed since ``started``.

    A server that drips bytes never trips the per-read timeout; closing the connection
    ends the download. The event tells that the timer fired; cancel the timer when done.
    """
    expired = threading.Event()

    def expire() -> None:
        expired.set()
        # Closing the response does not wake a read blocked on the socket; shutting the
        # socket down does.
        with contextlib.suppress(OSError, ValueError, AttributeError):
            shared = socket.fromfd(response.raw.fileno(), socket.AF_INET, socket.SOCK_STREAM)
            with shared:  # a duplicate of the connection's descriptor: shut down, then closed
                shared.shutdown(socket.SHUT_RDWR)
        response.close()

    remaining = max(0.0, settings.total_timeout - (time.monotonic() - started))
    watchdog = threading.Timer(remaining, expire)
    watchdog.daemon = True
    watchdog.start()
    return expired, watchdog


def _too_large(limit: int) -> str:
    return f"the page is larger than the {limit // (1024 * 1024)} MiB limit"


def _caused_by_timeout(error: BaseException) -> bool:
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, urllib3_exceptions.NewConnectionError):
            return False  # a subclass of the timeout errors, but a refusal
        if isinstance(cause, (TimeoutError, urllib3_exceptions.TimeoutError)):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def _root_cause(error: BaseException) -> str:
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


@dataclass(frozen=True)
class FetchedImage:
    """The bytes of an image file read for its metadata.

    ``complete`` says whether ``data`` is the whole file; ``transferred`` counts the
    body bytes received (a server that ignores Range sends more than is kept).
    """

    url: str
    data: bytes
    complete: bool
    content_type: str
    transferred: int
    ranged: bool


def fetch_image(
    url: str,
    settings: FetchSettings | None = None,
    session: requests.Session | None = None,
    *,
    whole: bool = False,
) -> FetchedImage:
    """Fetch the head of an image file with a Range request, or the whole (capped) file.

    When the server ignores Range, only the first ``image_head_bytes`` are read and the
    connection is closed. Raises :class:`FetchError` for an error status, a file over
    ``max_image_bytes`` (when the whole file is wanted), a timeout or a broken connection.
    """
    settings = settings or FetchSettings()
    own_session = session is None
    session = session or make_session(settings)
    limit = settings.max_image_bytes if whole else settings.image_head_bytes
    headers = {"Accept": "image/*,*/*;q=0.5"}
    if not whole:
        headers["Range"] = f"bytes=0-{limit - 1}"
    started = time.monotonic()
    try:
        response = session.get(
            url,
            headers=headers,
            stream=True,
            timeout=(settings.connect_timeout, settings.read_timeout),
        )
    except requests.TooManyRedirects:
        raise FetchError(url, f"more than {settings.max_redirects} redirects") from None
    except requests.Timeout:
        raise FetchError(url, "the server did not answer in time") from None
    except requests.RequestException as error:
        if _caused_by_timeout(error):
            raise FetchError(url, "the server did not answer in time") from None
        raise FetchError(url, f"could not connect ({_root_cause(error)})") from None
    try:
        with response:
            if response.status_code == 416:
                return FetchedImage(response.url, b"", True, "", 0, True)
            if response.status_code >= 400:
                raise FetchError(
                    url, f"HTTP {response.status_code} {response.reason or ''}".rstrip()
                )
            media_type, _ = parse_content_type(response.headers.get("Content-Type"))
            ranged = response.status_code == 206
            total = _declared_total(response)
            if whole and total is not None and total > limit:
                raise FetchError(url, f"the image is larger than {limit // 2**20} MiB")
            data, transferred, ended = _read_up_to(url, response, limit, settings, started, whole)
    finally:
        if own_session:
            session.close()
    complete = ended if not ranged else total is not None and len(data) >= total
    return FetchedImage(response.url, data, complete, media_type, transferred, ranged)


def _declared_total(response: requests.Response) -> int | None:
    """The whole file's size from Content-Range (206) or Content-Length (200)."""
    content_range = response.headers.get("Content-Range", "")
    if "/" in content_range:
        total = content_range.rsplit("/", 1)[1].strip()
        return int(total) if total.isdigit() else None
    length = response.headers.get("Content-Length", "")
    return int(length) if length.isdigit() and response.status_code == 200 else None


def _read_up_to(
    url: str,
    response: requests.Response,
    limit: int,
    settings: FetchSettings,
    started: float,
    whole: bool,
) -> tuple[bytes, int, bool]:
    """Read at most ``limit`` bytes; (data, bytes received, whether the body ended)."""
    too_slow = f"the image took longer than {settings.total_timeout:g} s"
    expired, watchdog = _watchdog(response, settings, started)
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(chunk_size=64 * 1024):
            size += len(chunk)
            chunks.append(chunk)
            if size >= limit:
                if whole and size > limit:
                    raise FetchError(url, f"the image is larger than {limit // 2**20} MiB")
                return b"".join(chunks)[:limit], size, False
    except FetchError:
        raise
    except Exception as error:  # a closed or broken connection surfaces in many types
        if expired.is_set():
            raise FetchError(url, too_slow) from None
        raise FetchError(url, f"the download broke off ({_root_cause(error)})") from None
    finally:
        watchdog.cancel()
    if expired.is_set():
        raise FetchError(url, too_slow)
    return b"".join(chunks), size, True
