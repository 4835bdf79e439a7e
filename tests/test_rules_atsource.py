"""The rules on what an image's source says (Wikimedia Commons, Flickr), on evidence
written out by hand: a match, a mismatch, a licence change before and after the page
first showed the image, an author the credit does not name, a deleted photo."""

from __future__ import annotations

from datetime import UTC, date, datetime

from attribution.credits import parse_credit
from attribution.licences import default_knowledge_base
from attribution.records import (
    ExtractedImage,
    LicenceChange,
    Profile,
    RightsEntry,
    SourceAnswer,
    SourceEvidence,
    SourceRef,
)
from attribution.records.atsource import FLICKR, FOUND, MISSING, PRIVATE
from attribution.rules import check_image

KB = default_knowledge_base()
TODAY = date(2026, 12, 7)
ASKED = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)
PHOTO = "https://www.flickr.com/photos/arcticpenguin/5550001234/"
REF = SourceRef(FLICKR, "5550001234", PHOTO, PHOTO)
ARR = "LicenseRef-All-Rights-Reserved"
SOURCE_RULES = {
    "licence-mismatch-at-source",
    "licence-changed-at-source",
    "author-mismatch-at-source",
    "source-unavailable",
}


def answer(
    licence: str | None = "CC-BY-2.0",
    name: str = "Attribution License",
    *,
    status: str = FOUND,
    authors: tuple[str, ...] = ("Arctic Penguin", "arcticpenguin"),
    asked_at: datetime = ASKED,
    history: tuple[LicenceChange, ...] = (),
    detail: str | None = None,
) -> SourceAnswer:
    found = status == FOUND
    return SourceAnswer(
        service=FLICKR,
        key=REF.key,
        asked_at=asked_at,
        status=status,
        page_url=PHOTO if found else None,
        licence=licence if found else None,
        licence_name=name if found else None,
        authors=authors if found else (),
        history=history,
        detail=detail,
        id=7,
    )


def findings(
    credit_text: str,
    evidence: SourceEvidence,
    profile: Profile | None = None,
) -> dict[str, str]:
    """The source rules' findings for an image with this credit: rule id → message."""
    image = ExtractedImage(
        src="https://live.staticflickr.com/65535/5550001234_abcdef1234_b.jpg",
        credit=credit_text,
        credit_links=(PHOTO,),
    )
    credit = parse_credit(credit_text, image.credit_links, KB)
    found = check_image(image, credit, profile or Profile(), KB, TODAY, None, at_source=evidence)
    return {f.rule: f.message for f in found if f.rule in SOURCE_RULES}


def evidence(
    now: SourceAnswer,
    *,
    changes: tuple[LicenceChange, ...] = (),
    first_shown: date = date(2026, 1, 10),
    by: str = "record",
    last_found: SourceAnswer | None = None,
) -> SourceEvidence:
    return SourceEvidence(
        REF,
        now,
        changes=changes,
        first_shown=first_shown,
        first_shown_by=by,
        last_found=last_found,
    )


def test_a_credit_that_names_the_sources_licence_and_author_gives_nothing() -> None:
    assert findings("Arctic Penguin/Flickr (CC BY 2.0)", evidence(answer())) == {}


def test_a_credit_naming_another_licence_than_the_source_is_an_error_naming_the_evidence() -> None:
    found = findings("Arctic Penguin/Flickr (CC BY-SA 2.0)", evidence(answer()))
    assert set(found) == {"licence-mismatch-at-source"}
    message = found["licence-mismatch-at-source"]
    assert "CC BY-SA 2.0" in message and "Attribution License" in message
    assert "Flickr photo 5550001234" in message
    assert "2026-12-07 06:00 UTC" in message  # when the source said so


def test_a_credit_without_licence_is_judged_against_what_the_source_allows() -> None:
    nc = answer("CC-BY-NC-2.0", "Attribution-NonCommercial License")
    found = findings("Arctic Penguin/Flickr", evidence(nc))
    assert "commercial use" in found["licence-mismatch-at-source"]
    # the same picture on a non-commercial publication may be used
    assert findings("Arctic Penguin/Flickr", evidence(nc), Profile(commercial=False)) == {}
    # a licence that allows the use, not named, is not this rule's business
    assert findings("Arctic Penguin/Flickr", evidence(answer())) == {}


def test_a_change_after_the_page_first_showed_the_image_keeps_the_licence_of_that_day() -> None:
    change = LicenceChange(
        on=datetime(2026, 6, 1, tzinfo=UTC),
        before="CC-BY-2.0",
        after=ARR,
        before_name="Attribution License",
        after_name="All Rights Reserved",
    )
    now = answer(ARR, "All Rights Reserved", history=(change,))
    found = findings(
        "Arctic Penguin/Flickr (CC BY 2.0)",
        evidence(now, changes=(change,), first_shown=date(2026, 1, 10)),
    )
    # the credit named the licence that applied when the page first showed the photo
    assert set(found) == {"licence-changed-at-source"}
    message = found["licence-changed-at-source"]
    assert "from Attribution License to All Rights Reserved on 2026-06-01" in message
    assert "on 2026-01-10" in message and "it was Attribution License" in message


def test_a_change_before_the_page_first_showed_the_image_makes_the_credit_wrong() -> None:
    change = LicenceChange(
        on=datetime(2025, 3, 1, tzinfo=UTC),
        before="CC-BY-2.0",
        after=ARR,
        before_name="Attribution License",
        after_name="All Rights Reserved",
    )
    now = answer(ARR, "All Rights Reserved", history=(change,))
    found = findings(
        "Arctic Penguin/Flickr (CC BY 2.0)",
        evidence(now, changes=(change,), first_shown=date(2026, 1, 10)),
    )
    assert set(found) == {"licence-mismatch-at-source", "licence-changed-at-source"}
    assert "All Rights Reserved" in found["licence-mismatch-at-source"]
    assert "on 2026-01-10" in found["licence-changed-at-source"]


def test_an_author_the_source_does_not_know_is_a_warning() -> None:
    found = findings("John Smith/Flickr (CC BY 2.0)", evidence(answer()))
    assert set(found) == {"author-mismatch-at-source"}
    assert "'John Smith'" in found["author-mismatch-at-source"]
    assert "'Arctic Penguin'" in found["author-mismatch-at-source"]
    # any name the source gives the author will do, however it is written
    assert findings("arcticpenguin/Flickr (CC BY 2.0)", evidence(answer())) == {}
    assert findings("ARCTIC PENGUIN/Flickr (CC BY 2.0)", evidence(answer())) == {}


def test_a_deleted_photo_quotes_the_last_answer_that_showed_it() -> None:
    before = answer(asked_at=datetime(2026, 2, 1, 9, 30, tzinfo=UTC))
    gone = answer(status=MISSING, detail='Photo "5550001234" not found (invalid ID)')
    found = findings("Arctic Penguin/Flickr (CC BY 2.0)", evidence(gone, last_found=before))
    assert set(found) == {"source-unavailable"}
    message = found["source-unavailable"]
    assert "deleted or never there" in message and "not found (invalid ID)" in message
    assert "2026-02-01 09:30 UTC" in message and "Attribution License" in message


def test_a_private_photo_with_no_answer_kept_says_so() -> None:
    found = findings("Arctic Penguin/Flickr (CC BY 2.0)", evidence(answer(status=PRIVATE)))
    assert "not public" in found["source-unavailable"]
    assert "No earlier answer" in found["source-unavailable"]


def test_the_publications_own_picture_is_not_judged_at_a_source() -> None:
    profile = Profile(publication="Example Daily", staff_credits=("Example Daily",))
    assert findings("Example Daily (CC BY-SA 2.0)", evidence(answer()), profile) == {}


def test_a_licence_the_knowledge_base_does_not_know_is_not_compared() -> None:
    unknown = answer(None, "No known copyright restrictions")
    assert findings("Arctic Penguin/Flickr (public domain)", evidence(unknown)) == {}
    assert findings("Arctic Penguin/Flickr (CC BY 2.0)", evidence(unknown)) == {}


def test_any_public_domain_statement_stands_for_another() -> None:
    pdm = answer("CC-PDM-1.0", "Public Domain Mark")
    assert findings("Arctic Penguin/Flickr (public domain)", evidence(pdm)) == {}
    public = answer("LicenseRef-Public-Domain", "Public domain")
    assert findings("Arctic Penguin/Flickr (CC0)", evidence(public)) == {}


def test_an_agreement_with_the_author_settles_a_licence_the_source_does_not_grant() -> None:
    reserved = evidence(answer(ARR, "All Rights Reserved"))
    assert set(findings("Arctic Penguin/Flickr", reserved)) == {"licence-mismatch-at-source"}
    register = Profile(rights=(RightsEntry(provider="Arctic Penguin"),))
    assert findings("Arctic Penguin/Flickr", reserved, register) == {}
