"""A loopback web site for the benchmarks, served from a child process (so that serving
never competes with the measured work for this process's interpreter lock).

Pages are real saved article pages (``../shared/realpages``) where present, else the
project's own test pages, repeated under as many addresses as asked for.
"""

from __future__ import annotations

import gzip
import multiprocessing
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL_PAGES = ROOT.parent / "shared" / "realpages" / "html"
OWN_PAGES = ROOT / "tests" / "fixtures" / "pages"


def page_bodies(real: bool = True) -> tuple[str, list[bytes]]:
    """What the site serves: (where the pages come from, their bodies)."""
    if real and REAL_PAGES.is_dir():
        files = sorted(REAL_PAGES.glob("*.html.gz"))
        return "real pages", [gzip.decompress(path.read_bytes()) for path in files]
    return "the project's test pages", [
        path.read_bytes() for path in sorted(OWN_PAGES.glob("*.html"))
    ]


def _serve(bodies: list[bytes], listener: socket.socket) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            try:
                number = int(self.path.rsplit("/", 1)[-1])
            except ValueError:
                self.send_error(404)
                return
            body = bodies[number % len(bodies)]
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler, bind_and_activate=False)
    server.socket.close()
    server.socket = listener
    server.daemon_threads = True
    server.serve_forever()


@contextmanager
def loopback_site(bodies: list[bytes], pages: int) -> Iterator[list[str]]:
    """The addresses of ``pages`` pages served on loopback while the block runs."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(256)
    port = listener.getsockname()[1]
    process = multiprocessing.get_context("fork").Process(
        target=_serve, args=(bodies, listener), daemon=True
    )
    process.start()
    listener.close()
    try:
        yield [f"http://127.0.0.1:{port}/story/{number}" for number in range(pages)]
    finally:
        process.kill()
        process.join()
