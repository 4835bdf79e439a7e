"""RSS (0.9x, 1.0, 2.0) and Atom feeds as the pages they link to.

feedparser reads the feed, in every dialect and encoding, broken ones included. Around
it, this module keeps what a server could do to the reader in check:

- the body is handed to feedparser as a stream, never as a string, which feedparser
  would take for a file name or a URL to open;
- a feed that declares entities is refused before feedparser sees it. feedparser
  takes the declarations it deems safe out of the DTD and puts them back (so its XML
  parser expands them), and those it deems unsafe it drops; but it finds them with a
  pattern, which also finds them inside comments, and misses those not at the start
  of a line, which its XML parser then expands (bounded only by the amplification
  limit of expat 2.4 and later: two seconds and 50 MB for a billion laughs);
- an HTML page, or anything that does not start like XML, is told apart before
  feedparser's lenient parser spends seconds on it;
- the body is at most ``MAX_FEED_BYTES``: feedparser builds every entry in memory and
  reads about 2 MB a second (pathological markup 30 times slower).
"""

from __future__ import annotations

import xml.parsers.expat
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from typing import Any
from urllib.parse import urljoin

import feedparser
from feedparser.encodings import convert_to_utf8

from attribution.errors import SourceError
from attribution.sources.filters import absolute_http_url
from attribution.sources.sniff import content_start, looks_like_html

MAX_FEED_ENTRIES = 10_000
MAX_FEED_BYTES = 10 * 1024 * 1024

_HTML_PAGE = "not a feed: the address answered with an HTML page"
_ENTITIES = "refused: the feed declares entities (DTD)"
_SITEMAP_ROOTS = frozenset({"urlset", "sitemapindex"})
# The media type the feed is read as: its encoding is the one it declares, else UTF-8.
_HEADERS = {"content-type": "application/xml"}
_PROLOG_STEP = 64 * 1024


@dataclass(frozen=True)
class FeedEntry:
    """A page a feed links to, and when it last changed (aware, UTC: the entry's
    updated date, else its published date; None when it gives neither)."""

    url: str
    modified: datetime | None = None


def parse_feed(
    body: bytes,
    url: str,
    *,
    max_entries: int = MAX_FEED_ENTRIES,
    max_bytes: int = MAX_FEED_BYTES,
) -> tuple[FeedEntry, ...]:
    """The pages the feed ``body``, read from ``url``, links to, in its order: the first
    ``max_entries`` of its entries that have a link (relative links resolved against
    ``url``, links that are not http(s) left out).

    A feed without entries gives ``()``. Raises :class:`SourceError` (one line) for a body
    larger than ``max_bytes``, an HTML page, a sitemap, a feed that declares entities,
    and anything else that is not a feed.
    """
    if len(body) > max_bytes:
        raise SourceError(url, f"refused: the feed is larger than {max_bytes:,} bytes")
    start = content_start(body)
    if start == len(body):
        raise SourceError(url, "not a feed: the body is empty")
    data = convert_to_utf8(_HEADERS, body[start:] if start else body, {})
    root = _root_element(data, url)
    if root == "html" or (root is None and looks_like_html(data)):
        raise SourceError(url, _HTML_PAGE)
    if root in _SITEMAP_ROOTS:
        raise SourceError(url, f"not a feed: it is a sitemap (<{root}>)")
    result = feedparser.parse(
        BytesIO(data),
        response_headers={**_HEADERS, "content-location": url},
        resolve_relative_uris=False,
        sanitize_html=False,
    )
    if not result.entries and not result.get("version"):
        if looks_like_html(data):
            raise SourceError(url, _HTML_PAGE)
        named = f" (its root element is <{root}>)" if root else ""
        raise SourceError(url, f"not a feed: neither RSS nor Atom{named}")
    entries: list[FeedEntry] = []
    for item in result.entries:
        if len(entries) >= max_entries:
            break
        link = item.get("link")
        if not isinstance(link, str):
            continue
        address = absolute_http_url(urljoin(url, link.strip()))
        if address is None:
            continue
        # dict.get: feedparser's own get maps a missing "updated" to "published" with a
        # deprecation warning.
        modified = _moment(dict.get(item, "updated_parsed")) or _moment(
            dict.get(item, "published_parsed")
        )
        entries.append(FeedEntry(address, modified))
    return tuple(entries)


def _moment(parsed: Any) -> datetime | None:
    """feedparser's parsed date (a ``time.struct_time`` in UTC) as an aware datetime."""
    if parsed is None:
        return None
    try:
        year, month, day, hour, minute, second = (int(part) for part in parsed[:6])
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


class _RootFound(Exception):
    """Raised to stop reading at the root element: only the prolog is read here."""


class _EntitiesDeclared(Exception):
    """Raised at the first entity declaration, before any entity can be referenced."""


def _root_element(data: bytes, url: str) -> str | None:
    """The local name (lower case) of the root element of the XML in ``data``, or None
    when it is not XML up to its root element.

    Raises :class:`SourceError` when the prolog declares entities, or has the text of a
    declaration anywhere (in a comment, for one), where feedparser would find it. Only
    the prolog is read, with expat itself rather than defusedxml's wrapper around it,
    for the byte offset of the root element.
    """
    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    found: list[tuple[str, int]] = []

    def on_start(name: str, attributes: object) -> None:
        found.append((name, parser.CurrentByteIndex))
        raise _RootFound

    def on_entity(*declaration: object) -> None:
        raise _EntitiesDeclared

    parser.StartElementHandler = on_start
    parser.EntityDeclHandler = on_entity
    parser.UnparsedEntityDeclHandler = on_entity
    parser.ExternalEntityRefHandler = on_entity  # type: ignore[assignment]
    view = memoryview(data)
    try:
        for offset in range(0, len(data), _PROLOG_STEP):
            parser.Parse(view[offset : offset + _PROLOG_STEP], False)
        parser.Parse(b"", True)
    except _RootFound:
        name, end = found[0]
        if b"<!ENTITY" in data[:end]:
            raise SourceError(url, _ENTITIES) from None
        return name.rpartition(":")[2].lower()
    except _EntitiesDeclared:
        raise SourceError(url, _ENTITIES) from None
    except xml.parsers.expat.ExpatError:
        pass
    # Not XML up to a root element: feedparser's lenient parser reads it, with the
    # declarations its pattern finds anywhere before the first tag.
    if b"<!ENTITY" in data:
        raise SourceError(url, _ENTITIES)
    return None
