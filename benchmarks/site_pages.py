"""A loopback web site for the benchmarks, served from a child process (so that serving
never competes with the measured work for this process's interpreter lock).

Pages are real saved article pages (``../shared/realpages``) where present, else the
project's own test pages, repeated under as many addresses as asked for
(``/story/<n>``). The site is what a scan reads too:

``/robots.txt``
    Allows everything and names the sitemap index.
``/sitemap_index.xml``
    A ``sitemapindex`` of ``/sitemaps/pages-<k>.xml``, each a ``urlset`` of at most
    :data:`URLS_PER_SITEMAP` pages (the protocol allows 50,000) with their ``lastmod``.
``/story/<n>``
    The pages, each with a strong ``ETag`` (a hash of its bytes) and a
    ``Last-Modified``; a request whose ``If-None-Match`` names the ETag (or, without
    one, whose ``If-Modified-Since`` is not before the page's date) is answered
    ``304 Not Modified`` without a body. Nothing ever changes while the site runs.
"""

from __future__ import annotations

import gzip
import hashlib
import multiprocessing
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL_PAGES = ROOT.parent / "shared" / "realpages" / "html"
OWN_PAGES = ROOT / "tests" / "fixtures" / "pages"

# Pages listed by one child sitemap of the index (the protocol's limit is 50,000): a
# site of 10,000 pages has two.
URLS_PER_SITEMAP = 5_000
# When every page last changed, as Last-Modified and as the sitemaps' lastmod say.
LAST_MODIFIED = "Mon, 08 Jan 2024 09:30:00 GMT"
SITEMAP_LASTMOD = "2024-01-08T09:30:00+00:00"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def page_bodies(real: bool = True) -> tuple[str, list[bytes]]:
    """What the site serves: (where the pages come from, their bodies)."""
    if real and REAL_PAGES.is_dir():
        files = sorted(REAL_PAGES.glob("*.html.gz"))
        return "real pages", [gzip.decompress(path.read_bytes()) for path in files]
    return "the project's test pages", [
        path.read_bytes() for path in sorted(OWN_PAGES.glob("*.html"))
    ]


@dataclass(frozen=True)
class LoopbackSite:
    """The addresses of a site being served: its origin, its pages in order and its
    sitemap index."""

    origin: str
    pages: list[str]

    @property
    def sitemap_index(self) -> str:
        """The address of the sitemap index listing every page."""
        return f"{self.origin}/sitemap_index.xml"

    @property
    def robots(self) -> str:
        """The address of the site's robots.txt."""
        return f"{self.origin}/robots.txt"


def sitemap_documents(origin: str, pages: int) -> dict[str, bytes]:
    """The site's robots.txt, sitemap index and child sitemaps, by path."""
    children = []
    documents: dict[str, bytes] = {}
    for number, first in enumerate(range(0, pages, URLS_PER_SITEMAP), start=1):
        path = f"/sitemaps/pages-{number}.xml"
        children.append(path)
        entries = "".join(
            f"<url><loc>{origin}/story/{page}</loc><lastmod>{SITEMAP_LASTMOD}</lastmod></url>"
            for page in range(first, min(first + URLS_PER_SITEMAP, pages))
        )
        documents[path] = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">'
            f"{entries}</urlset>\n"
        ).encode()
    listed = "".join(
        f"<sitemap><loc>{origin}{path}</loc><lastmod>{SITEMAP_LASTMOD}</lastmod></sitemap>"
        for path in children
    )
    documents["/sitemap_index.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">'
        f"{listed}</sitemapindex>\n"
    ).encode()
    documents["/robots.txt"] = (
        f"User-agent: *\nAllow: /\n\nSitemap: {origin}/sitemap_index.xml\n"
    ).encode()
    return documents


def _not_modified(headers: Message, etag: str) -> bool:
    """Whether a request's validators say the client holds the page as it is
    (``If-None-Match`` wins over ``If-Modified-Since``, as RFC 9110 says)."""
    asked = headers.get("If-None-Match")
    if asked is not None:
        return asked.strip() == "*" or etag in (tag.strip() for tag in asked.split(","))
    since = headers.get("If-Modified-Since")
    if since is None:
        return False
    try:
        return parsedate_to_datetime(since) >= parsedate_to_datetime(LAST_MODIFIED)
    except (TypeError, ValueError):
        return False


def _serve(bodies: list[bytes], pages: int, listener: socket.socket) -> None:
    host, port = listener.getsockname()[:2]
    documents = sitemap_documents(f"http://{host}:{port}", pages)
    etags = [f'"{hashlib.sha256(body).hexdigest()[:32]}"' for body in bodies]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body leave in separate writes: without this, Nagle's algorithm
        # can hold the body's last segment for the client's delayed acknowledgement.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path in documents:
                kind = "text/plain" if path.endswith(".txt") else "application/xml"
                self._send(200, documents[path], {"Content-Type": kind})
                return
            head, _, tail = path.rpartition("/")
            if head != "/story" or not tail.isdigit() or int(tail) >= pages:
                self._send(404, b"not found\n", {"Content-Type": "text/plain"})
                return
            number = int(tail) % len(bodies)
            validators = {"ETag": etags[number], "Last-Modified": LAST_MODIFIED}
            if _not_modified(self.headers, etags[number]):
                self._send(304, None, validators)
                return
            kind = {"Content-Type": "text/html; charset=utf-8"}
            self._send(200, bodies[number], {**kind, **validators})

        def _send(self, status: int, body: bytes | None, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if body is not None:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body is not None:
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler, bind_and_activate=False)
    server.socket.close()
    server.socket = listener
    server.daemon_threads = True
    server.serve_forever()


@contextmanager
def serve_site(bodies: list[bytes], pages: int) -> Iterator[LoopbackSite]:
    """A site of ``pages`` pages (with its robots.txt and sitemaps) served on loopback
    by a child process while the block runs."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(256)
    port = listener.getsockname()[1]
    process = multiprocessing.get_context("fork").Process(
        target=_serve, args=(bodies, pages, listener), daemon=True
    )
    process.start()
    listener.close()
    origin = f"http://127.0.0.1:{port}"
    try:
        yield LoopbackSite(origin, [f"{origin}/story/{number}" for number in range(pages)])
    finally:
        process.kill()
        process.join()


@contextmanager
def loopback_site(bodies: list[bytes], pages: int) -> Iterator[list[str]]:
    """The addresses of ``pages`` pages served on loopback while the block runs."""
    with serve_site(bodies, pages) as site:
        yield site.pages
