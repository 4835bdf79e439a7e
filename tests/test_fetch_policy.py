"""What a hostile page cannot make the checker fetch: private addresses (server-side
request forgery) over HTTP, and local files beyond a saved page's own folder.

Every test runs against real servers on loopback, which is itself private: a page on
127.0.0.1 may show images from 127.0.0.1, and nothing else private.
"""

from __future__ import annotations

import ipaddress
import os
import threading
from pathlib import Path

import pytest
from faultserver import FaultServer
from imagefactory import Metadata, jpeg

from attribution.errors import FetchError
from attribution.fetch.images import (
    NOT_A_LOCAL_PAGE,
    NOT_REGULAR,
    OUTSIDE_FOLDER,
    ImageReader,
    fetch_image,
)
from attribution.fetch.pages import fetch_page
from attribution.fetch.policy import private_kind
from attribution.fetch.session import make_session
from attribution.fetch.settings import FetchSettings

SETTINGS = FetchSettings(connect_timeout=2.0, read_timeout=2.0, total_timeout=5.0)
PRIVATE = "resolves to a private address"
PHOTO = jpeg(Metadata(artist="Jane Doe"))


# --- which addresses are private


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.0.0.2", "loopback"),
        ("::1", "loopback"),
        ("0.0.0.0", "unspecified"),
        ("10.1.2.3", "private network"),
        ("172.16.0.1", "private network"),
        ("192.168.1.1", "private network"),
        ("169.254.169.254", "link-local"),  # the cloud metadata service
        ("fe80::1", "link-local"),
        ("fd00::1", "private network"),
        ("100.64.0.1", "not globally routed"),  # carrier-grade NAT
        ("224.0.0.1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("::ffff:169.254.169.254", "link-local"),
        ("::127.0.0.1", "loopback"),  # IPv4-compatible
        ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
        ("2002:a9fe:a9fe::1", "link-local"),  # 6to4 of 169.254.169.254
        ("64:ff9b::7f00:1", "loopback"),  # NAT64 of 127.0.0.1
        ("64:ff9b::a00:1", "private network"),  # NAT64 of 10.0.0.1
        ("64:ff9b:1::1", "private network"),  # local-use NAT64
        ("fec0::1", "private network"),  # site-local
    ],
)
def test_private_addresses_are_recognised_in_every_form(address: str, kind: str) -> None:
    assert private_kind(ipaddress.ip_address(address)) == kind


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "64:ff9b::808:808"]
)
def test_public_addresses_are_public(address: str) -> None:
    assert private_kind(ipaddress.ip_address(address)) is None


# --- images a page on 127.0.0.1 names elsewhere


def _other_forms(faults: FaultServer, second_host: FaultServer) -> list[str]:
    """The same loopback server, or another private host, named every way a page could."""
    port = faults.port
    return [
        faults.url("/photo.jpg", host="localhost"),
        faults.url("/photo.jpg", host="2130706433"),
        faults.url("/photo.jpg", host="0x7f.1"),
        faults.url("/photo.jpg", host="127.1"),
        faults.url("/photo.jpg", host="017700000001"),
        faults.url("/photo.jpg", host="[::ffff:127.0.0.1]"),
        faults.url("/photo.jpg", host="0.0.0.0"),
        second_host.url("/photo.jpg"),  # 127.0.0.2
        f"http://[::1]:{port}/photo.jpg",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/photo.jpg",
        "http://192.168.0.1/photo.jpg",
        "http://[fe80::1]/photo.jpg",
        "http://[64:ff9b::7f00:1]/photo.jpg",
        "http://[2002:7f00:1::]/photo.jpg",
    ]


def test_a_page_cannot_make_the_checker_fetch_private_addresses(
    faults: FaultServer, second_host: FaultServer
) -> None:
    faults.routes["/photo.jpg"] = FaultServer.page(PHOTO, "image/jpeg")
    second_host.routes["/photo.jpg"] = FaultServer.page(PHOTO, "image/jpeg")
    page = faults.url("/story")
    forms = _other_forms(faults, second_host)
    reader = ImageReader(SETTINGS)
    try:
        found = reader.read_all([faults.url("/photo.jpg"), *forms], page_url=page)
    finally:
        reader.close()
    assert found[faults.url("/photo.jpg")].creator == "Jane Doe"  # the page's own host
    for url in forms:
        problem = found[url].problem or ""
        assert PRIVATE in problem, (url, problem)
        assert found[url].creator is None
    assert faults.hits == {"/photo.jpg": 1}  # only the page's own host was asked
    assert second_host.hits == {}


def test_a_refusal_names_the_address_and_why(faults: FaultServer) -> None:
    with pytest.raises(FetchError) as caught:
        fetch_image(
            faults.url("/photo.jpg", host="localhost"),
            SETTINGS,
            page_url=faults.url("/story"),
        )
    assert caught.value.target == faults.url("/photo.jpg", host="localhost")
    assert "it resolves to a private address (127.0.0.1, loopback)" in caught.value.reason
    assert "only the target's own host" in caught.value.reason


def test_redirects_to_private_addresses_are_refused(
    faults: FaultServer, second_host: FaultServer
) -> None:
    second_host.routes["/admin"] = FaultServer.page()
    faults.routes["/to-localhost"] = FaultServer.redirect(faults.url("/story", host="localhost"))
    faults.routes["/to-second"] = FaultServer.redirect(second_host.url("/admin"))
    faults.routes["/to-metadata"] = FaultServer.redirect("http://169.254.169.254/latest/")
    faults.routes["/scheme-relative"] = FaultServer.redirect(f"//127.1:{faults.port}/story")
    faults.routes["/story"] = FaultServer.page()
    for path, shown in [
        ("/to-localhost", faults.url("/story", host="localhost")),
        ("/to-second", second_host.url("/admin")),
        ("/to-metadata", "http://169.254.169.254/latest/"),
        ("/scheme-relative", faults.url("/story", host="127.1")),
    ]:
        with pytest.raises(FetchError) as caught:
            fetch_page(faults.url(path), SETTINGS)
        assert caught.value.target == faults.url(path)
        assert f"redirected to {shown}, which {PRIVATE}" in caught.value.reason
    assert second_host.hits == {}
    assert "/story" not in faults.hits


def test_an_image_that_redirects_to_another_private_host_is_refused(
    faults: FaultServer, second_host: FaultServer
) -> None:
    second_host.routes["/photo.jpg"] = FaultServer.page(PHOTO, "image/jpeg")
    faults.routes["/photo.jpg"] = FaultServer.redirect(second_host.url("/photo.jpg"))
    reader = ImageReader(SETTINGS)
    try:
        found = reader.read_all([faults.url("/photo.jpg")], page_url=faults.url("/story"))
    finally:
        reader.close()
    assert PRIVATE in (found[faults.url("/photo.jpg")].problem or "")
    assert second_host.hits == {}


def test_a_redirect_on_the_targets_own_host_is_followed(faults: FaultServer) -> None:
    faults.routes["/old"] = FaultServer.redirect("/story")
    faults.routes["/story"] = FaultServer.page()
    assert fetch_page(faults.url("/old"), SETTINGS).url == faults.url("/story")


def test_a_server_that_checks_for_others_refuses_even_its_target(faults: FaultServer) -> None:
    faults.routes["/story"] = FaultServer.page()
    strict = FetchSettings(total_timeout=5.0, private_targets=False)
    with pytest.raises(
        FetchError, match=r"only a host the profile.s \[limits\] allowed_hosts lists"
    ):
        fetch_page(faults.url("/story"), strict)
    assert faults.hits == {}
    allowed = FetchSettings(total_timeout=5.0, private_targets=False, allowed_hosts=("127.0.0.1",))
    assert fetch_page(faults.url("/story"), allowed).status == 200


def test_an_allowed_host_may_be_private_for_any_page(faults: FaultServer) -> None:
    faults.routes["/photo.jpg"] = FaultServer.page(PHOTO, "image/jpeg")
    url = faults.url("/photo.jpg", host="localhost")
    settings = FetchSettings(total_timeout=5.0, allowed_hosts=("LocalHost",))
    reader = ImageReader(settings)
    try:
        found = reader.read_all([url], page_url="https://news.example/story")
    finally:
        reader.close()
    assert found[url].creator == "Jane Doe"


def test_a_kept_alive_connection_is_checked_again_for_another_page(faults: FaultServer) -> None:
    faults.routes["/photo.jpg"] = FaultServer.page(PHOTO, "image/jpeg")
    url = faults.url("/photo.jpg")
    session = make_session(SETTINGS)
    try:
        first = fetch_image(url, SETTINGS, session, page_url=faults.url("/story"))
        assert first.complete
        with pytest.raises(FetchError, match=PRIVATE):
            fetch_image(url, SETTINGS, session, page_url="https://news.example/story")
        again = fetch_image(url, SETTINGS, session, page_url=faults.url("/other"))
        assert again.data == first.data
    finally:
        session.close()
    assert faults.hits == {"/photo.jpg": 2}


def test_a_refusal_for_one_page_is_not_served_from_cache_to_the_pages_host(
    faults: FaultServer,
) -> None:
    faults.routes["/photo.jpg"] = FaultServer.page(PHOTO, "image/jpeg")
    url = faults.url("/photo.jpg")
    reader = ImageReader(SETTINGS)
    try:
        elsewhere = reader.read_all([url], page_url="https://news.example/story")[url]
        own = reader.read_all([url], page_url=faults.url("/story"))[url]
        again = reader.read_all([url], page_url="https://news.example/other")[url]
    finally:
        reader.close()
    assert PRIVATE in (elsewhere.problem or "")
    assert own.creator == "Jane Doe"
    assert PRIVATE in (again.problem or "")  # the other page's host learns nothing
    assert faults.hits == {"/photo.jpg": 1}


@pytest.mark.parametrize(
    ("location", "scheme"),
    [
        ("file:///etc/passwd", "file"),
        ("ftp://127.0.0.1/pub/photo.jpg", "ftp"),
        ("data:text/html,<p>hello</p>", "data"),
        ("gopher://127.0.0.1:6379/_INFO", "gopher"),
    ],
)
def test_redirects_to_other_schemes_are_not_followed(
    faults: FaultServer, location: str, scheme: str
) -> None:
    faults.routes["/go"] = FaultServer.redirect(location)
    with pytest.raises(FetchError) as caught:
        fetch_page(faults.url("/go"), SETTINGS)
    assert caught.value.reason == f"redirected to a {scheme}: URL, which is not followed"


# --- local files


def _reader_for(folder: Path | None, urls: list[str], **settings: int) -> dict[str, object]:
    reader = ImageReader(FetchSettings(**settings))  # type: ignore[arg-type]
    try:
        return {u: e.problem for u, e in reader.read_all(urls, local_folder=folder).items()}
    finally:
        reader.close()


def test_a_page_over_http_cannot_name_local_files(tmp_path: Path) -> None:
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(PHOTO)
    urls = ["file:///etc/hostname", "file:///dev/zero", photo.as_uri()]
    reader = ImageReader(SETTINGS)
    try:
        found = reader.read_all(urls, page_url="https://news.example/story")
    finally:
        reader.close()
    for url in urls:
        assert found[url].problem == NOT_A_LOCAL_PAGE
        assert found[url].bytes_read == 0


def test_a_saved_pages_image_in_its_folder_is_read(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    photo = tmp_path / "images" / "photo.jpg"
    photo.write_bytes(PHOTO)
    reader = ImageReader(SETTINGS)
    try:
        found = reader.read_all([photo.as_uri()], local_folder=tmp_path)
    finally:
        reader.close()
    assert found[photo.as_uri()].creator == "Jane Doe"
    assert found[photo.as_uri()].problem is None


def test_a_saved_page_cannot_read_outside_its_folder(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    secret = tmp_path / "secret.jpg"
    secret.write_bytes(PHOTO)
    (site / "link.jpg").symlink_to(secret)
    urls = [
        f"{site.as_uri()}/../secret.jpg",
        f"{site.as_uri()}/%2e%2e/secret.jpg",
        (site / "link.jpg").as_uri(),  # a symbolic link inside that points outside
        "file:///etc/hostname",
    ]
    found = _reader_for(site, urls)
    assert found == dict.fromkeys(urls, OUTSIDE_FOLDER)


def test_dev_zero_is_not_read(tmp_path: Path) -> None:
    assert _reader_for(tmp_path, ["file:///dev/zero"]) == {"file:///dev/zero": OUTSIDE_FOLDER}
    # even for a page saved in /dev: a device is not a regular file
    assert _reader_for(Path("/dev"), ["file:///dev/zero"]) == {"file:///dev/zero": NOT_REGULAR}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_beside_a_saved_page_is_not_read_and_does_not_block(tmp_path: Path) -> None:
    fifo = tmp_path / "photo.jpg"
    os.mkfifo(fifo)
    found: dict[str, object] = {}
    reading = threading.Thread(
        target=lambda: found.update(_reader_for(tmp_path, [fifo.as_uri()])), daemon=True
    )
    reading.start()
    reading.join(timeout=20)  # a blocking open would wait for a writer for ever
    if reading.is_alive():
        with open(fifo, "wb"):  # let the stuck reader go before failing
            pass
        pytest.fail("reading a FIFO blocked")
    assert found == {fifo.as_uri(): NOT_REGULAR}


def test_a_local_file_over_the_size_cap_is_not_read(tmp_path: Path) -> None:
    big = tmp_path / "big.jpg"
    big.write_bytes(jpeg(Metadata(artist="Jane Doe"), padding=3 * 1024 * 1024))
    found = _reader_for(tmp_path, [big.as_uri()], max_image_bytes=1024 * 1024)
    assert found == {big.as_uri(): "larger than 1 MiB"}


def test_a_file_on_another_machine_is_not_read(tmp_path: Path) -> None:
    found = _reader_for(tmp_path, ["file://fileserver/share/photo.jpg"])
    assert found == {"file://fileserver/share/photo.jpg": "not read: a file on another machine"}


def test_a_local_file_refused_for_one_page_is_read_for_the_page_beside_it(tmp_path: Path) -> None:
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(PHOTO)
    url = photo.as_uri()
    reader = ImageReader(SETTINGS)
    try:
        over_http = reader.read_all([url], page_url="https://news.example/story")[url]
        saved = reader.read_all([url], page_url=url, local_folder=tmp_path)[url]
        other = reader.read_all([url], local_folder=tmp_path / "elsewhere")[url]
        over_http_again = reader.read_all([url])[url]
    finally:
        reader.close()
    assert over_http.problem == NOT_A_LOCAL_PAGE
    assert saved.creator == "Jane Doe"
    assert other.problem is not None and other.creator is None
    assert over_http_again.problem == NOT_A_LOCAL_PAGE
