"""Finding a site's pages by following its links from a start page: for sites without
a sitemap, or to check what the sitemaps leave out.

The crawl goes breadth first, level by level, to ``depth`` links from the start, on
the start's own hosts only, through robots.txt and the scan's polite gate. It follows
only pages: links to files (PDFs, images…) and to other sites are not followed, nor
are those the include and exclude patterns turn away, and it stops at ``most`` pages,
so an endless calendar or a trap of query strings ends. Every page it reaches is a
candidate for the scan (which then fetches it again, conditionally when it was read
before: the crawl itself keeps no page).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from attribution.app.check import OVERLOADED
from attribution.app.discovery import Candidate
from attribution.errors import AttributionError, FetchError
from attribution.extract.links import page_links
from attribution.fetch.policy import url_host
from attribution.sources.filters import page_url_reason
from attribution.sources.sitemaps import MAX_LOC_LENGTH
from attribution.urls import canonical_url

if TYPE_CHECKING:
    from attribution.app.discovery import Discovery, Reader
    from attribution.app.parallel import HostGate
    from attribution.fetch.session import HttpSession

# The crawl's defaults: how many links deep from the start, and how many pages at most.
DEFAULT_DEPTH = 3
DEFAULT_MOST = 10_000


@dataclass(frozen=True)
class CrawlRules:
    """How far a crawl goes: ``depth`` links from its start, ``most`` pages, only URLs
    that match one of ``include`` (when any is given) and none of ``exclude`` (regular
    expressions searched in the whole URL)."""

    depth: int = DEFAULT_DEPTH
    most: int = DEFAULT_MOST
    include: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()

    def admits(self, url: str) -> bool:
        """Whether the patterns let ``url`` be crawled and checked (the operator's
        patterns see at most the length of URL a sitemap may list)."""
        url = url[:MAX_LOC_LENGTH]
        if self.include and not any(pattern.search(url) for pattern in self.include):
            return False
        return not any(pattern.search(url) for pattern in self.exclude)


def crawl(
    starts: Sequence[str],
    reader: Reader,
    gate: HostGate,
    rules: CrawlRules,
    found: Discovery,
    *,
    agent: str,
    workers: int,
) -> None:
    """Crawl from ``starts`` and add every page reached (and each page it links to
    that the rules admit but robots.txt disallows, for the scan to count) to ``found``.
    A page that cannot be fetched is added all the same: the scan's check of it says
    why it fails."""
    from attribution.fetch.session import make_session

    hosts = {(urlsplit(url).hostname or "").lower() for url in starts}
    seen: set[str] = set()
    level: list[str] = []
    for url in starts:
        found.add_host(url)
        reader.named_hosts.add(url_host(url) or "")
        if canonical_url(url) not in seen:
            seen.add(canonical_url(url))
            level.append(url)
    local = threading.local()
    sessions: list[HttpSession] = []
    lock = threading.Lock()

    def links_of(url: str) -> tuple[str, ...]:
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = make_session(reader.settings)
            with lock:
                sessions.append(session)
        return _links_of(url, reader, gate, session)

    try:
        with ThreadPoolExecutor(max(1, workers), thread_name_prefix="attribution-crawl") as pool:
            for depth in range(rules.depth + 1):
                allowed = [url for url in level if reader.rules_for(url).allows(url, agent)]
                reader.pace(gate)
                for url in level:  # the start is followed, and checked if admitted
                    if rules.admits(url):
                        found.add(Candidate(url))
                if depth == rules.depth or len(seen) >= rules.most:
                    return
                following: list[str] = []
                for links in pool.map(links_of, allowed):
                    for link in links:
                        key = canonical_url(link)
                        host = (urlsplit(link).hostname or "").lower()
                        if key in seen or host not in hosts or page_url_reason(link):
                            continue
                        if not rules.admits(link) or len(seen) >= rules.most:
                            continue
                        seen.add(key)
                        following.append(link)
                level = following
    finally:
        for session in sessions:
            session.close()


def _links_of(url: str, reader: Reader, gate: HostGate, session: HttpSession) -> tuple[str, ...]:
    """The links of the page at ``url``, fetched through the gate; none when it cannot
    be fetched or is not HTML."""
    from attribution.fetch.pages import fetch_page

    try:
        with gate.hold(url):
            page = fetch_page(url, reader.settings, session)
    except FetchError as error:
        if error.status in OVERLOADED:
            gate.back_off(url)
        return ()
    except AttributionError:
        return ()
    return page_links(page.body, page.url)
