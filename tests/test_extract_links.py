"""The links a crawl follows from a page."""

from __future__ import annotations

from attribution.extract.links import page_links


def test_links_are_absolute_once_each_and_without_fragments() -> None:
    page = b"""<html><head><base href="/section/"></head><body>
    <a href="story.html#comments">A story</a>
    <a href="story.html">The same story</a>
    <a href="/about?lang=en">About</a>
    <a href="//cdn.example.net/gallery">Gallery</a>
    <map><area href="map.html"></map>
    </body></html>"""
    assert page_links(page, "https://www.example.com/index.html") == (
        "https://www.example.com/section/story.html",
        "https://www.example.com/about?lang=en",
        "https://cdn.example.net/gallery",
        "https://www.example.com/section/map.html",
    )


def test_links_that_lead_nowhere_a_crawl_goes_are_left_out() -> None:
    page = b"""<a href="mailto:desk@example.com">Mail</a><a href="javascript:void(0)">x</a>
    <a href="tel:+4412345">Call</a><a href="">empty</a><a>no href</a>
    <a rel="sponsored NoFollow" href="/paid">Paid</a><a href="http://[::1">broken</a>
    <a href="/kept">Kept</a>"""
    assert page_links(page, "https://www.example.com/") == ("https://www.example.com/kept",)


def test_a_page_of_endless_links_gives_a_bounded_number() -> None:
    page = b"".join(b'<a href="/p%d">p</a>' % n for n in range(20_000))
    assert len(page_links(page, "https://www.example.com/", most=100)) == 100
    assert page_links(b"\x00\xff\xfe not html", "https://www.example.com/") == ()
