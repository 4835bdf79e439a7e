"""The pure parts of audit reports: which pages and days a report's scope covers and
how it is put in words, the corrected attribution line a finding's fix hands over, and
the rights register's agreement that covers a provider (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from attribution.licences import default_knowledge_base
from attribution.records import ReportScope, RightsEntry
from attribution.rules.agreements import agreement_with
from attribution.rules.attribution import (
    COMPLETE_ATTRIBUTION,
    FOR_EXAMPLE,
    IN_HTML,
    corrected_attribution,
)

SPORT = "https://example.com/sport/2026/final.html"
NEWS = "https://example.com/news/2026/sport-minister.html"


# --- which pages --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "sport", "news"),
    [
        (ReportScope(), True, True),
        (ReportScope(section="/sport/"), True, False),
        (ReportScope(section="/sport"), True, False),  # the start of the path
        (ReportScope(section="/2026/"), False, False),  # not text anywhere in the path
        (ReportScope(section="https://example.com/news/"), False, True),  # a whole address
        (ReportScope(section="https://other.example/sport/"), False, False),
        (ReportScope(page="*sport*"), True, True),  # a glob over the whole URL
        (ReportScope(page="*/sport/*"), True, False),
        (ReportScope(page="*final.htm?"), True, False),  # ? is one character
        (ReportScope(page="*final.html"), True, False),
        (ReportScope(page="*/202[56]/*"), True, True),
        (ReportScope(page="minister"), False, True),  # without *?[: text in the URL
        (ReportScope(page="sport"), True, True),
        (ReportScope(section="/news/", page="*sport*"), False, True),
        (ReportScope(section="/sport/", page="minister"), False, False),
    ],
)
def test_covers_page(scope: ReportScope, sport: bool, news: bool) -> None:
    assert (scope.covers_page(SPORT), scope.covers_page(NEWS)) == (sport, news)


def test_a_glob_is_case_sensitive_like_a_url_path() -> None:
    assert not ReportScope(page="*SPORT*").covers_page(SPORT)
    assert not ReportScope(section="/Sport/").covers_page(SPORT)


# --- which days ---------------------------------------------------------------------------


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


@pytest.mark.parametrize(
    ("since", "until", "covered"),
    [
        (None, None, True),
        (date(2026, 11, 10), None, True),  # last seen that day: inclusive
        (date(2026, 11, 11), None, False),  # gone before
        (None, date(2026, 11, 5), True),  # first seen that day: inclusive
        (None, date(2026, 11, 4), False),  # not yet seen
        (date(2026, 11, 6), date(2026, 11, 7), True),  # seen throughout
        (date(2026, 11, 1), date(2026, 11, 30), True),
        (date(2026, 11, 11), date(2026, 11, 30), False),
    ],
)
def test_covers_time(since: date | None, until: date | None, covered: bool) -> None:
    scope = ReportScope(since=since, until=until)
    assert scope.covers_time(at(5, 0), at(10, 23)) is covered


# --- in words ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "words"),
    [
        (ReportScope(), "findings standing now"),
        (ReportScope(run_id=12), "run 12"),
        (
            ReportScope(since=date(2026, 11, 1), until=date(2026, 11, 30)),
            "findings standing now; seen 2026-11-01 to 2026-11-30",
        ),
        (ReportScope(since=date(2026, 11, 1)), "findings standing now; seen 2026-11-01 to …"),
        (ReportScope(until=date(2026, 11, 30)), "findings standing now; seen … to 2026-11-30"),
        (
            ReportScope(run_id=3, section="/sport/", page="*2026*"),
            "run 3; section /sport/; pages matching *2026*",
        ),
    ],
)
def test_describe(scope: ReportScope, words: str) -> None:
    assert scope.describe() == words


# --- the corrected attribution line -------------------------------------------------------

LINE = "Photo: Jane Roe (link to the original), CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"
MARKUP = 'Photo: <a href="LINK-TO-ORIGINAL">Jane Roe</a>, <a href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0</a>'


def test_the_complete_attribution_in_text_and_html() -> None:
    fix = f"{COMPLETE_ATTRIBUTION}{LINE}{IN_HTML}{MARKUP}"
    assert corrected_attribution(fix) == (LINE, MARKUP)


def test_an_example_in_html_only() -> None:
    fix = f"Link the licence name to https://creativecommons.org/licenses/by/4.0/{FOR_EXAMPLE}{MARKUP}"
    assert corrected_attribution(fix) == (None, MARKUP)


@pytest.mark.parametrize(
    "fix",
    [
        None,
        "",
        "Add the agreement with Associated Press to the rights register, or replace the image.",
        f"{COMPLETE_ATTRIBUTION}{LINE}",  # no HTML part: not the rule's own fix
    ],
)
def test_no_corrected_line(fix: str | None) -> None:
    assert corrected_attribution(fix) == (None, None)


def test_the_corrected_line_of_the_rule_itself() -> None:
    """The fix attribution-incomplete writes is read back as its own line."""
    from attribution.config import profile_from_mapping
    from attribution.credits import parse_credit
    from attribution.rules.attribution import attribution_line

    kb = default_knowledge_base()
    credit = parse_credit("Jane Roe, CC BY 4.0")
    licence = kb.licence("CC-BY-4.0")
    assert credit is not None and licence is not None
    text, markup = attribution_line(credit, licence, None, profile_from_mapping({}))
    assert corrected_attribution(f"{COMPLETE_ATTRIBUTION}{text}{IN_HTML}{markup}") == (
        text,
        markup,
    )


# --- the agreement that covers a provider ------------------------------------------------

TODAY = date(2026, 12, 6)


def agreement(provider: str, **fields: object) -> RightsEntry:
    return RightsEntry(provider=provider, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("registered", "named"),
    [
        ("AP", "Associated Press"),
        ("Associated Press", "AP"),
        ("AP Photo", "Associated Press"),
        ("associated press", "AP"),
        ("Jane Doe Photography", "jane doe photography"),  # not in the table: the name
    ],
)
def test_the_register_covers_a_provider_by_any_of_its_names(registered: str, named: str) -> None:
    entry = agreement(registered, reference="R-1")
    found = agreement_with(named, [entry], default_knowledge_base(), on=TODAY, commercial=True)
    assert found is entry


@pytest.mark.parametrize(
    "entry",
    [
        agreement("Reuters"),  # another provider
        agreement("AP", valid_until=date(2026, 12, 5)),  # ended
        agreement("AP", valid_from=date(2026, 12, 7)),  # not yet
        agreement("AP", scope="print"),  # another medium
        agreement("AP", scope="non-commercial"),  # this publication is commercial
        agreement("AP", scope="editoral"),  # a scope nobody can read
    ],
)
def test_an_agreement_that_does_not_cover(entry: RightsEntry) -> None:
    kb = default_knowledge_base()
    assert agreement_with("Associated Press", [entry], kb, on=TODAY, commercial=True) is None


def test_the_first_agreement_that_covers_is_given() -> None:
    ended = agreement("AP", valid_until=date(2026, 1, 1), reference="old")
    current = agreement("Associated Press", scope="editorial, web", reference="AP-17")
    later = agreement("AP", reference="AP-18")
    kb = default_knowledge_base()
    found = agreement_with("AP Photo", [ended, current, later], kb, on=TODAY, commercial=True)
    assert found is current


def test_a_non_commercial_agreement_for_a_non_commercial_publication() -> None:
    entry = agreement("AP", scope="non-commercial")
    kb = default_knowledge_base()
    assert agreement_with("AP", [entry], kb, on=TODAY, commercial=False) is entry


def test_the_providers_table_name_kept_with_the_entry_is_used() -> None:
    """An entry recorded as typed ("A.P.") with the table's name beside it."""
    entry = agreement("A.P. wire", provider_name="Associated Press")
    kb = default_knowledge_base()
    assert agreement_with("AP", [entry], kb, on=TODAY, commercial=True) is entry
