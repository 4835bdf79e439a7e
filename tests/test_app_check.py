"""The application layer: a whole check and the unit of work a worker runs, used as a
library (no command line), against real files, a loopback server and a real database."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PAGES, LoopbackServer, send

from attribution.app.check import CheckOptions, PageChecker, check_and_record, check_targets
from attribution.errors import UsageError
from attribution.records import Profile, RightsEntry
from attribution.sources.targets import TargetKind, resolve_target, resolve_targets
from attribution.store import (
    finish_run,
    list_findings,
    list_runs,
    open_database,
    run_pages,
    start_run,
)

NO_CREDITS = PAGES / "no-credits.html"
SEED = PAGES / "seed-article.html"
AGENCY_PAGE = (
    b"<html><body><article><figure><img src='https://news.example/wire.jpg' width=800 "
    b"height=600><figcaption>The summit. (AP Photo/Evan Vucci)</figcaption></figure>"
    b"</article></body></html>"
)


@pytest.fixture
def upgraded(database_url: str) -> str:
    """A database of each kind with the schema in place (as 'attribution db upgrade')."""
    open_database(database_url, auto_upgrade=True).close()
    return database_url


def test_the_address_of_each_target_is_decided_once() -> None:
    url, saved = resolve_targets(["https://news.example/a", str(SEED)])
    assert (url.kind, url.address) == (TargetKind.URL, "https://news.example/a")
    assert saved.kind is TargetKind.FILE and saved.address == SEED.resolve().as_uri()
    assert resolve_target(str(SEED), "https://news.example/b").address == "https://news.example/b"
    with pytest.raises(UsageError, match="--base-url"):
        resolve_targets(["-"])


def test_a_check_without_a_database_returns_every_outcome(tmp_path: Path) -> None:
    outcome = check_targets(
        [str(NO_CREDITS), str(tmp_path / "gone.html")],
        CheckOptions(read_images=False, record=False),
    )
    assert outcome.run_id is None
    assert [o.error is None for o in outcome.outcomes] == [True, False]
    assert outcome.failed
    assert outcome.reaches("error") and not outcome.reaches("never")
    assert [i.findings[0].rule for i in outcome.pages[0].images] == ["missing-credit"] * 3


def test_a_usage_error_records_no_run(upgraded: str) -> None:
    options = CheckOptions(profile=Profile(database_url=upgraded), read_images=False)
    with pytest.raises(UsageError):
        check_targets(["-"], options)
    db = open_database(upgraded)
    try:
        assert list_runs(db) == []
    finally:
        db.close()


def test_the_rights_register_in_the_database_reaches_the_rules(
    server: LoopbackServer, upgraded: str
) -> None:
    server.routes["/wire"] = lambda h: send(h, AGENCY_PAGE)
    options = CheckOptions(profile=Profile(database_url=upgraded), read_images=False)
    before = check_targets([server.url("/wire")], options)
    assert "agency-not-licensed" in {f.rule for f in before.pages[0].all_findings()}
    db = open_database(upgraded)
    try:
        from attribution.store import add_rights

        add_rights(db, RightsEntry("Associated Press"))
    finally:
        db.close()
    after = check_targets([server.url("/wire")], options)
    assert "agency-not-licensed" not in {f.rule for f in after.pages[0].all_findings()}
    assert after.run_id == before.run_id + 1  # type: ignore[operator]


def test_a_worker_checks_and_records_one_target_into_a_run(
    server: LoopbackServer, upgraded: str
) -> None:
    server.routes["/wire"] = lambda h: send(h, AGENCY_PAGE)
    targets = [server.url("/wire"), server.url("/missing")]
    db = open_database(upgraded)
    try:
        run_id = start_run(db, "check", targets, {})
    finally:
        db.close()
    options = CheckOptions(profile=Profile(database_url=upgraded), read_images=False)
    done = check_and_record(targets[0], options, run_id, position=0)
    failed = check_and_record(targets[1], options, run_id, position=1)
    assert done.result is not None and failed.error is not None
    db = open_database(upgraded)
    try:
        finish_run(db, run_id)
        assert run_pages(db, run_id) == [targets[0]]
        (run,) = list_runs(db)
        assert (run.pages_done, run.pages_failed, run.pending) == (1, 1, 0)
        assert {f.rule for f in list_findings(db)} >= {"agency-not-licensed"}
    finally:
        db.close()


def test_one_page_checker_reads_each_image_once_for_many_pages(server: LoopbackServer) -> None:
    server.routes["/a"] = lambda h: send(
        h, AGENCY_PAGE.replace(b"https://news.example", server.base.encode())
    )
    server.routes["/b"] = lambda h: send(
        h, AGENCY_PAGE.replace(b"https://news.example", server.base.encode())
    )
    with PageChecker(CheckOptions(record=False)) as checker:
        for path in ("/a", "/b"):
            assert checker.check(resolve_target(server.url(path))).result is not None
    assert [p for p, _ in server.requests].count("/wire.jpg") == 1


def test_a_page_whose_images_are_not_read_is_parsed_and_judged_in_one_call(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from imagefactory import Metadata, jpeg

    from attribution.app.budget import Sandbox

    (tmp_path / "photo.jpg").write_bytes(jpeg(Metadata(artist="Jane Doe")))
    page = tmp_path / "story.html"
    page.write_bytes(
        b"<html><body><article><figure><img src='photo.jpg' width=800 height=600>"
        b"<figcaption>The harbour. Photo: Jane Doe/Reuters</figcaption></figure>"
        b"</article></body></html>"
    )
    stages: list[str] = []
    real_call = Sandbox.call

    def noting(self: Sandbox, clock: object, function: object, *args: object) -> object:
        stages.append(getattr(function, "name", repr(function)))
        return real_call(self, clock, function, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Sandbox, "call", noting)
    (target,) = resolve_targets([str(page)])
    without = CheckOptions(profile=Profile(), read_images=False, record=False)
    with PageChecker(without) as checker:
        quick = checker.check(target)
    assert stages == ["extract_and_evaluate"]
    stages.clear()
    with PageChecker(CheckOptions(profile=Profile(), record=False)) as checker:
        whole = checker.check(target)
    assert stages == ["extract", "embedded", "evaluate"]
    assert quick.result is not None and whole.result is not None
    assert [i.image for i in quick.result.images] == [i.image for i in whole.result.images]
    assert quick.result.images[0].embedded is None
    assert whole.result.images[0].embedded is not None
