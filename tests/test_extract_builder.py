"""The lean lxml tree builder builds exactly the tree bs4's own lxml builder builds."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup, SoupStrainer
from bs4.element import PageElement, Tag
from extraction_gold import gold_pages
from fuzz.corpus import load_realpages, realpages_missing
from hypothesis import given, settings
from hypothesis import strategies as st

from attribution.extract.builder import LeanLXMLTreeBuilder, lean_builder_works

pytestmark = [
    pytest.mark.skipif(not lean_builder_works(), reason="bs4 older than 4.13"),
    pytest.mark.filterwarnings("ignore::bs4.XMLParsedAsHTMLWarning"),
]

PAGES = [
    b"<p class='a  b\tc' id=x>text <a rel='nofollow license' href=/x>link</a></p>",
    b"<html xmlns='http://www.w3.org/1999/xhtml' xmlns:og='http://ogp.me/ns#'>"
    b"<meta property=og:image content=a.jpg><body><img src=a.jpg></body></html>",
    b"<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink'>"
    b"<use xlink:href='#i'/></svg><img src=b.jpg>",
    b"<p {urn:x}name=1 class=q>odd attribute names</p><{urn:y}tag>odd tag</{urn:y}tag>",
    b"<meta charset=latin-1><meta http-equiv=Content-Type content='text/html; charset=utf-8'>",
    b"<td headers='h1 h2'><form accept-charset='utf-8 latin1'></form></td><iframe sandbox='a b'>",
    b"<div><p>unclosed <b>bold <i>both</b> after</div></span>",
    b"<script>var s = '<img src=x>';</script><style>p{}</style><!-- c --><![CDATA[x]]>",
    b"<?xml version='1.0'?><!DOCTYPE html><p xml:lang=en class=''>x</p>",
    b"\x00<p>\xff\xfe bad bytes</p>",
    b"<pre>  kept\n  as is </pre><textarea>\n\n</textarea>  \n  <p> \t </p><p>  </p>",
    b"<template><p>later</p></template><style>\n</style><script>\n\n</script>",
    b"<html><body><p>a</p></body></html>after the end<p>more</p>\n",
    b"<table>loose text<tr><td>cell</td>more</tr></table><select><option>x<option>y</select>",
    b"",
    # white space of every kind between class names (str.split and bs4's \S+ agree)
    "<p class='a\u00a0b\u2003c\u3000d\x1ce\x85f g\u200bh'>words</p>".encode(),
    b"<ruby>x<rt>y</rt><rp>(</rp></ruby><br><hr/><img src=a.jpg><meta name=x content=y>",
]


def _shape(soup: BeautifulSoup) -> list[tuple[str, str, object, object]]:
    """Every node: its type, text or name, attributes (with their types) and namespace."""
    shape: list[tuple[str, str, object, object]] = []
    node: PageElement | None = soup
    while node is not None:
        if isinstance(node, Tag):
            attrs = [(type(k).__name__, k, type(v).__name__, v) for k, v in node.attrs.items()]
            shape.append(("tag", str(node.name), attrs, (node.namespace, node.prefix)))
        else:
            shape.append((type(node).__name__, str(node), None, None))
        node = node.next_element
    return shape


def _nodes(soup: BeautifulSoup) -> list[PageElement]:
    """Every node below the soup, the soup first, by walking each element's contents
    (not the links between nodes, which the comparison checks)."""
    nodes: list[PageElement] = []
    waiting: list[PageElement] = [soup]
    while waiting:
        node = waiting.pop()
        nodes.append(node)
        if isinstance(node, Tag):
            waiting.extend(reversed(node.contents))
    return nodes


def _fields(soup: BeautifulSoup) -> list[tuple[str, dict[str, object]]]:
    """Every node's class and every field it holds, a node it links to given as its
    place among the nodes: the whole state a tree's user can reach."""
    nodes = _nodes(soup)
    place = {id(node): number for number, node in enumerate(nodes)}

    def seen(value: object) -> object:
        if isinstance(value, PageElement):
            return ("node", place.get(id(value), "outside the tree"))
        if isinstance(value, list):
            return (type(value).__name__, [seen(item) for item in value])
        if isinstance(value, dict):
            return (type(value).__name__, {key: seen(item) for key, item in value.items()})
        return value

    fields = []
    for node in nodes[1:]:  # (the soup itself is made by bs4 whichever the builder)
        held = {name: seen(value) for name, value in vars(node).items()}
        fields.append((type(node).__name__, held))
    return fields


def _same_tree(html: bytes | str) -> None:
    ours = BeautifulSoup(html, builder=LeanLXMLTreeBuilder())
    theirs = BeautifulSoup(html, "lxml")
    assert ours.decode() == theirs.decode()
    assert _shape(ours) == _shape(theirs)
    assert _fields(ours) == _fields(theirs)


@pytest.mark.parametrize("html", PAGES)
def test_same_tree_as_bs4(html: bytes) -> None:
    _same_tree(html)


def test_same_tree_for_the_gold_pages() -> None:
    for page in gold_pages():
        _same_tree(page.html)


def test_same_tree_for_the_real_pages() -> None:
    missing = realpages_missing()
    if missing:
        pytest.skip(missing)
    for page in load_realpages():
        _same_tree(page.html)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PAGES), max_size=6), st.text(max_size=40))
def test_same_tree_for_pages_pieced_together(parts: list[bytes], text: str) -> None:
    _same_tree(b"".join(parts) + text.encode("utf-8", "replace"))


class Marked(Tag):
    """A Tag class of the caller's own."""


def test_a_soup_that_filters_or_makes_its_own_tags_is_asked_as_bs4_asks() -> None:
    html = PAGES[0] + PAGES[1]
    only_links = SoupStrainer("a")
    ours = BeautifulSoup(html, builder=LeanLXMLTreeBuilder(), parse_only=only_links)
    theirs = BeautifulSoup(html, "lxml", parse_only=only_links)
    assert _shape(ours) == _shape(theirs)
    made = BeautifulSoup(html, builder=LeanLXMLTreeBuilder(), element_classes={Tag: Marked})
    assert all(isinstance(tag, Marked) for tag in made.find_all(True))
    assert _shape(made) == _shape(BeautifulSoup(html, "lxml"))


class Logged(BeautifulSoup):
    """A soup of the caller's own, which notes the tags it opens and closes."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.opened: list[str] = []
        self.closed: list[str] = []
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def pushTag(self, tag: Tag) -> None:
        self.opened.append(tag.name)
        super().pushTag(tag)

    def popTag(self) -> Tag | None:
        popped = self.tagStack[-1].name
        self.closed.append(popped)
        return super().popTag()


def test_a_soup_of_the_callers_own_class_is_asked_as_bs4_asks() -> None:
    html = PAGES[0] + PAGES[6]
    ours = Logged(html, builder=LeanLXMLTreeBuilder())
    theirs = Logged(html, "lxml")
    assert ours.opened == theirs.opened
    assert "a" in ours.opened
    assert ours.closed == theirs.closed
    assert _shape(ours) == _shape(theirs)


@pytest.mark.parametrize("lists", [None, {"*": ["class"]}, {"a": ["rel", "rev"]}])
def test_the_attributes_a_builder_is_told_hold_lists_are_split_and_no_others(
    lists: dict[str, list[str]] | None,
) -> None:
    html = PAGES[0] + PAGES[5]
    BeautifulSoup(html, builder=LeanLXMLTreeBuilder())  # (the defaults, read first)
    ours = BeautifulSoup(html, builder=LeanLXMLTreeBuilder(multi_valued_attributes=lists))
    theirs = BeautifulSoup(html, "lxml", multi_valued_attributes=lists)
    assert _fields(ours) == _fields(theirs)


def test_attributes_in_a_mapping_of_the_callers_own_are_split_as_bs4_splits() -> None:
    from collections import UserDict

    attrs = UserDict({"class": "a  b", "id": "x"})
    tag = Tag(None, LeanLXMLTreeBuilder(), "p", attrs=attrs)
    assert tag.attrs["class"] == ["a", "b"]
    assert tag.attrs["id"] == "x"


@pytest.mark.parametrize(
    ("version", "used"),
    [("4.13.0", True), ("4.15.2", True), ("4.12.3", False), ("4.16.0", False), ("5.0", False)],
)
def test_the_lean_builder_is_used_only_with_the_bs4_releases_it_was_checked_against(
    version: str, used: bool
) -> None:
    assert lean_builder_works(version) is used
