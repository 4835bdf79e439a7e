"""Finding the pages of a scan: from sitemaps (indexes, nested, gzipped, news and image
sitemaps), feeds, a site's address (the sitemaps its robots.txt names, else
``/sitemap.xml``) and files listing URLs; then choosing which of them to check.

Every document is fetched under the scan's fetch settings with a size cap; one that
cannot be fetched or read is one line among the scan's problems and discovery goes on
with the rest. Sitemap indexes are followed to a bounded depth and number, each at
most once, so a loop of indexes ends.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urljoin, urlsplit

from attribution.errors import AttributionError, FetchError, SourceError
from attribution.fetch.documents import fetch_document
from attribution.fetch.policy import AddressPolicy, url_host
from attribution.records import DeclaredImage
from attribution.sources.feeds import parse_feed
from attribution.sources.filters import page_url_reason
from attribution.sources.robots import MAX_ROBOTS_BYTES, RobotsRules
from attribution.sources.sitemaps import MAX_SITEMAP_BYTES, parse_sitemap
from attribution.sources.sniff import document_kind
from attribution.sources.targets import STDIN, is_url, read_target_list
from attribution.urls import canonical_url

if TYPE_CHECKING:
    from attribution.app.parallel import PoliteGate
    from attribution.fetch.session import HttpSession
    from attribution.fetch.settings import FetchSettings

# The product token robots.txt groups are matched against.
ROBOTS_AGENT = "attribution"
# How deep sitemap indexes are followed, and how many sitemaps one scan reads at most.
MAX_SITEMAP_DEPTH = 5
MAX_SITEMAPS = 2000
# Pages one scan considers at most, whatever its sources list (memory stays bounded).
MAX_DISCOVERED = 1_000_000


@dataclass(frozen=True)
class Candidate:
    """A page a source lists: its URL, when the source says it last changed, whether
    it came from a list the user wrote (taken whatever its site), and the images a
    sitemap declares for it."""

    url: str
    modified: datetime | None = None
    listed: bool = False
    # The images an image sitemap declares for the page, as evidence.
    declared: tuple[DeclaredImage, ...] = ()


@dataclass
class Discovery:
    """What the sources gave: the pages (each once, by canonical URL, in the order
    found), the sources that could not be read (one line each), the hosts the
    sources name (the site), and the sitemaps read."""

    pages: dict[str, Candidate] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)
    sitemaps_read: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, candidate: Candidate) -> None:
        """Take a page, unless it is already known (the first date given wins when
        the other has none) or the scan already holds as many as it may."""
        if not is_url(candidate.url):
            return
        key = canonical_url(candidate.url)
        known = self.pages.get(key)
        if known is None:
            if len(self.pages) < MAX_DISCOVERED:
                self.pages[key] = candidate
        else:
            modified = known.modified or candidate.modified
            declared = known.declared or candidate.declared
            if (modified, declared) != (known.modified, known.declared):
                self.pages[key] = Candidate(known.url, modified, known.listed, declared)

    def add_host(self, url: str) -> None:
        """Count ``url``'s host as the site's."""
        host = (urlsplit(url).hostname or "").lower()
        if host and host not in self.hosts:
            self.hosts.append(host)


@dataclass(frozen=True)
class RobotsReading:
    """What one fetch of a site's robots.txt gave, all a :class:`Reader` needs to make
    its rules (and its line among the scan's problems) again: the HTTP status and the
    body (at most :data:`MAX_ROBOTS_BYTES`), or why it could not be fetched."""

    status: int = 0
    body: bytes = b""
    # The reason of a fetch that failed (no status, no body): allows nothing.
    failure: str | None = None

    @property
    def lasting(self) -> bool:
        """Whether the reading says what the site wants (a robots.txt, or its absence),
        rather than that the site could not say (a fetch that failed, 429, a 5xx): only
        such a reading may be kept for long."""
        return self.failure is None and self.status != 429 and self.status < 500

    def rules(self, robots_url: str) -> tuple[RobotsRules, str | None]:
        """The rules of the robots.txt read from ``robots_url``, and the problem to tell
        of the site when it is not scanned because of them (else None)."""
        if self.failure is not None:
            return RobotsRules.disallow_all(), (
                f"{robots_url}: {self.failure}: the site is not scanned "
                "(a robots.txt that cannot be read allows nothing)"
            )
        if self.status >= 400:
            problem = None
            if self.status >= 500:
                problem = (
                    f"{robots_url}: HTTP {self.status}: the site is not scanned "
                    "(a robots.txt that answers a server error allows nothing)"
                )
            return RobotsRules.for_status(self.status), problem
        return RobotsRules.parse(self.body, robots_url), None


class RobotsCache(Protocol):
    """Readings of robots.txt kept beyond one :class:`Reader`, by origin
    (``https://example.com``), so that scans on several processes or machines (and a
    scan taken up again) share them. How long each is kept is the cache's to decide:
    never more than 24 hours (RFC 9309, 2.4)."""

    def get(self, origin: str) -> RobotsReading | None:
        """The reading kept for ``origin``, or None."""

    def put(self, origin: str, reading: RobotsReading) -> None:
        """Keep ``reading`` of ``origin``'s robots.txt."""


@dataclass
class Reader:
    """Fetches and reads the documents of a scan's sources within its settings.

    With a ``robots_cache``, a robots.txt another reader read recently (on any
    process that shares the cache) is not fetched again; a robots.txt this reader could
    not fetch at all is not put in it, and is asked for again by the next reader."""

    settings: FetchSettings
    session: HttpSession
    robots: dict[str, RobotsRules] = field(default_factory=dict)
    robots_problems: dict[str, str] = field(default_factory=dict)
    # The hosts of the sources the user named: only these may be at private addresses
    # (a preview server), not a host that a sitemap or robots.txt names.
    named_hosts: set[str] = field(default_factory=set)
    robots_cache: RobotsCache | None = field(default=None, kw_only=True)

    def _policy(self, url: str) -> AddressPolicy:
        host = url_host(url)
        trusted = host is not None and host in self.named_hosts
        return AddressPolicy.for_target(self.settings, url if trusted else None)

    def discover(
        self, sources: Sequence[str], on_source: Callable[[str], None] | None = None
    ) -> Discovery:
        """Read every source (a URL of a sitemap, a feed or a site; a file listing
        URLs; ``-`` for a list on stdin) and gather their pages."""
        found = Discovery()
        for source in sources:
            if on_source is not None:
                on_source(source)
            try:
                if is_url(source):
                    found.add_host(source)
                    self.named_hosts.add(url_host(source) or "")
                    self._read_url(source, found)
                else:
                    for url in read_target_list(source):
                        found.add(Candidate(url, listed=True))
                        self.named_hosts.add(url_host(url) or "")
            except AttributionError as error:
                name = "standard input" if source == STDIN else source
                found.problems.append(_line(error, name))
        return found

    def _read_url(self, url: str, found: Discovery) -> None:
        document = fetch_document(
            url,
            self.settings,
            self.session,
            limit=MAX_SITEMAP_BYTES,
            accept="application/xml,text/xml,application/rss+xml,application/atom+xml,"
            "text/html;q=0.5,*/*;q=0.1",
            policy=self._policy(url),
        )
        if canonical_url(document.url) != canonical_url(url):  # moved: its new host is the site's
            found.add_host(document.url)
            self.named_hosts.add(url_host(document.url) or "")
        kind = document_kind(document.body)
        if kind == "sitemap":
            self._read_sitemaps([(url, document.body)], found)
        elif kind == "feed":
            for entry in parse_feed(document.body, document.url):
                found.add(Candidate(entry.url, entry.modified))
        elif urlsplit(document.url).path in ("", "/"):  # the site: its sitemaps
            self._read_site(document.url, found)
        else:
            raise SourceError(
                url,
                "not a sitemap or a feed: the address answered with an HTML page (give the "
                "site's own address, a sitemap, a feed or a file of URLs)",
            )

    def _read_site(self, url: str, found: Discovery) -> None:
        origin = _origin(url)
        rules = self.rules_for(url)
        declared = list(rules.sitemaps()) or [urljoin(origin, "/sitemap.xml")]
        self._read_sitemaps([(sitemap, None) for sitemap in declared], found)

    def _read_sitemaps(self, start: Iterable[tuple[str, bytes | None]], found: Discovery) -> None:
        """Read sitemaps breadth first, following indexes (each sitemap once, to
        :data:`MAX_SITEMAP_DEPTH` levels and :data:`MAX_SITEMAPS` in all)."""
        queue: list[tuple[str, bytes | None, int]] = [(url, body, 0) for url, body in start]
        seen: set[str] = {canonical_url(url) for url, _, _ in queue}
        while queue:
            url, body, depth = queue.pop(0)
            if found.sitemaps_read >= MAX_SITEMAPS:
                found.problems.append(
                    f"{url}: not read: the scan read {MAX_SITEMAPS} sitemaps, its most"
                )
                return
            found.sitemaps_read += 1
            try:
                if body is None:
                    body = fetch_document(
                        url,
                        self.settings,
                        self.session,
                        limit=MAX_SITEMAP_BYTES,
                        accept="application/xml,text/xml,text/plain;q=0.5,*/*;q=0.1",
                        policy=self._policy(url),
                    ).body
                sitemap = parse_sitemap(body, url)
            except AttributionError as error:
                found.problems.append(_line(error, url))
                continue
            found.notes.extend(f"{url}: {note}" for note in sitemap.notes)
            for entry in sitemap.pages:
                declared = tuple(
                    DeclaredImage(image.url, image.caption, image.title, image.licence, url)
                    for image in entry.images
                )
                found.add(Candidate(entry.url, entry.modified, declared=declared))
            for child in sitemap.sitemaps:
                key = canonical_url(child.url)
                if key in seen:
                    found.notes.append(f"{url}: lists {child.url} again (a loop): read once")
                    continue
                if depth + 1 > MAX_SITEMAP_DEPTH:
                    found.problems.append(
                        f"{child.url}: not read: sitemap indexes nested deeper than "
                        f"{MAX_SITEMAP_DEPTH} levels"
                    )
                    continue
                seen.add(key)
                queue.append((child.url, None, depth + 1))

    def pace(self, gate: PoliteGate) -> None:
        """Give ``gate`` each host's robots.txt Crawl-delay read so far."""
        for origin, rules in self.robots.items():
            delay = rules.crawl_delay(ROBOTS_AGENT)
            if delay:
                gate.set_delay(urlsplit(origin).hostname or "", delay)

    def rules_for(self, url: str) -> RobotsRules:
        """The robots.txt rules of ``url``'s site, read once per origin (RFC 9309: a
        robots.txt that is missing allows everything; one that cannot be read, or
        answers a server error, allows nothing), or taken from the ``robots_cache``."""
        origin = _origin(url)
        if origin in self.robots:
            return self.robots[origin]
        robots_url = urljoin(origin, "/robots.txt")
        reading = self.robots_cache.get(origin) if self.robots_cache is not None else None
        if reading is None:
            reading = self._read_robots(robots_url)
            # A fetch that failed is not shared: the failure may be this reader's own
            # (its address policy, its network) rather than the site's.
            if self.robots_cache is not None and reading.failure is None:
                self.robots_cache.put(origin, reading)
        rules, problem = reading.rules(robots_url)
        if problem is not None:
            self.robots_problems[origin] = problem
        self.robots[origin] = rules
        return rules

    def _read_robots(self, robots_url: str) -> RobotsReading:
        try:
            document = fetch_document(
                robots_url,
                self.settings,
                self.session,
                limit=MAX_ROBOTS_BYTES,
                accept="text/plain,*/*;q=0.1",
                statuses_kept=frozenset(range(400, 600)),
                truncate=True,
                policy=self._policy(robots_url),
            )
        except FetchError as error:
            return RobotsReading(failure=error.reason)
        # The body of an error answer says nothing: only the status is kept.
        return RobotsReading(document.status, document.body if document.status < 400 else b"")


@dataclass(frozen=True)
class Selection:
    """The pages a scan checks, in order, and those it leaves out with the reason."""

    pages: tuple[Candidate, ...]
    skipped: tuple[tuple[Candidate, str], ...]

    def skipped_counts(self) -> list[tuple[str, int]]:
        """How many pages were left out for each reason, the most common first."""
        return Counter(reason for _, reason in self.skipped).most_common()


def select_pages(
    found: Discovery,
    allowed: Callable[[str], bool],
    *,
    since: datetime | None = None,
    max_pages: int | None = None,
    site_hosts: Sequence[str] = (),
    admits: Callable[[str], bool] | None = None,
    read_before: Callable[[str], bool] | None = None,
) -> Selection:
    """Choose the pages to check: HTML pages of the site (its hosts, or any host for
    pages a user listed) that the patterns admit (``admits``) and robots.txt allows
    (``allowed``), changed since ``since`` when their source gives a date (a page never
    read well before, ``read_before``, is taken whatever its date), at most
    ``max_pages`` of them."""
    hosts = {host.lower() for host in (*found.hosts, *site_hosts)}
    chosen: list[Candidate] = []
    skipped: list[tuple[Candidate, str]] = []
    for candidate in found.pages.values():
        reason = page_url_reason(candidate.url)
        host = (urlsplit(candidate.url).hostname or "").lower()
        if reason is None and not candidate.listed and hosts and host not in hosts:
            reason = "on another site"
        if reason is None and admits is not None and not admits(candidate.url):
            reason = "left out by --include or --exclude"
        if reason is None and not allowed(candidate.url):
            reason = "disallowed by robots.txt"
        if (
            reason is None
            and since is not None
            and candidate.modified is not None
            and candidate.modified < since
            and (read_before is None or read_before(candidate.url))
        ):
            reason = "not modified since the date asked for"
        if reason is None and max_pages is not None and len(chosen) >= max_pages:
            reason = f"over the scan's limit of {max_pages} pages"
        if reason is None:
            chosen.append(candidate)
        else:
            skipped.append((candidate, reason))
    return Selection(tuple(chosen), tuple(skipped))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _line(error: AttributionError, name: str) -> str:
    """One line for a source that could not be read."""
    reason = getattr(error, "reason", None) or str(error)
    return f"{name}: {reason}"
