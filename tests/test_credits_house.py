"""A credit to the page's own publisher: the names a page gives its house, and a credit
piece that is one of them or their initials."""

from __future__ import annotations

import pytest

from attribution.credits import parse_credit
from attribution.extract import extract_page
from attribution.pipeline import check_html
from attribution.records import Profile

BODY = "<p>" + "The harbour opened on Monday after three years of work. " * 14 + "</p>"
HOUSE = ("Harbour Herald", "harbourherald")


def _page(credit: str) -> str:
    return (
        "<html><head><title>Harbour opens | News | Harbour Herald</title>"
        "<meta property='og:site_name' content='HarbourHerald.co.uk'>"
        '<script type="application/ld+json">{"@type": "NewsArticle", "publisher": '
        '{"@type": "Organization", "name": "Harbour Herald Media"}}</script></head>'
        "<body><article><h1>Harbour opens</h1>" + BODY + "<figure>"
        f"<img src='/p/quay.jpg'><figcaption>The quay. Photo: {credit}</figcaption>"
        "</figure></article></body></html>"
    )


def test_a_page_names_its_house_in_its_metadata_title_and_host() -> None:
    page = extract_page(_page("Jane Roe"), "https://www.harbourherald.co.uk/news/harbour")
    assert page.house == (
        "HarbourHerald.co.uk",
        "Harbour Herald Media",
        "Harbour Herald",
        "harbourherald",
    )


def test_a_page_on_an_address_has_no_host_name() -> None:
    page = extract_page("<html><body><p>Text</p></body></html>", "http://192.168.0.7/story")
    assert page.house == ()


@pytest.mark.parametrize(
    ("text", "provider"),
    [
        ("[HH]", "Harbour Herald"),  # initials stand for the name
        ("Photo: Harbour Herald", "Harbour Herald"),  # the name, as printed
        ("Photo: HarbourHerald", "HarbourHerald"),
    ],
)
def test_a_credit_to_the_house_gives_the_house_as_publisher(text: str, provider: str) -> None:
    credit = parse_credit(text, house=HOUSE)
    assert (credit.creators, credit.provider, credit.kind) == ((), provider, "staff")


def test_beside_another_provider_the_house_holds_its_own_work() -> None:
    credit = parse_credit(
        "Photo illustration by Harbour Herald. Photo by Jane Roe/Reuters.", house=HOUSE
    )
    assert credit.creators == ("Jane Roe",)
    assert (credit.provider, credit.holder) == ("Reuters", "Harbour Herald")


def test_a_credit_is_read_as_before_on_another_page_or_for_a_known_provider() -> None:
    assert parse_credit("[HH]").holder == "HH"  # no house named: an acronym
    wire = parse_credit("REUTERS/Jane Roe", house=("Reuters", "reuters"))
    assert (wire.provider, wire.kind) == ("Reuters", "agency")  # the table's own


def test_a_blogger_named_as_the_house_is_still_a_person() -> None:
    # A blog named for its writer, who took the picture
    credit = parse_credit("Foto: Anna Berg", house=("Anna Berg", "annaberg"))
    assert (credit.creators, credit.provider) == (("Anna Berg",), None)
    page = extract_page(
        '<html><head><script type="application/ld+json">{"@type": "BlogPosting", '
        '"publisher": {"@type": "Person", "name": "Ola Lind"}}</script></head>'
        "<body><p>Text</p></body></html>",
        "https://blog.example.org/post",
    )
    assert page.house == ("example",)


def test_a_checked_page_credits_its_house() -> None:
    result = check_html(_page("HH"), "https://www.harbourherald.co.uk/news/harbour")
    credit = next(image.credit for image in result.images if image.credit is not None)
    assert (credit.text, credit.provider, credit.kind) == ("HH", "Harbour Herald", "staff")


def _rules(credit: str, url: str, profile: Profile | None = None) -> set[str]:
    result = check_html(_page(credit), url, profile)
    return {f.rule for image in result.images for f in image.findings}


HERALD = "https://www.harbourherald.co.uk/news/harbour"


def test_the_houses_own_picture_is_no_other_publications() -> None:
    # Checked with no profile, the page's own credit is the house's own picture; a
    # picture of another publication on it is still reported.
    assert "publisher-not-licensed" not in _rules("HH", HERALD)
    assert "publisher-not-licensed" in _rules("Jane Roe/The Columbus Dispatch", HERALD)
    own = Profile(publication="Harbour Herald", domains=("harbourherald.co.uk",))
    assert "publisher-not-licensed" not in _rules("HH", HERALD, own)


def test_a_profile_of_another_publication_judges_the_house_as_a_publisher() -> None:
    courier = Profile(publication="Daily Courier", domains=("dailycourier.example",))
    assert "publisher-not-licensed" in _rules("HH", HERALD, courier)
