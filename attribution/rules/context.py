"""The record every rule reads: one image, its credit, the publication and the facts
derived from them once for all rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from attribution.licences import KnowledgeBase, Licence
from attribution.records import Credit, Embedded, ExtractedImage, Profile
from attribution.rules.labels import describe_image


@dataclass(frozen=True)
class Context:
    """One image as the rules see it.

    ``embedded`` is what the image file itself declares, when it was read. The derived
    facts: ``what`` names the image in messages; ``licences`` are the known licences the
    credit names and ``granted`` those of them that grant terms (all but "all rights
    reserved"); ``staff`` says the credit is the publication's own (its name or one of
    the profile's staff credits); ``readable`` says the credit names a creator, provider,
    licence, source or holder.
    """

    image: ExtractedImage
    credit: Credit | None
    profile: Profile
    kb: KnowledgeBase
    today: date
    embedded: Embedded | None
    what: str
    licences: tuple[Licence, ...]
    granted: tuple[Licence, ...]
    staff: bool
    readable: bool


def build_context(
    image: ExtractedImage,
    credit: Credit | None,
    profile: Profile,
    kb: KnowledgeBase,
    today: date,
    embedded: Embedded | None,
) -> Context:
    """The context of one image, with its derived facts."""
    named = (
        [kb.licence(part) for part in (credit.licence or "").split(" AND ") if part]
        if credit
        else []
    )
    licences = tuple(lic for lic in named if lic is not None)
    return Context(
        image=image,
        credit=credit,
        profile=profile,
        kb=kb,
        today=today,
        embedded=embedded,
        what=describe_image(image),
        licences=licences,
        granted=tuple(lic for lic in licences if lic.kind != "all-rights-reserved"),
        staff=credit is not None and is_staff(credit, profile),
        readable=credit is not None
        and bool(
            credit.creators or credit.provider or credit.licence or credit.source or credit.holder
        ),
    )


def is_staff(credit: Credit, profile: Profile) -> bool:
    """Whether the credit names the publication itself or one of its staff credits."""
    names = {name.casefold() for name in profile.staff_credits}
    if profile.publication:
        names.add(profile.publication.casefold())
    if not names:
        return False
    parts = [credit.provider, credit.text, *credit.creators]
    return any(part and part.casefold() in names for part in parts) or any(
        name in credit.text.casefold() for name in names if len(name) > 3
    )
