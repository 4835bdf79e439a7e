"""Reading the parsed page: attributes, classes, visible text, links."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from bs4 import Comment, Tag
from bs4.element import NavigableString

from attribution.credits.vocabulary import (
    CAPTION_PHRASES,
    CREDIT_LABEL_STEMS,
    CREDIT_PHRASES,
    LABEL_ELEMENT_WORDS,
)
from attribution.extract.urls import image_identity
from attribution.records import ExtractedImage
from attribution.textutil import alternatives, clean_text

IMAGE_TAGS = ("img", "amp-img", "amp-anim")

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
        )


def attr(element: Tag, name: str) -> str | None:
    """An attribute's value, stripped, or None when absent or empty."""
    value = element.get(name)
    if isinstance(value, list):
        value = " ".join(value)
    if value is None:
        return None
    value = value.strip()
    return value or None


def class_text(element: Tag) -> str:
    """The element's classes and id as one string, for word matching."""
    classes: list[str] | str = element.get("class") or []
    if isinstance(classes, str):
        classes = [classes]
    return " ".join([*classes, attr(element, "id") or ""])


def word_set(text: str) -> set[str]:
    """The lower-case alphanumeric words of a class string or path."""
    return {w for w in re.split(r"[^a-z0-9]+", text.lower()) if w}


def is_inside(element: Tag, root: Tag) -> bool:
    """Whether ``element`` is a descendant of ``root``."""
    return any(parent is root for parent in element.parents)


def count_images(element: Tag) -> int:
    """How many images an element holds (noscript copies not counted)."""
    count = 0
    for tag in element.find_all(IMAGE_TAGS):
        if tag.find_parent("noscript") is None:
            count += 1
    return count


_CREDIT_STEM = re.compile(alternatives(*CREDIT_LABEL_STEMS))


def hidden_label(tag: Tag) -> str | None:
    """'credit' or 'caption' for a screen-reader-only label ("Image source, "), else None."""
    if not isinstance(tag, Tag):
        return None
    if not _is_hidden(tag):
        # BBC pages hide their labels with hashed classes; the words give them away.
        if tag.name != "span" or len(tag.contents) != 1 or not isinstance(tag.string, str):
            return None
        return _BBC_LABELS.get(clean_text(tag.string).lower().rstrip(" ,:.…"))
    text = clean_text(tag.get_text(" ")).lower().rstrip(" ,:.…")
    if len(text) > 40:
        return None
    if "caption" in text or text in _CAPTION_WORDS:
        return "caption"
    if _CREDIT_STEM.search(text):
        return "credit"
    return None  # a bare "Image:" introduces the caption block (Sky), not the credit


_CAPTION_WORDS = frozenset(CAPTION_PHRASES)
# The screen-reader labels of BBC pages in the World Service languages.
_BBC_LABELS = {phrase: "credit" for phrase in CREDIT_PHRASES} | {
    phrase: "caption" for phrase in CAPTION_PHRASES
}


_LABEL_ONLY = re.compile(alternatives(*LABEL_ELEMENT_WORDS), re.IGNORECASE)


def _label_element(tag: Tag) -> str | None:
    """'credit' for an element that holds nothing but a label such as "Credit"."""
    if tag.find(True) is not None:
        return None
    text = clean_text(tag.get_text()).rstrip(" :,.…")
    return "credit" if text and len(text) < 20 and _LABEL_ONLY.fullmatch(text) else None


def visible_text(element: Tag, skip: Iterable[Tag] = ()) -> str:
    """The visible text of an element, blocks separated by spaces, ``skip`` left out."""
    skipped = list(skip)
    pieces: list[str] = []

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, Comment):
                    pieces.append(str(child))
                continue
            if not isinstance(child, Tag) or any(child is s for s in skipped):
                continue
            if child.name in ("script", "style", "button", "noscript") or child.name in IMAGE_TAGS:
                continue
            label = hidden_label(child) or _label_element(child)
            if label == "caption":
                continue
            if label == "credit":
                pieces.append(" Credit: ")
                continue
            if _is_hidden(child):
                continue  # screen-reader text such as ", opens new tab"
            if child.name in _INLINE_WIDGETS and _ACTION_TEXT.match(
                clean_text(child.get_text(" "))
            ):
                continue  # "Acquire Licensing Rights", "hide caption"
            block = child.name in _BLOCKS
            if block or (pieces and (pieces[-1][-1:] in ".!?" or _glued(pieces[-1], child))):
                pieces.append(" ")  # "…on Thursday.<span>Name, Outlet</span>": two sentences
            walk(child)
            if block:
                pieces.append(" ")
            elif pieces and pieces[-1][-1:] in ".!?:" and child.next_sibling is not None:
                # "<span>… in Madrid.</span><span>Name</span>": separate sentences
                pieces.append(" ")

    walk(element)
    return clean_text("".join(pieces))


def _glued(before: str, child: Tag) -> bool:
    """Whether an inline element follows the text before it with no space although it
    starts a new phrase: "…in Utrecht</span><span>NOS / Sanne Verhoef" (two styled spans)."""
    if not before[-1:].isalpha() or child.name not in ("span", "small", "cite"):
        return False
    first = child.get_text()[:1]
    return first.isupper() and isinstance(child.previous_sibling, Tag)


_INLINE_WIDGETS = frozenset({"a", "b", "span", "button", "div", "strong"})


def _is_hidden(tag: Tag) -> bool:
    """Text shown only to screen readers (a class such as "sr-only", or aria-hidden is
    not enough: that hides from screen readers, not from sight)."""
    return bool(_HIDDEN_CLASS.search(" ".join(tag.get("class") or [])))


def link_hrefs(elements: Iterable[Tag]) -> list[str]:
    """The hrefs of the links in (or being) these elements."""
    hrefs: list[str] = []
    for element in elements:
        anchors = [element] if element.name == "a" else element.find_all("a", href=True)
        for anchor in anchors:
            href = attr(anchor, "href")
            if href and not href.startswith(("#", "javascript:", "mailto:")):
                hrefs.append(href)
    return hrefs
