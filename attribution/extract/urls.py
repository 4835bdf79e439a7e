"""Image URLs: resolving them, reading srcsets, and the identity shared by every size
and crop of one picture."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, quote, unquote

from attribution.extract.urlparts import forget_bases, join_to, split_url, url_hostname
from attribution.textutil import INVISIBLE_CHARACTERS, whole_characters

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".tif", ".tiff", ".heic")
# The extensions an image's identity leaves out of its file name.
_FILE_EXTENSIONS = frozenset({*IMAGE_EXTENSIONS, ".svg"})

# Placeholders shown until a script loads the picture: a data: URL, or a file named
# "blank.gif", "spacer.png", "lazy-load.jpg"… (the name read just before its extension).
_PLACEHOLDER_MARK = re.compile(r"^data:|/lazy-images/images/", re.IGNORECASE)
_PLACEHOLDER_EXTENSION = re.compile(r"\.(?:gif|png|svg|jpg)(?=$|\?)", re.IGNORECASE)
_PLACEHOLDER_NAME = re.compile(
    r"(?:^|[/_.-])(?:blank|spacer|pixel|transparent|placeholder|lazy[_-]?(?:load|placeholder)?"
    r"|loading|grey|gray|empty|1x1(?:\.trans)?|trans|clear)\Z",
    re.IGNORECASE,
)
# Longer than any name above with the character before it.
_PLACEHOLDER_NAME_READ = 24


def _is_placeholder(value: str) -> bool:
    """Whether an image URL is a placeholder. The extension is looked for first and
    the name only where one stands: one pattern for the whole, tried at every
    separator, cost most of resolving a URL."""
    if _PLACEHOLDER_MARK.search(value):
        return True
    for extension in _PLACEHOLDER_EXTENSION.finditer(value):
        end = extension.start()
        if _PLACEHOLDER_NAME.search(value, max(0, end - _PLACEHOLDER_NAME_READ), end):
            return True
    return False


_GENERIC_STEMS = frozenset(
    """
    image img photo picture pic original default master large medium small full main index
    file hero lead thumb thumbnail cover featured content raw source wide xxl xl xs lg md sm
    """.split()
)

# The size and crop suffixes of file names ("-1024x683", "-superJumbo", "_thumb", "@2x"),
# each written after a "-", "_" or "@". Words, matched without case:
SIZE_SUFFIX_WORDS = frozenset(
    """
    scaled rotated superjumbo jumbo articlelarge articleinline facebookjumbo popup
    videolarge mobilemasterat3x filmstrip sfspan tmagarticle large medium small super
    exlarge tease overlay thumbnail full orig original wide portrait landscape square
    crop cropped
    """.split()
)
# Words that go on in any letters, digits or underscores ("thumb_large", "hpSmall").
SIZE_SUFFIX_STEMS = (
    "videoSixteenByNine",
    "mediumSquare",
    "thumb",
    "threeByTwo",
    "twoByThree",
    "hp",
    "largeHorizontal",
)
# Suffixes of two words joined by a hyphen.
SIZE_SUFFIX_PAIRS = frozenset({("medium", "plus"), ("story", "body"), ("live", "video")})
# Suffixes written with numbers: "-1024x683", "-e1690000000", "-w600", "-1024w",
# "-square320", "-blog480", "-master768", "-watch1200"; "@2x" after an "@".
# A bare number is a width only from 100 to 3999: "-6730" after a photographer's file
# name is the camera's picture number, and "-028" a place in a series. From 1900 to 2099
# it is a year ("Premiere-2005.jpg", "Premiere-2008.jpg": two pictures), unless written
# with a "w".
_BARE_WIDTH = r"(?:[1-9]\d{2}|1[0-8]\d{2}|2[1-9]\d{2}|3\d{3})"
_SIZE_SUFFIX_NUMBERED = re.compile(
    r"\d{2,5}x\d{2,5}|e\d{10,}|[whq]\d{2,4}"
    rf"|{_BARE_WIDTH}w?|(?:19|20)\d{{2}}w"
    r"|(?:square|blog|master|watch)\d+",
    re.IGNORECASE,
)
_SIZE_SUFFIX_STEM = re.compile("(?:" + "|".join(SIZE_SUFFIX_STEMS) + r")\w*", re.IGNORECASE)
_RETINA = re.compile(r"@\dx")
_SUFFIX_PIECES = re.compile(r"[-_@]?[^-_@]*")

# An image URL inside another's path ("/fit-in/600x400/https://cdn.example/a.jpg").
_EMBEDDED_URL = re.compile(r"https?:/{1,2}\S++$")
_SIZE_PREFIX = re.compile(r"^\d{2,4}px-(?=.{3})", re.IGNORECASE)
_SIZE_ONLY = re.compile(r"-?\d{2,5}x-?\d{0,5}[a-z]?|[wh]\d{2,5}", re.IGNORECASE)
_FORMAT_CODE = re.compile(r"^(\d{6,10})[_-]\d{1,4}$")  # not a timestamp's picture number
_TYPO3_PROCESSED = re.compile(r"^csm_(.+)_[0-9a-f]{10}$")
_AGORA_ID = re.compile(r"^(z\d{6,})[a-z]{0,4},", re.IGNORECASE)
_ARTICLE_MEDIA_ID = re.compile(r"(?<=/)msid-\d+", re.IGNORECASE)

_IDENTIFIER = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"|(?<![0-9a-z])(?=[a-f]*\d)(?=\d*[a-f])[0-9a-f]{16,}(?![0-9a-z])",
    re.IGNORECASE,
)

_SIZE_SEGMENT = re.compile(
    r"^(?:\d{2,4}(?:x\d{0,4})?|[wh]_?\d{2,4}|size|sizes|resize(?::.*)?|fit(?::.*)?|fill(?::.*)?"
    r"|format(?::.*)?|quality(?::.*)?|filters:.*|crop(?::.*)?|c_\w+|q_\w+|f_\w+|styles|public"
    r"|large|medium|small|thumbnail|v\d|branded_news|cpsprodpb|width\d+|-?\d+x-?\d+"
    r"|\d+x\d+:\d+x\d+|thumbor|[\w-]{26,27}=|cdn-cgi|[a-z_]+=[^/]*)$",
    re.IGNORECASE,
)


def url_path(url: str) -> str:
    """The path of a URL, or "" for one too malformed to split."""
    try:
        return split_url(url)[2]
    except ValueError:
        return ""


def url_host(url: str) -> str:
    """The host of a URL, or "" for one too malformed to split."""
    try:
        return url_hostname(url) or ""
    except ValueError:
        return ""


def join_url(base: str, href: str) -> str | None:
    """A URL resolved against ``base`` (see :func:`clean_url`), or None when it cannot be."""
    if len(base) + len(href) <= _CACHED_URL_LENGTH:
        return _known_join(base, href)
    return _join(base, href)


@lru_cache(maxsize=4096)
def _known_join(base: str, href: str) -> str | None:
    return _join(base, href)


def _join(base: str, href: str) -> str | None:
    try:
        return clean_url(join_to(base, href))
    except ValueError:
        return None


# What a URL taken from a page may not carry as it is: controls, white space other than
# the space, and the characters of textutil.INVISIBLE_CHARACTERS (they would reach
# terminals, reports and the database). As browsers do, the ends lose white space and
# controls, tabs and line breaks go, and the rest are percent-encoded. A space inside
# stays as the page wrote it ("Grafik Übersicht.jpg"): it is harmless, and it is how
# the address is written where the picture is labelled.
_URL_END_JUNK = "".join(chr(c) for c in range(0x21)) + "\x7f"
_URL_UNSAFE = re.compile(f"[^\\S ]|[{INVISIBLE_CHARACTERS}]")


def clean_url(url: str) -> str:
    """A URL from a page as a browser would read it, without controls, direction marks
    or white space other than spaces in it (those inside percent-encoded)."""
    url = url.strip(_URL_END_JUNK)
    if url.isascii() and url.isprintable():
        return url  # nothing below applies to printable ASCII: the common case, at once
    url = whole_characters(url)
    if _URL_UNSAFE.search(url) is None:
        return url
    url = url.replace("\t", "").replace("\n", "").replace("\r", "")
    return _URL_UNSAFE.sub(lambda found: quote(found.group(0), safe=""), url)


def image_identity(url: str) -> str:
    """A key shared by every size and crop of one picture (srcset sizes, og:image copies).

    Uses the file name without size suffixes ("-1024x683", "-superJumbo") when it is
    distinctive, else the path without size segments ("/w600/", "/976/"). An address
    without a file name that draws the picture ("/staticmap?center=…") adds the
    parameters that name it.
    """
    # Extraction asks again for each size and copy of a picture; the answers are kept
    # for URLs of ordinary length, so that a hostile page's long ones take no memory.
    return _known_identity(url) if len(url) <= _CACHED_URL_LENGTH else _identity(url)


_CACHED_URL_LENGTH = 2048


def forget_known_urls() -> None:
    """Drop the identities, joins and resolutions kept for URLs: each page starts afresh, so that
    one page's URLs are neither kept alive nor answered for by the next."""
    _known_identity.cache_clear()
    _known_join.cache_clear()
    _known_resolution.cache_clear()
    forget_bases()


@lru_cache(maxsize=4096)
def _known_identity(url: str) -> str:
    return _identity(url)


def _identity(url: str) -> str:
    while True:  # each turn takes a shorter URL out of the one before
        try:
            _, _, path, query, _ = split_url(url)
        except ValueError:
            return url
        wrapped = _wrapped_image(query)
        if wrapped is not None:
            url = wrapped
            continue
        path = unquote(path)
        # (The patterns below are tried only where the text they need is there.)
        embedded = _EMBEDDED_URL.search(path[1:]) if "http" in path else None
        if embedded and embedded.start() > 0:
            url = embedded.group(0).replace(":/", "://", 1).replace(":///", "://")
            continue
        break
    if query and not path.lower().endswith((*IMAGE_EXTENSIONS, ".svg")):
        # No image's file name but an address that draws the picture
        # ("/maps/api/staticmap?center=…", "/resize?id=…", "/getimage.php?id=42"): its
        # parameters other than size and format name the picture.
        return _path_identity(url.split("?", 1)[0], path) + _picture_query(query)
    return _path_identity(url, path)


def _path_identity(url: str, path: str) -> str:
    """The identity of an image URL by its (unquoted) path."""
    filename = path.rsplit("/", 1)[-1]
    stem = filename
    while True:
        base, dot, ext = stem.rpartition(".")
        if dot and ("." + ext.lower()) in _FILE_EXTENSIONS:
            stem = base
            continue
        break
    if stem.startswith("csm_"):
        # TYPO3's processed files: "csm_<name>_<checksum of the rendition>"
        stem = _TYPO3_PROCESSED.sub(r"\1", stem)
    identifier = _IDENTIFIER.search(stem) if len(stem) >= 16 else None
    if identifier:
        return identifier.group(0).lower()
    article_id = _ARTICLE_MEDIA_ID.search(path) if "d-" in path or "D-" in path else None
    if article_id:
        return article_id.group(0).lower()  # Times Internet: ".../msid-103986512,width-1070/…"
    agora = _AGORA_ID.match(stem)
    if agora:
        return agora.group(1)  # Agora: "z29874506IER,Slug.jpg" and "z29874506IH,Slug.jpg"
    stem = _SIZE_PREFIX.sub("", stem)  # MediaWiki thumbnails: "250px-Harbour.jpg"
    stem = strip_size_suffixes(stem).lower().strip("-_")
    if stem[:1].isdigit():
        stem = _FORMAT_CODE.sub(r"\1", stem)  # "66890123_605", "66890123_6": one picture
    number = stem if stem.isdigit() else ""
    if _SIZE_ONLY.fullmatch(stem) or _SIZE_SEGMENT.match(stem):
        stem = ""  # "1200x-1.jpg", ".../40127/resize:format=preview": the folder names it
    if len(stem) >= 5 and stem not in _GENERIC_STEMS and not stem.isdigit():
        return stem
    generic = not stem or stem in _GENERIC_STEMS
    if generic:
        folder_id = _IDENTIFIER.search(path)  # ".../file/<uuid>/image.png"
        if folder_id:
            return folder_id.group(0).lower()
    raw = [s for s in path.lower().split("/") if s]
    segments = [s for s in raw if not _SIZE_SEGMENT.match(s)]
    file_kept = bool(raw) and bool(segments) and segments[-1] == raw[-1]
    if generic and not file_kept:
        return "/".join(segments) or url  # the file segment was a size: the folders name it
    if number and file_kept and not any(_HAS_DIGIT.search(s) for s in segments[:-1]):
        # "/uploads/014.jpg", "/uploads/1107.jpg": no folder names a picture, so the number
        # does (a width is a file name only in a folder of one picture's sizes).
        segments[-1] = number
        return "/".join(segments)
    if generic and len(segments) > 2:
        # ".../habeck-bundestag/wide__820x461": the folder names the picture, the file
        # only its rendition
        segments = segments[:-1]
    elif segments:
        segments[-1] = stem or segments[-1]
    return "/".join(segments) or url


_HAS_DIGIT = re.compile(r"\d")
_SMALL_NUMBER = re.compile(r"\d{1,4}(?:\.\d+)?")

# Parameters of an image address that choose its size, format, crop or cache copy, or carry
# a key or signature: the same picture whatever their values.
_RENDITION_PARAMETERS = frozenset(
    """
    w h width height size sz s q quality fm format fit crop auto dpr scale mode rect resize
    ixlib ixid cs v ver version t ts cb cache itok sig signature token key client hash
    bg blur sharp rotate orient trim output
    """.split()
)


# Parameters named as what picks the picture ("getimage.php?id=42", "show?photo=7",
# "?image_id=3"): kept whatever their value, small numbers too.
_PICTURE_PARAMETERS = frozenset(
    """
    id i img image images photo photos pic picture file filename fname name src path media
    asset item p pid imageid imgid photoid fileid mediaid assetid
    """.split()
)


def _picture_query(query: str) -> str:
    """The parameters of a query that name a picture, sorted, as "?name=value&…" ("" for
    none): those named as a picture's (:data:`_PICTURE_PARAMETERS`, or ending in "_id")
    whatever their values; of the others, not those of :data:`_RENDITION_PARAMETERS`,
    nor empty ones, nor small numbers (up to four digits: sizes, quality, zoom, a
    version)."""
    kept = sorted(
        (name, value)
        for name, value in parse_qsl(query)
        if _names_picture(name.lower())
        or (name.lower() not in _RENDITION_PARAMETERS and not _SMALL_NUMBER.fullmatch(value))
    )
    return ("?" + "&".join(f"{name}={value}" for name, value in kept)) if kept else ""


def _names_picture(name: str) -> bool:
    """Whether a query parameter is named as what picks the picture."""
    return name in _PICTURE_PARAMETERS or name.endswith(("_id", "-id"))


def numbered_folders(url: str) -> tuple[str, ...]:
    """The folders of an image URL that are numbers of five digits or more or dates
    ("/20220115/", "/2022-01-15/", "/gen/2491664/"): an upload's id or day, never a size.

    Two images with one file name in different such folders are different pictures
    ("/20220115/bulletin.png" and "/20220116/bulletin.png")."""
    folders = url_path(url).split("/")[:-1]
    return tuple(folder for folder in folders if _NUMBERED_FOLDER.fullmatch(folder))


_NUMBERED_FOLDER = re.compile(r"\d{5,}|\d{4}-\d{2}-\d{2}")


def filed_month(url: str) -> tuple[int, int] | None:
    """The (year, month) a publishing system filed an image under, from the dated folders
    of its URL ("/2020/11/02/", "/2020/11/", "/20201102/", "/2020-11-02/"); None when its
    folders hold no date."""
    match = _DATED_FOLDERS.search(url_path(url))
    if match is None:
        return None
    year, month = int(match["year"] or match["year8"]), int(match["month"] or match["month8"])
    return (year, month) if 1990 <= year <= 2100 and 1 <= month <= 12 else None


_DATED_FOLDERS = re.compile(
    r"/(?:(?P<year>\d{4})(?:/|-)(?P<month>\d{2})(?=/|-\d{2}/)"
    r"|(?P<year8>\d{4})(?P<month8>\d{2})\d{2}(?=/))"
)


def strip_size_suffixes(stem: str) -> str:
    """A file name's stem without the size and crop suffixes it ends in
    ("harbour-1024x683", "harbour_thumb_large@2x": "harbour").

    The stem is cut into pieces at each "-", "_" and "@", and suffixes are taken off the
    end one at a time, the shortest first: linear in the length of the stem.
    """
    pieces = [piece for piece in _SUFFIX_PIECES.findall(stem) if piece]
    end = len(pieces)
    while end > 0:
        taken = _suffix_pieces(pieces, end)
        if not taken:
            break
        end -= taken
    return "".join(pieces[:end])


def _suffix_pieces(pieces: list[str], end: int) -> int:
    """How many of ``pieces[:end]`` the size suffix that ends them takes (0 for none)."""
    last = pieces[end - 1]
    if _is_size_piece(last):
        return 1
    separator, word = last[:1], last[1:].lower()
    if (
        separator == "-"
        and end >= 2
        and pieces[end - 2][:1] in "-_"
        and (pieces[end - 2][1:].lower(), word) in SIZE_SUFFIX_PAIRS
    ):
        return 2  # "-medium-plus"
    if (
        separator == "-"
        and end == 3
        and _QUALITY.fullmatch(word)
        and pieces[1][:1] == "-"
        and _WIDTH.fullmatch(pieces[1][1:])
        and _ASSET_ID.fullmatch(pieces[0])
    ):
        return 2  # "<asset id>-970-80": a width, then the compression's quality
    # "_thumb_foo": a word that goes on in letters, digits and underscores.
    start = end - 1
    while start > 0 and pieces[start][:1] == "_" and _WORD_CHARS.fullmatch(pieces[start][1:]):
        start -= 1
        if pieces[start][:1] in "-_" and _SIZE_SUFFIX_STEM.fullmatch(pieces[start][1:]):
            return end - start
    return 0


_WORD_CHARS = re.compile(r"\w*")
_WIDTH = re.compile(_BARE_WIDTH)
_QUALITY = re.compile(r"[6-9]\d")
# A name a media store gives a file: letters and digits mixed, at least 12 of them (the
# look behind keeps a search linear: a match starts only where a run of them starts).
_ASSET_ID = re.compile(r"(?<![A-Za-z0-9])(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z0-9]{12,}")


def _is_size_piece(piece: str) -> bool:
    """Whether one piece ("-large", "_1024x683", "@2x") is a size suffix on its own."""
    if piece[:1] == "@":
        return _RETINA.fullmatch(piece) is not None
    if piece[:1] not in ("-", "_"):
        return False
    word = piece[1:]
    return (
        word.lower() in SIZE_SUFFIX_WORDS
        or _SIZE_SUFFIX_NUMBERED.fullmatch(word) is not None
        or _SIZE_SUFFIX_STEM.fullmatch(word) is not None
    )


_WRAPPER_PARAMS = ("url", "src", "u", "image", "img", "file")


def _wrapped_image(query: str) -> str | None:
    """The image URL that a resizing endpoint takes as a parameter
    ("/_next/image?url=…", "/imrs.php?src=…"), or None."""
    if not query or "=" not in query:
        return None
    if "%" not in query and "+" not in query:
        # Names written plainly: the query names one of the parameters or none does.
        lowered = query.lower()
        if not any(name + "=" in lowered for name in _WRAPPER_PARAMS):
            return None
    for name, value in parse_qsl(query):
        if name.lower() in _WRAPPER_PARAMS and (
            value.startswith(("http://", "https://", "/")) and looks_like_image_url(value)
        ):
            return value
    return None


def resolve_url(base: str, value: str | None) -> str | None:
    """An absolute http(s) or file URL for an attribute value; None for placeholders.

    A ``file:`` URL only on a page that is itself a file: a web page cannot show the
    reader's files (browsers refuse), so such an image is not the page's picture.
    """
    if not value:
        return None
    if len(base) + len(value) <= _CACHED_URL_LENGTH:
        return _known_resolution(base, value)
    return _resolve(base, value)


@lru_cache(maxsize=4096)
def _known_resolution(base: str, value: str) -> str | None:
    return _resolve(base, value)


def _resolve(base: str, value: str) -> str | None:
    value = value.strip().strip("'\"")
    if not value or value.startswith(("data:", "javascript:", "about:", "#", "blob:")):
        return None
    if value.lower() in _SCRIPT_VALUES:
        return None  # a script wrote its empty value into the attribute: data-url="null"
    if _is_placeholder(value) or _PLAYER_PAGE.search(value):
        return None
    resolved = _join(base, value)  # (kept with the resolution: not kept again as a join)
    if resolved is None:
        return None
    return resolved if shown_by(resolved, base) else None


# The page of a video player that a lazy loader's stand-in <img> names for the frame it
# will become ("<img data-src='https://www.youtube.com/embed/…'>"): no picture.
_PLAYER_PAGE = re.compile(
    r"^(?:https?:)?//(?:www\.)?(?:youtube(?:-nocookie)?\.com/embed/|player\.vimeo\.com/video/"
    r"|dailymotion\.com/embed/|facebook\.com/plugins/video)",
    re.IGNORECASE,
)


# What a script writes into an attribute it has no URL for.
_SCRIPT_VALUES = frozenset({"null", "undefined", "none", "false", "true", "nan", "0"})


def shown_by(url: str, page: str) -> bool:
    """Whether a page at ``page`` can show what is at ``url``: any http(s) address with a
    host, and a ``file:`` one only when the page is itself a file (a web page cannot show
    the reader's files; browsers refuse)."""
    if url.startswith("https://"):
        return url[8:9] not in _NO_HOST
    if url.startswith("http://"):
        return url[7:8] not in _NO_HOST
    return url.startswith("file:") and page.startswith("file:")


# What may follow "http(s)://" where a URL names no host ("https://:0", from the "//:0"
# some templates write for a picture their script has not filled in).
_NO_HOST = frozenset(("", "/", ":", "?", "#", "@"))


_SRCSET_SEPARATOR = re.compile(r",\s+(?=\S)|,(?=https?:|/)")
_SRCSET_NUMBER = re.compile(r"([\d.]+)")


def srcset_urls(value: str | None) -> list[tuple[float, str]]:
    """(width or density, url) pairs of a srcset, in the order written."""
    if not value:
        return []
    pairs: list[tuple[float, str]] = []
    for candidate in _SRCSET_SEPARATOR.split(value):
        parts = candidate.strip().split()
        if not parts:
            continue
        size = 0.0
        if len(parts) > 1:
            number = _SRCSET_NUMBER.match(parts[-1])
            if number:
                try:
                    size = float(number.group(1)) * (1 if parts[-1].endswith("w") else 1000)
                except ValueError:
                    size = 0.0
        pairs.append((size, parts[0]))
    return pairs


def looks_like_image_url(value: str) -> bool:
    """Whether a URL names an image file (by extension or path)."""
    path = url_path(value.strip()).lower()
    return path.endswith(IMAGE_EXTENSIONS) or "/image" in path or "/photo" in path
