"""Hostile pages cannot hurt the checker: no input makes extraction raise, recurse
without bound, or run for minutes, and nothing a page says reaches a terminal or a
database as a control character.

Every page here is written by the test itself, small enough to read.
"""

from __future__ import annotations

import random

import pytest
from bs4 import BeautifulSoup, Tag
from bs4.exceptions import ParserRejectedMarkup

import attribution.extract as extract
from attribution.extract import extract_page, parse_html
from attribution.extract.dom import flatten_deep
from attribution.extract.limits import MAX_DEPTH

PAGE_URL = "https://news.example/story"


def depth_of(root: Tag) -> int:
    """How many levels of elements nest below ``root``."""
    deepest = 0
    stack = [(root, 0)]
    while stack:
        tag, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in tag.children if isinstance(child, Tag))
    return deepest


# --- pages the parsers refuse --------------------------------------------------------

# lxml refuses a NUL in the declared character set; Python's parser refuses the
# malformed "<![" declaration after it. Before, ParserRejectedMarkup escaped parse_html.
REFUSED_BY_BOTH = b'<meta charset="\x00"><img src="/a.jpg"><![ x]>'


def test_a_page_one_parser_refuses_is_read_by_the_other() -> None:
    page = extract_page(REFUSED_BY_BOTH, PAGE_URL)
    assert [image.src for image in page.images] == ["https://news.example/a.jpg"]


def test_a_string_with_a_lone_surrogate_is_read() -> None:
    page = extract_page('\ud800<p><img src="/b.jpg" alt="Harbour"></p><![ x', PAGE_URL)
    assert [image.alt for image in page.images] == ["Harbour"]


def test_a_page_every_parser_refuses_is_an_empty_document(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refusing(markup: str | bytes = "", features: str = "", **kwargs: object) -> BeautifulSoup:
        if markup:
            raise ParserRejectedMarkup(f"{features} refuses it")
        return BeautifulSoup(markup, "html.parser")

    monkeypatch.setattr(extract, "BeautifulSoup", refusing)
    assert parse_html(b"<p>anything</p>").find(True) is None
    page = extract_page(b'<img src="/a.jpg">', PAGE_URL)
    assert page.images == ()


HOSTILE_BYTES = [
    b"",
    b"\x00",
    b"<!",
    b"<![",
    b"<![ ",
    b"<![a[",
    b"<!DOCTYPE",
    b"<?xml version='1.0' encoding='bogus'?><![ ",
    b'<meta charset="x-unknown"><![ ',
    b'<meta charset="rot13"><img src="/a.jpg">',
    b"\xff\xfe<\x00!\x00[\x00 \x00",
    b"\xef\xbb\xbf<![CDATA[",
    b"<" * 5000,
    b"<![" * 2000,
]


@pytest.mark.parametrize("body", HOSTILE_BYTES, ids=range(len(HOSTILE_BYTES)))
@pytest.mark.parametrize("encoding", [None, "utf-8", "x-unknown", "utf-16", "zlib"])
def test_extract_page_never_raises(body: bytes, encoding: str | None) -> None:
    page = extract_page(body, PAGE_URL, encoding)
    assert page.url == PAGE_URL


def test_extract_page_never_raises_on_random_markup() -> None:
    pieces = [b"<![", b"<!", b"<", b">", b"<img src=/a.jpg>", b"<span>", b"</span>", b"\x00"]
    pieces += [b"\xff", b"<meta charset=", b'"', b"<figure>", b"<figcaption>", b"&#", b"]]>"]
    rng = random.Random(7)
    for _ in range(300):
        body = b"".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        extract_page(body, PAGE_URL)


# --- deep nesting --------------------------------------------------------------------


def nested(levels: int, inner: str, tag: str = "span") -> str:
    return f"<{tag}>" * levels + inner + f"</{tag}>" * levels


@pytest.mark.parametrize("levels", [1000, 5000])
def test_an_image_inside_thousands_of_nested_spans_is_found(levels: int) -> None:
    html = f"<html><body>{nested(levels, '<img src=/a.jpg alt=Harbour>')}</body></html>"
    page = extract_page(html, PAGE_URL)  # RecursionError before
    assert [image.alt for image in page.images] == ["Harbour"]


def test_a_caption_inside_thousands_of_nested_elements_is_read() -> None:
    caption = nested(5000, "Boats in the harbour. Photo: Jane Doe/Reuters", "i")
    html = f"<figure><img src=/a.jpg><figcaption>{caption}</figcaption></figure>"
    (image,) = extract_page(html, PAGE_URL).images
    assert image.caption == "Boats in the harbour."
    assert image.credit == "Jane Doe/Reuters"


def test_flattening_keeps_every_string_and_image_in_order() -> None:
    html = "<body><p>before</p>"
    html += "".join(f"<span class=s{n}>t{n} " for n in range(3000))
    html += "<img src=/a.jpg> tail" + "</span>" * 3000 + "<p>after</p></body>"
    soup = parse_html(html)
    text = soup.get_text()
    flatten_deep(soup)
    assert depth_of(soup) <= MAX_DEPTH + 1
    assert soup.get_text() == text
    # The document-order links agree with the tree: walking them meets every node once,
    # and each node's parent holds it.
    walked = list(soup.descendants)
    assert len(walked) == len({id(node) for node in walked})
    children = {id(child) for node in [soup, *walked] for child in getattr(node, "contents", [])}
    assert children == {id(node) for node in walked}
    assert all(id(child.parent) in {id(n) for n in [soup, *walked]} for child in walked[:50])
    image = soup.find("img")
    assert isinstance(image, Tag)
    assert image.find_next("p") is soup.find_all("p")[-1]
    body = soup.find("body")
    assert isinstance(body, Tag)
    body.decompose()
    assert soup.find("img") is None


def test_pages_within_the_depth_limit_are_not_changed() -> None:
    html = "<body>" + nested(MAX_DEPTH - 3, "<b>deep</b>", "div") + "</body>"
    soup = parse_html(html)
    before = str(soup)
    flatten_deep(soup)
    assert str(soup) == before
