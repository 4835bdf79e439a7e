"""Licences checked at their source, end to end: ``attribution check`` on a saved
article whose pictures come from Wikimedia Commons and Flickr, against fakes of both
APIs on loopback (tests/sourceapis.py, written from the APIs' public documentation).
No test reaches the internet."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from sourceapis import Fakes, add_penguin_photo, serving_fakes

from attribution.fetch.sourceapis import reset_paces_for_tests

PAGE_URL = "https://news.example.com/2021/01/penguins.html"
FLICKR_PAGE = "https://www.flickr.com/photos/arcticpenguin/5550001234/"
FLICKR_IMAGE = "https://live.staticflickr.com/65535/5550001234_abcdef1234_b.jpg"
COMMONS_TITLE = "File:Emperor penguin colony.jpg"
COMMONS_IMAGE = (
    "https://upload.wikimedia.org/wikipedia/commons/thumb/a/ab/"
    "Emperor_penguin_colony.jpg/640px-Emperor_penguin_colony.jpg"
)
# 2020-01-01 and 2023-01-01, as Flickr's Unix times; the page says it was published
# on 2021-01-01, between the two.
BEFORE_PUBLICATION = 1577836800
AFTER_PUBLICATION = 1672531200
SOURCE_RULES = (
    "licence-mismatch-at-source",
    "licence-changed-at-source",
    "author-mismatch-at-source",
    "source-unavailable",
)


def article(flickr_credit: str, commons_credit: str, more: str = "") -> str:
    return f"""<!doctype html>
<html><head><title>Penguins</title>
<link rel="canonical" href="{PAGE_URL}">
<meta property="article:published_time" content="2021-01-01T08:00:00Z">
</head><body><article><h1>Penguins</h1>
<p>Penguins gathered on the ice this winter, as every winter.</p>
<figure><img src="{FLICKR_IMAGE}" alt="A penguin">
<figcaption>A penguin on the ice. Photo: <a href="{FLICKR_PAGE}">{flickr_credit}</a></figcaption>
</figure>
<figure><img src="{COMMONS_IMAGE}" alt="A colony">
<figcaption>The colony. {commons_credit}</figcaption></figure>
{more}</article></body></html>
"""


@dataclass
class Newsroom:
    """A saved article, a profile pointing at the fakes, and the database."""

    fakes: Fakes
    folder: Path

    @property
    def page(self) -> Path:
        return self.folder / "penguins.html"

    @property
    def database(self) -> Path:
        return self.folder / "record.db"

    def write(
        self,
        flickr_credit: str = "Arctic Penguin/Flickr (CC BY 2.0)",
        commons_credit: str = "Photo: Jane Doe / Wikimedia Commons, CC BY-SA 4.0",
        more: str = "",
    ) -> None:
        self.page.write_text(article(flickr_credit, commons_credit, more), encoding="utf-8")

    def profile(
        self,
        *,
        cache_days: float = 7,
        flickr_key: str | None = "fakeflickrkey1",
        page_seconds: float = 60,
    ) -> Path:
        key = f'flickr_key = "{flickr_key}"\n' if flickr_key else ""
        path = self.folder / "attribution.toml"
        path.write_text(
            f'[database]\nurl = "sqlite:///{self.database}"\n'
            f"[limits]\npage_seconds = {page_seconds}\n"
            f"[sources]\ncache_days = {cache_days}\n{key}"
            f'commons_api = "{self.fakes.commons.url}"\n'
            f'flickr_api = "{self.fakes.flickr.url}"\n'
            "per_second = 50\n",
            encoding="utf-8",
        )
        return path

    def check(
        self,
        *more: str,
        cache_days: float = 7,
        flickr_key: str | None = "fakeflickrkey1",
        page_seconds: float = 60,
    ) -> dict[str, Any]:
        """``attribution check`` of the article in JSON: the page's document."""
        profile = self.profile(
            cache_days=cache_days, flickr_key=flickr_key, page_seconds=page_seconds
        )
        done = run_cli(
            "check",
            str(self.page),
            "--no-images",
            "--format",
            "json",
            "--config",
            str(profile),
            *more,
            env={"ATTRIBUTION_SOURCE_CHECKS": "on"},
        )
        assert done.returncode in (0, 1), done.stderr
        page: dict[str, Any] = json.loads(done.stdout)["pages"][0]
        return page

    def answers(self) -> list[tuple[str, str, str]]:
        """The answers kept in the record: (service, item, status)."""
        with sqlite3.connect(self.database) as db:
            rows = db.execute("select service, item, status from source_answers order by id")
            return [tuple(row) for row in rows]


@pytest.fixture
def newsroom(tmp_path: Path) -> Iterator[Newsroom]:
    reset_paces_for_tests()
    with serving_fakes(flickr_key="fakeflickrkey1") as fakes:
        fakes.commons.add_file(
            COMMONS_TITLE,
            licence_short_name="CC BY-SA 4.0",
            licence_url="https://creativecommons.org/licenses/by-sa/4.0",
            artist_html=(
                '<a href="//commons.wikimedia.org/wiki/User:JaneDoe" title="User:JaneDoe">'
                "Jane <b>Doe</b></a>"
            ),
            credit_html='<span class="int-own-work" lang="en">Own work</span>',
            usage_terms="Creative Commons Attribution-Share Alike 4.0",
        )
        add_penguin_photo(fakes.flickr, posted=BEFORE_PUBLICATION)  # CC BY 2.0
        room = Newsroom(fakes, tmp_path)
        room.write()
        upgraded = run_cli("db", "upgrade", "--config", str(room.profile()))
        assert upgraded.returncode == 0, upgraded.stderr
        yield room


def source_findings(page: dict[str, Any]) -> dict[str, list[str]]:
    """Each image's source findings (rule ids), by image URL."""
    return {
        image["src"]: [f["rule"] for f in image["findings"] if f["rule"] in SOURCE_RULES]
        for image in page["images"]
    }


def at_source(page: dict[str, Any], src: str) -> dict[str, Any]:
    (image,) = [image for image in page["images"] if image["src"] == src]
    found: dict[str, Any] = image["at_source"]
    return found


def test_credits_that_match_their_sources_pass_and_the_answers_are_kept(
    newsroom: Newsroom,
) -> None:
    page = newsroom.check()
    assert source_findings(page) == {FLICKR_IMAGE: [], COMMONS_IMAGE: []}
    flickr = at_source(page, FLICKR_IMAGE)
    assert flickr["service"] == "flickr" and flickr["item"] == "5550001234"
    assert flickr["answer"]["licence"] == "CC-BY-2.0"
    assert flickr["answer"]["authors"][0] == "Arctic Penguin"
    commons = at_source(page, COMMONS_IMAGE)
    assert commons["item"] == COMMONS_TITLE
    assert commons["answer"]["licence"] == "CC-BY-SA-4.0"
    # the Artist's HTML is read as text, its link kept as the author's address
    assert commons["answer"]["authors"] == ["Jane Doe"]
    assert commons["answer"]["author_url"] == "https://commons.wikimedia.org/wiki/User:JaneDoe"
    assert commons["answer"]["credit"] == "Own work"
    assert sorted(newsroom.answers()) == [
        ("commons", COMMONS_TITLE, "found"),
        ("flickr", "5550001234", "found"),
    ]


def test_a_credit_that_names_another_licence_is_an_error_with_the_evidence(
    newsroom: Newsroom,
) -> None:
    newsroom.write(flickr_credit="Arctic Penguin/Flickr (CC BY-SA 2.0)")
    page = newsroom.check()
    assert source_findings(page)[FLICKR_IMAGE] == ["licence-mismatch-at-source"]
    (finding,) = [
        f for f in page["images"][0]["findings"] if f["rule"] == "licence-mismatch-at-source"
    ]
    assert finding["severity"] == "error"
    assert "Flickr photo 5550001234" in finding["message"]
    assert "answer of" in finding["message"]  # when Flickr said so


def test_a_change_after_the_page_was_published_keeps_the_licence_of_that_day(
    newsroom: Newsroom,
) -> None:
    newsroom.fakes.flickr.change_licence("5550001234", 0, AFTER_PUBLICATION)
    page = newsroom.check()
    # the credit named CC BY 2.0, which applied when the page was published
    assert source_findings(page)[FLICKR_IMAGE] == ["licence-changed-at-source"]
    changed = at_source(page, FLICKR_IMAGE)
    assert [(c["before"], c["after"]) for c in changed["changes"]] == [
        ("CC-BY-2.0", "LicenseRef-All-Rights-Reserved")
    ]
    assert changed["first_shown"] == "2021-01-01" and changed["first_shown_by"] == "published"


def test_a_change_before_the_page_was_published_makes_the_credit_wrong(
    newsroom: Newsroom,
) -> None:
    newsroom.fakes.flickr.change_licence("5550001234", 2, BEFORE_PUBLICATION + 86400)
    page = newsroom.check()
    assert source_findings(page)[FLICKR_IMAGE] == [
        "licence-mismatch-at-source",
        "licence-changed-at-source",
    ]


def test_a_deleted_file_quotes_the_last_answer_that_showed_it(newsroom: Newsroom) -> None:
    newsroom.check()
    newsroom.fakes.commons.delete_file(COMMONS_TITLE)
    page = newsroom.check(cache_days=1e-9)  # every answer kept is too old: ask again
    assert source_findings(page)[COMMONS_IMAGE] == ["source-unavailable"]
    gone = at_source(page, COMMONS_IMAGE)
    assert gone["answer"]["status"] == "missing"
    assert gone["last_found"]["licence"] == "CC-BY-SA-4.0"
    (finding,) = [f for f in page["images"][1]["findings"] if f["rule"] == "source-unavailable"]
    assert "CC BY-SA 4.0" in finding["message"]


def test_an_author_the_source_does_not_know_is_a_warning(newsroom: Newsroom) -> None:
    newsroom.write(commons_credit="Photo: John Smith / Wikimedia Commons, CC BY-SA 4.0")
    page = newsroom.check()
    assert source_findings(page)[COMMONS_IMAGE] == ["author-mismatch-at-source"]


def test_answers_kept_are_used_within_their_lifetime_and_offline(newsroom: Newsroom) -> None:
    newsroom.check()
    asked = newsroom.fakes.commons.count(), newsroom.fakes.flickr.count()
    again = newsroom.check()
    assert (newsroom.fakes.commons.count(), newsroom.fakes.flickr.count()) == asked
    assert at_source(again, COMMONS_IMAGE)["cached"] is True
    # offline: whatever the answers' age, nothing is asked
    offline = newsroom.check("--offline", cache_days=1e-9)
    assert (newsroom.fakes.commons.count(), newsroom.fakes.flickr.count()) == asked
    assert at_source(offline, FLICKR_IMAGE)["answer"]["licence"] == "CC-BY-2.0"


def test_a_429_with_retry_after_is_waited_for_and_asked_again(newsroom: Newsroom) -> None:
    newsroom.fakes.commons.fail_next(1, status=429, retry_after="1")
    page = newsroom.check()
    assert at_source(page, COMMONS_IMAGE)["answer"]["status"] == "found"
    assert newsroom.fakes.commons.count(COMMONS_TITLE) == 2
    assert page["notices"] == []


def test_a_source_that_does_not_answer_in_time_is_a_notice_and_the_check_goes_on(
    newsroom: Newsroom,
) -> None:
    newsroom.fakes.commons.delay_next(1, 5.0)
    page = newsroom.check("--timeout", "1")
    assert at_source(page, FLICKR_IMAGE)["answer"]["status"] == "found"
    (image,) = [image for image in page["images"] if image["src"] == COMMONS_IMAGE]
    assert image["at_source"] is None
    (notice,) = page["notices"]
    assert "Wikimedia Commons" in notice and "not checked at their source" in notice


def test_without_a_flickr_key_one_notice_and_commons_is_still_asked(newsroom: Newsroom) -> None:
    page = newsroom.check(flickr_key=None)
    assert newsroom.fakes.flickr.count() == 0
    assert at_source(page, COMMONS_IMAGE)["answer"]["status"] == "found"
    (notice,) = page["notices"]
    assert "ATTRIBUTION_FLICKR_KEY" in notice


def test_the_history_and_the_audit_report_show_what_the_source_said(newsroom: Newsroom) -> None:
    newsroom.write(flickr_credit="Arctic Penguin/Flickr (CC BY-SA 2.0)")
    newsroom.check()
    profile = str(newsroom.profile())
    history = run_cli("history", PAGE_URL, "--config", profile)
    assert history.returncode == 0, history.stderr
    assert "source: Flickr photo 5550001234: Attribution License by Arctic Penguin" in (
        history.stdout
    )
    report = newsroom.folder / "audit.html"
    done = run_cli("report", "--config", profile, "--format", "html", "--output", str(report))
    assert done.returncode in (0, 1), done.stderr
    html = report.read_text(encoding="utf-8")
    assert "At the source" in html and "Flickr photo 5550001234" in html


def test_no_source_check_asks_nothing_whatever_the_environment_says(newsroom: Newsroom) -> None:
    page = newsroom.check("--no-source-check")  # the environment says "on"
    assert newsroom.fakes.commons.count() == newsroom.fakes.flickr.count() == 0
    assert [image["at_source"] for image in page["images"]] == [None, None]


def test_what_was_asked_before_a_source_failed_is_kept_and_the_rest_asked_next_time(
    newsroom: Newsroom,
) -> None:
    second = "https://live.staticflickr.com/65535/5550009999_abcdef1234_b.jpg"
    add_penguin_photo(newsroom.fakes.flickr, "5550009999", posted=BEFORE_PUBLICATION)
    newsroom.write(
        more=f'<figure><img src="{second}" alt="Another penguin">'
        "<figcaption>Photo: Arctic Penguin/Flickr (CC BY 2.0)</figcaption></figure>"
    )
    # the licence list, the first photo and its history answer; the second photo not
    newsroom.fakes.flickr.delay_next(3, 0.0)
    newsroom.fakes.flickr.delay_next(1, 5.0)
    page = newsroom.check("--timeout", "1")
    assert at_source(page, FLICKR_IMAGE)["answer"]["status"] == "found"
    (missed,) = [image for image in page["images"] if image["src"] == second]
    assert missed["at_source"] is None
    assert any("1 image(s) on Flickr were not checked" in n for n in page["notices"])
    assert ("flickr", "5550001234", "found") in newsroom.answers()
    again = newsroom.check()
    assert at_source(again, second)["answer"]["status"] == "found"
    assert newsroom.fakes.flickr.count("flickr.photos.getInfo", "5550001234") == 1


def test_a_source_that_cannot_be_asked_falls_back_to_the_newest_answer_kept(
    newsroom: Newsroom,
) -> None:
    newsroom.check()
    newsroom.fakes.commons.fail_next(5, status=500, retry_after=None)
    page = newsroom.check(cache_days=1e-9)
    kept = at_source(page, COMMONS_IMAGE)
    assert kept["cached"] is True and kept["answer"]["licence"] == "CC-BY-SA-4.0"
    assert any("Wikimedia Commons" in notice for notice in page["notices"])


def test_asking_the_sources_leaves_the_page_time_to_be_judged(newsroom: Newsroom) -> None:
    newsroom.fakes.commons.delay_next(1, 20.0)
    # the page may take 6 s: asking may take 3 of them, and the page is still checked
    page = newsroom.check(page_seconds=6)
    assert page["images"] and at_source(page, FLICKR_IMAGE)["answer"]["status"] == "found"
    assert any("Wikimedia Commons" in notice for notice in page["notices"])
