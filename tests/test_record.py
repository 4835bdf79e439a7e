"""The record legal staff stand on: page identity, evidence, waivers and the rights
register, each through the store and the real command."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import LoopbackServer, run_cli, send

from attribution.app.check import page_identity
from attribution.errors import UsageError
from attribution.records import ExtractedPage, PageSource, RightsEntry
from attribution.sources.targets import resolve_target
from attribution.store import (
    FindingFilter,
    add_rights,
    import_rights,
    list_findings,
    list_rights,
    list_waivers,
    open_database,
    parse_rights_csv,
    record_page,
    remove_rights,
    revoke_waiver,
    rights_history,
    start_run,
    waive,
)
from attribution.urls import canonical_url


def fresh(tmp_path: Path) -> dict[str, str]:
    """The environment of commands that use a new, upgraded database of their own."""
    env = {"ATTRIBUTION_DATABASE_URL": f"sqlite:///{tmp_path}/record.db"}
    assert run_cli("db", "upgrade", env=env).returncode == 0
    return env


# --- canonical page URLs ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("https://News.Example/a?utm_source=x&utm_medium=mail", "https://news.example/a"),
        ("https://news.example/a?fbclid=1&id=7&gclid=2&mc_cid=3", "https://news.example/a?id=7"),
        ("https://news.example:443/a#comments", "https://news.example/a"),
        ("http://news.example:80/a?b=2&a=1", "http://news.example/a?a=1&b=2"),
        ("https://user:secret@news.example/a", "https://news.example/a"),
        ("https://news.example:8443/a/", "https://news.example:8443/a/"),
        ("https://news.example/a?UTM_Campaign=z", "https://news.example/a"),
        ("file:///srv/saved/page.html", "file:///srv/saved/page.html"),
    ],
)
def test_canonical_url(given: str, canonical: str) -> None:
    assert canonical_url(given) == canonical


def test_a_canonical_url_keeps_parameters_that_name_the_document() -> None:
    assert canonical_url("https://news.example/story?id=12&page=2") != canonical_url(
        "https://news.example/story?id=13&page=2"
    )


def _source(requested: str, final: str) -> PageSource:
    return PageSource(requested, final, 200, datetime.now(UTC), "0" * 64, 10)


def test_a_fetched_page_is_identified_by_its_canonical_final_url() -> None:
    target = resolve_target("https://news.example/a?utm_source=x")
    page = ExtractedPage("https://news.example/a/", None, (), declared_url="https://else.example/")
    source = _source(target.address, "https://News.Example/a/?utm_source=x")
    assert page_identity(target, page, source) == "https://news.example/a/"


def test_a_saved_file_is_identified_by_its_declared_address_or_its_path(tmp_path: Path) -> None:
    saved = tmp_path / "story.html"
    target = resolve_target(str(saved))
    declared = ExtractedPage(target.address, None, (), declared_url="https://news.example/a?x=1")
    assert page_identity(target, declared, _source(str(saved), target.address)) == (
        "https://news.example/a?x=1"
    )
    plain = ExtractedPage(target.address, None, ())
    assert page_identity(target, plain, _source(str(saved), target.address)) == saved.as_uri()


def test_two_saved_files_are_two_pages(tmp_path: Path) -> None:
    env = fresh(tmp_path)
    first, second = tmp_path / "first.html", tmp_path / "second.html"
    first.write_text("<article><figure><img src='https://i.example/1.jpg'></figure></article>")
    second.write_text("<article><figure><img src='https://i.example/2.jpg'></figure></article>")
    assert run_cli("check", "--no-images", str(first), str(second), env=env).returncode == 1
    assert run_cli("check", "--no-images", str(second), env=env).returncode == 1
    found = json.loads(run_cli("findings", "--format", "json", env=env).stdout)
    assert sorted(f["page"] for f in found) == [first.as_uri(), second.as_uri()]


# --- evidence of a page reading -----------------------------------------------------------

STORY = (
    b"<html><head><title>Flood</title></head><body><article><figure>"
    b"<img src='/flood.jpg' width=800 height=600><figcaption>The river rose.</figcaption>"
    b"</figure></article></body></html>"
)


def test_tracking_parameters_do_not_make_a_second_page(
    server: LoopbackServer, tmp_path: Path
) -> None:
    server.routes["/story"] = lambda handler: send(handler, STORY)
    env = fresh(tmp_path)
    plain = server.url("/story")
    tracked = server.url("/story?utm_source=newsletter&fbclid=abc")
    assert run_cli("check", "--no-images", tracked, env=env).returncode == 1
    assert run_cli("check", "--no-images", plain, env=env).returncode == 1
    found = json.loads(run_cli("findings", "--format", "json", env=env).stdout)
    assert len(found) == 1 and found[0]["page"] == plain
    evidence = found[0]["evidence"]
    assert evidence["caption"] == "The river rose."
    assert evidence["page_fetch"]["requested_url"] == plain
    assert evidence["page_fetch"]["http_status"] == 200
    assert evidence["page_fetch"]["sha256"] == hashlib.sha256(STORY).hexdigest()
    assert evidence["first_seen"] < evidence["last_seen"]
    assert [event["event"] for event in found[0]["history"]] == ["found"]
    readings = json.loads(run_cli("history", tracked, "--format", "json", env=env).stdout)
    assert [r["requested_url"] for r in readings] == [plain, tracked]
    assert {r["final_url"] for r in readings} == {plain, tracked}
    assert readings[0]["images"][0]["caption"] == "The river rose."
    text = run_cli("history", plain, env=env)
    assert text.returncode == 0 and "2 reading(s)" in text.stdout and "HTTP 200" in text.stdout
    unknown = run_cli("history", server.url("/never"), env=env)
    assert unknown.returncode == 2 and "has been checked" in unknown.stderr


def test_findings_csv_carries_the_evidence(server: LoopbackServer, tmp_path: Path) -> None:
    server.routes["/story"] = lambda handler: send(handler, STORY)
    env = fresh(tmp_path)
    run_cli("check", "--no-images", server.url("/story"), env=env)
    table = run_cli("findings", "--format", "csv", env=env).stdout.splitlines()
    assert "page_sha256" in table[0] and "credit_text" in table[0]
    assert hashlib.sha256(STORY).hexdigest() in table[1]


# --- waivers ------------------------------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path):  # type: ignore[no-untyped-def]
    database = open_database(f"sqlite:///{tmp_path}/record.db", auto_upgrade=True)
    yield database
    database.close()


def _one_finding(db) -> int:  # type: ignore[no-untyped-def]
    from test_store import page

    from attribution.records import Severity

    run = start_run(db, "check", ["u"], {})
    record_page(
        db, run, page("https://n.example/a", {"https://n.example/1.jpg": [("x", Severity.ERROR)]})
    )
    (finding,) = list_findings(db)
    return finding.id


def test_a_waiver_can_be_revoked_and_both_are_in_the_history(db) -> None:  # type: ignore[no-untyped-def]
    finding = _one_finding(db)
    today = date.today()
    waiver = waive(db, str(finding), "Permission by phone", today + timedelta(days=10), by="Ann")
    assert [w.id for w in list_waivers(db, expiring_within=30)] == [waiver.id]
    assert list_waivers(db, expiring_within=5) == []
    revoked = revoke_waiver(db, waiver.id, "Permission withdrawn", by="Bob")
    assert revoked.revoked_by == "Bob" and revoked.revoke_reason == "Permission withdrawn"
    assert list_waivers(db) == [] and [w.id for w in list_waivers(db, include_inactive=True)] == [
        waiver.id
    ]
    (stored,) = list_findings(db, FindingFilter(statuses=("open",), evidence=True))
    assert [(c.event, c.status, c.actor) for c in stored.history] == [
        ("found", "open", None),
        ("waived", "waived", "Ann"),
        ("waiver-revoked", "open", "Bob"),
    ]
    with pytest.raises(UsageError, match="already revoked"):
        revoke_waiver(db, waiver.id, "again")
    with pytest.raises(UsageError, match="needs a reason"):
        revoke_waiver(db, waiver.id, "")


def test_waivers_through_the_command(tmp_path: Path, db) -> None:  # type: ignore[no-untyped-def]
    finding = _one_finding(db)
    env = fresh(tmp_path)
    until = (date.today() + timedelta(days=3)).isoformat()
    made = run_cli(
        "waive", str(finding), "--reason", "ok", "--until", until, "--by", "Ann", env=env
    )
    assert made.returncode == 0 and "by Ann" in made.stdout
    listed = json.loads(
        run_cli("waivers", "list", "--expiring", "7", "--format", "json", env=env).stdout
    )
    assert [(w["finding"], w["by"], w["until"]) for w in listed] == [(finding, "Ann", until)]
    shown = run_cli("findings", "--status", "waived", env=env).stdout
    assert "waived by Ann" in shown
    revoked = run_cli("waivers", "revoke", str(listed[0]["id"]), "--reason", "no", env=env)
    assert revoked.returncode == 0, revoked.stderr
    assert run_cli("waivers", "revoke", "999", "--reason", "no", env=env).returncode == 2
    assert "1 finding(s)" in run_cli("findings", env=env).stdout


# --- the rights register ------------------------------------------------------------------


def test_importing_twice_changes_nothing_and_a_reference_updates(db) -> None:  # type: ignore[no-untyped-def]
    csv_text = "provider,scope,valid_from,valid_until,reference\nReuters,editorial,2026-01-01,,R-9\nGetty Images,,,,\n"
    first = import_rights(db, parse_rights_csv(csv_text, "a.csv"), by="legal")
    again = import_rights(db, parse_rights_csv(csv_text, "a.csv"), by="legal")
    assert (first.added, again.added, again.unchanged) == (2, 0, 2)
    changed = csv_text.replace("2026-01-01,,R-9", "2026-01-01,2026-12-31,R-9")
    assert import_rights(db, parse_rights_csv(changed, "b.csv")).updated == 1
    (reuters,) = [e for e in list_rights(db) if e.provider == "Reuters"]
    assert reuters.valid_until == date(2026, 12, 31)
    assert [c.action for c in rights_history(db, reuters.id)] == ["imported", "updated"]
    with pytest.raises(UsageError, match="line 2: scope 'newsprint'"):
        parse_rights_csv("provider,scope\nAP,newsprint\n", "d.csv")
    with pytest.raises(UsageError, match="given twice"):
        parse_rights_csv("provider,reference\nAP,X\nAFP,X\n", "c.csv")


def test_a_removed_agreement_stays_in_the_history_and_the_past_register(db) -> None:  # type: ignore[no-untyped-def]
    entry = add_rights(db, RightsEntry("Reuters", reference="R-1"), by="Ann", note="signed")
    assert entry.id is not None and entry.added_by == "Ann"
    with pytest.raises(UsageError, match="--by needs a name"):
        remove_rights(db, entry.id, "contract ended", by="  ")
    remove_rights(db, entry.id, "contract ended", by="Bob")
    assert list_rights(db) == ()
    today = date.today()
    assert [e.id for e in list_rights(db, at=today)] == [entry.id]
    assert list_rights(db, at=today - timedelta(days=1)) == ()
    changes = rights_history(db)
    assert [(c.action, c.actor, c.reason) for c in changes] == [
        ("added", "Ann", "signed"),
        ("removed", "Bob", "contract ended"),
    ]


def test_rights_add_resolves_the_provider_and_asks_about_unknown_ones(tmp_path: Path) -> None:
    env = fresh(tmp_path)
    added = run_cli("rights", "add", "AP", "--reference", "AP-17", env=env)
    assert added.returncode == 0 and "Associated Press" in added.stdout
    bad_scope = run_cli("rights", "add", "AP", "--scope", "everything", env=env)
    assert bad_scope.returncode == 2 and "unknown term(s) everything" in bad_scope.stderr
    unknown = run_cli("rights", "add", "Asociated Pres", env=env, stdin="")
    assert unknown.returncode == 2 and "not in the provider table" in unknown.stderr
    assert run_cli("rights", "add", "Jane Doe Photography", "--yes", env=env).returncode == 0
    listed = json.loads(run_cli("rights", "list", "--format", "json", env=env).stdout)
    assert [(e["provider"], e["provider_name"]) for e in listed] == [
        ("AP", "Associated Press"),
        ("Jane Doe Photography", None),
    ]
    removed = run_cli("rights", "remove", str(listed[0]["id"]), "--reason", "ended", env=env)
    assert removed.returncode == 0
    assert run_cli("rights", "remove", str(listed[0]["id"]), env=env).returncode == 2
    history = json.loads(run_cli("rights", "history", "--format", "json", env=env).stdout)
    assert [c["action"] for c in history] == ["added", "added", "removed"]
    assert history[-1]["reason"] == "ended"
    exported = run_cli(
        "rights", "list", "--at", date.today().isoformat(), "--format", "csv", env=env
    )
    (tmp_path / "register.csv").write_text(exported.stdout)
    reimport = run_cli("rights", "import", str(tmp_path / "register.csv"), "--yes", env=env)
    assert reimport.returncode == 0, reimport.stderr
    assert "0 added, 0 updated, 1 already in the register" in reimport.stdout
