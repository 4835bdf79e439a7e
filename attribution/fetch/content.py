"""Telling an HTML document from other input: a saved image, an empty file, plain text.

A page is accepted when its first bytes decode to text with at least one HTML element
or an HTML doctype in it; a fragment such as ``<p>…<img src=…>`` is enough, a whole
``<html>`` document is not required. Refused: nothing (or only white space), binary
data (NUL bytes or many control characters, as in images, PDFs and archives) and text
without any HTML markup. The encoding is not decided here (the extractor does that):
tag names are ASCII, so the bytes are read as Latin-1 unless a UTF-16 or UTF-32
byte-order mark says otherwise.
"""

from __future__ import annotations

import codecs
import re

SNIFF_BYTES = 64 * 1024

# Elements that only HTML has, or that pages are made of; one of them marks markup.
_HTML_ELEMENTS = (
    "html|head|body|title|meta|link|base|script|style|noscript|template|main|article|"
    "section|nav|aside|header|footer|h[1-6]|p|div|span|a|img|picture|source|figure|"
    "figcaption|amp-img|br|hr|ul|ol|li|dl|dt|dd|table|tr|td|th|thead|tbody|form|input|"
    "button|iframe|video|audio|blockquote|cite|small|strong|em|b|i|u|pre|code|time|"
    "address|label|select|option|textarea|svg|center|font"
)
_MARKUP = re.compile(
    rf"<!doctype\s+html|<(?:{_HTML_ELEMENTS})(?=[\s/>])",
    re.IGNORECASE,
)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Control characters that do not occur in text (tab, line feed, form feed, carriage
# return and escape do).
_CONTROL = bytes(sorted(frozenset(range(32)) - {9, 10, 12, 13, 27}))


def not_html(body: bytes) -> str | None:
    """Why ``body`` is not an HTML document ("it is empty", "it is binary data", "it has
    no HTML markup"), or None when it looks like one."""
    head = body[:SNIFF_BYTES]
    text = _as_text(head)
    if text is None:
        return "it is binary data"
    if not text.strip():
        return "it is empty"
    if _MARKUP.search(text) is None:
        return "it has no HTML markup"
    return None


def _as_text(head: bytes) -> str | None:
    """The first bytes as text for sniffing, or None when they are binary data."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, errors="replace")
    if b"\x00" in head:
        return None
    sample = head[:4096]
    controls = len(sample) - len(sample.translate(None, _CONTROL))  # counted in C
    if controls * 20 > len(sample):  # more than 5 % control characters
        return None
    return head.decode("latin-1")
