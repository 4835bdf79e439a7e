"""Reading the parsed page: attributes, classes, visible text, links."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache

from bs4 import Comment, Tag
from bs4.element import NavigableString, PageElement

from attribution.credits.vocabulary import (
    CAPTION_PHRASES,
    CREDIT_LABEL_STEMS,
    CREDIT_PHRASES,
    LABEL_ELEMENT_WORDS,
)
from attribution.extract.urls import image_identity
from attribution.records import CONTENT_ROLE, ExtractedImage
from attribution.textutil import alternatives, clean_text

# "<image src=…>" outside an <svg> is an <img>: browsers' HTML parsing renames it.
IMAGE_TAGS = ("img", "amp-img", "amp-anim", "image")

# The attributes HTML defines for an <img> (its own, the global ones, microdata's and
# those of older HTML still written); with the event handlers ("on…") and "aria-…", see
# defined_by_html.
HTML_ATTRIBUTES = frozenset(
    {
        # the image's own
        "alt", "src", "srcset", "sizes", "crossorigin", "usemap", "ismap", "width",
        "height", "referrerpolicy", "decoding", "loading", "fetchpriority", "longdesc",
        "elementtiming", "attributionsrc",
        # older HTML
        "align", "border", "hspace", "vspace", "name", "lowsrc", "dynsrc",
        # global
        "accesskey", "autocapitalize", "autofocus", "class", "contenteditable", "dir",
        "draggable", "enterkeyhint", "hidden", "id", "inert", "inputmode", "is", "lang",
        "nonce", "part", "popover", "slot", "spellcheck", "style", "tabindex", "title",
        "translate", "role", "xml:lang", "xmlns",
        # microdata
        "itemid", "itemprop", "itemref", "itemscope", "itemtype",
        # AMP's layout
        "layout", "heights", "media", "noloading", "placeholder", "fallback",
    }
)  # fmt: skip


def defined_by_html(name: str) -> bool:
    """Whether HTML defines an image attribute of this name (:data:`HTML_ATTRIBUTES`, an
    event handler, an ``aria-…`` one); any other, ``data-…`` among them, is one of the
    site's own, which its script may read the picture from (``content="…/photo.jpg"``)."""
    return name in HTML_ATTRIBUTES or name.startswith(("on", "aria-"))


_HIDDEN_CLASS = re.compile(
    r"visually-?hidden|hide-?visually|sr-only|screen-?reader|a11y-hidden|hidden-text"
    r"|(?:^|\s)(?:u-vh|vh|offscreen)(?:$|\s)",
    re.IGNORECASE,
)

_ACTION_TEXT = re.compile(
    r"^(?:(?:purchase|acquire)\s+licensing\s+rights|buy\s+(?:this\s+)?(?:photo|image|print)"
    r"|(?:hide|show|toggle|expand|collapse)\s+caption|enlarge\s+this\s+image|license\s+this\s+"
    r"(?:photo|image)|expand|enlarge|zoom|open\s+(?:image|gallery)|view\s+(?:gallery|full\s+size|"
    r"larger)|share(?:\s+this)?|copy\s+link|close|next|previous|prev|\d+\s*(?:/|of)\s*\d+)"
    r"(?:[,\s(]*opens?\s+(?:in\s+)?(?:a\s+)?new\s+(?:tab|window)\)?)?$",
    re.IGNORECASE,
)

_BLOCKS = frozenset(
    """
    p div br li ul ol h1 h2 h3 h4 h5 h6 figcaption figure section blockquote table tr td dd
    dt header footer
    """.split()
)


@dataclass
class FoundImage:
    """An image being assembled; frozen into an ExtractedImage at the end."""

    src: str
    element: Tag | None
    origin: str
    variants: list[str] = field(default_factory=list)
    alt: str | None = None
    caption: str | None = None
    credit: str | None = None
    credit_links: list[str] = field(default_factory=list)
    structured: dict[str, str] = field(default_factory=dict)
    role: str = CONTENT_ROLE

    @property
    def identity(self) -> str:
        """The identity of the main URL (shared by every size of the picture)."""
        return image_identity(self.src)

    def freeze(self) -> ExtractedImage:
        return ExtractedImage(
            src=self.src,
            alt=self.alt,
            caption=self.caption,
            credit=self.credit,
            credit_links=tuple(dict.fromkeys(self.credit_links)),
            variants=tuple(v for v in dict.fromkeys(self.variants) if v != self.src),
            origin=self.origin,
            structured=tuple(sorted(self.structured.items())),
            role=self.role,
        )


def attr(element: Tag, name: str) -> str | None:
    """An attribute's value, stripped, or None when absent or empty."""
    value = element.attrs.get(name)
    if isinstance(value, list):
        value = " ".join(value)
    if value is None:
        return None
    value = value.strip()
    return value or None


def parent_named(element: Tag, name: str, attribute: str | None = None) -> Tag | None:
    """``element.find_parent(name)``, or ``find_parent(name, attribute=True)`` when an
    attribute is given, without bs4's search machinery: the nearest such ancestor."""
    parent = element.parent
    while parent is not None:
        if parent.name == name and (attribute is None or parent.attrs.get(attribute) is not None):
            return parent
        parent = parent.parent
    return None


def child_elements(tag: Tag, names: tuple[str, ...] | None = None) -> list[Tag]:
    """``tag.find_all(names, recursive=False)``: the child elements with these names (all
    of them without names), in order."""
    return [
        child
        for child in tag.contents
        if isinstance(child, Tag) and (names is None or child.name in names)
    ]


def next_element_sibling(tag: Tag) -> Tag | None:
    """``tag.find_next_sibling()``: the next sibling that is an element."""
    sibling = tag.next_sibling
    while sibling is not None and not isinstance(sibling, Tag):
        sibling = sibling.next_sibling
    return sibling


def class_text(element: Tag) -> str:
    """The element's classes and id as one string, for word matching."""
    attrs = element.attrs
    classes: list[str] | str = attrs.get("class") or []
    if isinstance(classes, str):
        classes = [classes]
    if "id" not in attrs:
        return " ".join(classes) + " " if classes else ""
    return " ".join([*classes, attr(element, "id") or ""])


def word_set(text: str) -> frozenset[str]:
    """The lower-case alphanumeric words of a class string or path."""
    if len(text) > _CACHED_WORDS_LENGTH:
        return _words(text)
    return _known_words(text)


# Class strings repeat from element to element; a hostile page's long ones are not kept.
_CACHED_WORDS_LENGTH = 200


@lru_cache(maxsize=4096)
def _known_words(text: str) -> frozenset[str]:
    return _words(text)


def _words(text: str) -> frozenset[str]:
    return frozenset(word for word in _NOT_WORD.split(text.lower()) if word)


_NOT_WORD = re.compile(r"[^a-z0-9]+")


_CREDIT_STEM = re.compile(alternatives(*CREDIT_LABEL_STEMS))


def hidden_label(tag: Tag) -> str | None:
    """'credit' or 'caption' for a screen-reader-only label ("Image source, "), else None."""
    if not isinstance(tag, Tag):
        return None
    return _hidden_label(tag, _is_hidden(tag))


def _hidden_label(tag: Tag, hidden: bool) -> str | None:
    """:func:`hidden_label`, told whether ``tag`` is hidden (:func:`_is_hidden`)."""
    if not hidden:
        # BBC pages hide their labels with hashed classes; the words give them away.
        only = only_string(tag) if tag.name == "span" else None
        if only is None:
            return None
        return _BBC_LABELS.get(clean_text(only).lower().rstrip(" ,:.…"))
    text = clean_text(text_start(tag, _LABEL_READ, " ")).lower().rstrip(" ,:.…")
    if len(text) > 40:
        return None
    if "caption" in text or text in _CAPTION_WORDS:
        return "caption"
    if _CREDIT_STEM.search(text):
        return "credit"
    return None  # a bare "Image:" introduces the caption block (Sky), not the credit


# Labels and widget texts are short: this much of an element's text tells whether it is one.
_LABEL_READ = 200

_CAPTION_WORDS = frozenset(CAPTION_PHRASES)
# The screen-reader labels of BBC pages in the World Service languages.
_BBC_LABELS = {phrase: "credit" for phrase in CREDIT_PHRASES} | {
    phrase: "caption" for phrase in CAPTION_PHRASES
}


_LABEL_ONLY = re.compile(alternatives(*LABEL_ELEMENT_WORDS), re.IGNORECASE)


def _label_element(tag: Tag) -> str | None:
    """'credit' for an element that holds nothing but a label such as "Credit"."""
    contents = tag.contents
    for child in contents:
        if isinstance(child, Tag):
            return None
    # tag.get_text(), which for an element without elements inside is this
    types = _string_types(tag)
    strings = [c for c in contents if isinstance(c, NavigableString) and type(c) in types]
    text = clean_text("".join(strings)).rstrip(" :,.…")
    return "credit" if text and len(text) < 20 and _LABEL_ONLY.fullmatch(text) else None


def only_string(tag: Tag) -> str | None:
    """The one string an element holds, through elements that each hold one thing
    ("<span><b>Credit</b></span>"), else None: bs4's ``.string`` without its recursion."""
    node: PageElement = tag
    while isinstance(node, Tag) and len(node.contents) == 1:
        node = node.contents[0]
    return str(node) if isinstance(node, NavigableString) else None


def text_start(element: Tag, size: int, separator: str = "") -> str:
    """The beginning of ``element.get_text(separator)``: its strings up to the one that
    brings the characters other than white space to ``size`` (all of them when fewer).

    For tests that only need the start of a long text, or only whether it is short.
    """
    pieces: list[str] = []
    seen = 0
    types = _string_types(element)
    # ``element.strings``, read through each element's children in turn: no recursion,
    # and none of bs4's document-order machinery.
    stack: list[Iterator[PageElement]] = []
    children = iter(element.contents)  # (bs4's ``children`` is a slower generator of it)
    while True:
        for node in children:
            if isinstance(node, Tag):
                if node.contents:
                    stack.append(children)
                    children = iter(node.contents)
                    break
                continue
            if not isinstance(node, NavigableString) or type(node) not in types:
                continue
            pieces.append(node)
            seen += len(node) - _count_spaces(node)
            if seen >= size:
                excess = seen - size
                if excess > size:
                    # A long last string: cut it, keeping at least ``size`` characters
                    # other than white space in all, so that nested elements do not
                    # each carry the whole of it.
                    pieces[-1] = node[: len(node) - (excess - size)]
                return separator.join(pieces)
        else:
            if not stack:
                return separator.join(pieces)
            children = stack.pop()


def _string_types(tag: Tag) -> AbstractSet[type[NavigableString]]:
    """The kinds of string bs4 counts as the text of ``tag`` (its ``get_text()``):
    plain strings and CDATA, or a script's or style's own kind inside one."""
    types = tag.interesting_string_types
    if types is None:
        return Tag.MAIN_CONTENT_STRING_TYPES
    return {types} if isinstance(types, type) else types


def _count_spaces(text: str) -> int:
    return len(text) - len("".join(text.split()))


def visible_text(
    element: Tag,
    skip: Iterable[Tag] = (),
    limit: int | None = None,
    *,
    skip_ids: AbstractSet[int] = frozenset(),
    readings: dict[int, int] | None = None,
) -> str:
    """The visible text of an element, blocks separated by spaces, ``skip`` left out.

    With ``limit``, reading stops once the text is known to be longer than ``limit``
    characters: what is returned is then the start of the text, longer than ``limit``.
    The tree is walked without recursion (pages can nest elements thousands deep).
    ``readings`` keeps how each element inside is read (:func:`reading`), by ``id``, for
    the next call to look up: the elements must stay alive and unchanged meanwhile.
    """
    # By identity (equal-looking elements differ); ``skip_ids`` lets a caller that reads
    # many elements with the same exceptions build the set once.
    skipped = skip_ids | {id(tag) for tag in skip} if skip else skip_ids
    pieces: list[str] = []
    length = 0
    check_at = limit or 0
    # Each frame: the children still to read, the element they belong to (None for
    # ``element`` itself) and whether that element is a block.
    # The children being read, the element they belong to (None for ``element`` itself)
    # and whether that element is a block; the same for each element around it.
    children: Iterator[PageElement] = iter(element.contents)
    owner: Tag | None = None
    owner_block = False
    stack: list[tuple[Iterator[PageElement], Tag | None, bool]] = []
    while True:
        for child in children:
            if isinstance(child, NavigableString):
                if not isinstance(child, Comment):
                    pieces.append(child)
                    length += len(child)
                    if limit is not None and length > check_at:
                        # Cleaning only takes characters out: once the cleaned text is
                        # longer than the limit, the whole is too. Checked at doubling
                        # lengths.
                        shown = len(clean_text("".join(pieces)))
                        if shown > limit:
                            return clean_text("".join(pieces))
                        check_at = max(length + limit - shown + 1, 2 * length)
                continue
            if not isinstance(child, Tag) or id(child) in skipped:
                continue
            if readings is None:
                how = reading(child)
            else:
                how = readings.get(id(child), -1)
                if how < 0:
                    how = readings[id(child)] = reading(child)
            if how == NOT_READ:
                continue
            if how == CREDIT_LABEL:
                pieces.append(" Credit: ")
                continue
            block = how == BLOCK
            if block or (pieces and (pieces[-1][-1:] in ".!?" or _glued(pieces[-1], child))):
                pieces.append(" ")  # "…on Thursday.<span>Name, Outlet</span>": two sentences
            stack.append((children, owner, owner_block))
            children, owner, owner_block = iter(child.contents), child, block
            break
        else:
            if owner is None:
                return clean_text("".join(pieces))
            if owner_block:
                pieces.append(" ")
            elif pieces and pieces[-1][-1:] in ".!?:" and owner.next_sibling is not None:
                # "<span>… in Madrid.</span><span>Name</span>": separate sentences
                pieces.append(" ")
            children, owner, owner_block = stack.pop()


_NOT_READ = frozenset({"script", "style", "button", "noscript", *IMAGE_TAGS})

# How visible_text reads an element (see reading).
NOT_READ, CREDIT_LABEL, BLOCK, INLINE = range(4)


def reading(element: Tag) -> int:
    """How :func:`visible_text` reads an element inside the one it reads: ``NOT_READ``
    (scripts, images, hidden text, caption labels, widgets), ``CREDIT_LABEL`` (read as
    " Credit: "), else ``BLOCK`` or ``INLINE`` (its text is read). Depends only on the
    element and what it holds."""
    name = element.name
    if name in _NOT_READ:
        return NOT_READ
    hidden = _is_hidden(element)
    label = _hidden_label(element, hidden) or _label_element(element)
    if label == "caption":
        return NOT_READ
    if label == "credit":
        return CREDIT_LABEL
    if hidden:
        return NOT_READ  # screen-reader text such as ", opens new tab"
    if name in _INLINE_WIDGETS and _ACTION_TEXT.match(
        clean_text(text_start(element, _LABEL_READ, " "))
    ):
        return NOT_READ  # "Acquire Licensing Rights", "hide caption"
    return BLOCK if name in _BLOCKS else INLINE


def _glued(before: str, child: Tag) -> bool:
    """Whether an inline element follows the text before it with no space although it
    starts a new phrase: "…in Utrecht</span><span>NOS / Sanne Verhoef" (two styled spans)."""
    if not before[-1:].isalpha() or child.name not in ("span", "small", "cite"):
        return False
    first = text_start(child, 1)[:1]
    return first.isupper() and isinstance(child.previous_sibling, Tag)


_INLINE_WIDGETS = frozenset({"a", "b", "span", "button", "div", "strong"})


def _is_hidden(tag: Tag) -> bool:
    """Text shown only to screen readers (a class such as "sr-only", or aria-hidden is
    not enough: that hides from screen readers, not from sight)."""
    classes: list[str] | str = tag.attrs.get("class") or []
    return bool(classes) and _hidden_classes(" ".join(classes))


@lru_cache(maxsize=4096)
def _hidden_classes(classes: str) -> bool:
    """Whether class names are those of screen-reader text; once for each spelling."""
    return _HIDDEN_CLASS.search(classes) is not None


def link_hrefs(
    elements: Iterable[Tag], links_in: Callable[[Tag], Iterable[Tag]] | None = None
) -> list[str]:
    """The hrefs of the links in (or being) these elements. ``links_in(element)`` gives
    the ``<a>`` elements inside one (a page index answers at once); by default bs4
    searches for them."""
    hrefs: list[str] = []
    for element in elements:
        if element.name == "a":
            anchors: Iterable[Tag] = [element]
        elif links_in is None:
            anchors = element.find_all("a", href=True)
        else:
            anchors = links_in(element)
        for anchor in anchors:
            href = attr(anchor, "href")
            if href and not href.startswith(("#", "javascript:", "mailto:")):
                hrefs.append(href)
    return hrefs
