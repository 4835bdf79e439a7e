"""Pictures a page declares in its metadata: og:image and schema.org ImageObject in
JSON-LD (contentUrl, caption, creditText, creator, copyrightNotice, license,
acquireLicensePage); the date the page says it was published; and the names it gives
its publisher."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from bs4 import Tag

from attribution.extract.dom import attr, word_set
from attribution.extract.urls import resolve_url, url_host, url_path
from attribution.textutil import clean_text, none_if_empty

if TYPE_CHECKING:
    from attribution.extract.index import Named


@dataclass
class Declared:
    """A picture declared in og:image or JSON-LD, with the facts given for it."""

    url: str
    origin: str
    facts: dict[str, str]


_META_IMAGE_KEYS = frozenset(
    {"og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src"}
)


# Twitter's gallery card: "twitter:image0" to "twitter:image3", one per picture.
_GALLERY_CARD_KEY = re.compile(r"twitter:image\d")


def meta_images(named: Named, base: str) -> Iterator[Declared]:
    """The og:image and twitter:image pictures of a page (site logos left out), from its
    elements by name."""
    for tag in named.get("meta", ()):
        key = (attr(tag, "property") or attr(tag, "name") or "").lower()
        if key not in _META_IMAGE_KEYS and not _GALLERY_CARD_KEY.fullmatch(key):
            continue
        url = resolve_url(base, attr(tag, "content"))
        if url and not declared_chrome(url):
            yield Declared(url, "og:image" if key.startswith("og") else "twitter:image", {})


def declared_chrome(url: str) -> bool:
    """Whether a picture's address names a site's own picture (a logo, a default share
    picture, a placeholder, an icon), not an article's."""
    path = url_path(url).lower()
    words = word_set(path)
    return bool(
        words
        & {
            "logo",
            "logos",
            "default",
            "placeholder",
            "avatar",
            "gravatar",
            "fallback",
            "icon",
            "favicon",
            "brand",
            "branding",
            "sitewide",
            "generic",
        }
        or "default-share" in path
        or "share-card" in path
        or path.endswith((".svg", ".ico"))
    )


_STRUCTURED_KEYS = {
    "caption": "caption",
    "creditText": "creditText",
    "copyrightNotice": "copyrightNotice",
    "license": "license",
    "acquireLicensePage": "acquireLicensePage",
}

_NOT_CONTENT_TYPES = frozenset(
    {
        "Person",
        "Organization",
        "NewsMediaOrganization",
        "WebSite",
        "Brand",
        "Corporation",
        "SiteNavigationElement",
        "WPHeader",
        "WPFooter",
        "WPSideBar",
        "BreadcrumbList",
        "LocalBusiness",
        "Place",
        "Product",
        "Offer",
    }
)

_JSONLD_TYPE = re.compile(r"ld\+json", re.I)


def _jsonld_scripts(named: Named) -> list[Tag]:
    """The page's JSON-LD scripts, in document order."""
    scripts = named.get("script", ())
    return [s for s in scripts if isinstance(t := s.get("type"), str) and _JSONLD_TYPE.search(t)]


_SKIP_KEYS = frozenset({"logo", "author", "publisher", "sponsor", "brand", "contributor", "editor"})


def jsonld_documents(named: Named) -> list[object]:
    """The parsed documents of a page's JSON-LD scripts, in document order (those that
    do not parse, or are too long to read, left out); read once for all that asks."""
    documents = []
    for script in _jsonld_scripts(named):
        raw = script.string or script.get_text()
        if not raw or len(raw) > 2_000_000:
            continue
        try:
            documents.append(json.loads(raw.strip().rstrip(";"), strict=False))
        except (ValueError, RecursionError):
            continue
    return documents


def jsonld_images(documents: list[object], base: str) -> Iterator[Declared]:
    """The ImageObjects of a page's JSON-LD documents (see :func:`jsonld_documents`),
    publisher logos and author photos left out."""
    for data in documents:
        yield from _walk_jsonld(data, base, inside_image=False, depth=0)


def _walk_jsonld(node: object, base: str, inside_image: bool, depth: int) -> Iterator[Declared]:
    if depth > 12:
        return
    if isinstance(node, list):
        for item in node[:50]:
            yield from _walk_jsonld(item, base, inside_image, depth + 1)
        return
    if isinstance(node, str):
        if inside_image:
            url = resolve_url(base, node)
            if url and not declared_chrome(url):
                yield Declared(url, "json-ld", {})
        return
    if not isinstance(node, dict):
        return
    types = node.get("@type")
    type_names = (
        {types}
        if isinstance(types, str)
        else {t for t in types if isinstance(t, str)}
        if isinstance(types, list)
        else set()
    )
    if type_names & _NOT_CONTENT_TYPES:
        return
    if "ImageObject" in type_names or (inside_image and ("contentUrl" in node or "url" in node)):
        yield from _image_object(node, base)
        return
    for key, value in node.items():
        if key in _SKIP_KEYS:
            continue
        if key in ("image", "primaryImageOfPage", "associatedMedia"):
            yield from _walk_jsonld(value, base, True, depth + 1)
        elif isinstance(value, (dict, list)):
            yield from _walk_jsonld(value, base, False, depth + 1)


def _image_object(node: dict[str, object], base: str) -> Iterator[Declared]:
    url = None
    for key in ("contentUrl", "url"):
        value = node.get(key)
        if isinstance(value, list) and value:
            value = value[0]
        if isinstance(value, str):
            url = resolve_url(base, value)
            if url:
                break
    if url is None or declared_chrome(url):
        return
    facts: dict[str, str] = {}
    for key, name in _STRUCTURED_KEYS.items():
        value = node.get(key)
        text = _jsonld_text(value)
        if text:
            facts[name] = text
    creator = _jsonld_names(node.get("creator")) or _jsonld_names(node.get("author"))
    if creator:
        facts["creator"] = creator
    holder = _jsonld_names(node.get("copyrightHolder"))
    if holder:
        facts["copyrightHolder"] = holder
    yield Declared(url, "json-ld", facts)


def _jsonld_text(value: object) -> str | None:
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url") or value.get("name")
    if isinstance(value, list):
        value = value[0] if value else None
    return none_if_empty(str(value)) if isinstance(value, (str, int, float)) else None


def _jsonld_names(value: object) -> str | None:
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items[:10]:
        if isinstance(item, dict):
            item = item.get("name")
        if isinstance(item, str) and item.strip():
            names.append(clean_text(item))
    return ", ".join(names) or None


# Where pages state their publication date, most specific first: Open Graph's article
# property, schema.org microdata, Dublin Core.
_PUBLISHED_META_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "dc.date.issued",
)
# And where they state the date of their last change.
_MODIFIED_META_KEYS = (
    "article:modified_time",
    "og:article:modified_time",
    "og:updated_time",
    "datemodified",
    "dc.date.modified",
)
_ISO_DATE = re.compile(r"\s*+(\d{4})-(\d{2})-(\d{2})")


def published_date(named: Named, documents: list[object] | None = None) -> date | None:
    """The date the page says it was first published: its ``article:published_time``
    (or microdata / Dublin Core ``datePublished``) meta tag, a ``<time
    itemprop="datePublished">``, else the ``datePublished`` of the article in its
    JSON-LD. Only the calendar date as written is kept; None when the page states none.
    ``named`` holds the page's elements by name, ``documents`` its JSON-LD when already
    read (:func:`jsonld_documents`).
    """
    return _declared_date(named, documents, _PUBLISHED_META_KEYS, "datePublished")


def modified_date(named: Named, documents: list[object] | None = None) -> date | None:
    """The date the page says it was last changed (``article:modified_time``,
    ``dateModified``), read as :func:`published_date` reads the publication date."""
    return _declared_date(named, documents, _MODIFIED_META_KEYS, "dateModified")


def _declared_date(
    named: Named, documents: list[object] | None, meta_keys: tuple[str, ...], prop: str
) -> date | None:
    """A date the page states in a meta tag (the first of ``meta_keys`` present), a
    ``<time itemprop=prop>``, else as ``prop`` of the article in its JSON-LD."""
    metas: dict[str, str] = {}
    for tag in named.get("meta", ()):
        key = (attr(tag, "property") or attr(tag, "name") or attr(tag, "itemprop") or "").lower()
        content = attr(tag, "content")
        if key in meta_keys and content:
            metas.setdefault(key, content)
    for key in meta_keys:
        found = _iso_date(metas.get(key))
        if found:
            return found
    time = next((t for t in named.get("time", ()) if t.get("itemprop") == prop), None)
    if isinstance(time, Tag):
        found = _iso_date(attr(time, "datetime"))
        if found:
            return found
    for data in jsonld_documents(named) if documents is None else documents:
        found = _article_date(data, prop, depth=0)
        if found:
            return found
    return None


def _article_date(node: object, prop: str, depth: int) -> date | None:
    """The date ``prop`` of the first article (NewsArticle, BlogPosting, Report, …) in a
    JSON-LD document: at its top, in a list or in an ``@graph``."""
    if depth > 3:
        return None
    if isinstance(node, list):
        for item in node[:50]:
            found = _article_date(item, prop, depth + 1)
            if found:
                return found
        return None
    if not isinstance(node, dict):
        return None
    types = node.get("@type")
    names = [types] if isinstance(types, str) else types if isinstance(types, list) else []
    if any(isinstance(n, str) and n.endswith(("Article", "Posting", "Report")) for n in names):
        value = node.get(prop)
        return _iso_date(value if isinstance(value, str) else None)
    return _article_date(node.get("@graph"), prop, depth + 1)


def _iso_date(text: str | None) -> date | None:
    match = _ISO_DATE.match(text or "")
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


# Where pages name their publisher: Open Graph's site name, the name a browser gives an
# app made of the site.
_SITE_NAME_META_KEYS = ("og:site_name", "application-name", "apple-mobile-web-app-title")
# Where a title ends with the site's name ("Harbour opens | Daily Star")
_TITLE_SEPARATOR = re.compile(r"\s++[|–—-]\s++")
# The second-level names under which country domains register names ("example.co.uk")
_SECOND_LEVELS = frozenset({"co", "com", "org", "net", "ac", "gov", "or", "ne", "gv"})


def site_names(
    named: Named, documents: list[object], url: str, title: str | None
) -> tuple[str, ...]:
    """The names the page gives its own publisher: its ``og:site_name`` (and the
    ``application-name`` of the site), the publisher of its article in JSON-LD, the last
    part of its ``<title>`` ("Harbour opens | Daily Star"), and the name its host is
    registered under ("slate" for www.slate.com). Each at most once, in that order."""
    names: list[str] = []
    for tag in named.get("meta", ()):
        key = (attr(tag, "property") or attr(tag, "name") or "").lower()
        if key in _SITE_NAME_META_KEYS:
            names.append(attr(tag, "content") or "")
    for data in documents[:20]:
        names.extend(_publisher_names(data, depth=0))
    if title:
        last = _TITLE_SEPARATOR.split(title)
        if len(last) > 1 and len(last[-1].split()) <= 4:
            names.append(last[-1])
    names.append(_registered_name(url_host(url)))
    cleaned = (clean_text(name)[:80] for name in names)
    return tuple(dict.fromkeys(name for name in cleaned if len(name) >= 2))[:8]


def _publisher_names(node: object, depth: int) -> Iterator[str]:
    """The ``publisher`` names of a JSON-LD document's articles (and of its pages), but
    for a publisher that is a person."""
    if depth > 3:
        return
    if isinstance(node, list):
        for item in node[:50]:
            yield from _publisher_names(item, depth + 1)
        return
    if not isinstance(node, dict):
        return
    publisher = node.get("publisher")
    for item in publisher if isinstance(publisher, list) else [publisher]:
        # (a blog's publisher may be its writer: a person, whose name credits a person)
        name = item.get("name") if isinstance(item, dict) else None
        if isinstance(name, str) and isinstance(item, dict) and item.get("@type") != "Person":
            yield name
    yield from _publisher_names(node.get("@graph"), depth + 1)


def _registered_name(host: str) -> str:
    """The name a host is registered under: "slate" for www.slate.com, "dailystar" for
    www.dailystar.co.uk; "" for an address (or a host with no name of its own)."""
    labels = host.lower().strip(".").split(".")
    if len(labels) < 2 or labels[-1].isdigit():
        return ""
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVELS and len(labels[-1]) == 2:
        return labels[-3]
    return labels[-2]
