"""Which pages a scan checks: what a fetched source is, the pages it leaves out and
why, the User-Agent it sends, and the lock that keeps two scans of a site apart."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime

import pytest

from attribution.app.discovery import Candidate, Discovery, select_pages
from attribution.app.scan import user_agent
from attribution.errors import SiteBusy
from attribution.sources.sniff import document_kind as sniff
from attribution.store import open_database
from attribution.store.locks import SiteLock


def test_a_source_is_told_by_its_first_element() -> None:
    assert sniff(b'<?xml version="1.0"?>\n<urlset xmlns="x"><url/></urlset>') == "sitemap"
    assert sniff(b"\xef\xbb\xbf  <sitemapindex>") == "sitemap"
    assert sniff(b"<!-- generated --><sm:urlset xmlns:sm='x'>") == "sitemap"
    assert sniff(b"\x1f\x8b\x08\x00gzip") == "sitemap"
    assert sniff(b"https://www.example.com/a\nhttps://www.example.com/b\n") == "sitemap"
    assert sniff(b'<?xml version="1.0"?><rss version="2.0">') == "feed"
    assert sniff(b"<feed xmlns='http://www.w3.org/2005/Atom'>") == "feed"
    assert sniff(b"<rdf:RDF xmlns:rdf='x'>") == "feed"
    assert sniff(b"<!DOCTYPE html><html><head>") == "page"
    assert sniff(b"") == "page"


def _found(*candidates: Candidate, hosts: tuple[str, ...] = ("www.example.com",)) -> Discovery:
    found = Discovery()
    for host in hosts:
        found.add_host(f"https://{host}/")
    for candidate in candidates:
        found.add(candidate)
    return found


def test_pages_are_taken_once_by_canonical_url_and_keep_a_date() -> None:
    day = datetime(2026, 12, 1, tzinfo=UTC)
    found = _found(
        Candidate("https://www.example.com/a?utm_source=feed"),
        Candidate("https://WWW.example.com/a", day),
        Candidate("ftp://www.example.com/b"),
    )
    (only,) = found.pages.values()
    assert only.url == "https://www.example.com/a?utm_source=feed" and only.modified == day


def test_the_pages_left_out_each_say_why() -> None:
    old, new = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)
    found = _found(
        Candidate("https://www.example.com/news/a.html", new),
        Candidate("https://www.example.com/files/report.pdf"),
        Candidate("https://elsewhere.example.org/b.html"),
        Candidate("https://elsewhere.example.org/listed.html", listed=True),
        Candidate("https://www.example.com/private/c.html"),
        Candidate("https://www.example.com/news/old.html", old),
        Candidate("https://www.example.com/news/undated.html"),
        Candidate("https://www.example.com/news/d.html", new),
    )
    selection = select_pages(
        found,
        lambda url: "/private/" not in url,
        since=datetime(2026, 6, 1, tzinfo=UTC),
        max_pages=3,
    )
    assert [page.url.rsplit("/", 1)[1] for page in selection.pages] == [
        "a.html",
        "listed.html",
        "undated.html",
    ]
    reasons = {page.url.rsplit("/", 1)[1]: reason for page, reason in selection.skipped}
    assert reasons["report.pdf"].startswith("not a page")
    assert reasons["b.html"] == "on another site"
    assert reasons["c.html"] == "disallowed by robots.txt"
    assert reasons["old.html"] == "not modified since the date asked for"
    assert reasons["d.html"] == "over the scan's limit of 3 pages"
    assert sum(count for _, count in selection.skipped_counts()) == 5


def test_the_profiles_domains_are_the_sites_too() -> None:
    found = _found(Candidate("https://cdn.example.net/story.html"))
    assert not select_pages(found, lambda url: True).pages
    assert select_pages(found, lambda url: True, site_hosts=("cdn.example.net",)).pages


def test_the_user_agent_names_the_contact() -> None:
    base = "attribution/0.1.0 (media attribution and licence checker)"
    assert user_agent(base, None) == base
    assert user_agent(base, "https://www.example.com/contact") == (
        "attribution/0.1.0 (media attribution and licence checker; "
        "+https://www.example.com/contact)"
    )


def test_one_scan_of_a_site_holds_the_lock_until_its_process_ends(database_url: str) -> None:
    open_database(database_url, auto_upgrade=True).close()
    db = open_database(database_url)
    try:
        with SiteLock(db, "www.example.com"):
            with pytest.raises(SiteBusy, match=r"another scan of www\.example\.com"):
                SiteLock(db, "www.example.com").acquire()
            SiteLock(db, "other.example.com").acquire().release()
        SiteLock(db, "www.example.com").acquire().release()
        # a process killed while it holds the lock leaves no lock behind
        holder = textwrap.dedent(
            f"""
            import os, signal
            from attribution.store import open_database
            from attribution.store.locks import SiteLock
            SiteLock(open_database({database_url!r}), "www.example.com").acquire()
            print("held", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
            """
        )
        done = subprocess.run(
            [sys.executable, "-c", holder], check=False, capture_output=True, text=True
        )
        assert done.returncode == -9 and done.stdout == "held\n", done.stderr
        # the server may take a moment to see the connection gone: a bounded wait
        for _ in range(100):
            try:
                SiteLock(db, "www.example.com").acquire().release()
                break
            except SiteBusy:
                time.sleep(0.1)
        else:
            pytest.fail("the lock of a killed scan was never released")
    finally:
        db.close()
