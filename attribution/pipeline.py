"""The one place that wires the stages together:
fetch → extract → embedded metadata → credits → rules."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from attribution.credits import parse_credit
from attribution.embedded import has_content_credentials, read_embedded, sniff_format
from attribution.errors import FetchError, TargetError, UsageError
from attribution.extract import extract_page
from attribution.fetch import FetchSettings, HttpSession, fetch_image, fetch_page, make_session
from attribution.licences import KnowledgeBase, default_knowledge_base
from attribution.records import Embedded, ExtractedPage, ImageResult, PageResult, Profile
from attribution.rules import check_image

MAX_FILE_BYTES = 10 * 1024 * 1024


def check_html(
    html: str | bytes,
    base_url: str,
    profile: Profile | None = None,
    *,
    encoding: str | None = None,
    kb: KnowledgeBase | None = None,
    today: date | None = None,
    embedded: Mapping[str, Embedded] | None = None,
) -> PageResult:
    """Check one page's HTML: extract images, parse credits, apply the rules.

    ``embedded`` maps image URLs to what their files declare (see :class:`ImageReader`);
    ``today`` is the date against which rights-register agreements are checked.
    """
    page = extract_page(html, base_url, encoding, kb=kb)
    return evaluate_page(page, profile, kb=kb, today=today, embedded=embedded)


def evaluate_page(
    page: ExtractedPage,
    profile: Profile | None = None,
    *,
    kb: KnowledgeBase | None = None,
    today: date | None = None,
    embedded: Mapping[str, Embedded] | None = None,
) -> PageResult:
    """Parse the credits of an extracted page and apply the rules to each image."""
    profile = profile or Profile()
    kb = kb or default_knowledge_base()
    embedded = embedded or {}
    results = []
    for image in page.images:
        credit = parse_credit(image.credit, image.credit_links, kb) if image.credit else None
        from_file = embedded.get(image.src)
        findings = check_image(image, credit, profile, kb, today, from_file)
        results.append(ImageResult(image, credit, findings, from_file))
    return PageResult(url=page.url, title=page.title, images=tuple(results))


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
        self._sessions: list[HttpSession] = []
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

    def _session(self) -> HttpSession:
        session: HttpSession | None = getattr(self._local, "session", None)
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


@dataclass(frozen=True)
class TargetOutcome:
    """A checked page, or the reason the target could not be checked."""

    target: str
    result: PageResult | None = None
    error: TargetError | None = None


def is_url(target: str) -> bool:
    """Whether a command-line target is an http(s) URL rather than a file."""
    return target.lower().startswith(("http://", "https://"))


def check_targets(
    targets: list[str],
    profile: Profile | None = None,
    *,
    base_url: str | None = None,
    settings: FetchSettings | None = None,
    read_images: bool = True,
    on_done: Callable[[TargetOutcome], None] | None = None,
) -> list[TargetOutcome]:
    """Check URLs, HTML files and ``-`` (stdin); one failure does not stop the rest.

    With ``read_images`` the metadata embedded in each image file is read too.
    """
    settings = settings or FetchSettings()
    if "-" in targets and not base_url:
        raise UsageError("reading a page from stdin ('-') needs --base-url URL")
    outcomes: list[TargetOutcome] = []
    reader = ImageReader(settings) if read_images else None
    try:
        with make_session(settings) as session:
            for target in targets:
                outcome = _check_target(target, profile, base_url, settings, session, reader)
                outcomes.append(outcome)
                if on_done is not None:
                    on_done(outcome)
    finally:
        if reader is not None:
            reader.close()
    return outcomes


def _check_target(
    target: str,
    profile: Profile | None,
    base_url: str | None,
    settings: FetchSettings,
    session: HttpSession,
    reader: ImageReader | None,
) -> TargetOutcome:
    try:
        if is_url(target):
            fetched = fetch_page(target, settings, session)
            page = extract_page(fetched.body, fetched.url, fetched.charset)
        else:
            html, url = _read_local(target, base_url)
            page = extract_page(html, url)
    except TargetError as error:
        return TargetOutcome(target, error=error)
    embedded = reader.read_all(image.src for image in page.images) if reader else None
    return TargetOutcome(target, result=evaluate_page(page, profile, embedded=embedded))


def _read_local(target: str, base_url: str | None) -> tuple[bytes, str]:
    if target == "-":
        return sys.stdin.buffer.read(MAX_FILE_BYTES + 1)[:MAX_FILE_BYTES], base_url or ""
    path = Path(target)
    try:
        if path.is_dir():
            raise TargetError(target, "is a directory, not an HTML file")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise TargetError(target, f"the file is larger than {MAX_FILE_BYTES // 2**20} MiB")
        data = path.read_bytes()
    except FileNotFoundError:
        raise TargetError(
            target,
            "no such file (give a URL starting with http:// or https://, an HTML file, "
            "or - for stdin)",
        ) from None
    except OSError as error:
        raise TargetError(target, f"cannot be read ({error.strerror})") from None
    return data, base_url or path.resolve().as_uri()
