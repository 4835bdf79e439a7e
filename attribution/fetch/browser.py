"""Rendering a page built by scripts in headless Chromium (``attribution check --render``).

Some pages have no ``<img>`` for their pictures until a script puts it there: a
gallery built from JSON state in the page, a slideshow that asks its own server for
its slides, a front end whose preview URL serves an empty shell. For such a page the
check loads the page in headless Chromium, driven by Playwright, lets its scripts run,
and extracts from the document the scripts leave (``page.content()``).

The browser itself reaches no network. Every request it makes is intercepted:

- the page's document is the one body the check already has, fetched by
  :func:`attribution.fetch.pages.fetch_page` (so the time, size and address rules of a
  plain check hold) or read from the saved file;
- for a fetched page, a GET to the page's own origin (scheme, host and port) is
  fetched by the check's own HTTP session, under the same policy as every other fetch
  (:mod:`attribution.fetch.policy`: a private address only for the target's own host
  when the settings allow it, or for an allowed host), within the page's deadline and
  the size cap; media and fonts are not fetched (they change no markup), nor is
  anything but GET;
- every image, of any origin, gets a blank picture from here, fetched from nowhere:
  the page's handlers see it load (a refused image would fire its error handlers,
  which often replace it with a "missing image" placeholder);
- for a saved file or stdin, nothing but the document is served: no network at all;
- everything else (another origin, a second navigation of the page, anything over
  :data:`MAX_REQUESTS`) is refused.

What the interception does not see (WebSockets, prefetches) goes to a proxy that does
not exist, so it fails too. The page is shown at its own address (the final URL, or
``--base-url`` for a file), so its scripts and its relative URLs see the address the
extraction resolves against.

The browser is Debian's ``chromium`` (``/usr/bin/chromium``), or the executable named
by ``ATTRIBUTION_CHROMIUM``; Playwright's own browser downloads are never used.
Without Playwright or without the browser, :func:`require_renderer` raises one
:class:`~attribution.errors.ConfigError` saying how to install them. A page that fails
to render is a :class:`~attribution.errors.FetchError` of that page alone.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from attribution.errors import ConfigError, FetchError
from attribution.fetch.policy import AddressPolicy

if TYPE_CHECKING:
    import requests

    from attribution.fetch.settings import FetchSettings

CHROMIUM_VARIABLE = "ATTRIBUTION_CHROMIUM"
# Where Debian and Ubuntu put the browser; then whatever ``chromium`` is on the PATH.
CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
INSTALL_HINT = (
    "install Debian's browser and the Python driver: apt-get install chromium && "
    "pip install playwright (or name the browser with ATTRIBUTION_CHROMIUM)"
)
# Requests one rendering may have served from the page's own origin.
MAX_REQUESTS = 200
# How long to wait, once the document is parsed, for its load event and its requests
# to settle.
SETTLE_SECONDS = 5.0
# Scrolling down the page (to wake lazy loaders): at most this many screens, this
# many seconds apart, then a shorter wait for what they asked for.
SCROLL_STEPS = 8
SCROLL_PAUSE = 0.15
AFTER_SCROLL_SECONDS = 2.0
# Kinds of request that never change the markup: not fetched. An image gets a blank
# picture from here (of any origin, fetched from none), so that the page's handlers
# see it load: a refused image would fire the page's onerror handlers, which often
# put a "missing image" placeholder in the picture's place.
UNFETCHED_KINDS = frozenset({"image", "media", "font"})
BLANK_GIF = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)
# How the temporary folder of Chromium's single-instance socket is named.
SOCKET_FOLDER_PREFIX = "org.chromium.Chromium."
# The proxy every request not intercepted goes to: nothing listens there.
NO_PROXY = "http://0.0.0.0:9"
# Seconds past a rendering's end before a browser that does not answer is killed.
WATCHDOG_GRACE = 2.0
# Chromium's switches: no network of its own (what the routes do not answer meets the
# dead proxy, loopback included), no background traffic, no first-run work.
CHROMIUM_SWITCHES = (
    "--headless",
    "--remote-debugging-port=0",
    f"--proxy-server={NO_PROXY}",
    "--proxy-bypass-list=<-loopback>",
    "--dns-prefetch-disable",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--no-default-browser-check",
    "--no-first-run",
    "--mute-audio",
)


@dataclass(frozen=True)
class RenderedPage:
    """The document a page's scripts left, with what its rendering asked for."""

    url: str
    body: bytes
    served: int  # requests answered from the page's own origin
    refused: int  # requests refused (other origins, unfetched kinds, over the limit)
    blanked: int  # images answered with a blank picture, fetched from nowhere


def find_chromium(environ: Mapping[str, str] | None = None) -> str:
    """The Chromium executable to render with: the one ``ATTRIBUTION_CHROMIUM`` names,
    else Debian's, else ``chromium`` on the PATH. :class:`ConfigError` when there is none
    (or the named one is not an executable file)."""
    environ = os.environ if environ is None else environ
    named = environ.get(CHROMIUM_VARIABLE)
    if named:
        if os.path.isfile(named) and os.access(named, os.X_OK):
            return named
        raise ConfigError(
            f"--render: {named} (named by {CHROMIUM_VARIABLE}) is not an executable "
            f"browser; {INSTALL_HINT}"
        )
    for path in CHROMIUM_PATHS:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    raise ConfigError(f"--render needs a Chromium browser and none was found; {INSTALL_HINT}")


def require_renderer(environ: Mapping[str, str] | None = None) -> str:
    """Check that pages can be rendered: Playwright is installed and a browser found.
    The browser's path; one :class:`ConfigError` that says how to install what is missing."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        raise ConfigError(
            f"--render needs the Python package playwright, which is not installed; {INSTALL_HINT}"
        ) from None
    return find_chromium(environ)


def origin(url: str) -> tuple[str, str, int | None] | None:
    """The origin of an http(s) URL (scheme, host, port with the default filled in),
    or None for any other URL."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    return scheme, parts.hostname.lower(), port or (443 if scheme == "https" else 80)


_META_CHARSET = re.compile(rb"<meta[^>]{0,512}?charset", re.IGNORECASE)


def document_charset(body: bytes, charset: str | None) -> str | None:
    """The charset to serve a page's document with, so that the browser reads it as
    the extraction does: the one the server named; else none where the document
    declares its own (a ``<meta>`` in its first 1,024 bytes, as browsers look); else
    UTF-8 when the bytes are UTF-8 (a browser would guess windows-1252 and turn every
    accented letter of such a page into two)."""
    if charset:
        return charset
    if _META_CHARSET.search(body[:1024]):
        return None
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "utf-8"


class PageRenderer:
    """One headless browser, started on the first page and kept for the next; each page
    gets a fresh browser context (no cookies or storage carried over). Use it from one
    thread only (Playwright's synchronous API is bound to its thread); close it when done.
    """

    def __init__(
        self,
        settings: FetchSettings,
        session: requests.Session | None = None,
        executable: str | None = None,
    ) -> None:
        self.settings = settings
        self._session = session
        self._own_session = False
        self._executable = executable
        self._playwright: Any = None
        self._browser: Any = None
        self._process: _Chromium | None = None

    def render(
        self,
        address: str,
        document: bytes,
        charset: str | None = None,
        *,
        network: bool,
        deadline: float | None = None,
    ) -> RenderedPage:
        """Load ``document`` as the page at ``address``, run its scripts, and give the
        document they leave.

        With ``network`` the page may fetch from its own origin (through the check's
        session and policy); without it nothing but the document is served. The
        rendering ends by ``deadline`` (a :func:`time.monotonic` value) or after the
        settings' ``total_timeout``, whichever is first. :class:`FetchError` when the
        page cannot be rendered in time, the browser fails, or the rendered document is
        over the size cap.
        """
        end = time.monotonic() + self.settings.total_timeout
        if deadline is not None:
            end = min(end, deadline)
        browser = self._started(address)
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        # A script that never yields holds up every call into the page: past the end
        # (and a grace) the browser is killed, which ends the call; the next page
        # starts a new one.
        assert self._process is not None
        watchdog = threading.Timer(
            max(0.0, end - time.monotonic()) + WATCHDOG_GRACE, self._process.kill
        )
        watchdog.daemon = True
        watchdog.start()
        context = None
        try:
            context = browser.new_context(
                service_workers="block", accept_downloads=False, java_script_enabled=True
            )
            page = context.new_page()
            router = _Router(self, address, document, charset, network=network, end=end)
            page.route("**/*", router.handle)
            left = _milliseconds(end)
            try:
                # the parsed document; its load and requests are waited for (bounded)
                # in _settle: a page that navigates again must not hold up the wait
                page.goto(address, wait_until="domcontentloaded", timeout=left)
            except PlaywrightTimeout:
                if not router.served_document:
                    raise
                # its scripts are still busy: the document as it stands
            _settle(page, end)
            body = page.content().encode("utf-8")
        except PlaywrightError as error:
            if time.monotonic() >= end:
                raise FetchError(address, self._too_slow(deadline, end)) from None
            message = str(error).strip().splitlines()[0] if str(error).strip() else "failed"
            raise FetchError(address, f"could not be rendered in the browser ({message})") from None
        finally:
            watchdog.cancel()
            if context is not None:
                try:
                    context.close()
                except PlaywrightError:
                    self._forget_browser()
        if len(body) > self.settings.max_page_bytes:
            limit = self.settings.max_page_bytes // (1024 * 1024)
            raise FetchError(address, f"the rendered page is larger than the {limit} MiB limit")
        return RenderedPage(address, body, router.served, router.refused, router.blanked)

    def _too_slow(self, deadline: float | None, end: float) -> str:
        if deadline is not None and end >= deadline:
            return "the page's time budget ran out while it was rendered in the browser"
        return f"the page took longer than {self.settings.total_timeout:g} s to render"

    def _started(self, address: str) -> Any:
        """The browser, launched on first use (or again after it died or was stopped)."""
        if self._browser is not None and self._browser.is_connected():
            return self._browser
        self._forget_browser()
        executable = self._executable or require_renderer()
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright

        end = time.monotonic() + self.settings.total_timeout
        try:
            self._process = _Chromium.launch(executable, end)
            if self._playwright is None:
                self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.connect_over_cdp(
                self._process.endpoint, timeout=_milliseconds(end)
            )
        except (PlaywrightError, OSError) as error:
            self._forget_browser()
            first = str(error).strip().splitlines()[0] if str(error).strip() else "failed"
            raise FetchError(
                address, f"the browser ({executable}) could not be started: {first}"
            ) from None
        return self._browser

    def session(self) -> requests.Session:
        """The HTTP session the page's own requests go through."""
        if self._session is None:
            from attribution.fetch.session import make_session

            self._session = make_session(self.settings)
            self._own_session = True
        return self._session

    def _forget_browser(self) -> None:
        from playwright.sync_api import Error as PlaywrightError

        if self._browser is not None:
            with contextlib.suppress(PlaywrightError):
                self._browser.close()
            self._browser = None
        if self._process is not None:
            self._process.stop()
            self._process = None

    def close(self) -> None:
        """Stop the browser and the driver (and close a session this renderer opened)."""
        if self._browser is not None or self._playwright is not None:
            self._forget_browser()
            if self._playwright is not None:
                try:
                    self._playwright.stop()
                finally:
                    self._playwright = None
        if self._own_session and self._session is not None:
            self._session.close()
            self._session = None

    def __enter__(self) -> PageRenderer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


class _Router:
    """Answers every request of one rendering (see the module's description)."""

    def __init__(
        self,
        renderer: PageRenderer,
        address: str,
        document: bytes,
        charset: str | None,
        *,
        network: bool,
        end: float,
    ) -> None:
        self.renderer = renderer
        self.document = document
        self.charset = charset
        self.origin = origin(address) if network else None
        self.policy = AddressPolicy.for_target(renderer.settings, address)
        self.end = end
        self.served_document = False
        self.served = 0
        self.refused = 0
        self.blanked = 0

    def handle(self, route: Any) -> None:
        """Fulfil or refuse one request; never raises (a failure refuses the request)."""
        request = route.request
        try:
            if request.is_navigation_request() and request.frame.parent_frame is None:
                # the first is the page itself (whatever spelling of its address the
                # browser sends); any later one would leave it
                if not self.served_document:
                    self.served_document = True
                    charset = document_charset(self.document, self.charset)
                    content_type = f"text/html; charset={charset}" if charset else "text/html"
                    route.fulfill(
                        status=200, body=self.document, headers={"Content-Type": content_type}
                    )
                    return
                # No Content: the browser stays on the page (a refusal would show an
                # error page in its place)
                self.refused += 1
                route.fulfill(status=204, body=b"")
                return
            if request.resource_type == "image":
                self.blanked += 1
                route.fulfill(status=200, body=BLANK_GIF, headers={"Content-Type": "image/gif"})
                return
            if (
                self.origin is None
                or origin(request.url) != self.origin
                or request.method != "GET"
                or request.resource_type in UNFETCHED_KINDS
                or self.served >= MAX_REQUESTS
                or time.monotonic() >= self.end
            ):
                self._refuse(route)
                return
            self._serve(route, request)
        except Exception:  # the browser went away, or the request was cancelled
            self.refused += 1

    def _refuse(self, route: Any) -> None:
        self.refused += 1
        route.abort("blockedbyclient")

    def _serve(self, route: Any, request: Any) -> None:
        """Fetch a request to the page's own origin through the check's session."""
        from attribution.fetch.session import open_stream

        settings = self.renderer.settings
        accept = request.headers.get("accept")
        headers = {"Accept": accept} if accept else None
        try:
            with open_stream(
                request.url,
                settings,
                self.renderer.session(),
                headers,
                deadline=self.end,
                policy=self.policy,
                what="page's resource",
            ) as stream:
                response = stream.response
                if origin(response.url) != self.origin:  # redirected elsewhere
                    self._refuse(route)
                    return
                chunks: list[bytes] = []
                size = 0
                for chunk in stream.chunks(16 * 1024):
                    size += len(chunk)
                    if size > settings.max_page_bytes:
                        self._refuse(route)
                        return
                    chunks.append(chunk)
        except FetchError:
            self._refuse(route)
            return
        self.served += 1
        content_type = response.headers.get("Content-Type", "application/octet-stream")
        route.fulfill(
            status=response.status_code,
            body=b"".join(chunks),
            headers={"Content-Type": content_type},
        )


class _Chromium:
    """A Chromium process of the renderer's own, in its own process group and profile
    folder, so that it can be killed whole whatever it is doing."""

    def __init__(self, process: subprocess.Popen[bytes], folder: tempfile.TemporaryDirectory[str]):
        self.process = process
        self.folder = folder
        self.endpoint = ""

    @classmethod
    def launch(cls, executable: str, end: float) -> _Chromium:
        """Start the browser and wait (until ``end``) for its DevTools endpoint;
        :class:`OSError` when it cannot be started or does not answer."""
        folder = tempfile.TemporaryDirectory(prefix="attribution-chromium-")
        switches = [*CHROMIUM_SWITCHES, f"--user-data-dir={folder.name}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            switches.append("--no-sandbox")  # Chromium's sandbox refuses to run as root
        # Where util-linux's setpriv is at hand, the browser is killed when this
        # process ends, however it ends (a worker thread that never closed it, kill -9).
        setpriv = shutil.which("setpriv") if sys.platform.startswith("linux") else None
        guard = [setpriv, "--pdeathsig", "KILL", "--"] if setpriv else []
        try:
            process = subprocess.Popen(
                [*guard, executable, *switches, "about:blank"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError:
            folder.cleanup()
            raise
        chromium = cls(process, folder)
        announced = Path(folder.name) / "DevToolsActivePort"
        while time.monotonic() < end:
            if process.poll() is not None:
                chromium.stop()
                raise OSError(f"it stopped at once (exit status {process.returncode})")
            lines = announced.read_text().splitlines() if announced.is_file() else []
            if len(lines) >= 2 and lines[0].isdigit():
                chromium.endpoint = f"ws://127.0.0.1:{lines[0]}{lines[1]}"
                return chromium
            time.sleep(0.05)
        chromium.stop()
        raise OSError("it did not answer in time")

    def kill(self) -> None:
        """Kill the browser and every process it started."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def stop(self) -> None:
        """Kill the browser, wait for it and remove its profile folder, and the folder
        of its single-instance socket (which a killed browser never removes)."""
        self.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        socket_folder = _socket_folder(Path(self.folder.name))
        self.folder.cleanup()
        if socket_folder is not None:
            shutil.rmtree(socket_folder, ignore_errors=True)


def _socket_folder(profile: Path) -> Path | None:
    """The temporary folder Chromium made for its single-instance socket, which its
    profile links to (``SingletonSocket``); None when there is none."""
    try:
        target = Path(os.readlink(profile / "SingletonSocket")).parent
    except OSError:
        return None
    return target if target.name.startswith(SOCKET_FOLDER_PREFIX) else None


def _milliseconds(end: float) -> float:
    """Playwright's timeout (milliseconds, at least one) until ``end``."""
    return max(1.0, (end - time.monotonic()) * 1000)


def _settle(page: Any, end: float) -> None:
    """Wait (bounded) for the page's requests to settle, scroll down to wake lazy
    loaders, and wait (shorter) again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    def idle(seconds: float, *states: str) -> None:
        until = min(time.monotonic() + seconds, end)
        for state in states:
            left = until - time.monotonic()
            if left <= 0:
                return
            # still busy when the time is up: the document as it stands
            with contextlib.suppress(PlaywrightTimeout):
                page.wait_for_load_state(state, timeout=left * 1000)

    idle(SETTLE_SECONDS, "load", "networkidle")
    for _ in range(SCROLL_STEPS):
        if end - time.monotonic() <= SCROLL_PAUSE:
            return
        at_end = page.evaluate(
            "() => { const before = window.scrollY; window.scrollBy(0, window.innerHeight);"
            " return window.scrollY === before; }"
        )
        page.wait_for_timeout(SCROLL_PAUSE * 1000)
        if at_end:
            break
    idle(AFTER_SCROLL_SECONDS, "networkidle")
