"""Rules on pictures that may be used only under an agreement with the rights holder:
agency and stock pictures, other publications' pictures, and pictures with all rights
reserved.

An agreement in the rights register covers a picture when it is with one of the
parties the credit names, covers the use, and is in force on the right day:

- the party: names are resolved through the provider table, so an agreement with "AP"
  covers a credit "AP Photo/Jane Doe" (both are the Associated Press); a name the table
  does not know matches only itself, without regard to case;
- the use: the agreement's scope (see :data:`attribution.records.RIGHTS_SCOPES`) must
  cover editorial use on the web by this publication, commercial or not;
- the day: the date the page was published when it says one, else the date of the
  check.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from attribution.records import (
    RIGHTS_SCOPES,
    Severity,
    scope_terms,
    unknown_scope_terms,
)
from attribution.rules.context import MEDIUM
from attribution.rules.registry import Verdict, rule

if TYPE_CHECKING:
    from datetime import date

    from attribution.licences import KnowledgeBase
    from attribution.records import (
        RightsEntry,
    )
    from attribution.rules.context import Context

# Kinds of credit whose pictures may be used only under an agreement with the provider.
NEEDS_AGREEMENT = frozenset({"agency", "stock", "pool", "handout"})
_NEEDS_AGREEMENT = NEEDS_AGREEMENT
# Kinds of credit whose basis other rules judge: a publication's picture under one of
# them is not reported again as a publisher's.
_JUDGED_ELSEWHERE = _NEEDS_AGREEMENT | {"copyright", "courtesy", "screenshot"}


@rule(
    "agency-not-licensed",
    Severity.ERROR,
    "An agency or stock picture with no agreement in the rights register.",
    """Agency and stock pictures may be used only under an agreement with the provider.
    No entry of the rights register covers this provider for this use (its scope) on
    the date the page was published, or on the date of the check when the page states
    no date. Add the agreement to the rights register (with its scope, dates and
    reference), or replace the picture.""",
)
def agency_not_licensed(ctx: Context) -> Iterator[Verdict]:
    credit = ctx.credit
    if credit is None or ctx.staff or not ctx.readable:
        return
    if ctx.licences or credit.kind not in _NEEDS_AGREEMENT:
        return
    names = agreement_parties(ctx, reserved=False)
    if register_covers(names, ctx):
        return
    holder = names[0] if names else "the rights holder"
    yield Verdict(
        f"Image {ctx.what}: '{credit.text}' is a {credit.kind} picture and the rights "
        f"register has no agreement with {holder} that covers its use on the {MEDIUM} "
        f"on {ctx.when}{_register_note(names, ctx)}.",
        f"Add the agreement with {holder} to the rights register (provider "
        f'"{holder}", a scope that covers the {MEDIUM}, valid from/until, reference), '
        "or replace the image.",
    )


@rule(
    "publisher-not-licensed",
    Severity.ERROR,
    "Another publication's picture with no agreement in the rights register.",
    """A picture credited to another publication — a newspaper, magazine or
    broadcaster, or a photographer working for one ("Jane Doe/The New York Times") —
    belongs to that publication, not to yours. It may be used only with its permission,
    such as a syndication or reprint licence. No entry of the rights register covers
    this publisher for this use (its scope) on the date the page was published, or on
    the date of the check when the page states no date. Record the agreement in the
    rights register, or replace the picture. A picture is your own only when its credit
    names your publication: its name, a staff credit or one of its domains, set in the
    [publication] table of the profile; with no publication set, a credit to the page's
    own publisher (the name the page gives itself) counts as well.""",
)
def publisher_not_licensed(ctx: Context) -> Iterator[Verdict]:
    credit, publisher = ctx.credit, ctx.publisher
    if credit is None or publisher is None or ctx.staff or ctx.licences:
        return
    if credit.kind in _JUDGED_ELSEWHERE:
        return
    names = list(dict.fromkeys([publisher, *agreement_parties(ctx, reserved=False)]))
    if register_covers(names, ctx):
        return
    own = f"'{ctx.profile.publication}'" if ctx.profile.publication else "this publication"
    yield Verdict(
        f"Image {ctx.what}: '{credit.text}' credits {publisher}, a publication other than "
        f"{own}, and the rights register has no agreement with {publisher} that covers "
        f"its use on the {MEDIUM} on {ctx.when}{_register_note(names, ctx)}.",
        f"Get permission from {publisher} (a syndication or reprint licence) and add it to "
        f'the rights register (provider "{publisher}", a scope that covers the {MEDIUM}, '
        "valid from/until, reference), or replace the image. If the picture is your "
        "own, name your publication in the profile's [publication] table (name, "
        "staff_credits, domains).",
    )


@rule(
    "all-rights-reserved",
    Severity.ERROR,
    "All rights are reserved and the rights register has no agreement for the holder.",
    """A picture marked "all rights reserved" (or only "©") may be used only with the
    rights holder's permission. Record the permission in the rights register, or
    replace the picture.""",
)
def all_rights_reserved(ctx: Context) -> Iterator[Verdict]:
    credit = ctx.credit
    if credit is None or ctx.staff or not ctx.readable:
        return
    reserved = any(lic.kind == "all-rights-reserved" for lic in ctx.licences)
    if not reserved and (ctx.licences or credit.kind != "copyright"):
        return
    names = agreement_parties(ctx, reserved=True)
    if register_covers(names, ctx):
        return
    holder = names[0] if names else "the rights holder"
    yield Verdict(
        f"Image {ctx.what}: '{credit.text}' reserves all rights and the rights register "
        f"has no agreement with {holder}{_register_note(names, ctx)}.",
        f"Get permission from {holder} and add it to the rights register (provider "
        f'"{holder}", scope, valid from/until, reference), or replace the image.',
    )


RULES = (agency_not_licensed, publisher_not_licensed, all_rights_reserved)


def same_party(registered: str, named: str, kb: KnowledgeBase) -> bool:
    """Whether a rights-register entry's provider and a name in a credit are the same
    party: the same provider of the table by name or alias ("AP" and "Associated
    Press"), else the same name without regard to case."""
    first, second = kb.provider_named(registered), kb.provider_named(named)
    if first is not None and second is not None:
        return first.name == second.name
    return registered.casefold().strip() == named.casefold().strip()


def agreement_with(
    provider: str,
    rights: Sequence[RightsEntry],
    kb: KnowledgeBase,
    *,
    on: date,
    commercial: bool,
) -> RightsEntry | None:
    """The register's first agreement with ``provider`` that covers this publication's
    use on the web on the day ``on``, or None (what an audit report asks of each
    provider its pictures come from)."""
    for entry in rights:
        if not same_party(entry.provider_name or entry.provider, provider, kb):
            continue
        if entry.in_force(on) and entry.scope_covers(MEDIUM, commercial=commercial):
            return entry
    return None


def covers_use(entry: RightsEntry, ctx: Context) -> bool:
    """Whether the agreement's scope and dates cover this page's use of the picture."""
    return entry.in_force(ctx.on) and entry.scope_covers(MEDIUM, commercial=ctx.profile.commercial)


def agreement_parties(ctx: Context, *, reserved: bool) -> list[str]:
    """Who an agreement could be with; for reserved rights, the creators too."""
    credit = ctx.credit
    if credit is None:
        return []
    names = [n for n in (credit.provider, credit.via, credit.source, credit.holder) if n]
    if reserved:
        names.extend(credit.creators)
    return names


def _agreements(names: list[str], ctx: Context) -> list[RightsEntry]:
    """The register's agreements with any of these parties."""
    return [
        entry
        for entry in ctx.profile.rights
        if any(same_party(entry.provider_name or entry.provider, name, ctx.kb) for name in names)
    ]


def register_covers(names: list[str], ctx: Context) -> bool:
    """Whether an agreement of the rights register with one of these parties covers
    this page's use of the picture."""
    return any(covers_use(entry, ctx) for entry in _agreements(names, ctx))


def _register_note(names: list[str], ctx: Context) -> str:
    """Why the register's agreements with these parties do not cover the picture."""
    reasons = [_why_not(entry, ctx) for entry in _agreements(names, ctx)]
    if not reasons:
        return ""
    return " (" + "; ".join(dict.fromkeys(reasons)) + ")"


def _why_not(entry: RightsEntry, ctx: Context) -> str:
    """What keeps one agreement from covering the picture, in words for legal staff."""
    with_whom = f"the register's agreement with {entry.provider}"
    if entry.reference:
        with_whom += f" ({entry.reference})"
    unknown = unknown_scope_terms(entry.scope)
    if unknown:
        return (
            f"{with_whom} has the scope '{entry.scope}', which is not a known scope "
            f"({', '.join(RIGHTS_SCOPES)}), so it cannot be read as covering any use"
        )
    if not entry.scope_covers(MEDIUM, commercial=ctx.profile.commercial):
        terms = scope_terms(entry.scope)
        media = [t for t in terms if RIGHTS_SCOPES[t][0] == "medium"]
        if media and MEDIUM not in media:
            return f"{with_whom} covers {' and '.join(media)} only, not the {MEDIUM}"
        return f"{with_whom} covers non-commercial use only, and this publication is commercial"
    period = " ".join(
        part
        for part in (
            f"from {entry.valid_from}" if entry.valid_from else "",
            f"until {entry.valid_until}" if entry.valid_until else "",
        )
        if part
    )
    return f"{with_whom} is not valid on {ctx.on}: it runs {period}"
