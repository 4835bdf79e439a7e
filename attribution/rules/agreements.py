"""Rules on pictures that may be used only under an agreement with the rights holder:
agency and stock pictures, and pictures with all rights reserved."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from attribution.records import Credit, Profile, RightsEntry, Severity
from attribution.rules.context import Context
from attribution.rules.registry import Verdict, rule

_NEEDS_AGREEMENT = frozenset({"agency", "stock", "pool", "handout"})


@rule(
    "agency-not-licensed",
    Severity.ERROR,
    "An agency or stock picture with no agreement in the rights register.",
    """Agency and stock pictures may be used only under an agreement with the provider.
    No entry of the rights register covers this provider on the date of the check.
    Add the agreement to the rights register (with its dates and reference), or
    replace the picture.""",
)
def agency_not_licensed(ctx: Context) -> Iterator[Verdict]:
    credit = ctx.credit
    if credit is None or ctx.staff or not ctx.readable:
        return
    if ctx.licences or credit.kind not in _NEEDS_AGREEMENT:
        return
    names = _names(credit, reserved=False)
    if _covered(names, ctx.profile, ctx.today):
        return
    holder = names[0] if names else "the rights holder"
    yield Verdict(
        f"Image {ctx.what}: '{credit.text}' is a {credit.kind} picture and the rights "
        f"register has no agreement with {holder} valid on {ctx.today}"
        f"{_register_note(names, ctx.profile, ctx.today)}.",
        f'Add the agreement with {holder} to the rights register (provider "{holder}", '
        "scope, valid from/until, reference), or replace the image.",
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
    names = _names(credit, reserved=True)
    if _covered(names, ctx.profile, ctx.today):
        return
    holder = names[0] if names else "the rights holder"
    yield Verdict(
        f"Image {ctx.what}: '{credit.text}' reserves all rights and the rights register "
        f"has no agreement with {holder}{_register_note(names, ctx.profile, ctx.today)}.",
        f"Get permission from {holder} and add it to the rights register (provider "
        f'"{holder}", scope, valid from/until, reference), or replace the image.',
    )


RULES = (agency_not_licensed, all_rights_reserved)


def _names(credit: Credit, *, reserved: bool) -> list[str]:
    """Who an agreement could be with; for reserved rights, the creators too."""
    names = [n for n in (credit.provider, credit.via, credit.source, credit.holder) if n]
    if reserved:
        names.extend(credit.creators)
    return names


def _covered(names: list[str], profile: Profile, today: date) -> bool:
    return any(entry.covers(name, today) for entry in profile.rights for name in names)


def _register_note(names: list[str], profile: Profile, today: date) -> str:
    """What the register says about these names when its agreements are not valid today."""
    expired: list[RightsEntry] = [
        entry
        for entry in profile.rights
        for name in names
        if entry.provider.casefold() == name.casefold()
    ]
    if not expired:
        return ""
    return (
        f" (the register's agreement{'s' if len(expired) > 1 else ''} with "
        f"{expired[0].provider} {'is' if len(expired) == 1 else 'are'} not valid on {today})"
    )
