"""Storage: migrations, finding identity and history, waivers, the rights register,
a killed run and concurrent writers — on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from conftest import PAGES, LoopbackServer, command, run_cli, send
from sqlalchemy import inspect

from attribution.cli import cli
from attribution.errors import ConfigError, UsageError
from attribution.records import (
    ExtractedImage,
    Finding,
    ImageResult,
    PageResult,
    RightsEntry,
    Severity,
)
from attribution.store import (
    FindingFilter,
    ResolvedUrl,
    add_rights,
    current_revision,
    default_sqlite_path,
    downgrade,
    finish_run,
    head_revision,
    import_rights,
    list_findings,
    list_rights,
    list_runs,
    make_engine,
    open_database,
    parse_rights_csv,
    record_page,
    remove_rights,
    resolve_url,
    run_pages,
    start_run,
    upgrade,
    waive,
)
from attribution.store.database import SCHEMA_REVISION, Database
from attribution.store.models import Base

TABLES = {"runs", "pages", "images", "appearances", "findings", "waivers", "rights"}


def test_migrations_go_up_and_down(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        assert current_revision(engine) is None
        upgrade(engine)
        assert current_revision(engine) == head_revision(engine)
        assert set(inspect(engine).get_table_names()) >= TABLES
        downgrade(engine, "base")
        assert current_revision(engine) is None
        assert not TABLES & set(inspect(engine).get_table_names())
        upgrade(engine)
    finally:
        engine.dispose()


def test_the_schema_the_code_expects_is_the_newest_migration(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        assert head_revision(engine) == SCHEMA_REVISION
    finally:
        engine.dispose()


def test_a_process_reads_a_database_s_revision_once_without_loading_alembic(
    database_url: str,
) -> None:
    open_database(database_url, auto_upgrade=True).close()
    code = (
        "import sys\n"
        "from sqlalchemy import Engine, event\n"
        "from attribution.store import open_database\n"
        "statements = []\n"
        "event.listen(Engine, 'before_cursor_execute', lambda *a: statements.append(a[2]))\n"
        f"open_database({database_url!r}).close()\n"
        "first = len(statements)\n"
        f"open_database({database_url!r}).close()\n"
        "print(first, len(statements) - first, 'alembic' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    first, again, alembic = done.stdout.split()
    assert 0 < int(first) <= 3 and int(again) == 0 and alembic == "False", done.stdout


def test_recording_commits_quickly_and_people_s_decisions_durably(database_url: str) -> None:
    from sqlalchemy import text

    def setting(db: Database) -> str:
        with db.engine.connect() as connection:
            if db.engine.dialect.name == "sqlite":
                return str(connection.execute(text("PRAGMA synchronous")).scalar())
            return str(connection.execute(text("SHOW synchronous_commit")).scalar())

    durable = open_database(database_url, auto_upgrade=True)
    quick = open_database(database_url, quick_commits=True)
    try:
        if durable.engine.dialect.name == "sqlite":
            assert setting(durable) == setting(quick) == "1"  # NORMAL, under WAL
        else:
            assert (setting(durable), setting(quick)) == ("on", "off")
    finally:
        durable.close()
        quick.close()


def test_models_match_the_migrations(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert differences == []
    finally:
        engine.dispose()


def test_a_configured_database_must_be_upgraded_first(database_url: str) -> None:
    if database_url.startswith("sqlite"):
        with pytest.raises(ConfigError, match="attribution db upgrade"):
            open_database(database_url, auto_upgrade=False)
    else:
        with pytest.raises(ConfigError, match="attribution db upgrade"):
            open_database(database_url)


def test_the_database_is_the_environment_s_else_the_profile_s_else_the_embedded_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    profile_url, env_url = f"sqlite:///{tmp_path}/profile.db", f"sqlite:///{tmp_path}/env.db"
    embedded = resolve_url(None)
    assert embedded == ResolvedUrl(f"sqlite:///{default_sqlite_path()}", embedded=True)
    assert embedded.url.startswith(f"sqlite:///{tmp_path}/data/")
    assert default_sqlite_path().parent.is_dir()
    assert resolve_url(profile_url) == ResolvedUrl(profile_url, embedded=False)
    monkeypatch.setenv("ATTRIBUTION_DATABASE_URL", env_url)
    assert resolve_url(profile_url) == ResolvedUrl(env_url, embedded=False)
    assert resolve_url(None) == ResolvedUrl(env_url, embedded=False)
    db = open_database(profile_url, auto_upgrade=True)
    try:
        assert db.url == env_url
    finally:
        db.close()
    assert (tmp_path / "env.db").exists() and not (tmp_path / "profile.db").exists()


def test_db_commands_follow_the_same_precedence(tmp_path: Path) -> None:
    profile = tmp_path / "attribution.toml"
    profile.write_text(f'[database]\nurl = "sqlite:///{tmp_path}/profile.db"\n', encoding="utf-8")
    data = {"XDG_DATA_HOME": str(tmp_path / "data")}
    env = {**data, "ATTRIBUTION_DATABASE_URL": f"sqlite:///{tmp_path}/env.db"}
    upgraded = run_cli("--config", str(profile), "db", "upgrade", env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    assert upgraded.stdout.startswith(f"sqlite:///{tmp_path}/env.db: upgraded from empty")
    assert (tmp_path / "env.db").exists() and not (tmp_path / "profile.db").exists()
    shown = run_cli("--config", str(profile), "db", "status", env=data)
    assert shown.returncode == 0, shown.stderr
    assert f"database: sqlite:///{tmp_path}/profile.db (configured)" in shown.stdout
    default = run_cli("db", "status", env=data)
    assert "(embedded SQLite (default))" in default.stdout
    assert f"sqlite:///{tmp_path}/data/" in default.stdout


def page(url: str, images: dict[str, list[tuple[str, Severity]]]) -> PageResult:
    return PageResult(
        url=url,
        title="A page",
        images=tuple(
            ImageResult(
                ExtractedImage(src=src, caption="c", credit="Jane Doe"),
                None,
                tuple(
                    Finding(rule, severity, f"{rule} on {src}", "do this")
                    for rule, severity in rules
                ),
            )
            for src, rules in images.items()
        ),
    )


@pytest.fixture
def db(database_url: str):  # type: ignore[no-untyped-def]
    database = open_database(database_url, auto_upgrade=True)
    yield database
    database.close()


def test_a_finding_keeps_its_identity_and_is_resolved_when_gone(db) -> None:  # type: ignore[no-untyped-def]
    first = start_run(db, "check", ["u"], {})
    record_page(
        db,
        first,
        page(
            "https://n.example/a",
            {
                "https://n.example/1.jpg": [("missing-credit", Severity.ERROR)],
                "https://n.example/2.jpg": [("licence-not-linked", Severity.WARNING)],
            },
        ),
    )
    finish_run(db, first)
    opened = {f.rule: f for f in list_findings(db)}
    assert set(opened) == {"missing-credit", "licence-not-linked"}

    second = start_run(db, "check", ["u"], {})
    record_page(
        db,
        second,
        page(
            "https://n.example/a",
            {
                "https://n.example/1.jpg": [("missing-credit", Severity.ERROR)],
                "https://n.example/2.jpg": [],
            },
        ),
    )
    finish_run(db, second)
    still = list_findings(db)
    assert [f.rule for f in still] == ["missing-credit"]
    assert still[0].id == opened["missing-credit"].id
    assert still[0].first_seen == opened["missing-credit"].first_seen
    assert still[0].last_seen >= opened["missing-credit"].last_seen
    resolved = list_findings(db, FindingFilter(statuses=("resolved",)))
    assert [f.rule for f in resolved] == ["licence-not-linked"]

    third = start_run(db, "check", ["u"], {})
    record_page(
        db,
        third,
        page(
            "https://n.example/a",
            {
                "https://n.example/2.jpg": [("licence-not-linked", Severity.WARNING)],
            },
        ),
    )
    reopened = {f.rule: f for f in list_findings(db)}
    assert reopened["licence-not-linked"].id == opened["licence-not-linked"].id
    assert "missing-credit" not in reopened
    runs = list_runs(db)
    assert [r.pages_done for r in runs] == [1, 1, 1]
    assert runs[-1].errors == 1 and runs[-1].warnings == 1
    assert run_pages(db, first) == ["https://n.example/a"]


def test_waivers_hold_until_they_expire(db) -> None:  # type: ignore[no-untyped-def]
    run = start_run(db, "check", ["u"], {})
    result = page(
        "https://n.example/b",
        {"https://n.example/3.jpg": [("agency-not-licensed", Severity.ERROR)]},
    )
    record_page(db, run, result)
    (finding,) = list_findings(db)
    today = date.today()
    waiver = waive(
        db,
        finding.identity[:12],
        "Licensed by phone, contract follows",
        today + timedelta(days=30),
        by="J. Smith",
    )
    assert (
        waiver.reason == "Licensed by phone, contract follows" and waiver.created_by == "J. Smith"
    )
    (waived,) = list_findings(db, FindingFilter(statuses=("waived",)))
    assert waived.waiver_reason == waiver.reason and waived.waiver_by == "J. Smith"
    assert list_findings(db) == []
    record_page(db, run, result, today=today)
    assert [f.status for f in list_findings(db, FindingFilter(statuses=("waived",)))] == ["waived"]
    record_page(db, run, result, today=today + timedelta(days=31))
    assert [f.status for f in list_findings(db)] == ["open"]
    with pytest.raises(UsageError, match="needs a reason"):
        waive(db, str(finding.id), "  ")
    with pytest.raises(UsageError, match="no finding"):
        waive(db, "999999", "x")


def test_findings_filters(db) -> None:  # type: ignore[no-untyped-def]
    run = start_run(db, "check", ["u"], {})
    record_page(
        db,
        run,
        page(
            "https://n.example/news/1",
            {
                "https://n.example/a.jpg": [
                    ("missing-credit", Severity.ERROR),
                    ("ai-generated", Severity.NOTICE),
                ],
            },
        ),
    )
    record_page(
        db,
        run,
        page(
            "https://n.example/sport/2",
            {
                "https://n.example/b.jpg": [("licence-not-linked", Severity.WARNING)],
            },
        ),
    )

    def rules(**kwargs: object) -> list[str]:
        return sorted(f.rule for f in list_findings(db, FindingFilter(**kwargs)))  # type: ignore[arg-type]

    assert rules() == ["ai-generated", "licence-not-linked", "missing-credit"]
    assert rules(rules=("missing-credit",)) == ["missing-credit"]
    assert rules(severities=("warning", "notice")) == ["ai-generated", "licence-not-linked"]
    assert rules(page="/sport/") == ["licence-not-linked"]
    assert rules(since=datetime.now(UTC) + timedelta(days=1)) == []
    assert len(list_findings(db, FindingFilter(limit=2))) == 2
    assert list_findings(db)[0].severity is Severity.ERROR
    # The error was recorded first: a limit still keeps the most serious, not the newest.
    assert [f.rule for f in list_findings(db, FindingFilter(limit=1))] == ["missing-credit"]
    assert [f.severity for f in list_findings(db)] == [
        Severity.ERROR,
        Severity.WARNING,
        Severity.NOTICE,
    ]


def test_rights_register(db) -> None:  # type: ignore[no-untyped-def]
    entry = add_rights(
        db,
        RightsEntry("Associated Press", "editorial", date(2026, 1, 1), date(2026, 12, 31), "AP-17"),
    )
    assert entry.id is not None
    imported = parse_rights_csv(
        "provider,scope,valid_from,valid_until,reference\nReuters,editorial,2025-01-01,,R-9\nGetty Images,,,,\n",
        "rights.csv",
    )
    assert import_rights(db, imported).added == 2
    assert [e.provider for e in list_rights(db)] == ["Associated Press", "Getty Images", "Reuters"]
    remove_rights(db, entry.id, "contract ended early")
    assert "Associated Press" not in [e.provider for e in list_rights(db)]
    with pytest.raises(UsageError, match="already removed"):
        remove_rights(db, entry.id, "again")
    with pytest.raises(UsageError, match="no rights register entry"):
        remove_rights(db, 99999, "x")
    with pytest.raises(UsageError, match="needs a reason"):
        remove_rights(db, entry.id, " ")
    with pytest.raises(UsageError, match="line 2: valid_from 'soon'"):
        parse_rights_csv("provider,valid_from\nAP,soon\n", "bad.csv")
    with pytest.raises(UsageError, match="unknown column"):
        parse_rights_csv("provider,price\nAP,3\n", "bad.csv")


# --- through the command line ------------------------------------------------------------


def story(number: int, images: int = 3) -> bytes:
    figures = "".join(
        f"<figure><img src='/img/{number}-{i}.jpg' width=800 height=600>"
        f"<figcaption>Picture {i}.</figcaption></figure>"
        for i in range(images)
    )
    return f"<html><head><title>Story {number}</title></head><body><article>{figures}</article></body></html>".encode()


def serve_stories(server: LoopbackServer, count: int, delay: float = 0.0) -> list[str]:
    urls = []
    for number in range(count):
        body = story(number)

        def route(handler: BaseHTTPRequestHandler, body: bytes = body) -> None:
            time.sleep(delay)
            send(handler, body)

        server.routes[f"/story/{number}"] = route
        urls.append(server.url(f"/story/{number}"))
    return urls


def upgraded(database_url: str) -> dict[str, str]:
    result = run_cli("db", "upgrade", env={"ATTRIBUTION_DATABASE_URL": database_url})
    assert result.returncode == 0, result.stderr
    return {"ATTRIBUTION_DATABASE_URL": database_url}


def test_check_records_and_findings_lists(server: LoopbackServer, database_url: str) -> None:
    env = upgraded(database_url)
    urls = serve_stories(server, 2)
    assert run_cli("check", "--no-images", *urls, env=env).returncode == 1
    listed = json.loads(run_cli("findings", "--format", "json", env=env).stdout)
    assert len(listed) == 6 and {f["rule"] for f in listed} == {"missing-credit"}
    csv_out = run_cli("findings", "--format", "csv", "--page", "/story/1", env=env).stdout
    assert csv_out.count("\n") == 4 and csv_out.startswith("id,identity,rule")
    target = listed[0]
    waived = run_cli("waive", str(target["id"]), "--reason", "Our own photo", env=env)
    assert waived.returncode == 0, waived.stderr
    assert len(json.loads(run_cli("findings", "--format", "json", env=env).stdout)) == 5
    assert run_cli("check", "--no-images", "--no-store", *urls, env=env).returncode == 1
    runs = run_cli("runs", env=env).stdout
    assert runs.count("check finished") == 1


def test_a_killed_run_leaves_whole_pages_and_says_which(
    server: LoopbackServer, database_url: str
) -> None:
    env = upgraded(database_url)
    urls = serve_stories(server, 40, delay=0.15)
    process = subprocess.Popen(
        [*command(), "check", "--no-images", *urls],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    db = open_database(database_url)
    try:
        while time.monotonic() < deadline:
            runs = list_runs(db)
            if runs and runs[0].pages_done >= 5:
                break
            time.sleep(0.1)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        (run,) = list_runs(db)
        assert run.status == "running" and 5 <= run.pages_done < 40
        finished = run_pages(db, run.id)
        assert len(finished) == run.pages_done
        # every recorded page is whole: all three of its images and their findings
        findings = list_findings(db)
        assert len(findings) == 3 * run.pages_done
        runs_text = run_cli("runs", str(run.id), env=env).stdout
        assert f"{run.pages_done} page(s) recorded" in runs_text
        # the next run notices that the killed one is dead, and says how to take it up
        start_run(db, "check", ["x"], {})
        killed = list_runs(db)[1]
        assert killed.status == "interrupted" and killed.pending == 40 - run.pages_done
        listing = run_cli("runs", env=env).stdout
        assert f"resume it with: attribution check --resume {run.id}" in listing
        # resuming checks only the pages it had not finished, into the same run
        before = len([path for path, _ in server.requests if path.startswith("/story/")])
        resumed = run_cli("check", "--no-images", "--resume", str(run.id), env=env)
        assert resumed.returncode == 1, resumed.stderr
        fetched = [path for path, _ in server.requests if path.startswith("/story/")][before:]
        assert len(fetched) == 40 - run.pages_done
        assert not {server.url(path) for path in fetched} & set(finished)
        done = next(r for r in list_runs(db) if r.id == run.id)
        assert (done.status, done.pages_done, done.pending) == ("finished", 40, 0)
        assert len(run_pages(db, run.id)) == 40
        assert len(list_findings(db)) == 3 * 40
        again = run_cli("check", "--resume", str(run.id), env=env)
        assert again.returncode == 0 and "nothing left to check" in again.stderr
    finally:
        db.close()
        if process.poll() is None:
            process.kill()


def test_two_writers_at_once_lose_nothing(server: LoopbackServer, database_url: str) -> None:
    env = upgraded(database_url)
    first = serve_stories(server, 15, delay=0.02)
    processes = [
        subprocess.Popen(
            [*command(), "check", "--no-images", *urls],
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for urls in (first, list(reversed(first)))
    ]
    for process in processes:
        _, errors = process.communicate(timeout=120)
        assert process.returncode == 1, errors
    db = open_database(database_url)
    try:
        runs = list_runs(db)
        assert [(r.status, r.pages_done) for r in runs] == [("finished", 15), ("finished", 15)]
        assert len(list_findings(db)) == 45
    finally:
        db.close()


def test_rights_commands_feed_the_rules(
    server: LoopbackServer, database_url: str, tmp_path: object
) -> None:
    env = upgraded(database_url)
    html = (
        b"<html><body><article><figure><img src='/a.jpg' width=800 height=600>"
        b"<figcaption>Summit. (AP Photo/Evan Vucci)</figcaption></figure></article></body></html>"
    )
    server.routes["/ap"] = lambda h: send(h, html)
    before = json.loads(
        run_cli("check", "--no-images", server.url("/ap"), "--format", "json", env=env).stdout
    )
    assert [f["rule"] for f in before["pages"][0]["images"][0]["findings"]] == [
        "agency-not-licensed"
    ]
    today = date.today()
    added = run_cli(
        "rights",
        "add",
        "Associated Press",
        "--scope",
        "editorial",
        "--from",
        str(today - timedelta(days=1)),
        "--until",
        str(today + timedelta(days=1)),
        env=env,
    )
    assert added.returncode == 0, added.stderr
    after = json.loads(
        run_cli("check", "--no-images", server.url("/ap"), "--format", "json", env=env).stdout
    )
    assert after["pages"][0]["images"][0]["findings"] == []
    assert "Associated Press [editorial]" in run_cli("rights", "list", env=env).stdout
    assert run_cli("rights", "remove", "99", "--reason", "x", env=env).returncode == 2


# --- what a stopped or refused check leaves behind ----------------------------------------


@pytest.mark.parametrize(
    "args,stdin",
    [
        (["-"], "<p>a page</p>"),  # stdin without --base-url
        (["page.html", "other.html", "--base-url", "https://site.example/a"], None),
        (["page.html", "--base-url", "notaurl"], None),
        (["page.html", "--timeout", "0"], None),
        (["page.html", "--output", "no-such-folder/report.json"], None),
    ],
    ids=[
        "stdin-without-base-url",
        "one-base-url-for-two-files",
        "base-url-not-a-url",
        "timeout-zero",
        "output-folder-missing",
    ],
)
def test_a_usage_error_records_no_run(
    database_url: str, tmp_path: Path, args: list[str], stdin: str | None
) -> None:
    env = upgraded(database_url)
    for name in ("page.html", "other.html"):
        (tmp_path / name).write_text("<p>a page</p>", encoding="utf-8")
    result = subprocess.run(
        [*command(), "check", "--no-images", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, **env},
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    db = open_database(database_url)
    try:
        assert list_runs(db) == []
    finally:
        db.close()


def test_resuming_with_a_bad_option_leaves_the_run_as_it_was(
    database_url: str, tmp_path: Path
) -> None:
    env = upgraded(database_url)
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    for page in (first, second):
        page.write_text("<p>a page</p>", encoding="utf-8")
    db = open_database(database_url)
    try:
        run_id = start_run(db, "check", [str(first), str(second)], {})
        finish_run(db, run_id, "interrupted")
        before = list_runs(db)
        bad_url = run_cli("check", "--resume", str(run_id), "--base-url", "notaurl", env=env)
        assert bad_url.returncode == 2 and "--base-url" in bad_url.stderr
        # two files of the run cannot share one base URL: refused before the run is touched
        shared = run_cli(
            "check", "--resume", str(run_id), "--base-url", "https://site.example/", env=env
        )
        assert shared.returncode == 2 and "--base-url" in shared.stderr
        assert list_runs(db) == before
    finally:
        db.close()


def _pages_done(database_url: str) -> int:
    """How many pages the one run recorded so far has done (0 before it starts)."""
    db = open_database(database_url)
    try:
        runs = list_runs(db)
    finally:
        db.close()
    return runs[0].pages_done if runs else 0


def _blocking_page(server: LoopbackServer) -> tuple[str, threading.Event]:
    """A page whose server answers only once the test lets it."""
    release = threading.Event()

    def route(handler: BaseHTTPRequestHandler) -> None:
        release.wait(60)
        send(handler, story(0))

    server.routes["/slow"] = route
    return server.url("/slow"), release


@pytest.mark.parametrize(
    "stop,code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "SIGINT"]
)
def test_a_check_stopped_by_a_signal_is_marked_interrupted_at_once(
    server: LoopbackServer, database_url: str, stop: signal.Signals, code: int
) -> None:
    env = upgraded(database_url)
    urls = serve_stories(server, 1)
    slow, release = _blocking_page(server)
    process = subprocess.Popen(
        [*command(), "check", "--no-images", urls[0], slow],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        # a shell's background job ignores SIGINT; the command should meet Ctrl-C as
        # an interactive user's would
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        # The pages are fetched at once: wait until the slow one is asked for and the
        # first one is recorded.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (
            any(p == "/slow" for p, _ in server.requests) and _pages_done(database_url) == 1
        ):
            time.sleep(0.05)
        assert any(path == "/slow" for path, _ in server.requests)
        process.send_signal(stop)
        _, stderr = process.communicate(timeout=30)
    finally:
        release.set()
        if process.poll() is None:
            process.kill()
    assert process.returncode == code, stderr
    db = open_database(database_url)
    try:
        (run,) = list_runs(db)
    finally:
        db.close()
    assert run.status == "interrupted"
    assert (run.pages_done, run.pending) == (1, 1)
    assert stderr.strip().splitlines()[-1] == (
        f"attribution: run {run.id} was interrupted; resume it with: "
        f"attribution check --resume {run.id}"
    )
    assert "Traceback" not in stderr


@pytest.mark.parametrize(
    "args",
    [
        ["db", "status"],
        ["db", "upgrade"],
        ["findings"],
        ["runs"],
        ["runs", "1"],
        ["waive", "1", "--reason", "ours"],
        ["rights", "list"],
        ["rights", "add", "Associated Press"],
        ["rights", "remove", "1", "--reason", "ended"],
        ["check", "--no-images", str(PAGES / "no-credits.html")],
        ["check", "--resume", "1"],
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_an_unreachable_database_is_one_line_naming_it(args: list[str]) -> None:
    unreachable = "postgresql+psycopg://nobody:s3cret@127.0.0.1:1/none"
    result = CliRunner().invoke(cli, args, env={"ATTRIBUTION_DATABASE_URL": unreachable})
    assert result.exit_code == 3, result.output
    assert result.stderr.startswith(
        "attribution: database postgresql+psycopg://nobody:***@127.0.0.1:1/none: cannot connect"
    )
    assert result.stderr.count("\n") == 1 and "s3cret" not in result.stderr


def test_db_commands_name_a_sqlite_file_that_cannot_be_opened(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/no-such-folder/attribution.db"
    for args in (["db", "status"], ["db", "upgrade"]):
        result = run_cli(*args, env={"ATTRIBUTION_DATABASE_URL": url})
        assert result.returncode == 3, result.stderr
        assert result.stderr.strip() == (
            f"attribution: database {url}: cannot connect (unable to open database file)"
        )
