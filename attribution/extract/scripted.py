"""Pictures a page's scripts hold in data but have not drawn (read for ``check --render``).

A slideshow draws one slide and keeps the others in JSON until the reader clicks
("var slides = [{"url": …, "caption": …}, …]"); a JavaScript front end serves
placeholders and keeps the article's own HTML, or its lead picture, in its state
("window.__STATE__ = {"heroImage": …, "content": "<figure><img …>"}"). A browser that
runs the page's scripts still shows only the first slide, and a saved page or a
front end whose scripts come from another origin draws nothing. These pictures are
published with the page all the same, so a rendered check reads them from the data:

- a **gallery**: a list of at least two items (objects), each holding a picture URL
  within a few levels, at least one with a caption or credit, and not a list of
  teasers (items that link to other pages: related stories carry a title, a picture
  and a link); each item gives its picture with its caption and credit;
- a **lead picture**: a key that names the page's main picture ("heroImage",
  "featured_image"), outside any list (in a list it is a teaser's);
- **markup**: a string of HTML that holds an ``<img>`` (the article body a front end
  keeps to draw from), handed back as it is, for its pictures to be read as any
  page's. Whether the front end prints its captions is unknown, so only the pictures
  are taken from it (see :mod:`attribution.extract`).

Only inline scripts are read: JSON scripts whole, and in JavaScript each JSON value
assigned or passed (``= {…}``, ``= […]``, ``push({…})``). This module is pure: it
parses text and walks data, within fixed bounds, whatever the page holds.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from attribution.extract.urls import IMAGE_EXTENSIONS, url_path
from attribution.textutil import clean_text, none_if_empty

# Bounds on what one page's scripts may cost.
MAX_SCRIPT_CHARS = 8_000_000  # script text read, over the page
MAX_DECODE_ATTEMPTS = 400  # places a JSON value is tried
MAX_DECODED_CHARS = 24_000_000  # characters the decoder may go through, over the page
MAX_NODES = 300_000  # values walked, over the page
MAX_ITEM_NODES = 200  # values walked inside one item, looking for its picture and texts
ITEM_DEPTH = 8  # levels inside one item where its picture and texts are looked for
MAX_MARKUP = 10  # strings of HTML handed back
MAX_MARKUP_CHARS = 2_000_000
MAX_TEXT_CHARS = 2_000  # a longer "caption" is not one (and is not read)

# Keys (lower case, letters and digits only) that name a page's main picture.
LEAD_PICTURE_KEYS = frozenset(
    {
        "heroimage",
        "heroimg",
        "leadimage",
        "leadart",
        "leadphoto",
        "mainimage",
        "mainphoto",
        "featuredimage",
        "featureimage",
        "featuredmedia",
        "coverimage",
        "primaryimage",
        "topimage",
    }
)
# Parts of a key that hold an item's caption; endings of a key that hold its credit
# ("photoCredits", "credit_name"; not "credit_style" or "credit_url").
CAPTION_KEY_PARTS = ("caption",)
CREDIT_KEY_ENDINGS = ("credit", "credits", "copyright", "creditname", "credittext", "creditline")
# Endings of a key that links an item to a page ("url", "webUrl", "affiliateLink",
# "slug"), unless the key names a picture ("imageUrl"): an item linked elsewhere is a
# teaser for that page, a product, a profile, not a picture of this one.
LINK_KEY_ENDINGS = ("url", "link", "href", "uri", "path", "slug")
PICTURE_KEY_PARTS = ("image", "img", "photo", "picture", "src", "poster", "media", "file")
# Keys that say what an item is; what they say of a teaser (a story, not a slide), as
# parts of the value ("NewsArticle", "story") or whole ("post").
TYPE_KEYS = frozenset({"type", "typename", "contenttype", "kind", "itemtype", "mediatype"})
TEASER_TYPE_PARTS = ("article", "story", "liveblog", "video", "gallery", "collection")
TEASER_TYPES = frozenset({"post", "page", "link", "product", "person", "author"})
# Keys only a person's profile has: an item with one is an author, not a slide.
PROFILE_KEYS = frozenset({"bio", "biography", "jobtitle", "email", "twitter", "socials"})
# Parts of a key under which a URL is not the item's picture.
NOT_PICTURE_KEY_PARTS = ("thumb", "icon", "avatar", "logo", "placeholder", "blur", "sprite")

# Where a JSON value starts in JavaScript: after "=" or "(" comes "{" with a quoted key,
# or "[" with an object, array or string.
_JSON_START = re.compile(r"[=(]\s*(\{\s*\"|\[\s*[\[{\"])")
_KEY_LETTERS = re.compile(r"[^a-z0-9]")
# (No pattern here can go back over what it has read: each stops at the next "<".)
_TAG = re.compile(r"<[^<>]*>")
_IMG_TAG = re.compile(r"<img\b", re.IGNORECASE)
_WHOLE_LINK = re.compile(r"<a\b([^<>]*)>[^<]*</a>", re.IGNORECASE)
_HREF = re.compile(r"""href\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"\d{1,4}")
# Script types whose text is JavaScript or JSON (JSON-LD is read as metadata, elsewhere).
_JAVASCRIPT_TYPES = frozenset(
    {"", "text/javascript", "application/javascript", "module", "text/ecmascript"}
)


@dataclass(frozen=True)
class ScriptedPicture:
    """A picture held in script data, as written there (unresolved): its URL, the other
    URLs its item gives (sizes, crops), and the caption and credit its item gives."""

    url: str
    variants: tuple[str, ...] = ()
    caption: str | None = None
    credit: str | None = None


@dataclass(frozen=True)
class ScriptData:
    """What a page's inline scripts hold: pictures, and HTML that holds pictures."""

    pictures: tuple[ScriptedPicture, ...] = ()
    markup: tuple[str, ...] = ()


def read_script_data(
    scripts: Iterable[tuple[str, str]], page_url: str = "", max_pictures: int = 500
) -> ScriptData:
    """The pictures (at most ``max_pictures``) and picture-holding HTML in inline
    scripts, given as (type, text) pairs in page order; scripts of other types are
    passed over. ``page_url`` is the page's own address: a link there (or to another
    of its numbered pages) is not a link elsewhere. Never raises; the text read, the
    values decoded and walked, the pictures and the HTML kept are all bounded."""
    walk = _Walk(_Address.of(page_url), max_pictures)
    wanted = ((kind, text) for kind, text in scripts if _wanted_script_type(kind))
    for value in _json_values(wanted):
        walk.visit(value)
        if walk.full():
            break
    return ScriptData(tuple(dict.fromkeys(walk.pictures))[:max_pictures], tuple(walk.markup))


def _wanted_script_type(script_type: str) -> bool:
    """Whether a script of this ``type`` holds JavaScript or JSON to read for data."""
    kind = script_type.strip().lower()
    return kind in _JAVASCRIPT_TYPES or (kind.endswith("json") and not kind.endswith("ld+json"))


def _json_values(scripts: Iterable[tuple[str, str]]) -> Iterator[object]:
    """The JSON values in the scripts: a JSON script's whole text, or each value a
    JavaScript assigns or passes."""
    budget = _Budget()
    for script_type, text in scripts:
        if budget.chars_left <= 0 or budget.attempts_left <= 0:
            return
        text = text[: budget.chars_left]
        budget.chars_left -= len(text)
        if script_type.strip().lower().endswith("json"):
            value = budget.decode(text.strip(), 0)
            if value is not None:
                yield value[0]
            continue
        position = 0
        while budget.attempts_left > 0:
            match = _JSON_START.search(text, position)
            if match is None:
                break
            decoded = budget.decode(text, match.start(1))
            if decoded is None:
                position = match.end(1)
                continue
            yield decoded[0]
            position = decoded[1]  # values inside this one are read by the walk


class _Budget:
    """The decoding a page may still do."""

    def __init__(self) -> None:
        self.chars_left = MAX_SCRIPT_CHARS
        self.attempts_left = MAX_DECODE_ATTEMPTS
        self.decoded_left = MAX_DECODED_CHARS
        self._decoder = json.JSONDecoder()

    def decode(self, text: str, start: int) -> tuple[object, int] | None:
        """The JSON value at ``start`` and where it ends; None when there is none or
        the budget is spent."""
        if self.attempts_left <= 0 or self.decoded_left <= 0:
            return None
        self.attempts_left -= 1
        try:
            value, end = self._decoder.raw_decode(text, start)
        except json.JSONDecodeError as error:
            self.decoded_left -= max(error.pos - start, 1)
            return None
        except (ValueError, RecursionError):  # nested deeper than the decoder goes
            self.decoded_left -= len(text) - start
            return None
        self.decoded_left -= end - start
        return value, end


@dataclass(frozen=True)
class _Address:
    """A page's address as links are compared with it: host, path segments, query."""

    host: str
    segments: tuple[str, ...]
    query: str

    @classmethod
    def of(cls, url: str) -> _Address:
        try:
            parts = urlsplit(url.strip())
        except ValueError:  # not a URL at all ("http://[")
            return cls("", (), "")
        segments = tuple(segment for segment in parts.path.split("/") if segment)
        return cls(parts.netloc.lower(), segments, parts.query)

    def is_page(self, other: _Address) -> bool:
        """Whether ``other`` is this page, or another of its numbered pages ("/story/"
        and "/story/2")."""
        if other.host and self.host and other.host != self.host:
            return False
        if other.query and other.query != self.query:
            return False  # "/story?id=55" and "/story?id=56"
        mine, theirs = self.segments, other.segments
        if len(mine) < len(theirs):
            mine, theirs = theirs, mine
        extra = mine[len(theirs) :]
        return mine[: len(theirs)] == theirs and (
            not extra or (len(extra) == 1 and _PAGE_NUMBER.fullmatch(extra[0]) is not None)
        )


class _Walk:
    """A walk over decoded values, bounded in the values it visits and the pictures it
    keeps, that collects gallery items, lead pictures and markup."""

    def __init__(self, page: _Address, max_pictures: int) -> None:
        self.nodes = 0
        self.pictures: list[ScriptedPicture] = []
        self.markup: list[str] = []
        self._markup_chars = 0
        self._page = page
        self._max_pictures = max_pictures

    def full(self) -> bool:
        """Whether the walk has done all it may."""
        return self.nodes >= MAX_NODES or len(self.pictures) >= self._max_pictures

    def visit(self, root: object) -> None:
        """Walk one decoded value. What stands for another page (a teaser, a product, a
        profile) is not gone into: its pictures and HTML are that page's."""
        # (value, whether it sits in a list, whether it is the value's root);
        # iterative, so no depth is too deep.
        stack: list[tuple[object, bool, bool]] = [(root, False, True)]
        while stack and not self.full():
            value, in_list, is_root = stack.pop()
            self.nodes += 1
            if isinstance(value, dict):
                # The object that stands for the page links to it, or is the value a
                # script assigns, linking nowhere else; it may also link to the next
                # story ("nextPostUrl") without being a teaser.
                here = self._links_here(value)
                if not here and self._teaser(value, by_type=in_list):
                    continue
                if here or is_root:
                    self._lead_pictures(value)
                stack.extend((child, False, False) for child in reversed(list(value.values())))
            elif isinstance(value, list):
                slides = self._gallery(value)
                if slides is not None:
                    self.pictures.extend(slides)
                    continue
                stack.extend((child, True, False) for child in reversed(value))
            elif isinstance(value, str):
                self._markup(value)

    def _lead_pictures(self, holder: dict[object, object]) -> None:
        for key, value in holder.items():
            if not isinstance(key, str) or _letters(key) not in LEAD_PICTURE_KEYS:
                continue
            if isinstance(value, str) and _picture_url(value):
                self.pictures.append(ScriptedPicture(value.strip()))
            elif isinstance(value, dict) and not self._teaser(value, by_type=False):
                picture = _item_picture(value, self._teaser_item)
                if picture is not None:
                    self.pictures.append(picture)

    def _gallery(self, items: list[object]) -> list[ScriptedPicture] | None:
        """The slides of a list that is a gallery; None for any other list."""
        if len(items) < 2 or not isinstance(items[0], dict):
            return None
        slides: list[ScriptedPicture] = []
        teasers = 0
        for item in items:
            if not isinstance(item, dict):
                return None
            if self._teaser(item, by_type=True):
                teasers += 1
                continue
            picture = _item_picture(item, self._teaser_item)
            if picture is not None:
                slides.append(picture)
        if len(slides) < 2 or teasers * 2 > len(items):
            return None
        if not any(slide.caption or slide.credit for slide in slides):
            return None  # pictures with nothing printed for them: a list of sizes, of teasers
        return slides

    def _teaser_item(self, item: dict[object, object]) -> bool:
        return self._teaser(item, by_type=True)

    def _teaser(self, item: dict[object, object], *, by_type: bool) -> bool:
        """Whether an item stands for another page (a link to one; a person's profile;
        ``by_type``, also an item that says it is a story, a video, a product), not a
        picture of this one. (The state a front end keeps for the page itself says it
        is a post, and links to itself.)"""
        for key, value in item.items():
            if not isinstance(key, str):
                continue
            name = _letters(key)
            if name in PROFILE_KEYS:
                return True
            if not isinstance(value, str):
                continue
            if by_type and name in TYPE_KEYS and _teaser_type(value):
                return True
            if _link_key(name) and self._elsewhere(value):
                return True
            if _has_part(name, CAPTION_KEY_PARTS) and self._wholly_a_link_elsewhere(value):
                return True  # its caption is the title of the story it links to
        return False

    def _links_here(self, item: dict[object, object]) -> bool:
        """Whether an item links to this page: the object that stands for it."""
        return any(
            isinstance(key, str)
            and isinstance(value, str)
            and _link_key(_letters(key))
            and self._is_page(value)
            for key, value in item.items()
        )

    def _elsewhere(self, link: str) -> bool:
        """Whether a link goes to a page other than this one (not a picture, an anchor,
        or this page, or another of its numbered pages)."""
        link = link.strip()
        if not link or link.startswith("#") or len(link) > 2048 or _picture_url(link):
            return False
        return not self._is_page(link)

    def _is_page(self, link: str) -> bool:
        link = link.strip()
        if not link or len(link) > 2048:
            return False
        if "/" not in link and "." not in link:  # a slug: the page's own last word?
            own = [s for s in self._page.segments if not _PAGE_NUMBER.fullmatch(s)]
            return bool(own) and own[-1] == link
        return self._page.is_page(_Address.of(link))

    def _wholly_a_link_elsewhere(self, value: str) -> bool:
        """Whether HTML text is one link to another page and nothing else
        ("<a href=…>Another story</a>")."""
        if len(value) > MAX_TEXT_CHARS:
            return False
        match = _WHOLE_LINK.fullmatch(value.strip())
        href = _HREF.search(match.group(1)) if match else None
        return href is not None and self._elsewhere(href.group(1))

    def _markup(self, value: str) -> None:
        if (
            len(self.markup) < MAX_MARKUP
            and self._markup_chars + len(value) <= MAX_MARKUP_CHARS
            and _IMG_TAG.search(value)
        ):
            self.markup.append(value)
            self._markup_chars += len(value)


def _link_key(name: str) -> bool:
    """Whether a key (in letters) names a link to a page, not a picture's address."""
    return name.endswith(LINK_KEY_ENDINGS) and not _has_part(name, PICTURE_KEY_PARTS)


def _teaser_type(value: str) -> bool:
    kind = value.strip().lower()
    return kind in TEASER_TYPES or _has_part(kind, TEASER_TYPE_PARTS)


def _item_picture(
    item: dict[object, object], teaser: Callable[[dict[object, object]], bool]
) -> ScriptedPicture | None:
    """An item's picture: the first picture URL within a few levels, in the order the
    data is written, not under a thumbnail's key and not inside a teaser (a story the
    item links to); with the caption and credit of the objects that hold it, the
    innermost first, and as variants the other picture URLs of the object around
    the one that holds it (a picture's sizes and crops)."""
    for url, holders in _picture_urls(item, ITEM_DEPTH):
        if any(teaser(holder) for holder in holders[1:]):
            continue
        caption = _field(holders, CAPTION_KEY_PARTS, ())
        credit = _field(holders, (), CREDIT_KEY_ENDINGS)
        around = holders[-2] if len(holders) >= 2 else holders[-1]
        variants = [other for other, _ in _picture_urls(around, 3) if other != url]
        return ScriptedPicture(url, tuple(dict.fromkeys(variants)), caption, credit)
    return None


def _picture_urls(
    root: dict[object, object], max_depth: int
) -> Iterator[tuple[str, list[dict[object, object]]]]:
    """Each picture URL under ``root`` within ``max_depth`` levels, in the order written,
    with the objects that hold it (``root`` first, the one whose field it is last)."""
    stack: list[tuple[str, object, int, list[dict[object, object]]]] = [("", root, 0, [])]
    seen = 0
    while stack and seen < MAX_ITEM_NODES:
        name, value, depth, holders = stack.pop()
        seen += 1
        if isinstance(value, str):
            if _picture_key(name) and _picture_url(value):
                yield value.strip(), holders
        elif depth < max_depth and _picture_key(name):
            if isinstance(value, dict):
                inner = [*holders, value]
                stack.extend(
                    (_letters(key) if isinstance(key, str) else "", child, depth + 1, inner)
                    for key, child in reversed(list(value.items()))
                )
            elif isinstance(value, list):
                stack.extend(
                    (name, child, depth + 1, holders) for child in reversed(value[:MAX_ITEM_NODES])
                )


def _field(
    holders: list[dict[object, object]], parts: tuple[str, ...], endings: tuple[str, ...]
) -> str | None:
    """The first text, from the innermost holder out, of a field whose key has one of
    ``parts`` or ends with one of ``endings``."""
    for holder in reversed(holders):
        for key, value in holder.items():
            if not isinstance(key, str) or not isinstance(value, str):
                continue
            name = _letters(key)
            wanted = _has_part(name, parts) or bool(endings and name.endswith(endings))
            if wanted and not _picture_url(value):
                text = _plain(value)
                if text:
                    return text
    return None


def _picture_key(name: str) -> bool:
    return not _has_part(name, NOT_PICTURE_KEY_PARTS)


def _picture_url(value: str) -> bool:
    """Whether a string in script data is the address of a picture file (by its
    extension: in data, "/photos/best-of-2024" is as likely a page)."""
    value = value.strip()
    return (
        0 < len(value) < 2048
        and not value.startswith(("data:", "#", "{", "<"))
        and " " not in value
        and url_path(value).lower().endswith(IMAGE_EXTENSIONS)
    )


def _has_part(name: str, parts: tuple[str, ...]) -> bool:
    return any(part in name for part in parts)


def _letters(key: str) -> str:
    """A key in lower case, letters and digits only ("hero_image" → "heroimage")."""
    return _KEY_LETTERS.sub("", key.lower())


def _plain(value: str) -> str | None:
    """The text of a caption or credit that may be written in HTML (none for text too
    long to be one)."""
    if len(value) > MAX_TEXT_CHARS:
        return None
    text = html.unescape(_TAG.sub(" ", value)) if "<" in value or "&" in value else value
    return none_if_empty(clean_text(text))
