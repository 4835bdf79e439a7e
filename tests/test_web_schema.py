"""The HTTP API against its own OpenAPI description, by schemathesis: requests generated
from ``/openapi.json`` (valid ones and, where the schema allows, invalid ones), sent over
real HTTP to the server running on a loopback port. Whatever is asked, no answer is a
500, and every answer is one the description promises: a documented status code, its
content type, a body that matches its schema.

Nothing leaves the machine. ``POST /api/check`` fetches the page it is given, and a
generated ``url`` (or ``base_url``, against which a page's images resolve) could name a
real host. Two things keep the check at home:

- every generated address that the application would take as an http(s) URL has its
  scheme and host replaced, before it is sent, by those of a page server on loopback
  (whose host the profile allows, as an internal preview server's would be); its path,
  query and fragment stay as generated. Random text is hardly ever an address, so
  some values that are not one become the path of one on loopback, for pages to be
  really fetched and checked. The test decides which values to move with the
  application's own reading of an address (:func:`check_base_url`'s
  :func:`~urllib.parse.urlsplit`), so a value left alone is one the application refuses
  before fetching anything. The generated ``html`` is sent as it is;
- for what an HTML body might still name (an image at an absolute address), the test
  process acts as a machine without a network while the test runs: an audit hook
  (:func:`sys.addaudithook`, on the ``socket.getaddrinfo`` and ``socket.connect``
  events Python raises for every look-up and connection) answers a host other than
  loopback as a name that does not resolve. The application is not changed or
  patched: it sees what it would see on a machine with no route out, and handles it
  as such (the image cannot be read).

The property is about the HTTP layer, so the server runs over SQLite only; a
rendering asked for (``render``) runs in the browser the machine has, whose requests
the application serves itself through the same guarded fetches (without a browser it
is a documented 422).
"""

from __future__ import annotations

import ipaddress
import socket
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from imagefactory import Metadata, jpeg
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from webserver import WebServer, running_server, web_profile

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
PHOTO = jpeg(Metadata(byline="Jane Doe", credit="Reuters", copyright="© 2023 Reuters"))
PAGE = b"""<!doctype html><html lang="en"><head><title>A story</title></head><body>
<article><h1>A story</h1>
<figure><img src="/photo.jpg" alt="A harbour at dawn" width="800" height="600">
<figcaption>A harbour at dawn. Photo: Jane Doe/Reuters</figcaption></figure>
<p>Text of the story.</p></article></body></html>"""


class _Offline:
    """The test process as a machine without a network: while ``on``, a look-up of any
    host but loopback fails as an unknown name, and a connection to any address but
    loopback is refused. (An audit hook cannot be removed, so it stays installed and is
    switched off after the test.)"""

    def __init__(self) -> None:
        self.on = False
        self.refused: list[str] = []

    def __call__(self, event: str, args: tuple[Any, ...]) -> None:
        if not self.on:
            return
        if event == "socket.getaddrinfo":
            host = args[0]
            if isinstance(host, bytes):
                host = host.decode("ascii", "replace")
            if host is not None and not _loopback(str(host)):
                self.refused.append(str(host))
                raise socket.gaierror(socket.EAI_NONAME, f"{host}: no network in this test")
        elif event == "socket.connect":
            address = args[1]
            if isinstance(address, tuple) and not _loopback(str(address[0])):
                self.refused.append(str(address[0]))
                raise ConnectionRefusedError(f"{address[0]}: no network in this test")


def _loopback(host: str) -> bool:
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0]).is_loopback
    except ValueError:
        return False


OFFLINE = _Offline()
sys.addaudithook(OFFLINE)


class PageServer:
    """Pages on loopback for the generated addresses: any path is a story with one
    credited photo (``/photo.jpg``), except paths whose length is a multiple of three,
    which are not found (a check whose page cannot be fetched)."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                if path == "/photo.jpg":
                    self._send(200, PHOTO, "image/jpeg")
                elif len(path) % 3 == 0:
                    self._send(404, b"not found", "text/plain")
                else:
                    self._send(200, PAGE, "text/html; charset=utf-8")

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_HEAD = do_GET

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        host, port = self.httpd.server_address[:2]
        self.netloc = f"{host}:{port}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def on_loopback(value: Any, netloc: str, *, stripped: bool) -> Any:
    """``value`` with the scheme and host of an http(s) address replaced by the loopback
    page server's (``netloc``). Random text is hardly ever an address, so a string of
    odd length that is not one becomes the path of one on loopback (the page is then
    really checked); the rest (an even length, a value that cannot be taken apart, not
    a string) is sent as generated: the application refuses it before fetching
    anything. ``stripped``: the application strips the value first (``url``;
    ``base_url`` is taken as given)."""
    if not isinstance(value, str):
        return value
    text = value.strip() if stripped else value
    if text.startswith("//"):
        text = "https:" + text
    try:
        parts = urlsplit(text)
    except ValueError:
        return value
    if parts.scheme.lower() in ("http", "https"):
        return urlunsplit(("http", netloc, parts.path, parts.query, parts.fragment))
    if len(value) % 2:
        return f"http://{netloc}/{quote(value, safe='')}"
    return value


@pytest.fixture(scope="module")
def pages() -> Iterator[PageServer]:
    served = PageServer()
    yield served
    served.close()


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebServer]:
    folder: Path = tmp_path_factory.mktemp("web-schema")
    with running_server(web_profile(f"sqlite:///{folder}/web.db")) as running:
        yield running


@pytest.fixture
def offline() -> Iterator[_Offline]:
    OFFLINE.on = True
    try:
        yield OFFLINE
    finally:
        OFFLINE.on = False


@pytest.fixture
def api_schema(web: WebServer, pages: PageServer, offline: _Offline) -> schemathesis.BaseSchema:
    """The server's own description, read from it over HTTP, with generated addresses
    moved onto the loopback page server."""
    schema = schemathesis.openapi.from_url(web.url("/openapi.json"))

    @schema.hook
    def map_body(context: schemathesis.HookContext, body: Any) -> Any:
        if not isinstance(body, dict):
            return body
        moved = dict(body)
        if "url" in moved:
            moved["url"] = on_loopback(moved["url"], pages.netloc, stripped=True)
        if "base_url" in moved:
            moved["base_url"] = on_loopback(moved["base_url"], pages.netloc, stripped=False)
        return moved

    return schema


OPERATIONS = (
    "POST /api/check",
    "GET /api/pages/{url}/history",
    "GET /api/findings",
    "GET /healthz",
)


# GET /healthz takes nothing that could be wrong: it has no negative requests.
RUNS = [
    (label, mode)
    for label in OPERATIONS
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if not (mode is GenerationMode.NEGATIVE and label == "GET /healthz")
]


@pytest.mark.parametrize("label,mode", RUNS, ids=str)
def test_api_answers_as_its_description_says(
    api_schema: schemathesis.BaseSchema, label: str, mode: GenerationMode
) -> None:
    """No 500, and every status code, content type and body as documented: for requests
    that follow the description (positive) and requests that break it (negative)."""
    operation = api_schema.find_operation_by_label(label)
    assert operation is not None, label

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=40,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def answers(case: schemathesis.Case) -> None:
        case.call_and_validate(checks=CHECKS)

    answers()


def test_addresses_move_onto_loopback_and_others_stay() -> None:
    """The mapping itself: an http(s) address (absolute, scheme-relative, in any case)
    keeps its path and query on the loopback host; what is not one is left as it was."""
    here = "127.0.0.1:9"
    assert on_loopback("https://www.news.example/a?b=1#c", here, stripped=True) == (
        "http://127.0.0.1:9/a?b=1#c"
    )
    assert on_loopback(" HTTP://203.0.113.7:8080/x ", here, stripped=True) == (
        "http://127.0.0.1:9/x"
    )
    assert on_loopback("//cdn.example/p.jpg", here, stripped=False) == "http://127.0.0.1:9/p.jpg"
    assert on_loopback("http://user@[::1]:80/", here, stripped=True) == "http://127.0.0.1:9/"
    assert on_loopback("a b", here, stripped=True) == "http://127.0.0.1:9/a%20b"
    for kept in ("ftp://hosts/", "news.example/a", "", "http://[x", 7, None):
        assert on_loopback(kept, here, stripped=True) == kept
