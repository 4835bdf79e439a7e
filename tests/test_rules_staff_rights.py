"""Whose picture it is, and which agreements cover it: staff credits name this
publication (its name, staff credits or domains), other publications' pictures need an
agreement, and the rights register is matched by provider alias, scope and the date the
page was published."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from attribution.config import load_profile
from attribution.credits import parse_credit
from attribution.errors import ConfigError
from attribution.extract import extract_page
from attribution.licences import default_knowledge_base
from attribution.pipeline import check_html
from attribution.records import (
    RIGHTS_SCOPES,
    Credit,
    ExtractedImage,
    Finding,
    Profile,
    RightsEntry,
    scope_terms,
)
from attribution.rules import check_image
from attribution.rules.context import is_staff

KB = default_knowledge_base()
TODAY = date(2026, 6, 1)
EXAMPLE_DAILY = Profile(
    publication="Example Daily",
    staff_credits=("Example Daily staff",),
    domains=("example-daily.com",),
)


def findings(
    text: str,
    profile: Profile = EXAMPLE_DAILY,
    *,
    src: str = "https://cdn.example.net/a.jpg",
    links: tuple[str, ...] = (),
    published: date | None = None,
) -> tuple[Finding, ...]:
    """The findings for one image with this credit, parsed as a check parses it."""
    image = ExtractedImage(src=src, alt="Harbour", credit=text, credit_links=links)
    credit = parse_credit(text, links, KB)
    return check_image(image, credit, profile, KB, TODAY, published=published)


def rules(text: str, profile: Profile = EXAMPLE_DAILY, **kwargs: object) -> list[str]:
    return [f.rule for f in findings(text, profile, **kwargs)]  # type: ignore[arg-type]


# --- Whose picture it is -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "publisher"),
    [
        ("Josh Haner/The New York Times", "The New York Times"),
        ("Photo: Dean Rutz / The Seattle Times", "The Seattle Times"),
        ("The Guardian", "The Guardian"),
        ("Jane Doe for The New York Times", "The New York Times"),
        ("Jane Doe/The Columbus Dispatch", "Columbus Dispatch"),
    ],
)
def test_another_publications_picture_needs_an_agreement(text: str, publisher: str) -> None:
    (finding,) = findings(text)
    assert finding.rule == "publisher-not-licensed"
    assert finding.severity.value == "error"
    assert f"credits {publisher}, a publication other than 'Example Daily'" in finding.message
    assert finding.fix is not None and f'provider "{publisher}"' in finding.fix
    assert "syndication" in finding.fix


def test_another_publications_picture_is_flagged_without_a_profile_too() -> None:
    (finding,) = findings("Josh Haner/The New York Times", Profile())
    assert finding.rule == "publisher-not-licensed"
    assert "other than this publication" in finding.message
    assert "[publication]" in (finding.fix or "")


def test_an_agreement_with_the_publisher_covers_its_picture() -> None:
    nyt = RightsEntry("New York Times", "editorial", date(2026, 1, 1), date(2026, 12, 31))
    profile = Profile(publication="Example Daily", rights=(nyt,))
    assert rules("Josh Haner/The New York Times", profile) == []


@pytest.mark.parametrize(
    ("text", "provider"),
    [
        ("Jane Doe/Example Daily", "Example Daily"),  # the publication's name
        ("Example Daily", None),
        ("Jane Doe, Example Daily staff", None),  # a staff credit, inside the text
        ("Jane Doe/Example Daily staff", "Example Daily staff"),
        ("Jane Doe/example-daily.com", "example-daily.com"),  # one of its domains
        ("Photo: www.example-daily.com", None),
        ("Jane Doe/news.example-daily.com", None),
    ],
)
def test_the_publications_own_name_staff_credit_or_domain_is_staff(
    text: str, provider: str | None
) -> None:
    image = ExtractedImage(src="https://cdn.example.net/a.jpg", credit=text)
    parsed = parse_credit(text, (), KB)
    assert is_staff(parsed, EXAMPLE_DAILY, KB, image), parsed
    assert check_image(image, parsed, EXAMPLE_DAILY, KB, TODAY) == ()
    if provider:
        # Credited like an agency's picture: the register would be asked were it not staff.
        as_agency = Credit(text=text, creators=("Jane Doe",), provider=provider, kind="agency")
        assert check_image(image, as_agency, EXAMPLE_DAILY, KB, TODAY) == ()
        assert check_image(image, as_agency, Profile(), KB, TODAY) != ()


def test_a_publication_in_the_provider_table_is_staff_on_its_own_site() -> None:
    guardian = Profile(publication="Guardian")  # the table's name is "The Guardian"
    assert rules("Jane Doe/The Guardian", guardian) == []
    by_domain = Profile(domains=("theguardian.com",))
    assert rules("Jane Doe/The Guardian", by_domain) == []
    assert rules("Josh Haner/The New York Times", guardian) == ["publisher-not-licensed"]


def test_a_name_inside_another_organisations_name_is_not_staff() -> None:
    times = Profile(publication="Times")
    assert rules("Josh Haner/The New York Times", times) == ["publisher-not-licensed"]
    staff = Profile(staff_credits=("Staff",))
    assert rules("Reuters staff", staff) == ["agency-not-licensed"]


def test_a_bare_staff_credit_is_own_material_on_the_publications_domains() -> None:
    on_site = "https://img.example-daily.com/2026/harbour.jpg"
    assert rules("Staff", EXAMPLE_DAILY, src=on_site) == []
    linked = ("https://www.example-daily.com/staff/",)
    assert rules("Staff", EXAMPLE_DAILY, links=linked) == []
    assert rules("Staff", EXAMPLE_DAILY) == ["unparsed-credit"]


def test_hosting_on_the_publications_domain_does_not_make_a_picture_staff() -> None:
    on_site = "https://img.example-daily.com/2026/harbour.jpg"
    assert rules("Jane Doe/Reuters", EXAMPLE_DAILY, src=on_site) == ["agency-not-licensed"]
    assert rules("Josh Haner/The New York Times", EXAMPLE_DAILY, src=on_site) == [
        "publisher-not-licensed"
    ]
    assert rules("Jane Doe", EXAMPLE_DAILY, src=on_site) == []


def test_a_lookalike_domain_is_not_the_publications() -> None:
    lookalike = "https://not-example-daily.com/a.jpg"
    assert rules("Staff", EXAMPLE_DAILY, src=lookalike) == ["unparsed-credit"]
    assert rules("Jane Doe/Reuters, example-daily.com.evil", EXAMPLE_DAILY) != []


# --- Matching the rights register -------------------------------------------------------


def test_the_knowledge_base_names_a_provider_by_any_alias() -> None:
    for name in ("AP", "Associated Press", "AP Photo", "ap photo", "The  Associated Press"):
        provider = KB.provider_named(name)
        assert provider is not None and provider.name == "Associated Press", name
    assert KB.provider_named("Meridian Films Ltd") is None


@pytest.mark.parametrize("registered", ["AP", "Associated Press", "AP Photo", "associated press"])
def test_an_alias_in_the_register_covers_the_providers_pictures(registered: str) -> None:
    profile = Profile(rights=(RightsEntry(registered),))
    assert rules("AP Photo/Jane Doe", profile) == []
    assert rules("Jane Doe/Associated Press", profile) == []
    assert rules("Jane Doe/Reuters", profile) == ["agency-not-licensed"]


def test_unknown_provider_names_match_by_exact_name_only() -> None:
    image = ExtractedImage(src="https://n.example.com/a.jpg", credit="© Meridian Films Ltd")
    credit = Credit(text=image.credit or "", holder="Meridian Films Ltd", kind="copyright")
    for registered in ("Meridian Films Ltd", "meridian films ltd"):
        profile = Profile(rights=(RightsEntry(registered),))
        assert check_image(image, credit, profile, KB, TODAY) == ()
    for other in ("Meridian Films", "Meridian Pictures Ltd"):
        profile = Profile(rights=(RightsEntry(other),))
        assert [f.rule for f in check_image(image, credit, profile, KB, TODAY)] == [
            "all-rights-reserved"
        ]


# --- Scope -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "commercial", "covered"),
    [
        ("any", True, True),
        ("", True, True),
        ("editorial", True, True),
        ("editorial", False, True),
        ("commercial", True, True),
        ("web", True, True),
        ("Editorial, Web", True, True),
        ("web, print", True, True),
        ("print", True, False),
        ("print", False, False),
        ("social", True, False),
        ("editorial, print", True, False),
        ("non-commercial", True, False),
        ("non-commercial", False, True),
        ("non-commercial, web", False, True),
        ("news", True, False),  # not a known scope: covers nothing
    ],
)
def test_scope_against_a_web_page(scope: str, commercial: bool, covered: bool) -> None:
    entry = RightsEntry("Associated Press", scope)
    profile = Profile(commercial=commercial, rights=(entry,))
    assert (rules("AP Photo/Jane Doe", profile) == []) is covered


def test_a_print_only_agreement_says_so() -> None:
    entry = RightsEntry("AP", "print", reference="AP-17")
    (finding,) = findings("AP Photo/Jane Doe", Profile(rights=(entry,)))
    assert finding.rule == "agency-not-licensed"
    assert "the register's agreement with AP (AP-17) covers print only, not the web" in (
        finding.message
    )


def test_a_non_commercial_agreement_on_a_commercial_publication_says_so() -> None:
    entry = RightsEntry("Associated Press", "non-commercial")
    (finding,) = findings("AP Photo/Jane Doe", Profile(rights=(entry,)))
    assert "covers non-commercial use only, and this publication is commercial" in (finding.message)


def test_an_unknown_scope_is_named_in_the_finding() -> None:
    entry = RightsEntry("Associated Press", "news")
    (finding,) = findings("AP Photo/Jane Doe", Profile(rights=(entry,)))
    assert "scope 'news', which is not a known scope" in finding.message


def test_the_scope_vocabulary_is_small_and_reviewable() -> None:
    assert "any" in RIGHTS_SCOPES
    assert {dimension for dimension, _ in RIGHTS_SCOPES.values()} == {"any", "purpose", "medium"}
    assert all(meaning for _, meaning in RIGHTS_SCOPES.values())
    assert scope_terms(" Editorial + WEB ") == ("editorial", "web")
    assert scope_terms("") == ("any",)


def test_a_profile_rejects_an_unknown_scope(tmp_path: Path) -> None:
    path = tmp_path / "attribution.toml"
    path.write_text('[[rights]]\nprovider = "AP"\nscope = "editorial, online"\n', "utf-8")
    with pytest.raises(ConfigError, match=r"rights\[0\]\.scope: 'online' is not a scope"):
        load_profile(path)
    path.write_text('[[rights]]\nprovider = "AP"\nscope = "editorial, web"\n', "utf-8")
    assert load_profile(path).rights[0].scope == "editorial, web"


# --- Validity on the date of publication ------------------------------------------------


def test_validity_is_checked_on_the_date_the_page_was_published() -> None:
    lapsed = RightsEntry("AP", "any", date(2025, 1, 1), date(2025, 12, 31))
    profile = Profile(rights=(lapsed,))
    assert rules("AP Photo/Jane Doe", profile, published=date(2025, 6, 1)) == []
    assert rules("AP Photo/Jane Doe", profile) == ["agency-not-licensed"]
    early = RightsEntry("AP", "any", date(2026, 1, 1), date(2026, 12, 31))
    (finding,) = findings("AP Photo/Jane Doe", Profile(rights=(early,)), published=date(2025, 6, 1))
    assert finding.rule == "agency-not-licensed"
    assert "on 2025-06-01 (the date the page was published)" in finding.message
    assert "is not valid on 2025-06-01: it runs from 2026-01-01 until 2026-12-31" in (
        finding.message
    )


def test_without_a_publication_date_validity_is_checked_on_the_date_of_the_check() -> None:
    expired = RightsEntry("The New York Times", "any", date(2024, 1, 1), date(2025, 12, 31))
    (finding,) = findings("Josh Haner/The New York Times", Profile(rights=(expired,)))
    assert finding.rule == "publisher-not-licensed"
    assert "on 2026-06-01 (the date of the check" in finding.message
    assert "not valid on 2026-06-01" in finding.message


ARTICLE = """<html><head>{head}</head><body><article>
<figure><img src="/harbour.jpg" width="800" height="600" alt="Harbour">
<figcaption>The harbour at dawn. (AP Photo/Jane Doe)</figcaption></figure>
</article></body></html>"""


@pytest.mark.parametrize(
    "head",
    [
        '<meta property="article:published_time" content="2025-06-01T08:30:00+02:00">',
        '<meta itemprop="datePublished" content="2025-06-01">',
        '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
        '{"@type": "WebSite", "datePublished": "2001-01-01"},'
        '{"@type": "NewsArticle", "datePublished": "2025-06-01T06:00:00Z"}]}</script>',
    ],
    ids=["open-graph", "microdata", "json-ld"],
)
def test_extraction_reads_the_date_the_page_was_published(head: str) -> None:
    page = extract_page(ARTICLE.format(head=head), "https://news.example.com/story")
    assert page.published == date(2025, 6, 1)


def test_a_page_without_a_date_has_none() -> None:
    page = extract_page(ARTICLE.format(head=""), "https://news.example.com/story")
    assert page.published is None
    bad = '<meta property="article:published_time" content="2025-13-45">'
    assert extract_page(ARTICLE.format(head=bad), "https://n.example.com/s").published is None


def test_a_whole_check_uses_the_pages_publication_date() -> None:
    head = '<meta property="article:published_time" content="2025-06-01T08:30:00Z">'
    lapsed = RightsEntry("AP", "editorial", date(2025, 1, 1), date(2025, 12, 31))
    profile = Profile(rights=(lapsed,))
    dated = check_html(ARTICLE.format(head=head), "https://n.example.com/s", profile, today=TODAY)
    assert [f.rule for f in dated.all_findings()] == []
    undated = check_html(ARTICLE.format(head=""), "https://n.example.com/s", profile, today=TODAY)
    assert [f.rule for f in undated.all_findings()] == ["agency-not-licensed"]
