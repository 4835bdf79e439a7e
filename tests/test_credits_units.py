"""Focused credit-parsing cases: the seed credits, double credits, licences written
every way, versions that do not exist, and the bulk command."""

from __future__ import annotations

import json
import re

import pytest
from conftest import run_cli

from attribution.credits import find_licences_in_text, parse_credit, strip_label
from attribution.credits.needles import grouped_alternation, needle_alternation
from attribution.credits.parse import (
    _ENDING_CHARS,
    _LABEL_END,
    _TRADE_NAME_WORDS,
    _TRAILING_AND_WORDS,
    _TRAILING_MARKER_WORDS,
    _clean,
    _has_copyright_mark,
    _may_end_with,
    _may_say_via,
    _name_list,
    _segments,
)
from attribution.credits.vocabulary import COPYRIGHT_MARKS, LABEL_SEPARATORS, UNPUNCTUATED_LABELS
from attribution.licences import default_knowledge_base
from attribution.textutil import any_of, clean_text


def test_the_seed_credits() -> None:
    flickr = parse_credit("Photo credit: arctic penguin / Flickr (CC BY-NC 2.0)")
    assert flickr.creators == ("arctic penguin",)
    assert (flickr.provider, flickr.licence, flickr.kind) == (
        "Flickr",
        "CC-BY-NC-2.0",
        "creative-commons",
    )
    wikimedia = parse_credit("President of Russia / Wikimedia (CC BY 4.0)")
    assert wikimedia.creators == ("President of Russia",)
    assert (wikimedia.provider, wikimedia.licence) == ("Wikimedia Commons", "CC-BY-4.0")
    assert wikimedia.licence_url == "https://creativecommons.org/licenses/by/4.0/"


@pytest.mark.parametrize(
    ("text", "creators", "provider", "via"),
    [
        ("(AP Photo/Evan Vucci)", ("Evan Vucci",), "Associated Press", None),
        ("REUTERS/Elizabeth Frantz", ("Elizabeth Frantz",), "Reuters", None),
        ("Photograph: Andrew Harnik/Getty Images", ("Andrew Harnik",), "Getty Images", None),
        (
            "Photo by Johannes EISELE / AFP via Getty Images",
            ("Johannes EISELE",),
            "Agence France-Presse",
            "Getty Images",
        ),
        ("Karsten Moran for The New York Times", ("Karsten Moran",), "The New York Times", None),
        ("Bild: picture alliance / dpa", (), "Deutsche Presse-Agentur", "picture alliance"),
    ],
)
def test_agencies_and_double_credits(
    text: str, creators: tuple[str, ...], provider: str, via: str | None
) -> None:
    credit = parse_credit(text)
    assert credit.creators == creators
    assert credit.provider == provider
    assert credit.via == via


@pytest.mark.parametrize(
    ("text", "links", "licence"),
    [
        ("Creative Commons Attribution-ShareAlike 4.0 International", (), "CC-BY-SA-4.0"),
        ("Jane Doe (CC-BY-SA-4.0)", (), "CC-BY-SA-4.0"),
        ("CC BY-SA 3.0 DE", (), "CC-BY-SA-3.0-DE"),
        ("Jane Doe / CC BY-SA 3.0 PL", (), "LicenseRef-CC-BY-SA-3.0-PL"),
        ("Jane Doe, CC BY-SA", (), "CC-BY-SA"),
        (
            "Jane Doe / Flickr (some rights reserved)",
            ("https://creativecommons.org/licenses/by-nc-sa/2.0/",),
            "CC-BY-NC-SA-2.0",
        ),
        (
            "Jane Doe (licence)",
            ("https://creativecommons.org/licenses/by/3.0/de/deed.en",),
            "CC-BY-3.0-DE",
        ),
        ("CC0", (), "CC0-1.0"),
        ("Public Domain Mark 1.0", (), "CC-PDM-1.0"),
        ("GFDL 1.2", (), "GFDL-1.2-only"),
        ("CC BY-SA 3.0 and GFDL", (), "CC-BY-SA-3.0 AND GFDL"),
        (
            "Namensnennung – Weitergabe unter gleichen Bedingungen 3.0 Deutschland",
            (),
            "CC-BY-SA-3.0-DE",
        ),
    ],
)
def test_licences_written_every_way(text: str, links: tuple[str, ...], licence: str) -> None:
    assert parse_credit(text, links).licence == licence


@pytest.mark.parametrize("text", ["Jane Doe / CC BY 5.0", "Jane Doe (CC BY-NC 4.1)"])
def test_a_version_that_does_not_exist_is_not_accepted(text: str) -> None:
    credit = parse_credit(text)
    assert credit.licence is None
    assert credit.licence_problem is not None and "does not exist" in credit.licence_problem


def test_bulk_command_reads_stdin_and_prints_json_lines() -> None:
    result = run_cli(
        "credits",
        "parse",
        stdin="(AP Photo/Evan Vucci)\n\nJane Doe/CC BY-SA 3.0 via Wikimedia Commons\n",
    )
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    # one row per input line: the blank line keeps its place as an empty record
    assert [row["provider"] for row in rows] == ["Associated Press", None, "Wikimedia Commons"]
    assert rows[1]["text"] == ""
    assert rows[2]["licence"] == "CC-BY-SA-3.0"
    assert set(rows[0]) >= {
        "text",
        "creator",
        "provider",
        "licence",
        "licence_url",
        "kind",
        "confidence",
    }


def test_bulk_command_takes_arguments() -> None:
    result = run_cli("credits", "parse", "REUTERS/Elizabeth Frantz")
    assert json.loads(result.stdout)["creator"] == "Elizabeth Frantz"


# One grouped alternation finds what the flat alternation of the same words found.
_GROUPED_TEXTS = [
    "",
    "Courtesy of the artist",
    "Photo: Jane Doe/AFP via Getty Images (CC BY-SA 4.0)",
    "handout photo, pool, screenshot",
    "a ab abc b ba cab",
    "GFDL 1.2 or later; Public   Domain Mark; public-domain",
    "All Rights Reserved © 2020 - tous droits réservés",
    "Stuart Martin, Lalique, FAL 1.3, Licence Art Libre",
    "work of the U.S. government; some public domain; no rights reserved",
]


@pytest.mark.parametrize(
    "words",
    [
        ("a", "ab", "abc", "b", "ba"),
        ("ab", "a", "b", "abc"),
        ("cc", "creative", "attribution", "art", "lal", "fal", "pd-", "u.s."),
        ("x",),
    ],
)
def test_grouped_alternation_finds_what_the_flat_alternation_finds(
    words: tuple[str, ...],
) -> None:
    flat = re.compile("(?:" + "|".join(map(re.escape, words)) + ")")
    grouped = re.compile(grouped_alternation(words))
    needles = re.compile(needle_alternation(*words))
    for text in _GROUPED_TEXTS:
        lowered = text.lower()
        assert [m.span() for m in grouped.finditer(lowered)] == [
            m.span() for m in flat.finditer(lowered)
        ]
        assert [m.span() for m in needles.finditer(lowered)] == [
            m.span() for m in any_of(*words).finditer(lowered)
        ]


def test_grouped_alternation_ignoring_case_keeps_the_order_of_spellings() -> None:
    def spell(word: str) -> str:
        return re.escape(word).replace(r"\ ", r"\s+")

    words = ["public domain mark", "public domain", "rights reserved", "pd-usgov", "17 usc 105"]
    flat = re.compile("(?:" + "|".join(map(spell, words)) + r")(?!\w)", re.I)
    grouped = re.compile(grouped_alternation(words, spell, ignore_case=True) + r"(?!\w)", re.I)
    for text in [*_GROUPED_TEXTS, "PUBLIC DOMAIN MARKS and public\tdomain", "17 USC 105"]:
        assert [m.group() for m in grouped.finditer(text)] == [
            m.group() for m in flat.finditer(text)
        ]
    # First characters that case folding could join are not grouped.
    assert grouped_alternation(["Ab", "ab"], ignore_case=True) == "(?:Ab|ab)"


def test_licence_aliases_are_found_by_the_grouped_pattern() -> None:
    kb = default_knowledge_base()
    found = find_licences_in_text("Map: OGL v3.0; photo in the public domain; GFDL 1.2", kb)
    assert [m.licence for m in found] == ["OGL-UK-3.0", "LicenseRef-Public-Domain", "GFDL-1.2-only"]


def test_the_quick_label_test_knows_every_way_a_label_ends() -> None:
    # strip_label looks for a label only where one of these characters (or "capture") is.
    for separator in LABEL_SEPARATORS:
        assert _LABEL_END.match(separator.replace("\\", "")[:1])
    assert all("." in label or label.startswith("capture") for label in UNPUNCTUATED_LABELS)


@pytest.mark.parametrize(
    ("text", "stripped"),
    [
        ("Photo: Jane Doe", "Jane Doe"),
        ("Photo - Jane Doe", "Jane Doe"),
        ("Fot. PAP", "PAP"),
        ("Capture d'écran YouTube", "YouTube"),
        ("CAPTURE D’ÉCRAN YouTube", "YouTube"),
        ("Photo Jane Doe", "Photo Jane Doe"),
        ("Jane Doe", "Jane Doe"),
    ],
)
def test_strip_label(text: str, stripped: str) -> None:
    assert strip_label(text) == stripped


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("  Jane  Doe ", "Jane Doe"),
        ("Jane Doe , AFP", "Jane Doe, AFP"),
        ("( AP Photo/Jane Doe )", "(AP Photo/Jane Doe)"),
        ("Jane\tDoe", "Jane Doe"),
        ("Jane Doe\u200e/AFP", "Jane Doe/AFP"),
        ("Jane Doe/AFP", "Jane Doe/AFP"),
    ],
)
def test_the_quick_clean_cleans_as_clean_text(text: str, clean: str) -> None:
    assert _clean(text) == clean_text(text) == clean


@pytest.mark.parametrize(
    ("text", "words", "may"),
    [
        ("Jane Doe, file", ("file",), True),
        ("Jane Doe FILE", ("file",), True),
        ("Jane Doe fİle", ("file",), True),  # case folding reads "İ" as "i"
        ("Jane Doe", ("file", "pool"), False),
    ],
)
def test_may_end_with(text: str, words: tuple[str, ...], may: bool) -> None:
    assert _may_end_with(text, words) is may
    for endings in (_TRADE_NAME_WORDS, _TRAILING_MARKER_WORDS, _TRAILING_AND_WORDS):
        assert max(map(len, endings)) <= _ENDING_CHARS


def test_the_quick_copyright_test_knows_every_mark() -> None:
    # Plain ASCII text is searched for a copyright mark only where "(c)" or "copyright" is.
    assert all(
        not mark.isascii() or r"\(c\)" in mark or "copyright" in mark for mark in COPYRIGHT_MARKS
    )
    assert _has_copyright_mark("(C) 2020 Jane Doe") and _has_copyright_mark("Jane © Doe")
    assert _has_copyright_mark("COPYRİGHT Jane Doe")  # "İ" is "i" to a pattern ignoring case
    assert not _has_copyright_mark("Jane Doe/AFP")


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("Jane Doe/AFP", ["Jane Doe", "AFP"]),
        ("Jane Doe - AFP | Getty; Reuters", ["Jane Doe", "AFP", "Getty", "Reuters"]),
        ("Jane Doe", ["Jane Doe"]),
        ("Jean-Luc Doe", ["Jean-Luc Doe"]),
    ],
)
def test_segments(text: str, segments: list[str]) -> None:
    assert _segments(text) == segments


def test_via_and_for_are_read_in_any_case() -> None:
    assert parse_credit("Jane Doe VIA Getty Images").via is None  # one provider: not a "via"
    assert parse_credit("Jane Doe/AFP VIA Getty Images").via == "Getty Images"
    assert parse_credit("Jane Doe FÜR Der Spiegel").creators == ("Jane Doe",)
    assert _may_say_via("über") and _may_say_via("VIA") and not _may_say_via("Vienna")


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Jane Doe", ["Jane Doe"]),
        ("Jane Doe, John Roe", ["Jane Doe", "John Roe"]),
        ("Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("JANE DOE AND JOHN ROE", ["JANE DOE AND JOHN ROE"]),  # the words are lower case
        ("Jane Doe & John Roe", ["Jane Doe", "John Roe"]),
        ("Jane Doe y John Roe", ["Jane Doe", "John Roe"]),
        ("Andrea Etienne", ["Andrea Etienne"]),
    ],
)
def test_name_list(text: str, parts: list[str]) -> None:
    assert _name_list(text) == parts
