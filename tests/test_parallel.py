"""Checking many pages at once: outcomes in target order, a bounded window of pages in
hand, a bounded number of fetches per host, every page recorded, and a stopped check
that can be resumed. Against a real loopback server and a real database."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from conftest import PAGES, LoopbackServer, run_cli, send

from attribution.app.check import CheckOptions, check_targets
from attribution.app.outcomes import TargetOutcome
from attribution.app.parallel import HostGate, check_in_parallel
from attribution.errors import TargetError
from attribution.fetch.settings import FetchSettings
from attribution.records import Profile
from attribution.sources.targets import Target, resolve_targets
from attribution.store import open_database, run_pages

# How long a test waits for a worker thread to reach a point, before it gives up (a
# bound that holds under load, not a measure of speed).
PATIENCE = 30


def story(number: int) -> bytes:
    return (
        f"<html><head><title>Story {number}</title></head><body><article><h1>Story {number}"
        f"</h1><figure><img src='/img/{number}.jpg' width=800 height=600><figcaption>"
        f"Picture {number}. Photo: Jane Doe/Reuters</figcaption></figure></article>"
        "</body></html>"
    ).encode()


class ScriptedChecker:
    """A checker whose pages finish when the test says so."""

    def __init__(self, gates: dict[str, threading.Event], started: list[str]) -> None:
        self.gates = gates
        self.started = started
        self.closed = False

    def check(self, target: Target) -> TargetOutcome:
        self.started.append(target.name)
        gate = self.gates.get(target.name)
        if gate is not None:
            assert gate.wait(PATIENCE)
        return TargetOutcome(target.name, error=TargetError(target.name, "scripted"))

    def close(self) -> None:
        self.closed = True


def targets(count: int) -> list[Target]:
    return resolve_targets([f"https://news.example/{n}" for n in range(count)])


def test_outcomes_come_in_target_order_whatever_order_the_pages_finish_in() -> None:
    first = threading.Event()
    started: list[str] = []
    checkers: list[ScriptedChecker] = []

    def open_checker() -> ScriptedChecker:
        checker = ScriptedChecker({"https://news.example/0": first}, started)
        checkers.append(checker)
        return checker

    outcomes = check_in_parallel(targets(6), open_checker, workers=2)
    # The first page is held up; the other worker finishes every other page meanwhile.
    releaser = threading.Timer(0.2, first.set)
    releaser.start()
    names = [outcome.target for outcome in outcomes]
    releaser.join()
    assert names == [f"https://news.example/{n}" for n in range(6)]
    assert len(checkers) == 2 and all(checker.closed for checker in checkers)


def test_only_a_window_of_targets_is_in_hand_while_one_page_holds_up_the_order() -> None:
    first = threading.Event()
    started: list[str] = []
    outcomes = check_in_parallel(
        targets(50), lambda: ScriptedChecker({"https://news.example/0": first}, started), 2, 5
    )
    reader = threading.Thread(target=lambda: list(outcomes), daemon=True)
    reader.start()
    # Five targets are handed out; one is held, the other four finish, and no more come.
    for _ in range(PATIENCE * 10):
        if len(started) >= 5:
            break
        threading.Event().wait(0.1)
    reader.join(0.5)
    assert len(started) == 5
    first.set()
    reader.join(PATIENCE)
    assert not reader.is_alive() and len(started) == 50


def test_a_worker_that_cannot_start_stops_the_check_with_its_error() -> None:
    def broken() -> ScriptedChecker:
        raise OSError("no parsing process")

    with pytest.raises(OSError, match="no parsing process"):
        list(check_in_parallel(targets(3), broken, workers=2))


def test_the_host_gate_lets_at_most_so_many_fetches_to_one_host_at_a_time() -> None:
    gate = HostGate(per_host=2)
    inside = {"now": 0, "most": 0}
    lock = threading.Lock()
    release = threading.Event()

    def fetch(url: str) -> None:
        with gate.hold(url):
            with lock:
                inside["now"] += 1
                inside["most"] = max(inside["most"], inside["now"])
            release.wait(PATIENCE)
            with lock:
                inside["now"] -= 1

    threads = [
        threading.Thread(target=fetch, args=(f"https://News.Example/{n}",)) for n in range(5)
    ]
    other = threading.Thread(target=fetch, args=("https://other.example/",))
    for thread in [*threads, other]:
        thread.start()
    for _ in range(PATIENCE * 10):
        if inside["now"] >= 3:
            break
        threading.Event().wait(0.1)
    assert inside["now"] == 3  # two of news.example, one of other.example
    release.set()
    for thread in [*threads, other]:
        thread.join(PATIENCE)
    assert inside["most"] == 3


@pytest.fixture
def site(server: LoopbackServer) -> Iterator[tuple[LoopbackServer, list[str]]]:
    """Twelve story pages on one loopback host, each answered after the others have
    begun, so that concurrent fetches overlap; the most at once is counted."""
    busy = {"now": 0, "most": 0}
    lock = threading.Lock()

    def page(number: int) -> object:
        def route(handler: BaseHTTPRequestHandler) -> None:
            with lock:
                busy["now"] += 1
                busy["most"] = max(busy["most"], busy["now"])
            threading.Event().wait(0.2)
            with lock:
                busy["now"] -= 1
            send(handler, story(number))

        return route

    for number in range(12):
        server.routes[f"/story/{number}"] = page(number)  # type: ignore[assignment]
    server.busy = busy  # type: ignore[attr-defined]
    yield server, [server.url(f"/story/{n}") for n in range(12)]


def test_many_pages_checked_at_once_give_the_same_results_in_order(
    site: tuple[LoopbackServer, list[str]], database_url: str
) -> None:
    server, urls = site
    open_database(database_url, auto_upgrade=True).close()
    settings = FetchSettings(max_per_host=3)
    one = check_targets(urls, CheckOptions(record=False, read_images=False, settings=settings))
    server.busy["most"] = 0  # type: ignore[attr-defined]
    options = CheckOptions(
        profile=Profile(database_url=database_url),
        read_images=False,
        settings=settings,
        workers=4,
    )
    many = check_targets(urls, options)
    assert [p.title for p in many.pages] == [f"Story {n}" for n in range(12)]
    assert [p.images for p in many.pages] == [p.images for p in one.pages]
    assert server.busy["most"] <= 3  # type: ignore[attr-defined]
    db = open_database(database_url)
    try:
        recorded = run_pages(db, many.run_id or 0)
    finally:
        db.close()
    assert len(recorded) == 12


def test_a_check_that_keeps_nothing_still_counts_every_outcome(
    site: tuple[LoopbackServer, list[str]], tmp_path: Path
) -> None:
    _server, urls = site
    seen: list[str] = []
    outcome = check_targets(
        [*urls[:4], str(tmp_path / "gone.html")],
        CheckOptions(record=False, read_images=False, workers=2),
        on_done=lambda o: seen.append(o.target),
        keep=False,
    )
    assert outcome.outcomes == ()
    assert outcome.tally.checked == 4 and outcome.failed
    assert outcome.reaches("error")
    assert seen == [*urls[:4], str(tmp_path / "gone.html")]


def test_a_parallel_check_stopped_midway_is_interrupted_and_resumes(
    site: tuple[LoopbackServer, list[str]], database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _server, urls = site
    # two pages a transaction: a stop at the third page leaves at most four recorded
    monkeypatch.setattr("attribution.app.gathering.RECORDED_TOGETHER", 2)
    open_database(database_url, auto_upgrade=True).close()
    options = CheckOptions(profile=Profile(database_url=database_url), read_images=False, workers=3)
    done: list[str] = []

    def stop_after_three(outcome: TargetOutcome) -> None:
        done.append(outcome.target)
        if len(done) == 3:
            raise KeyboardInterrupt

    runs: list[int] = []
    with pytest.raises(KeyboardInterrupt):
        check_targets(urls, options, on_done=stop_after_three, on_run=runs.append)
    db = open_database(database_url)
    try:
        # the pages reported and those checked with them are kept
        kept = run_pages(db, runs[0])
        assert set(done) <= set(kept) and len(kept) <= 4
        resumed = check_targets([], options, resume=runs[0])
        left = [url for url in urls if url not in kept]
        assert [p.url for p in resumed.pages] == left
        assert sorted(run_pages(db, runs[0])) == sorted(urls)
    finally:
        db.close()


def test_the_command_reports_each_page_in_order_whatever_the_jobs(tmp_path: Path) -> None:
    pages = sorted(str(path) for path in PAGES.glob("*.html"))[:8]
    one = run_cli("check", *pages, "--no-store", "--no-images", "--jobs", "1")
    many = run_cli("check", *pages, "--no-store", "--no-images", "--jobs", "3")
    assert one.returncode == many.returncode
    assert many.stdout == one.stdout and many.stdout.count("\n\n") == 8
    report = tmp_path / "report.json"
    made = run_cli(
        "check", *pages, "--no-store", "--no-images", "-j", "3", "--format", "json", "-o",
        str(report),
    )  # fmt: skip
    document = json.loads(report.read_text("utf-8"))
    assert made.returncode == one.returncode
    assert document["summary"]["pages"] == 8 and len(document["pages"]) == 8


def test_an_image_reader_remembers_a_bounded_number_of_images(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from imagefactory import Metadata, jpeg

    from attribution.fetch import images
    from attribution.fetch.images import ImageReader

    photo = jpeg(Metadata(artist="Jane Doe"))
    for number in range(3):
        server.routes[f"/img/{number}.jpg"] = lambda h: send(h, photo, "image/jpeg")
    monkeypatch.setattr(images, "IMAGES_REMEMBERED", 2)
    urls = [server.url(f"/img/{number}.jpg") for number in range(3)]
    reader = ImageReader(FetchSettings(image_workers=1))
    try:
        for url in urls:
            assert reader.read_all([url])[url].creator == "Jane Doe"
        asked = len(server.requests)
        reader.read_all(urls[2:])  # remembered: not asked again
        assert len(server.requests) == asked
        reader.read_all(urls[:1])  # forgotten, the oldest: asked again
        assert len(server.requests) > asked
    finally:
        reader.close()


def test_a_worker_that_breaks_stops_the_check_rather_than_leaving_it_waiting() -> None:
    class Broken(ScriptedChecker):
        def check(self, target: Target) -> TargetOutcome:
            raise RuntimeError(f"bug on {target.name}")

    with pytest.raises(RuntimeError, match="bug on"):
        list(check_in_parallel(targets(4), lambda: Broken({}, []), workers=2))
