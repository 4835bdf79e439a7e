"""Which URLs that sitemaps and feeds list are pages to check, and which are URLs at all."""

from __future__ import annotations

import pytest

from attribution.sources.filters import absolute_http_url, page_url_reason
from attribution.sources.sniff import content_start, looks_like_html


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://news.example/annual-report.pdf", "not a page (.pdf)"),
        ("https://news.example/files/Report.PDF?download=1#p2", "not a page (.pdf)"),
        ("https://cdn.news.example/photo.jpeg", "not a page (.jpeg)"),
        ("https://cdn.news.example/clip.mp4", "not a page (.mp4)"),
        ("https://cdn.news.example/podcast/episode-12.mp3", "not a page (.mp3)"),
        ("https://news.example/data/budget.xlsx", "not a page (.xlsx)"),
        ("https://news.example/press-kit.zip", "not a page (.zip)"),
        ("https://news.example/sitemap-2.xml.gz", "not a page (.gz)"),
        ("https://news.example/feed.rss", "not a page (.rss)"),
        ("https://news.example/api/items.json", "not a page (.json)"),
        ("https://news.example/caf%C3%A9.PNG", "not a page (.png)"),
        ("https://news.example/story.html", None),
        ("https://news.example/story.php?id=3", None),
        ("https://news.example/2024/05/story/", None),
        ("https://news.example/2024/05/story", None),
        ("https://news.example/article?file=report.pdf", None),
        ("https://news.example/v1.2/story", None),
        ("https://news.example/story.with.dots.in.a-long-title", None),
        ("https://news.example/.pdf", None),
        ("https://news.example/", None),
        ("https://[::1", None),
    ],
)
def test_urls_that_are_not_pages_are_told_by_their_extension(url: str, reason: str | None) -> None:
    assert page_url_reason(url) == reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  https://news.example/a?b=c  ", "https://news.example/a?b=c"),
        ("HTTP://news.example", "HTTP://news.example"),
        ("https://news.example:8443/a", "https://news.example:8443/a"),
        ("/relative", None),
        ("news.example/a", None),
        ("mailto:desk@news.example", None),
        ("javascript:alert(1)", None),
        ("https://", None),
        ("https://news.example/a b", None),
        ("https://news.example/\x00", None),
        ("https://news.example:port/", None),
        ("https://[::1/", None),
    ],
)
def test_absolute_http_urls(text: str, expected: str | None) -> None:
    assert absolute_http_url(text) == expected


@pytest.mark.parametrize(
    ("data", "start"),
    [
        (b"<urlset/>", 0),
        (b"  \r\n\t<?xml?>", 5),
        (b"\xef\xbb\xbf<?xml?>", 3),
        (b"\xef\xbb\xbf \n<?xml?>", 5),
        ("<?xml?>".encode("utf-16"), 0),
        (b"   ", 3),
    ],
)
def test_where_a_document_starts(data: bytes, start: int) -> None:
    assert content_start(data) == start


def test_html_pages_are_told_by_their_first_tags_in_any_case() -> None:
    assert looks_like_html(b"<!DOCTYPE HTML><title>x</title>")
    assert looks_like_html(b"<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'>")
    assert looks_like_html(b"  <HEAD><TITLE>x</TITLE>", 2)
    assert not looks_like_html(
        b"<rss version='2.0'><channel><description>&lt;html&gt;</description>"
    )
    assert not looks_like_html(b"<urlset>" + b" " * 4096 + b"<html>")
