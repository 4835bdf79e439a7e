"""Sitemaps (sitemaps.org) as the pages and child sitemaps they list.

One function reads every form a site serves: ``<urlset>`` and ``<sitemapindex>``
documents, compressed or not, with Google's news and image extensions, plain-text lists
of URLs, and RSS or Atom feeds (which the protocol also accepts as sitemaps). It reads
bytes and gives a :class:`Sitemap`; fetching is the caller's.

A sitemap comes from a server and is not trusted: it is read as a stream (no tree is
built, so memory does not grow with its size), a DTD is refused (no entity is ever
expanded), compressed data is inflated only up to the protocol's 50 MB, and no more than
50,000 entries are read. What is left out is said, one line a kind, in ``notes``.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from io import BytesIO
from typing import TYPE_CHECKING
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.expatreader import create_parser

from attribution.errors import SourceError
from attribution.sources.filters import absolute_http_url
from attribution.sources.sniff import GZIP_MAGIC, UTF16_BOMS, content_start, looks_like_html
from attribution.textutil import clean_text

if TYPE_CHECKING:
    from collections.abc import Iterator
    from xml.sax.xmlreader import AttributesImpl

# The protocol's limits: 50 MB uncompressed and 50,000 URLs a sitemap, a <loc> shorter
# than 2,048 characters. Google reads at most 1,000 images a page.
MAX_SITEMAP_BYTES = 50 * 1024 * 1024
MAX_SITEMAP_ENTRIES = 50_000
MAX_LOC_LENGTH = 2_047
MAX_IMAGES_PER_PAGE = 1_000
# The most of a caption, title or licence kept: enough for any real one, and a bound on
# what one element can make the reader hold.
MAX_TEXT_CHARS = 8_192

_INFLATE_STEP = 1024 * 1024
_PARSE_STEP = 64 * 1024

_INDEX = "sitemapindex"
_ROOTS = frozenset({"urlset", _INDEX})
_FEED_ROOTS = frozenset({"rss", "rdf", "feed"})
_ENTRIES = frozenset({"url", "sitemap"})
_IMAGE_FIELDS = frozenset({"loc", "caption", "title", "license", "licence"})

# W3C datetime (YYYY, YYYY-MM, YYYY-MM-DD, then hh:mm, :ss, .s and a zone), with what
# real sitemaps also write: a space for the T, no zone, "+0200", " UTC".
_W3C_DATETIME = re.compile(
    r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2})"
    r"(?:[Tt ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
    r" ?([Zz]|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?)?)?"
)


@dataclass(frozen=True)
class SitemapImage:
    """An image a sitemap lists for a page (``image:image``), with what the sitemap says
    of it: evidence of how the publisher credits and licenses it."""

    url: str
    caption: str | None = None
    title: str | None = None
    licence: str | None = None


@dataclass(frozen=True)
class SitemapEntry:
    """A page or a child sitemap: its URL, when it last changed (aware, UTC; its
    ``lastmod``, else its ``news:publication_date``), and the images listed for it."""

    url: str
    modified: datetime | None = None
    images: tuple[SitemapImage, ...] = ()


@dataclass(frozen=True)
class Sitemap:
    """What a sitemap lists: ``pages`` (from a ``<urlset>``, a text list or a feed) and
    ``sitemaps`` (the children of a ``<sitemapindex>``), in their order, and ``notes``:
    one line for each kind of thing left out (entries over the limit, URLs that are not
    absolute http(s) URLs, dates that cannot be read…)."""

    url: str
    pages: tuple[SitemapEntry, ...] = ()
    sitemaps: tuple[SitemapEntry, ...] = ()
    notes: tuple[str, ...] = ()


def parse_sitemap(
    body: bytes,
    url: str,
    *,
    max_entries: int = MAX_SITEMAP_ENTRIES,
    max_bytes: int = MAX_SITEMAP_BYTES,
) -> Sitemap:
    """The pages and child sitemaps listed by ``body``, the sitemap read from ``url``.

    ``body`` may be gzip (inflated up to ``max_bytes``: more is refused, as a gzip bomb
    would be), XML, a plain-text list of URLs (one a line), or an RSS or Atom feed.
    Reading stops after ``max_entries`` entries; of an uncompressed body larger than
    ``max_bytes`` only the first ``max_bytes`` are read. Both are noted. Where the XML
    breaks after some entries were read, they are kept and the break is noted.

    Raises :class:`SourceError` (one line) for a body that is empty, an HTML page,
    neither XML nor a list of URLs, declares a DTD (refused: entity expansion), or whose
    root element is not a sitemap's.
    """
    notes: list[str] = []
    data = body
    if data.startswith(GZIP_MAGIC):
        data = inflate_capped(data, max_bytes, url=url)
    # Of a body larger than max_bytes, only the first max_bytes are read (a slice would
    # copy them).
    end = min(len(data), max_bytes)
    if end < len(data):
        notes.append(
            f"the sitemap is larger than {_size(max_bytes)}, the most the protocol allows: "
            "what lies past it is ignored"
        )
    start = content_start(data)
    if start >= end:
        raise SourceError(url, "not a sitemap: the body is empty")
    if data.startswith(UTF16_BOMS) or data[start] == ord("<"):
        return _read_xml(data, start, end, url, max_entries, notes)
    return _read_text(data, start, end, url, max_entries, notes)


def inflate_capped(body: bytes, limit: int, *, url: str) -> bytes:
    """The gzip data ``body`` inflated, never to more than ``limit`` bytes: inflation
    stops as soon as it would pass ``limit``, so a gzip bomb is never inflated whole.

    Raises :class:`SourceError` (naming ``url``) when the data would inflate to more than
    ``limit`` bytes, is not gzip, or is cut short. Several gzip members are inflated one
    after the other; bytes after the last member are ignored.
    """
    out = BytesIO()
    size = 0
    remaining = body
    try:
        while True:
            inflater = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
            pending = remaining
            while not inflater.eof:
                chunk = inflater.decompress(pending, min(_INFLATE_STEP, limit - size + 1))
                size += len(chunk)
                if size > limit:
                    raise SourceError(
                        url,
                        f"refused: the gzip data inflates to more than {_size(limit)} "
                        "(the most a sitemap may hold; a gzip bomb?)",
                    )
                out.write(chunk)
                stalled = not chunk and len(inflater.unconsumed_tail) >= len(pending)
                pending = inflater.unconsumed_tail
                if stalled:
                    raise SourceError(url, "the gzip data is cut short")
            remaining = inflater.unused_data
            if not remaining.startswith(GZIP_MAGIC):
                return out.getvalue()
    except zlib.error as error:
        raise SourceError(url, f"not valid gzip data ({error})") from None


def parse_w3c_datetime(text: str) -> datetime | None:
    """``text`` read as a W3C datetime (``2024``, ``2024-05``, ``2024-05-01``,
    ``2024-05-01T10:30Z``, ``2024-05-01T10:30:15.5+02:00``…) or, as some sitemaps write
    dates, an RFC 2822 date; aware and in UTC (a date without a zone is taken as UTC).
    None when it is neither, or no such moment exists."""
    text = text.strip()
    match = _W3C_DATETIME.fullmatch(text)
    try:
        if match is None:
            return _rfc2822_datetime(text)
        year, month, day, hour, minute, second, fraction, zone = match.groups()
        moment = datetime(
            int(year),
            int(month or 1),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "").ljust(6, "0")[:6]),
            tzinfo=_zone(zone),
        )
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _zone(zone: str | None) -> timezone:
    if zone is None or zone in ("Z", "z", "UTC", "GMT"):
        return UTC
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0)))


def _rfc2822_datetime(text: str) -> datetime | None:
    if not any(character.isalpha() for character in text):
        return None
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


# --- XML ----------------------------------------------------------------------------------


class _Full(Exception):
    """Raised to stop reading once the sitemap has given as many entries as allowed."""


class _WrongRoot(Exception):
    """Raised to stop reading a document whose root element is not a sitemap's."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _read_xml(
    data: bytes, start: int, end: int, url: str, max_entries: int, notes: list[str]
) -> Sitemap:
    reader = _SitemapReader(max_entries)
    parser = create_parser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setContentHandler(reader)
    view = memoryview(data)
    try:
        for offset in range(start, end, _PARSE_STEP):
            parser.feed(view[offset : min(offset + _PARSE_STEP, end)])
        if end == len(data):  # a body cut at max_bytes ends mid-document: not an error
            parser.close()
    except _Full:
        pass
    except _WrongRoot as wrong:
        return _read_other_root(wrong.name, data[:end], url, max_entries)
    except DTDForbidden as dtd:
        if str(getattr(dtd, "name", "")).lower() == "html":
            raise SourceError(url, _HTML_PAGE) from None
        raise SourceError(url, "refused: the sitemap declares entities (DTD)") from None
    except (EntitiesForbidden, ExternalReferenceForbidden):
        raise SourceError(url, "refused: the sitemap declares entities (DTD)") from None
    except SAXParseException as error:
        where = f"line {error.getLineNumber()}, column {error.getColumnNumber()}"
        if reader.root is None:
            if looks_like_html(data, start):
                raise SourceError(url, _HTML_PAGE) from None
            raise SourceError(
                url, f"not a sitemap: not XML ({error.getMessage()} at {where})"
            ) from None
        if not reader.pages and not reader.sitemaps:
            raise SourceError(
                url, f"not a sitemap: its XML breaks ({error.getMessage()} at {where})"
            ) from None
        reader.notes_after.append(
            f"the XML breaks at {where} ({error.getMessage()}): what follows is ignored"
        )
    if reader.root is None:
        raise SourceError(url, "not a sitemap: no root element")
    return Sitemap(url, tuple(reader.pages), tuple(reader.sitemaps), (*notes, *reader.notes()))


_HTML_PAGE = "not a sitemap: the address answered with an HTML page"


def _read_other_root(name: str, data: bytes, url: str, max_entries: int) -> Sitemap:
    if name == "html":
        raise SourceError(url, _HTML_PAGE)
    if name not in _FEED_ROOTS:
        raise SourceError(
            url, f"not a sitemap: its root element is <{name}>, not <urlset> or <sitemapindex>"
        )
    from attribution.sources.feeds import parse_feed  # feedparser loads only for feeds

    entries = parse_feed(data, url, max_entries=max_entries)
    pages = tuple(SitemapEntry(entry.url, entry.modified) for entry in entries)
    return Sitemap(url, pages, (), ("read as an RSS or Atom feed, which the protocol allows",))


class _Draft:
    """What has been read of one ``<url>`` or ``<sitemap>``, or of one ``image:image``."""

    __slots__ = ("fields", "images", "is_sitemap")

    def __init__(self, is_sitemap: bool = False) -> None:
        self.is_sitemap = is_sitemap
        self.fields: dict[str, str] = {}
        self.images: list[SitemapImage] = []


class _Tally:
    """How many things of one kind were left out, and the first of them."""

    __slots__ = ("count", "first")

    def __init__(self) -> None:
        self.count = 0
        self.first = ""

    def add(self, example: str = "") -> None:
        if self.count == 0:
            self.first = example
        self.count += 1


class _SitemapReader(ContentHandler):
    """Reads a sitemap's elements as they stream by, keeping only the entries.

    Names are matched by their local part in lower case, whatever their prefix or
    namespace (or lack of one): sites get the namespaces wrong more often than the
    names.
    """

    def __init__(self, max_entries: int) -> None:
        super().__init__()
        self.max_entries = max_entries
        self.root: str | None = None
        self.pages: list[SitemapEntry] = []
        self.sitemaps: list[SitemapEntry] = []
        self.notes_after: list[str] = []
        self.full = False
        self.path: list[str] = []
        self.entry: _Draft | None = None
        self.image: _Draft | None = None
        # The field whose text is being gathered, the draft it goes to, and its depth.
        self.field: str | None = None
        self.field_draft: _Draft | None = None
        self.field_depth = 0
        self.text: list[str] = []
        self.text_length = 0
        self.no_loc = _Tally()
        self.bad_loc = _Tally()
        self.long_loc = _Tally()
        self.bad_date = _Tally()
        self.bad_image = _Tally()
        self.extra_images = _Tally()

    def startElement(self, name: str, attrs: AttributesImpl) -> None:
        local = name.rpartition(":")[2].lower()
        depth = len(self.path)
        self.path.append(local)
        if depth == 0:
            self.root = local
            if local not in _ROOTS:
                raise _WrongRoot(local)
        elif depth == 1:
            if local in _ENTRIES:
                self.entry = _Draft(is_sitemap=self.root == _INDEX or local == "sitemap")
        elif self.entry is None or self.field is not None:
            return
        elif depth == 2:
            if local in ("loc", "lastmod"):
                self._gather(local, self.entry, depth)
            elif local == "image":
                self.image = _Draft()
        elif depth == 3:
            parent = self.path[-2]
            if parent == "image" and self.image is not None and local in _IMAGE_FIELDS:
                self._gather(local, self.image, depth)
            elif parent == "news" and local == "publication_date":
                self._gather(local, self.entry, depth)

    def endElement(self, name: str) -> None:
        depth = len(self.path) - 1
        local = self.path.pop()
        if self.field is not None and depth == self.field_depth:
            assert self.field_draft is not None
            self.field_draft.fields.setdefault(self.field, "".join(self.text))
            self.field = self.field_draft = None
            self.text = []
        if depth == 2 and local == "image" and self.image is not None:
            self._add_image(self.image)
            self.image = None
        elif depth == 1 and self.entry is not None:
            entry, self.entry = self.entry, None
            self._add_entry(entry)

    def characters(self, content: str) -> None:
        if self.field is not None and self.text_length < MAX_TEXT_CHARS:
            self.text.append(content)
            self.text_length += len(content)

    def _gather(self, field: str, draft: _Draft, depth: int) -> None:
        self.field, self.field_draft, self.field_depth = field, draft, depth
        self.text = []
        self.text_length = 0

    def _add_entry(self, entry: _Draft) -> None:
        loc = entry.fields.get("loc", "").strip()
        if not loc:
            self.no_loc.add()
            return
        if len(loc) > MAX_LOC_LENGTH:
            self.long_loc.add(loc)
            return
        address = absolute_http_url(loc)
        if address is None:
            self.bad_loc.add(loc)
            return
        if len(self.pages) + len(self.sitemaps) >= self.max_entries:
            self.full = True
            raise _Full
        modified = self._date(entry.fields.get("lastmod"))
        if modified is None:
            modified = self._date(entry.fields.get("publication_date"))
        if entry.is_sitemap:
            self.sitemaps.append(SitemapEntry(address, modified))
        else:
            self.pages.append(SitemapEntry(address, modified, tuple(entry.images)))

    def _add_image(self, image: _Draft) -> None:
        assert self.entry is not None
        address = absolute_http_url(image.fields.get("loc", ""))
        if address is None or len(address) > MAX_LOC_LENGTH:
            self.bad_image.add(image.fields.get("loc", "").strip())
            return
        if len(self.entry.images) >= MAX_IMAGES_PER_PAGE:
            self.extra_images.add()
            return
        self.entry.images.append(
            SitemapImage(
                address,
                caption=_text(image.fields.get("caption")),
                title=_text(image.fields.get("title")),
                licence=_text(image.fields.get("license", image.fields.get("licence"))),
            )
        )

    def _date(self, text: str | None) -> datetime | None:
        if text is None or not text.strip():
            return None
        moment = parse_w3c_datetime(text)
        if moment is None:
            self.bad_date.add(text.strip())
        return moment

    def notes(self) -> list[str]:
        """One line for each kind of thing left out."""
        notes = []
        if self.full:
            notes.append(_limit_note(self.max_entries))
        if self.bad_loc.count:
            notes.append(
                f"{_count(self.bad_loc.count, 'URL')} skipped: not an absolute http(s) URL "
                f"(the first: {_shown(self.bad_loc.first)})"
            )
        if self.long_loc.count:
            notes.append(
                f"{_count(self.long_loc.count, 'URL')} skipped: longer than "
                f"{MAX_LOC_LENGTH:,} characters, the protocol's limit"
            )
        if self.no_loc.count:
            notes.append(f"{_count(self.no_loc.count, 'entry', 'entries')} without a <loc> skipped")
        if self.bad_date.count:
            notes.append(
                f"{_count(self.bad_date.count, 'date')} not read: not a W3C datetime "
                f"(the first: {_shown(self.bad_date.first)})"
            )
        if self.bad_image.count:
            notes.append(
                f"{_count(self.bad_image.count, 'image')} skipped: its image:loc is not an "
                f"absolute http(s) URL (the first: {_shown(self.bad_image.first)})"
            )
        if self.extra_images.count:
            notes.append(
                f"{_count(self.extra_images.count, 'image')} skipped: more than "
                f"{MAX_IMAGES_PER_PAGE:,} listed for one page"
            )
        return [*notes, *self.notes_after]


def _text(text: str | None) -> str | None:
    if text is None:
        return None
    return clean_text(text) or None


# --- text ---------------------------------------------------------------------------------


def _read_text(
    data: bytes, start: int, end: int, url: str, max_entries: int, notes: list[str]
) -> Sitemap:
    """A plain-text sitemap: one absolute URL a line, in UTF-8."""
    pages: list[SitemapEntry] = []
    bad = _Tally()
    long = _Tally()
    full = False
    first_line = ""
    for line in _lines(data, start, end):
        if not line:
            continue
        first_line = first_line or line
        if len(line) > MAX_LOC_LENGTH:
            long.add(line)
            continue
        address = absolute_http_url(line)
        if address is None:
            bad.add(line)
            continue
        if len(pages) >= max_entries:
            full = True
            break
        pages.append(SitemapEntry(address))
    if not pages:
        if looks_like_html(data, start):
            raise SourceError(url, _HTML_PAGE)
        raise SourceError(
            url, f"not a sitemap: neither XML nor a list of URLs (it begins {_shown(first_line)})"
        )
    if full:
        notes.append(_limit_note(max_entries))
    if bad.count:
        notes.append(
            f"{_count(bad.count, 'line')} skipped: not an absolute http(s) URL "
            f"(the first: {_shown(bad.first)})"
        )
    if long.count:
        notes.append(
            f"{_count(long.count, 'line')} skipped: longer than {MAX_LOC_LENGTH:,} "
            "characters, the protocol's limit"
        )
    return Sitemap(url, tuple(pages), (), tuple(notes))


def _lines(data: bytes, start: int, end: int) -> Iterator[str]:
    """The lines of ``data[start:end]``, decoded and trimmed, one at a time."""
    position = start
    while position < end:
        newline = data.find(b"\n", position, end)
        stop = end if newline == -1 else newline
        yield data[position:stop].decode("utf-8", "replace").strip()
        position = stop + 1


# --- wording ------------------------------------------------------------------------------


def _limit_note(max_entries: int) -> str:
    if max_entries >= MAX_SITEMAP_ENTRIES:
        return (
            f"more than {max_entries:,} URLs: the rest are ignored, as the sitemap protocol "
            "allows no more"
        )
    return f"more than {max_entries:,} URLs: the rest are ignored (the limit asked for)"


def _count(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else many or one + 's'}"


def _shown(text: str, width: int = 80) -> str:
    """``text`` quoted for a note, cut to ``width`` characters."""
    if len(text) > width:
        text = text[: width - 1] + "…"
    return repr(text)


def _size(count: int) -> str:
    if count % (1024 * 1024) == 0:
        return f"{count // (1024 * 1024)} MB"
    return f"{count:,} bytes"
