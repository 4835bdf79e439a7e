"""Fetching an HTML page over HTTP, within the time, redirect and size limits."""

from __future__ import annotations

import time
from dataclasses import dataclass

import requests

from attribution.errors import FetchError
from attribution.fetch.content import not_html
from attribution.fetch.session import (
    make_session,
    open_stream,
    parse_content_type,
    read_chunks,
)
from attribution.fetch.settings import FetchSettings

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
    url: str, settings: FetchSettings | None = None, session: requests.Session | None = None
) -> FetchedPage:
    """Fetch one HTML page, enforcing timeouts, the redirect limit and the size cap.

    Raises :class:`FetchError` for an unreachable host, an error status, a redirect
    loop, a response that is not HTML (by its type, or by its body: empty, binary
    data, no HTML markup), a body over the size cap, or a server too slow
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
    response = open_stream(url, settings, session)
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


def _read_capped(
    url: str, response: requests.Response, settings: FetchSettings, started: float
) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > settings.max_page_bytes:
        raise FetchError(url, _too_large(settings.max_page_bytes))
    too_slow = f"the page took longer than {settings.total_timeout:g} s to download"
    chunks: list[bytes] = []
    size = 0
    for chunk in read_chunks(
        url, response, settings, started, chunk_size=16 * 1024, too_slow=too_slow
    ):
        size += len(chunk)
        if size > settings.max_page_bytes:
            raise FetchError(url, _too_large(settings.max_page_bytes))
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> str:
    return f"the page is larger than the {limit // (1024 * 1024)} MiB limit"
