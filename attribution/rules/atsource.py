"""Rules on what an image's source says of it (Wikimedia Commons, Flickr): a licence
that is not the credit's, a licence that changed, an author the credit does not name,
and an item the source no longer shows.

Each message names the evidence: which item, what the source said and when it said it
(the record keeps every answer with its time; see :mod:`attribution.app.atsource`).
Which licence counts is the one that applied on the day the page first showed the
image: a photographer who changes the licence later does not change what the
publication relied on.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING

from attribution.records import Severity
from attribution.records.services import MISSING, SERVICE_NAMES
from attribution.rules.agreements import agreement_parties, register_covers
from attribution.rules.labels import licence_label
from attribution.rules.registry import Verdict, rule

if TYPE_CHECKING:
    from datetime import datetime

    from attribution.atsource.changes import LicenceOnDay
    from attribution.records import LicenceChange, SourceAnswer, SourceEvidence
    from attribution.rules.context import Context

PUBLIC_DOMAIN = "public-domain"  # the knowledge base's kind of public-domain statements
# How the day the page first showed an image is known (SourceEvidence.first_shown_by).
_SHOWN_BY = {
    "record": "the day this page was first recorded showing it",
    "published": "the day the page says it was published",
    "today": "today: this page has not been recorded showing it before",
}


@rule(
    "licence-mismatch-at-source",
    Severity.ERROR,
    "The image's source gives it another licence than the credit names.",
    """The credit names one licence; the picture's page at its source (Wikimedia
    Commons, Flickr) gives another, or none that allows this use. The licence that
    counts is the one the source gave on the day the page first showed the image.
    Follow the source's licence, or get the holder's permission and record it in the
    rights register; if the source is wrong, keep the evidence of the licence you relied
    on.""",
)
def licence_mismatch_at_source(ctx: Context) -> Iterator[Verdict]:
    evidence, credit = ctx.at_source, ctx.credit
    if evidence is None or credit is None or ctx.staff:
        return
    then = _licence_then(evidence)
    if then is None or (then.certain and then.licence is None):
        return  # nothing found, or a licence we do not know: nothing to compare
    between = None if then.certain else then.change  # either of its licences may apply
    candidates = {then.licence} if between is None else {between.before, between.after}
    named = _credit_licence_ids(ctx)
    if named:
        if None in candidates or any(_names_licence(ctx, named, c) for c in candidates):
            return
        said = f"the credit '{credit.text}' names {_credit_licence_label(ctx)}"
    else:
        refusal = _refusal(ctx, then.licence) if then.certain else None
        if refusal is None:
            return  # no licence named, and the source's allows this use
        said = f"the credit '{credit.text}' names no licence, and {refusal}"
    if register_covers(_parties(ctx, evidence), ctx):
        return  # the holder's permission is in the rights register
    yield Verdict(
        f"Image {ctx.what}: {said}; {_source_says(evidence, then)}.",
        f"Use the picture as {_then_name(then)} allows (see {_item_page(evidence)}), or get "
        "the holder's permission and record it in the rights register; if the source is "
        "wrong, keep the evidence of the licence you relied on.",
    )


@rule(
    "licence-changed-at-source",
    Severity.WARNING,
    "The licence of the image changed at its source.",
    """The picture's licence at its source changed: Flickr keeps each change with its
    date, and attribution notices a change between two of its own answers. What counts
    is the licence that applied on the day the page first showed the image; copyright
    claims after a change to "all rights reserved" often rest on the later licence.
    Keep the evidence (the record holds each answer with its time) and credit the
    licence that applied then.""",
)
def licence_changed_at_source(ctx: Context) -> Iterator[Verdict]:
    evidence = ctx.at_source
    if evidence is None or ctx.staff or not evidence.changes:
        return
    then = _licence_then(evidence)
    if then is None:
        return
    history = "; ".join(_describe_change(change) for change in evidence.changes)
    first = _first_shown(evidence)
    if then.change is not None and not then.certain:
        applied = (
            f"on {first} it was {then.change.before_name} or {then.change.after_name}: "
            f"the change fell between two answers"
        )
    else:
        applied = f"on {first} it was {then.name}"
    current = evidence.newest_found
    if current is not None and then.certain and not _same_licence(then, current):
        fix = (
            f"Keep this evidence: on {first} the source gave {then.name}, which is what "
            f"the publication relied on, though it now gives {current.licence_said}. Credit "
            f"{then.name} and answer any claim with the record of {_item_page(evidence)}."
        )
    else:
        fix = (
            f"The licence had already changed when the page first showed the picture: "
            f"follow {then.name}, and keep this evidence."
        )
    yield Verdict(
        f"Image {ctx.what}: the licence of {evidence.ref.label} changed at its source "
        f"({history}); {applied}.",
        fix,
    )


@rule(
    "author-mismatch-at-source",
    Severity.WARNING,
    "The image's source names another author than the credit.",
    """The credit names a creator the picture's source does not know: Flickr's owner
    (real name, user name or alias) or the author Wikimedia Commons gives. A licence
    such as CC BY requires crediting the author as they ask to be credited. Credit the
    author the source names, unless you know the source is wrong.""",
)
def author_mismatch_at_source(ctx: Context) -> Iterator[Verdict]:
    evidence, credit = ctx.at_source, ctx.credit
    if evidence is None or credit is None or ctx.staff or not evidence.answer.found:
        return
    authors = tuple(name for name in evidence.answer.authors if _words(name))
    creators = tuple(name for name in credit.creators if _words(name))
    if not authors or not creators:
        return
    if any(_same_person(creator, author) for creator in creators for author in authors):
        return
    yield Verdict(
        f"Image {ctx.what}: the credit names {_quoted(creators)}; "
        f"{_source_named(evidence)} gives the author as {_quoted(authors)}.",
        f"Credit the author as the source names them ('{authors[0]}'), unless you know "
        "the source is wrong; keep the evidence of who you were told the author is.",
    )


@rule(
    "source-unavailable",
    Severity.WARNING,
    "The image's source no longer shows it (deleted or private).",
    """The picture's page at its source (Wikimedia Commons, Flickr) is gone or no longer
    public, so its licence can no longer be shown there. The record keeps the last
    answer that showed it: that is the evidence of the licence the publication relied
    on. Without it, replace the picture or get the holder's permission.""",
)
def source_unavailable(ctx: Context) -> Iterator[Verdict]:
    evidence = ctx.at_source
    if evidence is None or ctx.staff or evidence.answer.found:
        return
    answer = evidence.answer
    state = "deleted or never there" if answer.status == MISSING else "not public"
    detail = f": {answer.detail}" if answer.detail else ""
    message = (
        f"Image {ctx.what}: {evidence.ref.label} is {state} at its source "
        f"({_source_named(evidence)}{detail})."
    )
    last = evidence.last_found
    if last is not None:
        message += (
            f" The last answer that showed it, of {_stamp(last.asked_at)}, gave "
            f"{last.licence_said}{_by(last)}."
        )
        fix = (
            f"Keep the record of that answer ({_stamp(last.asked_at)}) as the evidence of "
            "the licence relied on; if the holder disputes it, replace the picture or get "
            "their permission."
        )
    else:
        message += " No earlier answer that showed it was kept."
        fix = (
            "Find the licence elsewhere (the photographer, an archived copy of the page) "
            "and keep it as evidence, or replace the picture or get the holder's permission."
        )
    yield Verdict(message, fix)


RULES = (
    licence_mismatch_at_source,
    licence_changed_at_source,
    author_mismatch_at_source,
    source_unavailable,
)


def _licence_then(evidence: SourceEvidence) -> LicenceOnDay | None:
    """The licence that applied on the day the page first showed the image (None when
    no answer found the item)."""
    # Imported here, when a rule judges evidence: listing the rules (``attribution
    # rules``) then loads no source records.
    from attribution.atsource.changes import licence_on

    answer = evidence.newest_found
    if answer is None:
        return None
    day = evidence.first_shown or answer.asked_at.date()
    return licence_on(answer, evidence.changes, day)


def _parties(ctx: Context, evidence: SourceEvidence) -> list[str]:
    """Who an agreement covering the picture could be with: the credit's parties and
    creators, and the authors the source names."""
    answer = evidence.newest_found
    return agreement_parties(ctx, reserved=True) + list(answer.authors if answer else ())


def _credit_licence_ids(ctx: Context) -> tuple[str, ...]:
    """The licences (ids) or licence families (ids) the credit names."""
    credit = ctx.credit
    if ctx.licences:
        return tuple(lic.id for lic in ctx.licences)
    if credit is None or not credit.licence:
        return ()
    return tuple(part for part in credit.licence.split(" AND ") if ctx.kb.family(part))


def _names_licence(ctx: Context, named: tuple[str, ...], licence: str | None) -> bool:
    """Whether the credit's licences (or families) include ``licence``; any
    public-domain statement stands for any other ("public domain" and CC0 or the
    Public Domain Mark)."""
    if licence is None:
        return False
    if licence in named:
        return True
    known = ctx.kb.licence(licence)
    if known is None:
        return False
    if known.kind == PUBLIC_DOMAIN and any(lic.kind == PUBLIC_DOMAIN for lic in ctx.licences):
        return True
    return known.family in named and not ctx.licences


def _credit_licence_label(ctx: Context) -> str:
    if ctx.licences:
        return " and ".join(licence_label(lic) for lic in ctx.licences)
    return ctx.credit.licence if ctx.credit and ctx.credit.licence else "a licence"


def _refusal(ctx: Context, licence: str | None) -> str | None:
    """Why the source's licence does not allow the publication's use, or None."""
    known = ctx.kb.licence(licence) if licence else None
    if known is None:
        return None
    if known.kind == "all-rights-reserved":
        return "the source reserves all rights"
    if ctx.profile.commercial and not known.commercial_use:
        return f"the source's {licence_label(known)} does not allow commercial use"
    if ctx.profile.adapts_images and not known.adaptation:
        return f"the source's {licence_label(known)} does not allow adapted pictures"
    return None


def _source_says(evidence: SourceEvidence, then: LicenceOnDay) -> str:
    answer = evidence.answer
    if not answer.found:
        return f"{_source_named(evidence)} no longer shows {evidence.ref.label}"
    says = f"{_source_named(evidence)} gives {evidence.ref.label} {answer.licence_said}"
    if not then.certain or not _same_licence(then, answer):
        says += f", and on {_first_shown(evidence)} it gave {_then_name(then)}"
    return says


def _same_licence(then: LicenceOnDay, answer: SourceAnswer) -> bool:
    """Whether the licence of a day is the answer's: by id when both are known, else by
    the source's names."""
    if then.licence is not None and answer.licence is not None:
        return then.licence == answer.licence
    return then.name.casefold() == answer.licence_said.casefold()


def _then_name(then: LicenceOnDay) -> str:
    if not then.certain and then.change is not None:
        return f"{then.change.before_name} or {then.change.after_name}"
    return then.name


def _source_named(evidence: SourceEvidence) -> str:
    """The source and the time of its answer: "Flickr (answer of 2026-12-07 06:00 UTC)"."""
    answer = evidence.answer
    kept = ", kept from an earlier check" if evidence.cached else ""
    service = SERVICE_NAMES.get(answer.service, answer.service)
    return f"{service} (answer of {_stamp(answer.asked_at)}{kept})"


def _first_shown(evidence: SourceEvidence) -> str:
    day = evidence.first_shown
    reason = _SHOWN_BY.get(evidence.first_shown_by, evidence.first_shown_by)
    return f"{day} ({reason})" if day else "the day the page first showed it"


def _item_page(evidence: SourceEvidence) -> str:
    return evidence.answer.page_url or evidence.ref.page_url


def _describe_change(change: LicenceChange) -> str:
    if change.since is not None:
        return (
            f"from {change.before_name} to {change.after_name} between our answers of "
            f"{_stamp(change.since)} and {_stamp(change.on)}"
        )
    return f"from {change.before_name} to {change.after_name} on {change.on:%Y-%m-%d}"


def _stamp(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def _by(answer: SourceAnswer) -> str:
    return f" by {answer.authors[0]}" if answer.authors else ""


def _quoted(names: tuple[str, ...]) -> str:
    return " or ".join(f"'{name}'" for name in names)


def _words(name: str) -> tuple[str, ...]:
    """A name as lower-case words without accents or punctuation."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return tuple(re.findall(r"[^\W_]+", plain))


def _same_person(creator: str, author: str) -> bool:
    """Whether two names are one person's: the same words, or all the words of the
    shorter among the longer's ("Jane Doe" and "Jane A. Doe"), or the same when
    written together ("janedoe" and "Jane Doe", as user names are)."""
    one, two = _words(creator), _words(author)
    if not one or not two:
        return False
    if "".join(one) == "".join(two):
        return True
    shorter, longer = sorted((one, two), key=len)
    return set(shorter) <= set(longer) and (len(shorter) > 1 or len(longer) == 1)
