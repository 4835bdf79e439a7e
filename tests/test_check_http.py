"""End-to-end: the installed command against a real HTTP server on loopback."""

from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler

from conftest import PAGES, LoopbackServer, redirect, run_cli, send, slow

SEED = (PAGES / "seed-article.html").read_bytes()


def serve_seed(handler: BaseHTTPRequestHandler) -> None:
    send(handler, SEED)


def test_page_found_lists_images_and_credits(server: LoopbackServer) -> None:
    server.routes["/story"] = serve_seed
    result = run_cli(
        "check", "--no-images", server.url("/story"), "--format", "json", "--fail-on", "never"
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["schema"] == "attribution.check/1"
    images = report["pages"][0]["images"]
    credits = [image["credit"]["text"] for image in images]
    assert credits == [
        "arctic penguin / Flickr (CC BY-NC 2.0)",
        "President of Russia / Wikimedia (CC BY 4.0)",
    ]
    assert images[0]["caption"] == "Art depicting Donald Trump and Kim Jong Un."
    assert server.requests[0][1]["User-Agent"].startswith("attribution/")


def test_404_is_an_operational_failure(server: LoopbackServer) -> None:
    result = run_cli("check", "--no-images", server.url("/missing"))
    assert result.returncode == 3
    assert "HTTP 404" in result.stderr and server.url("/missing") in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_redirect_is_followed_and_final_url_used(server: LoopbackServer) -> None:
    server.routes["/old"] = redirect("/story")
    server.routes["/story"] = serve_seed
    result = run_cli(
        "check", "--no-images", server.url("/old"), "--format", "json", "--fail-on", "never"
    )
    assert result.returncode == 0, result.stderr
    page = json.loads(result.stdout)["pages"][0]
    assert page["url"] == server.url("/story")
    assert len(page["images"]) == 2


def test_redirect_loop_is_reported(server: LoopbackServer) -> None:
    server.routes["/a"] = redirect("/b")
    server.routes["/b"] = redirect("/a")
    result = run_cli("check", "--no-images", server.url("/a"))
    assert result.returncode == 3
    assert "redirects" in result.stderr and "Traceback" not in result.stderr


# A server that would take this long is cut off by a one-second timeout long before:
# the bound below holds on a busy machine, and fails only if the timeout does not work.
SERVER_STALLS = 60


def test_timeout_is_reported_quickly(server: LoopbackServer) -> None:
    server.routes["/slow"] = slow(SERVER_STALLS)
    started = time.monotonic()
    result = run_cli("check", "--no-images", server.url("/slow"), "--timeout", "1")
    assert result.returncode == 3
    assert "did not answer in time" in result.stderr
    assert time.monotonic() - started < SERVER_STALLS / 2


def test_endless_drip_is_cut_off_by_the_total_deadline(server: LoopbackServer) -> None:
    def drip(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        handler.wfile.write(b"<html><body>")
        for _ in range(SERVER_STALLS * 10):
            handler.wfile.write(b"<p>x</p>" * 10)
            handler.wfile.flush()
            time.sleep(0.1)

    server.routes["/drip"] = drip
    started = time.monotonic()
    result = run_cli("check", "--no-images", server.url("/drip"), "--timeout", "1")
    assert result.returncode == 3
    assert "longer than 1 s" in result.stderr
    # cut off at the deadline, not when the server (a minute of dripping) gives up
    assert time.monotonic() - started < SERVER_STALLS / 2


def test_non_html_response_is_refused(server: LoopbackServer) -> None:
    server.routes["/photo.jpg"] = lambda h: send(h, b"\xff\xd8\xff\xe0" + b"\0" * 100, "image/jpeg")
    result = run_cli("check", "--no-images", server.url("/photo.jpg"))
    assert result.returncode == 3
    assert "not an HTML page (Content-Type: image/jpeg)" in result.stderr


def test_a_body_that_is_not_html_is_refused_whatever_its_type(server: LoopbackServer) -> None:
    server.routes["/image"] = lambda h: send(h, b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    server.routes["/empty"] = lambda h: send(h, b"")
    server.routes["/text"] = lambda h: send(h, b"Service temporarily unavailable\n")
    server.routes["/story"] = serve_seed
    for path, reason in (
        ("/image", "it is binary data"),
        ("/empty", "it is empty"),
        ("/text", "it has no HTML markup"),
    ):
        result = run_cli(
            "check", "--no-images", "--no-store", server.url(path), server.url("/story")
        )
        assert result.returncode == 3, path
        assert result.stderr.strip() == (
            f"attribution: {server.url(path)}: the response is not an HTML document ({reason})"
        )
        assert "arctic penguin" in result.stdout  # the other target is still checked


def test_oversize_body_is_refused(server: LoopbackServer) -> None:
    big = b"<html><body>" + b"a" * (11 * 1024 * 1024) + b"</body></html>"
    server.routes["/huge"] = lambda h: send(h, big)

    def chunked_huge(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Connection", "close")
        handler.end_headers()
        for _ in range(12):
            handler.wfile.write(b"b" * 1024 * 1024)

    server.routes["/undeclared"] = chunked_huge
    for path in ("/huge", "/undeclared"):
        result = run_cli("check", "--no-images", server.url(path))
        assert result.returncode == 3, path
        assert "larger than the 10 MiB limit" in result.stderr


def test_unreachable_host_is_reported() -> None:
    result = run_cli("check", "--no-images", "http://127.0.0.1:9/")
    assert result.returncode == 3
    assert "could not connect" in result.stderr
    assert "Traceback" not in result.stderr


def test_one_failure_does_not_stop_the_other_targets(server: LoopbackServer) -> None:
    server.routes["/story"] = serve_seed
    result = run_cli(
        "check", "--no-images", server.url("/gone"), server.url("/story"), "--format", "json"
    )
    assert result.returncode == 3
    report = json.loads(result.stdout)
    assert [page["url"] for page in report["pages"]] == [server.url("/story")]
    assert "HTTP 404" in result.stderr


def test_charset_from_the_header_is_used(server: LoopbackServer) -> None:
    html = (
        "<html><head><title>Caf\u00e9</title></head><body><article><figure>"
        "<img src='/a.jpg' width='800' height='600'><figcaption>Le caf\u00e9 du coin. "
        "Photo : Ren\u00e9e Dupr\u00e9</figcaption></figure></article></body></html>"
    )
    server.routes["/latin1"] = lambda h: send(
        h, html.encode("iso-8859-1"), "text/html; charset=ISO-8859-1"
    )
    result = run_cli("check", "--no-images", server.url("/latin1"), "--format", "json")
    page = json.loads(result.stdout)["pages"][0]
    assert page["title"] == "Caf\u00e9"
    assert page["images"][0]["credit"]["text"] == "Ren\u00e9e Dupr\u00e9"
    assert page["images"][0]["src"] == server.url("/a.jpg")


def test_file_and_server_give_the_same_findings(server: LoopbackServer) -> None:
    server.routes["/story"] = serve_seed
    from_server = json.loads(
        run_cli(
            "check", "--no-images", server.url("/story"), "--format", "json", "--fail-on", "never"
        ).stdout
    )
    from_file = json.loads(
        run_cli(
            "check",
            "--no-images",
            str(PAGES / "seed-article.html"),
            "--format",
            "json",
            "--fail-on",
            "never",
        ).stdout
    )

    def findings(report: dict[str, object]) -> list[object]:
        pages = report["pages"]
        assert isinstance(pages, list)
        return [(image["credit"], image["findings"]) for image in pages[0]["images"]]

    assert findings(from_server) == findings(from_file)
