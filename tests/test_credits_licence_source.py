"""Where a credit's licence comes from: printed, linked, or inferred from the provider."""

from __future__ import annotations

import pytest

from attribution.credits import parse_credit
from attribution.serialize import credit_json


@pytest.mark.parametrize(
    ("text", "links", "licence", "source"),
    [
        ("Jane Roe / Flickr (CC BY 2.0)", (), "CC-BY-2.0", "stated"),
        ("Jane Roe / Flickr", ("https://creativecommons.org/licenses/by-sa/4.0/",), "CC-BY-SA-4.0", "stated"),
        ("Photo: Jane Roe, public domain", (), "LicenseRef-Public-Domain", "stated"),
        ("Photo by Jane Roe on Unsplash", (), "LicenseRef-Unsplash", "inferred"),
        ("Image: NASA", (), "LicenseRef-US-Government-Work", "inferred"),
        ("Jane Roe / Reuters", (), None, None),
        ("© Jane Roe", (), None, None),
    ],
)  # fmt: skip
def test_the_licence_says_whether_it_was_stated_or_inferred(
    text: str, links: tuple[str, ...], licence: str | None, source: str | None
) -> None:
    credit = parse_credit(text, links)
    assert (credit.licence, credit.licence_source) == (licence, source)
    assert credit_json(credit) is not None
    assert credit_json(credit)["licence_source"] == source  # type: ignore[index]


def test_a_stated_public_domain_made_exact_by_the_provider_is_still_stated() -> None:
    credit = parse_credit("NASA, public domain")
    assert credit.licence == "LicenseRef-US-Government-Work"
    assert credit.licence_source == "stated"
