"""Alternations tried only where a character that begins one of their fragments stands
(``needles.dispatched_alternation``), and the word tests that stand in for patterns in
ASCII text: each finds what the plain form finds."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_credits_speed_paths import corpus_texts

from attribution.credits import parse
from attribution.credits.needles import dispatched_alternation, first_characters
from attribution.credits.vocabulary import (
    GENERIC_LABELS,
    KIND_LABELS,
    MORE_GENERIC_LABELS,
    PARSER_GENERIC_LABELS,
    POSITION_LABELS,
)

CORPUS = Path(__file__).parent / "corpus"
LABEL_FRAGMENTS = (
    *GENERIC_LABELS,
    *MORE_GENERIC_LABELS,
    *PARSER_GENERIC_LABELS,
    *KIND_LABELS,
    *POSITION_LABELS,
)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("abc", {"a"}),
        (r"(?:staff\s+|file\s+)?photo", {"s", "f", "p"}),
        (r"\bfoo|bar", {"f", "b"}),
        (r"[ée]cran", {"é", "e"}),
        (r"a*b", {"a", "b"}),
        (r"(?:x|y)++z", {"x", "y"}),
        (r"(?=q)quid", {"q"}),
        (r"\w+", None),  # a class of letters: not spelled out
        (r"a?", None),  # can match nothing
        (r"(a)b", None),  # captures
        (r"(?i:a)b", None),  # changes flags
        (r".x", None),
    ],
)
def test_first_characters(pattern: str, expected: set[str] | None) -> None:
    found = first_characters(pattern)
    assert (set(found) if found is not None else None) == expected


def test_unknown_first_characters_give_the_flat_alternation() -> None:
    assert dispatched_alternation([r"\w+", "abc"]) == r"(?:\w+|abc)"


def _same_matches(fragments: list[str], flags: int, texts: list[str]) -> None:
    flat = re.compile("(?:" + "|".join(fragments) + r")(?P<tail>\s*[:,]?)", flags)
    fast = re.compile(dispatched_alternation(fragments, flags) + r"(?P<tail>\s*[:,]?)", flags)
    for text in texts:
        for method in ("match", "fullmatch", "search"):
            a, b = getattr(flat, method)(text), getattr(fast, method)(text)
            assert (a and (a.span(), a.group("tail"))) == (b and (b.span(), b.group("tail"))), (
                method,
                text,
            )
        assert [m.span() for m in flat.finditer(text)] == [m.span() for m in fast.finditer(text)]


def test_label_words_match_as_the_flat_alternation() -> None:
    texts = [*corpus_texts(), "ſource: X", "PHOTO CREDIT: x", "Fot. PAP", "写真：共同"]
    texts += [t.upper() for t in texts[:200]] + [t.lower() for t in texts[:200]]
    _same_matches(list(LABEL_FRAGMENTS), re.IGNORECASE, texts)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["ab", "a", "abc", "b", "(?:c|a)b", "k", "s", "ſt", "K", "é"]),
             min_size=1, max_size=6),
    st.lists(st.text(alphabet="abcksſKKéÉ :,", max_size=8), max_size=5),
    st.booleans(),
)  # fmt: skip
def test_dispatch_keeps_the_order_of_fragments(
    fragments: list[str], texts: list[str], ignore_case: bool
) -> None:
    _same_matches(fragments, re.IGNORECASE if ignore_case else 0, texts)


def test_no_character_passes_two_branches_of_the_label_words() -> None:
    # The branches' look-aheads are exclusive over all of Unicode, with case ignored.
    pattern = dispatched_alternation(LABEL_FRAGMENTS, re.IGNORECASE)
    guards = re.findall(r"\(\?=\[((?:\\.|[^\]\\])+)\]\)\(\?:", pattern)[1:]
    assert len(guards) > 5
    everything = "".join(
        chr(code) for code in range(sys.maxunicode + 1) if code < 0xD800 or code > 0xDFFF
    )
    seen: set[str] = set()
    for guard in guards:
        found = set(re.findall(f"[{guard}]", everything, re.IGNORECASE))
        assert not found & seen, guard
        seen |= found


def test_label_patterns_are_dispatched() -> None:
    assert parse._LABEL_WORDS.startswith("(?=[")


@pytest.mark.parametrize(
    "text",
    [
        "Photo by Jane Doe for The Times",
        "Jane Doe on Unsplash",
        "  on Unsplash",
        "Jane Doe for",
        "by Jane Doe",
        "Jane Doe\tfor\tThe Times",
        "Name PER Agency",
        "Jane Doe\x1con\x1cFlickr",
        "Jane Doe fur Flickr",
        "Jane Doe für Flickr",
        "Jane Doe von Flickr",
    ],
)
def test_word_tests_stand_for_the_split_patterns(text: str) -> None:
    words = text.lower().split()
    assert bool(parse._ON.search(text)) <= (not parse._ON_WORDS.isdisjoint(words[:-1]))
    assert bool(parse._FOR.search(text)) <= (not parse._FOR_WORDS.isdisjoint(words[:-1]))
    hint = bool(parse._MADE_BY_HINT.search(f" {text} "))
    assert hint <= (not parse._BY_WORD_SET.isdisjoint(words))


def test_word_tests_stand_for_the_split_patterns_over_the_corpus() -> None:
    for text in corpus_texts():
        for part in re.split(r"[/;|]", text):
            if not part.isascii():
                continue
            words = part.lower().split()
            assert bool(parse._ON.search(part)) <= (not parse._ON_WORDS.isdisjoint(words[:-1]))
            assert bool(parse._FOR.search(part)) <= (not parse._FOR_WORDS.isdisjoint(words[:-1]))
            hint = bool(parse._MADE_BY_HINT.search(f" {part} "))
            assert hint <= (not parse._BY_WORD_SET.isdisjoint(words)), part


@pytest.mark.parametrize(
    "text",
    [
        "Jane Doe",
        "@jane.doe",
        "jdoe1987",
        "Jane  Doe",
        " Jane",
        "Jane\u00a0Doe",
        "Ja@ne",
        "@",
        "x²",
    ],
)
def test_name_word_pattern_is_the_word_by_word_test(text: str) -> None:
    word = re.compile(r"^@?[\w'’.\-ʻ]+$")
    by_word = bool(text.split()) and all(word.match(w) for w in text.split())
    assert bool(parse._NAME_WORDS.fullmatch(text)) == by_word


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_clean_ascii_text_stays_as_it_is(text: str) -> None:
    # _read and _names skip cleaning ASCII text that has been cleaned (and stripped).
    cleaned = parse._clean(text)
    assert parse._clean(cleaned) == cleaned
    stripped = cleaned.strip(" ,.;:")
    assert parse._clean(stripped) == stripped
