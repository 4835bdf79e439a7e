"""Reading image files for their embedded metadata: the head of each file with an
HTTP Range request, the whole (capped) file when it carries Content Credentials, and
images beside a saved page from disk. :class:`ImageReader` reads each URL once a run
(for the pages of one host, or of one folder).

Local files are read only for a page that is itself a local file, only from that
page's folder (after following symbolic links), only when they are regular files
(opened without blocking, so a FIFO or a device never holds the check) and within
``max_image_bytes``. Images over HTTP are held to the address policy of
:mod:`attribution.fetch.policy`: only the page's own host may be private.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from urllib.request import url2pathname

import requests

from attribution.errors import FetchError, StorageError, TargetError
from attribution.fetch.policy import AddressPolicy, url_host
from attribution.fetch.session import make_session, open_stream, parse_content_type
from attribution.fetch.settings import FetchSettings
from attribution.imagefiles import has_content_credentials, sniff_format
from attribution.records import Embedded

if TYPE_CHECKING:
    from attribution.fetch.session import Stream

Parse = Callable[[bytes, bool], Embedded]
"""Reads the metadata of an image file's bytes; the flag says they are the whole file."""

NOT_A_LOCAL_PAGE = "not read: a local file named by a page that is not itself a local file"
OUT_OF_TIME = "not read: the page's time budget ran out"
OUTSIDE_FOLDER = "not read: the file is outside the saved page's folder"
NOT_REGULAR = "not read: not a regular file"
ANOTHER_MACHINE = "not read: a file on another machine"
# How many images' metadata a reader keeps, for the pages that show them again.
IMAGES_REMEMBERED = 4096
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO opens at once instead of waiting for a writer
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def parse_embedded(data: bytes, complete: bool) -> Embedded:
    """The default :data:`Parse`: :func:`attribution.embedded.read_embedded`."""
    # Loaded at the first use: a check whose pages are parsed in the budgeted child has
    # the child read the files, and never needs the readers here.
    from attribution.embedded import read_embedded

    return read_embedded(data, complete=complete)


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
    deadline: float | None = None,
    page_url: str | None = None,
) -> FetchedImage:
    """Fetch the head of an image file with a Range request, or the whole (capped) file.

    When the server ignores Range, only the first ``image_head_bytes`` are read and the
    connection is closed. ``page_url`` is the page that shows the image: only its host
    may be at a private address (see :mod:`attribution.fetch.policy`); without it the
    image is a target of its own and its own host may be. The fetch ends at
    ``total_timeout`` or at ``deadline`` (a :func:`time.monotonic` value), whichever
    comes first. Raises :class:`FetchError` for an error status, a file over
    ``max_image_bytes`` (when the whole file is wanted), a private address that is not
    allowed, a timeout or a broken connection.
    """
    settings = settings or FetchSettings()
    own_session = session is None
    session = session or make_session(settings)
    limit = settings.max_image_bytes if whole else settings.image_head_bytes
    headers = {"Accept": "image/*,*/*;q=0.5"}
    if not whole:
        headers["Range"] = f"bytes=0-{limit - 1}"
    policy = AddressPolicy.for_target(settings, url if page_url is None else page_url)
    try:
        with open_stream(
            url, settings, session, headers, deadline=deadline, policy=policy, what="image"
        ) as stream:
            response = stream.response
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
            data, transferred, ended = _read_up_to(url, stream, limit, whole)
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


def _read_up_to(url: str, stream: Stream, limit: int, whole: bool) -> tuple[bytes, int, bool]:
    """Read at most ``limit`` (decoded) bytes; (data, bytes received, whether the body
    ended)."""
    chunks: list[bytes] = []
    size = 0
    for chunk in stream.chunks(64 * 1024):
        size += len(chunk)
        chunks.append(chunk)
        if size >= limit:
            if whole and size > limit:
                raise FetchError(url, f"the image is larger than {limit // 2**20} MiB")
            return b"".join(chunks)[:limit], size, False
    return b"".join(chunks), size, True


class ImageReader:
    """Reads the metadata of image files over HTTP and beside saved pages.

    The head of each file is fetched with a Range request; a file that carries
    Content Credentials is then fetched whole (capped) so the manifest can be
    validated. ``parse`` reads the metadata of the bytes (by default
    :func:`parse_embedded`; a caller may run it where it can be stopped). Failures,
    of the fetch or of ``parse``, become an :class:`Embedded` whose ``problem`` says
    why: the reader never raises for one image. A URL is not read again for the pages
    of one host (of one folder, for local files) while it is among the
    :data:`IMAGES_REMEMBERED` read last; close the reader when done.
    """

    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        parse: Parse | None = None,
        hold: Callable[[str], AbstractContextManager[None]] | None = None,
    ) -> None:
        self.settings = settings or FetchSettings()
        self.parse = parse or parse_embedded
        # A place among the fetches from the image's host (a polite scan's gate).
        self.hold = hold or (lambda _url: nullcontext())
        # The most recently read images (a bounded memory, however many pages a run has).
        self._cache: OrderedDict[tuple[str, str | None], Embedded] = OrderedDict()
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    def read_all(
        self,
        urls: Iterable[str],
        *,
        page_url: str | None = None,
        local_folder: Path | None = None,
        deadline: float | None = None,
    ) -> dict[str, Embedded]:
        """The metadata of every URL shown by one page (fetched in parallel, cached).

        ``page_url`` is the page's address: only its host may be at a private address
        (None: each URL is a target of its own). ``local_folder`` is the folder of a
        page that is itself a local file: ``file:`` URLs are read from inside it only;
        None refuses every ``file:`` URL. ``deadline`` (a :func:`time.monotonic` value)
        is the page's time budget, shared by all its images: an image not read by then
        says so in its ``problem``.
        """
        urls = list(urls)  # read twice below; a generator would be spent by the first pass
        found: dict[str, Embedded] = {}
        pending: dict[str, tuple[str, str | None]] = {}
        for url in dict.fromkeys(urls):
            key = self._key(url, page_url, local_folder)
            with self._lock:
                cached = self._cache.get(key)
                if cached is not None:
                    self._cache.move_to_end(key)
            if cached is not None:
                found[url] = cached
            elif url.startswith(("http://", "https://")):
                pending[url] = key
            else:
                found[url] = self._keep(
                    key, self._read_local(url, local_folder, deadline), deadline
                )
        if pending:
            pool = self._executor()
            futures: dict[str, Future[Embedded]] = {
                url: pool.submit(self.read, url, page_url=page_url, deadline=deadline)
                for url in pending
            }
            for url, future in futures.items():
                found[url] = self._keep(pending[url], future.result(), deadline)
        return {url: found[url] for url in urls}

    def read(
        self, url: str, *, page_url: str | None = None, deadline: float | None = None
    ) -> Embedded:
        """The metadata of one image file over HTTP (not cached); never raises for a
        bad file or server. ``page_url`` and ``deadline`` as for :meth:`read_all`."""
        if deadline is not None and time.monotonic() >= deadline:
            return Embedded(problem=OUT_OF_TIME)
        session = self._session()
        try:
            with self.hold(url):
                head = fetch_image(
                    url, self.settings, session, deadline=deadline, page_url=page_url
                )
            image_format = sniff_format(head.data)
            if image_format is None:
                kind = f" (Content-Type: {head.content_type})" if head.content_type else ""
                reason = "empty file" if not head.data else f"not an image{kind}"
                return Embedded(problem=reason)
            if has_content_credentials(head.data, image_format) and not head.complete:
                with self.hold(url):
                    whole = fetch_image(
                        url,
                        self.settings,
                        session,
                        whole=True,
                        deadline=deadline,
                        page_url=page_url,
                    )
                return self._parse(whole.data, whole.complete)
            return self._parse(head.data, head.complete)
        except TargetError as error:
            return Embedded(problem=error.reason)
        except StorageError:  # the places workers share are away: not the image's fault
            raise
        except Exception as error:  # the reader never raises for one image
            return Embedded(problem=f"could not be read ({_error_text(error)})")

    def _parse(self, data: bytes, complete: bool) -> Embedded:
        """``parse``, with any failure turned into the image's problem."""
        try:
            return self.parse(data, complete)
        except TargetError as error:
            return Embedded(problem=error.reason)
        except Exception as error:
            return Embedded(problem=f"the metadata could not be read ({_error_text(error)})")

    def _key(self, url: str, page_url: str | None, folder: Path | None) -> tuple[str, str | None]:
        """What a result is cached under: the URL, with what decides whether it may be
        read at all (the host that may be private, or the page's folder)."""
        if url.startswith(("http://", "https://")):
            if not self.settings.private_targets:
                return url, None
            return url, url_host(url if page_url is None else page_url)
        return url, str(folder) if folder is not None else None

    def _keep(
        self, key: tuple[str, str | None], found: Embedded, deadline: float | None
    ) -> Embedded:
        """Cache ``found`` unless it failed for lack of the page's time (another page
        has its own budget)."""
        out_of_time = deadline is not None and time.monotonic() >= deadline
        if found.problem is None or not out_of_time:
            with self._lock:
                self._cache[key] = found
                if len(self._cache) > IMAGES_REMEMBERED:
                    self._cache.popitem(last=False)
        return found

    def _read_local(self, url: str, folder: Path | None, deadline: float | None) -> Embedded:
        """An image beside a saved page (a ``file:`` URL), read from disk if allowed."""
        if not url.startswith("file:"):
            return Embedded(problem="not fetched: not an http(s) or file URL")
        if folder is None:
            return Embedded(problem=NOT_A_LOCAL_PAGE)
        if deadline is not None and time.monotonic() >= deadline:
            return Embedded(problem=OUT_OF_TIME)
        parts = urlsplit(url)
        if parts.netloc.lower() not in ("", "localhost"):
            return Embedded(problem=ANOTHER_MACHINE)
        limit = self.settings.max_image_bytes
        try:
            inside = folder.resolve(strict=True)
            path = Path(url2pathname(parts.path)).resolve(strict=True)
            if not path.is_relative_to(inside):
                return Embedded(problem=OUTSIDE_FOLDER)
            descriptor = os.open(path, _OPEN_FLAGS)
            with os.fdopen(descriptor, "rb") as handle:
                info = os.fstat(handle.fileno())
                if not stat.S_ISREG(info.st_mode):
                    return Embedded(problem=NOT_REGULAR)
                data = b"" if info.st_size > limit else handle.read(limit + 1)
        except OSError as error:
            return Embedded(problem=f"cannot be read ({error.strerror or error})")
        except RuntimeError:  # a loop of symbolic links
            return Embedded(problem="cannot be read (a loop of symbolic links)")
        if info.st_size > limit or len(data) > limit:
            return Embedded(problem=f"larger than {limit // 2**20} MiB")
        return self._parse(data, True)

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(
                    max_workers=self.settings.image_workers, thread_name_prefix="attribution-image"
                )
            return self._pool

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = make_session(self.settings)
            self._local.session = session
            with self._lock:
                self._sessions.append(session)
        return session

    def close(self) -> None:
        """Stop the reading threads and close every HTTP session the reader opened."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)
        for session in self._sessions:
            session.close()


def _error_text(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text[:120]}" if text else type(error).__name__
