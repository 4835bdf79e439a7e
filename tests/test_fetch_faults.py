"""Hostile or broken servers against the fetchers: each fault gives a clear reason, within
the deadline, and one bad target or image does not hold up the rest of a run.

The servers are real (tests/faultserver.py, on loopback); the settings are small so
that a fault that would take minutes ends in a second or two.
"""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest
from faultserver import PAGE, Exchange, FaultRoute, FaultServer
from imagefactory import Metadata, jpeg

from attribution.app.check import CheckOptions, check_targets
from attribution.errors import FetchError, TargetError
from attribution.fetch.images import OUT_OF_TIME, ImageReader
from attribution.fetch.pages import fetch_page
from attribution.fetch.session import make_session
from attribution.fetch.settings import FetchSettings
from attribution.records import Embedded, Profile
from attribution.store import open_database, run_pages

QUICK = FetchSettings(
    connect_timeout=1.0, read_timeout=1.0, total_timeout=1.5, max_page_bytes=1024 * 1024
)
PHOTO = jpeg(Metadata(artist="Jane Doe"))
# Bounds far above what the guarded fetches take, far below what the faults would.
GENEROUS = 20.0


def page_error(url: str, settings: FetchSettings = QUICK) -> str:
    """The reason fetching ``url`` fails."""
    with pytest.raises(FetchError) as caught:
        fetch_page(url, settings)
    assert caught.value.target == url
    return caught.value.reason


# --- pages


def test_a_server_that_never_answers(faults: FaultServer) -> None:
    faults.routes["/silent"] = FaultServer.no_answer()
    assert "did not answer in time" in page_error(faults.url("/silent"))


def test_headers_that_arrive_one_by_one_are_cut_off_by_the_total_deadline(
    faults: FaultServer,
) -> None:
    # a header every 0.3 s never trips the 1 s read timeout; only the total deadline ends it
    faults.routes["/trickle"] = FaultServer.slow_headers(0.3)
    started = time.monotonic()
    reason = page_error(faults.url("/trickle"))
    assert reason == "the server did not answer in time (nothing within 1.5 s)"
    assert time.monotonic() - started < GENEROUS


def test_a_body_that_drips(faults: FaultServer) -> None:
    faults.routes["/drip"] = FaultServer.drip(0.05)
    assert page_error(faults.url("/drip")) == "the page took longer than 1.5 s to download"


def test_a_body_that_never_ends_stops_at_the_size_cap(faults: FaultServer) -> None:
    faults.routes["/endless"] = FaultServer.endless()
    assert page_error(faults.url("/endless")) == "the page is larger than the 1 MiB limit"


def test_a_connection_reset_mid_body(faults: FaultServer) -> None:
    faults.routes["/reset"] = FaultServer.reset_mid_body()
    assert page_error(faults.url("/reset")).startswith("the download broke off (")


def test_a_gzip_bomb_stops_at_the_size_cap_without_inflating(faults: FaultServer) -> None:
    faults.routes["/bomb"] = FaultServer.gzip_bomb(200)  # 200 KiB that inflate to 200 MiB
    tracemalloc.start()
    try:
        reason = page_error(faults.url("/bomb"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reason == "the page is larger than the 1 MiB limit"
    assert peak < 64 * 1024 * 1024  # decoded bytes are counted as they come, not all at once


def test_a_flood_of_headers_is_a_malformed_response(faults: FaultServer) -> None:
    faults.routes["/flood"] = FaultServer.header_flood(1000)
    faults.routes["/long"] = FaultServer.long_header(100_000)
    assert page_error(faults.url("/flood")) == (
        "the server sent a malformed response (got more than 100 headers)"
    )
    assert page_error(faults.url("/long")).startswith("the server sent a malformed response (")


def test_too_many_requests_is_retried_after_the_pause_asked_for(faults: FaultServer) -> None:
    faults.routes["/busy"] = FaultServer.status_then(429, FaultServer.page(), {"Retry-After": "1"})
    settings = FetchSettings(total_timeout=5.0)
    assert fetch_page(faults.url("/busy"), settings).body == PAGE
    assert faults.hits["/busy"] == 2


def test_a_pause_longer_than_is_waited_for_is_a_clear_failure(faults: FaultServer) -> None:
    faults.routes["/later"] = FaultServer.status_then(
        429, FaultServer.page(), {"Retry-After": "3600"}
    )
    faults.routes["/soon"] = FaultServer.status_then(503, FaultServer.page(), {"Retry-After": "5"})
    assert page_error(faults.url("/later")) == (
        "HTTP 429: the server asked to retry after 3600 s (more than the 10 s waited for)"
    )
    assert page_error(faults.url("/soon")) == (
        "HTTP 503: the server asked to retry after 5 s, later than the time left"
    )
    assert faults.hits == {"/later": 1, "/soon": 1}


def test_a_server_error_is_retried(faults: FaultServer) -> None:
    faults.routes["/flaky"] = FaultServer.status_then(502, FaultServer.page())
    assert fetch_page(faults.url("/flaky"), QUICK).body == PAGE
    faults.routes["/down"] = FaultServer.status_then(503, FaultServer.page(), times=99)
    assert page_error(faults.url("/down")).startswith("HTTP 503")
    assert faults.hits == {"/flaky": 2, "/down": 2}


def test_a_kept_alive_connection_the_server_dropped_is_replaced(faults: FaultServer) -> None:
    faults.routes["/story"] = FaultServer.stale_keep_alive()
    session = make_session(QUICK)
    try:
        assert fetch_page(faults.url("/story"), QUICK, session).body == PAGE
        assert fetch_page(faults.url("/story"), QUICK, session).body == PAGE
    finally:
        session.close()
    assert faults.hits["/story"] == 3  # the second went out twice: once on the dead connection


def test_a_fresh_connection_closed_without_an_answer_is_not_retried(faults: FaultServer) -> None:
    def hang_up(exchange: Exchange) -> None:
        exchange.keep_alive = False

    faults.routes["/hang-up"] = hang_up
    assert page_error(faults.url("/hang-up")) == (
        "the server closed the connection without answering"
    )
    assert faults.hits["/hang-up"] == 1


def test_a_redirect_loop(faults: FaultServer) -> None:
    faults.routes["/a"] = FaultServer.redirect("/b")
    faults.routes["/b"] = FaultServer.redirect("/a")
    assert page_error(faults.url("/a")) == "more than 5 redirects (a redirect loop?)"


def test_a_page_of_the_wrong_type(faults: FaultServer) -> None:
    faults.routes["/report.pdf"] = FaultServer.page(b"%PDF-1.7\n", "application/pdf")
    assert page_error(faults.url("/report.pdf")) == (
        "not an HTML page (Content-Type: application/pdf)"
    )


def test_a_callers_deadline_ends_the_fetch_early(faults: FaultServer) -> None:
    faults.routes["/drip"] = FaultServer.drip(0.05)
    faults.routes["/silent"] = FaultServer.no_answer()
    settings = FetchSettings(total_timeout=60.0, read_timeout=60.0)
    for path, reason in [
        ("/drip", "the page's time budget ran out before the page was downloaded"),
        ("/silent", "the server did not answer in time (the page's time budget ran out)"),
    ]:
        started = time.monotonic()
        with pytest.raises(FetchError) as caught:
            fetch_page(faults.url(path), settings, deadline=time.monotonic() + 1.0)
        assert caught.value.reason == reason
        assert time.monotonic() - started < GENEROUS


# --- images


def test_each_image_fault_becomes_the_images_problem(faults: FaultServer) -> None:
    faults.routes["/ok.jpg"] = FaultServer.page(PHOTO, "image/jpeg")
    faults.routes["/silent.jpg"] = FaultServer.no_answer()
    faults.routes["/drip.jpg"] = FaultServer.drip(0.05, "image/jpeg")
    faults.routes["/reset.jpg"] = FaultServer.reset_mid_body("image/jpeg")
    faults.routes["/page.jpg"] = FaultServer.page()
    faults.routes["/bomb.jpg"] = FaultServer.gzip_bomb(200, "image/jpeg")
    faults.routes["/flood.jpg"] = FaultServer.header_flood()
    faults.routes["/loop.jpg"] = FaultServer.redirect("/loop.jpg")
    faults.routes["/file.jpg"] = FaultServer.redirect("file:///etc/passwd")
    expected = {
        "/silent.jpg": "did not answer in time",
        "/drip.jpg": "the image took longer than 1.5 s to download",
        "/reset.jpg": "the download broke off",
        "/page.jpg": "not an image (Content-Type: text/html",
        "/bomb.jpg": "not an image (Content-Type: image/jpeg)",  # zeros, capped at the head
        "/flood.jpg": "malformed response (got more than 100 headers)",
        "/loop.jpg": "more than 5 redirects",
        "/file.jpg": "redirected to a file: URL, which is not followed",
    }
    urls = [faults.url("/ok.jpg")] + [faults.url(path) for path in expected]
    reader = ImageReader(QUICK)
    try:
        found = reader.read_all(urls, page_url=faults.url("/story"))
    finally:
        reader.close()
    assert found[faults.url("/ok.jpg")].creator == "Jane Doe"
    for path, reason in expected.items():
        assert reason in (found[faults.url(path)].problem or ""), path


def test_a_pages_images_share_its_time_budget(faults: FaultServer) -> None:
    for n in range(12):
        faults.routes[f"/drip{n}.jpg"] = FaultServer.drip(0.2, "image/jpeg")
    urls = [faults.url(f"/drip{n}.jpg") for n in range(12)]
    reader = ImageReader(FetchSettings(total_timeout=30.0, read_timeout=10.0, image_workers=4))
    started = time.monotonic()
    try:
        found = reader.read_all(urls, page_url=faults.url("/story"), deadline=started + 1.0)
    finally:
        reader.close()
    # twelve images dripping for 30 s each, four at a time, would take 90 s
    assert time.monotonic() - started < GENEROUS
    for url in urls:
        problem = found[url].problem or ""
        assert problem == OUT_OF_TIME or "time budget ran out" in problem, problem


def test_an_image_not_read_for_lack_of_time_is_read_for_the_next_page(
    faults: FaultServer,
) -> None:
    faults.routes["/ok.jpg"] = FaultServer.page(PHOTO, "image/jpeg")
    url = faults.url("/ok.jpg")
    reader = ImageReader(QUICK)
    try:
        late = reader.read_all([url], page_url=faults.url("/a"), deadline=time.monotonic() - 1)
        later = reader.read_all([url], page_url=faults.url("/b"), deadline=time.monotonic() + 5)
    finally:
        reader.close()
    assert late[url].problem == OUT_OF_TIME
    assert later[url].creator == "Jane Doe"


def test_the_parse_hook_reads_every_image_and_its_failures_stay_with_the_image(
    faults: FaultServer, tmp_path: Path
) -> None:
    faults.routes["/a.jpg"] = FaultServer.page(PHOTO, "image/jpeg")
    faults.routes["/b.jpg"] = FaultServer.page(PHOTO + b"b", "image/jpeg")
    faults.routes["/c.jpg"] = FaultServer.page(PHOTO + b"c", "image/jpeg")
    local = tmp_path / "d.jpg"
    local.write_bytes(PHOTO)
    seen: list[tuple[int, bool]] = []

    def parse(data: bytes, complete: bool) -> Embedded:
        seen.append((len(data), complete))
        if data.endswith(b"b"):
            raise TargetError("parser", "the metadata reader was stopped")
        if data.endswith(b"c"):
            raise ValueError("bad table")
        return Embedded(creator="from the hook")

    reader = ImageReader(QUICK, parse=parse)
    try:
        found = reader.read_all(
            [faults.url("/a.jpg"), faults.url("/b.jpg"), faults.url("/c.jpg")],
            page_url=faults.url("/story"),
        )
        found |= reader.read_all([local.as_uri()], page_url=local.as_uri(), local_folder=tmp_path)
    finally:
        reader.close()
    assert found[faults.url("/a.jpg")].creator == "from the hook"
    assert found[faults.url("/b.jpg")].problem == "the metadata reader was stopped"
    assert found[faults.url("/c.jpg")].problem == (
        "the metadata could not be read (ValueError: bad table)"
    )
    assert found[local.as_uri()].creator == "from the hook"
    assert len(seen) == 4 and all(complete for _, complete in seen)


# --- a whole run


def story(image: str) -> FaultRoute:
    """A good page showing one credited image."""
    return FaultServer.page(
        f"<html><head><title>Story</title></head><body><article><figure>"
        f"<img src='{image}' width='800' height='600'>"
        f"<figcaption>A picture. Photo: Jane Doe/CC BY 4.0</figcaption></figure>"
        f"</article></body></html>".encode()
    )


def test_a_run_of_good_pages_and_every_fault(faults: FaultServer, tmp_path: Path) -> None:
    good = []
    for n in range(50):
        faults.routes[f"/img{n}.jpg"] = FaultServer.page(
            jpeg(Metadata(artist=f"Photographer {n}")), "image/jpeg"
        )
        faults.routes[f"/story{n}"] = story(f"/img{n}.jpg")
        good.append(faults.url(f"/story{n}"))
    bad_routes = {
        "/silent": FaultServer.no_answer(),
        "/trickle": FaultServer.slow_headers(0.3),
        "/drip": FaultServer.drip(0.05),
        "/endless": FaultServer.endless(),
        "/reset": FaultServer.reset_mid_body(),
        "/later": FaultServer.status_then(429, FaultServer.page(), {"Retry-After": "3600"}),
        "/down": FaultServer.status_then(503, FaultServer.page(), times=99),
        "/loop": FaultServer.redirect("/loop"),
        "/file": FaultServer.redirect("file:///etc/passwd"),
        "/local": FaultServer.redirect(faults.url("/story0", host="localhost")),
        "/metadata": FaultServer.redirect("http://169.254.169.254/latest/meta-data/"),
        "/pdf": FaultServer.page(b"%PDF-1.7\n", "application/pdf"),
        "/bomb": FaultServer.gzip_bomb(200),
        "/flood": FaultServer.header_flood(),
    }
    faults.routes.update(bad_routes)
    bad = [faults.url(path) for path in bad_routes]
    names = good[:25] + bad + good[25:]
    database = f"sqlite:///{tmp_path}/a.db"
    open_database(database, auto_upgrade=True).close()
    options = CheckOptions(settings=QUICK, record=True, profile=Profile(database_url=database))
    started = time.monotonic()
    outcome = check_targets(names, options)
    assert time.monotonic() - started < 120  # fourteen faults of 1.5 s at most, and fifty pages
    by_target = {o.target: o for o in outcome.outcomes}
    for url in good:
        result = by_target[url].result
        assert result is not None, (url, by_target[url].error)
        assert result.images[0].embedded is not None
        assert result.images[0].embedded.creator is not None
    for url in bad:
        assert by_target[url].result is None and by_target[url].error is not None, url
    assert outcome.run_id is not None
    db = open_database(database)
    try:
        assert len(run_pages(db, outcome.run_id)) == 50
    finally:
        db.close()
