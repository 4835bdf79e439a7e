"""What extraction found on a page: its content images as printed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from attribution.records.roles import CONTENT_ROLE


@dataclass(frozen=True)
class ExtractedImage:
    """One content image found on a page, before its credit is interpreted.

    ``src`` is the absolute URL of the picture as displayed; ``variants`` holds every
    other URL the page uses for the same picture (srcset sizes, og:image, fallbacks).
    ``credit`` is the credit text as printed, with its label ("Photo:") removed;
    ``credit_links`` are the hrefs of links inside or beside the credit, such as a
    ``rel="license"`` link. ``structured`` holds schema.org ImageObject facts from
    JSON-LD (``creditText``, ``creator``, ``copyrightNotice``, ``license``,
    ``acquireLicensePage``) when the page declares them. ``role`` is ``content`` for a
    picture the article shows and ``social`` for one the page only declares in its
    metadata (og:image, twitter:image, JSON-LD): what is shared on social media.
    """

    src: str
    alt: str | None = None
    caption: str | None = None
    credit: str | None = None
    credit_links: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()
    origin: str = "img"
    structured: tuple[tuple[str, str], ...] = ()
    role: str = CONTENT_ROLE

    def structured_value(self, key: str) -> str | None:
        """The value of one schema.org ImageObject property, or None."""
        for name, value in self.structured:
            if name == key:
                return value
        return None


@dataclass(frozen=True)
class ExtractedPage:
    """What extraction found on one page: its title, its content images, and the date
    the page says it was first published (``article:published_time``, schema.org
    ``datePublished``), when it says one. ``notices`` say what extraction could not do
    with the page (a page with more images than are checked). ``house`` holds the
    names the page gives its own publisher (its site name, the publisher of its article,
    its host's name), by which a credit to the house itself is known."""

    url: str
    title: str | None
    images: tuple[ExtractedImage, ...]
    declared_url: str | None = None  # the http(s) address the page gives for itself
    published: date | None = None
    notices: tuple[str, ...] = ()
    house: tuple[str, ...] = ()
