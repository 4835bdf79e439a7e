"""Feeds as sites serve them (RSS 0.91 to 2.0, Atom, broken ones), and documents written
to hurt the reader: entity expansion, HTML pages, bodies that name local files.

Every document here is written by the test itself, as small as the case allows.
"""

from __future__ import annotations

import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest

import attribution.sources.feeds as feeds
from attribution.errors import SourceError
from attribution.sources.feeds import FeedEntry, parse_feed

FEED_URL = "https://news.example/section/feed/"


def rss(*items: str, declaration: str = '<?xml version="1.0" encoding="UTF-8"?>') -> bytes:
    return (
        f'{declaration}\n<rss version="2.0"><channel><title>News</title><link>https://news.example/</link>\n'
        + "\n".join(f"<item>{item}</item>" for item in items)
        + "\n</channel></rss>\n"
    ).encode()


def refused(body: bytes, **kwargs: int) -> str:
    with pytest.raises(SourceError) as caught:
        parse_feed(body, FEED_URL, **kwargs)
    assert caught.value.source == FEED_URL
    assert "\n" not in caught.value.reason
    return caught.value.reason


# --- dialects -----------------------------------------------------------------------------


def test_rss_2_gives_each_items_link_resolved_with_its_date_in_utc() -> None:
    body = rss(
        "<title>One</title><link>https://news.example/one</link><pubDate>Fri, 17 May 2024 09:15:00 +0200</pubDate>",
        "<title>Two</title><link> /two.html </link>",
        "<title>Three</title><link>../three</link><pubDate>not a date</pubDate>",
    )
    assert parse_feed(body, FEED_URL) == (
        FeedEntry("https://news.example/one", datetime(2024, 5, 17, 7, 15, tzinfo=UTC)),
        FeedEntry("https://news.example/two.html", None),
        FeedEntry("https://news.example/section/three", None),
    )


def test_atom_prefers_updated_to_published_and_resolves_against_xml_base() -> None:
    body = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://news.example/blog/">
  <title>Blog</title>
  <entry><title>A</title><link href="a-post"/>
    <published>2024-01-01T00:00:00Z</published><updated>2024-01-02T12:00:00-03:00</updated></entry>
  <entry><title>B</title><link rel="alternate" type="text/html" href="https://news.example/b"/>
    <link rel="enclosure" href="https://cdn.news.example/b.mp3"/><published>2024-01-03T00:00:00Z</published></entry>
  <entry><title>Only a podcast</title><link rel="enclosure" href="https://cdn.news.example/c.mp3"/></entry>
</feed>"""
    assert parse_feed(body, FEED_URL) == (
        FeedEntry("https://news.example/blog/a-post", datetime(2024, 1, 2, 15, tzinfo=UTC)),
        FeedEntry("https://news.example/b", datetime(2024, 1, 3, tzinfo=UTC)),
    )


def test_rss_1_reads_its_dublin_core_dates() -> None:
    body = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://news.example/"><title>News</title><link>https://news.example/</link></channel>
  <item rdf:about="https://news.example/r1"><title>R1</title><link>https://news.example/r1</link><dc:date>2024-02-10T08:00:00+01:00</dc:date></item>
</rdf:RDF>"""
    assert parse_feed(body, FEED_URL) == (
        FeedEntry("https://news.example/r1", datetime(2024, 2, 10, 7, tzinfo=UTC)),
    )


def test_rss_091_with_netscapes_doctype_is_read() -> None:
    # A DOCTYPE that only names an external DTD declares nothing here (and is not fetched).
    body = b"""<?xml version="1.0"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old</title><item><title>x</title><link>https://news.example/old</link></item></channel></rss>"""
    assert parse_feed(body, FEED_URL) == (FeedEntry("https://news.example/old"),)


def test_entries_without_a_web_link_are_skipped() -> None:
    body = rss(
        "<title>no link</title>",
        "<guid>https://news.example/permalink</guid>",  # a guid is a permalink by default
        '<guid isPermaLink="false">tag:news.example,2024:7</guid>',
        "<link>mailto:desk@news.example</link>",
        "<link>javascript:void(0)</link>",
        "<link>https://news.example/kept</link>",
    )
    assert [entry.url for entry in parse_feed(body, FEED_URL)] == [
        "https://news.example/permalink",
        "https://news.example/kept",
    ]


def test_a_feed_without_entries_gives_none() -> None:
    assert parse_feed(rss(), FEED_URL) == ()


def test_entries_past_the_limit_are_left_out() -> None:
    body = rss(*(f"<link>https://news.example/{n}</link>" for n in range(30)))
    entries = parse_feed(body, FEED_URL, max_entries=25)
    assert [entry.url for entry in entries] == [f"https://news.example/{n}" for n in range(25)]


# --- encodings and broken feeds -----------------------------------------------------------


def test_a_feed_is_read_in_the_encoding_it_declares_else_utf8() -> None:
    latin = rss(
        "<link>https://news.example/caf\xe9</link>",
        declaration='<?xml version="1.0" encoding="ISO-8859-1"?>',
    )
    latin = latin.decode().encode("latin-1")
    undeclared = rss("<link>https://news.example/café</link>", declaration="")
    utf16 = rss(
        "<link>https://news.example/café</link>",
        declaration='<?xml version="1.0" encoding="UTF-16"?>',
    )
    utf16 = utf16.decode().encode("utf-16")
    for body in (latin, undeclared, utf16):
        assert parse_feed(body, FEED_URL) == (FeedEntry("https://news.example/café"),)


def test_what_broken_servers_put_before_a_feed_is_tolerated() -> None:
    feed = rss("<link>https://news.example/a</link>")
    for body in (
        b"\xef\xbb\xbf\n\n   " + feed,  # a byte-order mark and white space before <?xml
        b"<br />\n<b>Warning</b>:  Undefined variable in <b>functions.php</b> on line <b>12</b><br />\n"
        + feed,
    ):
        assert parse_feed(body, FEED_URL) == (FeedEntry("https://news.example/a"),)


def test_a_feed_that_is_not_well_formed_is_read_leniently() -> None:
    body = rss(
        "<title>Salt & pepper</title><link>https://news.example/a</link>",
        "<link>https://news.example/b</link>",
    )
    assert [entry.url for entry in parse_feed(body, FEED_URL)] == [
        "https://news.example/a",
        "https://news.example/b",
    ]


# --- what is not a feed -------------------------------------------------------------------

HTML_PAGE = "not a feed: the address answered with an HTML page"


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE html>\n<html lang='en'><head><title>Moved</title></head><body><a href='/feed'>feed</a></body></html>",
        b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head><body/></html>',
        b"<html lang=en><head><meta charset=utf-8><title>Sorry</title><body><p>Oops<br></body>",
        b"<!-- cache: hit --><HTML><BODY>Maintenance</BODY></HTML>",
    ],
)
def test_an_html_page_is_named_as_such(body: bytes) -> None:
    assert refused(body) == HTML_PAGE


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "not a feed: the body is empty"),
        (b"\n \n", "not a feed: the body is empty"),
        (b"Service unavailable", "not a feed: neither RSS nor Atom"),
        (bytes(range(256)) * 8, "not a feed: neither RSS nor Atom"),
        (
            b"<?xml version='1.0'?><catalog><book/></catalog>",
            "not a feed: neither RSS nor Atom (its root element is <catalog>)",
        ),
        (
            b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://news.example/</loc></url></urlset>',
            "not a feed: it is a sitemap (<urlset>)",
        ),
    ],
)
def test_what_is_not_a_feed_is_refused_in_one_line(body: bytes, reason: str) -> None:
    assert refused(body) == reason


def test_a_body_larger_than_the_limit_is_refused() -> None:
    body = rss(*(f"<link>https://news.example/{n}</link>" for n in range(100)))
    assert (
        refused(body, max_bytes=len(body) - 1)
        == f"refused: the feed is larger than {len(body) - 1:,} bytes"
    )
    assert len(parse_feed(body, FEED_URL, max_bytes=len(body))) == 100


def test_a_body_is_never_taken_for_the_name_of_a_file(tmp_path: Path) -> None:
    # Given bytes, feedparser opens them as a file name when a file of that name exists.
    local = tmp_path / "secret-feed.xml"
    local.write_bytes(rss("<link>https://news.example/from-a-local-file</link>"))
    with pytest.raises(SourceError):
        parse_feed(str(local).encode(), FEED_URL)


# --- entities -----------------------------------------------------------------------------

LAUGHS = "".join(
    [
        '<!ENTITY a "aaaaaaaaaa">',
        *(
            f'<!ENTITY {name} "{("&" + previous + ";") * 10}">'
            for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
        ),
    ]
)


def _laughs(separator: str) -> str:
    return separator.join(LAUGHS.replace("><", ">\n<").splitlines())


@pytest.mark.parametrize(
    "body",
    [
        # one declaration a line: feedparser's pattern drops them itself
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n{_laughs(chr(10))}\n]>\n<rss version="2.0"><channel><item><title>&i;</title><link>https://news.example/&i;</link></item></channel></rss>'.encode(),
        # all on one line: feedparser's pattern misses them and its XML parser expands them
        f'<?xml version="1.0"?><!DOCTYPE rss [{_laughs("")}]><rss version="2.0"><channel><item><title>&i;</title><link>https://news.example/&i;</link></item></channel></rss>'.encode(),
        # the same in UTF-16, where the bytes of "<!ENTITY" are not what they are in UTF-8
        f'<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE rss [{_laughs("")}]><rss version="2.0"><channel><item><title>&i;</title></item></channel></rss>'.encode(
            "utf-16"
        ),
        # parameter entities, which would be expanded inside the DTD itself
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % p "<!ENTITY x \'xxxxxxxxxx\'>"> %p;]><rss version="2.0"><channel><item><title>&x;</title></item></channel></rss>',
        # an external entity: a local file's content in a link
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><item><link>https://news.example/&x;</link></item></channel></rss>',
        # a declaration in a comment, which feedparser's pattern finds and puts back in a DTD
        b'<?xml version="1.0"?>\n<!--\n<!ENTITY big "'
        + b"x" * 5000
        + b'">\n-->\n<!DOCTYPE rss>\n<rss version="2.0"><channel><item><title>&big;&big;&big;</title></item></channel></rss>',
        # not XML before its first element, with a declaration further on
        b'<broken <<\n<!DOCTYPE rss [\n<!ENTITY big "xxxxxxxxxxxxxxxxxxxxxxxx">\n]>\n<rss version="2.0"><channel><item><title>&big;</title></item></channel></rss>',
    ],
    ids=[
        "billion-laughs-lines",
        "billion-laughs-inline",
        "billion-laughs-utf16",
        "parameter-entity",
        "external-entity",
        "in-a-comment",
        "broken-prolog",
    ],
)
def test_a_feed_that_declares_entities_is_refused_before_feedparser_reads_it(
    body: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("feedparser was given a feed that declares entities")

    monkeypatch.setattr(feeds.feedparser, "parse", never)
    tracemalloc.start()
    try:
        reason = refused(body)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reason == "refused: the feed declares entities (DTD)"
    assert peak < 2 * 1024 * 1024  # the billion laughs would be a gigabyte


def test_a_feed_that_only_mentions_entities_in_its_content_is_read() -> None:
    body = rss(
        "<title>XML security</title><link>https://news.example/xml</link>"
        '<description><![CDATA[Never expand <!ENTITY lol "lol"> declarations.]]></description>'
    )
    assert parse_feed(body, FEED_URL) == (FeedEntry("https://news.example/xml"),)
