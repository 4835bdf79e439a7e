"""What a hostile page holds is stored, not refused; one page the database refuses does
not end the run; a database URL is never printed with its password."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from conftest import command

from attribution.app.outcomes import TargetOutcome
from attribution.app.recorder import Recorder
from attribution.errors import TargetError
from attribution.pipeline import check_html
from attribution.records import PageSource, Profile
from attribution.store import (
    FindingFilter,
    list_findings,
    list_runs,
    open_database,
    page_history,
    run_pages,
)
from attribution.store.models import storable

LONG_URL = "https://news.example/" + "a" * 5000 + ".html"


def _hostile_page() -> bytes:
    """A page with a URL far over 2,048 characters, NUL and a lone surrogate in its
    JSON-LD and text."""
    image = "https://cdn.example/" + "p" * 3000 + ".jpg"
    jsonld = json.dumps(
        {
            "@type": "NewsArticle",
            "image": {"@type": "ImageObject", "url": image, "caption": "Harbour\u0000 \ud800"},
        }
    )
    return (
        f"<html><head><title>Title\x00 with NUL</title>"
        f'<script type="application/ld+json">{jsonld}</script></head><body>'
        f'<figure><img src="{image}" alt="alt\x00text">'
        f"<figcaption>Boats. Photo: Jane Doe\x00/Flickr (CC BY-NC 2.0)</figcaption>"
        f"</figure></body></html>"
    ).encode("utf-8", "surrogatepass")


def _upgraded(database_url: str) -> str:
    open_database(database_url, auto_upgrade=True).close()
    return database_url


def test_storable_removes_nul_and_lone_surrogates_everywhere() -> None:
    assert storable({"k\x00": ["a\x00b", "c\ud800d", 1, None]}) == {
        "k": ["ab", "c\ufffdd", 1, None]
    }


def test_long_urls_nul_and_surrogates_are_stored(database_url: str) -> None:
    result = check_html(_hostile_page(), LONG_URL)
    assert len(result.url) > 2048 and result.images
    source = PageSource(
        requested=LONG_URL,
        final=LONG_URL,
        status=200,
        fetched_at=datetime.now(UTC),
        sha256="0" * 64,
        size=10,
        content_type="text/html; " + "x" * 400,
    )
    recorder = Recorder.open(_upgraded(database_url), Profile(), [LONG_URL])
    outcome = recorder.record(TargetOutcome(LONG_URL, result=replace(result, source=source)))
    recorder.close("finished")
    assert outcome.error is None
    db = open_database(database_url)
    try:
        assert run_pages(db, recorder.run_id) == [LONG_URL]
        findings = list_findings(db)
        assert findings and all(f.page_url == LONG_URL for f in findings)
        (snapshot,) = page_history(db, LONG_URL)
        assert snapshot.title is not None and "\x00" not in snapshot.title
        # the same URL again is the same page, looked up by its key
        again = Recorder.open(database_url, Profile(), [LONG_URL])
        again.record(TargetOutcome(LONG_URL, result=replace(result, source=source)))
        again.close("finished")
        assert len(page_history(db, LONG_URL)) == 2
    finally:
        db.close()


def test_a_page_the_database_refuses_is_a_failed_target_and_the_run_goes_on(
    database_url: str,
) -> None:
    good = check_html(
        b'<html><body><img src="/a.jpg" alt="a"></body></html>', "https://x.example/1"
    )
    refused = replace(
        check_html(b'<html><body><img src="/b.jpg" alt="b"></body></html>', "https://x.example/2"),
        # a value no column of this database can hold: an integer far over 64 bits
        source=PageSource(
            "https://x.example/2", "https://x.example/2", 200, datetime.now(UTC), "0" * 64, 2**70
        ),
    )
    names = ["https://x.example/2", "https://x.example/1"]
    recorder = Recorder.open(_upgraded(database_url), Profile(), names)
    first = recorder.record(TargetOutcome(names[0], result=refused))
    second = recorder.record(TargetOutcome(names[1], result=good))
    recorder.close("finished")
    assert first.result is None and first.error is not None
    assert "could not be stored" in first.error.reason
    assert second.error is None
    db = open_database(database_url)
    try:
        assert run_pages(db, recorder.run_id) == ["https://x.example/1"]
    finally:
        db.close()


def test_pages_recorded_together_keep_the_good_ones_when_one_is_refused(
    database_url: str,
) -> None:
    pages = [
        check_html(f'<img src="/{n}.jpg" alt="a">'.encode(), f"https://x.example/{n}")
        for n in range(3)
    ]
    refused = replace(
        pages[1],
        source=PageSource(pages[1].url, pages[1].url, 200, datetime.now(UTC), "0" * 64, 2**70),
    )
    names = [page.url for page in pages] + ["https://x.example/down"]
    recorder = Recorder.open(_upgraded(database_url), Profile(), names)
    outcomes = [
        TargetOutcome(names[0], result=pages[0]),
        TargetOutcome(names[1], result=refused),
        TargetOutcome(names[2], result=pages[2]),
        TargetOutcome(names[3], error=TargetError(names[3], "the server did not answer")),
    ]
    recorded = recorder.record_all(outcomes)
    recorder.close("finished")
    assert [outcome.target for outcome in recorded] == names
    assert [outcome.error is None for outcome in recorded] == [True, False, True, False]
    assert recorded[1].error is not None and "could not be stored" in recorded[1].error.reason
    db = open_database(database_url)
    try:
        assert run_pages(db, recorder.run_id) == [names[0], names[2]]
        (summary,) = [run for run in list_runs(db) if run.id == recorder.run_id]
        assert (summary.pages_done, summary.pages_failed) == (2, 2)
    finally:
        db.close()


def test_a_database_url_with_percent_works_and_its_password_is_never_printed(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "with space"
    folder.mkdir()
    environment = {**os.environ, "ATTRIBUTION_DATABASE_URL": f"sqlite:///{folder}/a%20b.db"}
    done = subprocess.run(
        [*command(), "db", "upgrade"], capture_output=True, text=True, env=environment, check=False
    )
    assert done.returncode == 0, done.stderr
    assert (folder / "a b.db").exists()
    secret = "s3cr%25et"
    environment["ATTRIBUTION_DATABASE_URL"] = f"postgresql+psycopg://user:{secret}@127.0.0.1:1/x"
    done = subprocess.run(
        [*command(), "findings"], capture_output=True, text=True, env=environment, check=False
    )
    assert done.returncode in (2, 3)
    assert "Traceback" not in done.stderr
    assert secret not in done.stderr and "s3cr" not in done.stderr
    assert "***" in done.stderr


PLACEHOLDERS = "100% %s %(name)s %% $1 where?x id=:name"


def test_text_like_query_placeholders_is_stored_and_found_as_written(database_url: str) -> None:
    # PostgreSQL statements are sent with its own $1 placeholders: text that looks like
    # any driver's placeholders must reach the database as written, and back.
    url = "https://x.example/100%25-%s"
    html = (
        f"<html><head><title>{PLACEHOLDERS}</title></head><body><figure>"
        f'<img src="/a.jpg" alt="{PLACEHOLDERS}">'
        f"<figcaption>{PLACEHOLDERS} Photo: Jane Doe/Flickr (CC BY-NC 2.0)</figcaption>"
        f"</figure></body></html>"
    ).encode()
    result = check_html(html, url)
    recorder = Recorder.open(_upgraded(database_url), Profile(), [url])
    assert recorder.record(TargetOutcome(url, result=result)).error is None
    recorder.close("finished")
    db = open_database(database_url)
    try:
        (snapshot,) = page_history(db, url)
        assert snapshot.title == PLACEHOLDERS
        (image,) = snapshot.images
        assert image.alt == PLACEHOLDERS
        assert image.caption is not None and image.caption.startswith(PLACEHOLDERS)
        found = list_findings(db, FindingFilter(page="100%25-%s"))
        assert found and {f.page_url for f in found} == {url}
        assert list_findings(db, FindingFilter(page="100%-")) == []
    finally:
        db.close()
