"""Where captions and credits sit: figures, caption elements, credit elements,
caption paragraphs after an image, attribution lines after a figure."""

from __future__ import annotations

import re
from functools import lru_cache, partial
from typing import TYPE_CHECKING

from bs4 import Tag

from attribution.credits import parse_credit, split_caption_credit, strip_label
from attribution.credits.captions import lowercase_words
from attribution.credits.vocabulary import (
    BLANKET_LABELS,
    CREDIT_PHRASES,
    CREDIT_START_LABELS,
    LABEL_ELEMENT_WORDS,
    MADE_BY_LABELS,
    PICTURE_BY_LABELS,
)
from attribution.extract.dom import (
    IMAGE_TAGS,
    attr,
    child_elements,
    class_text,
    hidden_label,
    link_hrefs,
    next_element_sibling,
    only_string,
    text_start,
)
from attribution.extract.index import ANY_IMAGE, LICENCE_LINK
from attribution.extract.limits import MAX_CAPTION_PARTS
from attribution.extract.tree import parse_markup
from attribution.extract.urls import join_url
from attribution.textutil import alternatives, clean_text, none_if_empty

if TYPE_CHECKING:
    from attribution.extract.dom import (
        FoundImage,
    )
    from attribution.extract.index import PageIndex
    from attribution.licences import KnowledgeBase

_CAPTION_CLASS = re.compile(
    r"caption|legend|legende|bildunterschrift|unterschrift|image-desc|img-desc|photo-desc"
    r"|media-desc|figure-text|description|cptn|gallery-?text|figcap",
    re.IGNORECASE,
)

# The last word of a picture's class that names who made or owns it.
_MAKER_WORDS = ("author", "owner")
_CREDIT_CLASS = re.compile(
    r"credit|copyright|attribution|photographer|image-source|photo-source|source|byline-image"
    r"|urheber|bildnachweis|quelle|autor"
    # "photo__author", "figure-article-caption-owner" (the picture's rights owner)
    r"|(?:caption|image|photo|img|media|picture|figure)[\w-]*" + alternatives(*_MAKER_WORDS),
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)
def _caption_class(classes: str) -> bool:
    """Whether class names (or a part of one) read as a caption's; worked out once for
    each spelling, which a page repeats on element after element."""
    return _CAPTION_CLASS.search(classes) is not None


@lru_cache(maxsize=4096)
def _credit_class(classes: str) -> bool:
    """Whether class names (or a part of one) read as a credit's; once for each spelling."""
    return _CREDIT_CLASS.search(classes) is not None


_CREDIT_START = re.compile(
    r"^\s*(?:©|\(c\)\s|copyright\b|courtesy\b|illustration\s+by\b"
    r"|" + alternatives(*CREDIT_START_LABELS) + r"\s*(?::|…|\.\.\.)"
    r"|" + alternatives(*MADE_BY_LABELS) + r"\s+by\b"
    r"|" + alternatives(*(re.escape(p).replace(r"\ ", r"\s+") for p in CREDIT_PHRASES)) + ")",
    re.IGNORECASE,
)

_FIGURE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:wp-caption|wp-block-image|figure|image-block|captioned-image|kg-image-card"
    r"|kg-card|media|photo|image|picture|img|inline-image|article-image|story-image|lead|hero)"
    r"(?:$|[\s_-])",
    re.IGNORECASE,
)


def has_caption_nearby(element: Tag, index: PageIndex) -> bool:
    """Whether an image has a caption or credit of its own nearby."""
    return index.memo("caption nearby", element, _has_caption_nearby, element, index)


def _has_caption_nearby(element: Tag, index: PageIndex) -> bool:
    figure = index.enclosing(element, "figure")
    if isinstance(figure, Tag) and index.count("figcaption", figure):
        return True
    container = _figure_container(element, index)
    if container is not None and _caption_elements(container, element, index):
        return True
    return bool(_following_captions(element, index))


def holds_caption_or_credit(block: Tag, index: PageIndex) -> bool:
    """Whether a block holds a picture's caption or credit: a credit's words ("Photo:",
    "©"), or a caption element (a figcaption, or classed as a caption or credit) with
    text of its own besides its links (a card's figcaption holding only its headline
    link is no caption)."""
    text = index.visible_text(block, limit=CARD_TEXT)
    if "©" in text or _CREDIT_INSIDE.search(text):
        return True
    for part in index.below(block, _CAPTION_PARTS, limit=_CARD_PARTS):
        classes = class_text(part)
        if part.name != "figcaption" and not (_caption_class(classes) or _credit_class(classes)):
            continue
        linked = sum(
            len(index.visible_text(link, limit=CARD_TEXT))
            for link in index.below(part, ("a",), limit=_CARD_PARTS)
        )
        if len(index.visible_text(part, limit=CARD_TEXT)) - linked > _OWN_TEXT:
            return True
    return False


_CAPTION_PARTS = ("figcaption", "p", "span", "div", "small")
# How much of a block's text, and how many of its elements, are read for a caption.
CARD_TEXT = 600  # (chrome reads a card's text as far, so that one reading serves both)
_CARD_PARTS = 16
# How many characters of a caption besides its links are its own text.
_OWN_TEXT = 10


def _figure_container(element: Tag, index: PageIndex) -> Tag | None:
    """The nearest figure-like ancestor that holds this image and its caption."""
    figure = index.enclosing(element, "figure")
    if isinstance(figure, Tag):
        outer = index.enclosing(figure, "figure")
        if (
            isinstance(outer, Tag)
            and not _caption_elements(figure, element, index)
            and _pictures(outer, index) == 1
        ):
            return outer  # <figure><figure><img></figure><figcaption>…</figure>
        return figure
    for depth, ancestor in enumerate(element.parents, 1):
        if not isinstance(ancestor, Tag) or ancestor.name in ("body", "html", "main"):
            return None
        if index.text_length(ancestor) > 1500 and (
            ancestor.name in ("article", "section") or _holds_paragraphs(ancestor, index)
        ):
            return None  # the article itself, not a media block inside it
        if depth > 6:
            return None
        if _pictures(ancestor, index) > 1:
            return None
        if _caption_elements(ancestor, element, index):
            return ancestor
    return None


def _pictures(block: Tag, index: PageIndex) -> int:
    """How many images a block holds, leaving out image elements with no source at all
    (``<img src="">``, the empty frame a script fills when a picture is enlarged)."""
    images = index.images(block)
    if images < 2 or images > _FEW_PICTURES:
        return images
    return images - sum(
        1 for tag in index.below(block, IMAGE_TAGS) if _sourceless(tag) or _in_caption(tag, block)
    )


_FEW_PICTURES = 4
_SOURCE_ATTRIBUTES = ("src", "srcset", "data-src", "data-srcset", "data-lazy-src", "data-original")


_TEXT_CAPTION_NAMES = frozenset({"p", "span", "small", "em", "cite"})


def _in_caption(image: Tag, block: Tag) -> bool:
    """Whether an image stands inside a caption within ``block``: an icon before the
    credit ("Caption. <img class=camera> Jane Doe/Agency"), not a picture."""
    for parent in image.parents:
        if parent is block or not isinstance(parent, Tag):
            return False
        if parent.name == "figcaption" or (
            parent.name in _TEXT_CAPTION_NAMES and _caption_class(class_text(parent))
        ):
            return True
    return False


def _sourceless(image: Tag) -> bool:
    return not any((attr(image, name) or "").strip() for name in _SOURCE_ATTRIBUTES)


def _holds_paragraphs(block: Tag, index: PageIndex) -> bool:
    """Whether a block holds the paragraphs of a text (three or more): the body of an
    article, whose captions belong to the pictures and videos beside them, not to an
    image found anywhere inside it."""
    return len(index.below(block, ("p",), limit=_TEXT_PARAGRAPHS)) == _TEXT_PARAGRAPHS


_TEXT_PARAGRAPHS = 3


def _caption_elements(container: Tag, image: Tag, index: PageIndex) -> list[Tag]:
    """The caption and credit elements of a container, for one of its images: those
    that hold the image are left out, and those inside one already taken."""
    found: list[Tag] = []
    taken_until = -1  # the end, in document order, of the elements taken so far
    candidates = index.memo("caption candidates", container, _candidates, container, index)
    for tag in candidates:
        if tag is image or index.inside(image, tag):
            continue
        start, end = index.position(tag)
        if 0 <= start <= taken_until:
            continue  # inside one taken before (elements nest, or do not meet)
        found.append(tag)
        taken_until = max(taken_until, end)
    return found


def _candidates(container: Tag, index: PageIndex) -> list[Tag]:
    """The elements of a container that read as a caption or a credit, in order."""
    no_figcaption = index.count("figcaption", container) == 0
    found: list[Tag] = []
    reads_as_part = index.answers("caption or credit")  # kept for every container's turn
    for tag in index.all_below(container):
        if tag.name in IMAGE_TAGS:
            continue
        known = reads_as_part.get(id(tag))
        if known is None:
            known = reads_as_part[id(tag)] = _reads_as_caption_part(tag, index)
        if (
            container.name == "figure"
            and tag.parent is container
            and tag.name in ("p", "div", "span")
            and index.count(ANY_IMAGE, tag) == 0
            and no_figcaption
            and index.words_length(tag) > 0
        ) or known:
            found.append(tag)
    return found


def _reads_as_caption_part(tag: Tag, index: PageIndex) -> bool:
    """Whether an element reads as a caption or a credit wherever it stands: worked out
    once for each element, which every container around it asks about."""
    classes = class_text(tag)
    return bool(
        tag.name == "figcaption"
        or attr(tag, "itemprop") in ("caption", "description")
        or _caption_class(classes)
        or (_credit_class(classes) and tag.name not in ("a", "img"))
        or (
            tag.name in ("p", "span", "div", "small", "cite")
            and _CREDIT_START.match(text_start(tag, _START_READ, " "))
        )
        or (index.count(LICENCE_LINK, tag) > 0 and tag.name != "a")
    )


# How much of an element's text tells whether it starts as a credit ("Photo: …"): the
# labels and phrases are far shorter.
_START_READ = 200


def _is_credit_element(tag: Tag, index: PageIndex) -> bool:
    return index.memo("credit element", tag, _reads_as_credit_element, tag, index)


def _reads_as_credit_element(tag: Tag, index: PageIndex) -> bool:
    classes = class_text(tag)
    if _caption_class(classes) and not _credit_class(classes):
        return False
    if attr(tag, "itemprop") in ("caption", "description") and _class_role(tag) != "credit":
        return False  # class="image__caption attribution" with itemprop="caption"
    if _credit_class(classes) and _has_credit_inside(tag, index):
        return False  # a wrapper ("credit-caption") whose parts say which is which
    text = index.visible_text(tag)
    if _runs_sentences(text):
        return False  # sentences in a "source" block: a caption with its credit run in
    if _class_role(tag) == "credit":
        return True
    if _credit_class(classes) or tag.name in ("cite", "small"):
        return True
    if index.count(LICENCE_LINK, tag) > 0 and tag.name != "figcaption":
        return True
    return tag.name not in ("figcaption",) and bool(_CREDIT_START.match(text))


def _runs_sentences(text: str) -> bool:
    """Whether text reads as sentences (a caption) rather than a credit line ("Map by X,
    NG Staff. Source: Y" is a credit)."""
    if _CREDIT_START.match(text) or _MADE_BY_START.match(text):
        return False
    return len(text.split()) > 8 and _SENTENCE_BREAK.search(text) is not None


_SENTENCE_BREAK = re.compile(r"[a-z]{2}[.!?]\s+[A-Z]")
_MADE_BY_START = re.compile(r"^(?:[\w-]++\s++){1,2}by\s+\S", re.IGNORECASE)


def _has_credit_inside(tag: Tag, index: PageIndex) -> bool:
    return any(
        _credit_class(class_text(inner)) or inner.name in ("cite", "small")
        for inner in index.all_below(tag)
    )


_PART_SEPARATOR = re.compile(r"[-_]")


def _class_role(tag: Tag) -> str | None:
    """'credit' or 'caption' from the element's classes, reading compound names by their
    last part ("caption__credit" and "caption-credit" are credits, "image__caption" a
    caption); None when the classes say neither, or disagree."""
    roles = set()
    for token in class_text(tag).split():
        part = token.rsplit("__", 1)[-1]
        credit, caption = bool(_credit_class(part)), bool(_caption_class(part))
        if credit and caption:  # "caption-credit", "caption-author": the last word says it
            last = _PART_SEPARATOR.split(part)[-1]
            credit = bool(_credit_class(last) or last.lower() in _MAKER_WORDS)
            caption = bool(_caption_class(last))
        if credit != caption:
            roles.add("credit" if credit else "caption")
    return roles.pop() if len(roles) == 1 else None


_MADE_BY_LABEL = re.compile(
    r"^" + alternatives(*MADE_BY_LABELS, *PICTURE_BY_LABELS) + r"\s+by\s+(?=\S)", re.I
)


def _credit_parts(caption_tags: list[Tag], kb: KnowledgeBase, index: PageIndex) -> list[Tag]:
    credits: list[Tag] = []
    for tag in caption_tags:
        credit_figcaption = tag.name == "figcaption" and bool(
            _credit_class(class_text(tag)) and not _caption_class(class_text(tag))
        )
        if _is_credit_element(tag, index) and (tag.name != "figcaption" or credit_figcaption):
            credits.append(tag)
            continue
        credits += index.memo("credits inside", tag, _credits_inside, tag, index)
        if not credits and (tag.name == "figcaption" or _caption_class(class_text(tag))):
            last = index.memo("trailing name", tag, _trailing_name, tag, kb, index)
            if last is not None:
                credits.append(last)
    return credits


_INNER_NAMES = ("span", "small", "cite", "em", "p", "div", "i", "b", "strong")


def _credits_inside(tag: Tag, index: PageIndex) -> list[Tag]:
    """The elements inside a caption element that are its credit, outermost only."""
    credits: list[Tag] = []
    taken_until = -1  # the end, in document order, of the credits taken so far
    for inner in index.below(tag, _INNER_NAMES):
        start, end = index.position(inner)
        if 0 <= start <= taken_until:
            continue  # inside a credit taken before
        classes = class_text(inner)
        inner_text = index.visible_text(inner)
        if _LABEL_ONLY_TEXT.fullmatch(inner_text):
            continue  # "Photo by " in a span of its own: the credit is its parent's text
        if _runs_sentences(inner_text):
            continue
        if (
            (_credit_class(classes) and not _caption_class(classes))
            or _class_role(inner) == "credit"
            or inner.name in ("cite", "small")
            or (_CREDIT_START.match(inner_text) and not _has_credit_inside(inner, index))
            or (hidden_label(inner) is None and _has_hidden_credit_label(inner, index))
        ):
            credits.append(inner)
            taken_until = max(taken_until, end)
    return credits


def _trailing_name(figcaption: Tag, kb: KnowledgeBase, index: PageIndex) -> Tag | None:
    """The last element of a caption when it holds nothing but a person's name: the
    photographer, printed after the caption without a label (El País, many others)."""
    children = child_elements(figcaption, _NAME_PARTS)
    while len(children) == 1 and not index.visible_text(figcaption, skip=children):
        # <figcaption><p><span>caption</span><span>credit</span></p></figcaption>
        children = child_elements(children[0], _NAME_PARTS)
    if len(children) < 2 or not index.visible_text(children[0]):
        return None
    text = index.visible_text(children[-1])
    if not text or len(text.split()) > 6 or text.endswith((".", "!", "?")):
        return None
    credit = parse_credit(text, kb=kb)
    if credit.creators and " ".join(credit.creators) == text and len(text.split()) <= 4:
        return children[-1]
    words = text.split()
    if (credit.provider or credit.holder) and not credit.creators and words[0][:1].isupper():
        return children[-1]  # an outlet or agency on its own: "The Example Globe and Mail"
    if "/" in text and credit.creators and (credit.provider or credit.holder):
        return children[-1]  # "NOS / Sanne Verhoef" in a span of its own
    return None


_LABEL_ONLY_TEXT = re.compile(
    r"\s*"
    + alternatives(*MADE_BY_LABELS, *PICTURE_BY_LABELS, *LABEL_ELEMENT_WORDS)
    + r"?\s*(?:by|credit|:|…|\.\.\.)?\s*",
    re.IGNORECASE,
)


def _has_hidden_credit_label(tag: Tag, index: PageIndex) -> bool:
    """``tag.find(_is_hidden_credit_label) is not None``."""
    return any(_is_hidden_credit_label(inner) for inner in index.all_below(tag))


_NAME_PARTS = ("span", "p", "div", "em", "i")


def _is_hidden_credit_label(tag: Tag) -> bool:
    label = hidden_label(tag)
    return label is not None and label != "caption"


def attach_caption(
    candidate: FoundImage, element: Tag, base: str, kb: KnowledgeBase, index: PageIndex
) -> None:
    """Find the image's caption, credit and credit links, and set them on ``candidate``;
    ``kb`` names the providers and licences by which captions are split. An image
    without a credit of its own takes the one the article prints once for all its
    pictures ("Photos: Jane Doe"), if it prints one."""
    _attach_own_caption(candidate, element, base, kb, index)
    if candidate.credit is None:
        candidate.credit = _blanket_credit(kb, index)


def _attach_own_caption(
    candidate: FoundImage, element: Tag, base: str, kb: KnowledgeBase, index: PageIndex
) -> None:
    container = _figure_container(element, index)
    caption_tags = _caption_elements(container, element, index) if container is not None else []
    caption_tags = caption_tags[:MAX_CAPTION_PARTS]
    credit_tags: list[Tag] | None = None  # those of caption_tags that are credits, once known
    if not caption_tags:
        caption_tags = list(_following_captions(element, index)) or _shared_caption(element, index)
        caption_tags = caption_tags[:MAX_CAPTION_PARTS]
    elif container is not None:
        credit_tags = _credit_parts(caption_tags, kb, index)
        if not credit_tags:
            # An attribution line printed after the whole figure ("X" by Y is licensed …).
            after = [
                t for t in _following_captions(container, index) if _is_credit_element(t, index)
            ]
            if after:
                caption_tags += after
                # The parts before say no credit: those after are read as if on their own.
                credit_tags = _credit_parts(after, kb, index)
    if not caption_tags:
        _caption_from_attribute(candidate, element, kb, index)
        return
    # Images that share their caption elements (a gallery's) share what they say.
    key = caption_tags[0]
    read = index.memo(
        "caption " + " ".join(str(id(t)) for t in caption_tags),
        key,
        _read_caption,
        caption_tags,
        base,
        kb,
        index,
        credit_tags,
    )
    candidate.caption, candidate.credit, links = read
    if candidate.credit is None:
        candidate.credit = _gallery_credit(element, kb, index)
    candidate.credit_links = list(links)


def _read_caption(
    caption_tags: list[Tag],
    base: str,
    kb: KnowledgeBase,
    index: PageIndex,
    credit_tags: list[Tag] | None = None,
) -> tuple[str | None, str | None, tuple[str, ...]]:
    """(caption, credit, credit links) from the caption and credit elements of an image;
    ``credit_tags``, those of them that are credits, when already worked out."""
    if credit_tags is None:
        credit_tags = _credit_parts(caption_tags, kb, index)
    credit_ids = {id(tag) for tag in credit_tags}
    caption_only = [t for t in caption_tags if id(t) not in credit_ids]
    # A credit element may hold the caption ("<div class=copyright>Photo: X <span
    # class=description>Caption</span></div>"): that part is the caption's.
    inner = [c for t in credit_tags for c in index.memo("captions in", t, _captions_in, t, index)]
    inner_ids = {id(tag) for tag in inner}
    # A slide's counter ("1 / 8", "--pageNumber-- von --total--") is no part of it.
    counters = {id(c) for t in caption_only for c in index.memo("counters", t, _counters, t, index)}
    parts = [index.visible_text(t, skip_ids=credit_ids | counters) for t in caption_only]
    caption_text = " ".join(parts + [index.visible_text(t) for t in inner])
    credit_text = " ".join(index.visible_text(t, skip_ids=inner_ids) for t in credit_tags)
    caption, split_credit = split_caption_credit(caption_text, kb)
    if len(parts) > 1 and not credit_tags and not inner:
        # "<figcaption>… at the harbour</figcaption><span>Jane Doe/Agency</span>": the
        # last element, a credit on its own, does not run on into the one before.
        alone, last_credit = split_caption_credit(parts[-1], kb)
        if alone is None and last_credit:
            caption = split_caption_credit(" ".join(parts[:-1]), kb)[0]
            split_credit = last_credit
    if not credit_text and not split_credit and caption_only:
        # "The scale, enlarged.<img class=camera> Jane Doe": an icon marks the credit.
        marked = index.memo("after icon", caption_only[-1], _after_icon, caption_only[-1], index)
        whole = clean_text(caption_text)
        before = whole[: -len(marked)].strip() if marked and whole.endswith(marked) else ""
        if marked and before:  # (an icon that opens the caption marks no credit)
            caption, split_credit = before, marked
    credit = _clean_credit(credit_text) if credit_text else None
    if credit and split_credit and caption is None:
        # The page marks its credit: a caption that could be read as one ("Jacket
        # Nord/Ost") is still the caption.
        caption, split_credit = none_if_empty(clean_text(caption_text)), None
    if split_credit:
        credit = (
            f"{credit} {split_credit}"
            if credit and split_credit not in credit
            else (credit or split_credit)
        )
    hrefs = link_hrefs(credit_tags or caption_tags, partial(index.below, names=("a",)))
    joined = (join_url(base, href) for href in hrefs)
    return caption, credit, tuple(link for link in joined if link)


def _after_icon(caption: Tag, index: PageIndex) -> str | None:
    """The short text that ends a caption after an icon inside it (a camera or a "©"
    drawn as an image), which marks the credit; None when no icon stands before it."""
    icons = index.below(caption, IMAGE_TAGS)
    if not icons:
        return None
    pieces: list[str] = []
    node: Tag = icons[-1]
    while node is not caption and isinstance(node.parent, Tag):
        for sibling in node.next_siblings:
            pieces.append(sibling.get_text(" ") if isinstance(sibling, Tag) else str(sibling))
        node = node.parent
    after = clean_text(" ".join(pieces))
    if not after or len(after) > _ICON_CREDIT_CHARS or not re.search(r"[^\W\d_]", after):
        return None
    return after


# The longest credit read after an icon: a line, not the rest of a caption.
_ICON_CREDIT_CHARS = 120


# The label of a line of an article's tags or topics, printed after a picture's credit.
_TAGS_LINE = re.compile(
    r"\s(?:tags|topics|themen|schlagw(?:ö|oe)rter|stichw(?:ö|oe)rter|etiquetas|temas|mots-cl[ée]s)"
    r"\s*:",
    re.IGNORECASE,
)


_COUNTER_CLASS = re.compile(
    r"pagination|pager|slide-?(?:number|count)|(?:^|[\s_-])count(?:er)?(?:$|[\s_-])", re.IGNORECASE
)
_COUNTER_NAMES = ("span", "div", "p", "li", "ul", "ol")


def _counters(caption: Tag, index: PageIndex) -> list[Tag]:
    """The elements inside a caption element that count its slides."""
    return [
        inner
        for inner in index.below(caption, _COUNTER_NAMES)
        if _COUNTER_CLASS.search(class_text(inner))
    ]


def _captions_in(credit: Tag, index: PageIndex) -> list[Tag]:
    """The elements inside a credit element whose classes say they are a caption."""
    return [
        inner
        for inner in index.below(credit, _INNER_NAMES)
        if _class_role(inner) == "caption" and not _credit_class(class_text(inner))
    ]


def _clean_credit(text: str) -> str | None:
    text = clean_text(text)
    tags = _TAGS_LINE.search(text)
    if tags and tags.start() > 0:
        text = text[: tags.start()]  # "© Jane Doe Themen: Winter, Wool": the article's tags
    text = text.strip(" |•·–—-")
    while len(text) > 1 and text[0] in "([" and text[-1] in ")]":
        text = text[1:-1].strip()  # "(Foto: Sven Hoppe/dpa)"
    text = strip_label(text).strip(" |•·–—-")
    text = _MADE_BY_LABEL.sub("", text, count=1) or text  # "Photograph by X": X
    if text.endswith((")", "]")) and text.count(")") + text.count("]") > text.count(
        "("
    ) + text.count("["):
        text = text[:-1]
    return none_if_empty(text.rstrip(" ."))


def _caption_from_attribute(
    candidate: FoundImage, element: Tag, kb: KnowledgeBase, index: PageIndex
) -> None:
    """The caption WordPress keeps on the image itself (Jetpack's data-image-caption,
    shown in its carousel) when the page prints none beside it."""
    value = attr(element, "data-image-caption")
    if not value:
        return
    text = clean_text(parse_markup(value).get_text(" "))
    caption, credit = split_caption_credit(text, kb) if text else (None, None)
    candidate.caption = caption
    candidate.credit = credit or _gallery_credit(element, kb, index)


_GALLERY_CLASS = re.compile(r"gallery|slideshow|carousel|tiled", re.IGNORECASE)


def _gallery_credit(element: Tag, kb: KnowledgeBase, index: PageIndex) -> str | None:
    """The credit a gallery prints once for all its pictures ("Photos by Isla Munro")."""
    for gallery in element.parents:
        if not isinstance(gallery, Tag) or gallery.name in ("body", "html", "main", "article"):
            return None
        if not _GALLERY_CLASS.search(class_text(gallery)):
            continue
        return index.memo("gallery credit", gallery, _printed_once, gallery, kb, index)
    return None


def _printed_once(gallery: Tag, kb: KnowledgeBase, index: PageIndex) -> str | None:
    for child in child_elements(gallery, ("figcaption", "p", "div")):
        if index.count(ANY_IMAGE, child) == 0 and (
            child.name == "figcaption" or _caption_class(class_text(child))
        ):
            _, credit = split_caption_credit(index.visible_text(child), kb)
            if credit:
                return credit
    return None


_CREDIT_INSIDE = re.compile(
    r"(?:^|[.!?]\s+|\s[|(]\s?)(?:(?:photo(?:graph)?|foto|image|picture|credit)s?\s*:\s*\S"
    r"|(?:photo|image|picture)s?\s+(?:by|courtesy)\b|courtesy\s+of\b)",
    re.I,
)
_CAPTION_TAGS = frozenset({"p", "div", "span", "h2", "h3", "h4", "h5", "h6", "small", "em"})
# Small print right under a picture is what it says of the picture: its caption.
_SMALL_PRINT = frozenset({"sub", "sup", "small", "figcaption"})


def _shared_caption(element: Tag, index: PageIndex) -> list[Tag]:
    """The caption under a small group of images ("Before and after: …") that belongs to
    each of them: a caption block that is a direct child of the group."""
    for depth, group in enumerate(element.parents, 1):
        if not isinstance(group, Tag) or group.name in ("body", "html", "main", "article"):
            return []
        images = index.images(group)
        if depth > 4 or images > 4:
            return []
        if images < 2:
            continue
        if _holds_paragraphs(group, index):
            return []  # the article's text with a few pictures in it, not a group of them
        return [
            child
            for child in child_elements(group)
            if index.count(ANY_IMAGE, child) == 0
            and _caption_class(class_text(child))
            and index.visible_text(child, limit=0)
        ]
    return []


def _following_captions(element: Tag, index: PageIndex) -> list[Tag]:
    """Caption and credit printed right after the image (the next short blocks)."""
    return index.memo("following captions", element, _captions_after, element, index)


def _captions_after(element: Tag, index: PageIndex) -> list[Tag]:
    parent = element.parent
    if isinstance(parent, Tag) and parent.name in _CAPTION_TAGS and _pictures(parent, index) == 1:
        # "<p class=small><img …>Photo: Jane Doe/Agency</p>": the line the picture opens.
        text = index.visible_text(parent, limit=400)
        if text and len(text) <= 400 and _CREDIT_START.match(text):
            return [parent]
    block: Tag = element
    while isinstance(block.parent, Tag) and block.parent.name not in ("body", "article", "main"):
        # Only the first block can have text of its own: the wrappers climbed through
        # have none, and are not read again.
        skip = [block] if block is not element else []
        if _pictures(block.parent, index) > 1:
            break
        # The index knows at once whether the parent has words beyond the block's; only
        # then is its visible text read (a climb through wrappers stays linear).
        more_words = index.words_length(block.parent) > index.words_length(block)
        if more_words and index.visible_text(block.parent, skip, limit=0):
            break
        block = block.parent
    found: list[Tag] = []
    sibling = next_element_sibling(block)
    while isinstance(sibling, Tag) and len(found) < 2:
        if sibling.name in ("noscript", "br"):
            sibling = next_element_sibling(sibling)
            continue
        caption = _caption_block(sibling, index)
        if caption is None:
            break
        found.append(caption)
        sibling = next_element_sibling(sibling)
    return found


def _caption_block(sibling: Tag, index: PageIndex) -> Tag | None:
    if index.count(ANY_IMAGE, sibling) > 0 or sibling.name in IMAGE_TAGS:
        return None
    text = index.visible_text(sibling, limit=400)
    if not text or len(text) > 400:
        return None
    classes = class_text(sibling)
    if _caption_class(classes) or _credit_class(classes):
        return sibling
    for inner in index.below(sibling, ("div", "p", "figcaption", "span"), limit=4):
        if _caption_class(class_text(inner)) or _credit_class(class_text(inner)):
            return inner  # "<div class=photo__info><div class=photo__author>…"
    if index.count(LICENCE_LINK, sibling) > 0 or _CREDIT_START.match(text):
        return sibling
    if sibling.name in _SMALL_PRINT:
        return sibling  # "<img …> <sup>Relatives wait at the airport (EPA)</sup>"
    if len(text) < 300 and _CREDIT_INSIDE.search(text) and sibling.name in _CAPTION_TAGS:
        return sibling  # "<h2>Legislators hold … yesterday. Photo: Lo Pei-de, Taipei Times</h2>"
    emphasised = index.first_below(sibling, ("em", "i", "small", "figcaption"))
    if isinstance(emphasised, Tag) and clean_text(emphasised.get_text(" ")) == text:
        return sibling
    return None


# A credit printed once for all the pictures of an article, at its start or its end:
# "Photos: Jane Doe", "(Image credits: A; B; C)", "Words: X Photos: Y", "See more in
# the gallery, images by Jane Doe". The label opens the text, follows a separator, or
# is a capitalised word after other words.
_BLANKET_CREDIT = re.compile(
    r"(?:^\s*+[(\[]?\s*+|(?<=[,;|.(\[])\s*+|\s++(?-i:(?=[A-Z])))(?P<credit>"
    + alternatives(*BLANKET_LABELS)
    + r"\s*+:\s*+(?P<rest>\S.*))$",
    re.IGNORECASE | re.DOTALL,
)
# "Images by Jane Doe": only where the line or a part of it opens ("… Getty Images By
# Jane Doe" is a credit followed by a byline).
_BLANKET_BY_CREDIT = re.compile(
    r"(?:^\s*+[(\[]?\s*+|(?<=[,;|.(\[])\s*+)(?P<credit>"
    + alternatives(*BLANKET_LABELS)
    + r"\s++(?:by|von)\s++(?P<rest>\S.*))$",
    re.IGNORECASE | re.DOTALL,
)
# What a blanket label is followed by when the text is a headline or a sentence
# ("Photos: the best of the year"), not a credit.
_NOT_A_NAME = re.compile(
    r"(?:the|a|an|our|all|more|from|of|in|on|and|to|with|der|die|das|von)\b(?!\.)",
    re.IGNORECASE,
)  # (not an initial: "A. Bee")
_COPYRIGHT_MARK = re.compile(r"\(c\)\s*\S+|©\s*\S+", re.IGNORECASE)  # "(c) janedoe"
_BLANKET_NAMES = ("p", "div", "footer")
# A blanket credit is a short block: its label opens it, or it is a line this long.
_BLANKET_BLOCK_CHARS = 1000
_BLANKET_LINE_CHARS = 250
# Where the lines of the page's own chrome stand, not the article's.
_NOT_ARTICLE_TAGS = frozenset({"nav", "aside", "header", "form"})
_NOT_ARTICLE_WORDS = frozenset(
    {"sidebar", "widget", "comment", "comments", "related", "teaser", "promo", "newsletter"}
)


def numbered_credits(index: PageIndex, base: str) -> dict[int, tuple[str, tuple[str, ...]]]:
    """The credits an article lists by the number of each picture, at its end ("Bild 2:
    © Jane Roe", "Foto 3: …", "Image 4: …"): ``{number: (credit, links)}``, the pictures
    counted in the article's order from 1. Only a list of two or more such lines counts:
    one numbered line may be a caption's."""
    found: dict[int, tuple[str, tuple[str, ...]]] = {}
    for tag in index.named_with_words(_NUMBERED_NAMES, _BLANKET_LINE_CHARS):
        if _NUMBERED_LABEL.match(_first_text(tag)) is None:
            continue  # (most lines: their first words are no numbered label)
        text = index.visible_text(tag)
        match = _NUMBERED_CREDIT.match(text)
        if match is None or not _in_article_text(tag, index):
            continue
        credit = _clean_credit(match.group("credit"))
        number = int(match.group("number"))
        if credit and number not in found:
            hrefs = link_hrefs([tag], partial(index.below, names=("a",)))
            found[number] = (credit, tuple(u for u in (join_url(base, h) for h in hrefs) if u))
    return found if len(found) >= _NUMBERED_LINES else {}


def _first_text(tag: Tag) -> str:
    """The text an element opens with: its first string, or its first child's ("<p>Bild
    2: …", "<p><strong>Bild 2:</strong> …"); "" when it opens otherwise."""
    first = next(iter(tag.contents), None)
    if isinstance(first, Tag):
        first = next(iter(first.contents), None)
    return first if isinstance(first, str) else ""


# The elements a numbered credit line is printed in.
_NUMBERED_NAMES = ("p", "h4", "h5", "h6", "li", "small")
_NUMBERED_LINES = 2
_NUMBERED_WORDS = (
    r"\s*+(?:bild|foto|photo|image|picture|abb\.?|abbildung|fig\.?|figure|imagen|immagine)"
    r"\s*+(?P<number>\d{1,2})(?!\d)\s*+:"
)
_NUMBERED_LABEL = re.compile(_NUMBERED_WORDS, re.IGNORECASE)
_NUMBERED_CREDIT = re.compile(
    _NUMBERED_WORDS + r"\s*+(?P<credit>\S.{0,240})$", re.IGNORECASE | re.DOTALL
)


def _blanket_credit(kb: KnowledgeBase, index: PageIndex) -> str | None:
    """The credit the article prints once for all its pictures, for an image without
    one of its own: there must be only one such credit on the page."""
    return index.memo("blanket credit", index.root, _printed_for_all, index, kb)


def _printed_for_all(index: PageIndex, kb: KnowledgeBase) -> str | None:
    credits: set[str] = set()
    # Only blocks with a short text can be one (most divs wrap more text than a line: their
    # classes need not be read).
    blocks = index.named_with_words(("p", "footer"), _BLANKET_BLOCK_CHARS) + [
        div
        for div in index.named_with_words(("div",), _BLANKET_BLOCK_CHARS)
        if _credit_class(class_text(div))
    ]
    for tag in blocks:
        if not _may_be_blanket_line(tag, index):
            continue
        credit = _blanket_line(index.visible_text(tag), kb)
        if credit is None or not _in_article_text(tag, index):
            continue
        credits.add(credit)
        if len(credits) > 1:
            return None  # several: each belongs to some pictures, which is not said
    return credits.pop() if credits else None


def _may_be_blanket_line(tag: Tag, index: PageIndex) -> bool:
    """A cheap first look at a paragraph, footer, or div classed as credits: whether it
    is short, holds no picture and no block of its own, and names pictures where a
    blanket credit would."""
    length = index.words_length(tag)
    if not length or length > _BLANKET_BLOCK_CHARS or index.count(ANY_IMAGE, tag):
        return False
    if tag.name == "div" and index.first_below(tag, _BLANKET_NAMES) is not None:
        return False  # its paragraphs are looked at one by one
    if length <= _BLANKET_LINE_CHARS:
        start = (only_string(tag) or text_start(tag, _BLANKET_LINE_CHARS, " ")).lower()
        return any(word in start for word in _BLANKET_HINTS)
    return _BLANKET_START.match(text_start(tag, _BLANKET_LABEL_READ, " ")) is not None


# Enough of a long block's text to hold a blanket label that opens it.
_BLANKET_LABEL_READ = 24
# Words every blanket label holds one of (looked for before the labels themselves).
_BLANKET_HINTS = ("photo", "image", "picture", "foto", "bild", "credit", "crédit")
_BLANKET_START = re.compile(
    r"\s*+[(\[]?\s*+" + alternatives(*BLANKET_LABELS) + r"(?:\s*+:|\s++(?:by|von)\s)",
    re.IGNORECASE,
)


def _blanket_line(text: str, kb: KnowledgeBase) -> str | None:
    """The credit in a line that credits all the pictures, or None."""
    match = _BLANKET_CREDIT.search(text) or _BLANKET_BY_CREDIT.search(text)
    if match is None:
        return None
    opens = not text[: match.start("credit")].strip(" ([")
    rest = match.group("rest")
    if (not opens and len(text) > _BLANKET_LINE_CHARS) or _NOT_A_NAME.match(rest):
        return None
    if rest[:1].islower() and not opens:
        return None  # "… pictures by a reader": a sentence
    if len(lowercase_words(_COPYRIGHT_MARK.sub(" ", rest))) > 1:
        return None  # "Photos: See the progress on the new line": a headline
    if not _reads_as_names(rest, kb):
        return None  # "Photos: Inside the City's Old Metro": a gallery's title
    return _clean_credit(match.group("credit"))


def _reads_as_names(text: str, kb: KnowledgeBase) -> bool:
    """Whether what follows a blanket label reads as the names of people or
    organisations: its parts (between commas, semicolons, slashes, "and", "for", "via",
    brackets) are names (see :func:`_reads_as_name`): the only one, or more than half
    of a list (whose names may include a title: "In the Hollow Heart")."""
    text = _COPYRIGHT_MARK.sub(" , ", text)  # "(c) janedoe": a name, whatever its case
    parts = [part.strip(" .:!?\"'“”‘’-–—") for part in _NAME_SEPARATORS.split(text)]
    parts = [part for part in parts if part and not _DATE_LIKE.fullmatch(part)]
    names = sum(_reads_as_name(part, kb) for part in parts)
    return names == len(parts) or names * 2 > len(parts)


def _reads_as_name(part: str, kb: KnowledgeBase) -> bool:
    """Whether a part of a credit line reads as one name: a provider of the knowledge
    base, or a few words none of which is a headline's word (a preposition, a verb, a
    number), a possessive or a number, with lower-case particles only inside the name
    ("Library of Congress", "Ann de la Cruz")."""
    if kb.provider_named(part) is not None:
        return True
    words = part.split()
    if len(words) > _NAME_WORDS:
        return False
    for at, raw in enumerate(words):
        if _INITIAL.fullmatch(raw.rstrip(",;:")):
            continue  # "A. Bee"
        word = raw.strip(".,:!?\"'“”‘’")
        lower = word.lower()
        if _POSSESSIVE.search(word) or word[:1].isdigit():
            return False
        if lower in _NAME_PARTICLES and word.islower() and (0 < at < len(words) - 1):
            continue  # "Museum of London", "Ann de la Cruz"
        if lower == "the" and at == 0 and len(words) > 1:
            continue  # "… for the Example Times"
        if lower in _HEADLINE_WORDS:
            return False
    return True


# What separates the names of a credit line.
_NAME_SEPARATORS = re.compile(
    r"[,;/|()\[\]+]|\s(?:and|und|et|y|e|&|for|für|pour|para|per|via|[-–—])\s", re.IGNORECASE
)
# A part that is a date or a year ("14.01.2023", "2023"): no name, and no headline.
_DATE_LIKE = re.compile(r"[\d.\s-]+")
_INITIAL = re.compile(r"[A-Z]\.+")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
# How many words one name (of a person or an organisation) has at most.
_NAME_WORDS = 5
# Lower-case words inside names of people and organisations.
_NAME_PARTICLES = frozenset(
    "of the de da das do dos du la le les van von der den del della di al bin ibn ten ter "
    "zu y e".split()
)
# Words of a headline or a gallery's title that are no part of a name: prepositions,
# articles, question words, verbs, pronouns and quantifiers, numbers (not those that are
# also common names: "Will", "May", "More", "Best", "Do", "An", "Can").
_HEADLINE_WORDS = frozenset(
    """
    a the in inside at on from to into onto over under after before behind through across
    around beyond during near about with without between among against of up down out off
    how what why when where who which whose
    is are was were be been being has have had does did would could should might
    see meet watch look explore discover celebrate take takes get gets make makes go goes
    come comes
    new top most all every our your my their his her its this that these those here there
    one two three four five six seven eight nine ten twelve twenty hundred thousand first last
    """.split()
)


def _in_article_text(tag: Tag, index: PageIndex) -> bool:
    """Whether a line stands in the article, not in a figure (whose credit is its
    own), a caption, or the site's chrome."""
    if index.enclosing(tag, "figure") is not None:
        return False
    in_article = index.enclosing(tag, "article") is not None
    for ancestor in (tag, *tag.parents):
        if not isinstance(ancestor, Tag) or ancestor.name in ("body", "html"):
            break  # the classes of the whole page say nothing of one line
        if ancestor.name in _NOT_ARTICLE_TAGS or (ancestor.name == "footer" and not in_article):
            return False
        classes = class_text(ancestor)
        if classes and (
            _caption_class(classes)
            or not _NOT_ARTICLE_WORDS.isdisjoint(
                _PART_SEPARATOR.split(classes.lower().replace(" ", "-"))
            )
        ):
            return False
    return True
