"""bs4's lxml tree builder with less work per element, building the same tree.

For every element bs4's builder copies the attributes twice, looks for XML namespaces in
the tag's and each attribute's name, and asks of every attribute whether it holds a list
of words (``class``); the soup then asks whether the element is to be kept and of which
class to make it. An HTML page has no namespaces: an element without them (every element
lxml's HTML parser reports, in practice) takes the short way here, any other takes bs4's
own; a soup that keeps every element and string as bs4's plain classes (as parsing a
page here does) is not asked, and the text read between elements is made a string of the
tree directly. Which attributes are lists is looked up once per tag name. The tests compare
the trees with bs4's own, node by node.
"""

from __future__ import annotations

from typing import Any

import bs4
from bs4 import BeautifulSoup
from bs4.builder._lxml import LXMLTreeBuilder
from bs4.element import NavigableString, Tag, nonwhitespace_re


class LeanLXMLTreeBuilder(LXMLTreeBuilder):
    """``BeautifulSoup(html, "lxml")``'s builder with a shorter path for elements
    without namespaces; see the module's docstring."""

    def __init__(self) -> None:
        """A builder with bs4's defaults (which attributes hold lists among them)."""
        super().__init__()
        # tag name -> the attributes of that tag holding lists of words, for every page
        self._list_attributes = _LIST_ATTRIBUTES
        self._plain = False  # see initialize_soup

    def initialize_soup(self, soup: BeautifulSoup) -> None:
        """Bind the builder to the soup it builds; note whether that soup keeps every
        element and string as bs4's plain classes (then the soup need not be asked)."""
        super().initialize_soup(soup)
        self._plain = soup.parse_only is None and not soup.element_classes

    def start(self, tag: Any, attrib: Any, nsmap: Any = None) -> None:
        """An element opens: its attributes as bs4 would store them, without
        namespaces when none is in play."""
        if nsmap or len(self.nsmaps) > 1 or tag[:1] == "{" or (attrib and "{" in "".join(attrib)):
            super().start(tag, attrib, nsmap or {})
            return
        soup = self.soup
        assert soup is not None
        # Values from lxml are strings, which an attribute dictionary stores as they are.
        attrs = self.attribute_dict_class(attrib)
        namespaces = self.active_namespace_prefixes[-1]
        if not self._plain:
            soup.handle_starttag(tag, None, None, attrs, namespaces=namespaces)
            return
        # What soup.handle_starttag does when it keeps every element as a plain Tag.
        self._end_data(soup)
        before = soup._most_recent_element
        element = Tag(
            soup, self, tag, None, None, attrs, soup.currentTag, before, namespaces=namespaces
        )
        if before is not None:
            before.next_element = element
        soup._most_recent_element = element
        soup.pushTag(element)

    def end(self, tag: Any) -> None:
        """An element closes."""
        if len(self.nsmaps) > 1 or tag[:1] == "{":
            super().end(tag)
            return
        soup = self.soup
        assert soup is not None
        if not self._plain:
            soup.handle_endtag(tag, None)
            return
        self._end_data(soup)
        soup._popToTag(tag, None)

    def data(self, data: Any) -> None:
        """Text: kept until the next element opens or closes (``soup.handle_data``)."""
        soup = self.soup
        assert soup is not None
        soup.current_data.append(data)

    def _end_data(self, soup: BeautifulSoup) -> None:
        """What ``soup.endData()`` does for a soup of plain classes: the text read since
        the last element becomes a string of the tree (white space alone, one space or
        line break, outside ``<pre>``; a script's or style's own kind of string inside
        one)."""
        if not soup.current_data:
            return
        text = "".join(soup.current_data)
        soup.current_data = []
        if not soup.preserve_whitespace_tag_stack and not text.strip(_ASCII_SPACES):
            text = "\n" if "\n" in text else " "
        kind = NavigableString
        if soup.string_container_stack:
            kind = self.string_containers.get(soup.string_container_stack[-1].name, kind)
        string = kind(text)
        parent = soup.currentTag
        assert parent is not None  # the soup itself at least, while parsing
        relink = parent.next_element is not None  # (before the string is linked in)
        string.setup(parent, soup._most_recent_element)
        soup._most_recent_element = string
        parent.contents.append(string)
        if relink:
            soup._linkage_fixer(parent)

    def _replace_cdata_list_attribute_values(self, tag_name: str, attrs: Any) -> Any:
        """Split the attributes that hold lists of words (``class``) into them, in
        place, as bs4 does."""
        if not attrs or not self.cdata_list_attributes:
            return attrs
        lists = self._list_attributes.get(tag_name)
        if lists is None:
            lists = self._lists_of(tag_name)
            # Names made up by pages are many and may be long: only so many are kept.
            if len(self._list_attributes) < _KEPT_NAMES and len(tag_name) <= _KEPT_NAME_LENGTH:
                self._list_attributes[tag_name] = lists
        if lists.isdisjoint(attrs):
            return attrs
        for key in list(attrs):
            if key in lists:
                value = attrs[key]
                if isinstance(value, str):
                    attrs[key] = self.attribute_value_list_class(nonwhitespace_re.findall(value))
        return attrs

    def _lists_of(self, tag_name: str) -> frozenset[str]:
        """The attributes of a tag name that hold lists of words."""
        listed = self.cdata_list_attributes or {}
        return frozenset(listed.get("*", ())) | frozenset(listed.get(tag_name.lower(), ()))


_ASCII_SPACES = BeautifulSoup.ASCII_SPACES

_LIST_ATTRIBUTES: dict[str, frozenset[str]] = {}
_KEPT_NAMES = 1024
_KEPT_NAME_LENGTH = 64


# The bs4 releases whose private parts the lean builder was checked against (its tests
# compare its trees with bs4's own). Any other release parses with bs4's own builder, as
# correct and slower, until the tests have been run against it and the range widened.
CHECKED_BS4 = ((4, 13), (4, 15))


def lean_builder_works(version: str | None = None) -> bool:
    """Whether the lean builder may be used with this bs4 (or bs4 ``version``): a
    release it was checked against, whose builders say which class holds an element's
    attributes."""
    release = _release(version or bs4.__version__)
    if release is None or not CHECKED_BS4[0] <= release <= CHECKED_BS4[1]:
        return False
    return hasattr(LeanLXMLTreeBuilder(), "attribute_dict_class")


def _release(version: str) -> tuple[int, int] | None:
    """(major, minor) of a version string such as "4.13.4", or None."""
    parts = version.split(".")
    if len(parts) < 2 or not (parts[0].isdigit() and parts[1].isdigit()):
        return None
    return int(parts[0]), int(parts[1])
