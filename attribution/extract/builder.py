"""bs4's lxml tree builder with less work per element, building the same tree.

For every element bs4's builder copies the attributes twice, looks for XML namespaces in
the tag's and each attribute's name, and asks of every attribute whether it holds a list
of words (``class``); the soup then asks whether the element is to be kept and of which
class to make it, and the element's constructor works out again, field by field, what is
the same for every element of the page. An HTML page has no namespaces: an element
without them (every element lxml's HTML parser reports, in practice) takes the short way
here, any other takes bs4's own. For a soup that keeps every element and string as bs4's
plain classes (as parsing a page here does), the elements and the strings between them
are made here with the fields bs4 gives them, set once each, and pushed and popped as the
soup would. Which attributes are lists is looked up once per tag name. The tests compare
the trees with bs4's own, node by node and field by field, on made-up, gold and real
pages.
"""

from __future__ import annotations

from typing import Any

import bs4
from bs4 import BeautifulSoup
from bs4.builder._lxml import LXMLTreeBuilder
from bs4.element import HTMLAttributeDict, NavigableString, PageElement, Tag, XMLAttributeDict


class LeanLXMLTreeBuilder(LXMLTreeBuilder):
    """``BeautifulSoup(html, "lxml")``'s builder with a shorter path for elements
    without namespaces; see the module's docstring."""

    def __init__(self, **settings: Any) -> None:
        """A builder with bs4's settings (``multi_valued_attributes`` and the rest, as
        bs4's own builder takes them)."""
        super().__init__(**settings)
        # tag name -> the attributes of that tag holding lists of words: kept for every
        # page while they are bs4's defaults, for this builder alone otherwise
        self._list_attributes: dict[str, frozenset[str]] = {}
        self._lists_for: object = None  # the settings _list_attributes were read from
        self._plain = False  # see initialize_soup

    def initialize_soup(self, soup: BeautifulSoup) -> None:
        """Bind the builder to the soup it builds; note whether that soup is bs4's own
        class keeping every element and string as bs4's plain classes (then the soup
        need not be asked: a subclass may do more when a tag opens or closes)."""
        super().initialize_soup(soup)
        self._plain = (
            type(soup) is BeautifulSoup and soup.parse_only is None and not soup.element_classes
        )

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
        parent = soup.currentTag
        if tag == "meta":  # (bs4's own constructor sets up its charset for output)
            element = Tag(soup, self, tag, None, None, attrs, parent, before, namespaces=namespaces)
        else:
            element = self._new_tag(tag, attrs, parent, before, namespaces)
        soup._most_recent_element = element
        # What soup.pushTag does.
        if parent is not None:
            parent.contents.append(element)
        soup.tagStack.append(element)
        soup.currentTag = element
        if tag != soup.ROOT_TAG_NAME:
            soup.open_tag_counter[tag] += 1
        if tag in self.preserve_whitespace_tags:
            soup.preserve_whitespace_tag_stack.append(element)
        if tag in self.string_containers:
            soup.string_container_stack.append(element)

    def _new_tag(
        self, name: str, attrs: Any, parent: Tag | None, before: Any, namespaces: Any
    ) -> Tag:
        """The element ``Tag(soup, self, name, None, None, attrs, parent, before,
        namespaces=namespaces)`` makes for a tag other than ``<meta>``, its fields set
        here rather than worked out in turn for each element."""
        element: Tag = _bare_tag(Tag)
        element.parser_class = BeautifulSoup  # (a plain soup's class: see initialize_soup)
        element.name = name
        element.namespace = None
        element._namespaces = namespaces or {}
        element.prefix = None
        element.sourceline = None
        element.sourcepos = None
        element.attribute_value_list_class = self.attribute_value_list_class
        element.attrs = self._replace_cdata_list_attribute_values(name, attrs)
        element.known_xml = self.is_xml
        element.contents = []
        _link_in(element, parent, before)
        element.hidden = False
        empty = self.empty_element_tags
        element.can_be_empty_element = empty is None or name in empty
        element.cdata_list_attributes = self.cdata_list_attributes
        element.preserve_whitespace_tags = self.preserve_whitespace_tags
        container = self.string_containers.get(name)
        element.interesting_string_types = (
            Tag.MAIN_CONTENT_STRING_TYPES if container is None else {container}
        )
        return element

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
        current = soup.currentTag
        if (
            current is not None
            and current.name == tag
            and current.prefix is None
            and tag != soup.ROOT_TAG_NAME
            and soup.open_tag_counter.get(tag)
        ):
            soup.popTag()  # the element open last closes: what _popToTag does first
        else:
            soup._popToTag(tag, None)

    def data(self, data: Any) -> None:
        """Text: kept until the next element opens or closes (``soup.handle_data``)."""
        soup = self.soup
        assert soup is not None
        soup.current_data.append(data)

    def _end_data(self, soup: BeautifulSoup) -> None:
        """What ``soup.endData()`` does for a soup of plain classes: the text read since
        the last element becomes a string of the tree (white space alone, one space or
        line break, outside ``<pre>`` and ``<textarea>``; inside a script, style,
        template, ``<rt>`` or ``<rp>``, that element's own kind of string)."""
        if not soup.current_data:
            return
        text = "".join(soup.current_data)
        soup.current_data = []
        if not soup.preserve_whitespace_tag_stack and not text.strip(_ASCII_SPACES):
            text = "\n" if "\n" in text else " "
        kind = NavigableString
        if soup.string_container_stack:
            kind = self.string_containers.get(soup.string_container_stack[-1].name, kind)
        parent = soup.currentTag
        assert parent is not None  # the soup itself at least, while parsing
        relink = parent.next_element is not None  # (before the string is linked in)
        before = soup._most_recent_element
        if kind.__new__ is _STRING_NEW:
            # kind(text), then string.setup(parent, before), each field set once
            string = _bare_string(kind, text)
            string.hidden = False
            _link_in(string, parent, before)
        else:
            string = kind(text)
            string.setup(parent, before)
        soup._most_recent_element = string
        parent.contents.append(string)
        if relink:
            soup._linkage_fixer(parent)

    def _replace_cdata_list_attribute_values(self, tag_name: str, attrs: Any) -> Any:
        """Split the attributes that hold lists of words (``class``) into them, in
        place, as bs4 does."""
        if not attrs or not self.cdata_list_attributes:
            return attrs
        if self._lists_for is not self.cdata_list_attributes:
            self._lists_for = self.cdata_list_attributes
            defaults = self.cdata_list_attributes is self.DEFAULT_CDATA_LIST_ATTRIBUTES
            self._list_attributes = _DEFAULT_LIST_ATTRIBUTES if defaults else {}
        lists = self._list_attributes.get(tag_name)
        if lists is None:
            lists = self._lists_of(tag_name)
            # Names made up by pages are many and may be long: only so many are kept.
            if len(self._list_attributes) < _KEPT_NAMES and len(tag_name) <= _KEPT_NAME_LENGTH:
                self._list_attributes[tag_name] = lists
        if lists.isdisjoint(attrs):
            return attrs
        for key in lists:  # (a few names: those of the attributes are more)
            value = attrs.get(key)
            if isinstance(value, str):
                # (str.split splits where bs4's pattern, \S+, does: every code point agrees)
                words = self.attribute_value_list_class(value.split())
                if type(attrs) in _LIST_STORED_AS_GIVEN:
                    _store(attrs, key, words)
                else:
                    attrs[key] = words
        return attrs

    def _lists_of(self, tag_name: str) -> frozenset[str]:
        """The attributes of a tag name that hold lists of words."""
        listed = self.cdata_list_attributes or {}
        return frozenset(listed.get("*", ())) | frozenset(listed.get(tag_name.lower(), ()))


def _link_in(node: PageElement, parent: Tag | None, before: PageElement | None) -> None:
    """What ``node.setup(parent, before)`` does for a node new to the tree: it comes
    after ``before`` in document order and last among ``parent``'s children so far."""
    node.parent = parent
    node.previous_element = before
    if before is not None:
        before.next_element = node
    node.next_element = None
    node.next_sibling = None
    previous_sibling = parent.contents[-1] if parent is not None and parent.contents else None
    node.previous_sibling = previous_sibling
    if previous_sibling is not None:
        previous_sibling.next_sibling = node


_ASCII_SPACES = BeautifulSoup.ASCII_SPACES
_bare_tag = object.__new__  # a Tag without __init__ run (it has no __new__ of its own)
_bare_string = str.__new__  # a string of the tree before its fields are set
_STRING_NEW = NavigableString.__new__
_store = dict.__setitem__

_DEFAULT_LIST_ATTRIBUTES: dict[str, frozenset[str]] = {}  # (for bs4's default settings)
# bs4's attribute dictionaries, which store a list as dict does (their __setitem__ only
# converts None, booleans and numbers).
_LIST_STORED_AS_GIVEN = (XMLAttributeDict, HTMLAttributeDict)
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
