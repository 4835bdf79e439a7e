"""The HTTP session and what pages and images share: one request with every failure
turned into a :class:`~attribution.errors.FetchError` that names the URL, and a
watchdog that ends a download that takes too long."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from email.message import Message

import requests
from requests.adapters import HTTPAdapter
from urllib3 import exceptions as urllib3_exceptions
from urllib3.util.retry import Retry

from attribution.errors import FetchError
from attribution.fetch.settings import FetchSettings

HttpSession = requests.Session  # for callers that hold a session without importing requests
Response = requests.Response


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


def open_stream(
    url: str,
    settings: FetchSettings,
    session: requests.Session,
    headers: dict[str, str] | None = None,
) -> requests.Response:
    """Send a streaming GET; every way it can fail becomes one :class:`FetchError`."""
    try:
        return session.get(
            url,
            headers=headers,
            stream=True,
            timeout=(settings.connect_timeout, settings.read_timeout),
        )
    except requests.TooManyRedirects:
        raise FetchError(
            url, f"more than {settings.max_redirects} redirects (a redirect loop?)"
        ) from None
    except requests.Timeout:
        raise FetchError(url, "the server did not answer in time") from None
    except requests.ConnectionError as error:
        if caused_by_timeout(error):
            raise FetchError(url, "the server did not answer in time") from None
        raise FetchError(url, f"could not connect ({root_cause(error)})") from None
    except requests.RequestException as error:
        raise FetchError(url, f"request failed ({root_cause(error)})") from None


def watchdog(
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
    timer = threading.Timer(remaining, expire)
    timer.daemon = True
    timer.start()
    return expired, timer


def read_chunks(
    url: str,
    response: requests.Response,
    settings: FetchSettings,
    started: float,
    *,
    chunk_size: int,
    too_slow: str,
) -> Iterator[bytes]:
    """The body of ``response`` in chunks, cut off by the :func:`watchdog` once
    ``total_timeout`` has passed since ``started`` (then :class:`FetchError` with
    ``too_slow``); a connection that breaks is a :class:`FetchError` too. A caller that
    stops early (a size cap) simply stops iterating: the watchdog is cancelled."""
    expired, timer = watchdog(response, settings, started)
    try:
        yield from response.iter_content(chunk_size=chunk_size)
    except Exception as error:  # a closed or broken connection surfaces in many types
        if expired.is_set():
            raise FetchError(url, too_slow) from None
        raise FetchError(url, f"the download broke off ({root_cause(error)})") from None
    finally:
        timer.cancel()
    if expired.is_set():
        raise FetchError(url, too_slow)


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
