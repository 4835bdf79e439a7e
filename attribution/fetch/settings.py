"""Every setting that governs how attribution talks to web servers, in one record.

This module imports nothing heavy, so callers can hold settings without loading the
HTTP stack.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from attribution import __version__
from attribution.errors import UsageError
from attribution.textutil import is_header_name

# Headers that say how the request is framed or routed, never what a page's login needs.
_FRAMING_HEADERS = frozenset(
    {
        "host",
        "content-length",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "upgrade",
        "te",
        "trailer",
        "proxy-authorization",
        "proxy-connection",
        "expect",
    }
)
MAX_PAGE_HEADERS = 20
MAX_HEADER_BYTES = 8192


Origin = tuple[str, str, int]
_DEFAULT_PORTS = {"http": 80, "https": 443}


def url_origin(url: str) -> Origin | None:
    """The origin of an http(s) URL as (scheme, host, port), the host lower-cased
    without a final dot; None for anything else."""
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        port = parts.port or _DEFAULT_PORTS.get(scheme)
    except ValueError:
        return None
    host = (parts.hostname or "").rstrip(".").lower()
    if scheme not in _DEFAULT_PORTS or not host or port is None:
        return None
    return scheme, host, port


@dataclass(frozen=True)
class PageHeaders:
    """Request headers given for a check (the cookie or token of a preview page behind a
    login), sent only to ``origins``: the origins (scheme, host and port) of the pages
    being checked, on the first request and on every redirect that stays on one of
    them; never to another host, another port, or over http when the page is https.

    Their values are secrets: they are left out of this record's ``repr``, and are
    never recorded or logged (the record keeps only what the page showed).
    """

    origins: frozenset[Origin]
    headers: tuple[tuple[str, str], ...] = field(repr=False)

    def for_url(self, url: str) -> dict[str, str]:
        """The headers to send with a request for ``url`` (none for another origin)."""
        if url_origin(url) not in self.origins:
            return {}
        return dict(self.headers)

    @classmethod
    def for_pages(cls, lines: Iterable[str], urls: Iterable[str]) -> PageHeaders | None:
        """The headers of ``lines`` ("Name: value"), for the origins of ``urls``; None
        when there are none. :class:`UsageError` for a line that is not a header one
        may give (see :func:`parse_header_line`)."""
        headers = tuple(parse_header_line(line) for line in lines)
        if not headers:
            return None
        if len(headers) > MAX_PAGE_HEADERS:
            raise UsageError(f"at most {MAX_PAGE_HEADERS} headers may be given for a check")
        origins = frozenset(origin for url in urls if (origin := url_origin(url)) is not None)
        return cls(origins=origins, headers=headers)


def parse_header_line(line: str) -> tuple[str, str]:
    """``line`` ("Name: value", e.g. "Cookie: session=…") as (name, value).

    :class:`UsageError` for a line without a colon, a name that is not an HTTP token, a
    value with line breaks, control characters or characters outside Latin-1 (HTTP
    cannot carry them), an over-long line, and the headers that frame or route a
    request (``Host``, ``Content-Length``, ``Connection``…), which the checker sets
    itself. The message never repeats the value, nor a line it cannot take apart (both
    may be secrets); only a well-formed name.
    """
    name, colon, value = line.partition(":")
    name, value = name.strip(), value.strip()
    if not colon or not is_header_name(name):
        raise UsageError(
            "a header is not 'Name: value' (e.g. 'Cookie: session=…' or 'Authorization: Bearer …')"
        )
    if name.lower() in _FRAMING_HEADERS:
        raise UsageError(f"header {name!r} cannot be given: the checker sets it itself")
    if len(line.encode("utf-8", "replace")) > MAX_HEADER_BYTES:
        raise UsageError(f"header {name!r} is longer than {MAX_HEADER_BYTES} bytes")
    if any(_control(character) for character in value):
        raise UsageError(f"header {name!r} has a line break or control character in its value")
    if any(ord(character) > 255 for character in value):
        raise UsageError(
            f"header {name!r} has a character HTTP cannot carry in its value (outside "
            "Latin-1): give it percent-encoded, as the site's own login does"
        )
    return name, value


def _control(character: str) -> bool:
    return (ord(character) < 32 and character != "\t") or ord(character) == 127


@dataclass(frozen=True)
class FetchSettings:
    """Every setting that governs how attribution talks to web servers.

    ``total_timeout`` bounds each fetch from the name lookup to the last byte; a caller
    may also give a fetch an earlier deadline (a page's time budget).
    """

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
    # Pages fetched at once from one host when several pages are checked at once.
    max_per_host: int = 4
    # Hosts that may be reached at private addresses (loopback, private networks,
    # link-local) whatever page names them: the internal hosts a profile lists.
    allowed_hosts: tuple[str, ...] = ()
    # Whether the host the user names as the target may itself be private (a preview
    # server); false for a server that checks pages for others. See
    # :mod:`attribution.fetch.policy`.
    private_targets: bool = True
    # Headers given for the check of a page behind a login, sent to its host only.
    page_headers: PageHeaders | None = None
