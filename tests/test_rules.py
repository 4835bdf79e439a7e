"""The licence rules: every licence family under every kind of use, with the findings
written out, and the seed article as the canonical case."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from conftest import PAGES

from attribution.licences import default_knowledge_base
from attribution.pipeline import check_html
from attribution.records import (
    Credit,
    Embedded,
    ExtractedImage,
    LicenceChange,
    Profile,
    RightsEntry,
    Severity,
    SourceAnswer,
    SourceEvidence,
    SourceRef,
)
from attribution.rules import RULE_IDS, RULES, Rule, check_image, licence_label
from attribution.rules.catalogue import MODULES

KB = default_knowledge_base()
TODAY = date(2026, 6, 1)
C, NC = True, False
ADAPTS, AS_IS = True, False

ATTRIBUTION = "attribution-incomplete"
NC_USE = "nc-commercial-use"
ND = "nd-adaptation"
SA = "sa-adaptation"
PD = "public-domain-unverified"

# (licence id, {(commercial, adapts): expected rule ids}) for a credit that names the
# creator, the title, the licence and links the source and the licence.
TABLE: list[tuple[str, dict[tuple[bool, bool], set[str]]]] = [
    (
        "CC-BY-4.0",
        {
            (C, AS_IS): set(),
            (C, ADAPTS): {ATTRIBUTION},
            (NC, AS_IS): set(),
            (NC, ADAPTS): {ATTRIBUTION},
        },
    ),
    (
        "CC-BY-SA-4.0",
        {
            (C, AS_IS): set(),
            (C, ADAPTS): {SA, ATTRIBUTION},
            (NC, AS_IS): set(),
            (NC, ADAPTS): {SA, ATTRIBUTION},
        },
    ),
    (
        "CC-BY-ND-4.0",
        {(C, AS_IS): set(), (C, ADAPTS): {ND}, (NC, AS_IS): set(), (NC, ADAPTS): {ND}},
    ),
    (
        "CC-BY-NC-4.0",
        {
            (C, AS_IS): {NC_USE},
            (C, ADAPTS): {NC_USE, ATTRIBUTION},
            (NC, AS_IS): set(),
            (NC, ADAPTS): {ATTRIBUTION},
        },
    ),
    (
        "CC-BY-NC-SA-4.0",
        {
            (C, AS_IS): {NC_USE},
            (C, ADAPTS): {NC_USE, SA, ATTRIBUTION},
            (NC, AS_IS): set(),
            (NC, ADAPTS): {SA, ATTRIBUTION},
        },
    ),
    (
        "CC-BY-NC-ND-4.0",
        {(C, AS_IS): {NC_USE}, (C, ADAPTS): {NC_USE, ND}, (NC, AS_IS): set(), (NC, ADAPTS): {ND}},
    ),
    (
        "CC-BY-2.0",
        {
            (C, AS_IS): set(),
            (C, ADAPTS): {ATTRIBUTION},
            (NC, AS_IS): set(),
            (NC, ADAPTS): {ATTRIBUTION},
        },
    ),
    (
        "CC-BY-NC-2.0",
        {
            (C, AS_IS): {NC_USE},
            (C, ADAPTS): {NC_USE, ATTRIBUTION},
            (NC, AS_IS): set(),
            (NC, ADAPTS): {ATTRIBUTION},
        },
    ),
    (
        "CC-BY-ND-2.0",
        {(C, AS_IS): set(), (C, ADAPTS): {ND}, (NC, AS_IS): set(), (NC, ADAPTS): {ND}},
    ),
    (
        "CC-BY-SA-3.0-DE",
        {
            (C, AS_IS): set(),
            (C, ADAPTS): {SA, ATTRIBUTION},
            (NC, AS_IS): set(),
            (NC, ADAPTS): {SA, ATTRIBUTION},
        },
    ),
    ("CC0-1.0", {(C, AS_IS): set(), (C, ADAPTS): set(), (NC, AS_IS): set(), (NC, ADAPTS): set()}),
    ("CC-PDM-1.0", {(C, AS_IS): {PD}, (C, ADAPTS): {PD}, (NC, AS_IS): {PD}, (NC, ADAPTS): {PD}}),
    (
        "LicenseRef-Public-Domain",
        {(C, AS_IS): {PD}, (C, ADAPTS): {PD}, (NC, AS_IS): {PD}, (NC, ADAPTS): {PD}},
    ),
    (
        "LicenseRef-US-Government-Work",
        {(C, AS_IS): {PD}, (C, ADAPTS): {PD}, (NC, AS_IS): {PD}, (NC, ADAPTS): {PD}},
    ),
    (
        "GFDL-1.3-or-later",
        {
            (C, AS_IS): set(),
            (C, ADAPTS): {SA, ATTRIBUTION},
            (NC, AS_IS): set(),
            (NC, ADAPTS): {SA, ATTRIBUTION},
        },
    ),
    (
        "LAL-1.3",
        {
            (C, AS_IS): set(),
            (C, ADAPTS): {SA, ATTRIBUTION},
            (NC, AS_IS): set(),
            (NC, ADAPTS): {SA, ATTRIBUTION},
        },
    ),
    (
        "OGL-UK-3.0",
        {(C, AS_IS): set(), (C, ADAPTS): set(), (NC, AS_IS): set(), (NC, ADAPTS): set()},
    ),
    (
        "LicenseRef-Unsplash",
        {(C, AS_IS): set(), (C, ADAPTS): set(), (NC, AS_IS): set(), (NC, ADAPTS): set()},
    ),
    (
        "LicenseRef-Pixabay",
        {(C, AS_IS): set(), (C, ADAPTS): set(), (NC, AS_IS): set(), (NC, ADAPTS): set()},
    ),
    (
        "LicenseRef-Pexels",
        {(C, AS_IS): set(), (C, ADAPTS): set(), (NC, AS_IS): set(), (NC, ADAPTS): set()},
    ),
    (
        "LicenseRef-All-Rights-Reserved",
        {
            (C, AS_IS): {"all-rights-reserved"},
            (C, ADAPTS): {"all-rights-reserved"},
            (NC, AS_IS): {"all-rights-reserved"},
            (NC, ADAPTS): {"all-rights-reserved"},
        },
    ),
]
CASES = [
    (licence, commercial, adapts, expected)
    for licence, grid in TABLE
    for (commercial, adapts), expected in grid.items()
]


def complete_credit(licence_id: str) -> tuple[ExtractedImage, Credit]:
    licence = KB.licence(licence_id)
    assert licence is not None, licence_id
    label = licence_label(licence)
    text = f'"Harbour at dawn" by Jane Doe / Flickr, {label}'
    if licence.kind == "all-rights-reserved":
        text = "© 2024 Jane Doe. All rights reserved."
    image = ExtractedImage(
        src="https://news.example.com/harbour.jpg",
        alt="Harbour",
        credit=text,
        credit_links=("https://www.flickr.com/photos/jdoe/1/", licence.url),
    )
    kind = "copyright" if licence.kind == "all-rights-reserved" else "creative-commons"
    credit = Credit(
        text=text,
        creators=("Jane Doe",),
        provider="Flickr",
        licence=licence_id,
        licence_url=licence.url,
        kind=kind,
        confidence=1.0,
    )
    return image, credit


@pytest.mark.parametrize(
    ("licence", "commercial", "adapts", "expected"),
    CASES,
    ids=[f"{c[0]}-{'comm' if c[1] else 'noncomm'}-{'adapts' if c[2] else 'as-is'}" for c in CASES],
)
def test_licence_terms_against_use(
    licence: str, commercial: bool, adapts: bool, expected: set[str]
) -> None:
    image, credit = complete_credit(licence)
    profile = Profile(commercial=commercial, adapts_images=adapts)
    findings = check_image(image, credit, profile, KB, TODAY)
    assert {f.rule for f in findings} == expected
    for finding in findings:
        assert finding.fix, finding.rule
        assert "Harbour" in finding.message


def test_every_licence_family_is_in_the_table() -> None:
    covered = {KB.licence(licence).family for licence, _ in TABLE}  # type: ignore[union-attr]
    assert covered >= set(KB.families)


def seed_findings(profile: Profile) -> list[dict[str, list[tuple[str, str, str | None]]]]:
    html = (PAGES / "seed-article.html").read_bytes()
    result = check_html(html, "https://www.example-news.com/2023/09/13/kim-putin/", profile)
    return [
        {"findings": [(f.rule, f.severity.value, f.fix) for f in image.findings]}
        for image in result.images
    ]


def test_seed_article_on_a_commercial_publication() -> None:
    flickr, wikimedia = seed_findings(Profile(commercial=True))
    assert ("nc-commercial-use", "error") in [(r, s) for r, s, _ in flickr["findings"]]
    assert all(severity != "error" for _, severity, _ in wikimedia["findings"])
    not_linked = [fix for rule, s, fix in wikimedia["findings"] if rule == "licence-not-linked"]
    assert not_linked and "https://creativecommons.org/licenses/by/4.0/" in (not_linked[0] or "")
    assert [s for r, s, _ in wikimedia["findings"] if r == "licence-not-linked"] == ["warning"]


def test_seed_article_on_a_non_commercial_publication_has_no_errors() -> None:
    for image in seed_findings(Profile(commercial=False)):
        assert all(severity != "error" for _, severity, _ in image["findings"])


def test_incomplete_cc_attribution_gets_the_complete_line() -> None:
    image = ExtractedImage(src="https://n.example.com/a.jpg", credit="Jane Doe (CC BY 4.0)")
    credit = Credit(
        text="Jane Doe (CC BY 4.0)",
        creators=("Jane Doe",),
        licence="CC-BY-4.0",
        licence_url="https://creativecommons.org/licenses/by/4.0/",
        kind="creative-commons",
    )
    findings = check_image(image, credit, Profile(adapts_images=True), KB, TODAY)
    incomplete = next(f for f in findings if f.rule == "attribution-incomplete")
    assert "a link to the source" in incomplete.message
    assert "a note that the image was changed" in incomplete.message
    assert incomplete.fix is not None
    assert "https://creativecommons.org/licenses/by/4.0/" in incomplete.fix
    assert "cropped and modified" in incomplete.fix
    assert 'rel="license"' in incomplete.fix


def agency(text: str = "Evan Vucci/AP") -> tuple[ExtractedImage, Credit]:
    image = ExtractedImage(src="https://n.example.com/a.jpg", credit=text)
    credit = Credit(text=text, creators=("Evan Vucci",), provider="Associated Press", kind="agency")
    return image, credit


def test_agency_picture_needs_a_valid_agreement() -> None:
    image, credit = agency()
    assert [f.rule for f in check_image(image, credit, Profile(), KB, TODAY)] == [
        "agency-not-licensed"
    ]
    valid = RightsEntry("Associated Press", "editorial", date(2026, 1, 1), date(2026, 12, 31))
    assert check_image(image, credit, Profile(rights=(valid,)), KB, TODAY) == ()
    expired = RightsEntry("Associated Press", "editorial", date(2024, 1, 1), date(2025, 12, 31))
    findings = check_image(image, credit, Profile(rights=(expired,)), KB, TODAY)
    assert [f.rule for f in findings] == ["agency-not-licensed"]
    assert "not valid on 2026-06-01" in findings[0].message


def test_staff_credits_are_not_checked_against_the_register() -> None:
    image, credit = agency("Jane Doe/Example Daily")
    credit = Credit(text=credit.text, creators=("Jane Doe",), provider=None, kind="unknown")
    profile = Profile(publication="Example Daily")
    assert check_image(image, credit, profile, KB, TODAY) == ()


def test_unknown_and_versionless_licences() -> None:
    image = ExtractedImage(src="https://n.example.com/a.jpg", credit="Jane Doe / CC BY 5.0")
    unknown = Credit(
        text="Jane Doe / CC BY 5.0",
        creators=("Jane Doe",),
        kind="creative-commons",
        licence_problem="CC BY 5.0 does not exist",
    )
    findings = check_image(image, unknown, Profile(), KB, TODAY)
    assert [(f.rule, f.severity.value) for f in findings] == [("licence-unknown", "error")]
    versionless = Credit(
        text="Jane Doe / CC BY-SA",
        creators=("Jane Doe",),
        licence="CC-BY-SA",
        kind="creative-commons",
    )
    findings = check_image(image, versionless, Profile(), KB, TODAY)
    assert [f.rule for f in findings] == ["licence-version-missing"]
    assert "4.0" in (findings[0].fix or "")


def test_unparsed_credit() -> None:
    image = ExtractedImage(src="https://n.example.com/a.jpg", credit="see below")
    credit = Credit(text="see below")
    assert [f.rule for f in check_image(image, credit, Profile(), KB, TODAY)] == ["unparsed-credit"]


def test_profile_can_change_severity_or_switch_a_rule_off() -> None:
    image, credit = complete_credit("CC-BY-NC-4.0")
    quieter = Profile(severity_overrides=(("nc-commercial-use", "warning"),))
    findings = check_image(image, credit, quieter, KB, TODAY)
    assert [(f.rule, f.severity.value) for f in findings] == [("nc-commercial-use", "warning")]
    off = Profile(severity_overrides=(("nc-commercial-use", "off"),))
    assert check_image(image, credit, off, KB, TODAY) == ()


AI_SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
STAFF_PROFILES = {
    "publication name": Profile(publication="Example Daily"),
    "staff credit": Profile(staff_credits=("Example Daily",)),
}


def staff_picture() -> tuple[ExtractedImage, Credit]:
    """A staff picture credited like an agency's, so the register would be asked about it."""
    text = "Jane Doe/Example Daily"
    image = ExtractedImage(src="https://n.example.com/harbour.jpg", alt="Harbour", credit=text)
    credit = Credit(text=text, creators=("Jane Doe",), provider="Example Daily", kind="agency")
    return image, credit


@pytest.mark.parametrize("profile", STAFF_PROFILES.values(), ids=STAFF_PROFILES.keys())
def test_a_staff_credit_still_reports_an_ai_generated_file(profile: Profile) -> None:
    image, credit = staff_picture()
    embedded = Embedded(digital_source_type=AI_SOURCE_TYPE)
    findings = check_image(image, credit, profile, KB, TODAY, embedded)
    assert [f.rule for f in findings] == ["ai-generated"]
    assert AI_SOURCE_TYPE in findings[0].message
    assert check_image(image, credit, profile, KB, TODAY) == ()


@pytest.mark.parametrize("profile", STAFF_PROFILES.values(), ids=STAFF_PROFILES.keys())
def test_a_staff_credit_still_reports_a_file_naming_someone_else(profile: Profile) -> None:
    image, credit = staff_picture()
    embedded = Embedded(creator="Sam Lee", copyright="Getty Images")
    findings = check_image(image, credit, profile, KB, TODAY, embedded)
    assert [f.rule for f in findings] == ["metadata-conflict"]
    assert "'Sam Lee', 'Getty Images'" in findings[0].message
    agreeing = Embedded(creator="Jane Doe", copyright="Example Daily")
    assert check_image(image, credit, profile, KB, TODAY, agreeing) == ()


def test_every_rule_is_declared_completely_and_registered_once() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    assert set(ids) == RULE_IDS
    for rule in RULES:
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", rule.id), rule.id
        assert rule.summary.strip() and rule.explanation.strip(), rule.id
        assert "\n" not in rule.explanation and "  " not in rule.explanation, rule.id
        assert callable(rule.check), rule.id
    declared = {
        value for module in MODULES for value in vars(module).values() if isinstance(value, Rule)
    }
    assert declared == set(RULES), "a rule is declared but missing from its module's RULES"
    with pytest.raises(ValueError, match="kebab-case"):
        Rule("Not_Kebab", Severity.NOTICE, "summary", "explanation", lambda context: ())


def test_every_rule_fires_somewhere_in_the_registry() -> None:
    """Each rule's check is wired: every id comes out of check_image for some image."""
    fired: set[str] = set()
    profile = Profile(commercial=True, adapts_images=True)
    for licence_id, _ in TABLE:
        image, credit = complete_credit(licence_id)
        fired |= {f.rule for f in check_image(image, credit, profile, KB, TODAY)}
        bare = Credit(
            text="Jane Doe", creators=("Jane Doe",), licence=licence_id, kind="creative-commons"
        )
        fired |= {f.rule for f in check_image(image, bare, profile, KB, TODAY)}
    image = ExtractedImage(src="https://n.example.com/a.jpg", credit="x")
    embedded = Embedded(creator="Sam Lee", digital_source_type=AI_SOURCE_TYPE)
    fired |= {f.rule for f in check_image(image, None, profile, KB, TODAY, embedded)}
    for credit in (
        Credit(text="see below"),
        Credit(text="Jane Doe / CC BY 5.0", creators=("Jane Doe",), licence_problem="no CC BY 5.0"),
        Credit(text="Jane Doe / CC BY-SA", creators=("Jane Doe",), licence="CC-BY-SA"),
        agency()[1],
        Credit(text="Josh Haner/The New York Times", provider="The New York Times", kind="staff"),
    ):
        fired |= {f.rule for f in check_image(image, credit, profile, KB, TODAY, embedded)}
    fired |= rules_at_source(image, profile)
    assert fired == RULE_IDS


def rules_at_source(image: ExtractedImage, profile: Profile) -> set[str]:
    """The rules that fire on what an image's source says (tests/test_rules_atsource.py
    has them one by one): another licence, a change, another author, a deleted photo."""
    ref = SourceRef("flickr", "1", "https://www.flickr.com/photo.gne?id=1", image.src)
    asked = datetime(2026, 5, 1, tzinfo=UTC)
    change = LicenceChange(asked, "CC-BY-NC-2.0", "CC-BY-2.0", "BY-NC", "BY")
    said = SourceAnswer("flickr", "1", asked, "found", licence="CC-BY-2.0", authors=("Sam",))
    credit = Credit(text="Jane Doe (CC BY-SA 2.0)", creators=("Jane Doe",), licence="CC-BY-SA-2.0")
    fired = set()
    for evidence in (
        SourceEvidence(ref, said, changes=(change,), first_shown=TODAY),
        SourceEvidence(ref, SourceAnswer("flickr", "1", asked, "missing")),
    ):
        found = check_image(image, credit, profile, KB, TODAY, at_source=evidence)
        fired |= {f.rule for f in found}
    return fired


def test_switching_one_rule_off_keeps_every_other_finding() -> None:
    image, credit = complete_credit("CC-BY-NC-SA-4.0")
    adapting = Profile(commercial=True, adapts_images=True)
    embedded = Embedded(copyright="Getty Images", digital_source_type=AI_SOURCE_TYPE)
    everything = check_image(image, credit, adapting, KB, TODAY, embedded)
    fired = [f.rule for f in everything]
    assert len(set(fired)) >= 4, fired
    for rule_id in fired:
        off = replace(adapting, severity_overrides=((rule_id, "off"),))
        kept = check_image(image, credit, off, KB, TODAY, embedded)
        assert kept == tuple(f for f in everything if f.rule != rule_id), rule_id
