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


# --- Alternations of patterns, tried only where a character that begins one stands ------

_parser: Any = getattr(re, "_parser", None)  # private, but stable since Python 3.11
_constants: Any = getattr(re, "_constants", None)
_RANGE_LIMIT = 64  # a character class wider than this is not spelled out


def first_characters(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Every character a match of ``pattern`` can begin with (as written: with
    ``re.IGNORECASE`` the other cases match too), or None when that is not a short list
    of characters: a class such as ``\\w``, a pattern that can match nothing, a group
    that captures or changes flags, or an engine whose parser is not the one known."""
    if _parser is None or _constants is None:
        return None
    try:
        parsed = _parser.parse(pattern, flags)
        if parsed.state.groups > 1:  # a capturing group: its number would change
            return None
        found = _first_of_sequence(list(parsed))
    except (AttributeError, re.error, TypeError, ValueError):
        return None
    if found is None or found[1]:
        return None
    return frozenset(found[0])


def _first_of_sequence(items: list[Any]) -> tuple[set[str], bool] | None:
    """(first characters, whether the sequence can match nothing) of parsed items."""
    letters: set[str] = set()
    for op, value in items:
        found = _first_of_item(op, value)
        if found is None:
            return None
        letters |= found[0]
        if not found[1]:
            return letters, False
    return letters, True


def _first_of_item(op: Any, value: Any) -> tuple[set[str], bool] | None:
    c = _constants
    if op is c.LITERAL:
        return {chr(value)}, False
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return set(), True  # takes no character: what follows begins the match
    if op is c.IN:
        letters: set[str] = set()
        for kind, item in value:
            if kind is c.LITERAL:
                letters.add(chr(item))
            elif kind is c.RANGE and item[1] - item[0] <= _RANGE_LIMIT:
                letters.update(chr(code) for code in range(item[0], item[1] + 1))
            else:
                return None
        return letters, False
    if op is c.SUBPATTERN:
        group, add_flags, del_flags, items = value
        if group is not None or add_flags or del_flags:
            return None
        return _first_of_sequence(list(items))
    if op is c.ATOMIC_GROUP:
        return _first_of_sequence(list(value))
    if op is c.BRANCH:
        letters, empty = set(), False
        for branch in value[1]:
            found = _first_of_sequence(list(branch))
            if found is None:
                return None
            letters |= found[0]
            empty = empty or found[1]
        return letters, empty
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        low, _high, items = value
        found = _first_of_sequence(list(items))
        if found is None:
            return None
        return found[0], found[1] or low == 0
    return None


def dispatched_alternation(fragments: Iterable[str], flags: int = 0) -> str:
    """One group matching any of ``fragments`` (regular expressions compiled with
    ``flags``), tried in the order given: the same matches as ``"(?:" +
    "|".join(fragments) + ")"``, found sooner.

    A flat alternation tries every fragment at a place. Here each character that can
    begin a fragment (see :func:`first_characters`; with ``re.IGNORECASE``, with its
    other cases) has a branch of the fragments that can begin with it, in their order,
    behind a look-ahead for that character: at a place only the fragments that can
    match there are tried, in the order the flat alternation tries them, so the first
    that matches is the same. Where a fragment's first characters are not known, the
    flat alternation is returned.
    """
    fragments = list(fragments)
    firsts = [first_characters(fragment, flags) for fragment in fragments]
    if any(f is None for f in firsts):
        return "(?:" + "|".join(fragments) + ")"
    known = cast("list[frozenset[str]]", firsts)
    # The characters that can match one another (cases of one letter) share a branch.
    letters = sorted(set().union(*known))
    forms = {letter: _case_forms(letter, flags) for letter in letters}
    same: dict[str, str] = {letter: letter for letter in letters}
    for index, letter in enumerate(letters):
        for other in letters[index + 1 :]:
            if same[other] == other and forms[letter] & forms[other]:
                same[other] = same[letter]
    every = "".join(re.escape(letter) for letter in letters)
    branches = []
    for first in dict.fromkeys(same[letter] for f in known for letter in sorted(f)):
        chars = "".join(re.escape(letter) for letter in letters if same[letter] == first)
        members = (
            f
            for f, letters_of in zip(fragments, known, strict=True)
            if _chars_in(letters_of, same, first)
        )
        branches.append(f"(?=[{chars}])(?:" + "|".join(members) + ")")
    return f"(?=[{every}])(?:" + "|".join(branches) + ")"


def _case_forms(letter: str, flags: int) -> set[str]:
    """``letter`` and, with ``re.IGNORECASE``, the first characters of its cases and of
    theirs: every character a pattern that ignores case matches for it shares one of
    these with it ("ſ" and "s" share "S", "İ" and "i" share "i"), and some more."""
    forms = {letter}
    if flags & re.IGNORECASE:
        for _ in range(2):
            forms |= {case(c)[:1] for c in forms for case in _CASES}
    return forms


_CASES = (str.lower, str.upper, str.casefold, str.title)


def _chars_in(letters: frozenset[str], same: dict[str, str], first: str) -> bool:
    """Whether one of ``letters`` is in the set of characters named ``first``."""
    return any(same[letter] == first for letter in letters)
