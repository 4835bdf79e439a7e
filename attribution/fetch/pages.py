"""Fetching an HTML page over HTTP, within the time, redirect and size limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import requests

from attribution.errors import FetchError
from attribution.fetch.content import not_html
from attribution.fetch.session import make_session, open_stream, parse_content_type
from attribution.fetch.settings import FetchSettings

if TYPE_CHECKING:
    from attribution.fetch.session import Stream

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


@dataclass(frozen=True)
class FetchedPage:
    """A page body as received, with the final URL after redirects."""

    url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes


def fetch_page(
    url: str,
    settings: FetchSettings | None = None,
    session: requests.Session | None = None,
    *,
    deadline: float | None = None,
) -> FetchedPage:
    """Fetch one HTML page, enforcing timeouts, the redirect limit and the size cap.

    ``url`` is the target the user named: its host may be at a private address when
    ``settings.private_targets`` allows it; redirects and other hosts are held to the
    policy of :mod:`attribution.fetch.policy`. The fetch ends at ``total_timeout`` or
    at ``deadline`` (a :func:`time.monotonic` value), whichever comes first.

    Raises :class:`FetchError` for an unreachable host, a private address that is not
    allowed, an error status, a redirect loop or a redirect to another scheme, a
    response that is not HTML (by its type, or by its body: empty, binary data, no HTML
    markup), a malformed response, a body over the size cap, or a server too slow to
    finish in time.
    """
    settings = settings or FetchSettings()
    own_session = session is None
    session = session or make_session(settings)
    try:
        return _fetch(url, settings, session, deadline)
    finally:
        if own_session:
            session.close()


def _fetch(
    url: str, settings: FetchSettings, session: requests.Session, deadline: float | None
) -> FetchedPage:
    with open_stream(url, settings, session, deadline=deadline, what="page") as stream:
        response = stream.response
        if response.status_code >= 400:
            reason = response.reason or ""
            raise FetchError(
                url, f"HTTP {response.status_code} {reason}".rstrip() + " — check the URL"
            )
        media_type, charset = parse_content_type(response.headers.get("Content-Type"))
        if media_type and media_type not in HTML_TYPES:
            raise FetchError(url, f"not an HTML page (Content-Type: {media_type})")
        body = _read_capped(url, stream, settings)
    not_a_page = not_html(body)
    if not_a_page is not None:
        raise FetchError(url, f"the response is not an HTML document ({not_a_page})")
    return FetchedPage(
        url=response.url,
        status=response.status_code,
        content_type=media_type or "text/html",
        charset=charset,
        body=body,
    )


def _read_capped(url: str, stream: Stream, settings: FetchSettings) -> bytes:
    """The decoded body, at most ``max_page_bytes`` (a compressed body is counted as it
    is decoded, so a small response that inflates enormously stops at the cap)."""
    declared = stream.response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > settings.max_page_bytes:
        raise FetchError(url, _too_large(settings.max_page_bytes))
    chunks: list[bytes] = []
    size = 0
    for chunk in stream.chunks(16 * 1024):
        size += len(chunk)
        if size > settings.max_page_bytes:
            raise FetchError(url, _too_large(settings.max_page_bytes))
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> str:
    return f"the page is larger than the {limit // (1024 * 1024)} MiB limit"
