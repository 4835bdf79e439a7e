"""What a source's bytes are at a glance: where the document starts, whether the
address answered with an HTML page instead of a sitemap or a feed, and which kind of
source it is."""

from __future__ import annotations

import re

UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
GZIP_MAGIC = b"\x1f\x8b"
_FIRST_ELEMENT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
# How far into a document its first element is looked for.
_KIND_HEAD_BYTES = 4096
_LEADING_SPACE = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\r\n]*")
# How far into a document the marks of an HTML page are looked for.
_HTML_HEAD_BYTES = 2048
_HTML_MARKS = (b"<!doctype html", b"<html", b"<head", b"<body")


def content_start(data: bytes) -> int:
    """Where the document in ``data`` starts: after a UTF-8 byte-order mark and the white
    space some servers send before ``<?xml`` (which XML parsers refuse). 0 for UTF-16,
    which XML parsers read from its byte-order mark."""
    if data.startswith(UTF16_BOMS):
        return 0
    match = _LEADING_SPACE.match(data)
    return match.end() if match else 0


def looks_like_html(data: bytes, start: int = 0) -> bool:
    """Whether the document starting at ``start`` reads as an HTML page (a doctype or an
    ``html``, ``head`` or ``body`` tag near its start, in any case)."""
    head = data[start : start + _HTML_HEAD_BYTES].lower()
    return any(mark in head for mark in _HTML_MARKS)


def document_kind(body: bytes) -> str:
    """What a fetched source is by its first element: "sitemap" (an XML sitemap or
    index, a gzipped body, or a list of URLs), "feed" (RSS, Atom, RDF) or "page"
    (anything else: a site's address)."""
    if body.startswith(GZIP_MAGIC):
        return "sitemap"
    start = content_start(body)
    head = body[start : start + _KIND_HEAD_BYTES]
    for match in _FIRST_ELEMENT.finditer(head):
        name = match.group(1).split(b":")[-1].lower()
        if name in (b"urlset", b"sitemapindex"):
            return "sitemap"
        if name in (b"rss", b"feed", b"rdf"):
            return "feed"
        return "page"
    if head.startswith((b"http://", b"https://")):
        return "sitemap"  # a sitemap of plain text, one URL a line
    return "page"
