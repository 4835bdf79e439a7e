"""The one place that wires the pure stages together: extract → credits → rules.

No I/O here: the page's bytes and its images' metadata come from the caller (the
application layer reads them with :mod:`attribution.fetch`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from attribution.credits import parse_credit
from attribution.credits.house import names_house
from attribution.extract import extract_page
from attribution.licences import default_knowledge_base
from attribution.records import ImageResult, PageResult, Profile
from attribution.rules import check_image
from attribution.rules.context import on_domains, own_domains

if TYPE_CHECKING:
    from attribution.licences import KnowledgeBase
    from attribution.records import Credit, Embedded, ExtractedPage, SourceEvidence


def check_html(
    html: str | bytes,
    base_url: str,
    profile: Profile | None = None,
    *,
    encoding: str | None = None,
    kb: KnowledgeBase | None = None,
    today: date | None = None,
    embedded: Mapping[str, Embedded] | None = None,
) -> PageResult:
    """Check one page's HTML: extract images, parse credits, apply the rules.

    ``embedded`` maps image URLs to what their files declare (see
    :class:`attribution.fetch.images.ImageReader`);
    ``today`` is the date of the check: rights-register agreements are checked on the
    date the page says it was published, else on ``today``.
    """
    page = extract_page(html, base_url, encoding, kb=kb)
    return evaluate_page(page, profile, kb=kb, today=today, embedded=embedded)


def evaluate_page(
    page: ExtractedPage,
    profile: Profile | None = None,
    *,
    kb: KnowledgeBase | None = None,
    today: date | None = None,
    embedded: Mapping[str, Embedded] | None = None,
    at_source: Mapping[str, SourceEvidence] | None = None,
) -> PageResult:
    """Parse the credits of an extracted page and apply the rules to each image.

    ``embedded`` and ``at_source`` map image URLs to what their files declare and what
    their sources say (see :mod:`attribution.app.atsource`)."""
    profile = profile or Profile()
    kb = kb or default_knowledge_base()
    embedded = embedded or {}
    at_source = at_source or {}
    results = []
    for image in page.images:
        credit = (
            parse_credit(image.credit, image.credit_links, kb, page.house) if image.credit else None
        )
        from_file = embedded.get(image.src)
        source = at_source.get(image.src)
        findings = check_image(
            image,
            credit,
            _with_house(profile, credit, page),
            kb,
            today,
            from_file,
            published=page.published,
            at_source=source,
        )
        results.append(ImageResult(image, credit, findings, from_file, source))
    return PageResult(url=page.url, title=page.title, images=tuple(results), notices=page.notices)


def _with_house(profile: Profile, credit: Credit | None, page: ExtractedPage) -> Profile:
    """The profile to judge one picture by. A credit the parser read as the page's own
    publisher (its provider is the house: "[DS]" on the Daily Star's page) is a staff
    credit of this publication when the profile names no publication of its own, or
    when the page is on the profile's domains; a profile that names another
    publication judges the house as any other publisher."""
    if credit is None or credit.provider is None or not page.house:
        return profile
    if not names_house(credit.provider, page.house):
        return profile
    named = profile.publication or profile.staff_credits or profile.domains
    if named and not on_domains(page.url, own_domains(profile)):
        return profile
    return replace(profile, staff_credits=(*profile.staff_credits, credit.provider))
