"""Find the content images of a page with their captions and credits.

The only package that imports BeautifulSoup. :func:`extract_page` reads images the
way publishing systems mark them up — ``<img>`` with ``src``/``srcset`` and lazy-load
attributes, ``<noscript>`` fallbacks, ``<picture>``, ``<amp-img>``, images set on
lazy containers, ``og:image`` and schema.org ``ImageObject`` in JSON-LD — leaves out
site chrome (logos, avatars, icons, ads, pixels, teasers to other articles), merges
the sizes of one picture into one image, and finds each image's caption and credit.
It also reads the date the page says it was published.

No page can make it raise, recurse without bound or work for minutes: the page is
parsed whatever its bytes, nested no deeper than ``limits.MAX_DEPTH``, indexed once
(``index.PageIndex``), and checked for at most ``limits.MAX_IMAGES`` images.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bs4 import BeautifulSoup, Comment, Tag

from attribution.credits import split_caption_credit
from attribution.extract.chrome import content_roots, is_chrome, opens_picture_file
from attribution.extract.declared import (
    declared_chrome,
    jsonld_documents,
    jsonld_images,
    meta_images,
    modified_date,
    published_date,
    site_names,
)
from attribution.extract.dom import (
    IMAGE_TAGS,
    FoundImage,
    attr,
    defined_by_html,
    only_string,
    parent_named,
)
from attribution.extract.figures import attach_caption, numbered_credits
from attribution.extract.index import LeftOut
from attribution.extract.limits import MAX_IMAGES
from attribution.extract.scripted import ScriptData, read_script_data
from attribution.extract.tree import first_with, index_page, parse_markup, take_out
from attribution.extract.urls import (
    clean_url,
    forget_known_urls,
    image_identity,
    join_url,
    looks_like_image_url,
    numbered_folders,
    resolve_url,
    shown_by,
    srcset_urls,
)
from attribution.licences import default_knowledge_base
from attribution.records import SOCIAL_ROLE, ExtractedPage
from attribution.textutil import alternatives, none_if_empty

if TYPE_CHECKING:
    from attribution.extract.declared import (
        Declared,
    )
    from attribution.extract.index import Named, PageIndex
    from attribution.extract.scripted import ScriptedPicture
    from attribution.licences import KnowledgeBase

__all__ = ["extract_page", "image_identity", "parse_html"]

LAZY_SRC_ATTRS = (
    "data-src",
    "data-lazy-src",
    "data-original",
    "data-lazy",
    "data-url",
    "data-hi-res-src",
    "data-full-src",
    "data-orig-file",
    "data-image",
    "data-img-src",
    "data-echo",
)

LAZY_SRCSET_ATTRS = ("data-srcset", "data-lazy-srcset", "data-original-set")

CONTAINER_URL_ATTRS = (
    "data-bg",
    "data-background",
    "data-background-image",
    "data-bg-src",
    "data-src",
    "data-lazy-bg",
    "data-image",
)

VARIANT_ATTRS = ("data-large-file", "data-medium-file", "data-full-url", "data-orig-file")

# Where a picture read from script data comes from, in the output's ``origin``.
SCRIPT_ORIGIN = "script"

_BACKGROUND_URL = re.compile(r"background(?:-image)?\s*:[^;]*url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def parse_html(html: str | bytes, encoding: str | None = None) -> BeautifulSoup:
    """Parse a page with lxml, else with Python's own parser; never raises (see
    :func:`~attribution.extract.dom.parse_markup`)."""
    return parse_markup(html, encoding)


def extract_page(
    html: str | bytes,
    url: str,
    encoding: str | None = None,
    *,
    kb: KnowledgeBase | None = None,
    max_images: int = MAX_IMAGES,
    script_data: bool = False,
) -> ExtractedPage:
    """Every content image of a page, with caption and credit, in document order.

    ``url`` is the page's address, against which (and ``<base href>``) every image
    URL is resolved. ``encoding`` is the character set from the HTTP headers, when
    known; otherwise the page's own ``<meta charset>`` is used. ``kb`` is the knowledge
    base by whose providers and licences captions are split from credits (the shipped
    one by default).

    With ``script_data`` (a rendered check), the pictures the page's inline scripts
    hold in data but have not drawn are read too (:mod:`attribution.extract.scripted`):
    a gallery's slides with their captions and credits, the lead picture of a front
    end's state, and the pictures (only) of the HTML it keeps to draw from.

    Never raises, whatever the bytes. At most ``max_images`` images are checked; a page
    with more carries a notice saying how many image elements were left unread.
    """
    kb = kb or default_knowledge_base()
    forget_known_urls()
    soup = parse_html(html, encoding)
    if _has_image_element(html):  # (only such pages are searched for drawings)
        _show_drawn_pictures(soup, soup.find_all("image"))
    index = index_page(soup, leave_out=_NOT_SHOWN)
    named = index.every_element
    declared = _declared_url(named)
    base = _base_url(named, url, declared)
    title = _title(named)
    documents = jsonld_documents(named)
    published = published_date(named, documents)
    structured = list(jsonld_images(documents, base))
    meta = list(meta_images(named, base))
    scripted = ScriptData()
    if script_data:
        scripted = read_script_data(_inline_scripts(named), declared or url, max_images)
    take_out(index.left_out)
    roots = content_roots(
        index, lambda: max(filter(None, (published, modified_date(named, documents))), default=None)
    )
    found: list[FoundImage] = []
    unread = 0
    for element in _may_show_images(index.elements):
        candidate = _candidate(element, base, index)
        if candidate is None:
            continue
        if len(found) >= max_images:
            unread += 1
            continue
        if is_chrome(element, candidate, roots, base, url, index):
            continue
        attach_caption(candidate, element, base, kb, index)
        found.append(candidate)
    for markup in scripted.markup:
        if len(found) >= max_images:
            break
        found.extend(_markup_pictures(markup, base, url))
    images = _merge_same_pictures(found)
    if len(images) > 1 and any(image.credit is None for image in images):
        _credit_by_number(images, numbered_credits(index, base))
    images = _add_scripted(images, scripted.pictures, base, kb)
    images = _merge_declared(images, structured, meta, kb)
    if len(images) > max_images:
        unread += len(images) - max_images
        images = images[:max_images]
    return ExtractedPage(
        url=url,
        title=title,
        images=tuple(image.freeze() for image in images),
        declared_url=declared,
        published=published,
        notices=(too_many_images(max_images, unread),) if unread else (),
        house=site_names(named, documents, declared or url, _page_title(named)),
    )


def too_many_images(checked: int, unread: int) -> str:
    """The notice a page with more images than are checked carries."""
    return (
        f"Only the first {checked} images of this page were checked; "
        f"{unread} more image elements were not read."
    )


# Scripts, styles, templates, drawings, frames and comments: not read for images.
_NOT_SHOWN = LeftOut(frozenset({"script", "style", "template", "svg", "iframe"}), (Comment,))


# An <image> element in a page's markup (as text or bytes).
_IMAGE_ELEMENT = re.compile(r"<image\b", re.IGNORECASE)
_IMAGE_ELEMENT_BYTES = re.compile(rb"<image\b", re.IGNORECASE)


def _has_image_element(html: str | bytes) -> bool:
    """Whether a page's markup may hold an <image> element (cheaper than a search of
    its parsed tree)."""
    if isinstance(html, bytes):
        return _IMAGE_ELEMENT_BYTES.search(html) is not None
    return _IMAGE_ELEMENT.search(html) is not None


def _show_drawn_pictures(soup: BeautifulSoup, images: list[Tag]) -> None:
    """Put an ``<img>`` before each drawing (``<svg>``, left out of the index as not shown)
    that places a picture with ``<image href>`` / ``<image xlink:href>``, for it to be read
    as any image; whether the picture is content or chrome is then judged as for any."""
    for image in images:
        drawing = parent_named(image, "svg")
        href = attr(image, "href") or attr(image, "xlink:href")
        if drawing is None or not href or href.startswith("#"):
            continue
        while True:  # the outermost drawing: the one in the page
            outer = parent_named(drawing, "svg")
            if outer is None:
                break
            drawing = outer
        shown = soup.new_tag("img", attrs={"src": href})
        for name in ("width", "height"):
            size = attr(image, name) or attr(drawing, name)
            if size and size.isdigit():
                shown[name] = size
        label = attr(drawing, "aria-label") or attr(image, "aria-label")
        if label:
            shown["alt"] = label
        drawing.insert_before(shown)


def _declared_url(named: Named) -> str | None:
    """The absolute http(s) address a page gives for itself (its canonical link, else
    its Open Graph URL)."""
    for tag, key in (
        (_select_one(named, "link", "rel", "canonical", word=True), "href"),
        (_select_one(named, "meta", "property", "og:url"), "content"),
    ):
        if tag is not None:
            value = clean_url(attr(tag, key) or "")
            if value.lower().startswith(("http://", "https://")):
                return value
    return None


def _select_one(
    named: Named, name: str, attribute: str, value: str, word: bool = False
) -> Tag | None:
    """``soup.select_one('name[attribute="value"]')`` (``~=`` with ``word``), tried only
    on the elements of that name."""
    return first_with(named.get(name, ()), attribute, value, word=word)


def _base_url(named: Named, url: str, declared: str | None) -> str:
    if not url.startswith(("http://", "https://")) and declared:
        url = declared  # a saved page resolves against the address it declares for itself
    base = next((tag for tag in named.get("base", ()) if tag.get("href") is not None), None)
    if isinstance(base, Tag):
        href = attr(base, "href")
        joined = join_url(url, href) if href else None
        # A web page's <base> cannot move it onto the reader's disk (or to another scheme).
        if joined and shown_by(joined, url):
            return joined
    return url


def _title(named: Named) -> str | None:
    for attribute, value in (("property", "og:title"), ("name", "twitter:title")):
        tag = _select_one(named, "meta", attribute, value)
        if isinstance(tag, Tag) and attr(tag, "content"):
            return none_if_empty(attr(tag, "content"))
    text = _page_title(named)
    if text:
        return none_if_empty(text)
    h1 = next(iter(named.get("h1", ())), None)
    return none_if_empty(h1.get_text(" ")) if isinstance(h1, Tag) else None


def _page_title(named: Named) -> str | None:
    """The text of the page's ``<title>`` (which, unlike og:title, often ends with the
    site's name)."""
    title = next(iter(named.get("title", ())), None)
    return only_string(title) if isinstance(title, Tag) else None


def _may_show_images(elements: list[Tag]) -> list[Tag]:
    """The elements :func:`_candidate` may find an image on: images, and elements with
    one of the attributes a container's image is read from (most elements have none)."""
    return [
        element
        for element in elements
        if element.name in IMAGE_TAGS or not _CONTAINER_KEYS.isdisjoint(element.attrs)
    ]


def _candidate(element: Tag, base: str, index: PageIndex) -> FoundImage | None:
    if element.name in IMAGE_TAGS:
        return _image_candidate(element, base, index)
    if element.name in ("img", "source", "picture", "noscript"):
        return None
    return _container_candidate(element, base)


def _lazy_names(element: Tag) -> tuple[list[str], list[str]]:
    """The lazy-loading attributes of an image: the known ones first, then any other
    ``data-…src`` / ``data-…srcset`` a script of the site's own reads ("data-gl-src")."""
    present = [name for name in element.attrs if name.startswith("data-")]
    if not present:
        return [], []  # every name looked for starts with "data-"
    sources = [n for n in LAZY_SRC_ATTRS if n in element.attrs]
    sources += [n for n in present if _OTHER_LAZY_SRC.fullmatch(n) and n not in LAZY_SRC_ATTRS]
    srcsets = [n for n in LAZY_SRCSET_ATTRS if n in element.attrs]
    srcsets += [n for n in present if n.endswith("srcset") and n not in LAZY_SRCSET_ATTRS]
    return sources, srcsets


_OTHER_LAZY_SRC = re.compile(r"data-[\w-]*src(?:-(?:large|full|hi-?res|original))?")
# Words of an attribute's name that say it holds a large size of the picture, each a
# whole part of the hyphenated name.
_LARGE_SIZE_WORDS = ("lg", "large", "x+l", "full", "big")
_PART_START, _PART_END = r"(?:^|-)", r"(?:$|-)"
# Words of a data attribute's name that say it holds a larger size than the one shown:
# lightboxes, zooms and retina swaps ("data-full-img-src", "data-hi-res-src",
# WordPress's "data-orig-file").
_LARGER_RENDITION = re.compile(
    _PART_START + alternatives(*_LARGE_SIZE_WORDS, "zoom", "hi-?res", "orig") + _PART_END
)


def _image_candidate(element: Tag, base: str, index: PageIndex) -> FoundImage | None:
    # Attributes the element does not have are not asked for: most images have few.
    attrs = element.attrs
    lazy_sources, lazy_srcsets = _lazy_names(element)
    own_src = resolve_url(base, attr(element, "src")) if "src" in attrs else None
    # Beside a real src, an attribute named for a larger size ("data-full-img-src",
    # "data-orig-file") is the picture a click opens: a variant, not what is shown.
    larger = [n for n in lazy_sources if own_src and _LARGER_RENDITION.search(n[5:])]
    lazy = [resolve_url(base, attr(element, n)) for n in lazy_sources if n not in larger]
    lazy_variants = [resolve_url(base, attr(element, n)) for n in larger]
    srcsets: list[tuple[float, str]] = []
    for name in ("srcset", *lazy_srcsets):
        if name in attrs:
            srcsets.extend(srcset_urls(attr(element, name)))
    picture = index.enclosing(element, "picture")
    if isinstance(picture, Tag):
        srcsets.extend(index.memo("sources", picture, _picture_sources, picture, index))
    resolved_sets = [(size, resolve_url(base, url)) for size, url in srcsets]
    set_urls = [(size, url) for size, url in resolved_sets if url]
    largest = max(set_urls, key=lambda pair: pair[0])[1] if set_urls else None
    # With only a lazy srcset, the src is a low-resolution preview ("?w=20&blur=200").
    lazy_set = any(attr(element, name) for name in lazy_srcsets)
    src = next((u for u in lazy if u), None) or (
        (largest or own_src) if lazy_set else (own_src or largest)
    )
    if not lazy_sources and not lazy_set and (src is None or (src is own_src and _is_drawing(src))):
        # A placeholder (or no src, or a drawing: a watermark's SVG) and none of the known
        # lazy attributes: the site's own script reads the picture from an attribute of
        # its own ("data-lg", "data-full-image").
        src = _unknown_lazy_url(element, base) or src
    if src is None:
        return None
    variants = [u for u in lazy if u] + [u for u in lazy_variants if u] + [u for _, u in set_urls]
    if own_src:
        variants.append(own_src)
    for name in VARIANT_ATTRS:
        extra = resolve_url(base, attr(element, name)) if name in attrs else None
        if extra:
            variants.append(extra)
    return FoundImage(
        src=src,
        element=element,
        origin="picture" if isinstance(picture, Tag) else element.name,
        variants=variants,
        alt=none_if_empty(attr(element, "alt")),
    )


def _unknown_lazy_url(element: Tag, base: str) -> str | None:
    """The picture an image without a real ``src`` names in another attribute of the
    site's own (a ``data-…`` one, or one HTML does not define, as ``content`` on an
    ``<img>``): the one named for the largest size ("data-lg", "data-large",
    "data-desktop"), else the first whose value is an image URL. Foundation's
    ``data-interchange`` ("[small.jpg, small], [large.jpg, large]") gives its last rule's,
    which is the one that matches at desktop width."""
    found: str | None = None
    for name, value in element.attrs.items():
        if not isinstance(value, str) or defined_by_html(name):
            continue  # (an event handler's script is no address: onerror="this.src=…")
        if name == "data-interchange":
            rules = _INTERCHANGE_RULE.findall(value)
            value = rules[-1] if rules else ""
        value = value.strip()
        if not value or not looks_like_image_url(value) or value[:1] in "[{":
            continue
        url = resolve_url(base, value)
        if url is None:
            continue
        if _LARGE_NAME.search(name.removeprefix("data-")):
            return url
        found = found or url
    return found


def _is_drawing(url: str) -> bool:
    """Whether a URL names an SVG drawing (an icon, a logo, a placeholder's watermark)."""
    return url.split("?", 1)[0].split("#", 1)[0].lower().endswith(".svg")


# "[url, (large)]": the URL of one rule of Foundation's interchange.
_INTERCHANGE_RULE = re.compile(r"\[\s*([^,\[\]\s]+)\s*,[^\[\]]*\]")
# Names of the attribute that holds the largest size: "lg", "large", "xl", "desktop", "full".
_LARGE_NAME = re.compile(_PART_START + alternatives(*_LARGE_SIZE_WORDS, "desktop") + _PART_END)


def _picture_sources(picture: Tag, index: PageIndex) -> list[tuple[float, str]]:
    """The sizes a <picture> offers in its <source> elements."""
    sizes: list[tuple[float, str]] = []
    for source in index.below(picture, ("source",)):
        for name in ("srcset", *LAZY_SRCSET_ATTRS, "src", "data-src"):
            sizes.extend(srcset_urls(attr(source, name)))
    return sizes


def _container_candidate(element: Tag, base: str) -> FoundImage | None:
    """An image whose URL sits on a (lazy-loading) container element, not an <img>, or
    on a custom element of the page's own ("<progressive-image src=…>")."""
    if _CONTAINER_KEYS.isdisjoint(element.attrs):
        return None  # most elements: none of the attributes read below
    url = None
    attrs = element.attrs
    names = ("src", *CONTAINER_URL_ATTRS) if "-" in (element.name or "") else CONTAINER_URL_ATTRS
    for name in names:
        if name not in attrs:
            continue
        value = attr(element, name)
        if value and (name not in ("src", "data-src") or looks_like_image_url(value)):
            url = resolve_url(base, value)
            if url:
                break
    if url is None and "data-bgset" in attrs and attr(element, "data-bgset"):
        sizes = srcset_urls(attr(element, "data-bgset"))
        if sizes:  # lazysizes' bgset: the largest of the backgrounds it lists
            url = resolve_url(base, max(sizes, key=lambda pair: pair[0])[1])
    if url is None:
        style = attr(element, "style")
        match = _BACKGROUND_URL.search(style) if style else None
        if match:
            url = resolve_url(base, match.group(1))
    if url is None or not looks_like_image_url(url):
        return None
    alt = attr(element, "aria-label") or attr(element, "title") or attr(element, "data-alt")
    return FoundImage(src=url, element=element, origin="background", alt=none_if_empty(alt))


_CONTAINER_KEYS = frozenset({"src", *CONTAINER_URL_ATTRS, "data-bgset", "style"})


def _merge_same_pictures(found: list[FoundImage]) -> list[FoundImage]:
    merged: dict[str, FoundImage] = {}
    order: list[FoundImage] = []
    for candidate in found:
        own = image_identity(candidate.src)
        keys = {own} | {image_identity(u) for u in candidate.variants}
        opens = _opened_file(candidate)
        if opens:
            keys.add(opens)
        # The same picture when either's main URL is among the other's sizes, or when
        # both open one full-size file (a desktop and a mobile copy); two pictures that
        # merely share a stray variant (a placeholder) stay apart.
        existing = (
            merged.get(own)
            or (merged.get(opens) if opens else None)
            or next((merged[k] for k in keys if k in merged and merged[k].identity in keys), None)
        )
        if existing is not None and (
            _captioned_apart(existing, candidate) or _filed_apart(existing, candidate)
        ):
            existing = None  # "P03-240312-301.jpg" and "-302.jpg": numbered, not sized
        if existing is None:
            order.append(candidate)
            target = candidate
        else:
            target = existing
            if _fallback_copy(target) and not _fallback_copy(candidate):
                # The picture scripts show, not the <noscript> copy read before it.
                target.variants.append(target.src)
                target.src, target.element = candidate.src, candidate.element
            else:
                target.variants.append(candidate.src)
            target.variants.extend(candidate.variants)
            target.caption = target.caption or candidate.caption
            target.credit = target.credit or candidate.credit
            target.credit_links.extend(candidate.credit_links)
            target.alt = target.alt or candidate.alt
        for key in keys:
            merged.setdefault(key, target)
    return order


def _credit_by_number(
    images: list[FoundImage], credits: dict[int, tuple[str, tuple[str, ...]]]
) -> None:
    """Give each picture without a credit the one the article lists under its number
    (counted from 1 in the article's order)."""
    for number, image in enumerate(images, 1):
        listed = credits.get(number)
        if listed is not None and image.credit is None:
            image.credit, links = listed
            image.credit_links.extend(links)


def _opened_file(image: FoundImage) -> str | None:
    """A key for the full-size file that the link around an image opens (a zoom), or
    None when it is in no such link."""
    link = parent_named(image.element, "a", "href") if image.element is not None else None
    if link is None or not opens_picture_file(link):
        return None
    return "opens " + image_identity(attr(link, "href") or "")


def _fallback_copy(image: FoundImage) -> bool:
    """Whether an image is the ``<noscript>`` copy of a picture, for browsers without
    scripts."""
    return image.element is not None and parent_named(image.element, "noscript") is not None


def _captioned_apart(first: FoundImage, second: FoundImage) -> bool:
    """Two images printed with different captions of their own are different pictures,
    whatever their file names suggest."""
    return bool(first.caption and second.caption and first.caption != second.caption)


def _filed_apart(first: FoundImage, second: FoundImage) -> bool:
    """Two images filed under different ids or days ("/20220115/map.png" and
    "/20220116/map.png") are different pictures, whatever their file names say."""
    mine, theirs = numbered_folders(first.src), numbered_folders(second.src)
    return bool(mine and theirs and mine != theirs)


def _inline_scripts(named: Named) -> list[tuple[str, str]]:
    """The (type, text) of each inline script, in page order."""
    return [
        (attr(script, "type") or "", script.get_text())
        for script in named.get("script", ())
        if "src" not in script.attrs
    ]


def _markup_pictures(markup: str, base: str, page_url: str) -> list[FoundImage]:
    """The content pictures of HTML a page's scripts keep to draw from, judged as any
    page's (chrome left out), without captions: whether the front end prints them is
    not known from its data."""
    index = index_page(parse_markup(markup), leave_out=_NOT_SHOWN)
    take_out(index.left_out)
    roots = content_roots(index)
    pictures = []
    for element in _may_show_images(index.elements):
        candidate = _candidate(element, base, index)
        if candidate is None or is_chrome(element, candidate, roots, base, page_url, index):
            continue
        candidate.origin = SCRIPT_ORIGIN
        candidate.element = None
        pictures.append(candidate)
    return pictures


def _add_scripted(
    images: list[FoundImage], pictures: tuple[ScriptedPicture, ...], base: str, kb: KnowledgeBase
) -> list[FoundImage]:
    """The images with the pictures of script data added, each with the caption and
    credit its data gives. A picture the page draws is read as drawn: the data adds no
    credit to it, since what a reader sees of it is what the page shows."""
    if not pictures:
        return images
    index = _by_identity(images)
    added: list[FoundImage] = []
    for picture in pictures:
        src = resolve_url(base, picture.url)
        if src is None or declared_chrome(src):
            continue  # (a site's logo, default share picture or placeholder)
        variants = [v for v in (resolve_url(base, url) for url in picture.variants) if v]
        keys = [image_identity(url) for url in (src, *variants)]
        if any(key in index for key in keys):
            continue  # drawn by the page, or a slide listed twice
        caption, credit = (
            split_caption_credit(picture.caption, kb) if picture.caption else (None, None)
        )
        image = FoundImage(
            src=src,
            element=None,
            origin=SCRIPT_ORIGIN,
            variants=variants,
            caption=caption,
            credit=picture.credit or credit,
        )
        added.append(image)
        for key in keys:
            index.setdefault(key, image)
    return images + added


def _by_identity(images: list[FoundImage]) -> dict[str, FoundImage]:
    """The images by the identity of each of their URLs (the first image to have one)."""
    index: dict[str, FoundImage] = {}
    for image in images:
        for url in [image.src, *image.variants]:
            index.setdefault(image_identity(url), image)
    return index


def _merge_declared(
    images: list[FoundImage], structured: list[Declared], meta: list[Declared], kb: KnowledgeBase
) -> list[FoundImage]:
    index = _by_identity(images)
    extra: list[FoundImage] = []
    for declared in [*structured, *meta]:
        key = image_identity(declared.url)
        target = index.get(key)
        if target is None:
            # Declared in the page's metadata only: the picture shared on social media.
            target = FoundImage(
                src=declared.url, element=None, origin=declared.origin, role=SOCIAL_ROLE
            )
            extra.append(target)
            index[key] = target
        else:
            target.variants.append(declared.url)
        for name, value in declared.facts.items():
            target.structured.setdefault(name, value)
        _fill_from_structured(target, kb)
    return images + extra


def _fill_from_structured(image: FoundImage, kb: KnowledgeBase) -> None:
    facts = image.structured
    if image.caption is None and facts.get("caption"):
        caption, credit = split_caption_credit(facts["caption"], kb)
        image.caption = caption
        if image.credit is None and credit:
            image.credit = credit
    if image.credit is None:
        image.credit = (
            facts.get("creditText") or facts.get("creator") or facts.get("copyrightNotice")
        )
    licence = clean_url(facts.get("license") or "")
    if licence and licence not in image.credit_links:
        image.credit_links.append(licence)
