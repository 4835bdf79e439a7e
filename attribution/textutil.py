"""Small pure helpers for the text taken from pages."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?)\]])")
_SPACE_AFTER_OPEN = re.compile(r"([(\[])\s+")


_NEEDS_WORK = re.compile(r"\s\s|[^\S ]|\s[,.;:!?)\]]|[(\[]\s|[\u200b\ufeff]")


def clean_text(text: str) -> str:
    """Collapse whitespace (including non-breaking spaces) and trim the ends."""
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if _NEEDS_WORK.search(text) is None:
        return text.strip()
    text = text.replace("\u200b", "").replace("\ufeff", "")
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
