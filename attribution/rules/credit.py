"""Rules on the credit itself: there is none, or it cannot be read."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from attribution.records import Severity
from attribution.rules.registry import Verdict, rule

if TYPE_CHECKING:
    from attribution.rules.context import Context


@rule(
    "missing-credit",
    Severity.ERROR,
    "An image is published without a credit.",
    """Every image needs a visible credit naming who made it and where it comes from.
    Without one the publication cannot show where the picture came from, and every
    licence that requires attribution (all Creative Commons licences but CC0) is
    breached.""",
)
def missing_credit(ctx: Context) -> Iterator[Verdict]:
    if ctx.credit is not None:
        return
    suggestion = ctx.embedded.suggested_credit if ctx.embedded else None
    fix = (
        "Add a credit next to the image naming the creator and the source, and the "
        "licence if it is published under one."
    )
    if suggestion:
        fix += f" The image file itself names: '{suggestion}'."
    yield Verdict(f"Image {ctx.what} has no credit.", fix)


@rule(
    "unparsed-credit",
    Severity.WARNING,
    "A credit names neither a person, an agency nor a licence that can be recognised.",
    """The credit text could not be read as a photographer, agency, platform or licence.
    It may be a caption fragment mistaken for a credit, a typo in an agency's name, or
    a credit in an unusual form. Check it by hand and write it in a standard form
    ("Photo: Name/Agency").""",
)
def unparsed_credit(ctx: Context) -> Iterator[Verdict]:
    credit = ctx.credit
    # A rejected licence is reported by licence-unknown; reporting it again adds nothing.
    if credit is None or ctx.staff or ctx.readable or credit.licence_problem:
        return
    yield Verdict(
        f"Image {ctx.what}: the credit '{credit.text}' names no recognisable creator, "
        "agency or licence.",
        "Check the credit by hand and write it as 'Photo: Name/Agency' or 'Name/Licence'.",
    )


RULES = (missing_credit, unparsed_credit)
