"""Where an image comes from: the Wikimedia Commons file or Flickr photo an address names.

An image's own address (``upload.wikimedia.org``, ``live.staticflickr.com``) or a link
of its credit (a Commons file page, a Flickr photo page, a ``flic.kr`` short link) can
name the item at its source. Only items that can be asked about are recognised: Commons
files (not the files of other wikis, which Commons knows nothing of) and single Flickr
photos (not albums, galleries or groups). Any string may be given: what is not such an
address gives None, never an error.

The forms read:

- Commons: ``https://commons.wikimedia.org/wiki/File:Name.jpg`` (also the mobile host,
  ``/w/index.php?title=File:…``, the ``Image:`` namespace, ``Special:FilePath/Name``,
  and a media viewer fragment ``#/media/File:Name.jpg`` on a Commons page), and the
  files themselves on ``upload.wikimedia.org/wikipedia/commons/`` (originals,
  thumbnails, archived versions, transcoded media). Titles are normalised as MediaWiki
  does (https://www.mediawiki.org/wiki/Manual:Page_title): underscores are spaces, runs
  of spaces are one, the first letter is upper case.
- Flickr (https://www.flickr.com/services/api/misc.urls.html): photo pages
  ``/photos/USER/ID/`` on ``flickr.com``, ``www.``, ``m.`` and ``secure.``;
  ``/photo.gne?id=ID``; short links ``https://flic.kr/p/BASE58`` (base 58 of the photo
  id, in Flickr's alphabet); image files on ``*.staticflickr.com`` and
  ``*.static.flickr.com``, whose name begins with the photo id and an underscore.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from attribution.records.atsource import COMMONS, FLICKR, SourceRef

if TYPE_CHECKING:
    from urllib.parse import SplitResult

    from attribution.records.extracted import ExtractedImage

# Addresses longer than this are not looked at: no real file page or image address is.
MAX_URL_LENGTH = 4096

COMMONS_HOSTS = frozenset({"commons.wikimedia.org", "commons.m.wikimedia.org"})
COMMONS_UPLOAD_HOST = "upload.wikimedia.org"
COMMONS_PAGE = "https://commons.wikimedia.org/wiki/"
# The namespace of files, and its old name (both are canonical on every wiki).
FILE_NAMESPACES = ("file", "image")
# Special pages that name a file: Special:FilePath/Name.jpg, Special:Redirect/file/Name.jpg.
FILE_SPECIAL_PAGES = ("special:filepath/", "special:redirect/file/")
# Characters MediaWiki never allows in a title (Manual:Page_title), with the control
# characters.
_NOT_IN_TITLES = re.compile(r"[#<>\[\]|{}\x00-\x1f\x7f]")
# What MediaWiki leaves unescaped in its page addresses (wfUrlencode).
_TITLE_SAFE = ";@$!*(),/~:"

FLICKR_HOSTS = frozenset({"flickr.com", "www.flickr.com", "m.flickr.com", "secure.flickr.com"})
FLICKR_SHORT_HOSTS = frozenset({"flic.kr", "www.flic.kr"})
FLICKR_STATIC_SUFFIXES = (".staticflickr.com", ".static.flickr.com")
FLICKR_STATIC_HOSTS = frozenset({"staticflickr.com", "static.flickr.com"})
# What follows /photos/ but names no one: /photos/tags/…, /photos/upload/.
FLICKR_NOT_USERS = frozenset({"tags", "upload", "organize", "friends", "me"})
# Flickr's base 58 alphabet (misc.urls.html): no 0, O, I or l.
BASE58_ALPHABET = "123456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
_BASE58_VALUES = {character: value for value, character in enumerate(BASE58_ALPHABET)}
# Photo ids are below 2**64: at most 20 digits, at most 11 base 58 characters.
_PHOTO_ID = re.compile(r"[0-9]{1,20}")
_SHORT_ID = re.compile(f"[{BASE58_ALPHABET}]{{1,11}}")
_FLICKR_USER = re.compile(r"[A-Za-z0-9_@.-]{1,100}")
# An image file: the photo id, "_", the secret, maybe "_size", an extension.
_STATIC_FILE = re.compile(r"([0-9]{1,20})_[0-9a-f]{1,40}(?:_[0-9a-z]{1,8})?\.[a-z0-9]{2,5}")
_HASH_DIRS = re.compile(r"[0-9a-f]")
# An archived version of a Commons file: "20100101000000!Name.jpg".
_ARCHIVED = re.compile(r"[0-9]{14}!")


def locate_source(urls: Iterable[str]) -> SourceRef | None:
    """The first of ``urls`` that names a Wikimedia Commons file or a Flickr photo, as a
    :class:`SourceRef` whose ``found_in`` is that address; None when none does."""
    for url in urls:
        ref = _locate(url)
        if ref is not None:
            return ref
    return None


def image_source(image: ExtractedImage) -> SourceRef | None:
    """The source an extracted image names: its credit's links first (a credit linking
    to a Commons file page says where the picture was taken from), then its own address,
    then the other addresses the page uses for it."""
    return locate_source(_image_urls(image))


def _image_urls(image: ExtractedImage) -> Iterator[str]:
    yield from image.credit_links
    yield image.src
    yield from image.variants


def _locate(url: object) -> SourceRef | None:
    if not isinstance(url, str) or len(url) > MAX_URL_LENGTH:
        return None
    text = url.strip()
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").rstrip(".")
    except ValueError:  # an address urllib cannot split (a broken IPv6 host)
        return None
    if parts.scheme.lower() not in ("http", "https", ""):
        return None
    if host in COMMONS_HOSTS:
        key = _commons_page_title(parts)
    elif host == COMMONS_UPLOAD_HOST:
        key = _commons_upload_title(parts.path)
    elif host in FLICKR_HOSTS:
        return _flickr_page(parts, text)
    elif host in FLICKR_SHORT_HOSTS:
        return _flickr_short(parts.path, text)
    elif host in FLICKR_STATIC_HOSTS or host.endswith(FLICKR_STATIC_SUFFIXES):
        return _flickr_static(parts.path, text)
    else:
        return None
    if key is None:
        return None
    return SourceRef(COMMONS, key, commons_page_url(key), text)


# Wikimedia Commons


def commons_title(name: str) -> str | None:
    """A file's title as MediaWiki normalises it ("File:Name x.jpg") from a name with or
    without its namespace, with underscores or spaces; None when it cannot be a title."""
    if _NOT_IN_TITLES.search(name):
        return None
    name = name.replace("_", " ")
    namespace, colon, rest = name.partition(":")
    if colon and namespace.strip().lower() in FILE_NAMESPACES:
        name = rest
    name = " ".join(name.split())
    if not name or len(name) > 240 or "/" in name or name.startswith(":"):
        return None
    first = name[0].upper()
    return "File:" + (first if len(first) == 1 else name[0]) + name[1:]


def commons_page_url(title: str) -> str:
    """The address of a Commons file's description page."""
    return COMMONS_PAGE + quote(title.replace(" ", "_"), safe=_TITLE_SAFE)


def _commons_page_title(parts: SplitResult) -> str | None:
    fragment = unquote(parts.fragment)
    if fragment.startswith("/media/"):  # the media viewer open on any Commons page
        return _namespaced_file(fragment.removeprefix("/media/"))
    path = parts.path
    if path.startswith("/wiki/"):
        page = unquote(path.removeprefix("/wiki/"))
    elif path in ("/w/index.php", "/w/index.php/"):
        titles = [value for key, value in parse_qsl(parts.query) if key == "title"]
        if not titles:
            return None
        page = titles[0]
    else:
        return None
    lowered = page.lower()
    for special in FILE_SPECIAL_PAGES:
        if lowered.startswith(special):
            return commons_title(page[len(special) :])
    return _namespaced_file(page)


def _namespaced_file(page: str) -> str | None:
    """The file title of a page name in the File (or Image) namespace, else None."""
    namespace, colon, _ = page.replace("_", " ").partition(":")
    if not colon or namespace.strip().lower() not in FILE_NAMESPACES:
        return None
    return commons_title(page)


def _commons_upload_title(path: str) -> str | None:
    """The title of the Commons file an upload.wikimedia.org path serves."""
    segments = path.split("/")
    # "", "wikipedia", "commons", then the rest
    if len(segments) < 6 or segments[1] != "wikipedia" or segments[2] != "commons":
        return None
    rest = segments[3:]
    if rest[0] in ("thumb", "transcoded"):
        rest = rest[1:]
    if rest and rest[0] == "archive":
        rest = rest[1:]
    if len(rest) < 3:
        return None
    first, second, name = rest[0], rest[1], unquote(rest[2])
    if len(first) != 1 or len(second) != 2 or not second.startswith(first):
        return None
    if not (_HASH_DIRS.fullmatch(first) and _HASH_DIRS.fullmatch(second[1])):
        return None
    archived = _ARCHIVED.match(name)
    if archived is not None:
        name = name[archived.end() :]
    return commons_title(name)


# Flickr


def flickr_page_url(photo_id: str, user: str | None = None) -> str:
    """A Flickr photo's page: under its owner when known, else Flickr's own redirect."""
    if user:
        return f"https://www.flickr.com/photos/{quote(user, safe='@')}/{photo_id}/"
    return f"https://www.flickr.com/photo.gne?id={photo_id}"


def base58_decode(text: str) -> int | None:
    """The number a Flickr short link's base 58 text stands for, or None."""
    if not _SHORT_ID.fullmatch(text):
        return None
    value = 0
    for character in text:
        value = value * 58 + _BASE58_VALUES[character]
    return value


def _flickr_ref(photo_id: str, user: str | None, found_in: str) -> SourceRef | None:
    photo_id = photo_id.lstrip("0")
    if not photo_id:
        return None
    return SourceRef(FLICKR, photo_id, flickr_page_url(photo_id, user), found_in)


def _flickr_page(parts: SplitResult, found_in: str) -> SourceRef | None:
    segments = [segment for segment in parts.path.split("/") if segment]
    if segments == ["photo.gne"]:
        query = dict(parse_qsl(parts.query))
        if _PHOTO_ID.fullmatch(query.get("id", "")):
            return _flickr_ref(query["id"], None, found_in)
        return _flickr_short_id(query.get("short", ""), found_in)
    if len(segments) < 3 or segments[0] != "photos":
        return None
    user, photo_id = unquote(segments[1]), segments[2]
    if user.lower() in FLICKR_NOT_USERS or not _PHOTO_ID.fullmatch(photo_id):
        return None
    return _flickr_ref(photo_id, user if _FLICKR_USER.fullmatch(user) else None, found_in)


def _flickr_short(path: str, found_in: str) -> SourceRef | None:
    segments = [segment for segment in path.split("/") if segment]
    if len(segments) != 2 or segments[0] != "p":
        return None
    return _flickr_short_id(segments[1], found_in)


def _flickr_short_id(text: str, found_in: str) -> SourceRef | None:
    value = base58_decode(text)
    if value is None or value == 0:
        return None
    return _flickr_ref(str(value), None, found_in)


def _flickr_static(path: str, found_in: str) -> SourceRef | None:
    name = path.rsplit("/", 1)[-1]
    match = _STATIC_FILE.fullmatch(name.lower())
    if match is None:
        return None
    return _flickr_ref(match.group(1), None, found_in)
