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
NOT_MODIFIED = 304
# Validators longer than this are not kept (no server sends them; a hostile one might).
MAX_VALIDATOR_LENGTH = 255


@dataclass(frozen=True)
class FetchedPage:
    """A page body as received, with the final URL after redirects."""

    url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        """Whether the server answered a conditional request with 304 Not Modified
        (there is no body: the page is as it was)."""
        return self.status == NOT_MODIFIED


@dataclass(frozen=True)
class Validators:
    """What a server said of a page's last reading, sent back to ask whether it changed
    (``If-None-Match``, ``If-Modified-Since``)."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        """The headers of a conditional request (none when nothing is known)."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


def fetch_page(
    url: str,
    settings: FetchSettings | None = None,
    session: requests.Session | None = None,
    *,
    deadline: float | None = None,
    validators: Validators | None = None,
) -> FetchedPage:
    """Fetch one HTML page, enforcing timeouts, the redirect limit and the size cap.

    With ``validators`` the request is conditional: a server that answers 304 Not
    Modified gives a page without a body whose :attr:`FetchedPage.not_modified` is true.

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
        return _fetch(url, settings, session, deadline, validators)
    finally:
        if own_session:
            session.close()


def _fetch(
    url: str,
    settings: FetchSettings,
    session: requests.Session,
    deadline: float | None,
    validators: Validators | None,
) -> FetchedPage:
    headers = validators.headers() if validators is not None else None
    with open_stream(
        url, settings, session, headers or None, deadline=deadline, what="page"
    ) as stream:
        response = stream.response
        etag = _validator(response.headers.get("ETag"))
        last_modified = _validator(response.headers.get("Last-Modified"))
        if response.status_code == NOT_MODIFIED and headers:
            # Read the (empty) body, so that the connection goes back to the pool.
            for _ in stream.chunks(1024):
                pass
            return FetchedPage(
                url=response.url,
                status=NOT_MODIFIED,
                content_type="",
                charset=None,
                body=b"",
                etag=etag or (validators.etag if validators else None),
                last_modified=last_modified or (validators.last_modified if validators else None),
            )
        if response.status_code >= 400:
            reason = response.reason or ""
            raise FetchError(
                url,
                f"HTTP {response.status_code} {reason}".rstrip() + " — check the URL",
                status=response.status_code,
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
        etag=etag,
        last_modified=last_modified,
    )


def _validator(value: str | None) -> str | None:
    """A validator header worth sending back: printable, of a sane length."""
    if not value or len(value) > MAX_VALIDATOR_LENGTH or not value.isprintable():
        return None
    return value.strip() or None


# How much of a page's body is read at a time: each read passes through requests' and
# urllib3's generators, a few dozen microseconds of Python, and a page is 100-500 KiB.
_PAGE_CHUNK_BYTES = 128 * 1024


def _read_capped(url: str, stream: Stream, settings: FetchSettings) -> bytes:
    """The decoded body, at most ``max_page_bytes`` (a compressed body is counted as it
    is decoded, so a small response that inflates enormously stops at the cap)."""
    declared = stream.response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > settings.max_page_bytes:
        raise FetchError(url, _too_large(settings.max_page_bytes))
    chunks: list[bytes] = []
    size = 0
    for chunk in stream.chunks(_PAGE_CHUNK_BYTES):
        size += len(chunk)
        if size > settings.max_page_bytes:
            raise FetchError(url, _too_large(settings.max_page_bytes))
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> str:
    return f"the page is larger than the {limit // (1024 * 1024)} MiB limit"
