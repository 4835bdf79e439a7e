"""The quick paths of credit parsing decide exactly as the full patterns would.

Credit parsing skips a costly pattern when a cheap test says it cannot match: a word it
needs is missing, no letter that can begin it is there. These tests check each quick
test against what it stands for, so that a word list or pattern changed later cannot
make the parser skip a match.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attribution.credits import captions, licence_names, parse
from attribution.credits.needles import needle_alternation, scan_alternation, words_within
from attribution.credits.vocabulary import MARKERS
from attribution.licences import default_knowledge_base

CORPUS = Path(__file__).parent / "corpus"
_parser: Any = getattr(re, "_parser")  # noqa: B009 - private, but stable
_constants: Any = getattr(re, "_constants")  # noqa: B009


def corpus_texts() -> list[str]:
    """Every credit and caption text of the labelled corpora."""
    texts = []
    for name in ("credits.jsonl", "captions.jsonl"):
        for line in (CORPUS / name).read_text("utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    return texts


def _first_letters(items: Any) -> set[str] | None:
    """The characters a parsed pattern can begin with (word boundaries skipped), or None
    when that is not a plain set of letters."""
    c = _constants
    for op, value in items:
        if op is c.AT:
            continue
        if op is c.LITERAL:
            return {chr(value)}
        if op is c.SUBPATTERN:
            return _first_letters(value[3])
        if op is c.BRANCH:
            letters: set[str] = set()
            for branch in value[1]:
                found = _first_letters(branch)
                if found is None:
                    return None
                letters |= found
            return letters
        if op is c.IN and all(o is c.LITERAL for o, _ in value):
            return {chr(v) for _, v in value}
        return None
    return None


@pytest.mark.parametrize("name", sorted(MARKERS))
def test_every_marker_begins_with_a_marker_letter(name: str) -> None:
    letters = _first_letters(_parser.parse(MARKERS[name], re.IGNORECASE))
    assert letters is not None, f"work out the first letters of the {name} marker by hand"
    assert {letter.lower() for letter in letters} <= set(parse._MARKER_LETTERS)


def test_markers_are_found_as_without_the_letter_test() -> None:
    plain = re.compile(
        "|".join(f"(?P<{name}>{pattern})" for name, pattern in MARKERS.items()), re.IGNORECASE
    )
    texts = [*corpus_texts(), "ſtaff", "KI-generiert", "Handout via Reuters; pool"]
    for text in texts:
        assert [m.lastgroup for m in parse._MARKERS.finditer(text)] == [
            m.lastgroup for m in plain.finditer(text)
        ], text


def test_one_scan_finds_each_group_as_its_own_search_does() -> None:
    groups = {
        "a": ("hand", "work"),
        "b": ("handout", "orks"),
        "c": ("out", "w"),
        **parse._READ_NEEDLES,
    }
    scan = re.compile(scan_alternation(*(w for ws in groups.values() for w in ws)))
    within = words_within(groups)
    own = {name: re.compile(needle_alternation(*words)) for name, words in groups.items()}
    texts = [
        *(t.lower() for t in corpus_texts()),
        "handout",
        "handworks",
        "a handout of works",
        "cropped, resized; image id: 5",
        "",
    ]
    for text in texts:
        found = set().union(*(within[word] for word in scan.findall(text)))
        assert found == {name for name, pattern in own.items() if pattern.search(text)}, text


def test_the_filler_and_marker_words_let_every_match_through() -> None:
    # _read_words tries _LICENCE_FILLER and _MARKERS only where a word of their group of
    # _READ_NEEDLES is in the lower-cased text.
    texts = [
        *corpus_texts(),
        "Jane Doe, licensed under CC BY 4.0",
        "Some rights reserved",
        "Handout via Reuters; pool",
        "Screenshot: Jane Doe / Illustration",
    ]
    for text in texts:
        groups = parse._needle_groups(text.lower())
        if parse._LICENCE_FILLER.search(text):
            assert "filler" in groups, text
        if parse._MARKERS.search(text):
            assert "marker" in groups, text


def test_the_words_of_the_rest_are_scanned_once_as_they_are() -> None:
    # _read_words takes the rest's words from the whole text's when nothing was taken out.
    kb = default_knowledge_base()
    texts = [*corpus_texts(), "Photo: Jane Doe, licensed under CC BY 4.0 / cropped"]
    for text in texts:
        words = parse._read_words(text, kb)
        assert words.needles == parse._needle_groups(words.rest.lower()), text


def test_the_alias_test_lets_every_alias_through() -> None:
    kb = default_knowledge_base()
    pattern, ids = licence_names._alias_matcher(kb)
    needles = licence_names._alias_needles(kb)
    assert pattern is not None and needles is not None
    for alias in licence_names._usable_aliases(kb, ids):
        for spelled in (alias, alias.upper(), alias.title()):
            if pattern.search(spelled) and spelled.isascii():
                assert needles.search(spelled.lower()), spelled


@pytest.mark.parametrize(
    "text",
    [
        "Photo: Jane Doe / CC BY-SA 4.0",
        "Attribution-ShareAlike 3.0 Unported",
        "NAMENſNENNUNG 4.0 cc",  # case folding beyond ASCII: the patterns decide
        "Jane Doe, GNU Free Documentation License 1.2 or later",
        "Unsplash License",
        "Photo by Jane Doe on Unsplash",
        "Jane Doe / Public Domain Mark 1.0",
    ],
)
def test_licences_are_found_as_by_every_pattern(text: str) -> None:
    kb = default_knowledge_base()
    lowered = text.lower()
    found = licence_names.find_licences_in_text(text, kb)
    everything: list[licence_names.LicenceMention] = []
    for pattern in (licence_names._CC_ABBREVIATED, licence_names._CC_SPELLED):
        everything.extend(
            licence_names.LicenceMention(m.start(), m.end(), None, None, "")
            for m in pattern.finditer(text)
            if pattern is licence_names._CC_ABBREVIATED
            or m.group("version")
            or m.group(0).lower().startswith("creative")
        )
    alias_pattern, _ = licence_names._alias_matcher(kb)
    assert alias_pattern is not None
    everything.extend(
        licence_names.LicenceMention(m.start(), m.end(), None, None, "")
        for m in alias_pattern.finditer(text)
    )
    # Every place a pattern matches is covered by a mention found with the quick tests.
    for mention in everything:
        assert any(m.start < mention.end and mention.start < m.end for m in found), (
            text,
            lowered,
        )


_SPACES = " \t\n\u00a0\u2003\x1c"  # white space of several kinds, as \s reads it


def _repeated_tail_cases() -> st.SearchStrategy[str]:
    """Texts that end with a phrase printed twice, and texts near them."""
    # (no "." but as the first character: what the pattern takes for a phrase)
    phrase = st.builds(
        str.__add__, st.sampled_from("a.b "), st.text(alphabet="abc" + _SPACES, max_size=85)
    )
    space = st.text(alphabet=_SPACES, min_size=0, max_size=3)
    before = st.text(alphabet="abc." + _SPACES, max_size=40)
    return st.one_of(
        st.builds(lambda b, p, w, v: b + p + w + p + v, before, phrase, space, space),
        st.text(alphabet="ab.c" + _SPACES, max_size=120),
    )


@settings(max_examples=3000, deadline=None)
@given(_repeated_tail_cases())
def test_the_quick_test_for_a_repeated_tail_passes_every_text_the_pattern_matches(
    text: str,
) -> None:
    if captions._REPEATED_TAIL.search(text):
        assert captions.may_end_repeated(text)


def test_the_quick_test_for_a_repeated_tail_on_the_corpora() -> None:
    texts = corpus_texts()
    for text in texts:
        if captions._REPEATED_TAIL.search(text):
            assert captions.may_end_repeated(text), text
    assert captions.may_end_repeated("A caption. Jane Doe/NPR Jane Doe/NPR")
    assert not captions.may_end_repeated("The harbour at dawn. Photo: Jane Doe/NPR")
    # (the quick test leaves most texts to no pattern at all)
    assert sum(map(captions.may_end_repeated, texts)) < len(texts) / 10
