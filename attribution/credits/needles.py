"""Alternations of many words that the regular-expression engine can test quickly.

Python's engine tries the branches of an alternation one by one at every position of
the text. A long list of words ("any of these needles") written as one flat alternation
therefore costs one test per word per position. Grouped by their first character, the
words cost one test per group at positions where no word starts, and the order that
decides which word is reported is kept within each group.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast


def grouped_alternation(
    words: Iterable[str],
    spell: Callable[[str], str] = re.escape,
    *,
    ignore_case: bool = False,
) -> str:
    """One group matching any of ``words``, each written by ``spell`` (which spells each
    character on its own, as :func:`re.escape` does), tried in the order given: the
    same matches as ``"(?:" + "|".join(map(spell, words)) + ")"``.

    Words are grouped by their first character; only the order within a group can
    matter, as no character of the text can begin two groups. With ``ignore_case``,
    that holds when every first character is lower-case ASCII (other characters can
    fold together); otherwise the words are left as one flat alternation.
    """
    words = list(words)
    firsts = {word[:1] for word in words}
    flat = "(?:" + "|".join(spell(word) for word in words) + ")"
    if "" in firsts or (
        ignore_case and not all(c.isascii() and not c.isupper() and c != " " for c in firsts)
    ):
        return flat
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(spell(word[1:]) if len(word) > 1 else "")
    branches = (
        f"{spell(first)}(?:{'|'.join(rest)})" if rest != [""] else spell(first)
        for first, rest in groups.items()
    )
    return "(?:" + "|".join(branches) + ")"


def needle_alternation(*words: str) -> str:
    """A pattern that finds any of ``words`` (lower case) in lower-cased text, longest
    first where several start at one place: what :func:`attribution.textutil.any_of`
    finds, grouped (see :func:`grouped_alternation`)."""
    return grouped_alternation(sorted(words, key=len, reverse=True))


def scan_alternation(*words: str) -> str:
    """A pattern whose ``findall`` over lower-cased text gives, at every place where one
    of ``words`` (lower case) starts, the longest word that starts there: one pass finds
    every word, also where words overlap (see :func:`words_within`)."""
    return "(?=(" + needle_alternation(*words) + "))"


def words_within(groups: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    """For each word of ``groups``, the names of the groups that have a word beginning
    it: where :func:`scan_alternation` reports a word, every group so named has a word
    at that place (every word found at one place begins the longest one found there)."""
    words = {word for group in groups.values() for word in group}
    return {
        word: frozenset(
            name for name, group in groups.items() if any(word.startswith(w) for w in group)
        )
        for word in words
    }


class LazyPattern:
    """A regular expression compiled when it is first used: a command that reads a few
    credits compiles only the patterns those credits need. The first call of a method
    puts the compiled pattern's own methods in its place, so later calls cost the same
    as on the compiled pattern (no ``__getattr__``, which would slow every look-up)."""

    _METHODS = ("search", "match", "fullmatch", "sub", "subn", "split", "findall", "finditer")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags

    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern; its methods become this object's."""
        compiled = re.compile(self.pattern, self.flags)
        for method in self._METHODS:
            setattr(self, method, getattr(compiled, method))
        return compiled

    def search(self, *args: Any, **kwargs: Any) -> Any:
        """:meth:`re.Pattern.search`."""
        return self.compiled().search(*args, **kwargs)

    def match(self, *args: Any, **kwargs: Any) -> Any:
        """:meth:`re.Pattern.match`."""
        return self.compiled().match(*args, **kwargs)

    def fullmatch(self, *args: Any, **kwargs: Any) -> Any:
        """:meth:`re.Pattern.fullmatch`."""
        return self.compiled().fullmatch(*args, **kwargs)

    def sub(self, *args: Any, **kwargs: Any) -> Any:
        """:meth:`re.Pattern.sub`."""
        return self.compiled().sub(*args, **kwargs)

    def subn(self, *args: Any, **kwargs: Any) -> Any:
        """:meth:`re.Pattern.subn`."""
        return self.compiled().subn(*args, **kwargs)

    def split(self, *args: Any, **kwargs: Any) -> Any:
        """:meth:`re.Pattern.split`."""
        return self.compiled().split(*args, **kwargs)

    def findall(self, *args: Any, **kwargs: Any) -> Any:
        """:meth:`re.Pattern.findall`."""
        return self.compiled().findall(*args, **kwargs)

    def finditer(self, *args: Any, **kwargs: Any) -> Any:
        """:meth:`re.Pattern.finditer`."""
        return self.compiled().finditer(*args, **kwargs)


def lazy_compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, compiled when first used (see :class:`LazyPattern`)."""
    return cast("re.Pattern[str]", LazyPattern(pattern, flags))
