"""What is site chrome (logos, avatars, icons, ads, pixels, teasers to other articles)
rather than a content image."""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
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
from attribution.extract.figures import CARD_TEXT, has_caption_nearby, holds_caption_or_credit
from attribution.extract.lightbox import filed_after, opened_galleries
from attribution.extract.tree import first_with
from attribution.extract.urls import IMAGE_EXTENSIONS, join_url, url_host, url_path
from attribution.textutil import clean_text

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date

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
    brand cookie bookmark linkpreview oembed pinterest linkedin whatsapp
    autor autores autoren auteur auteurs autore autori
    """.split()
)

# Parts of class words that name chrome inside any compound ("sharebar", "socialbox",
# "newsletterbox", "donationbox", "advertorial"). Words that also name content inside a
# compound ("articleteaserimage" is a lead image, "sponsorship-deal" a story's figure) are
# chrome only as whole words (:data:`_CHROME_WORDS`).
_CHROME_STEMS = ("share", "social", "newsletter", "donat", "advert")
# Compounds that hold a chrome stem but name content: a "shareable" block is a picture or
# quote that readers may share (it carries share buttons), not the share widget.
_CONTENT_COMPOUNDS = ("shareable", "sharable")

_OWN_CHROME_WORDS = (_CHROME_WORDS | {"thumb"}) - {
    "more",
    "profile",
    "brand",
    "share",
}

# Words that mark a placeholder in an image's file name ("default.png", "blank.gif"); in a
# class they name a display style ("file-default", a CMS's "view mode"). In a file name
# "ad" is as often an abbreviation ("art direction", a place, a year "AD") as an advert;
# words that are as often a picture's subject ("approval-rating-poll", "wheel-loader",
# "button-mushrooms") are not among them.
_FILE_NAME_CHROME_WORDS = (
    _OWN_CHROME_WORDS | {"default", "blank", "spinner", "preload", "preloader", "btn"}
) - {"ad"}

# An "icon" class on a wrapper describes its widget ("file-type-icon-media-link"), not the
# picture inside; on the image itself it does mean an icon. "Tracking" classes on a wrapper
# are hooks for analytics ("tracking--gallery"); on the image, a tracking pixel.
_ANCESTOR_CHROME_WORDS = (_CHROME_WORDS | {"modal", "popup"}) - {
    "icon",
    "icons",
    "tracking",
    "tracker",
    "beacon",
    "pixel",
}

# What a control's picture is named, whole, in the languages pages are written in: a
# gallery's arrows, a popup's close button.
_CONTROL_LABELS = frozenset(
    """
    previous next prev back forward close zurück weiter vor schließen schliessen anterior
    siguiente cerrar précédent precedent suivant fermer precedente successivo chiudi
    vorige volgende sluiten
    """.split()
)

# Roles and attributes of a dialog: a popup over the page (a newsletter or donation box),
# hidden until it opens.
_DIALOG_ROLES = frozenset({"dialog", "alertdialog"})

# A BEM class "block__element" names a part of a block: "sidebar__body" is the main
# column of a layout with a sidebar, not the sidebar.
_MAIN_PARTS = frozenset({"main", "content", "body", "article", "primary"})

_GALLERY_WORDS = frozenset({"gallery", "slideshow", "carousel", "lightbox"})

_CHROME_ROLES = frozenset({"banner", "navigation", "contentinfo", "complementary", "search"})

_CHROME_TAGS = frozenset({"nav", "footer", "aside", "form", "amp-ad", "amp-pixel"})

_CONTENT_WORDS = frozenset({"gallery", "slideshow", "carousel", "lightbox", "hero", "lead"})

# The name a messenger or a social network gives a photo sent or saved through it
# ("WhatsApp Image 2022-05-03 at 20.25.36.jpeg", "whatsapp-20image-202022-05-03…" once a
# publishing system has made "%20" of its spaces into "-20"): a picture, not the
# network's share icon.
_APP_PHOTO_NAME = re.compile(
    r"(?:whatsapp|telegram|facebook|instagram|twitter|linkedin|pinterest)[\W_]*(?:20)?"
    r"(?:image|photo|video|foto|imagen|bild)s?[\W_]*(?:20)?\d",
    re.IGNORECASE,
)

# The folders of a publishing system's own files (WordPress's themes, plugins and bundled
# scripts): the site's icons, buttons and rating stars. What editors upload is filed
# elsewhere ("/wp-content/uploads/").
_SITE_ASSET_FOLDER = re.compile(r"/wp-(?:content/(?:themes|plugins)|includes)/", re.IGNORECASE)

# The marks of a licence: Creative Commons' buttons, served from its own hosts, and the
# icons of a licence's elements that sites keep copies of ("by.large.png", "cc-by-nc-sa.png",
# "88x31.png"): drawings (PNG, GIF), named for two elements or more, or for one and the
# icon's size. They label a licence; they are no picture of the article. (A photo may be
# named "by.jpg" or "sa.png": one element alone names no icon.)
_LICENCE_MARK_HOSTS = re.compile(
    r"(?:^|\.)(?:licensebuttons\.net|i\.creativecommons\.org|mirrors\.creativecommons\.org)$",
    re.IGNORECASE,
)
_LICENCE_ELEMENTS = r"(?:by|nc|nd|sa|zero|pd|cc|remix|share|nc-eu|nc-jp)"
_LICENCE_MARK_FILE = re.compile(
    rf"(?:{_LICENCE_ELEMENTS}(?:[-_.]{_LICENCE_ELEMENTS})+"
    rf"(?:[-_.](?:large|small|88x31|80x15))?|{_LICENCE_ELEMENTS}[-_.](?:large|small|88x31|80x15)"
    r"|88x31|80x15)_?",
    re.IGNORECASE,
)
_DRAWING_EXTENSIONS = frozenset({"png", "gif"})
# The size a publishing system adds to the name of a copy it makes ("by.large_-150x150")
_COPY_SIZE = re.compile(r"-\d{2,4}x\d{2,4}$")


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


# What an ancestor says of every image inside it, whichever image asks.
_STOP, _CHROME, _LAYOUT, _NEITHER = range(4)


class Roots:
    """The elements that hold the article body, and questions about them that each
    image asks: answered from the page index, not by walking the page."""

    def __init__(
        self,
        roots: list[Tag],
        index: PageIndex,
        later: list[Tag] | None = None,
        last_changed: Callable[[], date | None] | None = None,
    ) -> None:
        self.tags = roots
        self._index = index
        self._ids = {id(root) for root in roots}
        # The articles an endless page appends after the one it is about.
        self.later = {id(article) for article in later or ()}
        # How long the longest root's text is.
        self.text = max((index.words_length(root) for root in roots), default=0)
        self._starts = sorted(index.position(root)[0] for root in roots)
        # id(ancestor) -> what it says of the images inside it (see is_chrome)
        self.verdicts: dict[int, int] = {}
        # id(ancestor) -> whether it or one above it marks the images far below as chrome
        self.above: dict[int, bool] = {}
        # When the page says it last changed: asked only of a page with a gallery box.
        self._last_changed = last_changed
        self._galleries: dict[int, int] | None = None

    @property
    def galleries(self) -> dict[int, int]:
        """What each box a picture on the page opens (a lightbox: see
        :mod:`attribution.extract.lightbox`) says of the images inside it, and of those
        of the control that opens it, by ``id()``; worked out when first asked."""
        if self._galleries is None:
            self._galleries = {}
            opened = opened_galleries(self._index)
            as_of = self._last_changed() if opened and self._last_changed else None
            for control, box in opened:
                if any(id(parent) in self.later for parent in box.parents):
                    continue  # a gallery of one of the other stories of an endless page
                if as_of is not None and filed_after(box, as_of, self._index):
                    self._galleries[id(box)] = self._galleries[id(control)] = _CHROME
                else:
                    self._galleries[id(box)] = _STOP  # the article's, wherever it sits
        return self._galleries

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


def content_roots(index: PageIndex, last_changed: Callable[[], date | None] | None = None) -> Roots:
    """The elements that hold the article body (by itemprop, class, <article>, <main>).
    ``last_changed`` tells the date the page says it last changed, when it says."""
    roots: list[Tag] = []
    for tag in index.named("div", "section", "article", "main"):
        if _NO_ROOT_ATTRIBUTES.isdisjoint(tag.attrs):
            continue  # neither test below can hold
        if _has_root_class(tag) or "articleBody" in (attr(tag, "itemprop") or "").split():
            roots.append(tag)
    articles = index.named("article")
    if articles:
        longest = max(articles, key=index.words_length)
        if index.words_length(longest) > _FULL_ARTICLE:  # not a card in a "more" rail
            roots.append(longest)
    main = next(iter(index.named("main")), None) or first_with(index.elements, "role", "main")
    if isinstance(main, Tag):
        roots.append(main)
    full = _full_articles(articles, index)
    if len(full) < 2:
        return Roots(roots, index, last_changed=last_changed)
    # An endless page (or one with a long featured article beside its story): the article
    # the page is about is the story; the others (and the bodies inside them) are other
    # stories.
    story = _the_story(full, main, index)
    later = [article for article in full if article is not story]
    starts = [index.position(article)[0] for article in later]
    kept = [root for root in roots if not _within_any(root, later, starts, index)]
    return Roots([story, *kept], index, later, last_changed)


def _the_story(full: list[Tag], main: Tag | None, index: PageIndex) -> Tag:
    """Of several whole articles on one page, the one the page is about: the one whose
    headline is the page's title (og:title, <title>), else the one that links to the
    page's canonical address, else the only one inside ``main`` (the page's <main>);
    the first in document order when nothing tells."""
    titles = _page_titles(index)
    if titles:
        for article in full:
            if _is_page_title(_headline(article, index), titles):
                return article
    canonical = _canonical(index)
    if canonical:
        for article in full:
            if any(
                _same_address(attr(link, "href") or "", canonical)
                for link in index.below(article, ("a",))
            ):
                return article
    if main is not None:
        inside = [article for article in full if index.inside(article, main)]
        if len(inside) == 1:
            return inside[0]
    return full[0]


def _headline(article: Tag, index: PageIndex) -> str:
    h1 = index.first_below(article, ("h1",))
    return _comparable(h1.get_text(" ")) if isinstance(h1, Tag) else ""


def _page_titles(index: PageIndex) -> list[str]:
    """The titles the page gives itself (og:title, twitter:title, <title>), comparable."""
    named = index.every_element
    titles = [
        attr(meta, "content") or ""
        for meta in named.get("meta", ())
        if (attr(meta, "property") or attr(meta, "name") or "").lower()
        in ("og:title", "twitter:title")
    ]
    titles += [title.get_text(" ") for title in named.get("title", ())[:1]]
    return [text for text in map(_comparable, titles) if text]


def _comparable(text: str) -> str:
    return " ".join(_NOT_WORD_CHARACTERS.split(text.casefold())).strip()


_NOT_WORD_CHARACTERS = re.compile(r"[\W_]+")

# How long (in characters) a headline is that may be told as the page's title by it.
_TITLED = 8


def _is_page_title(headline: str, titles: list[str]) -> bool:
    """Whether a headline is the page's title, or its title with the site's name before
    or after it ("Harbour opens | Example News")."""
    return len(headline) >= _TITLED and any(
        title == headline or title.startswith(headline + " ") or title.endswith(" " + headline)
        for title in titles
    )


def _canonical(index: PageIndex) -> str:
    """The page's canonical address (its canonical link, else og:url), or ""."""
    named = index.every_element
    link = first_with(named.get("link", ()), "rel", "canonical", word=True)
    if isinstance(link, Tag) and attr(link, "href"):
        return attr(link, "href") or ""
    meta = first_with(named.get("meta", ()), "property", "og:url")
    return (attr(meta, "content") or "") if isinstance(meta, Tag) else ""


def _same_address(href: str, canonical: str) -> bool:
    """Whether a link's address is the canonical one (absolute, or by its path)."""
    href, canonical = href.split("#")[0].rstrip("/"), canonical.split("#")[0].rstrip("/")
    if not href or not canonical:
        return False
    return href == canonical or (
        href.startswith("/") and len(href) > 1 and url_path(canonical).rstrip("/") == href
    )


# How long the text of an article is (in characters) that is a story of its own, not a
# card in a "more" rail.
_FULL_ARTICLE = 600


def _full_articles(articles: list[Tag], index: PageIndex) -> list[Tag]:
    """The <article> elements, in document order, that are each a whole story (a headline
    h1 and a long text) holding no other such article."""
    full = [
        article
        for article in articles
        if index.count("h1", article) and index.words_length(article) > _FULL_ARTICLE
    ]
    innermost = []
    for at, article in enumerate(full):
        # An article holding another starts before the next one in document order and ends
        # after it.
        following = full[at + 1] if at + 1 < len(full) else None
        if following is None or not index.inside(following, article):
            innermost.append(article)
    return innermost


def _within_any(element: Tag, articles: list[Tag], starts: list[int], index: PageIndex) -> bool:
    """Whether ``element`` is one of ``articles`` (apart from one another, in document
    order, starting at ``starts``) or inside one."""
    start = index.position(element)[0]
    at = bisect_right(starts, start) - 1
    return at >= 0 and (articles[at] is element or index.inside(element, articles[at]))


def is_chrome(
    element: Tag, candidate: FoundImage, roots: Roots, base: str, page_url: str, index: PageIndex
) -> bool:
    """Whether an image candidate is site chrome rather than content."""
    path = url_path(candidate.src)
    if _tiny(element, index) or _tiny_in_url(path, element, index):
        return True
    folder = path.rsplit("/", 2)[-2:][0]
    file_words = word_set(path.rsplit("/", 1)[-1])
    # An image style in the folder ("/default/", "/default-retina/") says nothing
    own_words = word_set(class_text(element)) | (word_set(folder) - {"default", "retina"})
    alt = attr(element, "alt") or ""
    if alt.casefold().strip(" .…«»<>‹›") in _CONTROL_LABELS:
        return True  # a gallery's arrow or a popup's close button, named for what it does
    alt_words = word_set(alt)
    if alt_words & _OWN_CHROME_WORDS and not has_caption_nearby(element, index):
        # Alt text describes the picture: "the Google Maps logo" in a captioned figure is
        # an illustration, a bare "Site logo" is chrome.
        own_words |= alt_words
    if (
        own_words & _OWN_CHROME_WORDS
        or (file_words & _FILE_NAME_CHROME_WORDS and not _APP_PHOTO_NAME.search(path))
    ) and not ((own_words | file_words) & _CONTENT_WORDS):
        return True
    host = url_host(candidate.src)
    if _TRACKER_HOSTS.search(host) or candidate.src.lower().endswith((".svg", ".ico")):
        return True
    if _is_licence_mark(host, path):
        return True
    if _SITE_ASSET_FOLDER.search(path):
        return True
    if _ad_sized(element) or _labelled_as_ad(element, roots, index):
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


def _is_licence_mark(host: str, path: str) -> bool:
    """Whether the picture at ``host`` and ``path`` is a licence's button or the icon of
    one of its elements (see _LICENCE_MARK_FILE)."""
    if _LICENCE_MARK_HOSTS.search(host):
        return True
    stem, dot, extension = unquote(path.rsplit("/", 1)[-1]).rpartition(".")
    if not dot or len(stem) > 40 or extension.lower() not in _DRAWING_EXTENSIONS:
        return False
    return _LICENCE_MARK_FILE.fullmatch(_COPY_SIZE.sub("", stem)) is not None


def _ancestors_say_chrome(
    element: Tag, roots: Roots, base: str, page_url: str, index: PageIndex
) -> bool:
    """Whether an ancestor below the body and the article body's roots marks an image
    as chrome: a chrome element, role or class, a site header, a story card."""
    ancestor = element.parent
    for _ in range(_NEAR_CARD):
        if ancestor is None:
            return False
        verdict = _verdict(ancestor, roots, index)
        if verdict == _STOP:
            return False
        if verdict == _CHROME:
            return True
        if verdict == _NEITHER and _card(ancestor, base, page_url, index):
            return True  # a story card: a picture beside a headline linking elsewhere
        ancestor = ancestor.parent
    return ancestor is not None and _chrome_from(ancestor, roots, base, page_url, index)


# How many ancestors of an image, nearest first, may be a story card whatever they are
# (further up, only an <article> or an element classed as a card may be one).
_NEAR_CARD = 3


def _chrome_from(start: Tag, roots: Roots, base: str, page_url: str, index: PageIndex) -> bool:
    """What :func:`_ancestors_say_chrome` says of the ancestors from ``start`` up, for an
    image further below: the same for every image there, so each element's answer is
    kept (the images of one block climb above it once)."""
    answers = roots.above
    climbed: list[Tag] = []
    found = False
    ancestor: Tag | None = start
    while ancestor is not None:
        known = answers.get(id(ancestor))
        if known is not None:
            found = known
            break
        climbed.append(ancestor)
        verdict = _verdict(ancestor, roots, index)
        if verdict == _STOP:
            break
        if verdict == _CHROME or (
            verdict == _NEITHER
            and (ancestor.name == "article" or "card" in _class_words(ancestor, index))
            and _card(ancestor, base, page_url, index)
        ):
            found = True
            break
        ancestor = ancestor.parent
    for tag in climbed:
        answers[id(tag)] = found
    return found


def _verdict(ancestor: Tag, roots: Roots, index: PageIndex) -> int:
    """:func:`_ancestor_verdict`, worked out once for each ancestor."""
    verdict = roots.verdicts.get(id(ancestor))
    if verdict is None:
        verdict = roots.verdicts[id(ancestor)] = _ancestor_verdict(ancestor, roots, index)
    return verdict


def _card(block: Tag, base: str, page_url: str, index: PageIndex) -> bool:
    """:func:`_is_card`, worked out once for each block."""
    return index.memo("card", block, _is_card, block, base, page_url, index)


def _ancestor_verdict(ancestor: Tag, roots: Roots, index: PageIndex) -> int:
    if not isinstance(ancestor, Tag) or ancestor.name in ("body", "html", "[document]"):
        return _STOP
    if roots.is_root(ancestor):
        return _STOP  # what wraps the article body says nothing about its images
    gallery = roots.galleries.get(id(ancestor))
    if gallery is not None:
        return gallery
    if ancestor.name in _CHROME_TAGS or id(ancestor) in roots.later:
        return _CHROME
    if _is_dialog(ancestor) and _GALLERY_WORDS.isdisjoint(_class_words(ancestor, index)):
        return _CHROME  # a popup, not a gallery's lightbox
    if ancestor.name == "header" and _is_site_header(ancestor, index):
        return _CHROME
    if _is_layout(ancestor, roots, index):
        return _LAYOUT  # a page-layout wrapper ("layout-with-rail") holds the article too
    role = (attr(ancestor, "role") or "").lower()
    if role in _CHROME_ROLES:
        return _CHROME
    if _is_post_entry(ancestor):
        return _NEITHER
    if ancestor.name == "a" and opens_picture_file(ancestor):
        return _NEITHER  # a link that opens the picture in full: its classes style the link
    words = _class_words(ancestor, index)
    if _says_chrome(words) and not (words & _CONTENT_WORDS):
        if "__" in class_text(ancestor):
            words = _block_words(ancestor)
        if words & _SIDE_WORDS and index.words_length(ancestor) * 3 > roots.text * 2 > 0:
            return _LAYOUT  # "layout-sidebar": a layout with a sidebar, around the article
        if _says_chrome(words):
            return _CHROME
    return _NEITHER


def opens_picture_file(link: Tag) -> bool:
    """Whether a link's address is an image file (a zoom or a lightbox's full size), not a
    page."""
    return url_path(attr(link, "href") or "").lower().endswith(IMAGE_EXTENSIONS)


def _is_post_entry(element: Tag) -> bool:
    """A blog post's own element ("hentry", "status-publish"): its classes name the post's
    categories, tags and authors ("tag-social", "autor-jane-roe"), not chrome."""
    classes = element.attrs.get("class")
    return isinstance(classes, list) and not _POST_ENTRY_CLASSES.isdisjoint(classes)


_POST_ENTRY_CLASSES = frozenset({"hentry", "status-publish"})


def _says_chrome(words: frozenset[str]) -> bool:
    """Whether an ancestor's class words name chrome."""
    return not words.isdisjoint(_ANCESTOR_CHROME_WORDS) or _has_chrome_stem(words)


@lru_cache(maxsize=4096)
def _has_chrome_stem(words: frozenset[str]) -> bool:
    """Whether a class word holds a chrome stem (the same classes recur on every page)."""
    return any(
        stem in word
        for word in words
        if not word.startswith(_CONTENT_COMPOUNDS)
        for stem in _CHROME_STEMS
    )


# A column beside the article: an element so classed that holds two thirds of the text of
# the article (its longest root) is the layout that has the column, not the column.
_SIDE_WORDS = frozenset({"sidebar", "rail"})


def _is_dialog(element: Tag) -> bool:
    """A <dialog>, or an element in the role of one (a modal popup)."""
    attrs = element.attrs
    return (
        element.name == "dialog"
        or ("role" in attrs and (attr(element, "role") or "").lower() in _DIALOG_ROLES)
        or ("aria-modal" in attrs and (attr(element, "aria-modal") or "").lower() == "true")
    )


_NOT_WORD = re.compile(r"[^a-z0-9]")


def _block_words(element: Tag) -> frozenset[str]:
    """The words of an element's classes, without the BEM classes that name the main part
    of their block ("sidebar__body")."""
    kept = []
    for name in class_text(element).split():
        part = name.partition("__")[2]
        if not part or _NOT_WORD.split(part.lower(), maxsplit=1)[0] not in _MAIN_PARTS:
            kept.append(name)
    return word_set(" ".join(kept))


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


# How much text (in characters) a block labelled as an ad may hold besides its label.
_AD_BLOCK_TEXT = 300


def _ad_sized(element: Tag) -> bool:
    """An image in one of the standard advertising sizes (300x250, 728x90, …)."""
    try:
        size = (int(attr(element, "width") or 0), int(attr(element, "height") or 0))
    except ValueError:
        return False
    return size in _AD_SIZES


def _labelled_as_ad(element: Tag, roots: Roots, index: PageIndex) -> bool:
    """An image whose surrounding block is labelled "Advertisement" (or "Anzeige", …).
    An ad's block holds little text: the article body around an image is not one, whatever
    ads it holds further on."""
    parent = element.parent
    for _ in range(2):
        if (
            not isinstance(parent, Tag)
            or parent.name in ("body", "article", "main")
            or roots.is_root(parent)
            or index.words_length(parent) > _AD_BLOCK_TEXT
        ):
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
    """A wrapper that holds the article's headline or body: part of the page layout. The
    h1 of a short <article> is a card's headline ("more from this site")."""
    if roots.inside(element):
        return True
    return index.count("h1", element) > 0 and not (
        element.name == "article" and index.words_length(element) <= _FULL_ARTICLE
    )


def _is_card(article: Tag, base: str, page_url: str, index: PageIndex) -> bool:
    """A small <article> (or block) that is a card for another story: a headline linking
    elsewhere, or a link laid over it."""
    if index.images(article) > 1 or index.first_below(article, _HEADINGS_AND_LINKS) is None:
        return False  # (most blocks around an image: neither a headline nor a link)
    headings = index.below(article, _CARD_HEADINGS, limit=3)
    linked = False
    for heading in headings:
        link = _first_link(heading, index) or parent_named(heading, "a", "href")
        if isinstance(link, Tag):
            if _links_elsewhere(link, base, page_url):
                # Read last, being the costliest: a card is short.
                return _is_short(article, index)
            linked = True
    links = index.below(article, ("a",), limit=_CARD_LINKS)
    if not links:
        return False
    if (
        not linked
        and any(_laid_over(link, article, base, page_url, index) for link in links)
        and (headings or _has_title(article, index))
    ):
        return _is_short(article, index)  # a link laid over the whole card, by its headline
    card = "card" in _class_words(article, index)
    for link in links:
        # A block classed as a card, or a link classed (or set in an element classed) as a
        # title: its headline ("<span class='teaser__title h4'><a href=…>").
        if (
            index.words_length(link) >= _HEADLINE
            and (card or _is_title(link, index))
            and _links_elsewhere(link, base, page_url)
        ):
            # A caption's link names a source, not another story; a block with a caption
            # or credit of its own is a media block, whatever its links ("More by the
            # photographer"). Read only now, being costly and rarely needed.
            if index.count("figcaption", article) or holds_caption_or_credit(article, index):
                return False
            return _is_short(article, index)
    return False


def _laid_over(link: Tag, block: Tag, base: str, page_url: str, index: PageIndex) -> bool:
    """Whether a link is laid over a block: an empty child of it, to another page."""
    return (
        link.parent is block
        and index.words_length(link) == 0
        and not index.images(link)
        and _links_elsewhere(link, base, page_url)
    )


def _has_title(block: Tag, index: PageIndex) -> bool:
    """Whether one of the first elements of a block is classed as a title."""
    return any(
        not _class_words(part, index).isdisjoint(_TITLE_WORDS)
        for part in index.first_elements(block, _CARD_PARTS)
    )


# How many elements of a card are looked at for its title.
_CARD_PARTS = 12


def _is_title(link: Tag, index: PageIndex) -> bool:
    """Whether a link, or the element it is set in, is classed as a title."""
    parent = link.parent
    return not _class_words(link, index).isdisjoint(_TITLE_WORDS) or (
        isinstance(parent, Tag) and not _class_words(parent, index).isdisjoint(_TITLE_WORDS)
    )


# Class words of a headline set without a heading element.
_TITLE_WORDS = frozenset({"title", "headline", "heading", "hed", "h1", "h2", "h3", "h4", "h5"})


# How long (in characters) a link's text is that reads as a headline.
_HEADLINE = 15

# How many links of a card are looked at for one laid over it.
_CARD_LINKS = 6


def _is_short(element: Tag, index: PageIndex) -> bool:
    """Whether an element's visible text is as short as a card's."""
    # Read as far as a card's caption is looked for, so that the one reading (kept by the
    # index) serves both: whether the text is longer than 400 characters is the same
    # read to any limit above that.
    return len(index.visible_text(element, limit=CARD_TEXT)) <= _SHORT_CARD


_SHORT_CARD = 400


_CARD_HEADINGS = ("h1", "h2", "h3", "h4", "h5")
_HEADINGS_AND_LINKS = (*_CARD_HEADINGS, "a")


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

# A size in an image's address: a resizer's "/40x40/" or a file's "-48x48." suffix.
_SIZE_IN_URL = re.compile(r"[/_-]([1-9]\d{0,3})x([1-9]\d{0,3})(?=[/._-]|$)")


def _tiny_in_url(path: str, element: Tag, index: PageIndex) -> bool:
    """Whether the image's address asks for an icon's size: both sides from 16 to 64
    pixels (a smaller number is a crop's aspect ratio, "/16x9/", "/1x1/")."""
    if "x" not in path:
        return False
    match = _SIZE_IN_URL.search(path)
    if match is None:
        return False
    sides = int(match.group(1)), int(match.group(2))
    return (
        min(sides) >= _SMALLEST_ICON
        and max(sides) <= _ICON_SIZE
        and not _in_gallery(element, index)
    )


_SMALLEST_ICON = 16


_ICON_SIZE = 64


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
    target, page = target.split("#")[0], page_url.split("#")[0]
    if "?" not in page and len(url_path(page)) > 1 and target.split("?")[0] == page:
        return False  # a view of this page (a gallery's slide: "?img=3")
    return target.rstrip("/") != page.rstrip("/")
