"""Rules on what the image file itself declares: AI generation, and names or a licence
that disagree with the visible credit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from attribution.records import Severity
from attribution.rules.registry import Verdict, rule

if TYPE_CHECKING:
    from attribution.licences import KnowledgeBase, Provider
    from attribution.records import Embedded
    from attribution.rules.context import Context


@rule(
    "ai-generated",
    Severity.NOTICE,
    "The image file declares that it was made with generative AI.",
    """The file's Content Credentials (C2PA) or its IPTC digital source type say the
    picture was created or composited by a trained algorithm. Many publications must
    label such images; copyright in purely generated images is doubtful in several
    jurisdictions.""",
)
def ai_generated(ctx: Context) -> Iterator[Verdict]:
    from attribution.embedded import declares_ai  # (imported here: listing rules stays quick)

    embedded = ctx.embedded
    if embedded is None or not declares_ai(embedded):
        return
    credentials = embedded.content_credentials
    if credentials is not None and credentials.ai_generated:
        state = {True: "valid", False: "INVALID", None: "unvalidated"}[credentials.valid]
        evidence = f"its Content Credentials ({state}"
        evidence += f", signed by {credentials.issuer})" if credentials.issuer else ")"
    else:
        evidence = f"its IPTC digital source type ({embedded.digital_source_type})"
    yield Verdict(
        f"Image {ctx.what}: {evidence} declare the picture was made with generative AI.",
        "Label the image as AI-generated as your publication's policy requires, and do "
        "not present it as a photograph of real events.",
    )


@rule(
    "metadata-conflict",
    Severity.WARNING,
    "The image file names a different creator, rights holder or licence than the credit.",
    """The metadata embedded in the file (EXIF Artist and Copyright, IPTC By-line and
    Credit, XMP creator, rights and licence) names someone else than the visible credit,
    for example a "CC BY" caption on a file whose copyright says Getty Images. One of
    them is wrong: check the picture's origin before publishing.""",
)
def metadata_conflict(ctx: Context) -> Iterator[Verdict]:
    credit, embedded = ctx.credit, ctx.embedded
    if credit is None or embedded is None:
        return
    visible = " ".join(
        v for v in (credit.text, credit.provider, credit.via, credit.holder, credit.source) if v
    )
    visible_tokens = _name_tokens(visible)
    visible_providers = {credit.provider, credit.via}
    conflicting = []
    for name in embedded.names:
        provider = ctx.kb.provider_by_alias(name) or _provider_in(name, ctx.kb)
        if provider is not None and provider.name in visible_providers:
            continue
        tokens = _name_tokens(name)
        if tokens and not tokens & visible_tokens:
            conflicting.append(name)
    file_licence = _file_licence(embedded, ctx.kb)
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
    yield Verdict(
        f"Image {ctx.what}: the file {' and '.join(evidence)}, but the credit reads "
        f"'{credit.text}'.",
        "Find out who holds the rights (the source page, the agency's archive, the "
        "photographer) and correct the credit or replace the image.",
    )


RULES = (ai_generated, metadata_conflict)

_NAME_NOISE = re.compile(
    r"©|\(c\)|\bcopyright\b|\ball rights reserved\b|\b(?:19|20)\d\d\b|\bphoto(?:graph)?s?\b"
    r"|\bimages?\b|\bby\b|\bthe\b|\binc\b|\bltd\b|\bllc\b|\bgmbh\b",
    re.IGNORECASE,
)


def _name_tokens(text: str) -> set[str]:
    return {t for t in re.findall(r"[^\W\d_]{3,}", _NAME_NOISE.sub(" ", text.casefold()))}


def _provider_in(name: str, kb: KnowledgeBase) -> Provider | None:
    for word in re.split(r"[/,;]|\s+via\s+", name):
        provider = kb.provider_by_alias(word.strip())
        if provider is not None:
            return provider
    return None


def _file_licence(embedded: Embedded, kb: KnowledgeBase) -> str | None:
    from attribution.credits import licence_from_url  # (imported here: listing rules stays quick)

    for url in (embedded.licence_url, embedded.web_statement):
        mention = licence_from_url(url, kb) if url else None
        if mention is not None and mention.licence:
            return mention.licence
    return None
