"""Hostile pages cannot hurt the checker: no input makes extraction raise, recurse
without bound, or run for minutes, and nothing a page says reaches a terminal or a
database as a control character.

Every page here is written by the test itself, small enough to read.
"""

from __future__ import annotations

import codecs
import copy
import dataclasses
import html
import json
import random
import re
import struct
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from bs4.element import PageElement
from bs4.exceptions import ParserRejectedMarkup

import attribution.extract.dom as extract_dom
import attribution.extract.index as extract_index
import attribution.extract.tree as tree
from attribution.embedded import read_embedded
from attribution.extract import extract_page, parse_html, too_many_images
from attribution.extract.index import ANY_IMAGE, LICENCE_LINK, PageIndex
from attribution.extract.limits import MAX_DEPTH, MAX_IMAGES
from attribution.extract.tree import flatten_deep
from attribution.extract.urls import clean_url
from attribution.pipeline import check_html
from attribution.records import Profile
from attribution.render import CHECK_FORMATS
from attribution.render.html import check_report as render_html
from attribution.render.report import CheckReport
from attribution.render.text import check_report
from attribution.serialize import check_json
from attribution.textutil import INVISIBLE_CHARACTERS, clean_text

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

    monkeypatch.setattr(tree, "BeautifulSoup", refusing)
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
    # A width of 5,000 digits: int() refuses more than 4,300.
    b'<p><img src=/a.jpg width="' + b"9" * 5000 + b'"></p>',
    # A JSON-LD @type list holding an object (a dict cannot go in a set).
    b'<script type="application/ld+json">{"@type": ["ImageObject", {"x": 1}],'
    b' "contentUrl": ["/a.jpg"], "creator": [{"name": 5}, null]}</script>',
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


def test_the_bs4_operations_extraction_uses_do_not_recurse_5000_deep() -> None:
    """bs4 walks trees without recursion for these (Tag.string and == do recurse, and
    are not used); a bs4 that changes this fails here, not on a hostile page."""
    soup = parse_html("<body>" + nested(5000, "<img src=/a.jpg> deep") + "</body>")
    image = soup.find("img")
    assert isinstance(image, Tag)
    assert len(list(image.parents)) > 5000
    assert soup.get_text() == " deep"
    assert str(soup).count("<span>") == 5000
    assert copy.copy(soup).get_text() == " deep"
    assert len(soup.find_all("span")) == 5000
    body = soup.find("body")
    assert isinstance(body, Tag)
    body.decompose()
    assert soup.find("span") is None


def test_pages_within_the_depth_limit_are_not_changed() -> None:
    html = "<body>" + nested(MAX_DEPTH - 3, "<b>deep</b>", "div") + "</body>"
    soup = parse_html(html)
    before = str(soup)
    flatten_deep(soup)
    assert str(soup) == before


# --- pages that made extraction work for minutes ------------------------------------


def test_a_caption_inside_600_nested_italics_is_read() -> None:
    caption = nested(600, "Boats in the harbour. Photo: Jane Doe/Reuters", "i")
    html = f"<figure><img src=/a.jpg><figcaption>{caption}</figcaption></figure>"
    (image,) = extract_page(html, PAGE_URL).images
    assert (image.caption, image.credit) == ("Boats in the harbour.", "Jane Doe/Reuters")


def images_in_one_div(count: int) -> str:
    pictures = "".join(f'<img src="/p{n}.jpg" alt="Picture {n}">' for n in range(count))
    return f"<html><body><div>{pictures}</div></body></html>"


def test_a_page_of_2000_images_is_checked_up_to_the_limit_with_a_notice() -> None:
    page = extract_page(images_in_one_div(2000), PAGE_URL)
    assert len(page.images) == MAX_IMAGES == 500
    assert [image.alt for image in page.images[:2]] == ["Picture 0", "Picture 1"]
    assert page.notices == (too_many_images(500, 1500),)
    assert "500" in page.notices[0] and "1500" in page.notices[0]


def test_the_limit_can_be_set_and_counts_declared_pictures_too() -> None:
    declared = "".join(f'<meta property="og:image" content="/og{n}.jpg">' for n in range(5))
    html = f"<html><head>{declared}</head><body><p><img src=/a.jpg alt=A></p></body></html>"
    page = extract_page(html, PAGE_URL, max_images=3)
    assert len(page.images) == 3
    assert page.notices == (too_many_images(3, 3),)
    assert extract_page(html, PAGE_URL).notices == ()


def test_the_notice_reaches_the_result_the_json_and_the_text_report() -> None:
    result = check_html(images_in_one_div(520), PAGE_URL)
    assert result.notices == (too_many_images(500, 20),)
    (page,) = check_json([result], Profile())["pages"]
    assert page["notices"] == [too_many_images(500, 20)]
    report = check_report(CheckReport(pages=(result,), profile=Profile()))
    lines = report.splitlines()
    assert lines[0].startswith(PAGE_URL)
    assert lines[1] == f"  notice: {too_many_images(500, 20)}"
    html_report = render_html(CheckReport(pages=(result,), profile=Profile()))
    assert f"Notice: {too_many_images(500, 20)}" in html_report


class WalkCounter:
    """Counts the nodes handed out when a tree is walked: by bs4 (descendants, children),
    and by the page index and the text walks, which iterate each element's list of
    children themselves (the only use of ``iter`` in their modules)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.nodes = 0
        for name in ("descendants", "children"):
            original = getattr(Tag, name)

            def counted(tag: Tag, original: property = original) -> Iterator[PageElement]:
                for node in original.fget(tag):  # type: ignore[misc]
                    self.nodes += 1
                    yield node

            monkeypatch.setattr(Tag, name, property(counted))

        def counted_iter(nodes: list[PageElement]) -> Iterator[PageElement]:
            for node in nodes:
                self.nodes += 1
                yield node

        for module in (extract_dom, extract_index):
            monkeypatch.setattr(module, "iter", counted_iter, raising=False)


def walked(monkeypatch: pytest.MonkeyPatch, html: str) -> int:
    with monkeypatch.context() as patch:
        counter = WalkCounter(patch)
        extract_page(html, PAGE_URL)
        return counter.nodes


@pytest.mark.parametrize(
    "page",
    [
        # Images side by side in one element: each looked at all the others.
        lambda n: images_in_one_div(n),
        # Captioned figures in one container, a gallery sharing its caption.
        lambda n: (
            "<div class=gallery>"
            + "".join(
                f"<figure><img src=/a{i}.jpg><figcaption>Harbour {i}. Photo: Jane Doe</figcaption>"
                "</figure>"
                for i in range(n)
            )
            + "<p class=caption>Photos by Jane Doe</p></div>"
        ),
        # Images among long text in one element.
        lambda n: (
            "<div>"
            + "".join(f"<p>Lorem ipsum dolor sit amet.</p><img src=/i{i}.jpg>" for i in range(n))
            + "</div>"
        ),
        # Thousands of comments and scripts side by side.
        lambda n: "<div>" + "<!-- c --><script>s</script><span>t</span>" * (20 * n) + "</div>",
    ],
    ids=["images", "figures", "text", "comments"],
)
def test_the_work_grows_with_the_page_not_with_its_square(
    monkeypatch: pytest.MonkeyPatch, page: Callable[[int], str]
) -> None:
    small, large = walked(monkeypatch, page(100)), walked(monkeypatch, page(400))
    assert large < 6 * small  # four times the page: four times the walking, not sixteen


def test_no_element_is_looked_for_among_its_siblings(monkeypatch: pytest.MonkeyPatch) -> None:
    """bs4 finds an element's place by scanning its siblings when it takes it out; the
    page's scripts and comments are taken out without that (time squared before)."""
    calls: list[int] = []
    original = Tag.index
    monkeypatch.setattr(
        Tag, "index", lambda tag, element: calls.append(1) or original(tag, element)
    )
    html = "<div>" + "<!-- c --><script>s</script><p>Text</p>" * 2000 + "<img src=/a.jpg></div>"
    page = extract_page(html, PAGE_URL)
    assert len(page.images) == 1
    assert calls == []


def test_scripts_and_comments_are_taken_out_and_the_rest_kept() -> None:
    html = (
        "<body><!-- a --><figure><script>var x</script><img src=/a.jpg><!-- b -->"
        "<figcaption>Boats. <style>p{}</style>Photo: Jane Doe</figcaption></figure></body>"
    )
    (image,) = extract_page(html, PAGE_URL).images
    assert (image.caption, image.credit) == ("Boats.", "Jane Doe")


def test_the_page_index_answers_as_the_page_itself_does() -> None:
    html = (
        "<body><article><h1>Title</h1><div class=a> one <img src=/1.jpg>"
        "<noscript><img src=/1.jpg></noscript><p> two <a rel=license href=/l>CC</a></p></div>"
        "<figure><figcaption> three </figcaption><amp-img src=/2.jpg></amp-img></figure>"
        "<nav><span>four</span></nav></article><p>five</p></body>"
    )
    soup = parse_html(html)
    index = PageIndex(soup)
    tags = soup.find_all(True)
    for tag in tags:
        visible = [t for t in tag.find_all(["img", "amp-img"]) if not t.find_parent("noscript")]
        assert index.images(tag) == len(visible)
        assert index.count(ANY_IMAGE, tag) == len(tag.find_all(["img", "amp-img"]))
        assert index.count(LICENCE_LINK, tag) == len(tag.find_all("a", rel="license"))
        for name in ("figcaption", "h1", "nav"):
            assert index.count(name, tag) == len(tag.find_all(name))
        assert index.text_length(tag) == len(tag.get_text())
        assert index.words_length(tag) == len(tag.get_text(" ", strip=True))
        for other in tags:
            assert index.inside(tag, other) == any(p is other for p in tag.parents)


def test_a_caption_attribute_a_parser_refuses_is_read_as_nothing() -> None:
    html = '<p><img src=/a.jpg data-image-caption="<![ x"></p>'
    (image,) = extract_page(html, PAGE_URL).images  # ParserRejectedMarkup before
    assert image.caption is None


# --- control characters ---------------------------------------------------------------

# A terminal title change, a colour, a NUL (PostgreSQL refuses it) and a right-to-left
# override, as a page can carry them anywhere.
HOSTILE = "\x1b]0;pwned\x07\x1b[31m\x00\u202e"
FORBIDDEN = re.compile(f"[{INVISIBLE_CHARACTERS}\x1b\x07]")


def hostile_page() -> str:
    h = html.escape(HOSTILE, quote=True)
    jsonld = json.dumps(
        {
            "@type": "NewsArticle",
            "image": {
                "@type": "ImageObject",
                "contentUrl": f"https://cdn.example/ld{HOSTILE}.jpg",
                "caption": f"Declared {HOSTILE}caption",
                "creditText": f"Declared {HOSTILE}Credit",
                "creator": {"name": f"Jane{HOSTILE} Doe"},
                "license": f"https://creativecommons.org/licenses/by/4.0/{HOSTILE}",
            },
        }
    )
    return (
        f"<html><head><title>Title {h}here</title>"
        f'<link rel="canonical" href="https://news.example/story{h}">'
        f'<script type="application/ld+json">{jsonld}</script></head><body><article>'
        f'<figure><img src="/pic{h}.jpg" srcset="/pic{h}-800w.jpg 800w" alt="Alt {h}text">'
        f"<figcaption>Boats {h}at dusk. Photo: Jane {h}Doe/Reuters "
        f'<a rel="license" href="https://creativecommons.org/licenses/by/4.0/{h}">CC BY</a>'
        "</figcaption></figure></article></body></html>"
    )


def strings_of(value: object) -> Iterator[str]:
    """Every string a record holds, however deep."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from strings_of(getattr(value, item.name))
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from strings_of(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings_of(key)
            yield from strings_of(item)


def test_no_control_character_of_a_page_reaches_the_extracted_page() -> None:
    page = extract_page(hostile_page().encode(), "file:///saved/story.html")
    strings = list(strings_of(page))
    assert [s for s in strings if FORBIDDEN.search(s)] == []
    # What the page says is still read, around the characters taken out (the parser
    # reads a NUL in HTML as U+FFFD, the replacement character); in URLs they are
    # percent-encoded.
    left = "]0;pwned[31m\ufffd"
    encoded = "%1B]0;pwned%07%1B[31m\ufffd%E2%80%AE"
    assert page.title == f"Title{left}here"
    assert page.declared_url == f"https://news.example/story{encoded}"
    image = page.images[0]
    assert image.src == f"https://news.example/pic{encoded}.jpg"
    assert image.variants == (f"https://news.example/pic{encoded}-800w.jpg",)
    assert image.alt == f"Alt{left}text"
    assert image.caption == f"Boats{left}at dusk."
    assert image.credit == f"Jane{left}Doe/Reuters CC BY"
    assert image.credit_links == (f"https://creativecommons.org/licenses/by/4.0/{encoded}",)
    declared = page.images[-1]
    assert declared.src == "https://cdn.example/ld%1B]0;pwned%07%1B[31m%00%E2%80%AE.jpg"
    assert declared.caption == "Declared]0;pwned[31mcaption"
    assert declared.structured_value("creator") == "Jane]0;pwned[31m Doe"


@pytest.mark.parametrize("name", ["text", "csv", "html", "json"])
def test_no_control_character_of_a_page_reaches_a_report(name: str) -> None:
    result = check_html(hostile_page(), "https://news.example/story")
    rendered = CHECK_FORMATS[name].render(CheckReport(pages=(result,), profile=Profile()))
    assert not FORBIDDEN.search(rendered)
    assert "\\u001b" not in rendered.lower() and "\\u0000" not in rendered  # JSON escapes
    assert "pwned" in rendered


def test_text_from_a_page_loses_controls_and_direction_overrides() -> None:
    # ZWJ stays: emoji and scripts need it. NEL and the separators are white space.
    text = "a\x1b[31mb\x00c\u202ed\u2067e\u200ff\x85g\x1fh\u200di"
    assert clean_text(text) == "a[31mbcdef g h\u200di"
    assert clean_url(" https://a.example/x y\t\x00\u202e\u00a0.jpg\n") == (
        "https://a.example/x y%00%E2%80%AE%C2%A0.jpg"
    )


# --- what image files say -------------------------------------------------------------

ARTIST, COPYRIGHT = 0x013B, 0x8298
BYTE, ASCII, SHORT, UNDEFINED = 1, 2, 3, 7


def exif_jpeg(*entries: tuple[int, int, bytes]) -> bytes:
    """The head of a JPEG whose EXIF IFD0 holds ``entries`` (tag, field type, the
    value's bytes as the file stores them), little-endian: what a camera or an editor
    that writes text in its own way leaves in the file."""
    size = 2 + 12 * len(entries) + 4
    table, values = struct.pack("<H", len(entries)), b""
    for tag, kind, value in sorted(entries):
        count = len(value) // 2 if kind == SHORT else len(value)
        if len(value) <= 4:
            stored = value.ljust(4, b"\x00")
        else:
            stored = struct.pack("<I", 8 + size + len(values))
            values += value + b"\x00" * (len(value) % 2)
        table += struct.pack("<HHI", tag, kind, count) + stored
    tiff = b"II*\x00" + struct.pack("<I", 8) + table + struct.pack("<I", 0) + values
    app1 = b"Exif\x00\x00" + tiff
    return b"\xff\xd8\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + b"\xff\xd9"


UTF16 = codecs.BOM_UTF16_LE + "Jane Doe".encode("utf-16-le") + b"\x00\x00"


@pytest.mark.parametrize(
    ("entry", "creator"),
    [
        # UTF-16 with a byte-order mark in an ASCII field: its NULs cut it to "\xff\xfeJ".
        ((ARTIST, ASCII, UTF16), "Jane Doe"),
        ((ARTIST, ASCII, codecs.BOM_UTF16_BE + "Jane Doe".encode("utf-16-be")), "Jane Doe"),
        ((ARTIST, UNDEFINED, UTF16), "Jane Doe"),
        ((ARTIST, BYTE, b"Jane Doe\x00\x00\x00"), "Jane Doe"),
        # Latin-1 / Windows-1252, not UTF-8.
        ((ARTIST, ASCII, b"Jos\xe9 Garc\xeda \x93Pepe\x94\x00"), "José García “Pepe”"),
        ((ARTIST, ASCII, b"Jane\x1b]0;pwned\x07 Doe\x00"), "Jane]0;pwned Doe"),
        # Bytes no encoding reads are read as Latin-1 (its C1 controls taken out), never
        # shown as b'\xfd…'.
        ((ARTIST, ASCII, b"\xfd\xfc\x81 Doe"), "ýü Doe"),
    ],
)
def test_text_in_an_image_file_is_decoded_not_shown_as_bytes(
    entry: tuple[int, int, bytes], creator: str
) -> None:
    embedded = read_embedded(exif_jpeg(entry))
    assert embedded.creator == creator
    assert embedded.problem is None


def test_trailing_nuls_and_number_fields_do_not_become_text() -> None:
    copyright_text = "© 2024 Jane Doe".encode() + b"\x00" * 6
    embedded = read_embedded(
        exif_jpeg((COPYRIGHT, ASCII, copyright_text), (ARTIST, SHORT, b"\x01\x00\x02\x00"))
    )
    assert embedded.copyright == "© 2024 Jane Doe"
    assert embedded.creator is None  # a list of numbers, not "[1, 2]"
    for value in strings_of(embedded):
        assert "\x00" not in value and not value.startswith(("b'", 'b"', "["))


def test_a_web_page_cannot_name_a_local_file_as_its_picture() -> None:
    html = (
        '<html><body><img src="file:///etc/hostname" alt="a">'
        '<img src="file:///dev/zero" alt="b"><img src="/real.jpg" alt="c"></body></html>'
    )
    page = extract_page(html, PAGE_URL)
    assert [image.src for image in page.images] == ["https://news.example/real.jpg"]
    saved = extract_page(html.replace("file:///etc/hostname", "pictures/a.jpg"), "file:///s/p.html")
    assert "file:///s/pictures/a.jpg" in [image.src for image in saved.images]


def test_a_base_element_cannot_move_a_web_page_onto_the_disk() -> None:
    html = (
        "<html><head><base href='file:///'></head><body><img src='etc/a.jpg' alt='a'></body></html>"
    )
    (image,) = extract_page(html, PAGE_URL).images
    assert image.src == "https://news.example/etc/a.jpg"


def test_lone_surrogates_in_json_ld_become_replacement_characters() -> None:
    jsonld = (
        '{"@type": "ImageObject", "contentUrl": "https://news.example/p\\ud800.jpg",'
        ' "caption": "Harbour \\udc00 at dawn", "creditText": "Jane \\ud800Doe"}'
    )
    html = f'<html><head><script type="application/ld+json">{jsonld}</script></head></html>'
    result = check_html(html, PAGE_URL)
    document = json.dumps(check_json([result], Profile()), ensure_ascii=False)
    document.encode("utf-8")  # would raise on a lone surrogate
    assert "\ufffd" in document


REAL_XHTML_PAGE = (
    Path(__file__).resolve().parents[2] / "shared" / "realpages" / "html"
    / "traf--tour-magazin.de.html.gz"
)  # fmt: skip


def test_a_page_that_looks_like_xml_puts_no_parser_advice_on_stderr(tmp_path: Path) -> None:
    if not REAL_XHTML_PAGE.is_file():
        pytest.skip("the real pages (../shared/realpages) are not here")
    import gzip

    from conftest import run_cli

    page = tmp_path / "xhtml.html"
    page.write_bytes(gzip.decompress(REAL_XHTML_PAGE.read_bytes()))
    with warnings.catch_warnings(record=True) as seen:  # the page makes bs4 give advice...
        warnings.simplefilter("always")
        BeautifulSoup(page.read_bytes(), "lxml")
    assert seen
    done = run_cli("check", str(page), "--no-store", "--no-images", "--fail-on", "never")
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr, done.stderr  # ...which the user never sees
