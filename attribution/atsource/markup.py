"""The HTML in what sources answer, made plain text and links.

Wikimedia Commons gives a file's author, credit and terms as HTML fragments (links to
user pages, ``<span class="int-own-work">Own work</span>``, entities). They are read
with the standard library's :class:`html.parser.HTMLParser`, which never runs anything:
tags are dropped, entities decoded, and text that only looks like markup once decoded
("&lt;script&gt;") stays text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from attribution.textutil import INVISIBLE_CHARACTERS, clean_text

# Elements that end a run of text: words on either side of them are not one word.
BREAKING_ELEMENTS = frozenset(
    {
        "br", "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "tr", "td", "th", "table",
        "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "hr", "section", "article",
    }
)  # fmt: skip
# Elements whose content is not text a reader sees.
UNREAD_ELEMENTS = frozenset({"script", "style", "template"})
# Fragments longer than this are cut before they are read: no credit is that long.
MAX_MARKUP_LENGTH = 100_000


class _Reader(HTMLParser):
    """Collects the text of a fragment and the ``href`` of its elements, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.hrefs: list[str] = []
        self._unread = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in UNREAD_ELEMENTS:
            self._unread += 1
        if tag in BREAKING_ELEMENTS:
            self.pieces.append(" ")
        for name, value in attrs:
            if name == "href" and value is not None:
                self.hrefs.append(value)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BREAKING_ELEMENTS:
            self.pieces.append(" ")
        for name, value in attrs:
            if name == "href" and value is not None:
                self.hrefs.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in UNREAD_ELEMENTS and self._unread:
            self._unread -= 1
        if tag in BREAKING_ELEMENTS:
            self.pieces.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._unread:
            self.pieces.append(data)


def _read(value: str) -> _Reader:
    reader = _Reader()
    reader.feed(value[:MAX_MARKUP_LENGTH])
    reader.close()
    return reader


def markup_text(value: str | None) -> str | None:
    """The plain text of an HTML fragment: tags dropped, entities decoded, white space
    folded, control and direction characters taken out; None when nothing is left."""
    if value is None:
        return None
    text = clean_text("".join(_read(value).pieces))
    return text or None


# What no link holds: white space, control and direction characters.
_NOT_IN_LINKS = re.compile(f"[\\s{INVISIBLE_CHARACTERS}]")


def markup_link(value: str | None) -> str | None:
    """The first http(s) link of an HTML fragment (protocol-relative ``//host/…`` read as
    https); None when it has none."""
    if value is None:
        return None
    for href in _read(value).hrefs:
        link = _web_link(href)
        if link is not None:
            return link
    return None


def _web_link(href: str) -> str | None:
    href = href.strip()
    if href.startswith("//"):
        href = "https:" + href
    if not href or _NOT_IN_LINKS.search(href):
        return None
    try:
        parts = urlsplit(href)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return href
