"""The record as legal relies on it, end to end through the installed ``attribution``
command, on SQLite and on a real PostgreSQL server: a database of the previous release
upgraded in place, and a newsroom's sequence of checks, fixes, waivers and agreements
kept as history with its evidence."""

from __future__ import annotations

import getpass
import hashlib
import json
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from conftest import LoopbackServer, redirect, run_cli, send
from imagefactory import Metadata, jpeg
from sqlalchemy import Engine, MetaData, select

from attribution.store import (
    current_revision,
    downgrade,
    finding_identity,
    head_revision,
    make_engine,
    upgrade,
)
from attribution.store.database import SCHEMA_REVISION

BACKFILL_NOTE = "recorded before this database kept history"
AP_CREDIT = "AP Photo/Jane Doe"  # served as "Photo: AP Photo/Jane Doe"
STAFF_CREDIT = "Maria Berg/Daily Courier"  # the editor's fix, served as "Photo: …"
# The newsroom's profile: a credit is its own only when it names the publication.
PROFILE = Path(__file__).parent / "fixtures" / "profiles" / "daily-courier.toml"
HARBOUR = "The harbour at dawn."
SUMMIT = "Summit talks."
AP_JPEG = jpeg(Metadata())
OWN_JPEG = jpeg(Metadata(), padding=64)  # other bytes, so another SHA-256


# --- helpers ---------------------------------------------------------------------------


def upgraded(database_url: str) -> dict[str, str]:
    """The environment that points the command at ``database_url``, once upgraded, and
    at the newsroom's profile."""
    env = {"ATTRIBUTION_DATABASE_URL": database_url, "ATTRIBUTION_CONFIG": str(PROFILE)}
    result = run_cli("db", "upgrade", env=env)
    assert result.returncode == 0, result.stderr
    return env


def cli(env: dict[str, str], *args: str, expect: int = 0) -> str:
    """Run the command, check its exit code, and give its standard output."""
    result = run_cli(*args, env=env)
    assert result.returncode == expect, (args, result.stdout, result.stderr)
    return result.stdout


def cli_json(env: dict[str, str], *args: str, expect: int = 0) -> Any:
    """Run the command with ``--format json`` and give what it printed, parsed."""
    return json.loads(cli(env, *args, "--format", "json", expect=expect))


def story(own_credit: str | None) -> bytes:
    """A story with an agency picture (credited) and the newsroom's own picture,
    credited or not."""
    own = f"{HARBOUR} Photo: {own_credit}" if own_credit else HARBOUR
    return (
        "<html><head><title>Harbour story</title></head><body><article>"
        "<figure><img src='/img/ap.jpg' width=800 height=600>"
        f"<figcaption>{SUMMIT} Photo: {AP_CREDIT}</figcaption></figure>"
        "<figure><img src='/img/own.jpg' width=800 height=600>"
        f"<figcaption>{own}</figcaption></figure>"
        "</article></body></html>"
    ).encode()


def serve(server: LoopbackServer, path: str, body: bytes) -> None:
    """Serve ``body`` at ``path`` from now on (the editor publishing a version)."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        send(handler, body)

    server.routes[path] = route


def serve_images(server: LoopbackServer) -> None:
    server.routes["/img/ap.jpg"] = lambda h: send(h, AP_JPEG, "image/jpeg")
    server.routes["/img/own.jpg"] = lambda h: send(h, OWN_JPEG, "image/jpeg")


def events(finding: dict[str, Any]) -> list[tuple[Any, ...]]:
    """A finding's history as (event, status, run, by), oldest first."""
    return [(e["event"], e["status"], e["run"], e["by"]) for e in finding["history"]]


def moment(value: datetime | str) -> datetime:
    """A stored time, comparable whatever the database gave back."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def rows(engine: Engine, table: str) -> list[dict[str, Any]]:
    """Every row of ``table``, by id, as the database holds it now."""
    meta = MetaData()
    meta.reflect(engine, only=[table])
    with engine.connect() as connection:
        found = connection.execute(select(meta.tables[table]).order_by("id")).mappings()
        return [dict(row) for row in found]


def same(stored: dict[str, Any], written: dict[str, Any]) -> None:
    """The stored row holds what was written (times compared as instants)."""
    for key, value in written.items():
        if isinstance(value, datetime):
            assert moment(stored[key]) == value, key
        else:
            assert stored[key] == value, key


# --- the previous release's database, upgraded in place ---------------------------------


def write_previous_release(engine: Engine, page_url: str, image_url: str) -> dict[str, Any]:
    """Rows as release 0002 wrote them, through that schema (not today's models)."""
    today = date.today()
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)
    meta = MetaData()
    meta.reflect(engine)
    tables = meta.tables
    written: dict[str, Any] = {}
    with engine.begin() as connection:

        def insert(table: str, values: dict[str, Any]) -> int:
            key = connection.execute(tables[table].insert(), values).inserted_primary_key
            assert key is not None
            written[table] = {"id": key[0], **values}
            return int(key[0])

        run = insert(
            "runs",
            {
                "kind": "check",
                "started_at": t0,
                "finished_at": t0 + timedelta(minutes=1),
                "status": "finished",
                "targets": [page_url],
                "options": {"commercial": True, "adapts_images": False},
                "host": "newsroom-1",
                "pid": 4242,
                "pages_done": 1,
                "pages_failed": 0,
                "images": 1,
                "errors": 1,
                "warnings": 1,
                "notices": 0,
            },
        )
        page = insert(
            "pages",
            {"url": page_url, "title": "Harbour story", "first_seen": t0, "last_checked": t0},
        )
        insert(
            "run_targets",
            {
                "run_id": run,
                "position": 0,
                "target": page_url,
                "status": "done",
                "page_id": page,
                "reason": None,
                "finished_at": t0 + timedelta(seconds=30),
            },
        )
        image = insert(
            "images",
            {
                "url": image_url,
                "content_hash": None,
                "embedded": None,
                "first_seen": t0,
                "last_seen": t0,
            },
        )
        insert(
            "appearances",
            {
                "run_id": run,
                "page_id": page,
                "image_id": image,
                "position": 1,
                "alt": None,
                "caption": HARBOUR,
                "credit_text": None,
                "credit": None,
                "checked_at": t0,
            },
        )
        common = {"page_id": page, "image_id": image, "first_run_id": run, "last_run_id": run}
        missing = insert(
            "findings",
            {
                **common,
                "identity": finding_identity("missing-credit", page_url, image_url),
                "rule": "missing-credit",
                "severity": "error",
                "message": "Image own.jpg has no credit.",
                "fix": "Add a credit next to the image.",
                "status": "waived",
                "first_seen": t0,
                "last_seen": t0,
                "resolved_at": None,
            },
        )
        written["waived_finding"] = written.pop("findings")
        insert(
            "findings",
            {
                **common,
                "identity": finding_identity("licence-not-linked", page_url, image_url),
                "rule": "licence-not-linked",
                "severity": "warning",
                "message": "The licence is not linked.",
                "fix": "Link the licence.",
                "status": "resolved",
                "first_seen": t0,
                "last_seen": t0,
                "resolved_at": t0 + timedelta(hours=5),
            },
        )
        written["resolved_finding"] = written.pop("findings")
        insert(
            "waivers",
            {
                "finding_id": missing,
                "reason": "Our own photographer; the credit line follows",
                "until": today + timedelta(days=30),
                "created_at": t0 + timedelta(hours=1),
                "created_by": "J. Smith",
            },
        )
        insert(
            "rights",
            {
                "provider": "Associated Press",
                "scope": "editorial",
                "valid_from": today - timedelta(days=365),
                "valid_until": today + timedelta(days=365),
                "reference": "AP-17",
                "created_at": t0 - timedelta(days=1),
            },
        )
    return written


def test_a_database_of_the_previous_release_is_upgraded_in_place(
    server: LoopbackServer, database_url: str
) -> None:
    """Legal relies on an upgrade keeping every finding, waiver and agreement recorded
    before it, giving each its place in the new history (found, resolved, waived with
    who and why; agreements added), and on the new release recording into the same
    pages and findings afterwards. Downgrading and upgrading again loses nothing."""
    page_url, image_url = server.url("/story"), server.url("/img/own.jpg")
    engine = make_engine(database_url)
    try:
        upgrade(engine, "0002")
        written = write_previous_release(engine, page_url, image_url)
    finally:
        engine.dispose()
    env = {"ATTRIBUTION_DATABASE_URL": database_url}
    upgraded = cli(env, "db", "upgrade")
    assert upgraded.endswith(f"upgraded from 0002 to migration {SCHEMA_REVISION}\n")

    engine = make_engine(database_url)
    try:
        assert current_revision(engine) == head_revision(engine)
        # Every old row is intact; the new columns are empty.
        for table in ("runs", "run_targets", "pages", "images", "appearances", "waivers"):
            (stored,) = rows(engine, table)
            same(stored, written[table])
        waived, resolved = rows(engine, "findings")
        same(waived, written["waived_finding"])
        same(resolved, written["resolved_finding"])
        (appearance,) = rows(engine, "appearances")
        assert {k: appearance[k] for k in ("fetch_id", "image_sha256", "image_bytes")} == {
            "fetch_id": None,
            "image_sha256": None,
            "image_bytes": None,
        }
        assert appearance["embedded"] is None
        (waiver,) = rows(engine, "waivers")
        assert (waiver["revoked_at"], waiver["revoked_by"], waiver["revoke_reason"]) == (
            None,
            None,
            None,
        )
        (right,) = rows(engine, "rights")
        same(right, written["rights"])
        new_columns = ("provider_name", "created_by", "note", "removed_at", "removed_by")
        assert [right[column] for column in new_columns] == [None] * 5
        assert right["removed_reason"] is None
        assert rows(engine, "page_fetches") == []
        # The history the migration backfilled.
        run_id = written["runs"]["id"]
        waiver_row = written["waivers"]
        backfilled = [
            (e["finding_id"], e["event"], e["status"], e["run_id"], e["actor"], e["note"])
            for e in sorted(
                rows(engine, "finding_events"), key=lambda e: (moment(e["at"]), e["id"])
            )
        ]
        assert backfilled == [
            (waived["id"], "found", "open", run_id, None, BACKFILL_NOTE),
            (resolved["id"], "found", "open", run_id, None, BACKFILL_NOTE),
            (waived["id"], "waived", "waived", None, "J. Smith", waiver_row["reason"]),
            # The old release did not record which run resolved it: the last that saw it.
            (resolved["id"], "resolved", "resolved", run_id, None, BACKFILL_NOTE),
        ]
        # Migration 0008 gave each event its finding's severity.
        severities = {f["id"]: f["severity"] for f in (waived, resolved)}
        assert [e["severity"] for e in rows(engine, "finding_events")] == [
            severities[e["finding_id"]] for e in rows(engine, "finding_events")
        ]
        (added,) = rows(engine, "rights_events")
        assert (added["rights_id"], added["action"], added["actor"], added["reason"]) == (
            right["id"],
            "added",
            None,
            BACKFILL_NOTE,
        )
        assert moment(added["at"]) == written["rights"]["created_at"]
    finally:
        engine.dispose()

    # The current release reads it all.
    listed = {f["rule"]: f for f in cli_json(env, "findings", "--status", "all")}
    assert set(listed) == {"missing-credit", "licence-not-linked"}
    old_waived, old_resolved = listed["missing-credit"], listed["licence-not-linked"]
    assert (old_waived["id"], old_waived["status"]) == (waived["id"], "waived")
    assert (old_waived["waiver_by"], old_waived["waiver_reason"]) == (
        "J. Smith",
        waiver_row["reason"],
    )
    assert old_waived["waiver_until"] == waiver_row["until"].isoformat()
    assert events(old_waived) == [
        ("found", "open", run_id, None),
        ("waived", "waived", None, "J. Smith"),
    ]
    assert (old_resolved["id"], old_resolved["status"]) == (resolved["id"], "resolved")
    assert events(old_resolved) == [
        ("found", "open", run_id, None),
        ("resolved", "resolved", run_id, None),
    ]
    evidence = old_waived["evidence"]
    assert (evidence["page"], evidence["image"], evidence["caption"]) == (
        page_url,
        image_url,
        HARBOUR,
    )
    assert evidence["credit_text"] is None and evidence["run"] == run_id
    assert set(evidence["page_fetch"].values()) == {None}  # read before fetches were kept
    assert evidence["image_file"] == {"sha256": None, "bytes_read": None, "embedded": None}
    (history,) = cli_json(env, "rights", "history")
    assert (history["entry"], history["action"], history["by"], history["reason"]) == (
        right["id"],
        "added",
        None,
        BACKFILL_NOTE,
    )
    assert history["agreement"] == {
        "provider": "Associated Press",
        "provider_name": None,
        "scope": "editorial",
        "valid_from": right["valid_from"].isoformat(),
        "valid_until": right["valid_until"].isoformat(),
        "reference": "AP-17",
    }
    (agreement,) = cli_json(env, "rights", "list")
    assert (agreement["id"], agreement["provider"], agreement["reference"]) == (
        right["id"],
        "Associated Press",
        "AP-17",
    )
    assert agreement["added_by"] is None and agreement["removed_at"] is None
    assert "Associated Press [editorial]" in cli(env, "rights", "list")

    # A new check records into the same page and findings: the old waiver still holds,
    # the old agreement still licenses the agency picture.
    serve_images(server)
    serve(server, "/story", story(None))
    report = cli_json(env, "check", page_url, expect=1)
    assert [[f["rule"] for f in image["findings"]] for image in report["pages"][0]["images"]] == [
        [],
        ["missing-credit"],
    ]
    after = {f["rule"]: f for f in cli_json(env, "findings", "--status", "all")}
    assert set(after) == set(listed)
    assert after["missing-credit"]["id"] == waived["id"]
    assert after["missing-credit"]["status"] == "waived"
    assert after["missing-credit"]["history"] == old_waived["history"]  # nothing changed
    assert moment(after["missing-credit"]["last_seen"]) > moment(old_waived["last_seen"])
    assert after["missing-credit"]["evidence"]["page_fetch"]["http_status"] == 200
    assert after["licence-not-linked"]["status"] == "resolved"
    assert after["licence-not-linked"]["history"] == old_resolved["history"]
    (reading,) = cli_json(env, "history", page_url)
    assert reading["sha256"] == hashlib.sha256(story(None)).hexdigest()
    engine = make_engine(database_url)
    try:
        assert len(rows(engine, "pages")) == 1
        assert len(rows(engine, "images")) == 2  # the agency picture is new

        # Down to the previous release and up again: the old rows are still there and
        # the history is backfilled again.
        downgrade(engine, "0002")
        assert current_revision(engine) == "0002"
        (stored,) = rows(engine, "waivers")
        same(stored, written["waivers"])
        (stored,) = rows(engine, "rights")
        same(stored, written["rights"])
        assert [row["id"] for row in rows(engine, "findings")] == [waived["id"], resolved["id"]]
    finally:
        engine.dispose()
    upgraded = cli(env, "db", "upgrade")
    assert upgraded.endswith(f"upgraded from 0002 to migration {SCHEMA_REVISION}\n")
    again = {f["rule"]: f for f in cli_json(env, "findings", "--status", "all")}
    assert events(again["missing-credit"]) == events(old_waived)
    assert events(again["licence-not-linked"]) == events(old_resolved)
    assert [e["provider"] for e in cli_json(env, "rights", "list")] == ["Associated Press"]
    cli(env, "check", page_url, expect=1)
    assert len(cli_json(env, "history", page_url)) == 1  # the first reading went with 0003


# --- a newsroom's sequence --------------------------------------------------------------


def test_a_newsroom_sequence_is_kept_as_history(server: LoopbackServer, database_url: str) -> None:
    """Legal relies on the record telling, for each finding, what happened and when:
    found, fixed by the editor, waived (by whom, why), resolved by an agreement,
    waiver revoked, agreement removed, found again; with the evidence of what the page
    showed each time it was read (addresses, status, SHA-256 of the page and of the
    image files), and on the rights register and the waivers keeping every change."""
    env = upgraded(database_url)
    url = server.url("/story")
    serve_images(server)
    served: list[bytes] = []

    def check(body: bytes, expect: int = 1) -> None:
        serve(server, "/story", body)
        served.append(body)
        cli(env, "check", url, expect=expect)

    # 1. Checked: the agency picture has no agreement, the own picture no credit.
    check(story(None))
    found = {f["rule"]: f for f in cli_json(env, "findings")}
    assert set(found) == {"agency-not-licensed", "missing-credit"}
    agency, missing = found["agency-not-licensed"]["id"], found["missing-credit"]["id"]
    # 2. The editor credits the own picture.
    check(story(STAFF_CREDIT))
    assert [f["id"] for f in cli_json(env, "findings")] == [agency]
    # 3. Legal waives the agency finding; a re-check keeps it waived.
    until = date.today() + timedelta(days=30)
    reason = "Licensed by phone, contract AP-17 follows"
    out = cli(
        env, "waive", str(agency), "--reason", reason, "--by", "J. Smith", "--until", str(until)
    )
    waiver = int(out.split()[1].strip("#:"))
    check(story(STAFF_CREDIT))
    assert cli_json(env, "findings") == []
    assert [f["id"] for f in cli_json(env, "findings", "--status", "waived")] == [agency]
    # 4. The agreement is recorded; a re-check no longer finds the agency picture.
    out = cli(env, "rights", "add", "Associated Press", "--reference", "AP-17", "--by", "legal")
    right = int(out.split()[1].strip("#:"))
    check(story(STAFF_CREDIT), expect=0)
    resolved = cli_json(env, "findings", "--status", "resolved")
    assert sorted(f["id"] for f in resolved) == sorted([agency, missing])
    # 5. The waiver is revoked, 6. the agreement removed; a re-check finds it again.
    cli(
        env,
        "waivers",
        "revoke",
        str(waiver),
        "--reason",
        "Superseded by the contract",
        "--by",
        "legal",
    )
    cli(env, "rights", "remove", str(right), "--reason", "contract ended")
    check(story(STAFF_CREDIT))
    (reopened,) = cli_json(env, "findings")
    assert (reopened["id"], reopened["waiver_id"]) == (agency, None)

    listing = cli(env, "runs").splitlines()
    r1, r2, r3, r4, r5 = sorted(int(line.split()[0].lstrip("#")) for line in listing)
    listed = {f["id"]: f for f in cli_json(env, "findings", "--status", "all")}
    assert set(listed) == {agency, missing}
    assert events(listed[agency]) == [
        ("found", "open", r1, None),
        ("waived", "waived", None, "J. Smith"),
        ("resolved", "resolved", r4, None),
        ("waiver-revoked", "resolved", None, "legal"),
        ("found-again", "open", r5, None),
    ]
    notes = [e["note"] for e in listed[agency]["history"]]
    assert notes == [None, f"{reason} (until {until})", None, "Superseded by the contract", None]
    assert events(listed[missing]) == [
        ("found", "open", r1, None),
        ("resolved", "resolved", r2, None),
    ]
    for finding in listed.values():
        times = [moment(e["at"]) for e in finding["history"]]
        assert times == sorted(times)
        evidence = finding["evidence"]
        assert evidence["page"] == url == evidence["page_fetch"]["final_url"]
        assert evidence["page_fetch"]["requested_url"] == url
        assert evidence["page_fetch"]["http_status"] == 200
        assert evidence["page_fetch"]["sha256"] == hashlib.sha256(served[-1]).hexdigest()
        assert evidence["run"] == r5
        assert moment(evidence["first_seen"]) <= moment(evidence["last_seen"])
    agency_evidence, missing_evidence = listed[agency]["evidence"], listed[missing]["evidence"]
    assert (agency_evidence["caption"], agency_evidence["credit_text"]) == (SUMMIT, AP_CREDIT)
    assert agency_evidence["image_file"]["sha256"] == hashlib.sha256(AP_JPEG).hexdigest()
    assert agency_evidence["image_file"]["bytes_read"] == len(AP_JPEG)
    assert (missing_evidence["caption"], missing_evidence["credit_text"]) == (
        HARBOUR,
        STAFF_CREDIT,
    )
    assert missing_evidence["image_file"]["sha256"] == hashlib.sha256(OWN_JPEG).hexdigest()

    # What the page showed each time it was read, newest first.
    readings = cli_json(env, "history", url)
    assert [r["run"] for r in readings] == [r5, r4, r3, r2, r1]
    assert [r["sha256"] for r in readings] == [
        hashlib.sha256(body).hexdigest() for body in reversed(served)
    ]
    for reading in readings:
        assert (reading["requested_url"], reading["final_url"]) == (url, url)
        assert reading["http_status"] == 200 and reading["title"] == "Harbour story"
        shown = [(i["image"], i["caption"], i["credit_text"]) for i in reading["images"]]
        own_credit = None if reading["run"] == r1 else STAFF_CREDIT
        assert shown == [
            (server.url("/img/ap.jpg"), SUMMIT, AP_CREDIT),
            (server.url("/img/own.jpg"), HARBOUR, own_credit),
        ]
        assert [i["sha256"] for i in reading["images"]] == [
            hashlib.sha256(AP_JPEG).hexdigest(),
            hashlib.sha256(OWN_JPEG).hexdigest(),
        ]

    # The rights register keeps the agreement and both changes.
    changes = cli_json(env, "rights", "history")
    assert [(c["entry"], c["action"], c["by"], c["reason"]) for c in changes] == [
        (right, "added", "legal", None),
        (right, "removed", getpass.getuser(), "contract ended"),
    ]
    assert changes[0]["agreement"]["provider"] == "Associated Press"
    assert changes[0]["agreement"]["reference"] == "AP-17"
    assert cli_json(env, "rights", "list") == []
    yesterday = str(date.today() - timedelta(days=1))
    assert cli_json(env, "rights", "list", "--at", yesterday) == []  # added today

    # The waiver is kept, revoked, with who and why.
    (kept,) = cli_json(env, "waivers", "list", "--all")
    assert (kept["id"], kept["finding"], kept["by"], kept["reason"]) == (
        waiver,
        agency,
        "J. Smith",
        reason,
    )
    assert kept["until"] == str(until)
    assert (kept["revoked_by"], kept["revoke_reason"]) == ("legal", "Superseded by the contract")
    assert kept["revoked_at"] is not None
    assert cli_json(env, "waivers", "list") == []


# --- one page, one record ---------------------------------------------------------------


def uncredited(title: str = "A story") -> bytes:
    return (
        f"<html><head><title>{title}</title></head><body><article>"
        "<figure><img src='/img/own.jpg' width=800 height=600>"
        f"<figcaption>{HARBOUR}</figcaption></figure></article></body></html>"
    ).encode()


def test_tracking_parameters_do_not_make_a_second_page(
    server: LoopbackServer, database_url: str
) -> None:
    """Legal relies on one article being one page however a reader reached it: the
    newsletter's and the social network's links add no findings, and each reading
    still says which address was asked for."""
    env = upgraded(database_url)
    serve(server, "/story", uncredited())
    url = server.url("/story")
    tracked = f"{url}?utm_source=x&fbclid=y"
    cli(env, "check", "--no-images", tracked, expect=1)
    (first,) = cli_json(env, "findings", "--status", "all")
    cli(env, "check", "--no-images", url, expect=1)
    (finding,) = cli_json(env, "findings", "--status", "all")
    assert (finding["id"], finding["page"], finding["status"]) == (first["id"], url, "open")
    assert events(finding) == events(first)  # seen again, nothing new to tell
    newest, oldest = cli_json(env, "history", tracked)
    assert (newest["requested_url"], oldest["requested_url"]) == (url, tracked)
    # Each reading keeps the address the server answered as it was (no redirect here).
    assert (newest["final_url"], oldest["final_url"]) == (url, tracked)
    assert newest["sha256"] == oldest["sha256"] == hashlib.sha256(uncredited()).hexdigest()
    assert cli_json(env, "history", url) == [newest, oldest]


def test_a_redirected_page_keeps_both_addresses(server: LoopbackServer, database_url: str) -> None:
    """Legal relies on the evidence saying which address was asked for and which one
    answered, and on the page being recorded under the address that answered."""
    env = upgraded(database_url)
    serve(server, "/2026/story", uncredited())
    server.routes["/s/42"] = redirect(server.url("/2026/story"))
    short, final = server.url("/s/42"), server.url("/2026/story")
    cli(env, "check", "--no-images", short, expect=1)
    (finding,) = cli_json(env, "findings")
    assert finding["page"] == final
    fetch = finding["evidence"]["page_fetch"]
    assert (fetch["requested_url"], fetch["final_url"], fetch["http_status"]) == (
        short,
        final,
        200,
    )
    (reading,) = cli_json(env, "history", final)
    assert (reading["requested_url"], reading["final_url"], reading["http_status"]) == (
        short,
        final,
        200,
    )
    assert reading["sha256"] == hashlib.sha256(uncredited()).hexdigest()


def test_two_saved_files_are_two_pages(tmp_path: Path, database_url: str) -> None:
    """Legal relies on saved drafts never being mixed up: two files without --base-url
    are two pages, and re-checking one leaves the other's findings as they were."""
    env = upgraded(database_url)
    first, second = tmp_path / "draft-1.html", tmp_path / "draft-2.html"
    first.write_bytes(uncredited("Draft one"))
    second.write_bytes(uncredited("Draft two"))
    cli(env, "check", "--no-images", str(first), str(second), expect=1)
    found = cli_json(env, "findings")
    assert sorted(f["page"] for f in found) == sorted([first.as_uri(), second.as_uri()])
    second.write_bytes(b"<html><head><title>Draft two</title></head><body></body></html>")
    cli(env, "check", "--no-images", str(second))
    (still,) = cli_json(env, "findings")
    assert (still["page"], still["status"]) == (first.as_uri(), "open")
    (gone,) = cli_json(env, "findings", "--status", "resolved")
    assert gone["page"] == second.as_uri()
    newest, oldest = cli_json(env, "history", second.as_uri())
    assert newest["images"] == [] and len(oldest["images"]) == 1
    assert newest["sha256"] == hashlib.sha256(second.read_bytes()).hexdigest()


def test_a_saved_file_is_recorded_under_its_canonical_address(
    tmp_path: Path, database_url: str
) -> None:
    """Legal relies on a saved copy of a published article being the article's page:
    the file's canonical link, not its path on someone's disk, names it."""
    env = upgraded(database_url)
    saved = tmp_path / "saved.html"
    body = uncredited().replace(
        b"<head>", b'<head><link rel="canonical" href="https://news.example/a">'
    )
    saved.write_bytes(body)
    cli(env, "check", "--no-images", str(saved), expect=1)
    (finding,) = cli_json(env, "findings")
    assert finding["page"] == "https://news.example/a"
    assert finding["image"] == "https://news.example/img/own.jpg"
    (reading,) = cli_json(env, "history", "https://news.example/a")
    assert reading["requested_url"] == str(saved)
    assert reading["sha256"] == hashlib.sha256(body).hexdigest()
    assert reading["http_status"] is None


# --- what the register promises in its help ---------------------------------------------


def test_an_agreement_removed_today_is_in_today_s_register(database_url: str) -> None:
    """Legal relies on 'rights list --at DAY' showing every agreement that was in the
    register on DAY, including one removed later that day (a picture published in the
    morning was covered)."""
    env = upgraded(database_url)
    cli(env, "rights", "add", "Associated Press", "--reference", "AP-17", "--by", "legal")
    cli(env, "rights", "remove", "1", "--reason", "contract ended", "--by", "legal")
    assert cli_json(env, "rights", "list") == []
    listed = cli_json(env, "rights", "list", "--at", str(date.today()))
    assert [(e["provider"], e["removed_reason"]) for e in listed] == [
        ("Associated Press", "contract ended")
    ]


def test_an_agreement_added_under_an_alias_covers_the_provider(
    server: LoopbackServer, database_url: str
) -> None:
    """Legal relies on 'rights add AP' covering AP pictures, as its help says ('AP',
    'Associated Press' and 'AP Photo' are one provider)."""
    env = upgraded(database_url)
    serve(server, "/story", story(STAFF_CREDIT))
    cli(env, "check", "--no-images", server.url("/story"), expect=1)
    added = cli(env, "rights", "add", "AP", "--by", "legal")
    assert "AP (Associated Press)" in added
    cli(env, "check", "--no-images", server.url("/story"))
