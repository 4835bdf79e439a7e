"""Fetching the documents a scan reads to find pages: sitemaps, feeds, robots.txt.

Unlike a page, such a document may be of any type (XML, gzip, plain text); it is
fetched under the same deadline and address policy, and its body is capped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from attribution.errors import FetchError
from attribution.fetch.session import open_stream, parse_content_type

if TYPE_CHECKING:
    import requests

    from attribution.fetch.policy import AddressPolicy
    from attribution.fetch.settings import FetchSettings


@dataclass(frozen=True)
class FetchedDocument:
    """A document as received: its final URL after redirects, status, media type and
    body (as sent: a gzipped sitemap stays gzipped), and the ``Retry-After`` the server
    gave, if any (an API that asks to be asked less often)."""

    url: str
    status: int
    media_type: str
    body: bytes
    retry_after: str | None = None


def fetch_document(
    url: str,
    settings: FetchSettings,
    session: requests.Session,
    *,
    limit: int,
    accept: str = "*/*",
    deadline: float | None = None,
    statuses_kept: frozenset[int] = frozenset(),
    truncate: bool = False,
    policy: AddressPolicy | None = None,
) -> FetchedDocument:
    """Fetch ``url`` whatever its type, its body at most ``limit`` bytes.

    An error status raises :class:`FetchError` with the status, unless it is one of
    ``statuses_kept`` (robots.txt's 404 means "allow all"): then the document is given
    back without its body. A body over ``limit`` is a :class:`FetchError` that says so,
    or with ``truncate`` is cut at ``limit`` (robots.txt: what lies beyond is ignored).
    ``policy`` says which hosts may be private (by default ``url``'s own: a document
    the user named; a document another one names is given a policy that trusts no
    host of its own).
    """
    headers = {"Accept": accept}
    with open_stream(
        url, settings, session, headers, deadline=deadline, policy=policy, what="document"
    ) as stream:
        response = stream.response
        media_type, _ = parse_content_type(response.headers.get("Content-Type"))
        if response.status_code >= 400:
            if response.status_code in statuses_kept:
                return FetchedDocument(
                    response.url,
                    response.status_code,
                    media_type,
                    b"",
                    response.headers.get("Retry-After"),
                )
            reason = f"HTTP {response.status_code} {response.reason or ''}".rstrip()
            raise FetchError(url, reason, status=response.status_code)
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit and not truncate:
            raise FetchError(url, _too_large(limit))
        chunks: list[bytes] = []
        size = 0
        # Bodies are read as sent (no decoding of Content-Encoding beyond what the
        # transport does, which it counts as it decodes).
        for chunk in stream.chunks(64 * 1024):
            size += len(chunk)
            if size > limit:
                if not truncate:
                    raise FetchError(url, _too_large(limit))
                chunks.append(chunk[: len(chunk) - (size - limit)])
                break
            chunks.append(chunk)
    return FetchedDocument(
        response.url,
        response.status_code,
        media_type,
        b"".join(chunks),
        response.headers.get("Retry-After"),
    )


def _too_large(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"larger than the {limit / (1024 * 1024):g} MiB a document may be"
    return f"larger than the {limit // 1024} KiB a document may be"
