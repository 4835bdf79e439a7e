"""Small pure helpers for the text taken from pages."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?)\]])")
_SPACE_AFTER_OPEN = re.compile(r"([(\[])\s+")


# The characters no text read from a page keeps, as a regular-expression class:
# - C0 controls other than white space, DEL and C1 controls: a terminal runs the escape
#   sequences they start (ESC, BEL, CSI, OSC), and PostgreSQL refuses NUL in text and JSON;
# - the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which
#   make a terminal or a report show text in another order than it is written;
# - the direction marks LRM, RLM and ALM: harmless to show, but invisible, without
#   words, and they would make "AP" and "AP<RLM>" two names;
# - zero-width space and the byte-order mark.
# Tab, line breaks and the information separators (U+001C–U+001F) are white space: they
# become one space. The zero-width joiners (ZWJ, ZWNJ) stay: scripts and emoji need them.
INVISIBLE_CHARACTERS = (
    r"\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f"
    r"\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff"
)
_INVISIBLE = re.compile(f"[{INVISIBLE_CHARACTERS}]")
_NEEDS_WORK = re.compile(r"\s\s|[^\S ]|\s[,.;:!?)\]]|[(\[]\s" + f"|[{INVISIBLE_CHARACTERS}]")


# Halves of surrogate pairs: JSON-LD's "\ud800" escapes make them; no encoder takes them.
_SURROGATE = re.compile("[\ud800-\udfff]")


def whole_characters(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD, so that it can be encoded."""
    if text.isascii() or _SURROGATE.search(text) is None:
        return text
    return _SURROGATE.sub("\ufffd", text)


def clean_text(text: str) -> str:
    """Collapse whitespace (including non-breaking spaces), trim the ends, and take out
    control characters and direction overrides (:data:`INVISIBLE_CHARACTERS`); lone
    surrogates become U+FFFD."""
    if not text.isascii():
        text = whole_characters(text)
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
    if _NEEDS_WORK.search(text) is None:
        return text.strip()
    text = _INVISIBLE.sub("", text)
    text = _SPACE.sub(" ", text).strip()
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    return _SPACE_AFTER_OPEN.sub(r"\1", text)


def none_if_empty(text: str | None) -> str | None:
    """``text`` cleaned, or None when nothing but punctuation and space is left."""
    if text is None:
        return None
    text = clean_text(text)
    return text if any(ch.isalnum() for ch in text) else None


def any_of(*words: str) -> re.Pattern[str]:
    """A pattern that finds any of ``words`` (lower case) in lower-cased text: a quick
    test of whether a costlier pattern can match at all."""
    return re.compile("|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)))


def alternatives(*fragments: str) -> str:
    """One regular-expression group that matches any of ``fragments``, tried in order."""
    return "(?:" + "|".join(fragments) + ")"


# A name HTTP allows for a header (a "token", RFC 9110 §5.6.2).
_HTTP_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def is_header_name(name: str) -> bool:
    """Whether ``name`` may name an HTTP header (a token: no spaces, colons or quotes)."""
    return _HTTP_TOKEN.fullmatch(name) is not None
