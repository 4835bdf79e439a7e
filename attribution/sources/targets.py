"""Targets as users name them: a URL, an HTML file, or ``-`` for a page on stdin, and
files listing them one per line."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

from attribution.errors import UsageError

STDIN = "-"


class TargetKind(StrEnum):
    """How a target's page is read."""

    URL = "url"
    FILE = "file"
    STDIN = "stdin"
    GIVEN = "given"  # HTML handed over with its address (the web page, the HTTP API)


@dataclass(frozen=True)
class Target:
    """One page to check: ``name`` as the user gave it, ``address`` the URL its page is
    checked under (the URL itself, ``--base-url``, or the saved file's ``file:`` URL);
    ``body`` the page's bytes when they were handed over (:data:`TargetKind.GIVEN`)."""

    name: str
    kind: TargetKind
    address: str
    body: bytes | None = field(default=None, repr=False, compare=False)


def given_target(body: bytes, base_url: str) -> Target:
    """The page ``body`` handed over with its address ``base_url`` (an absolute http(s)
    URL, else :class:`UsageError`): recorded as a page read from stdin with
    ``--base-url`` is."""
    return Target(STDIN, TargetKind.GIVEN, check_base_url(base_url), body)


def is_url(text: str) -> bool:
    """Whether a target is an http(s) URL rather than a file."""
    return text.lower().startswith(("http://", "https://"))


def check_base_url(base_url: str) -> str:
    """``base_url`` when it is an absolute http(s) URL (the address a page is checked
    under); a scheme-relative address (``//host/path``, as pages often declare their
    own) is taken as https. :class:`UsageError` for anything else."""
    if base_url.startswith("//"):
        base_url = "https:" + base_url
    try:
        parts = urlsplit(base_url)
    except ValueError:  # an unclosed IPv6 bracket, say ("http://[::1")
        parts = urlsplit("")
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.hostname
        or any(character.isspace() or ord(character) < 32 for character in base_url)
    ):
        raise UsageError(
            f"--base-url {base_url!r} is not an absolute http(s) URL "
            "(give the page's address, e.g. https://example.com/news/story.html)"
        )
    return base_url


def resolve_targets(names: Sequence[str], base_url: str | None = None) -> tuple[Target, ...]:
    """Each name as a :class:`Target`; ``base_url`` is the address of files and stdin.

    Raises :class:`UsageError` when ``base_url`` is not an absolute http(s) URL, for ``-``
    without ``base_url`` (a page read from stdin has no address of its own to resolve
    its links against), and for one ``base_url`` given to several files or stdin (each
    page has its own address; one would make them all the same page).
    """
    if base_url is not None:
        base_url = check_base_url(base_url)
    if STDIN in names and not base_url:
        raise UsageError("reading a page from stdin ('-') needs --base-url URL")
    local = [name for name in names if not is_url(name)]
    if base_url and len(local) > 1:
        listed = ", ".join(local[:3]) + (", …" if len(local) > 3 else "")
        raise UsageError(
            f"--base-url is the address of one page, but {len(local)} files or stdin were "
            f"given ({listed}): check them one at a time, each with its own --base-url, "
            "or without --base-url to use the address each file declares"
        )
    return tuple(resolve_target(name, base_url) for name in names)


def resolve_target(name: str, base_url: str | None = None) -> Target:
    """One name as a :class:`Target` (see :func:`resolve_targets`)."""
    if is_url(name):
        return Target(name, TargetKind.URL, name)
    if name == STDIN:
        return Target(name, TargetKind.STDIN, base_url or "")
    return Target(name, TargetKind.FILE, base_url or Path(name).resolve().as_uri())


def parse_target_list(lines: Iterable[str]) -> list[str]:
    """The targets of a list: one per line; blank lines and ``#`` comments are skipped."""
    targets = []
    for line in lines:
        text = line.strip()
        if text and not text.startswith("#"):
            targets.append(text)
    return targets


def read_target_list(source: str) -> list[str]:
    """The targets listed in the file ``source`` (``-`` reads the list from stdin)."""
    if source == STDIN:
        return parse_target_list(sys.stdin)
    try:
        with Path(source).open(encoding="utf-8-sig") as handle:
            return parse_target_list(handle)
    except FileNotFoundError:
        raise UsageError(f"{source}: no such file of targets") from None
    except UnicodeDecodeError:
        raise UsageError(
            f"{source}: not a text file of targets (one URL or file per line)"
        ) from None
    except OSError as error:
        raise UsageError(f"{source}: cannot be read ({error.strerror})") from None
