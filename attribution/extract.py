"""Find the content images of a page with their captions and credits.

The only module that imports BeautifulSoup. :func:`extract_page` reads images the
way publishing systems mark them up — ``<img>`` with ``src``/``srcset`` and lazy-load
attributes, ``<noscript>`` fallbacks, ``<picture>``, ``<amp-img>``, images set on
lazy containers, ``og:image`` and schema.org ``ImageObject`` in JSON-LD — leaves out
site chrome (logos, avatars, icons, ads, pixels, teasers to other articles), merges
the sizes of one picture into one image, and finds each image's caption and credit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup, Comment, Tag
from bs4.element import NavigableString

from attribution.captions import split_caption_credit
from attribution.credits import strip_label
from attribution.records import ExtractedImage, ExtractedPage
from attribution.textutil import clean_text, none_if_empty

# --- how images are marked up ---------------------------------------------------------

IMAGE_TAGS = ("img", "amp-img", "amp-anim")
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
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".tif", ".tiff", ".heic")
_BACKGROUND_URL = re.compile(r"background(?:-image)?\s*:[^;]*url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")

# --- what is site chrome --------------------------------------------------------------

_CHROME_WORDS = frozenset(
    """
    logo logos icon icons favicon avatar avatars gravatar sprite emoji badge pixel tracking
    tracker beacon spacer ad ads advert adverts advertisement advertising adslot adsense
    dfp doubleclick sponsor sponsored promo promotion newsletter related recommended
    recommendations recirc trending popular outbrain taboola widget sidebar comment
    comments share sharing social nav navbar navigation menu footer breadcrumb breadcrumbs
    subscribe paywall byline author authors headshot profile masthead banner teaser teasers
    more readmore rail tweet twitter instagram facebook embed mostread mostpopular branding
    brand cookie bookmark linkpreview oembed
    """.split()
)
# Words that mark chrome only when they stand on the image itself (src, class, alt).
_OWN_CHROME_WORDS = (_CHROME_WORDS | {"placeholder", "default", "blank", "loading", "thumb"}) - {
    "more",
    "profile",
    "brand",
    "share",
}
_CHROME_ROLES = frozenset({"banner", "navigation", "contentinfo", "complementary", "search"})
_CHROME_TAGS = frozenset({"nav", "footer", "aside", "form", "button", "amp-ad", "amp-pixel"})
_CONTENT_WORDS = frozenset({"gallery", "slideshow", "carousel", "lightbox", "hero", "lead"})
_PLACEHOLDER_SRC = re.compile(
    r"^data:|(?:^|[/_.-])(?:blank|spacer|pixel|transparent|placeholder|lazy[_-]?(?:load|placeholder)?"
    r"|loading|grey|gray|empty|1x1|clear)\.(?:gif|png|svg|jpg)(?:$|\?)",
    re.IGNORECASE,
)
_TRACKER_HOSTS = re.compile(
    r"(?:^|\.)(?:doubleclick\.net|google-analytics\.com|googletagmanager\.com|facebook\.com"
    r"|scorecardresearch\.com|quantserve\.com|pixel\.[\w.-]+|[\w-]*tracker[\w-]*\.[\w.]+"
    r"|adsrvr\.org|adnxs\.com|taboola\.com|outbrain\.com|chartbeat\.net|krxd\.net"
    r"|ads?\.[\w.-]+|adserver[\w.-]*|banners?\.[\w.-]+)$",
    re.IGNORECASE,
)
_HIDDEN_CLASS = re.compile(
    r"visually-?hidden|sr-only|screen-?reader|a11y-hidden|hidden-text|(?:^|\s)(?:u-vh|vh|offscreen)(?:$|\s)",
    re.IGNORECASE,
)
_ACTION_TEXT = re.compile(
    r"^(?:purchase\s+licensing\s+rights|buy\s+(?:this\s+)?(?:photo|image|print)|license\s+this\s+"
    r"(?:photo|image)|expand|enlarge|zoom|open\s+(?:image|gallery)|view\s+(?:gallery|full\s+size|"
    r"larger)|share(?:\s+this)?|copy\s+link|close|next|previous|prev|\d+\s*(?:/|of)\s*\d+)"
    r"(?:[,\s(]*opens?\s+(?:in\s+)?(?:a\s+)?new\s+(?:tab|window)\)?)?$",
    re.IGNORECASE,
)

# --- where captions and credits sit ---------------------------------------------------

_CAPTION_CLASS = re.compile(
    r"caption|legend|legende|bildunterschrift|unterschrift|image-desc|img-desc|photo-desc"
    r"|media-desc|figure-text|description",
    re.IGNORECASE,
)
_CREDIT_CLASS = re.compile(
    r"credit|copyright|attribution|photographer|image-source|photo-source|source|byline-image"
    r"|urheber|bildnachweis|quelle|autor",
    re.IGNORECASE,
)
_CREDIT_START = re.compile(
    r"^\s*(?:©|\(c\)\s|copyright\b|photo(?:graph)?s?\s*(?:credits?)?\s*[:…]|photos?\s+by\b|images?\s*:"
    r"|images?\s+by\b|image\s+source\b|credits?\s*(?::|…|\.\.\.)|foto\s*:|fotos\s*:|bild\s*:"
    r"|cr[ée]dits?\s*(?:photos?)?\s*:|illustration\s*(?::|by\b)|source\s*:|quelle\s*:|courtesy\b)",
    re.IGNORECASE,
)
_FIGURE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:wp-caption|wp-block-image|figure|image-block|captioned-image|kg-image-card"
    r"|kg-card|media|photo|image|picture|img|inline-image|article-image|story-image|lead|hero)"
    r"(?:$|[\s_-])",
    re.IGNORECASE,
)
_ROOT_CLASSES = frozenset(
    [
        "entry-content",
        "post-content",
        "article-body",
        "article__body",
        "story-body",
        "post-body",
        "article-content",
        "content-body",
    ]
)
_BLOCKS = frozenset(
    """
    p div br li ul ol h1 h2 h3 h4 h5 h6 figcaption figure section blockquote table tr td dd
    dt header footer
    """.split()
)
_GENERIC_STEMS = frozenset(
    """
    image img photo picture pic original default master large medium small full main index
    file hero lead thumb thumbnail cover featured content raw source
    """.split()
)
_SIZE_SUFFIX = re.compile(
    r"(?:[-_]\d{2,5}x\d{2,5}|[-_](?:scaled|rotated)|[-_]e\d{10,}|@\dx|[-_](?:superJumbo|jumbo"
    r"|articleLarge|articleInline|facebookJumbo|videoSixteenByNine\w*|mediumSquare\w*|square\d+"
    r"|thumb\w*|popup|blog\d+|master\d+|threeByTwo\w*|twoByThree\w*|hp\w*|largeHorizontal\w*"
    r"|videoLarge|mobileMasterAt3x|filmstrip|sfSpan|tmagArticle|watch\d+|large|medium|small"
    r"|thumbnail|full|orig(?:inal)?|[whq]\d{2,4}|\d{3,4}w?|wide|portrait|landscape|square|crop(?:ped)?))+$",
    re.IGNORECASE,
)
# A UUID or long hash in a file name identifies the picture whatever the size suffixes.
_IDENTIFIER = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"|(?<![0-9a-z])(?=[a-f]*\d)(?=\d*[a-f])[0-9a-f]{16,}(?![0-9a-z])",
    re.IGNORECASE,
)
_SIZE_SEGMENT = re.compile(
    r"^(?:\d{2,4}(?:x\d{0,4})?|[wh]_?\d{2,4}|size|sizes|resize(?::.*)?|fit(?::.*)?|fill(?::.*)?"
    r"|format(?::.*)?|quality(?::.*)?|filters:.*|crop(?::.*)?|c_\w+|q_\w+|f_\w+|styles|public"
    r"|large|medium|small|thumbnail|v\d|branded_news|cpsprodpb|width\d+|\d+x\d+)$",
    re.IGNORECASE,
)


def _url_path(url: str) -> str:
    """The path of a URL, or "" for one too malformed to split."""
    try:
        return urlsplit(url).path
    except ValueError:
        return ""


def _url_host(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def _join(base: str, href: str) -> str | None:
    try:
        return urljoin(base, href)
    except ValueError:
        return None


def image_identity(url: str) -> str:
    """A key shared by every size and crop of one picture (srcset sizes, og:image copies).

    Uses the file name without size suffixes ("-1024x683", "-superJumbo") when it is
    distinctive, else the path without size segments ("/w600/", "/976/").
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    path = unquote(parts.path)
    embedded = re.search(r"https?:/{1,2}[^\s]+$", path[1:])
    if embedded and embedded.start() > 0:
        return image_identity(embedded.group(0).replace(":/", "://", 1).replace(":///", "://"))
    filename = path.rsplit("/", 1)[-1]
    stem = filename
    while True:
        base, dot, ext = stem.rpartition(".")
        if dot and ("." + ext.lower()) in (*IMAGE_EXTENSIONS, ".svg"):
            stem = base
            continue
        break
    identifier = _IDENTIFIER.search(stem)
    if identifier:
        return identifier.group(0).lower()
    stem = _SIZE_SUFFIX.sub("", stem).lower()
    if len(stem) >= 5 and stem not in _GENERIC_STEMS and not stem.isdigit():
        return stem
    segments = [s for s in path.lower().split("/") if s and not _SIZE_SEGMENT.match(s)]
    if segments:
        segments[-1] = stem or segments[-1]
    return "/".join(segments) or url


# --- the extraction ---------------------------------------------------------------------


@dataclass
class _Found:
    """An image being assembled; frozen into an ExtractedImage at the end."""

    src: str
    element: Tag | None
    origin: str
    variants: list[str] = field(default_factory=list)
    alt: str | None = None
    caption: str | None = None
    credit: str | None = None
    credit_links: list[str] = field(default_factory=list)
    structured: dict[str, str] = field(default_factory=dict)

    def freeze(self) -> ExtractedImage:
        return ExtractedImage(
            src=self.src,
            alt=self.alt,
            caption=self.caption,
            credit=self.credit,
            credit_links=tuple(dict.fromkeys(self.credit_links)),
            variants=tuple(v for v in dict.fromkeys(self.variants) if v != self.src),
            origin=self.origin,
            structured=tuple(sorted(self.structured.items())),
        )


def parse_html(html: str | bytes, encoding: str | None = None) -> BeautifulSoup:
    """Parse a page with lxml, falling back to Python's parser; never raises."""
    try:
        if isinstance(html, bytes):
            return BeautifulSoup(html, "lxml", from_encoding=encoding)
        return BeautifulSoup(html, "lxml")
    except Exception:  # lxml rejects some hostile inputs; the pure-Python parser does not
        if isinstance(html, bytes):
            html = html.decode(encoding or "utf-8", errors="replace")
        return BeautifulSoup(html, "html.parser")


def extract_page(html: str | bytes, url: str, encoding: str | None = None) -> ExtractedPage:
    """Every content image of a page, with caption and credit, in document order.

    ``url`` is the page's address, against which (and ``<base href>``) every image
    URL is resolved. ``encoding`` is the character set from the HTTP headers, when
    known; otherwise the page's own ``<meta charset>`` is used.
    """
    soup = parse_html(html, encoding)
    base = _base_url(soup, url)
    title = _title(soup)
    structured = list(_jsonld_images(soup, base))
    meta = list(_meta_images(soup, base))
    for tag in soup.find_all(["script", "style", "template", "svg", "iframe"]):
        tag.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    roots = _content_roots(soup)
    found: list[_Found] = []
    for element in soup.find_all(True):
        candidate = _candidate(element, base)
        if candidate is None:
            continue
        if _is_chrome(element, candidate, roots, base, url):
            continue
        _attach_caption(candidate, element, base)
        found.append(candidate)
    images = _merge_same_pictures(found)
    images = _merge_declared(images, structured, meta)
    return ExtractedPage(url=url, title=title, images=tuple(image.freeze() for image in images))


def _attr(element: Tag, name: str) -> str | None:
    value = element.get(name)
    if isinstance(value, list):
        value = " ".join(value)
    if value is None:
        return None
    value = value.strip()
    return value or None


def _classes(element: Tag) -> str:
    classes: list[str] | str = element.get("class") or []
    if isinstance(classes, str):
        classes = [classes]
    return " ".join([*classes, _attr(element, "id") or ""])


def _words(text: str) -> set[str]:
    return {w for w in re.split(r"[^a-z0-9]+", text.lower()) if w}


def _base_url(soup: BeautifulSoup, url: str) -> str:
    if not url.startswith(("http://", "https://")):
        # A saved page resolves against the address it declares for itself.
        for selector, key in (
            ('link[rel="canonical"]', "href"),
            ('meta[property="og:url"]', "content"),
        ):
            declared = soup.select_one(selector)
            if isinstance(declared, Tag):
                value = _attr(declared, key) or ""
                if value.startswith(("http://", "https://")):
                    url = value
                    break
    base = soup.find("base", href=True)
    if isinstance(base, Tag):
        href = _attr(base, "href")
        if href:
            return _join(url, href) or url
    return url


def _title(soup: BeautifulSoup) -> str | None:
    for selector in ('meta[property="og:title"]', 'meta[name="twitter:title"]'):
        tag = soup.select_one(selector)
        if isinstance(tag, Tag) and _attr(tag, "content"):
            return none_if_empty(_attr(tag, "content"))
    if soup.title and soup.title.string:
        return none_if_empty(str(soup.title.string))
    h1 = soup.find("h1")
    return none_if_empty(h1.get_text(" ")) if isinstance(h1, Tag) else None


def _resolve(base: str, value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip().strip("'\"")
    if not value or value.startswith(("data:", "javascript:", "about:", "#", "blob:")):
        return None
    if _PLACEHOLDER_SRC.search(value):
        return None
    try:
        resolved = urljoin(base, value)
    except ValueError:
        return None
    return resolved if resolved.startswith(("http://", "https://", "file:")) else None


def _srcset_urls(value: str | None) -> list[tuple[float, str]]:
    """(width or density, url) pairs of a srcset, in the order written."""
    if not value:
        return []
    pairs: list[tuple[float, str]] = []
    for candidate in re.split(r",\s+(?=\S)|,(?=https?:|/)", value):
        parts = candidate.strip().split()
        if not parts:
            continue
        size = 0.0
        if len(parts) > 1:
            number = re.match(r"([\d.]+)", parts[-1])
            if number:
                try:
                    size = float(number.group(1)) * (1 if parts[-1].endswith("w") else 1000)
                except ValueError:
                    size = 0.0
        pairs.append((size, parts[0]))
    return pairs


def _candidate(element: Tag, base: str) -> _Found | None:
    if element.name in IMAGE_TAGS:
        return _image_candidate(element, base)
    if element.name in ("img", "source", "picture", "noscript"):
        return None
    return _container_candidate(element, base)


def _image_candidate(element: Tag, base: str) -> _Found | None:
    lazy = [_resolve(base, _attr(element, name)) for name in LAZY_SRC_ATTRS]
    own_src = _resolve(base, _attr(element, "src"))
    srcsets: list[tuple[float, str]] = []
    for name in ("srcset", *LAZY_SRCSET_ATTRS):
        srcsets.extend(_srcset_urls(_attr(element, name)))
    picture = element.find_parent("picture")
    if isinstance(picture, Tag):
        for source in picture.find_all("source"):
            for name in ("srcset", *LAZY_SRCSET_ATTRS, "src", "data-src"):
                srcsets.extend(_srcset_urls(_attr(source, name)))
    resolved_sets = [(size, _resolve(base, url)) for size, url in srcsets]
    set_urls = [(size, url) for size, url in resolved_sets if url]
    largest = max(set_urls, key=lambda pair: pair[0])[1] if set_urls else None
    src = next((u for u in lazy if u), None) or own_src or largest
    if src is None:
        return None
    variants = [u for u in lazy if u] + [u for _, u in set_urls]
    if own_src:
        variants.append(own_src)
    for name in VARIANT_ATTRS:
        extra = _resolve(base, _attr(element, name))
        if extra:
            variants.append(extra)
    return _Found(
        src=src,
        element=element,
        origin="picture" if isinstance(picture, Tag) else element.name,
        variants=variants,
        alt=none_if_empty(_attr(element, "alt")),
    )


def _container_candidate(element: Tag, base: str) -> _Found | None:
    """An image whose URL sits on a (lazy-loading) container element, not an <img>."""
    url = None
    for name in CONTAINER_URL_ATTRS:
        value = _attr(element, name)
        if value and (name != "data-src" or _looks_like_image_url(value)):
            url = _resolve(base, value)
            if url:
                break
    if url is None:
        style = _attr(element, "style")
        match = _BACKGROUND_URL.search(style) if style else None
        if match:
            url = _resolve(base, match.group(1))
    if url is None or not _looks_like_image_url(url):
        return None
    alt = _attr(element, "aria-label") or _attr(element, "title") or _attr(element, "data-alt")
    return _Found(src=url, element=element, origin="background", alt=none_if_empty(alt))


def _looks_like_image_url(value: str) -> bool:
    path = _url_path(value.strip()).lower()
    return path.endswith(IMAGE_EXTENSIONS) or "/image" in path or "/photo" in path


# --- chrome -----------------------------------------------------------------------------


def _content_roots(soup: BeautifulSoup) -> list[Tag]:
    """The elements that hold the article body (by itemprop, class, <article>, <main>)."""
    roots: list[Tag] = []
    for tag in soup.find_all(["div", "section", "article", "main"]):
        itemprop = _attr(tag, "itemprop") or ""
        if "articleBody" in itemprop.split() or _ROOT_CLASSES.intersection(_classes(tag).split()):
            roots.append(tag)
    articles = [t for t in soup.find_all("article") if isinstance(t, Tag)]
    if articles:
        roots.append(max(articles, key=lambda a: len(a.get_text(" ", strip=True))))
    main = soup.find("main") or soup.select_one('[role="main"]')
    if isinstance(main, Tag):
        roots.append(main)
    return roots


def _is_chrome(element: Tag, candidate: _Found, roots: list[Tag], base: str, page_url: str) -> bool:
    if _tiny(element):
        return True
    own = " ".join(
        [
            _classes(element),
            _attr(element, "alt") or "",
            _url_path(candidate.src).rsplit("/", 2)[-2:][0],
            _url_path(candidate.src).rsplit("/", 1)[-1],
        ]
    )
    own_words = _words(own)
    if own_words & _OWN_CHROME_WORDS and not own_words & _CONTENT_WORDS:
        return True
    host = _url_host(candidate.src)
    if _TRACKER_HOSTS.search(host) or candidate.src.lower().endswith((".svg", ".ico")):
        return True
    if _ad_sized(element) or _labelled_as_ad(element):
        return True
    in_figure = element.find_parent("figure") is not None
    for ancestor in element.parents:
        if not isinstance(ancestor, Tag) or ancestor.name in ("body", "html", "[document]"):
            break
        if _is_root(ancestor, roots):
            break  # what wraps the article body says nothing about its images
        if ancestor.name in _CHROME_TAGS:
            return True
        if ancestor.name == "header" and _is_site_header(ancestor):
            return True
        role = (_attr(ancestor, "role") or "").lower()
        if role in _CHROME_ROLES:
            return True
        words = _words(_classes(ancestor))
        if words & _CHROME_WORDS and not (words & _CONTENT_WORDS):
            return True
    teaser = _teaser_link(element, base, page_url)
    if teaser is not None and (_is_headline_card(teaser) or not _has_caption_nearby(element)):
        return True
    if roots and not any(_inside(element, root) for root in roots):
        return not (in_figure or _has_caption_nearby(element) or _in_hero(element))
    return False


_AD_SIZES = frozenset(
    {(300, 250), (728, 90), (160, 600), (300, 600), (320, 50), (970, 250), (970, 90), (336, 280)}
)
_AD_LABEL = re.compile(
    r"^(?:advertisement|advertising|sponsored(?:\s+content)?|anzeige|werbung|publicit[ée]"
    r"|pubblicit[àa]|publicidad|reklama|annonce|ad)$",
    re.IGNORECASE,
)


def _ad_sized(element: Tag) -> bool:
    """An image in one of the standard advertising sizes (300x250, 728x90, …)."""
    try:
        size = (int(_attr(element, "width") or 0), int(_attr(element, "height") or 0))
    except ValueError:
        return False
    return size in _AD_SIZES


def _labelled_as_ad(element: Tag) -> bool:
    """An image whose surrounding block is labelled "Advertisement" (or "Anzeige", …)."""
    parent = element.parent
    for _ in range(2):
        if not isinstance(parent, Tag) or parent.name in ("body", "article", "main"):
            return False
        for child in parent.find_all(["span", "small", "p", "div"], limit=6):
            if _AD_LABEL.match(clean_text(child.get_text())):
                return True
        parent = parent.parent
    return False


def _is_root(element: Tag, roots: list[Tag]) -> bool:
    return any(element is root for root in roots)


def _inside(element: Tag, root: Tag) -> bool:
    return any(parent is root for parent in element.parents)


def _tiny(element: Tag) -> bool:
    sizes = []
    for name in ("width", "height"):
        value = _attr(element, name) or ""
        match = re.match(r"^\s*(\d+)(?:px)?\s*$", value)
        if match:
            sizes.append(int(match.group(1)))
    return any(size < 64 for size in sizes) or (len(sizes) == 2 and max(sizes) <= 120)


def _is_site_header(header: Tag) -> bool:
    if header.find_parent("article") is not None or header.find_parent("main") is not None:
        return False
    return header.find("h1") is None or header.find("nav") is not None


def _in_hero(element: Tag) -> bool:
    for ancestor in [element, *element.parents]:
        if not isinstance(ancestor, Tag) or ancestor.name in ("body", "html"):
            return False
        if _words(_classes(ancestor)) & {
            "hero",
            "lead",
            "featured",
            "feature",
            "cover",
            "masthead",
        }:
            return "masthead" not in _words(_classes(ancestor))
    return False


def _is_headline_card(link: Tag) -> bool:
    """A link that carries a headline beside its image: a card for another article."""
    return link.find(["h2", "h3", "h4", "h5"]) is not None or len(_text(link)) > 40


def _teaser_link(element: Tag, base: str, page_url: str) -> Tag | None:
    """The link to another page that an image sits in (a teaser thumbnail), or None."""
    link = element.find_parent("a", href=True)
    if not isinstance(link, Tag):
        return None
    return link if _links_elsewhere(link, base, page_url) else None


def _links_elsewhere(link: Tag, base: str, page_url: str) -> bool:
    href = _attr(link, "href") or ""
    if href.startswith("#"):
        return False
    target = _join(base, href)
    if target is None:
        return False
    path = _url_path(target).lower()
    if path.endswith(IMAGE_EXTENSIONS) or "attachment" in target or "/image" in path:
        return False
    if re.search(r"\.(?:jpe?g|png|gif|webp|avif)(?:$|[?&%])", unquote(target), re.IGNORECASE):
        return False
    return target.split("#")[0].rstrip("/") != page_url.split("#")[0].rstrip("/")


def _has_caption_nearby(element: Tag) -> bool:
    figure = element.find_parent("figure")
    if isinstance(figure, Tag) and figure.find("figcaption") is not None:
        return True
    container = _figure_container(element)
    if container is not None and _caption_elements(container, element):
        return True
    return bool(_following_captions(element))


# --- captions and credits ---------------------------------------------------------------


def _figure_container(element: Tag) -> Tag | None:
    """The nearest figure-like ancestor that holds this image and its caption."""
    figure = element.find_parent("figure")
    if isinstance(figure, Tag):
        return figure
    for depth, ancestor in enumerate(element.parents, 1):
        if not isinstance(ancestor, Tag) or ancestor.name in ("body", "html", "main"):
            return None
        if ancestor.name in ("article", "section") and len(ancestor.get_text()) > 1500:
            return None  # the article itself, not a media block inside it
        if depth > 6:
            return None
        if _count_images(ancestor) > 1:
            return None
        if _caption_elements(ancestor, element):
            return ancestor
    return None


def _count_images(element: Tag) -> int:
    count = 0
    for tag in element.find_all(IMAGE_TAGS):
        if tag.find_parent("noscript") is None:
            count += 1
    return count


def _caption_elements(container: Tag, image: Tag) -> list[Tag]:
    found: list[Tag] = []
    for tag in container.find_all(True):
        if tag is image or _inside(image, tag) or tag.name in IMAGE_TAGS:
            continue
        if any(_inside(tag, previous) for previous in found):
            continue
        classes = _classes(tag)
        if (
            tag.name == "figcaption"
            or (
                container.name == "figure"
                and tag.parent is container
                and tag.name in ("p", "div", "span")
                and tag.find(IMAGE_TAGS) is None
                and container.find("figcaption") is None
                and bool(tag.get_text(strip=True))
            )
            or _attr(tag, "itemprop") in ("caption", "description")
            or _CAPTION_CLASS.search(classes)
            or (_CREDIT_CLASS.search(classes) and tag.name not in ("a", "img"))
            or (
                tag.name in ("p", "span", "div", "small", "cite")
                and _CREDIT_START.match(tag.get_text(" "))
            )
            or (tag.find("a", rel="license") is not None and tag.name != "a")
        ):
            found.append(tag)
    return found


def _is_credit_element(tag: Tag) -> bool:
    classes = _classes(tag)
    if _CAPTION_CLASS.search(classes) and not _CREDIT_CLASS.search(classes):
        return False
    if _CREDIT_CLASS.search(classes) or tag.name in ("cite", "small"):
        return True
    if tag.find("a", rel="license") is not None and tag.name != "figcaption":
        return True
    return tag.name not in ("figcaption",) and bool(_CREDIT_START.match(_text(tag)))


def _credit_parts(caption_tags: list[Tag]) -> list[Tag]:
    credits: list[Tag] = []
    for tag in caption_tags:
        if _is_credit_element(tag) and tag.name != "figcaption":
            credits.append(tag)
            continue
        for inner in tag.find_all(["span", "small", "cite", "em", "p", "div", "i", "b", "strong"]):
            if any(_inside(inner, c) for c in credits):
                continue
            classes = _classes(inner)
            inner_text = _text(inner)
            if _LABEL_ONLY_TEXT.fullmatch(inner_text):
                continue  # "Photo by " in a span of its own: the credit is its parent's text
            if (
                (_CREDIT_CLASS.search(classes) and not _CAPTION_CLASS.search(classes))
                or inner.name in ("cite", "small")
                or _CREDIT_START.match(_text(inner))
                or (
                    _hidden_label(inner) is None and inner.find(_is_hidden_credit_label) is not None
                )
            ):
                credits.append(inner)
    return credits


_LABEL_ONLY_TEXT = re.compile(
    r"\s*(?:photo(?:graph)?s?|images?|credits?|foto|bild)?\s*(?:by|credit|:|…|\.\.\.)?\s*",
    re.IGNORECASE,
)


def _is_hidden_credit_label(tag: Tag) -> bool:
    label = _hidden_label(tag)
    return label is not None and label != "caption"


def _hidden_label(tag: Tag) -> str | None:
    """'credit' or 'caption' for a screen-reader-only label ("Image source, "), else None."""
    if not isinstance(tag, Tag):
        return None
    if not _HIDDEN_CLASS.search(" ".join(tag.get("class") or [])):
        return None
    text = clean_text(tag.get_text(" ")).lower().rstrip(" ,:.…")
    if len(text) > 40:
        return None
    if "caption" in text:
        return "caption"
    if re.search(r"source|credit|photo|image|foto|bild", text):
        return "credit"
    return None


_LABEL_ONLY = re.compile(
    r"^(?:(?:photo|image|picture)\s*)?(?:credits?|source)|photo(?:graph)?|foto|bild|quelle"
    r"|cr[ée]dits?(?:\s*photo)?|fuente|copyright$",
    re.IGNORECASE,
)


def _label_element(tag: Tag) -> str | None:
    """'credit' for an element that holds nothing but a label such as "Credit"."""
    if tag.find(True) is not None:
        return None
    text = clean_text(tag.get_text()).rstrip(" :,.…")
    return "credit" if text and len(text) < 20 and _LABEL_ONLY.fullmatch(text) else None


def _text(element: Tag, skip: Iterable[Tag] = ()) -> str:
    """The visible text of an element, blocks separated by spaces, ``skip`` left out."""
    skipped = list(skip)
    pieces: list[str] = []

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, Comment):
                    pieces.append(str(child))
                continue
            if not isinstance(child, Tag) or any(child is s for s in skipped):
                continue
            if child.name in ("script", "style", "button", "noscript") or child.name in IMAGE_TAGS:
                continue
            label = _hidden_label(child) or _label_element(child)
            if label == "caption":
                continue
            if label == "credit":
                pieces.append(" Credit: ")
                continue
            if child.name == "a" and _ACTION_TEXT.match(clean_text(child.get_text(" "))):
                continue
            block = child.name in _BLOCKS
            if block:
                pieces.append(" ")
            walk(child)
            if block:
                pieces.append(" ")

    walk(element)
    return clean_text("".join(pieces))


def _links(elements: Iterable[Tag]) -> list[str]:
    hrefs: list[str] = []
    for element in elements:
        anchors = [element] if element.name == "a" else element.find_all("a", href=True)
        for anchor in anchors:
            href = _attr(anchor, "href")
            if href and not href.startswith(("#", "javascript:", "mailto:")):
                hrefs.append(href)
    return hrefs


def _attach_caption(candidate: _Found, element: Tag, base: str) -> None:
    container = _figure_container(element)
    caption_tags = _caption_elements(container, element) if container is not None else []
    if not caption_tags:
        caption_tags = _following_captions(element)
    elif container is not None and not _credit_parts(caption_tags):
        # An attribution line printed after the whole figure ("X" by Y is licensed …).
        caption_tags += [t for t in _following_captions(container) if _is_credit_element(t)]
    if not caption_tags:
        return
    credit_tags = _credit_parts(caption_tags)
    caption_only = [t for t in caption_tags if not any(t is c for c in credit_tags)]
    caption_text = " ".join(_text(t, skip=credit_tags) for t in caption_only)
    credit_text = " ".join(_text(t) for t in credit_tags)
    caption, split_credit = split_caption_credit(caption_text)
    credit = _clean_credit(credit_text) if credit_text else None
    if split_credit:
        credit = (
            f"{credit} {split_credit}"
            if credit and split_credit not in credit
            else (credit or split_credit)
        )
    candidate.caption = caption
    candidate.credit = credit
    joined = (_join(base, href) for href in _links(credit_tags or caption_tags))
    candidate.credit_links = [link for link in joined if link]


def _clean_credit(text: str) -> str | None:
    text = strip_label(clean_text(text))
    text = text.strip(" |•·–—-")
    while len(text) > 1 and text[0] in "([" and text[-1] in ")]":
        text = text[1:-1].strip()
    return none_if_empty(text.rstrip(" ."))


def _following_captions(element: Tag) -> list[Tag]:
    """Caption and credit printed right after the image (the next short blocks)."""
    block: Tag = element
    while isinstance(block.parent, Tag) and block.parent.name not in ("body", "article", "main"):
        if _count_images(block.parent) > 1 or len(_text(block.parent)) > 0:
            break
        block = block.parent
    found: list[Tag] = []
    sibling = block.find_next_sibling()
    while isinstance(sibling, Tag) and len(found) < 2:
        if sibling.name in ("noscript", "br"):
            sibling = sibling.find_next_sibling()
            continue
        caption = _caption_block(sibling)
        if caption is None:
            break
        found.append(caption)
        sibling = sibling.find_next_sibling()
    return found


def _caption_block(sibling: Tag) -> Tag | None:
    if sibling.find(IMAGE_TAGS) is not None or sibling.name in IMAGE_TAGS:
        return None
    text = _text(sibling)
    if not text or len(text) > 400:
        return None
    classes = _classes(sibling)
    if _CAPTION_CLASS.search(classes) or _CREDIT_CLASS.search(classes):
        return sibling
    for inner in sibling.find_all(["div", "p", "figcaption", "span"], limit=4):
        if _CAPTION_CLASS.search(_classes(inner)):
            return inner
    if sibling.find("a", rel="license") is not None or _CREDIT_START.match(text):
        return sibling
    emphasised = sibling.find(["em", "i", "small", "figcaption"])
    if isinstance(emphasised, Tag) and clean_text(emphasised.get_text(" ")) == text:
        return sibling
    return None


# --- pictures declared in metadata -------------------------------------------------------


@dataclass
class _Declared:
    url: str
    origin: str
    facts: dict[str, str]


_META_IMAGE_KEYS = frozenset(
    {"og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src"}
)


def _meta_images(soup: BeautifulSoup, base: str) -> Iterator[_Declared]:
    for tag in soup.find_all("meta"):
        key = (_attr(tag, "property") or _attr(tag, "name") or "").lower()
        if key not in _META_IMAGE_KEYS:
            continue
        url = _resolve(base, _attr(tag, "content"))
        if url and not _declared_chrome(url):
            yield _Declared(url, "og:image" if key.startswith("og") else "twitter:image", {})


def _declared_chrome(url: str) -> bool:
    path = _url_path(url).lower()
    words = _words(path)
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
    }
)
_SKIP_KEYS = frozenset({"logo", "author", "publisher", "sponsor", "brand", "contributor", "editor"})


def _jsonld_images(soup: BeautifulSoup, base: str) -> Iterator[_Declared]:
    for script in soup.find_all("script", attrs={"type": re.compile(r"ld\+json", re.I)}):
        raw = script.string or script.get_text()
        if not raw or len(raw) > 2_000_000:
            continue
        try:
            data = json.loads(raw.strip().rstrip(";"), strict=False)
        except (ValueError, RecursionError):
            continue
        yield from _walk_jsonld(data, base, inside_image=False, depth=0)


def _walk_jsonld(node: object, base: str, inside_image: bool, depth: int) -> Iterator[_Declared]:
    if depth > 12:
        return
    if isinstance(node, list):
        for item in node[:50]:
            yield from _walk_jsonld(item, base, inside_image, depth + 1)
        return
    if isinstance(node, str):
        if inside_image:
            url = _resolve(base, node)
            if url and not _declared_chrome(url):
                yield _Declared(url, "json-ld", {})
        return
    if not isinstance(node, dict):
        return
    types = node.get("@type")
    type_names = (
        {types} if isinstance(types, str) else set(types) if isinstance(types, list) else set()
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


def _image_object(node: dict[str, object], base: str) -> Iterator[_Declared]:
    url = None
    for key in ("contentUrl", "url"):
        value = node.get(key)
        if isinstance(value, list) and value:
            value = value[0]
        if isinstance(value, str):
            url = _resolve(base, value)
            if url:
                break
    if url is None or _declared_chrome(url):
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
    yield _Declared(url, "json-ld", facts)


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


# --- merging ---------------------------------------------------------------------------


def _merge_same_pictures(found: list[_Found]) -> list[_Found]:
    merged: dict[str, _Found] = {}
    order: list[_Found] = []
    for candidate in found:
        keys = {image_identity(u) for u in [candidate.src, *candidate.variants]}
        existing = next((merged[k] for k in keys if k in merged), None)
        if existing is None:
            order.append(candidate)
            target = candidate
        else:
            target = existing
            target.variants.extend([candidate.src, *candidate.variants])
            target.caption = target.caption or candidate.caption
            target.credit = target.credit or candidate.credit
            target.credit_links.extend(candidate.credit_links)
            target.alt = target.alt or candidate.alt
        for key in keys:
            merged.setdefault(key, target)
    return order


def _merge_declared(
    images: list[_Found], structured: list[_Declared], meta: list[_Declared]
) -> list[_Found]:
    index: dict[str, _Found] = {}
    for image in images:
        for url in [image.src, *image.variants]:
            index.setdefault(image_identity(url), image)
    extra: list[_Found] = []
    for declared in [*structured, *meta]:
        key = image_identity(declared.url)
        target = index.get(key)
        if target is None:
            target = _Found(src=declared.url, element=None, origin=declared.origin)
            extra.append(target)
            index[key] = target
        else:
            target.variants.append(declared.url)
        for name, value in declared.facts.items():
            target.structured.setdefault(name, value)
        _fill_from_structured(target)
    return images + extra


def _fill_from_structured(image: _Found) -> None:
    facts = image.structured
    if image.caption is None and facts.get("caption"):
        caption, credit = split_caption_credit(facts["caption"])
        image.caption = caption
        if image.credit is None and credit:
            image.credit = credit
    if image.credit is None:
        image.credit = (
            facts.get("creditText") or facts.get("creator") or facts.get("copyrightNotice")
        )
    licence = facts.get("license")
    if licence and licence not in image.credit_links:
        image.credit_links.append(licence)
