"""Reading image files for their embedded metadata: the head of each file with an
HTTP Range request, the whole (capped) file when it carries Content Credentials, and
images beside a saved page from disk. :class:`ImageReader` reads each URL once a run."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import requests

from attribution.embedded import has_content_credentials, read_embedded, sniff_format
from attribution.errors import FetchError
from attribution.fetch.session import (
    make_session,
    open_stream,
    parse_content_type,
    read_chunks,
)
from attribution.fetch.settings import FetchSettings
from attribution.records import Embedded


@dataclass(frozen=True)
class FetchedImage:
    """The bytes of an image file read for its metadata.

    ``complete`` says whether ``data`` is the whole file; ``transferred`` counts the
    body bytes received (a server that ignores Range sends more than is kept).
    """

    url: str
    data: bytes
    complete: bool
    content_type: str
    transferred: int
    ranged: bool


def fetch_image(
    url: str,
    settings: FetchSettings | None = None,
    session: requests.Session | None = None,
    *,
    whole: bool = False,
) -> FetchedImage:
    """Fetch the head of an image file with a Range request, or the whole (capped) file.

    When the server ignores Range, only the first ``image_head_bytes`` are read and the
    connection is closed. Raises :class:`FetchError` for an error status, a file over
    ``max_image_bytes`` (when the whole file is wanted), a timeout or a broken connection.
    """
    settings = settings or FetchSettings()
    own_session = session is None
    session = session or make_session(settings)
    limit = settings.max_image_bytes if whole else settings.image_head_bytes
    headers = {"Accept": "image/*,*/*;q=0.5"}
    if not whole:
        headers["Range"] = f"bytes=0-{limit - 1}"
    started = time.monotonic()
    try:
        response = open_stream(url, settings, session, headers)
        with response:
            if response.status_code == 416:
                return FetchedImage(response.url, b"", True, "", 0, True)
            if response.status_code >= 400:
                raise FetchError(
                    url, f"HTTP {response.status_code} {response.reason or ''}".rstrip()
                )
            media_type, _ = parse_content_type(response.headers.get("Content-Type"))
            ranged = response.status_code == 206
            total = _declared_total(response)
            if whole and total is not None and total > limit:
                raise FetchError(url, f"the image is larger than {limit // 2**20} MiB")
            data, transferred, ended = _read_up_to(url, response, limit, settings, started, whole)
    finally:
        if own_session:
            session.close()
    complete = ended if not ranged else total is not None and len(data) >= total
    return FetchedImage(response.url, data, complete, media_type, transferred, ranged)


def _declared_total(response: requests.Response) -> int | None:
    """The whole file's size from Content-Range (206) or Content-Length (200)."""
    content_range = response.headers.get("Content-Range", "")
    if "/" in content_range:
        total = content_range.rsplit("/", 1)[1].strip()
        return int(total) if total.isdigit() else None
    length = response.headers.get("Content-Length", "")
    return int(length) if length.isdigit() and response.status_code == 200 else None


def _read_up_to(
    url: str,
    response: requests.Response,
    limit: int,
    settings: FetchSettings,
    started: float,
    whole: bool,
) -> tuple[bytes, int, bool]:
    """Read at most ``limit`` bytes; (data, bytes received, whether the body ended)."""
    too_slow = f"the image took longer than {settings.total_timeout:g} s"
    chunks: list[bytes] = []
    size = 0
    for chunk in read_chunks(
        url, response, settings, started, chunk_size=64 * 1024, too_slow=too_slow
    ):
        size += len(chunk)
        chunks.append(chunk)
        if size >= limit:
            if whole and size > limit:
                raise FetchError(url, f"the image is larger than {limit // 2**20} MiB")
            return b"".join(chunks)[:limit], size, False
    return b"".join(chunks), size, True


class ImageReader:
    """Reads the metadata of image files over HTTP, each URL once per run.

    The head of each file is fetched with a Range request; a file that carries
    Content Credentials is then fetched whole (capped) so the manifest can be
    validated. Failures become an :class:`Embedded` whose ``problem`` says why.
    """

    def __init__(self, settings: FetchSettings | None = None) -> None:
        self.settings = settings or FetchSettings()
        self._cache: dict[str, Embedded] = {}
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()

    def read_all(self, urls: Iterable[str]) -> dict[str, Embedded]:
        """The metadata of every URL (fetched in parallel, cached for the run)."""
        urls = list(urls)  # read twice below; a generator would be spent by the first pass
        wanted = [u for u in dict.fromkeys(urls) if u not in self._cache]
        web = [u for u in wanted if u.startswith(("http://", "https://"))]
        for url in wanted:
            if url not in web:
                self._cache[url] = self._read_local(url)
        if web:
            with ThreadPoolExecutor(max_workers=self.settings.image_workers) as pool:
                for url, found in zip(web, pool.map(self.read, web), strict=True):
                    self._cache[url] = found
        return {u: self._cache[u] for u in urls if u in self._cache}

    def read(self, url: str) -> Embedded:
        """The metadata of one image file; never raises for a bad file or server."""
        session = self._session()
        try:
            head = fetch_image(url, self.settings, session)
            image_format = sniff_format(head.data)
            if image_format is None:
                kind = f" (Content-Type: {head.content_type})" if head.content_type else ""
                reason = "empty file" if not head.data else f"not an image{kind}"
                return Embedded(problem=reason)
            if has_content_credentials(head.data, image_format) and not head.complete:
                whole = fetch_image(url, self.settings, session, whole=True)
                return read_embedded(whole.data, complete=whole.complete)
            return read_embedded(head.data, complete=head.complete)
        except FetchError as error:
            return Embedded(problem=error.reason)

    def _read_local(self, url: str) -> Embedded:
        """An image beside a saved page (a file: URL), read from disk."""
        if not url.startswith("file:"):
            return Embedded(problem="not fetched: not an http(s) or file URL")
        path = Path(url2pathname(urlsplit(url).path))
        try:
            with path.open("rb") as handle:
                data = handle.read(self.settings.max_image_bytes + 1)
        except OSError as error:
            return Embedded(problem=f"cannot be read ({error.strerror})")
        if len(data) > self.settings.max_image_bytes:
            return Embedded(problem=f"larger than {self.settings.max_image_bytes // 2**20} MiB")
        return read_embedded(data, complete=True)

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = make_session(self.settings)
            self._local.session = session
            with self._lock:
                self._sessions.append(session)
        return session

    def close(self) -> None:
        """Close every HTTP session the reader opened."""
        for session in self._sessions:
            session.close()
