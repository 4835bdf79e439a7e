"""The loopback publisher's site the scan tests run against (tests/scansite.py) serves
what its documentation says: articles of their own, sitemaps, feeds, robots.txt,
conditional requests, the request log and each hostile route."""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.client
import io
import itertools
import os
import re
import socket
import threading
import time
import xml.etree.ElementTree as ElementTree
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

import defusedxml.ElementTree as SafeElementTree
import exifread
import feedparser
import pytest
from defusedxml import EntitiesForbidden
from protego import Protego
from scansite import PAGES_DIR, ExpectedImage, RobotsMode, ScanSite

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
IMAGE = "{http://www.google.com/schemas/sitemap-image/1.1}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
MIB = 1024 * 1024
StartSite = Callable[..., ScanSite]


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def fetch(
    site: ScanSite, path: str, headers: dict[str, str] | None = None, method: str = "GET"
) -> Answer:
    """One request on a connection of its own, the whole body read."""
    connection = http.client.HTTPConnection(site.host, site.port, timeout=10)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


@contextlib.contextmanager
def opened(site: ScanSite, path: str) -> Iterator[http.client.HTTPResponse]:
    """A response whose body the test reads as far as it likes (then hangs up)."""
    connection = http.client.HTTPConnection(site.host, site.port, timeout=10)
    try:
        connection.request("GET", path)
        yield connection.getresponse()
    finally:
        connection.close()


def locs(xml: bytes) -> list[str]:
    return [element.text or "" for element in ElementTree.fromstring(xml).iter(f"{SITEMAP}loc")]


# --- the articles ------------------------------------------------------------------------


def test_each_article_is_its_own_document_made_from_a_project_page(scan_site: ScanSite) -> None:
    site = scan_site
    assert site.page_numbers == list(range(1, 13))
    bodies, titles, image_urls = set(), set(), []
    for n in site.page_numbers:
        path = site.page_path(n)
        year, slug = re.fullmatch(r"/news/(\d{4})/([a-z-]+-\d+)\.html", path).groups()  # type: ignore[union-attr]
        assert int(year) == site.published(n).year and slug.endswith(f"-{n}")
        answer = fetch(site, path)
        assert answer.status == 200
        assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
        html = answer.body.decode()
        template = (PAGES_DIR / f"{site.template(n)}.html").read_text("utf-8")
        assert html != template and len(html) > 5000  # a whole article page, not a stub
        assert f'rel="canonical" href="{site.page_url(n)}"' in html
        assert f"(story {n})" in site.title(n) and site.title(n) in html
        assert site.published(n).isoformat(timespec="seconds") in html
        for image in site.expected_images(n):
            assert image.url in html and image.url.startswith(f"{site.base}/images/{n}-")
            image_urls.append(image.url)
        bodies.add(answer.body)
        titles.add(site.title(n))
    assert len(bodies) == len(titles) == 12
    assert len(set(image_urls)) == len(image_urls)  # no picture on two pages
    assert {site.template(n) for n in site.page_numbers} == {
        "newspack-local",
        "seed-article",
        "wp-block",
        "drupal-rel-license",
    }
    assert site.non_commercial_pages() == [2, 6, 10]
    assert [site.published(n) for n in site.page_numbers] == sorted(
        site.published(n) for n in site.page_numbers
    )
    assert site.newest(3) == [12, 11, 10]


def test_the_checker_finds_each_page_s_own_pictures_credits_and_errors(
    scan_site_factory: StartSite,
) -> None:
    from attribution.app.check import CheckOptions, check_targets

    site = scan_site_factory(pages=4)  # one page of each template
    outcome = check_targets(
        site.page_urls(), CheckOptions(record=False, isolate=False, read_images=True)
    )
    assert len(outcome.pages) == 4
    for n, page in zip(site.page_numbers, outcome.pages, strict=True):
        expected = site.expected_images(n)
        assert page.url == site.page_url(n)
        assert [result.image.src for result in page.images] == [image.url for image in expected]
        for result, image in zip(page.images, expected, strict=True):
            rules = {finding.rule for finding in result.findings}
            assert (result.credit.text if result.credit else None) == image.credit
            assert (result.credit.licence if result.credit else None) == image.licence
            assert ("nc-commercial-use" in rules) == image.non_commercial
            assert "metadata-conflict" not in rules  # the files agree with the credits
            assert "image-unreadable" not in rules
            if image.embedded is not None and image.embedded.artist:
                assert result.embedded is not None
                assert image.embedded.artist in result.embedded.names
    newspack = outcome.pages[0]
    assert not [f for result in newspack.images for f in result.findings]  # a clean page
    user_agents = {headers.get("User-Agent", "") for _, _, _, headers in site.requests}
    assert all(agent.startswith("attribution/") for agent in user_agents)


def test_pictures_are_real_jpegs_carrying_their_credit(scan_site: ScanSite) -> None:
    site = scan_site
    lead = site.expected_images(2)[0]
    answer = fetch(site, lead.url.removeprefix(site.base))
    assert answer.status == 200 and answer.headers["Content-Type"] == "image/jpeg"
    assert answer.body.startswith(b"\xff\xd8") and answer.body.endswith(b"\xff\xd9")
    tags = exifread.process_file(io.BytesIO(answer.body), details=False)
    assert str(tags["Image Artist"]) == "arctic penguin"
    assert b"creativecommons.org/licenses/by-nc/2.0/" in answer.body  # its XMP licence
    # every size of a picture is the same file; each page's files are its own
    assert fetch(site, "/images/2-1.jpg").body == answer.body
    assert fetch(site, "/images/6-1-1024x683.jpg").body != answer.body
    assert fetch(site, "/images/2-9.jpg").status == 404
    assert fetch(site, "/images/99-1.jpg").status == 404
    uncredited = site.expected_images(3)[5]
    assert uncredited.credit is None and uncredited.embedded is None


def test_home_page_links_to_articles_feeds_and_calendar(scan_site: ScanSite) -> None:
    html = fetch(scan_site, "/").body.decode()
    assert all(f'href="{scan_site.page_path(n)}"' in html for n in scan_site.page_numbers)
    assert 'type="application/rss+xml"' in html and 'href="/atom.xml"' in html
    assert 'href="/calendar/2024/01/"' in html


# --- validators and changes -------------------------------------------------------------


def test_pages_answer_conditional_requests_with_304(scan_site: ScanSite) -> None:
    site, path = scan_site, scan_site.page_path(5)
    first = fetch(site, path)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag == site.page_etag(5) and not etag.startswith("W/")
    assert parsedate_to_datetime(modified) == site.last_modified(5)
    for headers in (
        {"If-None-Match": etag},
        {"If-None-Match": f'"other", {etag}'},
        {"If-None-Match": "*"},
        {"If-Modified-Since": modified},
        {"If-None-Match": etag, "If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"},
    ):
        answer = fetch(site, path, headers)
        assert (answer.status, answer.body) == (304, b""), headers
        assert answer.headers["ETag"] == etag
    earlier = format_datetime(site.last_modified(5).replace(year=2020), usegmt=True)
    for headers in (
        {"If-None-Match": '"other"'},
        {"If-Modified-Since": earlier},
        {"If-Modified-Since": "not a date"},
        {"If-None-Match": '"other"', "If-Modified-Since": modified},  # If-None-Match wins
    ):
        assert fetch(site, path, headers).status == 200, headers
    head = fetch(site, path, method="HEAD")
    assert head.status == 200 and head.body == b""
    assert int(head.headers["Content-Length"]) == len(first.body)
    assert [status for _, _, status, _ in site.requests] == [200, *[304] * 5, *[200] * 5]


def sitemap_lastmod(site: ScanSite, n: int) -> str:
    older = gzip.decompress(fetch(site, "/sitemaps/news-1.xml.gz").body)
    for xml in (older, fetch(site, "/sitemaps/news-2.xml").body):
        for url in ElementTree.fromstring(xml).iter(f"{SITEMAP}url"):
            if url.findtext(f"{SITEMAP}loc") == site.page_url(n):
                return url.findtext(f"{SITEMAP}lastmod") or ""
    raise AssertionError(f"page {n} is in no sitemap")


def test_a_change_gives_new_bytes_validators_and_lastmod(scan_site: ScanSite) -> None:
    site = scan_site
    before = {n: fetch(site, site.page_path(n)) for n in site.page_numbers}
    lastmod = sitemap_lastmod(site, 12)
    site.change(12)
    after = fetch(site, site.page_path(12), {"If-None-Match": before[12].headers["ETag"]})
    assert after.status == 200 and after.body != before[12].body
    assert b"revision 1" in after.body
    assert after.headers["ETag"] != before[12].headers["ETag"]
    assert parsedate_to_datetime(after.headers["Last-Modified"]) > parsedate_to_datetime(
        before[12].headers["Last-Modified"]
    )
    assert sitemap_lastmod(site, 12) == site.last_modified(12).isoformat() != lastmod
    atom = feedparser.parse(fetch(site, "/atom.xml").body)
    assert atom.entries[0].updated == site.last_modified(12).isoformat()
    # a rescan: 304 for the eleven others, 200 for the changed one
    site.clear_log()
    for n in site.page_numbers:
        fetch(site, site.page_path(n), {"If-None-Match": before[n].headers["ETag"]})
    assert [(n, entry.status) for n, entry in site.article_requests()] == [
        *((n, 304) for n in range(1, 12)),
        (12, 200),
    ]


def test_a_touch_gives_new_validators_but_the_same_bytes(scan_site: ScanSite) -> None:
    site = scan_site
    before = fetch(site, site.page_path(3))
    lastmod = sitemap_lastmod(site, 3)
    site.touch_without_change(3)
    for headers in (
        {"If-None-Match": before.headers["ETag"]},
        {"If-Modified-Since": before.headers["Last-Modified"]},
    ):
        after = fetch(site, site.page_path(3), headers)
        assert after.status == 200 and after.body == before.body
        assert after.headers["ETag"] != before.headers["ETag"]
        assert after.headers["Last-Modified"] != before.headers["Last-Modified"]
    assert sitemap_lastmod(site, 3) != lastmod


def test_without_validators_only_the_bytes_tell(scan_site_factory: StartSite) -> None:
    site = scan_site_factory(pages=3, validators=False)
    first = fetch(site, site.page_path(1))
    assert "ETag" not in first.headers and "Last-Modified" not in first.headers
    again = fetch(
        site,
        site.page_path(1),
        {"If-None-Match": "*", "If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"},
    )
    assert again.status == 200 and again.body == first.body
    sitemap = fetch(site, "/sitemaps/news-2.xml")
    assert b"<lastmod>" not in sitemap.body and "ETag" not in sitemap.headers
    assert b"<lastmod>" not in fetch(site, "/sitemap_index.xml").body
    site.touch_without_change(1)
    assert fetch(site, site.page_path(1)).body == first.body
    site.change(1)
    assert fetch(site, site.page_path(1)).body != first.body


# --- robots.txt ----------------------------------------------------------------------------


def test_robots_txt_allows_all_but_private_and_names_the_sitemaps(scan_site: ScanSite) -> None:
    site = scan_site
    answer = fetch(site, "/robots.txt")
    assert answer.status == 200 and answer.headers["Content-Type"].startswith("text/plain")
    robots = Protego.parse(answer.body.decode())
    assert robots.can_fetch(site.page_url(1), "attribution")
    assert not robots.can_fetch(site.private_url, "attribution")
    assert robots.crawl_delay("attribution") is None
    assert list(robots.sitemaps) == [site.url("/sitemap_index.xml"), site.url("/sitemap-news.xml")]


def test_robots_txt_crawl_delay_and_rules_are_configurable(scan_site_factory: StartSite) -> None:
    site = scan_site_factory(pages=1, crawl_delay=2.5, disallow=("/news/", "/private/"))
    robots = Protego.parse(fetch(site, "/robots.txt").body.decode())
    assert robots.crawl_delay("attribution") == 2.5
    assert not robots.can_fetch(site.page_url(1), "attribution")


@pytest.mark.parametrize(
    ("mode", "status"),
    [
        (RobotsMode.HUGE, 200),
        (RobotsMode.GARBAGE, 200),
        (RobotsMode.HTML, 200),
        (RobotsMode.MISSING, 404),
        (RobotsMode.UNAVAILABLE, 503),
    ],
)
def test_robots_txt_misbehaves_as_asked(
    scan_site_factory: StartSite, mode: RobotsMode, status: int
) -> None:
    site = scan_site_factory(pages=1, robots=mode)
    answer = fetch(site, "/robots.txt")
    assert answer.status == status
    kind = answer.headers["Content-Type"]
    if mode is RobotsMode.HUGE:
        assert len(answer.body) > MIB and kind.startswith("text/plain")
        start = answer.body[: 500 * 1024].decode()  # what a reader must parse
        assert "Sitemap:" not in start and answer.body.rstrip().endswith(b"sitemap-news.xml")
        rules = Protego.parse(start[: start.index("\n", 16 * 1024)])  # the group comes first
        assert not rules.can_fetch(site.private_url, "attribution")
    elif mode is RobotsMode.GARBAGE:
        assert b"\x00" in answer.body and kind.startswith("text/plain")
        with pytest.raises(UnicodeDecodeError):
            answer.body.decode()
    elif mode is RobotsMode.HTML:
        assert kind.startswith("text/html") and answer.body.startswith(b"<!DOCTYPE html>")


# --- sitemaps and feeds ------------------------------------------------------------------


def test_the_sitemaps_list_every_article_with_lastmod_and_pictures(scan_site: ScanSite) -> None:
    site = scan_site
    index = fetch(site, "/sitemap_index.xml")
    assert index.headers["Content-Type"] == "application/xml"
    assert ElementTree.fromstring(index.body).tag == f"{SITEMAP}sitemapindex"
    assert locs(index.body) == [
        site.url("/sitemaps/news-1.xml.gz"),
        site.url("/sitemaps/news-2.xml"),
    ]
    again = fetch(site, "/sitemap_index.xml", {"If-None-Match": index.headers["ETag"]})
    assert again.status == 304  # sitemaps have validators too
    packed = fetch(site, "/sitemaps/news-1.xml.gz")
    assert packed.headers["Content-Type"] == "application/gzip"
    assert "Content-Encoding" not in packed.headers and packed.body[:2] == b"\x1f\x8b"
    older, newer = gzip.decompress(packed.body), fetch(site, "/sitemaps/news-2.xml").body
    assert locs(older) == site.page_urls()[:6]
    extras = [site.private_url, site.pdf_url, site.jpeg_url]
    assert locs(newer) == site.page_urls()[6:] + extras
    for xml in (older, newer):
        for url in ElementTree.fromstring(xml).iter(f"{SITEMAP}url"):
            assert url.findtext(f"{SITEMAP}lastmod")
    # pictures of the pages whose credits name a licence, with caption and licence
    entry = next(
        url
        for url in ElementTree.fromstring(older).iter(f"{SITEMAP}url")
        if url.findtext(f"{SITEMAP}loc") == site.page_url(2)
    )
    pictures = entry.findall(f"{IMAGE}image")
    assert [p.findtext(f"{IMAGE}loc") for p in pictures] == [i.url for i in site.expected_images(2)]
    assert pictures[0].findtext(f"{IMAGE}caption") == site.expected_images(2)[0].caption
    assert pictures[0].findtext(f"{IMAGE}license") == site.expected_images(2)[0].licence_url
    assert not ElementTree.fromstring(older).find(f"{SITEMAP}url").findall(f"{IMAGE}image")  # type: ignore[union-attr]
    pdf, photo = (
        fetch(site, "/files/annual-report-2023.pdf"),
        fetch(site, "/media/harbour-panorama.jpg"),
    )
    assert pdf.headers["Content-Type"] == "application/pdf" and pdf.body.startswith(b"%PDF-1.4")
    assert pdf.body.rstrip().endswith(b"%%EOF")
    assert photo.headers["Content-Type"] == "image/jpeg" and photo.body[:2] == b"\xff\xd8"


def test_the_google_news_sitemap_lists_the_newest_articles(scan_site: ScanSite) -> None:
    site = scan_site
    root = ElementTree.fromstring(fetch(site, "/sitemap-news.xml").body)
    entries = root.findall(f"{SITEMAP}url")
    assert [e.findtext(f"{SITEMAP}loc") for e in entries] == [
        site.page_url(n) for n in (12, 11, 10)
    ]
    news = entries[0].find(f"{NEWS}news")
    assert news is not None
    assert news.findtext(f"{NEWS}publication_date") == site.published(12).isoformat()
    assert news.findtext(f"{NEWS}title") == site.title(12)
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "en"


def test_the_feeds_list_the_newest_articles_with_dates(scan_site: ScanSite) -> None:
    site = scan_site
    newest = [site.page_url(n) for n in site.newest(5)]
    for path, kind in (("/feed.xml", "rss20"), ("/atom.xml", "atom10")):
        feed = feedparser.parse(fetch(site, path).body)
        assert not feed.bozo and feed.version == kind
        assert [entry.link for entry in feed.entries] == newest
        assert [entry.title for entry in feed.entries] == [site.title(n) for n in site.newest(5)]
        assert all(entry.published_parsed for entry in feed.entries)


def test_the_html_page_where_a_feed_was_expected(scan_site: ScanSite) -> None:
    answer = fetch(scan_site, "/hostile/feed.html")
    assert answer.headers["Content-Type"].startswith("text/html")
    assert answer.body.startswith(b"<!DOCTYPE html>")
    assert not feedparser.parse(answer.body).entries


def test_the_private_page_is_disallowed_but_served(scan_site: ScanSite) -> None:
    robots = Protego.parse(fetch(scan_site, "/robots.txt").body.decode())
    assert not robots.can_fetch(scan_site.private_url, "*")
    assert fetch(scan_site, "/private/staff-rota.html").status == 200
    assert scan_site.count("/private/staff-rota.html") == 1  # the log tells who asked


# --- the log -------------------------------------------------------------------------------


def test_the_log_records_each_request_in_order(scan_site: ScanSite) -> None:
    site = scan_site
    connection = http.client.HTTPConnection(site.host, site.port, timeout=10)
    try:  # three requests on one kept-alive connection
        for path in ("/robots.txt", site.page_path(1), "/missing"):
            connection.request(
                "GET", path, headers={"User-Agent": "attribution/0.1 (+https://x.example/bot)"}
            )
            connection.getresponse().read()
        assert connection.sock is not None  # still open
    finally:
        connection.close()
    log = site.requests
    assert [(method, path, status) for method, path, status, _ in log] == [
        ("GET", "/robots.txt", 200),
        ("GET", site.page_path(1), 200),
        ("GET", "/missing", 404),
    ]
    headers = log[0].headers
    assert (
        headers["user-agent"] == headers["User-Agent"] == "attribution/0.1 (+https://x.example/bot)"
    )
    assert "USER-AGENT" in headers and headers.get("Cookie") is None
    assert site.request_times == sorted(site.request_times) == [entry.started for entry in log]
    assert site.paths()[0] == "/robots.txt" and site.max_in_flight == 1
    site.clear_log()
    assert site.requests == [] and site.max_in_flight == 0


def wait_until(condition: Callable[[], bool], seconds: float = 60) -> None:
    """Poll ``condition`` until it holds (failing after ``seconds``, long enough for any
    machine: only a broken site takes that long)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the site never got there"
        time.sleep(0.01)


def test_requests_in_flight_are_counted(scan_site_factory: StartSite) -> None:
    site = scan_site_factory(pages=1, drip_interval=0.05)
    responses = []
    with contextlib.ExitStack() as stack:
        for _ in range(3):  # three pages being dripped at once
            responses.append(stack.enter_context(opened(site, "/drip.html")))
        wait_until(lambda: site.in_flight == 3)
    wait_until(lambda: site.in_flight == 0)  # the clients hung up
    assert site.max_in_flight == 3
    assert [status for _, _, status, _ in site.requests] == [200] * 3


def test_the_gaps_between_requests_are_measured(scan_site_factory: StartSite) -> None:
    site = scan_site_factory(pages=3, latency=0.1)
    connection = http.client.HTTPConnection(site.host, site.port, timeout=10)
    try:  # one after the other on one connection: each waits for the answer before
        for n in site.page_numbers:
            connection.request("GET", site.page_path(n))
            connection.getresponse().read()
    finally:
        connection.close()
    times = site.request_times
    assert len(times) == 3 and site.max_in_flight == 1
    assert all(later - earlier >= 0.1 for earlier, later in itertools.pairwise(times))


# --- hostile sources -------------------------------------------------------------------------


def test_the_billion_laughs_sitemap(scan_site: ScanSite) -> None:
    body = fetch(scan_site, "/hostile/entities.xml").body
    assert len(body) < 2048
    declared = dict(re.findall(rb'<!ENTITY (\w+) "([^"]*)">', body))
    assert len(declared) == 10 and b"&lol9;" in body.split(b"]>")[1]

    @functools.cache
    def expanded(name: bytes) -> int:  # the size the innermost reference would reach
        value = declared[name]
        inner = re.findall(rb"&(\w+);", value)
        return len(re.sub(rb"&\w+;", b"", value)) + sum(expanded(ref) for ref in inner)

    assert expanded(b"lol9") == 3 * 10**9
    with pytest.raises(EntitiesForbidden):
        SafeElementTree.fromstring(body)


def test_the_external_entity_sitemap(scan_site: ScanSite) -> None:
    body = fetch(scan_site, "/hostile/external-entity.xml").body
    assert b'<!ENTITY secret SYSTEM "file:///etc/passwd">' in body
    assert b"<loc>&secret;</loc>" in body
    with pytest.raises(EntitiesForbidden):
        SafeElementTree.fromstring(body)


def test_the_sitemap_of_50001_urls(scan_site: ScanSite) -> None:
    addresses = locs(fetch(scan_site, "/hostile/many.xml").body)
    assert len(addresses) == len(set(addresses)) == 50_001
    assert fetch(scan_site, addresses[0].removeprefix(scan_site.base)).status == 404


def test_the_huge_sitemap_is_streamed_and_never_held(scan_site: ScanSite) -> None:
    with opened(scan_site, "/hostile/huge.xml") as response:
        assert response.getheader("Transfer-Encoding") == "chunked"
        assert response.getheader("Content-Length") is None
        start = response.read(MIB)
    assert start.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<urlset')
    assert start.count(b"<url><loc>") > 10_000
    sizes = [len(chunk) for chunk in scan_site.huge_chunks()]
    assert sum(sizes) > 51 * MIB > 50_000_000 and max(sizes) < MIB  # made a chunk at a time


def test_the_gzip_bomb_is_small_and_inflates_past_a_gigabyte(scan_site: ScanSite) -> None:
    compressed, inflated = scan_site.bomb_sizes()
    assert compressed < 2 * MIB and inflated > 1024 * MIB
    with opened(scan_site, "/hostile/huge.xml.gz") as response:
        assert response.getheader("Content-Type") == "application/gzip"
        assert int(response.getheader("Content-Length") or 0) == compressed
        head = response.read(32 * 1024)
    inflater = zlib.decompressobj(31)
    first = inflater.decompress(head[:4096], 4096)
    assert first.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<urlset')
    total, pending = len(first), inflater.unconsumed_tail + head[4096:]
    while pending:  # inflated in bounded steps, as a careful reader would
        total += len(inflater.decompress(pending, 8 * MIB))
        pending = inflater.unconsumed_tail
    assert total > 30 * MIB  # 32 KiB became more than 30 MiB


def test_a_small_bomb_is_a_whole_valid_gzip_file(scan_site_factory: StartSite) -> None:
    site = scan_site_factory(pages=1, bomb_mib=3)
    body = fetch(site, "/hostile/huge.xml.gz").body
    assert len(body) == site.bomb_sizes()[0]
    inflated = gzip.decompress(body)  # checks the CRC and the length in the trailer
    assert len(inflated) == site.bomb_sizes()[1] > 3 * MIB
    assert locs(inflated) == [site.page_url(1)]


def test_sitemap_indexes_that_loop(scan_site: ScanSite) -> None:
    site = scan_site
    assert locs(fetch(site, "/hostile/loop-a.xml").body) == [site.url("/hostile/loop-b.xml")]
    assert locs(fetch(site, "/hostile/loop-b.xml").body) == [site.url("/hostile/loop-a.xml")]
    root = ElementTree.fromstring(fetch(site, "/hostile/self.xml").body)
    assert root.tag == f"{SITEMAP}sitemapindex"
    assert locs(fetch(site, "/hostile/self.xml").body) == [site.url("/hostile/self.xml")]


def test_redirects_offsite_in_a_loop_and_to_an_article(scan_site_factory: StartSite) -> None:
    site = scan_site_factory(pages=3)
    offsite = fetch(site, "/redirect/offsite")
    assert offsite.status == 302
    host = offsite.headers["Location"].split("/")[2]
    assert host.endswith(".invalid")
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo(host, 80)
    assert fetch(site, "/redirect/loop").headers["Location"] == "/redirect/loop-b"
    assert fetch(site, "/redirect/loop-b").headers["Location"] == "/redirect/loop"
    moved = fetch(site, "/redirect/news/2")
    assert (moved.status, moved.headers["Location"]) == (301, site.page_path(2))
    assert fetch(site, "/redirect/news/9").status == 404
    private = scan_site_factory(pages=1, offsite_url="http://127.0.0.2:9/elsewhere.html")
    assert (
        fetch(private, "/redirect/offsite").headers["Location"]
        == "http://127.0.0.2:9/elsewhere.html"
    )


def test_the_calendar_never_ends(scan_site: ScanSite) -> None:
    path, seen = "/calendar/2024/11/", []
    for _ in range(40):  # forty months on, across years, and never a last one
        html = fetch(scan_site, path).body.decode()
        seen.append(path)
        path = re.search(r'<a rel="next" href="([^"]+)"', html)[1]  # type: ignore[index]
    assert (
        seen[1:3] == ["/calendar/2024/12/", "/calendar/2025/01/"] and path == "/calendar/2028/03/"
    )
    html = fetch(scan_site, "/calendar/2024/01/").body.decode()
    assert '<a rel="prev" href="/calendar/2023/12/">' in html
    assert fetch(scan_site, "/calendar/2024/13/").status == 404


def test_a_storm_of_429_then_the_page(scan_site_factory: StartSite) -> None:
    site = scan_site_factory(pages=1, storm_failures=3)
    answers = [fetch(site, "/storm/1.html") for _ in range(4)]
    assert [a.status for a in answers] == [429, 429, 429, 200]
    assert all(a.headers["Retry-After"] == "1" for a in answers[:3])
    assert b"Storm story 1" in answers[3].body
    assert fetch(site, "/storm/2.html").status == 429  # each address has its own storm
    assert locs(fetch(site, "/hostile/storm.xml").body) == [
        site.url(f"/storm/{n}.html") for n in (1, 2, 3)
    ]


def test_the_slow_page_answers_late(scan_site_factory: StartSite) -> None:
    site = scan_site_factory(pages=1, slow_delay=0.3)
    started = time.monotonic()
    answer = fetch(site, "/slow.html")
    assert time.monotonic() - started >= 0.3
    assert answer.status == 200 and b"Slow story" in answer.body


def test_the_drip_page_sends_a_byte_at_a_time(scan_site_factory: StartSite) -> None:
    site = scan_site_factory(pages=1, drip_interval=0.05)
    started = time.monotonic()  # before the request: the first byte cannot come earlier
    with opened(site, "/drip.html") as response:
        length = int(response.getheader("Content-Length") or 0)
        first = b"".join(response.read(1) for _ in range(6))
        elapsed = time.monotonic() - started
    assert length > 100 and first == b"<!DOCT"
    assert elapsed >= 5 * 0.05  # six bytes, five waits between them


def test_the_oversize_page_is_streamed_with_its_length(scan_site: ScanSite) -> None:
    head = fetch(scan_site, "/oversize.html", method="HEAD")
    assert int(head.headers["Content-Length"]) > 10 * MIB and head.body == b""
    with opened(scan_site, "/oversize.html") as response:
        assert int(response.getheader("Content-Length") or 0) > 10 * MIB
        start = response.read(64 * 1024)
    assert start.startswith(b"<!DOCTYPE html>") and b"Filler words" in start


# --- life ----------------------------------------------------------------------------------


def open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc/self/fd")
def test_stopping_leaves_no_thread_or_socket_behind() -> None:
    threads, descriptors = set(threading.enumerate()), open_descriptors()
    site = ScanSite(pages=2, slow_delay=60, drip_interval=0.05).start()
    port = site.port
    idle = http.client.HTTPConnection(site.host, port, timeout=10)  # kept alive, unused
    idle.request("GET", site.page_path(1))
    idle.getresponse().read()
    dripping = http.client.HTTPConnection(site.host, port, timeout=10)
    dripping.request("GET", "/drip.html")
    dripping.getresponse().read(2)
    outcome: list[object] = []

    def wait_for_slow_page() -> None:
        try:
            outcome.append(fetch(site, "/slow.html").status)
        except (http.client.HTTPException, OSError) as error:
            outcome.append(error)

    waiting = threading.Thread(target=wait_for_slow_page)
    waiting.start()
    wait_until(lambda: site.in_flight == 2)  # the drip and the slow page are being answered
    site.stop()
    waiting.join()
    assert isinstance(outcome[0], (http.client.HTTPException, OSError))  # never answered
    idle.close()
    dripping.close()
    assert not set(threading.enumerate()) - threads
    assert open_descriptors() <= descriptors
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    site.stop()  # stopping twice is harmless


def test_the_fixture_yields_a_started_site(scan_site: ScanSite) -> None:
    assert scan_site.base.startswith("http://127.0.0.1:")
    assert fetch(scan_site, "/").status == 200
    assert isinstance(scan_site.expected_images(1)[0], ExpectedImage)
