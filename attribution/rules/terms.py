"""Rules on what each licence the credit names allows this publication to do:
commercial use, adaptation, share-alike, and public-domain claims."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from attribution.records import Severity
from attribution.rules.labels import licence_label
from attribution.rules.registry import Verdict, rule

if TYPE_CHECKING:
    from attribution.records import Credit
    from attribution.rules.context import Context


@rule(
    "nc-commercial-use",
    Severity.ERROR,
    "A NonCommercial licence on a commercial publication.",
    """NonCommercial (NC) licences forbid use "primarily intended for or directed
    towards commercial advantage or monetary compensation". A publication with ads,
    subscriptions or sponsored content is commercial use. The image needs a separate
    licence from the rights holder, or has to be replaced.""",
)
def nc_commercial_use(ctx: Context) -> Iterator[Verdict]:
    credit = ctx.credit
    if credit is None or ctx.staff or not ctx.profile.commercial:
        return
    for licence in ctx.granted:
        if licence.commercial_use:
            continue
        yield Verdict(
            f"Image {ctx.what} is licensed under {licence_label(licence)}, which does not "
            "allow commercial use; this publication is commercial.",
            f"Options: (1) ask the rights holder ({_holder(credit)}) for a commercial "
            "licence and record it in the rights register; (2) replace the image with "
            "one whose licence allows commercial use (CC BY, CC BY-SA, CC0, public "
            "domain) or one you have licensed; (3) remove it.",
        )


@rule(
    "nd-adaptation",
    Severity.ERROR,
    "The publication adapts images, but the licence forbids adaptations.",
    """NoDerivatives (ND) licences, and pictures with all rights reserved, allow the
    work to be shared only unchanged. Crops beyond plain resizing, overlays, colour
    edits and composites are adaptations. Publish the picture unaltered, or get
    permission from the rights holder.""",
)
def nd_adaptation(ctx: Context) -> Iterator[Verdict]:
    if ctx.credit is None or ctx.staff or not ctx.profile.adapts_images:
        return
    for licence in ctx.granted:
        if licence.adaptation:
            continue
        yield Verdict(
            f"Image {ctx.what} is licensed under {licence_label(licence)}, which forbids "
            "adaptations; this publication adapts images (crops, overlays, edits).",
            "Publish this picture unaltered (resizing only), or get the rights "
            "holder's permission to adapt it.",
        )


@rule(
    "sa-adaptation",
    Severity.WARNING,
    "The publication adapts images under a ShareAlike licence.",
    """ShareAlike (SA) licences require an adapted picture (cropped, overlaid, edited) to
    be published under the same licence, and the credit must say it was changed. The
    publication must be willing to license its version under those terms.""",
)
def sa_adaptation(ctx: Context) -> Iterator[Verdict]:
    if ctx.credit is None or ctx.staff or not ctx.profile.adapts_images:
        return
    for licence in ctx.granted:
        if not licence.share_alike:
            continue
        label = licence_label(licence)
        yield Verdict(
            f"Image {ctx.what} is licensed under {label} (ShareAlike); an adapted version "
            f"must be published under {label} or a compatible licence.",
            f"Publish the unaltered picture, or state that your adapted version is "
            f"licensed under {label} and say it was modified.",
        )


@rule(
    "public-domain-unverified",
    Severity.NOTICE,
    "A public-domain claim that should be checked at the source.",
    """Public-domain claims are often wrong: a photograph of an old painting may carry a
    new copyright in some countries, works of US government contractors are not public
    domain, and trademarks or privacy rights may still apply. Check the claim on the
    source page and keep the evidence.""",
)
def public_domain_unverified(ctx: Context) -> Iterator[Verdict]:
    if ctx.credit is None or ctx.staff:
        return
    for licence in ctx.granted:
        # CC0 is a waiver by the rights holder, not a claim about the work's status.
        if licence.kind != "public-domain" or licence.id == "CC0-1.0":
            continue
        yield Verdict(
            f"Image {ctx.what} is credited as {licence.name}; the claim is not verified.",
            "Check the public-domain status on the picture's source page and keep a "
            "copy of that page as evidence.",
        )


RULES = (nc_commercial_use, nd_adaptation, sa_adaptation, public_domain_unverified)


def _holder(credit: Credit) -> str:
    return credit.creator or credit.provider or credit.source or "the rights holder"
