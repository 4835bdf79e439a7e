"""The links of a page, for a scan that crawls a site: where each ``<a href>`` leads.

A page is parsed as extraction parses it (:func:`~attribution.extract.tree.parse_markup`:
any markup is read, nothing is fetched); the links come back absolute, without their
fragment, each once, in the order of the page, at most :data:`MAX_LINKS` of them. Links
marked ``rel="nofollow"`` are left out, as crawlers do.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit, urlunsplit

from bs4 import Tag

from attribution.extract.tree import parse_markup

# Links read from one page at most: a page of a million links is not a site map.
MAX_LINKS = 5000


def page_links(body: bytes, url: str, *, most: int = MAX_LINKS) -> tuple[str, ...]:
    """The http(s) links of the page ``body`` read at ``url`` (its ``<base href>``
    honoured), absolute and without fragments, each once, in order; never raises."""
    root = parse_markup(body)
    base = url
    found_base = root.find("base", href=True)
    if isinstance(found_base, Tag):
        base = urljoin(url, str(found_base.get("href") or "").strip())
    links: dict[str, None] = {}
    for element in root.find_all(("a", "area"), href=True):
        if not isinstance(element, Tag):
            continue
        rel = " ".join(str(value) for value in element.get_attribute_list("rel") if value)
        if "nofollow" in rel.lower().split():
            continue
        absolute = _absolute(base, str(element.get("href") or ""))
        if absolute is not None:
            links[absolute] = None
            if len(links) >= most:
                break
    return tuple(links)


def _absolute(base: str, href: str) -> str | None:
    """``href`` resolved against ``base``, without its fragment; None for what is not
    an http(s) URL (mailto:, javascript:, tel:…) and for an empty one (the page itself)."""
    if not href.strip():
        return None
    try:
        parts = urlsplit(urljoin(base, href.strip()))
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))
