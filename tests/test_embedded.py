"""Embedded metadata: read from files the tests make, served by a real HTTP server on
loopback that honours (and, in another test, ignores) Range requests."""

from __future__ import annotations

import json
import re
import time
from http.server import BaseHTTPRequestHandler

import pytest
from conftest import LoopbackServer, run_cli, send
from imagefactory import (
    Metadata,
    absurd_dimensions_png,
    c2pa_signed_jpeg,
    c2pa_tampered_jpeg,
    corrupt_exif_offsets_jpeg,
    gif,
    jpeg,
    not_an_image,
    png,
    tiff,
    truncated_jpeg,
    webp,
    xmp_entity_bomb_jpeg,
    xmp_packet,
    zero_bytes,
)

from attribution.embedded import declares_ai, read_embedded
from attribution.fetch.images import ImageReader
from attribution.fetch.settings import FetchSettings

FULL = Metadata(
    artist="Jane Doe",
    copyright="© 2024 Jane Doe",
    description="Harbour at dawn",
    byline="Jane Doe",
    credit="Example Agency",
    source="Example Agency",
    copyright_notice="© 2024 Example Agency",
    caption="Boats in the harbour",
    xmp=xmp_packet(
        creator="Jane Doe",
        rights="© 2024 Jane Doe",
        credit="Example Agency",
        web_statement="https://example.org/rights",
        cc_license="https://creativecommons.org/licenses/by-sa/4.0/",
        attribution_name="Jane Doe",
        licensor="Example Agency",
    ),
)


@pytest.mark.parametrize("make", [jpeg, tiff, png, webp])
def test_exif_is_read_from_each_format(make: object) -> None:
    data = make(Metadata(artist="Jane Doe", copyright="Copyright Example Agency"))  # type: ignore[operator]
    embedded = read_embedded(data, complete=True)
    assert embedded.creator == "Jane Doe"
    assert embedded.copyright == "Copyright Example Agency"
    assert embedded.problem is None


def test_exif_is_found_wherever_the_container_puts_it() -> None:
    # A WebP EXIF chunk without the optional "Exif\0\0" header (as the container spec has it)
    bare = webp(Metadata(artist="Jane Doe"), exif_header=False)
    assert read_embedded(bare, complete=True).creator == "Jane Doe"
    # EXIF after a large Content Credentials segment at the start of a JPEG
    signed = c2pa_signed_jpeg(ai_generated=False, metadata=Metadata(artist="Ann Roe"))
    assert signed.index(b"Exif\x00\x00") > 8192
    assert read_embedded(signed, complete=True).creator == "Ann Roe"


def test_iptc_and_xmp_are_read_from_jpeg() -> None:
    embedded = read_embedded(jpeg(FULL), complete=True)
    assert embedded.format == "jpeg"
    assert embedded.credit == "Example Agency"
    assert embedded.source == "Example Agency"
    assert embedded.licence_url == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert embedded.attribution_name == "Jane Doe"
    assert embedded.licensor == "Example Agency"
    assert embedded.web_statement == "https://example.org/rights"


def test_iptc_alone_is_read() -> None:
    embedded = read_embedded(
        jpeg(Metadata(byline="Ann Roe", credit="Reuters", copyright_notice="© Reuters")),
        complete=True,
    )
    assert (embedded.creator, embedded.credit, embedded.copyright) == (
        "Ann Roe",
        "Reuters",
        "© Reuters",
    )


@pytest.mark.parametrize("make", [png, webp, gif])
def test_xmp_is_read_from_other_formats(make: object) -> None:
    data = make(Metadata(xmp=xmp_packet(creator="Li Wei", rights="CC BY 4.0")))  # type: ignore[operator]
    embedded = read_embedded(data, complete=True)
    assert embedded.creator == "Li Wei"
    assert embedded.copyright == "CC BY 4.0"


def test_icc_profile_copyright_is_noise() -> None:
    embedded = read_embedded(
        jpeg(
            Metadata(
                icc_copyright="Copyright International Color Consortium", copyright="Copyright"
            )
        ),
        complete=True,
    )
    assert embedded.copyright is None
    assert embedded.names == ()


def test_generative_ai_declared_in_xmp() -> None:
    source = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
    embedded = read_embedded(jpeg(Metadata(xmp=xmp_packet(digital_source_type=source))))
    assert declares_ai(embedded)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (zero_bytes(), "empty file"),
        (not_an_image(), "not an image"),
    ],
)
def test_non_images_get_a_reason(data: bytes, reason: str) -> None:
    assert reason in (read_embedded(data).problem or "")


@pytest.mark.parametrize(
    "make", [truncated_jpeg, absurd_dimensions_png, corrupt_exif_offsets_jpeg, xmp_entity_bomb_jpeg]
)
def test_hostile_files_never_crash_or_hang(make: object) -> None:
    started = time.process_time()  # this process's CPU: other work on the machine does not count
    embedded = read_embedded(make(), complete=True)  # type: ignore[operator]
    assert time.process_time() - started < 2
    assert embedded.format is not None


def test_an_entity_bomb_is_refused_with_a_reason() -> None:
    embedded = read_embedded(xmp_entity_bomb_jpeg(), complete=True)
    assert embedded.problem is not None and "XMP" in embedded.problem
    assert "lol" not in (embedded.creator or "")


def test_content_credentials_valid_and_ai() -> None:
    made = read_embedded(c2pa_signed_jpeg(ai_generated=True), complete=True)
    credentials = made.content_credentials
    assert credentials is not None and credentials.present
    assert credentials.valid is True
    assert credentials.ai_generated
    assert declares_ai(made)
    plain = read_embedded(c2pa_signed_jpeg(ai_generated=False), complete=True)
    assert plain.content_credentials is not None and not plain.content_credentials.ai_generated


def test_tampered_content_credentials_are_invalid() -> None:
    credentials = read_embedded(c2pa_tampered_jpeg(), complete=True).content_credentials
    assert credentials is not None and credentials.valid is False
    assert credentials.statuses


class ImageServer:
    """Serves images by path; honours Range unless told not to; counts bytes sent."""

    def __init__(self, server: LoopbackServer, honour_range: bool = True) -> None:
        self.server = server
        self.honour_range = honour_range
        self.sent: dict[str, int] = {}
        self.requests: dict[str, int] = {}

    def add(
        self, path: str, body: bytes, content_type: str = "image/jpeg", status: int = 200
    ) -> str:
        def route(handler: BaseHTTPRequestHandler) -> None:
            self.requests[path] = self.requests.get(path, 0) + 1
            if status != 200:
                send(handler, b"forbidden", "text/plain", status)
                return
            wanted = handler.headers.get("Range")
            match = re.match(r"bytes=(\d+)-(\d*)", wanted or "")
            if match and self.honour_range:
                start = int(match.group(1))
                end = min(int(match.group(2) or len(body) - 1), len(body) - 1)
                part = body[start : end + 1]
                headers = {"Content-Range": f"bytes {start}-{end}/{len(body)}"}
                # Counted before sending: the reader may have its bytes and go on
                # before this thread returns from the write.
                self.sent[path] = self.sent.get(path, 0) + len(part)
                send(handler, part, content_type, 206, headers)
                return
            self.sent[path] = self.sent.get(path, 0) + len(body)
            send(handler, body, content_type)

        self.server.routes[path] = route
        return self.server.url(path)


@pytest.mark.parametrize("honour_range", [True, False])
def test_reader_fetches_only_the_head(server: LoopbackServer, honour_range: bool) -> None:
    images = ImageServer(server, honour_range)
    big = jpeg(FULL, padding=3 * 1024 * 1024)
    url = images.add("/big.jpg", big)
    reader = ImageReader(FetchSettings(image_head_bytes=64 * 1024))
    found = reader.read_all([url, url])
    reader.close()
    assert found[url].creator == "Jane Doe"
    assert images.requests["/big.jpg"] == 1  # each URL once per run
    if honour_range:
        assert images.sent["/big.jpg"] == 64 * 1024


def test_reader_records_a_reason_for_each_failure(server: LoopbackServer) -> None:
    images = ImageServer(server)
    forbidden = images.add("/private.jpg", b"", status=403)
    html = images.add("/page.jpg", not_an_image(), "text/html")
    empty = images.add("/empty.jpg", zero_bytes())
    reader = ImageReader(FetchSettings(max_image_bytes=1024 * 1024))
    found = reader.read_all([forbidden, html, empty, server.url("/missing.jpg")])
    reader.close()
    assert "HTTP 403" in (found[forbidden].problem or "")
    assert "not an image (Content-Type: text/html)" in (found[html].problem or "")
    assert found[empty].problem == "empty file"
    assert "HTTP 404" in (found[server.url("/missing.jpg")].problem or "")


def test_content_credentials_are_fetched_whole_and_validated(server: LoopbackServer) -> None:
    images = ImageServer(server)
    url = images.add("/made.jpg", c2pa_signed_jpeg(ai_generated=True))
    reader = ImageReader(FetchSettings(image_head_bytes=1024))
    embedded = reader.read_all([url])[url]
    reader.close()
    assert embedded.content_credentials is not None
    assert embedded.content_credentials.valid is True


def article(images: list[tuple[str, str | None]]) -> bytes:
    figures = "".join(
        f"<figure><img src='{src}' width='800' height='600'>"
        + (f"<figcaption>A picture. Photo: {credit}</figcaption>" if credit else "")
        + "</figure>"
        for src, credit in images
    )
    return f"<html><head><title>Story</title></head><body><article>{figures}</article></body></html>".encode()


def test_check_reports_conflicts_ai_and_suggested_credits(server: LoopbackServer) -> None:
    images = ImageServer(server)
    getty = images.add(
        "/getty.jpg",
        jpeg(Metadata(artist="Sam Lee", copyright="Getty Images", credit="Getty Images")),
    )
    ai = images.add(
        "/ai.jpg",
        jpeg(
            Metadata(
                xmp=xmp_packet(
                    digital_source_type="http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
                )
            )
        ),
    )
    uncredited = images.add("/uncredited.jpg", jpeg(Metadata(artist="Ann Roe", credit="Reuters")))
    broken = images.add("/broken.jpg", truncated_jpeg())
    page = article(
        [
            (getty, "Jane Doe/CC BY 4.0"),
            (ai, "Jane Doe/CC BY 4.0"),
            (uncredited, None),
            (broken, "Jane Doe/AP"),
        ]
    )
    server.routes["/story"] = lambda h: send(h, page)
    result = run_cli("check", server.url("/story"), "--format", "json", "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)["pages"][0]["images"]
    rules = [[f["rule"] for f in image["findings"]] for image in found]
    assert "metadata-conflict" in rules[0]
    assert "Getty Images" in next(
        f["message"] for f in found[0]["findings"] if f["rule"] == "metadata-conflict"
    )
    assert "ai-generated" in rules[1]
    missing = next(f for f in found[2]["findings"] if f["rule"] == "missing-credit")
    assert "Ann Roe/Reuters" in missing["fix"]
    assert found[0]["embedded"]["creator"] == "Sam Lee"
    assert found[3]["embedded"]["problem"]
    assert len(found) == 4  # the broken file did not stop the page


def test_no_images_skips_the_files(server: LoopbackServer) -> None:
    images = ImageServer(server)
    url = images.add("/a.jpg", jpeg(FULL))
    server.routes["/story"] = lambda h: send(h, article([(url, "Jane Doe")]))
    result = run_cli("check", "--no-images", server.url("/story"), "--format", "json")
    assert json.loads(result.stdout)["pages"][0]["images"][0]["embedded"] is None
    assert "/a.jpg" not in images.requests


def test_an_image_that_drips_forever_is_cut_off(server: LoopbackServer) -> None:
    def drip(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "image/jpeg")
        handler.end_headers()
        handler.wfile.write(b"\xff\xd8\xff")
        for _ in range(1200):  # a byte every 50 ms: never slow enough for the read timeout
            handler.wfile.write(b"\x00")
            handler.wfile.flush()
            time.sleep(0.05)

    server.routes["/drip.jpg"] = drip
    reader = ImageReader(FetchSettings(total_timeout=1.0))
    started = time.perf_counter()
    embedded = reader.read(server.url("/drip.jpg"))
    reader.close()
    assert time.perf_counter() - started < 30  # the server drips for a minute
    assert "longer than 1 s" in (embedded.problem or "")
