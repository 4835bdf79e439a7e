"""What is site chrome (logos, avatars, icons, ads, pixels, teasers to other articles)
rather than a content image."""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import TYPE_CHECKING
from urllib.parse import unquote

from bs4 import Tag

from attribution.extract.dom import (
    attr,
    class_text,
    parent_named,
    text_start,
    word_set,
)
from attribution.extract.figures import has_caption_nearby
from attribution.extract.tree import first_with
from attribution.extract.urls import IMAGE_EXTENSIONS, join_url, url_host, url_path
from attribution.textutil import clean_text

if TYPE_CHECKING:
    from attribution.extract.dom import (
        FoundImage,
    )
    from attribution.extract.index import PageIndex

_CHROME_WORDS = frozenset(
    """
    logo logos icon icons favicon avatar avatars gravatar sprite emoji badge pixel tracking
    tracker beacon spacer ad ads advert adverts advertisement advertising adslot adsense marketing
    authorbio bio donate donation membership
    dfp doubleclick sponsor sponsored promo promotion newsletter related recommended
    recommendations recirc trending popular outbrain taboola sidebar comment
    comments share sharing social nav navbar navigation menu footer breadcrumb breadcrumbs
    subscribe paywall byline author authors headshot profile masthead banner teaser teasers
    more readmore rail tweet twitter instagram facebook mostread mostpopular branding
    brand cookie bookmark linkpreview oembed
    """.split()
)

_OWN_CHROME_WORDS = (_CHROME_WORDS | {"default", "blank", "thumb"}) - {
    "more",
    "profile",
    "brand",
    "share",
}

# An "icon" class on a wrapper describes its widget ("file-type-icon-media-link"), not the
# picture inside; on the image itself it does mean an icon.
_ANCESTOR_CHROME_WORDS = _CHROME_WORDS - {"icon", "icons"}

_CHROME_ROLES = frozenset({"banner", "navigation", "contentinfo", "complementary", "search"})

_CHROME_TAGS = frozenset({"nav", "footer", "aside", "form", "amp-ad", "amp-pixel"})

_CONTENT_WORDS = frozenset({"gallery", "slideshow", "carousel", "lightbox", "hero", "lead"})

_TRACKER_HOSTS = re.compile(
    r"(?:^|\.)(?:doubleclick\.net|google-analytics\.com|googletagmanager\.com|facebook\.com"
    r"|scorecardresearch\.com|quantserve\.com|pixel\.[\w.-]+|[\w-]*tracker[\w-]*\.[\w.]+"
    r"|adsrvr\.org|adnxs\.com|taboola\.com|outbrain\.com|chartbeat\.net|krxd\.net"
    r"|ads?\.[\w.-]+|adserver[\w.-]*|banners?\.[\w.-]+)$",
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


class Roots:
    """The elements that hold the article body, and questions about them that each
    image asks: answered from the page index, not by walking the page."""

    def __init__(self, roots: list[Tag], index: PageIndex) -> None:
        self.tags = roots
        self._index = index
        self._ids = {id(root) for root in roots}
        self._starts = sorted(index.position(root)[0] for root in roots)
        # id(ancestor) -> what it says of the images inside it (see is_chrome)
        self.verdicts: dict[int, int] = {}

    def __bool__(self) -> bool:
        return bool(self.tags)

    def is_root(self, element: Tag) -> bool:
        """Whether ``element`` is one of the roots."""
        return id(element) in self._ids

    def holds(self, element: Tag) -> bool:
        """Whether ``element`` is inside one of the roots."""
        return any(id(parent) in self._ids for parent in element.parents)

    def inside(self, element: Tag) -> bool:
        """Whether one of the roots is inside ``element``."""
        start, end = self._index.position(element)
        if start < 0:
            return any(self._index.inside(root, element) for root in self.tags)
        return bisect_right(self._starts, end) > bisect_right(self._starts, start)


_NO_ROOT_ATTRIBUTES = frozenset({"itemprop", "class", "id"})


def _has_root_class(tag: Tag) -> bool:
    """Whether one of the element's classes (or the words of its id) names an article
    body."""
    classes = tag.attrs.get("class")
    if isinstance(classes, list) and "id" not in tag.attrs:
        # bs4 splits classes at white space: they are the words class_text would give.
        return not _ROOT_CLASSES.isdisjoint(classes)
    return bool(_ROOT_CLASSES.intersection(class_text(tag).split()))


def content_roots(index: PageIndex) -> Roots:
    """The elements that hold the article body (by itemprop, class, <article>, <main>)."""
    roots: list[Tag] = []
    for tag in index.named("div", "section", "article", "main"):
        if _NO_ROOT_ATTRIBUTES.isdisjoint(tag.attrs):
            continue  # neither test below can hold
        if _has_root_class(tag) or "articleBody" in (attr(tag, "itemprop") or "").split():
            roots.append(tag)
    articles = index.named("article")
    if articles:
        longest = max(articles, key=index.words_length)
        if index.words_length(longest) > 600:  # not a card in a "more" rail
            roots.append(longest)
    main = next(iter(index.named("main")), None) or first_with(index.elements, "role", "main")
    if isinstance(main, Tag):
        roots.append(main)
    return Roots(roots, index)


def is_chrome(
    element: Tag, candidate: FoundImage, roots: Roots, base: str, page_url: str, index: PageIndex
) -> bool:
    """Whether an image candidate is site chrome rather than content."""
    if _tiny(element, index):
        return True
    path = url_path(candidate.src)
    folder = path.rsplit("/", 2)[-2:][0]
    own = " ".join([class_text(element), path.rsplit("/", 1)[-1]])
    # An image style in the folder ("/default/", "/default-retina/") says nothing
    own_words = word_set(own) | (word_set(folder) - {"default", "retina"})
    alt_words = word_set(attr(element, "alt") or "")
    if alt_words & _OWN_CHROME_WORDS and not has_caption_nearby(element, index):
        # Alt text describes the picture: "the Google Maps logo" in a captioned figure is
        # an illustration, a bare "Site logo" is chrome.
        own_words |= alt_words
    if own_words & _OWN_CHROME_WORDS and not own_words & _CONTENT_WORDS:
        return True
    host = url_host(candidate.src)
    if _TRACKER_HOSTS.search(host) or candidate.src.lower().endswith((".svg", ".ico")):
        return True
    if _ad_sized(element) or _labelled_as_ad(element, index):
        return True
    if _ancestors_say_chrome(element, roots, base, page_url, index):
        return True
    teaser = _teaser_link(element, base, page_url)
    if teaser is not None and (
        index.memo("headline card", teaser, _is_headline_card, teaser, index)
        or not has_caption_nearby(element, index)
    ):
        return True
    if roots and not roots.holds(element):
        in_figure = index.enclosing(element, "figure") is not None
        return not (in_figure or has_caption_nearby(element, index) or _in_hero(element, index))
    return False


# What an ancestor says of every image inside it, whichever image asks.
_STOP, _CHROME, _LAYOUT, _NEITHER = range(4)


def _ancestors_say_chrome(
    element: Tag, roots: Roots, base: str, page_url: str, index: PageIndex
) -> bool:
    """Whether an ancestor below the body and the article body's roots marks an image
    as chrome: a chrome element, role or class, a site header, a story card."""
    verdicts = roots.verdicts
    for depth, ancestor in enumerate(element.parents, 1):
        verdict = verdicts.get(id(ancestor))
        if verdict is None:
            verdict = verdicts[id(ancestor)] = _ancestor_verdict(ancestor, roots, index)
        if verdict == _STOP:
            return False
        if verdict == _CHROME:
            return True
        if (
            verdict == _NEITHER
            and (ancestor.name == "article" or depth <= 3)
            and index.memo("card", ancestor, _is_card, ancestor, base, page_url, index)
        ):
            return True  # a story card: a picture beside a headline linking elsewhere
    return False


def _ancestor_verdict(ancestor: Tag, roots: Roots, index: PageIndex) -> int:
    if not isinstance(ancestor, Tag) or ancestor.name in ("body", "html", "[document]"):
        return _STOP
    if roots.is_root(ancestor):
        return _STOP  # what wraps the article body says nothing about its images
    if ancestor.name in _CHROME_TAGS:
        return _CHROME
    if ancestor.name == "header" and _is_site_header(ancestor, index):
        return _CHROME
    if _is_layout(ancestor, roots, index):
        return _LAYOUT  # a page-layout wrapper ("layout-with-rail") holds the article too
    role = (attr(ancestor, "role") or "").lower()
    if role in _CHROME_ROLES:
        return _CHROME
    words = _class_words(ancestor, index)
    if words & _ANCESTOR_CHROME_WORDS and not (words & _CONTENT_WORDS):
        return _CHROME
    return _NEITHER


def _class_words(element: Tag, index: PageIndex) -> frozenset[str]:
    """The words of an element's classes and id, read once for all its images."""
    return index.memo("class words", element, _words_of, element)


def _words_of(element: Tag) -> frozenset[str]:
    return word_set(class_text(element))


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
        size = (int(attr(element, "width") or 0), int(attr(element, "height") or 0))
    except ValueError:
        return False
    return size in _AD_SIZES


def _labelled_as_ad(element: Tag, index: PageIndex) -> bool:
    """An image whose surrounding block is labelled "Advertisement" (or "Anzeige", …)."""
    parent = element.parent
    for _ in range(2):
        if not isinstance(parent, Tag) or parent.name in ("body", "article", "main"):
            return False
        if index.memo("ad label", parent, _has_ad_label, parent, index):
            return True
        parent = parent.parent
    return False


def _has_ad_label(block: Tag, index: PageIndex) -> bool:
    for child in index.below(block, ("span", "small", "p", "div"), limit=6):
        # Labels are short: the start of a long text is enough to see it is not one.
        if _AD_LABEL.match(clean_text(text_start(child, 100))):
            return True
    return False


def _is_layout(element: Tag, roots: Roots, index: PageIndex) -> bool:
    """A wrapper that holds the article's headline or body: part of the page layout."""
    return index.count("h1", element) > 0 or roots.inside(element)


def _is_card(article: Tag, base: str, page_url: str, index: PageIndex) -> bool:
    """A small <article> that is a card for another story: a headline linking elsewhere."""
    if index.images(article) > 1:
        return False
    for heading in index.below(article, _CARD_HEADINGS, limit=3):
        link = _first_link(heading, index) or parent_named(heading, "a", "href")
        if isinstance(link, Tag) and _links_elsewhere(link, base, page_url):
            # Read last, being the costliest: a card is short.
            return len(index.visible_text(article, limit=400)) <= 400
    return False


_CARD_HEADINGS = ("h2", "h3", "h4", "h5")


def _first_link(heading: Tag, index: PageIndex) -> Tag | None:
    """``heading.find("a", href=True)``: the first link with an address inside it."""
    return next((a for a in index.below(heading, ("a",)) if a.get("href") is not None), None)


def _tiny(element: Tag, index: PageIndex) -> bool:
    if "width" not in element.attrs and "height" not in element.attrs:
        return False  # most images: no size to read
    sizes = []
    for name in ("width", "height"):
        value = attr(element, name) or ""
        match = _PIXELS.match(value)
        if match:
            digits = match.group(1).lstrip("0") or "0"
            # A number of thousands of digits is huge, not an error (int() refuses it).
            sizes.append(int(digits) if len(digits) < 20 else 10**20)
    tiny = any(size < 64 for size in sizes) or (len(sizes) == 2 and max(sizes) <= 120)
    # Gallery thumbnails (MediaWiki's are 120 pixels wide) are content.
    return tiny and not _in_gallery(element, index)


_PIXELS = re.compile(r"^\s*(\d+)(?:px)?\s*$")


def _in_gallery(element: Tag, index: PageIndex) -> bool:
    """Whether an ancestor below the body, article or main is a gallery. The answer for
    each ancestor climbed through is kept: the images of one block climb it once."""
    answers = index.answers("in gallery")
    climbed: list[Tag] = []
    found = False
    for ancestor in element.parents:
        known = answers.get(id(ancestor))
        if known is not None:
            found = bool(known)
            break
        if not isinstance(ancestor, Tag) or ancestor.name in ("body", "html", "article", "main"):
            break
        climbed.append(ancestor)
        if _class_words(ancestor, index) & {"gallery", "gallerybox", "slideshow"}:
            found = True
            break
    for ancestor in climbed:
        answers[id(ancestor)] = found
    return found


def _is_site_header(header: Tag, index: PageIndex) -> bool:
    if (
        index.enclosing(header, "article") is not None
        or index.enclosing(header, "main") is not None
    ):
        return False
    return index.count("h1", header) == 0 or index.count("nav", header) > 0


def _in_hero(element: Tag, index: PageIndex) -> bool:
    for ancestor in [element, *element.parents]:
        if not isinstance(ancestor, Tag) or ancestor.name in ("body", "html"):
            return False
        words = _class_words(ancestor, index)
        if words & _HERO_WORDS:
            return "masthead" not in words
    return False


_HERO_WORDS = frozenset({"hero", "lead", "featured", "feature", "cover", "masthead"})


def _is_headline_card(link: Tag, index: PageIndex) -> bool:
    """A link that carries a headline beside its image: a card for another article."""
    return (
        index.first_below(link, _CARD_HEADINGS) is not None
        or len(index.visible_text(link, limit=40)) > 40
    )


def _teaser_link(element: Tag, base: str, page_url: str) -> Tag | None:
    """The link to another page that an image sits in (a teaser thumbnail), or None."""
    link = parent_named(element, "a", "href")
    if not isinstance(link, Tag):
        return None
    return link if _links_elsewhere(link, base, page_url) else None


_IMAGE_FILE_IN_URL = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)(?:$|[?&%])", re.IGNORECASE)


def _links_elsewhere(link: Tag, base: str, page_url: str) -> bool:
    href = attr(link, "href") or ""
    if href.startswith("#"):
        return False
    target = join_url(base, href)
    if target is None:
        return False
    path = url_path(target).lower()
    if path.endswith(IMAGE_EXTENSIONS) or "attachment" in target or "/image" in path:
        return False
    if _IMAGE_FILE_IN_URL.search(unquote(target)):
        return False
    return target.split("#")[0].rstrip("/") != page_url.split("#")[0].rstrip("/")
