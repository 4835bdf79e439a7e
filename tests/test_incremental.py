"""Incremental checks: conditional requests with the validators a page's last reading
kept, pages found unchanged (304, or the same bytes) not parsed again and recorded as
such, their findings marked seen; and the polite host gate a scan fetches through."""

from __future__ import annotations

import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from conftest import LoopbackServer, send

from attribution.app.check import CheckOptions, check_targets
from attribution.app.parallel import MIN_BACKOFF_SECONDS, HostGate
from attribution.config import profile_from_mapping
from attribution.errors import ConfigError
from attribution.fetch.pages import Validators, fetch_page
from attribution.fetch.settings import FetchSettings
from attribution.records import LastReading, Profile
from attribution.store import list_findings, open_database
from attribution.store.scans import last_readings

PAGE = b"""<html><head><title>Story</title></head><body><article>
<figure><img src="/pic.jpg" alt="A harbour">
<figcaption>A harbour at dawn. Photo: Jane Doe / Flickr (CC BY-NC 2.0)</figcaption></figure>
</article></body></html>"""
ETAG = '"v1"'
MODIFIED = "Sat, 05 Dec 2026 10:00:00 GMT"


def conditional_page(body: bytes, *, etag: str | None = ETAG) -> object:
    """A page that honours If-None-Match (by its ETag) with 304."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        headers = {"Last-Modified": MODIFIED}
        if etag:
            headers["ETag"] = etag
        if etag and handler.headers.get("If-None-Match") == etag:
            handler.send_response(304)
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        send(handler, body, headers=headers)

    return route


def test_a_conditional_request_sends_the_validators_and_reads_304(server: LoopbackServer) -> None:
    server.routes["/story"] = conditional_page(PAGE)
    first = fetch_page(server.url("/story"), FetchSettings())
    assert (first.status, first.etag, first.last_modified) == (200, ETAG, MODIFIED)
    assert not first.not_modified
    again = fetch_page(server.url("/story"), FetchSettings(), validators=Validators(ETAG, MODIFIED))
    assert again.not_modified and again.body == b""
    assert again.etag == ETAG
    sent = server.requests[-1][1]
    assert sent["If-None-Match"] == ETAG and sent["If-Modified-Since"] == MODIFIED
    assert "If-None-Match" not in server.requests[0][1]


def test_a_hostile_validator_is_not_kept(server: LoopbackServer) -> None:
    def route(handler: BaseHTTPRequestHandler) -> None:
        send(handler, PAGE, headers={"ETag": "x" * 300, "Last-Modified": "\x7fnot\x01printable"})

    server.routes["/story"] = route
    page = fetch_page(server.url("/story"), FetchSettings())
    assert page.etag is None and page.last_modified is None


def _options(database: str, known: dict[str, LastReading] | None = None) -> CheckOptions:
    return CheckOptions(
        profile=Profile(database_url=database), read_images=False, isolate=False, known=known
    )


@pytest.mark.parametrize("validators", [True, False], ids=["304", "same bytes"])
def test_an_unchanged_page_is_not_parsed_again_and_its_findings_are_seen(
    server: LoopbackServer, database_url: str, validators: bool
) -> None:
    open_database(database_url, auto_upgrade=True).close()
    server.routes["/story"] = conditional_page(PAGE, etag=ETAG if validators else None)
    url = server.url("/story")
    first = check_targets([url], _options(database_url))
    assert first.tally.checked == 1 and first.tally.worst is not None
    db = open_database(database_url)
    try:
        known = last_readings(db, [url])
        assert known[url].sha256 == hashlib.sha256(PAGE).hexdigest()
        assert known[url].etag == (ETAG if validators else None)
        before = list_findings(db)
    finally:
        db.close()
    assert before  # the NC licence on a commercial site

    again = check_targets([url], _options(database_url, known))
    assert again.tally.checked == 0 and again.tally.unchanged == 1
    (outcome,) = again.outcomes
    assert outcome.result is None and outcome.unchanged is not None
    assert outcome.unchanged.source.status == (304 if validators else 200)
    # the bytes recorded for a 304 are those of the last reading, by the server's word
    assert outcome.unchanged.source.sha256 == known[url].sha256

    db = open_database(database_url)
    try:
        after = list_findings(db)
        assert [f.identity for f in after] == [f.identity for f in before]
        assert all(f.status == "open" for f in after)
        assert all(f.last_seen >= b.last_seen for f, b in zip(after, before, strict=True))
        # the unchanged reading is the page's last, and keeps its validators
        assert last_readings(db, [url])[url] == known[url]
        from sqlalchemy import select

        from attribution.store.models import PageFetch, Run, RunTarget

        with db.sessions() as session:
            fetches = session.scalars(select(PageFetch).order_by(PageFetch.id)).all()
            assert [f.unchanged for f in fetches] == [False, True]
            assert fetches[1].images == fetches[0].images and fetches[1].title == "Story"
            run = session.get(Run, again.run_id)
            assert run is not None and (run.pages_done, run.pages_unchanged) == (0, 1)
            target = session.scalars(
                select(RunTarget).where(RunTarget.run_id == again.run_id)
            ).one()
            assert target.status == "unchanged" and target.page_id is not None
    finally:
        db.close()


def test_a_changed_page_is_checked_again(server: LoopbackServer, tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path}/db.sqlite"
    open_database(database, auto_upgrade=True).close()
    server.routes["/story"] = conditional_page(PAGE)
    url = server.url("/story")
    check_targets([url], _options(database))
    db = open_database(database)
    try:
        known = last_readings(db, [url])
    finally:
        db.close()
    changed = PAGE.replace(b"CC BY-NC 2.0", b"CC BY 4.0")
    server.routes["/story"] = conditional_page(changed, etag='"v2"')
    again = check_targets([url], _options(database, known))
    assert again.tally.checked == 1 and again.tally.unchanged == 0
    db = open_database(database)
    try:
        assert last_readings(db, [url])[url].etag == '"v2"'
    finally:
        db.close()


def test_the_gate_spaces_the_starts_to_one_host() -> None:
    delay = 0.2
    gate = HostGate(per_host=4, delay=delay)
    starts: list[float] = []
    lock = threading.Lock()

    def fetch() -> None:
        with gate.hold("https://www.example.com/a"):
            started = time.monotonic()
            with lock:
                starts.append(started)

    threads = [threading.Thread(target=fetch) for _ in range(4)]
    before = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    starts.sort()
    # The gate gives the k-th start a turn no sooner than k delays after the first turn,
    # which comes after ``before``; a busy machine only makes a fetch start later. (The
    # gaps between two starts are no bound: one thread woken late brings its start
    # closer to the next one's.)
    for place, started in enumerate(starts):
        assert started - before >= place * delay * 0.99, (place, started - before)


def test_the_gate_follows_crawl_delay_latency_and_back_off() -> None:
    gate = HostGate(per_host=2, delay=0.0, adaptive=True)
    assert gate.interval("www.example.com") == 0.0
    gate.set_delay("www.example.com", 3.0)
    assert gate.interval("www.example.com") == 3.0
    assert gate.interval("other.example.com") == 0.0
    gate.back_off("https://other.example.com/x")
    assert gate.interval("other.example.com") == MIN_BACKOFF_SECONDS
    gate.back_off("https://other.example.com/x")
    assert gate.interval("other.example.com") == 2 * MIN_BACKOFF_SECONDS
    # a host that answers well again is given its pace back, halving the pause each time
    gate._observe("other.example.com", 0.0)
    assert gate.interval("other.example.com") == MIN_BACKOFF_SECONDS
    # a slow server is asked less often: its response time over the places it has
    gate._observe("slow.example.com", 4.0)
    assert gate.interval("slow.example.com") == 2.0


def test_the_scan_table_of_the_profile() -> None:
    profile = profile_from_mapping(
        {
            "scan": {
                "sources": ["https://www.example.com/sitemap.xml"],
                "contact": "https://www.example.com/contact",
                "per_host": 3,
                "delay": 0.5,
                "max_pages": 100,
                "max_minutes": 90,
                "notify": ["mailto:ops@example.com"],
            }
        }
    )
    scan = profile.scan
    assert scan.sources == ("https://www.example.com/sitemap.xml",)
    assert (scan.per_host, scan.delay, scan.max_pages, scan.max_minutes) == (3, 0.5, 100, 90.0)
    assert scan.notify == ("mailto:ops@example.com",)
    for bad, key in [
        ({"per_host": 0}, "scan.per_host"),
        ({"delay": -1}, "scan.delay"),
        ({"contact": "call Bob"}, "scan.contact"),
        ({"smtp": "mail.example.com"}, "scan.smtp"),
        ({"sources": "https://x"}, "scan.sources"),
        ({"crawl_speed": 3}, "scan.crawl_speed"),
    ]:
        with pytest.raises(ConfigError, match=key):
            profile_from_mapping({"scan": bad})


def test_a_host_that_goes_on_saying_429_is_paused_longer_each_time() -> None:
    from attribution.errors import FetchError

    gate = HostGate(per_host=2, adaptive=True)
    url = "https://busy.example.com/story"
    for pause in (1, 2, 4):
        with pytest.raises(FetchError), gate.hold(url, spaced=False):
            gate.back_off(url)
            raise FetchError(url, "HTTP 429 Too Many Requests", status=429)
        assert gate.interval("busy.example.com") == pause * MIN_BACKOFF_SECONDS
