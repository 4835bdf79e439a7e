"""Rules on the licence a credit names: one that cannot be accepted, or a family
without its version."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from attribution.records import Severity
from attribution.rules.registry import Verdict, rule

if TYPE_CHECKING:
    from attribution.rules.context import Context


@rule(
    "licence-unknown",
    Severity.ERROR,
    "The credit names a licence that does not exist or cannot be recognised.",
    """The credit claims a licence that is not in the knowledge base — a version that was
    never published ("CC BY 5.0"), a garbled name, or "Creative Commons" without saying
    which licence. Nobody can tell what the publication is allowed to do. Find the
    licence on the picture's source page and name it exactly.""",
)
def licence_unknown(ctx: Context) -> Iterator[Verdict]:
    credit = ctx.credit
    if credit is None or ctx.staff or not credit.licence_problem or credit.licence:
        return
    yield Verdict(
        f"Image {ctx.what}: the credit '{credit.text}' names a licence that cannot be "
        f"accepted: {credit.licence_problem}.",
        "Look the licence up on the picture's source page and write its exact name "
        "and version (for example 'CC BY-SA 4.0'), linked to the licence.",
    )


@rule(
    "licence-version-missing",
    Severity.WARNING,
    "A licence family is named without its version.",
    """"CC BY-SA" without a version does not say which legal text applies, and the
    versions differ in what attribution they require. Look the version up on the
    picture's source page and name it ("CC BY-SA 4.0"), with a link to the licence.""",
)
def licence_version_missing(ctx: Context) -> Iterator[Verdict]:
    credit = ctx.credit
    if credit is None or ctx.staff or not credit.licence or ctx.licences:
        return
    for part in credit.licence.split(" AND "):
        family = ctx.kb.family(part)
        if family is None:
            continue
        versions = sorted(
            {
                lic.removeprefix(family.id + "-").split("-")[0]
                for lic in family.licence_ids
                if "LicenseRef" not in lic
            }
        )
        yield Verdict(
            f"Image {ctx.what}: the credit '{credit.text}' names {family.name} without a version.",
            f"Find the version on the picture's source page (one of {', '.join(versions)}) "
            "and name it in the credit, linked to the licence.",
        )


RULES = (licence_unknown, licence_version_missing)
