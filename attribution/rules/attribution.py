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
    either None where the fix has none: what a report offers ready to copy.

    The HTML is handed over only when it is what :func:`attribution_line` writes:
    text, and links to http(s) addresses (:func:`is_attribution_markup`). Anything
    else (a fix recorded by an older release, or one a page's values could have bent)
    gives no HTML, so that nothing a page wrote reaches a clipboard as markup."""
    if not fix:
        return None, None
    text: str | None = None
    if fix.startswith(COMPLETE_ATTRIBUTION) and IN_HTML in fix:
        text, _, markup = fix[len(COMPLETE_ATTRIBUTION) :].partition(IN_HTML)
    elif FOR_EXAMPLE in fix:
        markup = fix.partition(FOR_EXAMPLE)[2]
    else:
        return None, None
    return text, markup if is_attribution_markup(markup) else None


def is_attribution_markup(markup: str) -> bool:
    """Whether ``markup`` holds nothing but escaped text and ``<a>`` elements whose
    ``href`` is an http(s) address (or the placeholder of a missing source link) and
    whose only other attribute is ``rel``: the HTML of an attribution line."""
    from html.parser import HTMLParser  # here: loaded only when a line is handed over
    from urllib.parse import urlsplit

    class Checker(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=False)
            self.safe = True

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            href = dict(attrs).get("href") or ""
            allowed = tag == "a" and all(name in ("href", "rel") for name, _ in attrs)
            try:
                web = urlsplit(href).scheme.lower() in ("http", "https")
            except ValueError:
                web = False
            if not allowed or not (web or href == SOURCE_PLACEHOLDER):
                self.safe = False

        def handle_endtag(self, tag: str) -> None:
            self.safe = self.safe and tag == "a"

        def handle_data(self, data: str) -> None:
            self.safe = self.safe and "<" not in data and ">" not in data

        def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.safe = False

        def handle_comment(self, data: str) -> None:
            self.safe = False

        def handle_decl(self, decl: str) -> None:
            self.safe = False

        def handle_pi(self, data: str) -> None:
            self.safe = False

        def unknown_decl(self, data: str) -> None:
            self.safe = False

    checker = Checker()
    checker.feed(markup)
    checker.close()
    return checker.safe


def attribution_line(
    credit: Credit, licence: Licence, source_link: str | None, profile: Profile
) -> tuple[str, str]:
    """The complete attribution for a licensed image, as (text, HTML)."""
    import html  # here: its table of entities is not worth loading to list the rules

    creator = _shown(credit.creator or credit.provider) or "the creator's name"
    provider = _shown(credit.provider)
    where = f" / {provider}" if provider and credit.creator else ""
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


def _shown(value: str | None) -> str | None:
    """A value taken from the page as an attribution line shows it: on one line, and
    never holding the words that separate a fix's text from its HTML."""
    if not value:
        return None
    return " ".join(value.split()).replace(" — ", " – ")


def _source_link(image: ExtractedImage, credit: Credit) -> str | None:
    """The address of the picture's source the credit links to (not its licence), or
    the page's declared licensing page: an http(s) address, else None."""
    for link in image.credit_links:
        if "creativecommons.org" in link or "/licen" in link:
            continue
        return _web_address(link)
    return _web_address(image.structured_value("acquireLicensePage"))


def _web_address(link: str | None) -> str | None:
    """``link`` when it is an http(s) address without spaces, else None."""
    if not link or any(character.isspace() for character in link):
        return None
    scheme, colon, _ = link.partition(":")
    return link if colon and scheme.lower() in ("http", "https") else None
