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
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import ParamSpec, TypeVar, cast

from bs4 import BeautifulSoup, CData, MarkupResemblesLocatorWarning, Tag, XMLParsedAsHTMLWarning
from bs4.element import NavigableString, PageElement

from attribution.extract.dom import IMAGE_TAGS, parent_named, visible_text
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


@dataclass(frozen=True)
class LeftOut:
    """Nodes a page index leaves out, with all they hold: the elements of these names and
    the strings of these kinds. Called on a node, says whether it is one; the index
    itself asks without a call for each node of the page."""

    names: frozenset[str]
    strings: tuple[type[NavigableString], ...] = ()

    def __call__(self, node: PageElement) -> bool:
        return isinstance(node, self.strings) or (isinstance(node, Tag) and node.name in self.names)


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
        raw = tag.attrs.get(attribute)
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
        self._last: list[int] = []
        self._text_before: list[int] = []
        self._text_after: list[int] = []
        self._words_before: list[int] = []
        self._words_after: list[int] = []
        self._places: dict[str, list[int]] = {
            kind: [] for kind in (IMAGE, ANY_IMAGE, LICENCE_LINK, *_COUNTED_NAMES)
        }
        self._memo: dict[str, dict[int, object]] = {}  # question -> id(element) -> answer
        self._readings: dict[int, int] = {}  # id(element) -> how visible_text reads it
        self._elements: list[Tag] = []  # by place
        self._name_places: dict[str, list[int]] = {}  # the places of the elements of a name
        self.every_element: Named = {}
        self.left_out: list[PageElement] = []
        self._index(root, leave_out or _keep, max_depth)

    def _index(
        self, root: Tag, leave_out: Callable[[PageElement], bool], max_depth: int | None
    ) -> None:
        """Number the elements in document order, walking each element's children in
        turn (an explicit stack: no recursion); an element is closed when its children
        are done."""
        # An element this deep with children means the page needs flattening.
        too_deep = max_depth + 1 if max_depth is not None else -1
        elements, number, name_places = self._elements, self._number, self._name_places
        every_element, left_out = self.every_element, self.left_out
        last, text_before, text_after = self._last, self._text_before, self._text_after
        words_before, words_after = self._words_before, self._words_after
        if isinstance(leave_out, LeftOut):
            left_names, left_strings, ask = leave_out.names, leave_out.strings, None
        else:
            left_names, left_strings, ask = frozenset(), (), leave_out
        # The kinds of text counted at once: all of them, unless a rule may leave them out.
        counted: tuple[type[NavigableString], ...] = (
            _TEXT_TYPES
            if ask is None and not any(issubclass(kind, left_strings) for kind in _TEXT_TYPES)
            else ()
        )
        licence_links = self._places[LICENCE_LINK]
        text = words = 0
        noscripts = 0  # how many open elements are noscript
        parent, parent_place = root, self._open(root, False)  # place 0, no text before
        children = root.children
        # The elements whose children are being walked, and where their walk stands.
        stack: list[tuple[Iterator[PageElement], Tag, int]] = []
        while True:
            for node in children:
                if isinstance(node, Tag):
                    name = node.name
                    named = every_element.get(name)
                    if named is None:
                        every_element[name] = [node]
                    else:
                        named.append(node)
                    if name in left_names or (ask is not None and ask(node)):
                        left_out.append(node)
                        if node.contents:
                            self._name_hidden(node, len(stack) + 1, too_deep)
                        continue
                    place = len(elements)
                    number[id(node)] = place
                    elements.append(node)
                    same_name = name_places.get(name)
                    if same_name is None:
                        name_places[name] = [place]
                    else:
                        same_name.append(place)
                    last.append(place)
                    text_before.append(text)
                    text_after.append(text)
                    words_before.append(words)
                    words_after.append(words)
                    if name in _COUNTED:
                        if name == "a":
                            if "license" in (node.attrs.get("rel") or ()):
                                licence_links.append(place)
                        else:
                            self._count(node, place, noscripts > 0)
                    if node.contents:
                        if len(stack) + 1 == too_deep:
                            raise TooDeep
                        stack.append((children, parent, parent_place))
                        parent, parent_place = node, place
                        noscripts += name == "noscript"
                        children = node.children
                        break
                elif type(node) in counted:
                    text += len(node)  # type: ignore[arg-type]  # a NavigableString
                    if node and not node.isspace():  # type: ignore[attr-defined]
                        words += len(node.strip()) + 1  # type: ignore[attr-defined]  # and a separator
                elif isinstance(node, left_strings) or (ask is not None and ask(node)):
                    left_out.append(node)
                elif isinstance(node, NavigableString) and type(node) in _TEXT_TYPES:
                    text += len(node)
                    stripped = len(node.strip())
                    if stripped:
                        words += stripped + 1  # and a separator
            else:
                last[parent_place] = len(elements) - 1
                text_after[parent_place] = text
                words_after[parent_place] = words
                if not stack:
                    return
                noscripts -= parent.name == "noscript"
                children, parent, parent_place = stack.pop()

    def _name_hidden(self, tag: Tag, depth: int, too_deep: int) -> None:
        """List by name the elements inside a left-out element ``depth`` levels below the
        root (raising :class:`TooDeep` as :meth:`_index` does)."""
        every_element = self.every_element
        stack: list[tuple[Iterator[PageElement], int]] = [(tag.children, depth)]
        if depth == too_deep:
            raise TooDeep
        while stack:
            children, depth = stack[-1]
            for node in children:
                if isinstance(node, Tag):
                    named = every_element.get(node.name)
                    if named is None:
                        every_element[node.name] = [node]
                    else:
                        named.append(node)
                    if node.contents:
                        if depth + 1 == too_deep:
                            raise TooDeep
                        stack.append((node.children, depth + 1))
                        break
            else:
                stack.pop()

    def _open(self, tag: Tag, in_noscript: bool) -> int:
        """Give ``tag`` the next place, with the text counted so far (as :meth:`_index`
        does for each element it reaches)."""
        place = len(self._elements)
        self._number[id(tag)] = place
        self._elements.append(tag)
        self._name_places.setdefault(tag.name, []).append(place)
        self._last.append(place)
        self._text_before.append(0)
        self._text_after.append(0)
        self._words_before.append(0)
        self._words_after.append(0)
        if tag.name in _COUNTED:
            self._count(tag, place, in_noscript)
        return place

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
        if limit is not None and limit <= 0:
            return []
        if limit is not None or end - start <= _SCANNED:
            # Most questions are answered by the first few elements of the range: looked
            # at one by one, a fixed number of them, before the lists by name are searched.
            found: list[Tag] = []
            stop = min(end, start + _SCANNED)
            for tag in self._elements[start + 1 : stop + 1]:
                if tag.name in names:
                    found.append(tag)
                    if len(found) == limit:
                        return found
            if stop == end:
                return found
        places: list[int] = []
        for name in names:
            named = self._name_places.get(name)
            if named:
                low, high = bisect_right(named, start), bisect_right(named, end)
                places.extend(named[low : high if limit is None else min(high, low + limit)])
        places.sort()
        return [self._elements[place] for place in places[:limit]]

    def enclosing(self, tag: Tag, name: str) -> Tag | None:
        """``parent_named(tag, name)``: the nearest ancestor with this name. The elements
        of that name just before ``tag`` are looked at first (the nearest one that holds
        it is the answer); only when those are many are the ancestors climbed."""
        place = self._place(tag)
        if place is None:
            return parent_named(tag, name)
        places = self._name_places.get(name)
        if not places:
            return None  # an ancestor of an element of the index is in the index
        before = bisect_left(places, place)
        for at in range(before - 1, max(before - _LOOKED_BACK, 0) - 1, -1):
            if self._last[places[at]] >= place:
                return self._elements[places[at]]
        return None if before <= _LOOKED_BACK else parent_named(tag, name)

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

    def visible_text(
        self,
        tag: Tag,
        skip: Iterable[Tag] = (),
        limit: int | None = None,
        *,
        skip_ids: AbstractSet[int] = frozenset(),
    ) -> str:
        """:func:`~attribution.extract.dom.visible_text` of an element of the page: how
        each element inside is read is worked out once for the page, and the whole
        visible text of an element (nothing skipped, no limit) once for each."""
        if not skip and not skip_ids and limit is None:
            return self.memo("visible text", tag, visible_text, tag, readings=self._readings)
        return visible_text(tag, skip, limit, skip_ids=skip_ids, readings=self._readings)

    def answers(self, question: str) -> dict[int, object]:
        """The answers kept for ``question``, by ``id`` of the element asked about (those
        :meth:`memo` keeps): for a caller that fills in several at once."""
        answers = self._memo.get(question)
        if answers is None:
            answers = self._memo[question] = {}
        return answers

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


# How many elements of a name before an element are looked at for the one that holds it
# before its ancestors are climbed (see PageIndex.enclosing).
_LOOKED_BACK = 8

# How many elements of a range are looked at one by one before the lists by name are
# searched (see PageIndex._within).
_SCANNED = 24

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
