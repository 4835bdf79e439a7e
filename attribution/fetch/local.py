"""Reading a page saved on disk or piped to standard input, within the size cap."""

from __future__ import annotations

import sys
from pathlib import Path

from attribution.errors import TargetError
from attribution.fetch.content import not_html

MAX_FILE_BYTES = 10 * 1024 * 1024


def read_stdin_page() -> bytes:
    """The page piped to standard input (at most :data:`MAX_FILE_BYTES`);
    :class:`TargetError` when it is not an HTML document."""
    return _html("-", sys.stdin.buffer.read(MAX_FILE_BYTES + 1)[:MAX_FILE_BYTES], "standard input")


def given_page(body: bytes, what: str = "the HTML given") -> bytes:
    """A page handed over whole (to the web page or the HTTP API); :class:`TargetError`
    when it is larger than :data:`MAX_FILE_BYTES` or not an HTML document."""
    if len(body) > MAX_FILE_BYTES:
        raise TargetError("-", f"{what} is larger than {MAX_FILE_BYTES // 2**20} MiB")
    return _html("-", body, what)


def _html(target: str, body: bytes, what: str) -> bytes:
    reason = not_html(body)
    if reason is not None:
        raise TargetError(target, f"{what} is not an HTML document ({reason})")
    return body


def read_file_page(target: str) -> bytes:
    """The bytes of a saved HTML file; :class:`TargetError` names the file and why not
    (missing, unreadable, too large, not an HTML document)."""
    path = Path(target)
    try:
        if path.is_dir():
            raise TargetError(target, "is a directory, not an HTML file")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise TargetError(target, f"the file is larger than {MAX_FILE_BYTES // 2**20} MiB")
        body = path.read_bytes()
    except FileNotFoundError:
        raise TargetError(
            target,
            "no such file (give a URL starting with http:// or https://, an HTML file, "
            "or - for stdin)",
        ) from None
    except OSError as error:
        raise TargetError(target, f"cannot be read ({error.strerror})") from None
    return _html(target, body, "the file")
