"""Rules on the attribution a licence requires: every required element in the credit,
and a link to the licence."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from attribution.records import Severity
from attribution.rules.labels import licence_label
from attribution.rules.registry import Verdict, rule

if TYPE_CHECKING:
    from attribution.licences import Licence
    from attribution.records import Credit, ExtractedImage, Profile
    from attribution.rules.context import Context

_CHANGES_NOTED = re.compile(r"\b(?:cropped|modified|edited|adapted|changed|retouched)\b", re.I)


@rule(
    "attribution-incomplete",
    Severity.WARNING,
    "The credit lacks an element the licence requires.",
    """Each licence version asks for certain attribution elements: the creator, the
    title (Creative Commons 1.0 to 3.0), a link to the source, the licence's name, and
    a note when the picture was changed. The fix gives the complete attribution line in
    text and HTML.""",
)
def attribution_incomplete(ctx: Context) -> Iterator[Verdict]:
    credit = ctx.credit
    if credit is None or ctx.staff:
        return
    source_link = _source_link(ctx.image, credit)
    for licence in ctx.granted:
        if not licence.attribution_required:
            continue
        missing = _missing(credit, licence, source_link, ctx.profile)
        if not missing:
            continue
        line_text, line_html = attribution_line(credit, licence, source_link, ctx.profile)
        yield Verdict(
            f"Image {ctx.what}: {licence_label(licence)} requires {', '.join(missing)} in "
            f"the credit '{credit.text}'.",
            f"{COMPLETE_ATTRIBUTION}{line_text}{IN_HTML}{line_html}",
        )


@rule(
    "licence-not-linked",
    Severity.WARNING,
    "The licence is named but not linked.",
    """Creative Commons licences (and others) require the credit to include the
    licence's URL or a hyperlink to it, so that readers can see the terms. Link the
    licence name to the licence's deed.""",
)
def licence_not_linked(ctx: Context) -> Iterator[Verdict]:
    credit = ctx.credit
    if credit is None or ctx.staff:
        return
    for licence in ctx.granted:
        if not licence.attribution_required or "licence-link" not in licence.attribution:
            continue
        if credit.licence_url is not None and _licence_linked(ctx.image, licence):
            continue
        source_link = _source_link(ctx.image, credit)
        _, line_html = attribution_line(credit, licence, source_link, ctx.profile)
        yield Verdict(
            f"Image {ctx.what}: the credit names {licence_label(licence)} but does not "
            "link to the licence.",
            f"Link the licence name to {licence.url}{FOR_EXAMPLE}{line_html}",
        )


RULES = (attribution_incomplete, licence_not_linked)

# How a fix hands over the corrected attribution line (see corrected_attribution).
COMPLETE_ATTRIBUTION = "Use the complete attribution: "
IN_HTML = " — in HTML: "
FOR_EXAMPLE = " — for example: "
# Where the HTML line links to the original when the credit gives no link to it, and
# what the text line says there.
SOURCE_PLACEHOLDER = "LINK-TO-ORIGINAL"
SOURCE_PLACEHOLDER_TEXT = "link to the original"


def corrected_attribution(fix: str | None) -> tuple[str | None, str | None]:
    """The corrected attribution line a finding's fix hands over, as (text, HTML),
    either None where the fix has none: what a report offers ready to copy."""
    if not fix:
        return None, None
    if fix.startswith(COMPLETE_ATTRIBUTION) and IN_HTML in fix:
        text, _, markup = fix[len(COMPLETE_ATTRIBUTION) :].partition(IN_HTML)
        return text, markup
    if FOR_EXAMPLE in fix:
        return None, fix.partition(FOR_EXAMPLE)[2]
    return None, None


def attribution_line(
    credit: Credit, licence: Licence, source_link: str | None, profile: Profile
) -> tuple[str, str]:
    """The complete attribution for a licensed image, as (text, HTML)."""
    import html  # here: its table of entities is not worth loading to list the rules

    creator = credit.creator or credit.provider or "the creator's name"
    where = f" / {credit.provider}" if credit.provider and credit.creator else ""
    changed = "; cropped and modified" if profile.adapts_images else ""
    label = licence_label(licence)
    source_text = f" ({source_link or SOURCE_PLACEHOLDER_TEXT})"
    text = f"Photo: {creator}{where}{source_text}, {label} ({licence.url}){changed}"
    escaped_creator = html.escape(creator)
    href = html.escape(source_link or SOURCE_PLACEHOLDER, quote=True)
    markup = (
        f'Photo: <a href="{href}">{escaped_creator}</a>{html.escape(where)}, '
        f'<a href="{html.escape(licence.url, quote=True)}" rel="license">{html.escape(label)}</a>'
        f"{html.escape(changed)}"
    )
    return text, markup


def _missing(
    credit: Credit, licence: Licence, source_link: str | None, profile: Profile
) -> list[str]:
    """The attribution elements the licence requires and the credit lacks."""
    missing = []
    required = set(licence.attribution)
    if "creator" in required and not credit.creators and not credit.provider:
        missing.append("the creator")
    if "licence-name" in required and not _licence_named_in_text(credit):
        missing.append("the licence's name")
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
    return missing


def _licence_named_in_text(credit: Credit) -> bool:
    return (
        credit.licence_problem is None
        and credit.kind in {"creative-commons", "public-domain", "stock", "government"}
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
