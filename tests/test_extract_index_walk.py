"""The page index answers what bs4's own searches answer, for every element of the
gold pages."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup, Comment, Tag
from extraction_gold import gold_pages

from attribution.extract.dom import parent_named, visible_text
from attribution.extract.index import ANY_IMAGE, IMAGE, LICENCE_LINK, LeftOut, PageIndex
from attribution.extract.tree import take_out


@pytest.mark.parametrize("page", gold_pages()[::8], ids=lambda page: page.name)
def test_the_index_answers_as_bs4_does(page: object) -> None:
    soup = BeautifulSoup(page.html, "lxml")  # type: ignore[attr-defined]
    index = PageIndex(soup)
    everything = list(soup.find_all(True))
    assert index.elements == everything
    place = {id(tag): number for number, tag in enumerate(everything, 1)}  # 0: the root
    for tag in everything:
        inside = tag.find_all(True)
        assert index.all_below(tag) == inside
        if tag.name not in ("script", "style", "template"):  # bs4 reads their own text
            assert index.text_length(tag) == len(tag.get_text())
            assert index.words_length(tag) == len(tag.get_text(" ", strip=True))
        assert index.count(ANY_IMAGE, tag) == len(tag.find_all(("img", "amp-img", "amp-anim")))
        assert index.count(IMAGE, tag) == sum(
            1
            for image in tag.find_all(("img", "amp-img", "amp-anim"))
            if image.find_parent("noscript") is None
        )
        assert index.count(LICENCE_LINK, tag) == len(tag.find_all("a", rel="license"))
        assert index.count("figcaption", tag) == len(tag.find_all("figcaption"))
        assert index.position(tag) == (place[id(tag)], place[id((inside or [tag])[-1])])
        for name in ("figure", "picture", "article", "main", "a", "div", "span"):
            assert index.enclosing(tag, name) is parent_named(tag, name)
        for names in (("a",), ("span", "small", "p", "div"), ("h2", "h3", "h4", "h5")):
            for limit in (None, 1, 3, 6, 30):
                assert index.below(tag, names, limit) == tag.find_all(names, limit=limit)


def test_left_out_elements_are_named_but_not_indexed() -> None:
    soup = BeautifulSoup(
        "<div><script><b>x</b></script><!-- c --><p>Text <i>here</i></p><svg><g></g></svg></div>",
        "lxml",
    )
    index = PageIndex(soup, leave_out=lambda node: isinstance(node, Comment))
    assert [tag.name for tag in index.elements] == [
        "html",
        "body",
        "div",
        "script",
        "p",
        "i",
        "svg",
        "g",
    ]
    index = PageIndex(
        soup, leave_out=lambda node: isinstance(node, Tag) and node.name in ("script", "svg")
    )
    assert [tag.name for tag in index.elements] == ["html", "body", "div", "p", "i"]
    assert [tag.name for tag in index.left_out] == ["script", "svg"]
    assert sorted(index.every_element) == ["body", "div", "g", "html", "i", "p", "script", "svg"]
    assert index.text_length(soup.div) == len("Text here")
    assert index.words_length(soup.div) == len("Text here")


@pytest.mark.parametrize("page", gold_pages()[::8], ids=lambda page: page.name)
def test_names_and_kinds_left_out_are_left_out_as_a_test_would_leave_them(page: object) -> None:
    left_out = LeftOut(frozenset({"script", "svg", "noscript"}), (Comment,))
    soup = BeautifulSoup(page.html, "lxml")  # type: ignore[attr-defined]
    quick = PageIndex(soup, leave_out=left_out)
    asked = PageIndex(soup, leave_out=lambda node: left_out(node))
    assert quick.elements == asked.elements
    assert quick.left_out == asked.left_out
    assert quick.every_element == asked.every_element
    for tag in quick.elements:
        assert quick.position(tag) == asked.position(tag)
        assert quick.text_length(tag) == asked.text_length(tag)
        assert quick.words_length(tag) == asked.words_length(tag)


@pytest.mark.parametrize("page", gold_pages()[::8], ids=lambda page: page.name)
def test_visible_text_read_through_the_index_is_the_same(page: object) -> None:
    soup = BeautifulSoup(page.html, "lxml")  # type: ignore[attr-defined]
    index = PageIndex(soup, leave_out=LeftOut(frozenset({"script", "style"}), (Comment,)))
    take_out(index.left_out)
    for tag in index.elements[::-1]:  # inner elements first: their readings are kept
        assert index.visible_text(tag) == visible_text(tag)
        assert index.visible_text(tag, limit=40) == visible_text(tag, limit=40)
        first = tag.find(True)
        if first is not None:
            assert index.visible_text(tag, skip=[first]) == visible_text(tag, skip=[first])


def test_the_nearest_enclosing_element_is_found_among_many_before_it() -> None:
    html = "<div>" + "<figure><img src=a.jpg></figure>" * 30 + "<figure><p><img id=x></p></figure>"
    soup = BeautifulSoup(html + "<p><img id=y></p></div>", "lxml")
    index = PageIndex(soup)
    x, y = soup.find(id="x"), soup.find(id="y")
    assert index.enclosing(x, "figure") is x.parent.parent
    assert index.enclosing(y, "figure") is None
    assert index.enclosing(y, "div") is y.parent.parent
