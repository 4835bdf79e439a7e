"""A publisher's web site on loopback, for the tests of ``attribution scan``.

:class:`ScanSite` serves, over real HTTP/1.1 on 127.0.0.1 (keep-alive, a thread per
connection), what a scan reads on a news site: robots.txt, sitemap indexes, gzipped and
plain sitemaps, a Google News sitemap, RSS and Atom feeds, and the articles themselves,
each with its own pictures. Start it as a context manager (``with ScanSite() as site``)
or take the ``scan_site`` fixture of ``conftest.py``; stopping it ends every connection
and every thread it started.

The articles
============

Page ``n`` (1 … ``pages``, oldest first, five days apart, the newest published on
2024-01-20) is built from one of the project's own article pages
(``tests/fixtures/pages``: Newspack, the seed WordPress article, WordPress blocks,
Drupal; in turn) with its own title (the template's headline followed by
``(story n)``), its own address (``/news/<yyyy>/<slug>-<n>.html``, also its canonical
link, ``og:url`` and JSON-LD ``@id``), its publication date in every ISO timestamp,
and its own pictures on the site: every size of the template's ``k``-th content
picture becomes ``/images/<n>-<k>[-<w>x<h>].jpg``, a small real JPEG (from
``imagefactory``) whose EXIF (and XMP licence) agree with the visible credit where
the credit names someone. What a check must find on page ``n`` is
``site.expected_images(n)``: each picture's address, caption, credit, licence and
embedded metadata. The seed article's lead picture is credited CC BY-NC 2.0, so on a
commercial site every fourth page (``site.non_commercial_pages()``) has an error;
the Newspack pages are clean.

Every page has a strong ETag and a Last-Modified, and answers ``If-None-Match`` and
``If-Modified-Since`` with 304 (``If-None-Match`` wins when both are sent).
``site.change(n)`` gives page ``n`` new bytes (a revision note), a new ETag, a new
Last-Modified and a new ``lastmod`` in its sitemap and feed entry;
``site.touch_without_change(n)`` gives it a new ETag, Last-Modified and ``lastmod`` but
the same bytes. With ``validators=False`` no response carries an ETag or a
Last-Modified, conditional requests are ignored, and (unless ``lastmod=True``) the
sitemaps carry no ``lastmod``: only a hash of the bytes tells an unchanged page.
Sitemaps, feeds, robots.txt and images have validators (a hash of the bytes) too.

Routes
======

``/``
    Home page: links to every article (newest first), to both feeds
    (``<link rel="alternate">``) and to the calendar month of the newest article.
``/robots.txt``
    ``robots=RobotsMode.NORMAL``: ``User-agent: *``, ``Disallow`` of each of
    ``disallow`` (``/private/``), ``Crawl-delay: <crawl_delay>`` when set, and
    ``Sitemap:`` lines for ``/sitemap_index.xml`` and ``/sitemap-news.xml``.
    ``HUGE``: the same rules followed by ``Disallow`` lines past 1 MiB, the
    ``Sitemap:`` lines last (beyond the 500 KiB a reader must parse). ``GARBAGE``:
    4 KiB of binary noise labelled ``text/plain``. ``HTML``: a 200 HTML page (a
    CMS's soft 404). ``MISSING``: 404. ``UNAVAILABLE``: 503.
``/sitemap_index.xml``
    A ``sitemapindex`` of ``/sitemaps/news-1.xml.gz`` and ``/sitemaps/news-2.xml``.
``/sitemaps/news-1.xml.gz``
    The older half of the articles, a gzipped ``urlset`` (``application/gzip``, no
    Content-Encoding: the file itself is compressed), ``lastmod`` per page.
``/sitemaps/news-2.xml``
    The newer half, plain, followed by the private page, a PDF
    (``/files/annual-report-2023.pdf``) and a JPEG (``/media/harbour-panorama.jpg``).
    In both, pages whose pictures name a licence list them as ``image:image`` with
    ``image:loc``, ``image:caption`` and (when licensed) ``image:license``.
``/sitemap-news.xml``
    A Google News sitemap of the ``news_count`` newest articles
    (``news:publication_date``, ``news:title``).
``/feed.xml``, ``/atom.xml``
    RSS 2.0 and Atom feeds of the ``feed_count`` newest articles with their dates.
``/news/<yyyy>/<slug>-<n>.html``
    The articles. ``/images/<n>-<k>[-<w>x<h>].jpg``: their pictures.
``/private/staff-rota.html``
    A page robots.txt disallows (it is served if asked for: the log tells).
``/files/annual-report-2023.pdf``, ``/media/harbour-panorama.jpg``
    Non-HTML addresses listed in a sitemap.
``/redirect/news/<n>``
    301 to article ``n`` (another address of the same page).
``/redirect/offsite``
    302 to ``offsite_url`` (default ``http://offsite.invalid/news/moved.html``, a name
    that never resolves; give ``http://127.0.0.2:…`` to test an address policy).
``/redirect/loop``
    302 to ``/redirect/loop-b``, which redirects back: a loop.
``/calendar/<yyyy>/<mm>/``
    A month of an events calendar linking to the previous and the next month, for
    ever (a crawler trap).
``/storm/<n>.html``
    429 with ``Retry-After: 1`` for the first ``storm_failures`` requests of each
    address, then 200 with a small article. ``/hostile/storm.xml`` lists
    ``/storm/1.html`` … ``/storm/3.html``.
``/slow.html``
    A small article sent after ``slow_delay`` seconds.
``/drip.html``
    A small article whose Content-Length is honest but whose body comes one byte
    every ``drip_interval`` seconds.
``/oversize.html``
    An HTML page of more than ``oversize_mib`` MiB with its Content-Length, streamed
    from a generator (never held whole).

Hostile sources
---------------

``/hostile/entities.xml``
    A ``urlset`` whose DTD nests ten levels of entities ("billion laughs"): under 2
    KiB that would expand to gigabytes.
``/hostile/external-entity.xml``
    A ``urlset`` whose ``<loc>`` is an external entity: ``file:///etc/passwd``.
``/hostile/many.xml``
    A ``urlset`` of ``many_urls`` (50,001) addresses (they 404): over the limit of
    50,000 a sitemap may hold.
``/hostile/huge.xml``
    A ``urlset`` of more than ``huge_mib`` (51) MiB, chunked (no Content-Length),
    made chunk by chunk as it is sent.
``/hostile/huge.xml.gz``
    A gzip bomb: a file of about 1 MiB (with its Content-Length) inflating to
    ``bomb_mib`` (1025) MiB, more than 1 GiB: a ``urlset`` padded with whitespace.
    One deflate block of 1 MiB is compressed once and repeated (each ends with a full
    flush, so each decodes on its own); the trailer's CRC-32 is combined from the
    parts' (never computed over the gigabyte).
``/hostile/loop-a.xml`` ↔ ``/hostile/loop-b.xml``
    Two sitemap indexes that list each other. ``/hostile/self.xml``: one that lists
    itself.
``/hostile/feed.html``
    An HTML page where a feed was expected.

The log
=======

``site.requests`` is a snapshot of every request, in the order they started, as
:class:`LoggedRequest` records that unpack to ``(method, path, status, headers)``
(headers are case-insensitive; ``started`` is the ``time.monotonic()`` of the start).
``site.request_times`` are those starts, ``site.max_in_flight`` the most requests
being answered at once, ``site.article_requests()`` the requests for articles with
their numbers, ``site.count(path)`` how often a path was asked for, and
``site.clear_log()`` starts a new log. ``latency`` delays
every answer (so that concurrency can be seen).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from enum import StrEnum
from functools import cached_property
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from imagefactory import Metadata, jpeg, xmp_packet
from trackedserver import TrackedServer, serve_in_thread, stop_serving

__all__ = [
    "ExpectedImage",
    "Headers",
    "LoggedRequest",
    "RobotsMode",
    "ScanSite",
]

PAGES_DIR = Path(__file__).parent / "fixtures" / "pages"
NEWEST = datetime(2024, 1, 20, 9, 30, tzinfo=UTC)
DAYS_APART = 5
SITE_NAME = "The Loopback Gazette"
# When the site's own files (robots.txt, the PDF…) were last changed.
SITE_EPOCH = datetime(2023, 6, 1, 8, 0, tzinfo=UTC)
PRIVATE_PATH = "/private/staff-rota.html"
PDF_PATH = "/files/annual-report-2023.pdf"
JPEG_PATH = "/media/harbour-panorama.jpg"
MIB = 1024 * 1024

_SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1"
_NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
_ISO_TIMESTAMP = re.compile(r"\b20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(?:Z|[+-]\d\d:\d\d)")


class RobotsMode(StrEnum):
    """What ``/robots.txt`` serves."""

    NORMAL = "normal"
    HUGE = "huge"
    GARBAGE = "garbage"
    HTML = "html"
    MISSING = "404"
    UNAVAILABLE = "503"


# --- the article templates ----------------------------------------------------------------


@dataclass(frozen=True)
class _Picture:
    """One content picture of a template: ``address`` is its URL in the template without
    the WordPress size suffix and the extension (``query`` follows the extension)."""

    address: str
    licence: str | None = None
    licence_url: str | None = None
    embedded: Metadata | None = None
    query: str = ""

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """Every size of the picture, as the template writes it (a path, also with a
        scheme and host before it)."""
        host = r"(?:https?://[\w.-]+(?::\d+)?)?" if self.address.startswith("/") else ""
        return re.compile(
            host
            + re.escape(self.address)
            + r"(?P<size>-\d+x\d+)?\.(?:jpe?g|png)"
            + re.escape(self.query)
        )


@dataclass(frozen=True)
class _Template:
    """An article page of ``tests/fixtures/pages`` and what is replaced in it."""

    name: str
    headline: str
    slug: str
    pictures: tuple[_Picture, ...]

    @cached_property
    def html(self) -> str:
        return (PAGES_DIR / f"{self.name}.html").read_text(encoding="utf-8")

    @cached_property
    def expected(self) -> dict[str, object]:
        data = json.loads((PAGES_DIR / f"{self.name}.expected.json").read_text("utf-8"))
        assert isinstance(data, dict)
        return data


def _cc(creator: str, url: str) -> Metadata:
    """EXIF Artist and an XMP creator and Creative Commons licence."""
    return Metadata(artist=creator, xmp=xmp_packet(creator=creator, cc_license=url))


def _staff(creator: str | None, holder: str) -> Metadata:
    """EXIF Artist and Copyright, as a newsroom's photo desk writes them."""
    return Metadata(artist=creator, copyright=f"(c) {holder}")


_BY_NC_20 = "https://creativecommons.org/licenses/by-nc/2.0/"
_BY_40 = "https://creativecommons.org/licenses/by/4.0/"
_BY_20 = "https://creativecommons.org/licenses/by/2.0/"
_BY_SA_20 = "https://creativecommons.org/licenses/by-sa/2.0/"
_BY_30_DE = "https://creativecommons.org/licenses/by/3.0/de/"
_PDM_10 = "https://creativecommons.org/publicdomain/mark/1.0/"

_NEWSPACK = "https://www.example-newspack-site.org/wp-content/uploads/2023/10/"
_SEED = "https://www.example-news.com/wp-content/uploads/2023/09/"
_WAYFARER = "https://www.example-wayfarer.com/wp-content/uploads/2023/09/"

TEMPLATES: tuple[_Template, ...] = (
    _Template(
        "newspack-local",
        "River Bend Water District votes to raise rates 18% as reservoir hits record low",
        "river-bend-water-rates",
        (
            _Picture(
                _NEWSPACK + "RiverBend_Reservoir_JL_003",
                embedded=_staff("Jordan Larkin", "The Example Ledger"),
            ),
            _Picture(
                _NEWSPACK + "WaterBoard_Meeting_MC_017",
                embedded=_staff("Maya Chen", "The Example Ledger"),
            ),
            _Picture(
                _NEWSPACK + "rate-increase-chart",
                embedded=_staff(None, "River Bend Water District"),
            ),
            _Picture(
                _NEWSPACK + "Quist_Farm_Well", embedded=_staff("Maya Chen", "The Example Ledger")
            ),
        ),
    ),
    _Template(
        "seed-article",
        "Kim and Putin Meet in Russia, and Trump Was There in Spirit",
        "kim-putin-meeting",
        (
            _Picture(
                _SEED + "donald-trump-kim-jong-un-art",
                "CC-BY-NC-2.0",
                _BY_NC_20,
                _cc("arctic penguin", _BY_NC_20),
            ),
            _Picture(
                _SEED + "xi-jinping-vladimir-putin-kremlin",
                "CC-BY-4.0",
                _BY_40,
                _cc("President of Russia", _BY_40),
            ),
        ),
    ),
    _Template(
        "wp-block",
        "Harvest season in the Alvora valley: a weekend of markets and river ferries",
        "alvora-valley-markets",
        (
            _Picture(_WAYFARER + "alvora-terraces", embedded=Metadata(artist="Ana Ribeiro")),
            _Picture(
                _WAYFARER + "chestnut-sellers", embedded=_staff("Tomás Vieira", "The Wayfarer")
            ),
            _Picture(_WAYFARER + "quince-paste", embedded=Metadata(artist="Ana Ribeiro")),
            _Picture(_WAYFARER + "station-tiles", embedded=Metadata(artist="Ana Ribeiro")),
            _Picture(_WAYFARER + "rope-ferry-dusk", "CC-BY-2.0", _BY_20, _cc("Rui Matos", _BY_20)),
            _Picture(_WAYFARER + "market-timetable-board"),  # no credit: nothing in the file
        ),
    ),
    _Template(
        "drupal-rel-license",
        "Restoring the lakeshore wetlands",
        "restoring-lakeshore-wetlands",
        (
            _Picture(
                "/sites/default/files/styles/hero_1600x700/public/2023-09/lake-at-dawn",
                "CC-BY-SA-2.0",
                _BY_SA_20,
                _cc("Jane Doe", _BY_SA_20),
                query="?itok=Ab12Cd34",
            ),
            _Picture(
                "/sites/default/files/inline-images/sedge-planting-north-shore",
                "CC-BY-3.0-DE",
                _BY_30_DE,
                _cc("John Roe", _BY_30_DE),
            ),
            _Picture(
                "/sites/default/files/inline-images/heron-in-the-reeds",
                "CC-BY-2.0",
                _BY_20,
                _cc("Example Audubon Chapter", _BY_20),
            ),
            _Picture(
                "/sites/default/files/inline-images/shoreline-survey-1978",
                "CC-PDM-1.0",
                _PDM_10,
                Metadata(artist="U.S. Fish and Wildlife Service"),
            ),
        ),
    ),
)


@dataclass(frozen=True)
class ExpectedImage:
    """A content picture of an article as a check must report it.

    ``url`` is the address of the ``<img>`` (the size the page shows), ``caption`` and
    ``credit`` the texts readers see (None when the page gives none), ``licence`` the
    SPDX-style identifier the credit names and ``licence_url`` its deed, ``embedded``
    what the JPEG file itself declares (None: nothing).
    """

    url: str
    caption: str | None
    credit: str | None
    licence: str | None
    licence_url: str | None
    embedded: Metadata | None

    @property
    def non_commercial(self) -> bool:
        """Whether the licence forbids commercial use (an error on a commercial site)."""
        return self.licence is not None and "-NC-" in f"{self.licence}-"


# --- the request log ---------------------------------------------------------------------


class Headers(Mapping[str, str]):
    """A request's headers, looked up whatever the case of the name."""

    def __init__(self, items: Iterable[tuple[str, str]]) -> None:
        self._items = tuple(items)
        self._lookup = {name.lower(): value for name, value in self._items}

    def __getitem__(self, name: str) -> str:
        return self._lookup[name.lower()]

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Headers({dict(self._items)!r})"


@dataclass(eq=False)
class LoggedRequest:
    """One request the site received. It unpacks to ``(method, path, status, headers)``;
    ``status`` is 0 until the answer's status line is sent (and stays 0 when none was,
    e.g. when the site stopped first). ``path`` includes the query string."""

    method: str
    path: str
    status: int
    headers: Headers
    started: float

    def __iter__(self) -> Iterator[Any]:
        return iter((self.method, self.path, self.status, self.headers))


# --- responses ------------------------------------------------------------------------------


@dataclass
class _Response:
    """What a route answers. ``body`` is bytes, or chunks sent as they are made (with
    ``length`` as Content-Length when known, chunked otherwise). ``delay`` waits before
    answering; ``drip`` sends the bytes one at a time, that many seconds apart."""

    status: int
    content_type: str | None = None
    body: bytes | Iterable[bytes] = b""
    length: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: datetime | None = None
    delay: float = 0.0
    drip: float | None = None


def _etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


def _opaque(tag: str) -> str:
    """An entity tag without its weakness prefix (If-None-Match compares weakly)."""
    return tag.strip().removeprefix("W/")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _next_second(previous: datetime) -> datetime:
    """A modification time after ``previous`` and not before now, whole seconds (what
    HTTP dates can say)."""
    now = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)
    return max(now, previous + timedelta(seconds=1))


def _xml(text: str) -> str:
    return escape(text)


@dataclass
class _Article:
    """The state of article ``number``."""

    number: int
    template: _Template
    published: datetime
    modified: datetime
    revision: int = 0
    generation: int = 0

    @property
    def title(self) -> str:
        return f"{self.template.headline} (story {self.number})"

    @property
    def path(self) -> str:
        return f"/news/{self.published.year}/{self.template.slug}-{self.number}.html"


# --- the server -----------------------------------------------------------------------------


class _Server(TrackedServer):
    """The site's server: a thread per connection, every one ended and joined when it
    closes (see tests/trackedserver.py)."""

    thread_name = "scansite-connection"

    def __init__(self, address: tuple[str, int], site: ScanSite) -> None:
        self.site = site
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "LoopbackGazette/1.0"
    timeout = 15  # an idle kept-alive connection is closed after this long
    server: _Server

    def do_GET(self) -> None:
        self.server.site._answer(self, head=False)

    def do_HEAD(self) -> None:
        self.server.site._answer(self, head=True)

    def log_message(self, format: str, *args: object) -> None:
        pass


# --- the site -------------------------------------------------------------------------------


class ScanSite:
    """A publisher's site on loopback (see the module's documentation for its routes).

    ``pages``: how many articles. ``validators``: ETag and Last-Modified on responses
    (and 304 answers). ``lastmod``: ``lastmod`` in sitemaps (default: as
    ``validators``). ``robots``, ``disallow``, ``crawl_delay``: robots.txt.
    ``news_count``, ``feed_count``: how many of the newest articles the news sitemap
    and the feeds list. ``latency``: seconds every answer waits. ``slow_delay``,
    ``drip_interval``, ``storm_failures``, ``offsite_url``, ``many_urls``,
    ``huge_mib``, ``bomb_mib``, ``oversize_mib``: the hostile routes.
    """

    def __init__(
        self,
        pages: int = 12,
        *,
        validators: bool = True,
        lastmod: bool | None = None,
        robots: RobotsMode | str = RobotsMode.NORMAL,
        disallow: Sequence[str] = ("/private/",),
        crawl_delay: float | None = None,
        news_count: int = 3,
        feed_count: int = 5,
        latency: float = 0.0,
        slow_delay: float = 3.0,
        drip_interval: float = 0.05,
        storm_failures: int = 2,
        offsite_url: str = "http://offsite.invalid/news/moved.html",
        many_urls: int = 50_001,
        huge_mib: int = 51,
        bomb_mib: int = 1025,
        oversize_mib: int = 10,
        host: str = "127.0.0.1",
    ) -> None:
        if pages < 1:
            raise ValueError("a site has at least one article")
        self.validators = validators
        self.lastmod = validators if lastmod is None else lastmod
        self.robots = RobotsMode(robots)
        self.disallow = tuple(disallow)
        self.crawl_delay = crawl_delay
        self.news_count = news_count
        self.feed_count = feed_count
        self.latency = latency
        self.slow_delay = slow_delay
        self.drip_interval = drip_interval
        self.storm_failures = storm_failures
        self.offsite_url = offsite_url
        self.many_urls = many_urls
        self.huge_mib = huge_mib
        self.bomb_mib = bomb_mib
        self.oversize_mib = oversize_mib
        self.host = host
        self._articles = {
            n: _Article(n, TEMPLATES[(n - 1) % len(TEMPLATES)], when, when)
            for n in range(1, pages + 1)
            for when in [NEWEST - timedelta(days=DAYS_APART * (pages - n))]
        }
        self._by_path = {article.path: article for article in self._articles.values()}
        self._lock = threading.Lock()
        self._log: list[LoggedRequest] = []
        self._in_flight = 0
        self._max_in_flight = 0
        self._storm_seen: dict[str, int] = {}
        self._rendered: dict[int, tuple[int, bytes]] = {}
        self._images: dict[tuple[int, int], bytes] = {}
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- life -------------------------------------------------------------------------------

    def start(self) -> ScanSite:
        """Listen on a free port of ``host`` and serve in a background thread."""
        if self._server is not None:
            raise RuntimeError("the site is already started")
        self._stopping.clear()
        # what was made for another port is made again
        self._rendered.clear()
        for made in ("_many_body", "_bomb_made"):
            self.__dict__.pop(made, None)
        self._server = _Server((self.host, 0), self)
        self._thread = serve_in_thread(self._server, "scansite")
        return self

    def stop(self) -> None:
        """Stop serving: wake the answers that wait, end every connection, join every
        thread and close the listening socket."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._stopping.set()
        stop_serving(server, thread)
        self._server = self._thread = None

    def __enter__(self) -> ScanSite:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # --- addresses --------------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the site is not started")
        return int(self._server.server_address[1])

    @property
    def base(self) -> str:
        """``http://host:port`` of the site (it must be started)."""
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` on the site."""
        return self.base + path

    @property
    def page_numbers(self) -> list[int]:
        """The articles' numbers, oldest first."""
        return sorted(self._articles)

    def page_path(self, n: int) -> str:
        """Where article ``n`` lives (``/news/<yyyy>/<slug>-<n>.html``)."""
        return self._articles[n].path

    def page_url(self, n: int) -> str:
        return self.url(self.page_path(n))

    def page_urls(self) -> list[str]:
        """Every article's URL, oldest first."""
        return [self.page_url(n) for n in self.page_numbers]

    def newest(self, count: int) -> list[int]:
        """The numbers of the ``count`` newest articles, newest first."""
        return sorted(self._articles, reverse=True)[:count]

    @property
    def private_url(self) -> str:
        return self.url(PRIVATE_PATH)

    @property
    def pdf_url(self) -> str:
        return self.url(PDF_PATH)

    @property
    def jpeg_url(self) -> str:
        return self.url(JPEG_PATH)

    # --- articles ---------------------------------------------------------------------------

    def template(self, n: int) -> str:
        """The name of the fixture page article ``n`` is made from."""
        return self._articles[n].template.name

    def title(self, n: int) -> str:
        return self._articles[n].title

    def published(self, n: int) -> datetime:
        return self._articles[n].published

    def last_modified(self, n: int) -> datetime:
        """When article ``n`` last changed (or was touched), as Last-Modified says."""
        return self._articles[n].modified

    def page_body(self, n: int) -> bytes:
        """The bytes article ``n`` serves now."""
        article = self._articles[n]
        with self._lock:
            cached = self._rendered.get(n)
            if cached is not None and cached[0] == article.revision:
                return cached[1]
        body = self._render(article)
        with self._lock:
            self._rendered[n] = (article.revision, body)
        return body

    def page_etag(self, n: int) -> str:
        """The strong ETag article ``n`` serves now."""
        article = self._articles[n]
        digest = hashlib.sha256(self.page_body(n)).hexdigest()[:16]
        return f'"{n}-{article.generation}-{digest}"'

    def change(self, n: int) -> None:
        """Give article ``n`` new bytes, a new ETag, Last-Modified and ``lastmod``."""
        article = self._articles[n]
        with self._lock:
            article.revision += 1
            article.generation += 1
            article.modified = _next_second(article.modified)

    def touch_without_change(self, n: int) -> None:
        """Give article ``n`` a new ETag, Last-Modified and ``lastmod``, the same bytes."""
        article = self._articles[n]
        with self._lock:
            article.generation += 1
            article.modified = _next_second(article.modified)

    def expected_images(self, n: int) -> tuple[ExpectedImage, ...]:
        """The content pictures a check must find on article ``n``, in page order."""
        template = self._articles[n].template
        images = template.expected["images"]
        assert isinstance(images, list) and len(images) == len(template.pictures)
        return tuple(
            ExpectedImage(
                url=self._rewrite_pictures(template, n, image["src"]),
                caption=image.get("caption"),
                credit=image.get("credit"),
                licence=picture.licence,
                licence_url=picture.licence_url,
                embedded=picture.embedded,
            )
            for image, picture in zip(images, template.pictures, strict=True)
        )

    def non_commercial_pages(self) -> list[int]:
        """The articles with a picture whose licence forbids commercial use."""
        return [
            n
            for n in self.page_numbers
            if any(image.non_commercial for image in self.expected_images(n))
        ]

    def image_body(self, n: int, k: int) -> bytes:
        """The JPEG of picture ``k`` of article ``n`` (every size is the same file)."""
        key = (n, k)
        with self._lock:
            cached = self._images.get(key)
        if cached is None:
            picture = self._articles[n].template.pictures[k - 1]
            # a few bytes of padding that differ make each page's files its own
            cached = jpeg(picture.embedded or Metadata(), padding=4 * (8 * n + k))
            with self._lock:
                self._images[key] = cached
        return cached

    # --- the log ----------------------------------------------------------------------------

    @property
    def requests(self) -> list[LoggedRequest]:
        """Every request so far, in the order they started (a copy)."""
        with self._lock:
            return list(self._log)

    @property
    def request_times(self) -> list[float]:
        """When each request started (``time.monotonic()``), in order."""
        with self._lock:
            return [entry.started for entry in self._log]

    @property
    def max_in_flight(self) -> int:
        """The most requests being answered at once since the log was cleared."""
        with self._lock:
            return self._max_in_flight

    @property
    def in_flight(self) -> int:
        with self._lock:
            return self._in_flight

    def paths(self) -> list[str]:
        """The paths requested so far, in order."""
        return [entry.path for entry in self.requests]

    def article_requests(self) -> list[tuple[int, LoggedRequest]]:
        """The requests for articles, in order, each with the article's number."""
        found = []
        for entry in self.requests:
            article = self._by_path.get(entry.path.split("?", 1)[0])
            if article is not None:
                found.append((article.number, entry))
        return found

    def count(self, path: str) -> int:
        """How many requests asked for ``path`` (the query string included)."""
        return sum(1 for entry in self.requests if entry.path == path)

    def clear_log(self) -> None:
        """Forget the requests so far (the ones still being answered stay counted in
        ``in_flight``)."""
        with self._lock:
            self._log.clear()
            self._max_in_flight = self._in_flight

    # --- answering --------------------------------------------------------------------------

    def _answer(self, handler: _Handler, head: bool) -> None:
        entry = LoggedRequest(
            handler.command,
            handler.path,
            0,
            Headers(handler.headers.items()),
            time.monotonic(),
        )
        with self._lock:
            self._log.append(entry)
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)
        answered = False

        def leave() -> None:
            # The request stops counting just before the last bytes of its answer go
            # out: a client that has read them all (and asks again) is never counted
            # twice.
            nonlocal answered
            if not answered:
                answered = True
                with self._lock:
                    self._in_flight -= 1

        try:
            response = self._route(handler.path.split("?", 1)[0].split("#", 1)[0])
            delay = self.latency + response.delay
            if delay and self._stopping.wait(delay):
                handler.close_connection = True
                return
            if self._not_modified(response, entry.headers):
                response = _Response(
                    304, etag=response.etag, last_modified=response.last_modified, body=b""
                )
            entry.status = response.status
            self._send(handler, response, head, leave)
        except OSError:  # the client went away, or the site is stopping
            handler.close_connection = True
        finally:
            leave()

    def _not_modified(self, response: _Response, headers: Headers) -> bool:
        if response.status != 200 or not self.validators:
            return False
        match = headers.get("If-None-Match")
        if match is not None:
            if response.etag is None:
                return False
            tags = {_opaque(tag) for tag in match.split(",")}
            return "*" in tags or _opaque(response.etag) in tags
        since = headers.get("If-Modified-Since")
        if since is None or response.last_modified is None:
            return False
        try:
            moment = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return response.last_modified <= moment

    def _send(
        self, handler: _Handler, response: _Response, head: bool, leave: Callable[[], None]
    ) -> None:
        """Write the answer; ``leave`` is called just before its last bytes are written."""
        handler.send_response(response.status)
        if response.content_type:
            handler.send_header("Content-Type", response.content_type)
        if self.validators and response.etag:
            handler.send_header("ETag", response.etag)
        if self.validators and response.last_modified:
            handler.send_header("Last-Modified", format_datetime(response.last_modified, True))
        for name, value in response.headers.items():
            handler.send_header(name, value)
        body = response.body
        if response.status == 304:
            leave()
            handler.end_headers()
            return
        if isinstance(body, bytes):
            handler.send_header("Content-Length", str(len(body)))
        elif response.length is not None:
            handler.send_header("Content-Length", str(response.length))
        else:
            handler.send_header("Transfer-Encoding", "chunked")
        if head:
            leave()
        handler.end_headers()
        if head:
            if not isinstance(body, bytes) and hasattr(body, "close"):
                body.close()
            return
        if isinstance(body, bytes):
            if response.drip is None:
                leave()
                handler.wfile.write(body)
                return
            for offset in range(len(body)):
                if offset + 1 == len(body):
                    leave()
                handler.wfile.write(body[offset : offset + 1])
                if offset + 1 < len(body) and self._stopping.wait(response.drip):
                    handler.close_connection = True
                    return
            return
        chunked = response.length is None
        for chunk in body:
            if self._stopping.is_set():
                handler.close_connection = True
                return
            if not chunk:
                continue
            if chunked:
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            else:
                handler.wfile.write(chunk)
        if chunked:
            leave()
            handler.wfile.write(b"0\r\n\r\n")

    def _route(self, path: str) -> _Response:
        """The answer to a GET of ``path``."""
        fixed: dict[str, Callable[[], _Response]] = {
            "/": self._home,
            "/robots.txt": self._robots,
            "/sitemap_index.xml": self._sitemap_index,
            "/sitemaps/news-1.xml.gz": self._news_sitemap_1,
            "/sitemaps/news-2.xml": self._news_sitemap_2,
            "/sitemap-news.xml": self._google_news_sitemap,
            "/feed.xml": self._rss,
            "/atom.xml": self._atom,
            PRIVATE_PATH: self._private_page,
            PDF_PATH: self._pdf,
            JPEG_PATH: self._panorama,
            "/redirect/offsite": lambda: _redirect(self.offsite_url),
            "/redirect/loop": lambda: _redirect("/redirect/loop-b"),
            "/redirect/loop-b": lambda: _redirect("/redirect/loop"),
            "/slow.html": self._slow,
            "/drip.html": self._drip,
            "/oversize.html": self._oversize,
            "/hostile/entities.xml": self._entities,
            "/hostile/external-entity.xml": self._external_entity,
            "/hostile/many.xml": self._many,
            "/hostile/huge.xml": self._huge,
            "/hostile/huge.xml.gz": self._bomb,
            "/hostile/loop-a.xml": lambda: self._index_of(["/hostile/loop-b.xml"]),
            "/hostile/loop-b.xml": lambda: self._index_of(["/hostile/loop-a.xml"]),
            "/hostile/self.xml": lambda: self._index_of(["/hostile/self.xml"]),
            "/hostile/feed.html": self._feed_html,
            "/hostile/storm.xml": self._storm_sitemap,
        }
        route = fixed.get(path)
        if route is not None:
            return route()
        article = self._by_path.get(path)
        if article is not None:
            return self._article(article)
        if found := re.fullmatch(r"/images/(\d+)-(\d+)(?:-\d+x\d+)?\.jpg", path):
            return self._image(int(found[1]), int(found[2]))
        found = re.fullmatch(r"/redirect/news/(\d+)", path)
        if found and int(found[1]) in self._articles:
            return _redirect(self.page_path(int(found[1])), 301)
        found = re.fullmatch(r"/calendar/(\d{4,})/(\d\d)/", path)
        if found and 1 <= int(found[2]) <= 12:
            return self._calendar(int(found[1]), int(found[2]))
        if found := re.fullmatch(r"/storm/(\d+)\.html", path):
            return self._storm(path, int(found[1]))
        return _not_found()

    # --- the articles and their pictures ----------------------------------------------------

    def _rewrite_pictures(self, template: _Template, n: int, text: str) -> str:
        for k, picture in enumerate(template.pictures, start=1):
            address = f"{self.base}/images/{n}-{k}"

            def replace(found: re.Match[str], address: str = address) -> str:
                return f"{address}{found['size'] or ''}.jpg"

            text = picture.pattern.sub(replace, text)
        return text

    def _render(self, article: _Article) -> bytes:
        template = article.template
        html = template.html.replace(str(template.expected["url"]), self.url(article.path))
        html = self._rewrite_pictures(template, article.number, html)
        html = html.replace(template.headline, article.title)
        html = _ISO_TIMESTAMP.sub(_iso(article.published), html)
        if article.revision:
            note = (
                f'<p class="update-note">Updated: this story was revised '
                f"(revision {article.revision}).</p>\n"
            )
            html = html.replace("</body>", note + "</body>", 1)
        return html.encode("utf-8")

    def _article(self, article: _Article) -> _Response:
        n = article.number
        return _Response(
            200,
            "text/html; charset=utf-8",
            self.page_body(n),
            etag=self.page_etag(n),
            last_modified=article.modified,
        )

    def _image(self, n: int, k: int) -> _Response:
        if n not in self._articles or not 1 <= k <= len(self._articles[n].template.pictures):
            return _not_found()
        body = self.image_body(n, k)
        return _Response(
            200,
            "image/jpeg",
            body,
            etag=_etag_of(body),
            last_modified=self._articles[n].published,
        )

    def _home(self) -> _Response:
        items = "\n".join(
            f'<li><a href="{self.page_path(n)}">{_xml(self.title(n))}</a> '
            f'<time datetime="{_iso(self.published(n))}">{self.published(n):%d %B %Y}</time></li>'
            for n in self.newest(len(self._articles))
        )
        newest = self.published(self.newest(1)[0])
        body = _html_page(
            SITE_NAME,
            f'<h1>{SITE_NAME}</h1>\n<ul class="latest">\n{items}\n</ul>\n'
            f'<p><a href="/calendar/{newest:%Y}/{newest:%m}/">Events calendar</a></p>',
            head='<link rel="alternate" type="application/rss+xml" title="RSS" href="/feed.xml">\n'
            '<link rel="alternate" type="application/atom+xml" title="Atom" href="/atom.xml">',
        )
        return self._document(body, "text/html; charset=utf-8", self._latest_change())

    def _private_page(self) -> _Response:
        body = _html_page(
            "Staff rota (internal)",
            "<h1>Staff rota</h1>\n<p>Internal: who is on the night desk this week.</p>",
        )
        return self._document(body, "text/html; charset=utf-8", SITE_EPOCH)

    def _pdf(self) -> _Response:
        return self._document(_minimal_pdf(), "application/pdf", SITE_EPOCH)

    def _panorama(self) -> _Response:
        body = jpeg(_staff("Jordan Larkin", SITE_NAME))
        return self._document(body, "image/jpeg", SITE_EPOCH)

    def _latest_change(self, numbers: Iterable[int] | None = None) -> datetime:
        chosen = self.page_numbers if numbers is None else list(numbers)
        return max((self.last_modified(n) for n in chosen), default=SITE_EPOCH)

    def _document(self, body: bytes, content_type: str, modified: datetime) -> _Response:
        return _Response(200, content_type, body, etag=_etag_of(body), last_modified=modified)

    # --- robots.txt, sitemaps and feeds -----------------------------------------------------

    def robots_text(self) -> bytes:
        """The body of ``/robots.txt`` in the normal and huge modes."""
        rules = ["User-agent: *", *(f"Disallow: {path}" for path in self.disallow)]
        if self.crawl_delay is not None:
            rules.append(f"Crawl-delay: {self.crawl_delay:g}")
        sitemaps = [
            f"Sitemap: {self.url('/sitemap_index.xml')}",
            f"Sitemap: {self.url('/sitemap-news.xml')}",
        ]
        text = "\n".join(rules) + "\n"
        if self.robots is RobotsMode.HUGE:
            filler = "".join(f"Disallow: /archive/{n:07d}/\n" for n in range(1, 40_000))
            text += filler
        return (text + "\n" + "\n".join(sitemaps) + "\n").encode()

    def _robots(self) -> _Response:
        mode = self.robots
        if mode is RobotsMode.MISSING:
            return _not_found()
        if mode is RobotsMode.UNAVAILABLE:
            return _Response(503, "text/plain; charset=utf-8", b"Service Unavailable\n")
        if mode is RobotsMode.GARBAGE:
            body = b"".join(hashlib.sha256(b"%d" % n).digest() for n in range(128))
            return self._document(b"\x00\xff\xfe" + body, "text/plain", SITE_EPOCH)
        if mode is RobotsMode.HTML:
            body = _html_page("Page not found", "<h1>Sorry, we could not find that page.</h1>")
            return self._document(body, "text/html; charset=utf-8", SITE_EPOCH)
        return self._document(self.robots_text(), "text/plain; charset=utf-8", SITE_EPOCH)

    def _halves(self) -> tuple[list[int], list[int]]:
        numbers = self.page_numbers
        half = (len(numbers) + 1) // 2
        return numbers[:half], numbers[half:]

    def _url_entry(self, n: int) -> str:
        lines = [f"<url><loc>{_xml(self.page_url(n))}</loc>"]
        if self.lastmod:
            lines.append(f"<lastmod>{_iso(self.last_modified(n))}</lastmod>")
        images = self.expected_images(n)
        if any(image.licence for image in images):
            for image in images:
                lines.append(f"<image:image><image:loc>{_xml(image.url)}</image:loc>")
                if image.caption:
                    lines.append(f"<image:caption>{_xml(image.caption)}</image:caption>")
                if image.licence_url:
                    lines.append(f"<image:license>{_xml(image.licence_url)}</image:license>")
                lines.append("</image:image>")
        lines.append("</url>")
        return "\n".join(lines)

    def _urlset(self, entries: Iterable[str]) -> bytes:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="{_SITEMAP_NS}" xmlns:image="{_IMAGE_NS}">\n'
            + "\n".join(entries)
            + "\n</urlset>\n"
        ).encode()

    def _extra_entry(self, path: str) -> str:
        lastmod = f"<lastmod>{_iso(SITE_EPOCH)}</lastmod>" if self.lastmod else ""
        return f"<url><loc>{_xml(self.url(path))}</loc>{lastmod}</url>"

    def sitemap_1(self) -> bytes:
        """The uncompressed content of ``/sitemaps/news-1.xml.gz``."""
        return self._urlset(self._url_entry(n) for n in self._halves()[0])

    def sitemap_2(self) -> bytes:
        """The content of ``/sitemaps/news-2.xml``."""
        entries = [self._url_entry(n) for n in self._halves()[1]]
        entries += [self._extra_entry(path) for path in (PRIVATE_PATH, PDF_PATH, JPEG_PATH)]
        return self._urlset(entries)

    def _news_sitemap_1(self) -> _Response:
        compressed = gzip.compress(self.sitemap_1(), mtime=0)
        return self._document(
            compressed, "application/gzip", self._latest_change(self._halves()[0])
        )

    def _news_sitemap_2(self) -> _Response:
        modified = self._latest_change(self._halves()[1])
        return self._document(self.sitemap_2(), "application/xml", modified)

    def _index_of(self, paths: Sequence[str], modified: Sequence[datetime] = ()) -> _Response:
        entries = []
        for index, path in enumerate(paths):
            lastmod = (
                f"<lastmod>{_iso(modified[index])}</lastmod>"
                if self.lastmod and index < len(modified)
                else ""
            )
            entries.append(f"<sitemap><loc>{_xml(self.url(path))}</loc>{lastmod}</sitemap>")
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<sitemapindex xmlns="{_SITEMAP_NS}">\n' + "\n".join(entries) + "\n</sitemapindex>\n"
        ).encode()
        return self._document(body, "application/xml", max(modified, default=SITE_EPOCH))

    def _sitemap_index(self) -> _Response:
        older, newer = self._halves()
        return self._index_of(
            ["/sitemaps/news-1.xml.gz", "/sitemaps/news-2.xml"],
            [self._latest_change(older), self._latest_change(newer)],
        )

    def _google_news_sitemap(self) -> _Response:
        numbers = self.newest(self.news_count)
        entries = [
            f"<url><loc>{_xml(self.page_url(n))}</loc>\n<news:news>\n<news:publication>"
            f"<news:name>{SITE_NAME}</news:name><news:language>en</news:language>"
            f"</news:publication>\n<news:publication_date>{_iso(self.published(n))}"
            f"</news:publication_date>\n<news:title>{_xml(self.title(n))}</news:title>\n"
            "</news:news></url>"
            for n in numbers
        ]
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="{_SITEMAP_NS}" xmlns:news="{_NEWS_NS}">\n'
            + "\n".join(entries)
            + "\n</urlset>\n"
        ).encode()
        return self._document(body, "application/xml", self._latest_change(numbers))

    def _rss(self) -> _Response:
        numbers = self.newest(self.feed_count)
        items = "\n".join(
            f"<item><title>{_xml(self.title(n))}</title><link>{_xml(self.page_url(n))}</link>"
            f'<guid isPermaLink="true">{_xml(self.page_url(n))}</guid>'
            f"<pubDate>{format_datetime(self.published(n))}</pubDate>"
            f"<description>{_xml(self.title(n))}.</description></item>"
            for n in numbers
        )
        modified = self._latest_change(numbers)
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n<channel>\n'
            f"<title>{SITE_NAME}</title><link>{self.url('/')}</link>"
            f"<description>The latest news</description><language>en</language>"
            f"<lastBuildDate>{format_datetime(modified)}</lastBuildDate>\n"
            f"{items}\n</channel>\n</rss>\n"
        ).encode()
        return self._document(body, "application/rss+xml", modified)

    def _atom(self) -> _Response:
        numbers = self.newest(self.feed_count)
        entries = "\n".join(
            f"<entry><title>{_xml(self.title(n))}</title>"
            f'<link rel="alternate" href={quoteattr(self.page_url(n))}/>'
            f"<id>{_xml(self.page_url(n))}</id>"
            f"<published>{_iso(self.published(n))}</published>"
            f"<updated>{_iso(self.last_modified(n))}</updated>"
            f"<summary>{_xml(self.title(n))}.</summary></entry>"
            for n in numbers
        )
        modified = self._latest_change(numbers)
        body = (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<feed xmlns="http://www.w3.org/2005/Atom">\n'
            f"<title>{SITE_NAME}</title><id>{self.url('/')}</id>"
            f'<link rel="self" href={quoteattr(self.url("/atom.xml"))}/>'
            f'<link rel="alternate" href={quoteattr(self.url("/"))}/>'
            f"<updated>{_iso(modified)}</updated><author><name>{SITE_NAME}</name></author>\n"
            f"{entries}\n</feed>\n"
        ).encode()
        return self._document(body, "application/atom+xml", modified)

    # --- trouble ----------------------------------------------------------------------------

    def _calendar(self, year: int, month: int) -> _Response:
        before = (year, month - 1) if month > 1 else (year - 1, 12)
        after = (year, month + 1) if month < 12 else (year + 1, 1)
        links = []
        if before[0] >= 0:
            links.append(
                f'<a rel="prev" href="/calendar/{before[0]:04d}/{before[1]:02d}/">Previous month</a>'
            )
        links.append(
            f'<a rel="next" href="/calendar/{after[0]:04d}/{after[1]:02d}/">Next month</a>'
        )
        body = _html_page(
            f"Events in {year:04d}-{month:02d}",
            f"<h1>Events in {year:04d}-{month:02d}</h1>\n<p>No events this month.</p>\n"
            f"<nav>{' '.join(links)}</nav>",
        )
        return self._document(body, "text/html; charset=utf-8", SITE_EPOCH)

    def _storm(self, path: str, n: int) -> _Response:
        with self._lock:
            seen = self._storm_seen[path] = self._storm_seen.get(path, 0) + 1
        if seen <= self.storm_failures:
            return _Response(
                429,
                "text/plain; charset=utf-8",
                b"Too Many Requests\n",
                headers={"Retry-After": "1"},
            )
        body = _html_page(f"Storm story {n}", f"<h1>Storm story {n}</h1>\n<p>At last.</p>")
        return self._document(body, "text/html; charset=utf-8", SITE_EPOCH)

    def _storm_sitemap(self) -> _Response:
        entries = (f"<url><loc>{_xml(self.url(f'/storm/{n}.html'))}</loc></url>" for n in (1, 2, 3))
        return self._document(self._urlset(entries), "application/xml", SITE_EPOCH)

    def _slow(self) -> _Response:
        response = self._document(
            _html_page("Slow story", "<h1>Slow story</h1>\n<p>Worth the wait.</p>"),
            "text/html; charset=utf-8",
            SITE_EPOCH,
        )
        response.delay = self.slow_delay
        return response

    def _drip(self) -> _Response:
        response = self._document(
            _html_page("Dripping story", "<h1>Dripping story</h1>\n<p>One byte at a time.</p>"),
            "text/html; charset=utf-8",
            SITE_EPOCH,
        )
        response.drip = self.drip_interval
        return response

    def _oversize(self) -> _Response:
        start = b"<!DOCTYPE html>\n<html><head><title>Oversize</title></head><body>\n"
        block = (b"<p>" + b"Filler words for an endless page. " * 29 + b"</p>\n") * 64
        count = self.oversize_mib * MIB // len(block) + 1
        end = b"</body></html>\n"

        def chunks() -> Iterator[bytes]:
            yield start
            for _ in range(count):
                yield block
            yield end

        length = len(start) + count * len(block) + len(end)
        return _Response(200, "text/html; charset=utf-8", chunks(), length=length)

    def _entities(self) -> _Response:
        levels = ['<!ENTITY lol0 "lol">'] + [
            f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">' for level in range(1, 10)
        ]
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE urlset [\n'
            + "\n".join(levels)
            + f'\n]>\n<urlset xmlns="{_SITEMAP_NS}">\n<url><loc>{self.base}/&lol9;</loc></url>\n'
            "</urlset>\n"
        ).encode()
        return self._document(body, "application/xml", SITE_EPOCH)

    def _external_entity(self) -> _Response:
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<!DOCTYPE urlset [\n<!ENTITY secret SYSTEM "file:///etc/passwd">\n]>\n'
            f'<urlset xmlns="{_SITEMAP_NS}">\n<url><loc>&secret;</loc></url>\n</urlset>\n'
        ).encode()
        return self._document(body, "application/xml", SITE_EPOCH)

    @cached_property
    def _many_body(self) -> bytes:
        base = self.base
        return self._urlset(
            f"<url><loc>{base}/hostile/many/{n}.html</loc></url>"
            for n in range(1, self.many_urls + 1)
        )

    def _many(self) -> _Response:
        return self._document(self._many_body, "application/xml", SITE_EPOCH)

    def huge_chunks(self) -> Iterator[bytes]:
        """``/hostile/huge.xml`` as it is sent: a ``urlset`` of more than ``huge_mib``
        MiB, made a chunk of a thousand addresses at a time."""
        yield f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{_SITEMAP_NS}">\n'.encode()
        # the template of a chunk, split where the chunk's number goes
        pieces = (
            "".join(
                f"<url><loc>{self.base}/hostile/huge/\0-{n:04d}.html</loc></url>\n"
                for n in range(1000)
            )
            .encode()
            .split(b"\0")
        )
        sent, number = 0, 0
        while sent <= self.huge_mib * MIB:
            chunk = b"%08d" % number
            block = chunk.join(pieces)
            sent += len(block)
            number += 1
            yield block
        yield b"</urlset>\n"

    def _huge(self) -> _Response:
        return _Response(200, "application/xml", self.huge_chunks())

    @cached_property
    def _bomb_made(self) -> _GzipBomb:
        start = self._urlset([f"<url><loc>{self.page_url(1)}</loc></url>"])
        return _GzipBomb.make(start.removesuffix(b"</urlset>\n"), b"</urlset>\n", self.bomb_mib)

    def bomb_sizes(self) -> tuple[int, int]:
        """(compressed, inflated) sizes of ``/hostile/huge.xml.gz``."""
        return self._bomb_made.compressed_size, self._bomb_made.inflated_size

    def _bomb(self) -> _Response:
        bomb = self._bomb_made
        return _Response(200, "application/gzip", bomb.chunks(), length=bomb.compressed_size)

    def _feed_html(self) -> _Response:
        body = _html_page(
            "Subscribe",
            "<h1>Subscribe to our news</h1>\n<p>Get the latest stories by email or follow "
            'us on social media. <a href="/">Home</a></p>',
        )
        return self._document(body, "text/html; charset=utf-8", SITE_EPOCH)


# --- the gzip bomb ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _GzipBomb:
    """A gzip file of ``start``, ``repeats`` MiB of whitespace and ``end``, made without
    ever compressing (or holding) the whitespace more than once.

    The deflate stream is raw (the gzip header and trailer are written here): ``head``
    is the header and ``start`` compressed, ``packed`` one MiB of whitespace compressed
    and followed by a full flush (after which the compressor starts afresh, so the same
    bytes encode every repetition), ``tail`` the compressed ``end`` with the last block
    and the trailer, whose CRC-32 is combined from the parts' (as zlib's
    ``crc32_combine`` does) rather than computed over the inflated gigabyte."""

    head: bytes
    packed: bytes
    repeats: int
    tail: bytes
    inflated_size: int

    @classmethod
    def make(cls, start: bytes, end: bytes, repeats: int) -> _GzipBomb:
        block = b" " * (MIB - 1) + b"\n"
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        head = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # gzip, no name, no time
        head += compressor.compress(start) + compressor.flush(zlib.Z_FULL_FLUSH)
        packed = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
        if compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH) != packed:
            raise AssertionError("a full flush did not make the block's encoding repeat")
        closing = compressor.compress(end) + compressor.flush(zlib.Z_FINISH)
        crc = _crc32_combine(zlib.crc32(start), _crc32_repeated(block, repeats), repeats * MIB)
        crc = _crc32_combine(crc, zlib.crc32(end), len(end))
        size = len(start) + repeats * MIB + len(end)
        tail = closing + struct.pack("<II", crc, size & 0xFFFFFFFF)
        return cls(head, packed, repeats, tail, size)

    @property
    def compressed_size(self) -> int:
        return len(self.head) + self.repeats * len(self.packed) + len(self.tail)

    def chunks(self) -> Iterator[bytes]:
        """The file, 64 repetitions (64 KiB or so) at a time."""
        yield self.head
        left = self.repeats
        while left:
            step = min(left, 64)
            yield self.packed * step
            left -= step
        yield self.tail


def _gf2_times(matrix: Sequence[int], vector: int) -> int:
    """A 32 x 32 matrix over GF(2) (one column a row) times a 32-bit vector."""
    total, row = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[row]
        vector >>= 1
        row += 1
    return total


def _gf2_square(matrix: Sequence[int]) -> list[int]:
    return [_gf2_times(matrix, column) for column in matrix]


def _crc32_combine(first: int, second: int, second_length: int) -> int:
    """The CRC-32 of A followed by B, from the CRC-32 of A, that of B and B's length:
    A's CRC is carried through B's length of zero bytes (operators squared up from one
    zero bit), then the two are added."""
    if second_length <= 0:
        return first
    odd = [0xEDB88320] + [1 << n for n in range(31)]  # the operator of one zero bit
    even = _gf2_square(odd)  # two zero bits
    odd = _gf2_square(even)  # four zero bits
    while True:
        even = _gf2_square(odd)  # a zero byte, then 4, 16… bytes
        if second_length & 1:
            first = _gf2_times(even, first)
        second_length >>= 1
        if not second_length:
            break
        odd = _gf2_square(even)
        if second_length & 1:
            first = _gf2_times(odd, first)
        second_length >>= 1
        if not second_length:
            break
    return first ^ second


def _crc32_repeated(block: bytes, times: int) -> int:
    """The CRC-32 of ``block`` repeated ``times`` times, by doubling."""
    result, power, power_length = 0, zlib.crc32(block), len(block)
    while times:
        if times & 1:
            result = _crc32_combine(result, power, power_length)
        power = _crc32_combine(power, power, power_length)
        power_length *= 2
        times >>= 1
    return result


# --- small documents --------------------------------------------------------------------------


def _html_page(title: str, body: str, head: str = "") -> bytes:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_xml(title)}</title>\n{head}\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    ).encode()


def _redirect(location: str, status: int = 302) -> _Response:
    return _Response(status, "text/plain; charset=utf-8", b"", headers={"Location": location})


def _not_found() -> _Response:
    return _Response(404, "text/html; charset=utf-8", _html_page("Not found", "<h1>Not found</h1>"))


def _minimal_pdf() -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
