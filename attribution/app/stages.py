"""The CPU-bound stages of checking a page, as the budgeted child process runs them.

Only the child (or a check that is not isolated) imports this module, and with it the
parsing stack (BeautifulSoup and lxml, the credit parser, the rules, the metadata
readers); the process that fetches, stores and reports never needs to. The child loads
it as soon as it starts, and reads a small page (:func:`warm_up`), while its parent is
still starting up.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from attribution.embedded import read_embedded
from attribution.extract import extract_page
from attribution.licences import default_knowledge_base
from attribution.pipeline import evaluate_page

if TYPE_CHECKING:
    from attribution.licences import KnowledgeBase
    from attribution.records import (
        Embedded,
        ExtractedPage,
        Limits,
        PageResult,
        Profile,
        SourceEvidence,
    )


def extract(
    body: bytes,
    url: str,
    charset: str | None,
    kb: KnowledgeBase | None,
    limits: Limits,
    rendered: bool = False,
) -> ExtractedPage:
    """Read the page: its content images with captions and credits (of a ``rendered``
    page, also the pictures its scripts hold in data)."""
    return extract_page(
        body,
        url,
        charset,
        kb=kb or default_knowledge_base(),
        max_images=limits.max_images,
        script_data=rendered,
    )


def embedded(data: bytes, complete: bool) -> Embedded:
    """Read what an image file declares about itself."""
    return read_embedded(data, complete=complete)


def evaluate(
    page: ExtractedPage,
    profile: Profile,
    kb: KnowledgeBase | None,
    found: Mapping[str, Embedded] | None,
    at_source: Mapping[str, SourceEvidence] | None = None,
) -> PageResult:
    """Parse the credits and apply the rules (given what the image files declare and
    what the images' sources say, by image URL)."""
    return evaluate_page(
        page, profile, kb=kb or default_knowledge_base(), embedded=found, at_source=at_source
    )


def extract_and_evaluate(
    body: bytes,
    url: str,
    charset: str | None,
    kb: KnowledgeBase | None,
    limits: Limits,
    rendered: bool,
    profile: Profile,
) -> tuple[ExtractedPage, PageResult]:
    """Read the page and apply the rules at once, when no image file is read between."""
    page = extract(body, url, charset, kb, limits, rendered)
    return page, evaluate(page, profile, kb, None)


# A page with what most pages hold: figures, captions, credits of an agency and of a
# licence.
_WARM_UP_PAGE = (
    b"<html><head><title>A story</title></head><body><article><h1>A story</h1>"
    b"<figure><img src='/picture.jpg' width='800' height='600' alt='A street'>"
    b"<figcaption>A street at night. Photo: Jane Doe/Reuters</figcaption></figure>"
    b"<p>Text.</p><figure><img src='/other.jpg' width='640' height='480'><figcaption>"
    b"A market. Jane Doe via Flickr (CC BY-NC 2.0)</figcaption></figure></article></body></html>"
)


def warm_up() -> PageResult:
    """Load what the first page would otherwise wait for (the knowledge base, the
    patterns compiled when first used) by reading a small page, and give its result:
    the parsing process does it as soon as it starts, while its parent is still
    loading the database and HTTP layers."""
    from attribution.records import Limits, Profile

    _page, result = extract_and_evaluate(
        _WARM_UP_PAGE, "https://www.example.com/story", None, None, Limits(), False, Profile()
    )
    return result
