"""Splitting URLs and joining them to a page's address, with the answers of
``urllib.parse`` at a fraction of its cost.

A page resolves hundreds of URLs against one address, and ``urljoin`` parses that
address again for each of them. Here the address is parsed once, and URLs written in
the plain characters nearly every page uses (no white space, controls, brackets,
semicolons or non-ASCII letters) are split and joined directly. Any other URL, or a
join that needs dot segments worked out, goes to ``urllib.parse`` itself, so every
answer is the one ``urlsplit`` and ``urljoin`` give.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import ParseResult, urljoin, urlparse, urlsplit

# The characters of a plain URL: urlsplit neither strips, removes nor checks any of them,
# and urlparse finds no parameters (";") among them.
_PLAIN = re.compile(r"[A-Za-z0-9\-._~/%!$&'()*+,=@:?#]+")
# A scheme as urlsplit reads one: letters, digits, "+", "-", "." up to the first colon.
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")

Parts = tuple[str, str, str, str, str]  # scheme, netloc, path, query, fragment


def split_url(url: str) -> Parts:
    """``tuple(urlsplit(url))``; raises ValueError where ``urlsplit`` does."""
    if _PLAIN.fullmatch(url) is None:
        return tuple(urlsplit(url))  # type: ignore[return-value]
    return _split_plain(url, "")[0]


def _split_plain(url: str, scheme: str) -> tuple[Parts, bool]:
    """What ``urlsplit(url, scheme)`` gives for a URL of plain characters, and whether
    the URL names a host part ("//…", perhaps an empty one)."""
    if url.startswith("https:"):
        scheme, url = "https", url[6:]
    elif url.startswith("http:"):
        scheme, url = "http", url[5:]
    else:
        found = _SCHEME.match(url)
        if found is not None:
            scheme = url[: found.end() - 1].lower()
            url = url[found.end() :]
    netloc = query = fragment = ""
    authority = url[:2] == "//"
    if authority:
        end = len(url)
        for delimiter in "/?#":
            at = url.find(delimiter, 2)
            if 0 <= at < end:
                end = at
        netloc, url = url[2:end], url[end:]
    if "#" in url:
        url, fragment = url.split("#", 1)
    if "?" in url:
        url, query = url.split("?", 1)
    return (scheme, netloc, url, query, fragment), authority


def url_hostname(url: str) -> str | None:
    """``urlsplit(url).hostname``; raises ValueError where ``urlsplit`` does."""
    if _PLAIN.fullmatch(url) is None:
        return urlsplit(url).hostname
    hostinfo = _split_plain(url, "")[0][1].rpartition("@")[2]
    hostname = hostinfo.partition(":")[0]
    if not hostname:
        return None
    name, percent, zone = hostname.partition("%")
    return name.lower() + percent + zone


def join_to(base: str, url: str) -> str:
    """``urljoin(base, url)``; raises ValueError where ``urljoin`` does."""
    if not base or not url or _PLAIN.fullmatch(url) is None:
        return urljoin(base, url)
    parsed = _parsed_base(base)
    if parsed is None:
        return urljoin(base, url)
    bscheme, bnetloc, bpath, _, bquery, _ = parsed
    (scheme, netloc, path, query, fragment), authority = _split_plain(url, bscheme)
    if scheme != bscheme:
        return url
    if authority and not netloc:
        return urljoin(base, url)  # "///x": an empty host
    if not netloc:
        netloc = bnetloc
        if not path:
            path = bpath
            query = query or bquery
        elif path[0] != "/":
            if _has_dot_segment(path) or "//" in path:
                return urljoin(base, url)
            path = bpath[: bpath.rfind("/") + 1] + path
        elif _has_dot_segment(path):
            return urljoin(base, url)
    if path and path[0] != "/":
        path = "/" + path
    joined = f"{scheme}://{netloc}{path}"
    if query:
        joined += "?" + query
    if fragment:
        joined += "#" + fragment
    return joined


def _has_dot_segment(path: str) -> bool:
    """Whether a path has a segment "." or "..", which a join removes with the segment
    before it."""
    return "." in path and (
        path in (".", "..")
        or path.startswith(("./", "../"))
        or path.endswith(("/.", "/.."))
        or "/./" in path
        or "/../" in path
    )


@lru_cache(maxsize=64)
def _parsed_base(base: str) -> ParseResult | None:
    """The base as ``urljoin`` parses it, when joins to it can be worked out here: an
    http(s) address with a host, no parameters, and a path without dot segments or
    empty segments (which ``urljoin`` drops from relative joins)."""
    try:
        parsed = urlparse(base, "")
    except ValueError:
        return None
    if parsed.scheme not in ("http", "https") or not parsed.netloc or parsed.params:
        return None
    if _has_dot_segment(parsed.path) or "//" in parsed.path:
        return None
    return parsed


def forget_bases() -> None:
    """Drop the addresses kept parsed (see :func:`join_to`)."""
    _parsed_base.cache_clear()
