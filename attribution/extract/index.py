"""What one pass over a parsed page tells about each of its elements (:class:`PageIndex`):
where it starts and ends, how much text it holds, how many images, licence links,
figcaptions, h1 and nav elements; its elements by name; and, kept once worked out, the
answers to costlier questions about them (how visible text reads each one)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import ParamSpec, TypeVar, cast

from bs4 import CData, Tag
from bs4.element import NavigableString, PageElement

from attribution.extract.dom import IMAGE_TAGS, parent_named, visible_text

# A page's elements by name, each list in document order.
Named = dict[str, list[Tag]]


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
    """A page nested deeper than the index was told to take (see
    :func:`~attribution.extract.tree.index_page`)."""


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
        :func:`~attribution.extract.tree.take_out` to take out of the page.
        ``every_element`` lists every element by name, those left out too (for what is
        read before they are taken out). With
        ``max_depth``, a page that :func:`~attribution.extract.tree.flatten_deep` would
        change raises
        :class:`TooDeep`."""
        self.root = root
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
        # iter(contents), not bs4's ``children``: that wraps the list in a generator, a
        # frame resumed for every node of the page.
        children = iter(root.contents)
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
                        children = iter(node.contents)
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
        stack: list[tuple[Iterator[PageElement], int]] = [(iter(tag.contents), depth)]
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
                        stack.append((iter(node.contents), depth + 1))
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

    def named_with_words(self, names: tuple[str, ...], most: int) -> list[Tag]:
        """The elements (not the root) with any of these names whose ``words_length`` is
        more than nothing and at most ``most``, in document order: read from the index's
        own lists, not asked of each element."""
        before, after, elements = self._words_before, self._words_after, self._elements
        places = [
            place
            for name in names
            for place in self._name_places.get(name, ())
            if place and 0 < after[place] - before[place] - 1 <= most
        ]
        if len(names) > 1:
            places.sort()
        return [elements[place] for place in places]

    def below(self, tag: Tag, names: tuple[str, ...], limit: int | None = None) -> list[Tag]:
        """``tag.find_all(names, limit=limit)``: the elements with any of these names
        inside ``tag``, in document order, at most ``limit`` of them."""
        place = self._number.get(id(tag))
        if place is None:
            return list(tag.find_all(list(names), limit=limit))
        return self._within(place, self._last[place], names, limit)

    def first_below(self, tag: Tag, names: tuple[str, ...]) -> Tag | None:
        """``tag.find(names)``: the first element with any of these names inside ``tag``."""
        found = self.below(tag, names, 1)
        return found[0] if found else None

    def all_below(self, tag: Tag) -> list[Tag]:
        """``tag.find_all(True)``: every element inside ``tag``, in document order."""
        place = self._number.get(id(tag))
        if place is None:
            return list(tag.find_all(True))
        return self._elements[place + 1 : self._last[place] + 1]

    def first_elements(self, tag: Tag, count: int) -> list[Tag]:
        """``tag.find_all(True, limit=count)``: the first ``count`` elements inside ``tag``,
        in document order."""
        place = self._number.get(id(tag))
        if place is None:
            return list(tag.find_all(True, limit=count))
        return self._elements[place + 1 : min(self._last[place], place + count) + 1]

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
        place = self._number.get(id(tag))
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

    def inside(self, element: Tag, root: Tag) -> bool:
        """Whether ``element`` is a descendant of ``root``."""
        place, outer = self._number.get(id(element)), self._number.get(id(root))
        if place is None or outer is None:
            return any(parent is root for parent in element.parents)
        return outer < place <= self._last[outer]

    def count(self, kind: str, tag: Tag) -> int:
        """How many elements of a kind (``IMAGE``, ``ANY_IMAGE``, ``LICENCE_LINK``, or
        the name "figcaption", "h1" or "nav") are below ``tag``."""
        place = self._number.get(id(tag))
        if place is None:
            return _count_directly(kind, tag)
        places = self._places[kind]
        return bisect_right(places, self._last[place]) - bisect_right(places, place)

    def images(self, tag: Tag) -> int:
        """How many images an element holds (noscript copies not counted)."""
        return self.count(IMAGE, tag)

    def text_length(self, tag: Tag) -> int:
        """``len(tag.get_text())``."""
        place = self._number.get(id(tag))
        if place is None:
            return len(tag.get_text())
        return self._text_after[place] - self._text_before[place]

    def words_length(self, tag: Tag) -> int:
        """``len(tag.get_text(" ", strip=True))``."""
        place = self._number.get(id(tag))
        if place is None:
            return len(tag.get_text(" ", strip=True))
        return max(0, self._words_after[place] - self._words_before[place] - 1)

    def position(self, tag: Tag) -> tuple[int, int]:
        """Where an element starts and ends: the places in document order of it and of
        its last descendant element; an element that was not indexed gives (-1, -1)."""
        place = self._number.get(id(tag))
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
        each element inside is read is worked out once for the page, and the visible
        text of an element with nothing skipped once for each element and limit."""
        if not skip and not skip_ids:
            question = "visible text" if limit is None else f"visible text to {limit}"
            return self.memo(question, tag, visible_text, tag, limit=limit, readings=self._readings)
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
