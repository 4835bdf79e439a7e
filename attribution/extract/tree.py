"""The parsed page as extraction reads it: parsed whatever the bytes, nested no deeper
than :data:`~attribution.extract.limits.MAX_DEPTH`, rid of scripts and comments, and
indexed once so that what each image asks of the page costs no walk of it.

The tree surgery here relinks bs4's nodes itself: bs4's own ``unwrap``, ``extract`` and
``decompose`` look for each node among its siblings and walk down to its last
descendant, which takes time squared on the pages built to make them do it.
"""

from __future__ import annotations

import re
import string
import warnings
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable
from typing import ParamSpec, TypeVar, cast

from bs4 import BeautifulSoup, CData, MarkupResemblesLocatorWarning, Tag, XMLParsedAsHTMLWarning
from bs4.element import NavigableString, PageElement

from attribution.extract.dom import IMAGE_TAGS
from attribution.extract.limits import MAX_DEPTH

# Pages are read as HTML whatever they resemble (XHTML served with an XML declaration, a
# body that looks like a file name): bs4's advice about it is not the user's concern.
warnings.filterwarnings("ignore", category=XMLParsedAsHTMLWarning)
warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)


def parse_markup(html: str | bytes, encoding: str | None = None) -> BeautifulSoup:
    """Parse a page with lxml, else with Python's own parser; never raises.

    Each parser refuses some hostile inputs: lxml a NUL in a declared character set or
    a lone surrogate, Python's parser a malformed ``<![`` declaration. A page lxml
    refuses is decoded here (bad bytes replaced) and given to lxml again, then to
    Python's parser; a page both refuse is read as an empty document.
    """
    try:
        if isinstance(html, bytes):
            return BeautifulSoup(html, "lxml", from_encoding=encoding)
        return BeautifulSoup(html, "lxml")
    except Exception:  # refused: read the decoded text instead
        text = _as_text(html, encoding)
    for parser in ("lxml", "html.parser"):
        try:
            return BeautifulSoup(text, parser)
        except Exception:  # refused: the next parser, else an empty document
            continue
    return BeautifulSoup("", "html.parser")


def _as_text(html: str | bytes, encoding: str | None) -> str:
    """The page as text for Python's parser: decoded with ``encoding`` when Python can
    (else as UTF-8), bad bytes and lone surrogates replaced."""
    if isinstance(html, bytes):
        try:
            text = html.decode(encoding or "utf-8", errors="replace")
        except Exception:  # an unknown name, or a codec that is not a text encoding
            text = html.decode("utf-8", errors="replace")
    else:
        text = html
    return text.encode("utf-8", errors="replace").decode("utf-8")


def flatten_deep(root: Tag, max_depth: int = MAX_DEPTH) -> None:
    """Unwrap the elements nested more than ``max_depth`` levels below ``root``.

    The text and the empty elements (images) below an element at ``max_depth`` become
    its own children, in document order; the elements that wrapped them are dropped.
    Browsers also stop nesting (at 512 levels); no real page comes near. Linear in the
    size of the page: bs4's own unwrap would walk the whole depth for every element.
    """
    stack: list[tuple[Tag, int]] = [(root, 0)]
    while stack:
        tag, depth = stack.pop()
        nested = [child for child in tag.contents if isinstance(child, Tag)]
        if depth < max_depth:
            stack.extend((child, depth + 1) for child in nested)
        elif any(child.contents for child in nested):
            _flatten(tag)


def _flatten(tag: Tag) -> None:
    """Make the strings and empty elements below ``tag`` its children, relinking the
    parse tree's sibling and document-order links as bs4 keeps them."""
    last: PageElement = tag
    while isinstance(last, Tag) and last.contents:
        last = last.contents[-1]
    after = last.next_element
    kept: list[PageElement] = []
    node = tag.next_element
    while node is not None:
        if not (isinstance(node, Tag) and node.contents):
            kept.append(node)
        if node is last:
            break
        node = node.next_element
    previous: PageElement = tag
    for place, node in enumerate(kept):
        node.parent = tag
        node.previous_sibling = kept[place - 1] if place else None
        node.next_sibling = kept[place + 1] if place + 1 < len(kept) else None
        node.previous_element = previous
        previous.next_element = node
        previous = node
    previous.next_element = after
    if after is not None:
        after.previous_element = previous
    tag.contents = kept


def take_out(nodes: list[PageElement]) -> None:
    """Take these nodes out of the page, with all they hold; none may be inside another
    (:class:`PageIndex` lists such nodes as ``left_out``, in document order). Each
    parent's children are relinked once (bs4 would look for each node among its
    siblings: time squared on a page of thousands of sibling comments), and each node is
    cut out of the document order where it stands, not by threading the whole page."""
    if not nodes:
        return
    gone = {id(node) for node in nodes}
    parents = {id(node.parent): node.parent for node in nodes if node.parent is not None}
    for parent in parents.values():
        kept = [child for child in parent.contents if id(child) not in gone]
        for child in parent.contents:
            if id(child) in gone:
                child.parent = None
        _relink_children(parent, kept)
    for node in nodes:
        _unthread(node)


def _relink_children(tag: Tag, children: list[PageElement]) -> None:
    for place, child in enumerate(children):
        child.parent = tag
        child.previous_sibling = children[place - 1] if place else None
        child.next_sibling = children[place + 1] if place + 1 < len(children) else None
    tag.contents = children


def _unthread(node: PageElement) -> None:
    """Link the node before ``node`` in document order to the one after all it holds.
    Nodes taken out one after another in document order leave the order as threading
    the remaining page afresh would."""
    last = node
    while isinstance(last, Tag) and last.contents:
        last = last.contents[-1]
    before, after = node.previous_element, last.next_element
    if before is not None:
        before.next_element = after
    if after is not None:
        after.previous_element = before


def index_page(root: Tag, leave_out: Callable[[PageElement], bool] | None = None) -> PageIndex:
    """``flatten_deep(root)``, then ``PageIndex(root, leave_out)``: one walk of the page
    when it is nested no deeper than ``MAX_DEPTH`` (every real page), a second after
    flattening one that is."""
    try:
        return PageIndex(root, leave_out, max_depth=MAX_DEPTH)
    except TooDeep:
        flatten_deep(root)
        return PageIndex(root, leave_out)


class TooDeep(ValueError):
    """A page nested deeper than the index was told to take (see :func:`index_page`)."""


# A page's elements by name, each list in document order.
Named = dict[str, list[Tag]]


def first_with(
    candidates: Iterable[Tag], attribute: str, value: str, *, word: bool = False
) -> Tag | None:
    """The first of ``candidates`` that CSS's ``[attribute="value"]`` matches (with
    ``word``, ``[attribute~="value"]``: one of its space-separated words) on an HTML
    page: what ``select_one`` finds when ``candidates`` are, in document order, every
    element it could match. Without a CSS engine: it took most of a small page's time."""
    caseless = attribute in _HTML_CASELESS
    wanted = value.translate(_ASCII_LOWER) if caseless else value
    for tag in candidates:
        raw = tag.get(attribute)
        if raw is None:
            continue
        text = raw if isinstance(raw, str) else " ".join(raw)
        if caseless:
            text = text.translate(_ASCII_LOWER)
        if word:
            if wanted and not _CSS_SPACE.search(wanted) and wanted in _CSS_SPACE.split(text):
                return tag
        elif text == wanted:
            return tag
    return None


_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_CSS_SPACE = re.compile(r"[ \t\r\n\f]")
# The attributes whose values HTML matches without regard to ASCII case in selectors.
_HTML_CASELESS = frozenset(
    """
    accept accept-charset align alink axis bgcolor charset checked clear codetype color
    compact declare defer dir direction disabled enctype face frame hreflang http-equiv lang
    language link media method multiple nohref noresize noshade nowrap readonly rel rev rules
    scope scrolling selected shape target text type valign valuetype vlink
    """.split()
)


# The kinds of element a page index counts below each element.
IMAGE = "image"  # an image, not a noscript copy
ANY_IMAGE = "any image"  # an image, noscript copies too
LICENCE_LINK = "licence link"  # <a rel="license">
_COUNTED_NAMES = ("figcaption", "h1", "nav")
_COUNTED = frozenset({*IMAGE_TAGS, *_COUNTED_NAMES, "a"})  # the names _count looks at


class PageIndex:
    """What one pass over a parsed page tells about each of its elements: where it
    starts and ends in document order, how much text it holds, how many images,
    licence links, figcaptions, h1 and nav elements it contains.

    Extraction asks these questions of an image's ancestors for every image; answered
    by walking the page each time, a page of 2,000 images took minutes. The page must
    not change after it is indexed. ``memo`` keeps the answers of costlier questions
    about one element (is this figure's caption a credit?) for the next image that asks.
    """

    def __init__(
        self,
        root: Tag,
        leave_out: Callable[[PageElement], bool] | None = None,
        max_depth: int | None = None,
    ) -> None:
        """Index the page below ``root``. The nodes ``leave_out`` accepts are indexed as if
        they were gone, with all they hold: ``left_out`` lists the outermost of them, for
        :func:`take_out` to take out of the page. ``every_element`` lists every element
        by name, those left out too (for what is read before they are taken out). With
        ``max_depth``, a page that :func:`flatten_deep` would change raises
        :class:`TooDeep`."""
        self._number: dict[int, int] = {}  # id(element) -> its place in document order
        # By place: the place of its last descendant element, the length of the text
        # before it and up to its end, and the same for stripped strings ("words").
        self._last = array("q")
        self._text_before = array("q")
        self._text_after = array("q")
        self._words_before = array("q")
        self._words_after = array("q")
        self._places: dict[str, list[int]] = {
            kind: [] for kind in (IMAGE, ANY_IMAGE, LICENCE_LINK, *_COUNTED_NAMES)
        }
        self._memo: dict[str, dict[int, object]] = {}  # question -> id(element) -> answer
        self._elements: list[Tag] = []  # by place
        self._name_places: dict[str, list[int]] = {}  # the places of the elements of a name
        self._text = self._words = 0
        self.every_element: Named = {}
        self.left_out: list[PageElement] = []
        self._index(root, leave_out or _keep, max_depth)

    def _index(
        self, root: Tag, leave_out: Callable[[PageElement], bool], max_depth: int | None
    ) -> None:
        """Number the elements in document order; close each when a node outside it
        comes (the walk follows bs4's document-order links: no recursion)."""
        # A node this many levels below the root means the page needs flattening.
        too_deep = max_depth + 2 if max_depth is not None else -1
        noscripts = 0
        hidden = 0  # how many open elements are left out (the outermost and those inside)
        # Each open element: it, its place (-1 when left out).
        open_tags: list[tuple[Tag, int]] = [(root, self._open(root, False))]
        name_element, open_tag, close = self._name, self._open, self._close
        for node in root.descendants:
            parent = node.parent
            while open_tags[-1][0] is not parent and len(open_tags) > 1:
                tag, place = open_tags.pop()
                if place < 0:
                    hidden -= 1
                else:
                    close(place)
                    noscripts -= tag.name == "noscript"
            if len(open_tags) == too_deep:
                raise TooDeep
            if isinstance(node, Tag):
                name_element(node)
                if hidden or leave_out(node):
                    if not hidden:
                        self.left_out.append(node)
                    hidden += 1
                    open_tags.append((node, -1))
                else:
                    open_tags.append((node, open_tag(node, noscripts > 0)))
                    noscripts += node.name == "noscript"
            elif hidden:
                continue
            elif leave_out(node):
                self.left_out.append(node)
            elif isinstance(node, NavigableString) and type(node) in _TEXT_TYPES:
                self._text += len(node)
                stripped = len(node.strip())
                if stripped:
                    self._words += stripped + 1  # and a separator
        for _, place in reversed(open_tags):
            if place >= 0:
                close(place)

    def _name(self, tag: Tag) -> None:
        named = self.every_element.get(tag.name)
        if named is None:
            self.every_element[tag.name] = [tag]
        else:
            named.append(tag)

    def _open(self, tag: Tag, in_noscript: bool) -> int:
        place = len(self._elements)
        self._number[id(tag)] = place
        self._elements.append(tag)
        name = tag.name
        named = self._name_places.get(name)
        if named is None:
            self._name_places[name] = [place]
        else:
            named.append(place)
        self._last.append(place)
        self._text_before.append(self._text)
        self._text_after.append(self._text)
        self._words_before.append(self._words)
        self._words_after.append(self._words)
        if name in _COUNTED:
            self._count(tag, place, in_noscript)
        return place

    def _close(self, place: int) -> None:
        self._last[place] = len(self._last) - 1
        self._text_after[place] = self._text
        self._words_after[place] = self._words

    def _count(self, tag: Tag, place: int, in_noscript: bool) -> None:
        if tag.name in IMAGE_TAGS:
            self._places[ANY_IMAGE].append(place)
            if not in_noscript:
                self._places[IMAGE].append(place)
        elif tag.name in _COUNTED_NAMES:
            self._places[tag.name].append(place)
        elif tag.name == "a" and "license" in (tag.get("rel") or ()):
            self._places[LICENCE_LINK].append(place)

    @property
    def elements(self) -> list[Tag]:
        """Every element below the root, in document order."""
        return self._elements[1:]

    def named(self, *names: str) -> list[Tag]:
        """The elements (not the root) with any of these names, in document order."""
        return self._within(0, len(self._elements) - 1, names, None)

    def below(self, tag: Tag, names: tuple[str, ...], limit: int | None = None) -> list[Tag]:
        """``tag.find_all(names, limit=limit)``: the elements with any of these names
        inside ``tag``, in document order, at most ``limit`` of them."""
        place = self._place(tag)
        if place is None:
            return list(tag.find_all(list(names), limit=limit))
        return self._within(place, self._last[place], names, limit)

    def first_below(self, tag: Tag, names: tuple[str, ...]) -> Tag | None:
        """``tag.find(names)``: the first element with any of these names inside ``tag``."""
        found = self.below(tag, names, 1)
        return found[0] if found else None

    def all_below(self, tag: Tag) -> list[Tag]:
        """``tag.find_all(True)``: every element inside ``tag``, in document order."""
        place = self._place(tag)
        if place is None:
            return list(tag.find_all(True))
        return self._elements[place + 1 : self._last[place] + 1]

    def _within(self, start: int, end: int, names: tuple[str, ...], limit: int | None) -> list[Tag]:
        """The elements of these names placed after ``start`` up to ``end``."""
        places: list[int] = []
        for name in names:
            named = self._name_places.get(name)
            if named:
                low, high = bisect_right(named, start), bisect_right(named, end)
                places.extend(named[low : high if limit is None else min(high, low + limit)])
        places.sort()
        return [self._elements[place] for place in places[:limit]]

    def _place(self, tag: Tag) -> int | None:
        return self._number.get(id(tag))

    def inside(self, element: Tag, root: Tag) -> bool:
        """Whether ``element`` is a descendant of ``root``."""
        place, outer = self._place(element), self._place(root)
        if place is None or outer is None:
            return any(parent is root for parent in element.parents)
        return outer < place <= self._last[outer]

    def count(self, kind: str, tag: Tag) -> int:
        """How many elements of a kind (``IMAGE``, ``ANY_IMAGE``, ``LICENCE_LINK``, or
        the name "figcaption", "h1" or "nav") are below ``tag``."""
        place = self._place(tag)
        if place is None:
            return _count_directly(kind, tag)
        places = self._places[kind]
        return bisect_right(places, self._last[place]) - bisect_right(places, place)

    def images(self, tag: Tag) -> int:
        """How many images an element holds (noscript copies not counted)."""
        return self.count(IMAGE, tag)

    def text_length(self, tag: Tag) -> int:
        """``len(tag.get_text())``."""
        place = self._place(tag)
        if place is None:
            return len(tag.get_text())
        return self._text_after[place] - self._text_before[place]

    def words_length(self, tag: Tag) -> int:
        """``len(tag.get_text(" ", strip=True))``."""
        place = self._place(tag)
        if place is None:
            return len(tag.get_text(" ", strip=True))
        return max(0, self._words_after[place] - self._words_before[place] - 1)

    def position(self, tag: Tag) -> tuple[int, int]:
        """Where an element starts and ends: the places in document order of it and of
        its last descendant element; an element that was not indexed gives (-1, -1)."""
        place = self._place(tag)
        return (-1, -1) if place is None else (place, self._last[place])

    def memo(
        self, question: str, tag: Tag, answer: Callable[P, T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """The answer to ``question`` about ``tag``, worked out once by
        ``answer(*args, **kwargs)``."""
        answers = self._memo.get(question)
        if answers is None:
            answers = self._memo[question] = {}
        key = id(tag)
        if key in answers:
            return cast(T, answers[key])
        found = answers[key] = answer(*args, **kwargs)
        return found


T = TypeVar("T")
P = ParamSpec("P")


def _keep(node: PageElement) -> bool:
    return False


_TEXT_TYPES = (NavigableString, CData)


def _count_directly(kind: str, tag: Tag) -> int:
    if kind == IMAGE:
        return sum(1 for t in tag.find_all(IMAGE_TAGS) if t.find_parent("noscript") is None)
    if kind == ANY_IMAGE:
        return len(tag.find_all(IMAGE_TAGS))
    if kind == LICENCE_LINK:
        return len(tag.find_all("a", rel="license"))
    return len(tag.find_all(kind))
