"""Which URLs listed by a sitemap or a feed are pages to check.

Sitemaps and feeds list documents of every kind: PDFs, images, videos, other sitemaps.
Only HTML pages are checked; what each other URL is, is told by the extension of its
path, from the lists below (data to review, not code).
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

# Extensions (lower case, without the dot) of files that are not HTML pages.
IMAGE_EXTENSIONS = frozenset(
    {
        "jpg", "jpeg", "jpe", "jfif", "pjpeg", "png", "apng", "gif", "webp", "avif",
        "bmp", "tif", "tiff", "svg", "svgz", "ico", "heic", "heif", "jxl", "jp2", "psd",
        "raw", "cr2", "nef", "dng", "eps",
    }
)  # fmt: skip
VIDEO_EXTENSIONS = frozenset(
    {
        "mp4", "m4v", "mov", "avi", "wmv", "webm", "mkv", "flv", "mpg", "mpeg", "3gp",
        "ogv", "m3u8", "mpd", "ts",
    }
)  # fmt: skip
AUDIO_EXTENSIONS = frozenset(
    {"mp3", "m4a", "aac", "wav", "flac", "ogg", "oga", "opus", "wma", "mid", "midi", "m3u"}
)
DOCUMENT_EXTENSIONS = frozenset(
    {
        "pdf", "doc", "docx", "odt", "rtf", "txt", "xls", "xlsx", "ods", "csv", "ppt",
        "pptx", "odp", "key", "pages", "numbers", "epub", "mobi",
    }
)  # fmt: skip
ARCHIVE_EXTENSIONS = frozenset(
    {"zip", "gz", "tgz", "bz2", "xz", "zst", "7z", "rar", "tar", "iso", "dmg"}
)
# Machine-readable data: feeds, sitemaps, JSON, calendars, maps.
DATA_EXTENSIONS = frozenset(
    {"xml", "rss", "atom", "rdf", "json", "jsonld", "geojson", "kml", "kmz", "gpx", "ics", "vcf"}
)
# What a page loads, and programs.
ASSET_EXTENSIONS = frozenset(
    {
        "css", "js", "mjs", "map", "wasm", "woff", "woff2", "ttf", "otf", "eot", "swf",
        "exe", "msi", "apk", "deb", "rpm", "bin",
    }
)  # fmt: skip

NOT_PAGE_EXTENSIONS = (
    IMAGE_EXTENSIONS
    | VIDEO_EXTENSIONS
    | AUDIO_EXTENSIONS
    | DOCUMENT_EXTENSIONS
    | ARCHIVE_EXTENSIONS
    | DATA_EXTENSIONS
    | ASSET_EXTENSIONS
)

# White space and control characters, which no URL holds.
_NOT_IN_A_URL = re.compile(r"[\s\x00-\x1f\x7f]")

# The longest extension looked at: a "." deeper in a long last segment is a word.
_LONGEST_EXTENSION = max(len(extension) for extension in NOT_PAGE_EXTENSIONS)


def page_url_reason(url: str) -> str | None:
    """Why ``url`` is not an HTML page to check, by the extension of its path (e.g.
    ``"not a page (.pdf)"``), or None when it may be one.

    Only the path counts: ``/report.pdf?download=1`` is a PDF, ``/article?file=a.pdf``
    a page. A path without an extension, with a page's (``.html``, ``.php``…), or ending
    in ``/`` may be a page; the fetch sees what it really is.
    """
    try:
        path = urlsplit(url.strip()).path
    except ValueError:
        return None
    name = unquote(path).rpartition("/")[2]
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension) > _LONGEST_EXTENSION:
        return None
    extension = extension.lower()
    if extension in NOT_PAGE_EXTENSIONS:
        return f"not a page (.{extension})"
    return None


def absolute_http_url(text: str) -> str | None:
    """``text`` trimmed, when it is an absolute http(s) URL with a host and nothing a URL
    cannot hold (white space or control characters inside); None otherwise."""
    url = text.strip()
    if not url.lower().startswith(("http://", "https://")):
        return None
    if _NOT_IN_A_URL.search(url):
        return None
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a port that is not a number
    except ValueError:
        return None
    if not parts.hostname:
        return None
    return url
