"""Rules: may this publication use this image as it does, and what to do if not.

Each rule has a stable kebab-case id, a default severity, a message that names the
evidence and a concrete ``fix``. :func:`check_image` is a pure function of the image,
its parsed credit, the publication profile, the licence knowledge base and the date.
The profile may change a rule's severity or switch it off.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date

from attribution.credits import licence_from_url
from attribution.embedded import declares_ai
from attribution.licences import KnowledgeBase, Licence, Provider
from attribution.records import Credit, Embedded, ExtractedImage, Finding, Profile, Severity


@dataclass(frozen=True)
class Rule:
    """A rule's identity, default severity and the explanation shown to editors."""

    id: str
    severity: Severity
    summary: str
    explanation: str


def _rule(rule_id: str, severity: Severity, summary: str, explanation: str) -> Rule:
    return Rule(rule_id, severity, summary, " ".join(explanation.split()))


MISSING_CREDIT = _rule(
    "missing-credit",
    Severity.ERROR,
    "An image is published without a credit.",
    """Every image needs a visible credit naming who made it and where it comes from.
    Without one the publication cannot show where the picture came from, and every
    licence that requires attribution (all Creative Commons licences but CC0) is
    breached.""",
)
UNPARSED_CREDIT = _rule(
    "unparsed-credit",
    Severity.WARNING,
    "A credit names neither a person, an agency nor a licence that can be recognised.",
    """The credit text could not be read as a photographer, agency, platform or licence.
    It may be a caption fragment mistaken for a credit, a typo in an agency's name, or
    a credit in an unusual form. Check it by hand and write it in a standard form
    ("Photo: Name/Agency").""",
)
LICENCE_UNKNOWN = _rule(
    "licence-unknown",
    Severity.ERROR,
    "The credit names a licence that does not exist or cannot be recognised.",
    """The credit claims a licence that is not in the knowledge base — a version that was
    never published ("CC BY 5.0"), a garbled name, or "Creative Commons" without saying
    which licence. Nobody can tell what the publication is allowed to do. Find the
    licence on the picture's source page and name it exactly.""",
)
LICENCE_VERSION_MISSING = _rule(
    "licence-version-missing",
    Severity.WARNING,
    "A licence family is named without its version.",
    """"CC BY-SA" without a version does not say which legal text applies, and the
    versions differ in what attribution they require. Look the version up on the
    picture's source page and name it ("CC BY-SA 4.0"), with a link to the licence.""",
)
NC_COMMERCIAL_USE = _rule(
    "nc-commercial-use",
    Severity.ERROR,
    "A NonCommercial licence on a commercial publication.",
    """NonCommercial (NC) licences forbid use "primarily intended for or directed
    towards commercial advantage or monetary compensation". A publication with ads,
    subscriptions or sponsored content is commercial use. The image needs a separate
    licence from the rights holder, or has to be replaced.""",
)
ND_ADAPTATION = _rule(
    "nd-adaptation",
    Severity.ERROR,
    "The publication adapts images, but the licence forbids adaptations.",
    """NoDerivatives (ND) licences, and pictures with all rights reserved, allow the
    work to be shared only unchanged. Crops beyond plain resizing, overlays, colour
    edits and composites are adaptations. Publish the picture unaltered, or get
    permission from the rights holder.""",
)
SA_ADAPTATION = _rule(
    "sa-adaptation",
    Severity.WARNING,
    "The publication adapts images under a ShareAlike licence.",
    """ShareAlike (SA) licences require an adapted picture (cropped, overlaid, edited) to
    be published under the same licence, and the credit must say it was changed. The
    publication must be willing to license its version under those terms.""",
)
ATTRIBUTION_INCOMPLETE = _rule(
    "attribution-incomplete",
    Severity.WARNING,
    "The credit lacks an element the licence requires.",
    """Each licence version asks for certain attribution elements: the creator, the
    title (Creative Commons 1.0 to 3.0), a link to the source, the licence's name, and
    a note when the picture was changed. The fix gives the complete attribution line in
    text and HTML.""",
)
LICENCE_NOT_LINKED = _rule(
    "licence-not-linked",
    Severity.WARNING,
    "The licence is named but not linked.",
    """Creative Commons licences (and others) require the credit to include the
    licence's URL or a hyperlink to it, so that readers can see the terms. Link the
    licence name to the licence's deed.""",
)
AGENCY_NOT_LICENSED = _rule(
    "agency-not-licensed",
    Severity.ERROR,
    "An agency or stock picture with no agreement in the rights register.",
    """Agency and stock pictures may be used only under an agreement with the provider.
    No entry of the rights register covers this provider on the date of the check.
    Add the agreement to the rights register (with its dates and reference), or
    replace the picture.""",
)
ALL_RIGHTS_RESERVED = _rule(
    "all-rights-reserved",
    Severity.ERROR,
    "All rights are reserved and the rights register has no agreement for the holder.",
    """A picture marked "all rights reserved" (or only "©") may be used only with the
    rights holder's permission. Record the permission in the rights register, or
    replace the picture.""",
)
PUBLIC_DOMAIN_UNVERIFIED = _rule(
    "public-domain-unverified",
    Severity.NOTICE,
    "A public-domain claim that should be checked at the source.",
    """Public-domain claims are often wrong: a photograph of an old painting may carry a
    new copyright in some countries, works of US government contractors are not public
    domain, and trademarks or privacy rights may still apply. Check the claim on the
    source page and keep the evidence.""",
)

METADATA_CONFLICT = _rule(
    "metadata-conflict",
    Severity.WARNING,
    "The image file names a different creator, rights holder or licence than the credit.",
    """The metadata embedded in the file (EXIF Artist and Copyright, IPTC By-line and
    Credit, XMP creator, rights and licence) names someone else than the visible credit,
    for example a "CC BY" caption on a file whose copyright says Getty Images. One of
    them is wrong: check the picture's origin before publishing.""",
)
AI_GENERATED = _rule(
    "ai-generated",
    Severity.NOTICE,
    "The image file declares that it was made with generative AI.",
    """The file's Content Credentials (C2PA) or its IPTC digital source type say the
    picture was created or composited by a trained algorithm. Many publications must
    label such images; copyright in purely generated images is doubtful in several
    jurisdictions.""",
)

RULES: tuple[Rule, ...] = (
    MISSING_CREDIT,
    UNPARSED_CREDIT,
    LICENCE_UNKNOWN,
    LICENCE_VERSION_MISSING,
    NC_COMMERCIAL_USE,
    ND_ADAPTATION,
    SA_ADAPTATION,
    ATTRIBUTION_INCOMPLETE,
    LICENCE_NOT_LINKED,
    AGENCY_NOT_LICENSED,
    ALL_RIGHTS_RESERVED,
    PUBLIC_DOMAIN_UNVERIFIED,
    METADATA_CONFLICT,
    AI_GENERATED,
)
RULE_IDS = frozenset(rule.id for rule in RULES)

_NEEDS_AGREEMENT = frozenset({"agency", "stock", "pool", "handout"})
_CHANGES_NOTED = re.compile(r"\b(?:cropped|modified|edited|adapted|changed|retouched)\b", re.I)


def describe_image(image: ExtractedImage) -> str:
    """A short name for an image in messages: its alt text and file name."""
    name = image.src.rsplit("/", 1)[-1].split("?", 1)[0] or image.src
    if len(name) > 60:
        name = name[:57] + "…"
    return f"'{image.alt}' ({name})" if image.alt else name


def licence_label(licence: Licence) -> str:
    """The short name printed in credits: "CC BY-NC 2.0", "CC BY-SA 3.0 DE", "CC0 1.0"."""
    if licence.family.startswith("CC-"):
        label = f"CC {licence.family.removeprefix('CC-')} {licence.version}"
        return f"{label} {licence.port}" if licence.port else label
    if licence.id == "CC0-1.0":
        return "CC0 1.0"
    return licence.name


class _Findings:
    """Collects findings, applying the profile's severity changes."""

    def __init__(self, profile: Profile) -> None:
        self.overrides = dict(profile.severity_overrides)
        self.items: list[Finding] = []

    def add(self, rule: Rule, message: str, fix: str | None) -> None:
        setting = self.overrides.get(rule.id)
        if setting == "off":
            return
        severity = Severity(setting) if setting else rule.severity
        self.items.append(Finding(rule.id, severity, message, fix))


def check_image(
    image: ExtractedImage,
    credit: Credit | None,
    profile: Profile,
    kb: KnowledgeBase,
    today: date | None = None,
    embedded: Embedded | None = None,
) -> tuple[Finding, ...]:
    """Every finding for one image used by the publication described by ``profile``.

    ``embedded`` is what the image file itself declares, when it was read.
    """
    today = today or date.today()
    found = _Findings(profile)
    what = describe_image(image)
    if embedded is not None and declares_ai(embedded):
        _ai_generated(found, what, embedded)
    if credit is None:
        suggestion = embedded.suggested_credit if embedded else None
        fix = (
            "Add a credit next to the image naming the creator and the source, and the "
            "licence if it is published under one."
        )
        if suggestion:
            fix += f" The image file itself names: '{suggestion}'."
        found.add(MISSING_CREDIT, f"Image {what} has no credit.", fix)
        return tuple(found.items)
    if embedded is not None:
        _metadata_conflict(found, what, credit, embedded, kb)
    if _is_staff(credit, profile):
        return ()
    licences = [kb.licence(part) for part in (credit.licence or "").split(" AND ") if part]
    known = [lic for lic in licences if lic is not None]
    if credit.licence_problem and not credit.licence:
        found.add(
            LICENCE_UNKNOWN,
            f"Image {what}: the credit '{credit.text}' names a licence that cannot be "
            f"accepted: {credit.licence_problem}.",
            "Look the licence up on the picture's source page and write its exact name "
            "and version (for example 'CC BY-SA 4.0'), linked to the licence.",
        )
    if credit.licence and not known:
        _family_only(found, what, credit, kb)
    if not (credit.creators or credit.provider or credit.licence or credit.source or credit.holder):
        if not credit.licence_problem:
            found.add(
                UNPARSED_CREDIT,
                f"Image {what}: the credit '{credit.text}' names no recognisable creator, "
                "agency or licence.",
                "Check the credit by hand and write it as 'Photo: Name/Agency' or 'Name/Licence'.",
            )
        return tuple(found.items)
    reserved = [lic for lic in known if lic.kind == "all-rights-reserved"]
    if reserved or (not known and credit.kind == "copyright"):
        _agreement(found, what, credit, profile, today, reserved=True)
    elif not known and credit.kind in _NEEDS_AGREEMENT:
        _agreement(found, what, credit, profile, today, reserved=False)
    _licence_terms(
        found, what, image, credit, [lic for lic in known if lic not in reserved], profile
    )
    return tuple(found.items)


def _is_staff(credit: Credit, profile: Profile) -> bool:
    names = {name.casefold() for name in profile.staff_credits}
    if profile.publication:
        names.add(profile.publication.casefold())
    if not names:
        return False
    parts = [credit.provider, credit.text, *credit.creators]
    return any(part and part.casefold() in names for part in parts) or any(
        name in credit.text.casefold() for name in names if len(name) > 3
    )


def _family_only(found: _Findings, what: str, credit: Credit, kb: KnowledgeBase) -> None:
    for part in (credit.licence or "").split(" AND "):
        family = kb.family(part)
        if family is None:
            continue
        versions = sorted(
            {
                lic.removeprefix(family.id + "-").split("-")[0]
                for lic in family.licence_ids
                if "LicenseRef" not in lic
            }
        )
        found.add(
            LICENCE_VERSION_MISSING,
            f"Image {what}: the credit '{credit.text}' names {family.name} without a version.",
            f"Find the version on the picture's source page (one of {', '.join(versions)}) "
            "and name it in the credit, linked to the licence.",
        )


def _licence_terms(
    found: _Findings,
    what: str,
    image: ExtractedImage,
    credit: Credit,
    licences: list[Licence],
    profile: Profile,
) -> None:
    for licence in licences:
        label = licence_label(licence)
        if profile.commercial and not licence.commercial_use:
            found.add(
                NC_COMMERCIAL_USE,
                f"Image {what} is licensed under {label}, which does not allow commercial "
                f"use; this publication is commercial.",
                f"Options: (1) ask the rights holder ({_holder(credit)}) for a commercial "
                "licence and record it in the rights register; (2) replace the image with "
                "one whose licence allows commercial use (CC BY, CC BY-SA, CC0, public "
                "domain) or one you have licensed; (3) remove it.",
            )
        if profile.adapts_images and not licence.adaptation:
            found.add(
                ND_ADAPTATION,
                f"Image {what} is licensed under {label}, which forbids adaptations; this "
                "publication adapts images (crops, overlays, edits).",
                "Publish this picture unaltered (resizing only), or get the rights "
                "holder's permission to adapt it.",
            )
        if profile.adapts_images and licence.share_alike:
            found.add(
                SA_ADAPTATION,
                f"Image {what} is licensed under {label} (ShareAlike); an adapted version "
                f"must be published under {label} or a compatible licence.",
                f"Publish the unaltered picture, or state that your adapted version is "
                f"licensed under {label} and say it was modified.",
            )
        if licence.kind == "public-domain" and licence.id != "CC0-1.0":
            found.add(
                PUBLIC_DOMAIN_UNVERIFIED,
                f"Image {what} is credited as {licence.name}; the claim is not verified.",
                "Check the public-domain status on the picture's source page and keep a "
                "copy of that page as evidence.",
            )
        if licence.attribution_required:
            _attribution(found, what, image, credit, licence, profile)


def _attribution(
    found: _Findings,
    what: str,
    image: ExtractedImage,
    credit: Credit,
    licence: Licence,
    profile: Profile,
) -> None:
    missing = []
    required = set(licence.attribution)
    if "creator" in required and not credit.creators and not credit.provider:
        missing.append("the creator")
    if "licence-name" in required and not _licence_named_in_text(credit):
        missing.append("the licence's name")
    source_link = _source_link(image, credit)
    if "source-link" in required and source_link is None:
        missing.append("a link to the source")
    if "title" in required and '"' not in credit.text and "“" not in credit.text:
        missing.append("the title of the work")
    if (
        profile.adapts_images
        and licence.adaptation
        and "indicate-changes" in required
        and not _CHANGES_NOTED.search(credit.text)
    ):
        missing.append("a note that the image was changed")
    linked = credit.licence_url is not None and _licence_linked(image, licence)
    line_text, line_html = attribution_line(credit, licence, source_link, profile)
    if missing:
        found.add(
            ATTRIBUTION_INCOMPLETE,
            f"Image {what}: {licence_label(licence)} requires {', '.join(missing)} in the "
            f"credit '{credit.text}'.",
            f"Use the complete attribution: {line_text} — in HTML: {line_html}",
        )
    if "licence-link" in required and not linked:
        found.add(
            LICENCE_NOT_LINKED,
            f"Image {what}: the credit names {licence_label(licence)} but does not link to "
            "the licence.",
            f"Link the licence name to {licence.url} — for example: {line_html}",
        )


def _licence_named_in_text(credit: Credit) -> bool:
    return (
        credit.licence_problem is None
        and credit.kind
        in {
            "creative-commons",
            "public-domain",
            "stock",
            "government",
        }
        and any(
            token in credit.text.lower()
            for token in (
                "cc",
                "creative commons",
                "licen",
                "public domain",
                "gfdl",
                "unsplash",
                "pixabay",
                "pexels",
                "open government",
                "art libre",
                "free art",
            )
        )
    )


def _licence_linked(image: ExtractedImage, licence: Licence) -> bool:
    host = licence.url.split("//", 1)[-1].split("/", 1)[0].removeprefix("www.")
    return any(host in link for link in image.credit_links)


def _source_link(image: ExtractedImage, credit: Credit) -> str | None:
    for link in image.credit_links:
        if "creativecommons.org" in link or "/licen" in link:
            continue
        return link
    return image.structured_value("acquireLicensePage")


def _holder(credit: Credit) -> str:
    return credit.creator or credit.provider or credit.source or "the rights holder"


def attribution_line(
    credit: Credit, licence: Licence, source_link: str | None, profile: Profile
) -> tuple[str, str]:
    """The complete attribution for a licensed image, as (text, HTML)."""
    creator = credit.creator or credit.provider or "the creator's name"
    where = f" / {credit.provider}" if credit.provider and credit.creator else ""
    changed = "; cropped and modified" if profile.adapts_images else ""
    label = licence_label(licence)
    source_text = f" ({source_link})" if source_link else " (link to the original)"
    text = f"Photo: {creator}{where}{source_text}, {label} ({licence.url}){changed}"
    escaped_creator = html.escape(creator)
    href = html.escape(source_link or "LINK-TO-ORIGINAL", quote=True)
    markup = (
        f'Photo: <a href="{href}">{escaped_creator}</a>{html.escape(where)}, '
        f'<a href="{html.escape(licence.url, quote=True)}" rel="license">{html.escape(label)}</a>'
        f"{html.escape(changed)}"
    )
    return text, markup


def _agreement(
    found: _Findings, what: str, credit: Credit, profile: Profile, today: date, *, reserved: bool
) -> None:
    names = [n for n in (credit.provider, credit.via, credit.source, credit.holder) if n]
    if reserved:
        names.extend(credit.creators)
    if any(entry.covers(name, today) for entry in profile.rights for name in names):
        return
    expired = [
        entry
        for entry in profile.rights
        for name in names
        if entry.provider.casefold() == name.casefold()
    ]
    register = (
        f" (the register's agreement{'s' if len(expired) > 1 else ''} with "
        f"{expired[0].provider} {'is' if len(expired) == 1 else 'are'} not valid on {today})"
        if expired
        else ""
    )
    holder = names[0] if names else "the rights holder"
    if reserved:
        found.add(
            ALL_RIGHTS_RESERVED,
            f"Image {what}: '{credit.text}' reserves all rights and the rights register has "
            f"no agreement with {holder}{register}.",
            f"Get permission from {holder} and add it to the rights register (provider "
            f'"{holder}", scope, valid from/until, reference), or replace the image.',
        )
        return
    found.add(
        AGENCY_NOT_LICENSED,
        f"Image {what}: '{credit.text}' is a {credit.kind} picture and the rights register "
        f"has no agreement with {holder} valid on {today}{register}.",
        f'Add the agreement with {holder} to the rights register (provider "{holder}", '
        "scope, valid from/until, reference), or replace the image.",
    )


def _ai_generated(found: _Findings, what: str, embedded: Embedded) -> None:
    credentials = embedded.content_credentials
    if credentials is not None and credentials.ai_generated:
        state = {True: "valid", False: "INVALID", None: "unvalidated"}[credentials.valid]
        evidence = f"its Content Credentials ({state}"
        evidence += f", signed by {credentials.issuer})" if credentials.issuer else ")"
    else:
        evidence = f"its IPTC digital source type ({embedded.digital_source_type})"
    found.add(
        AI_GENERATED,
        f"Image {what}: {evidence} declare the picture was made with generative AI.",
        "Label the image as AI-generated as your publication's policy requires, and do "
        "not present it as a photograph of real events.",
    )


_NAME_NOISE = re.compile(
    r"©|\(c\)|\bcopyright\b|\ball rights reserved\b|\b(?:19|20)\d\d\b|\bphoto(?:graph)?s?\b"
    r"|\bimages?\b|\bby\b|\bthe\b|\binc\b|\bltd\b|\bllc\b|\bgmbh\b",
    re.IGNORECASE,
)


def _name_tokens(text: str) -> set[str]:
    return {t for t in re.findall(r"[^\W\d_]{3,}", _NAME_NOISE.sub(" ", text.casefold()))}


def _metadata_conflict(
    found: _Findings, what: str, credit: Credit, embedded: Embedded, kb: KnowledgeBase
) -> None:
    visible = " ".join(
        v for v in (credit.text, credit.provider, credit.via, credit.holder, credit.source) if v
    )
    visible_tokens = _name_tokens(visible)
    visible_providers = {credit.provider, credit.via}
    conflicting = []
    for name in embedded.names:
        provider = kb.provider_by_alias(name) or _provider_in(name, kb)
        if provider is not None and provider.name in visible_providers:
            continue
        tokens = _name_tokens(name)
        if tokens and not tokens & visible_tokens:
            conflicting.append(name)
    file_licence = _file_licence(embedded, kb)
    licence_differs = (
        file_licence is not None and credit.licence is not None and file_licence != credit.licence
    )
    if not conflicting and not licence_differs:
        return
    evidence = []
    if conflicting:
        evidence.append("names " + ", ".join(f"'{n}'" for n in dict.fromkeys(conflicting)))
    if licence_differs:
        evidence.append(f"declares the licence {file_licence}")
    found.add(
        METADATA_CONFLICT,
        f"Image {what}: the file {' and '.join(evidence)}, but the credit reads '{credit.text}'.",
        "Find out who holds the rights (the source page, the agency's archive, the "
        "photographer) and correct the credit or replace the image.",
    )


def _provider_in(name: str, kb: KnowledgeBase) -> Provider | None:
    for word in re.split(r"[/,;]|\s+via\s+", name):
        provider = kb.provider_by_alias(word.strip())
        if provider is not None:
            return provider
    return None


def _file_licence(embedded: Embedded, kb: KnowledgeBase) -> str | None:
    for url in (embedded.licence_url, embedded.web_statement):
        mention = licence_from_url(url, kb) if url else None
        if mention is not None and mention.licence:
            return mention.licence
    return None
