"""Shared test fixtures: a real HTTP server on loopback and the installed command."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from faultserver import FaultServer
from scansite import ScanSite

if TYPE_CHECKING:
    from auditscenario import AuditScenario

FIXTURES = Path(__file__).parent / "fixtures"
# The PostgreSQL server the storage tests also run against (CI starts one on loopback).
POSTGRES_URL = os.environ.get(
    "ATTRIBUTION_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def pytest_configure(config: pytest.Config) -> None:
    """Keep every test, and every command the tests run, away from the user's database."""
    scratch = tempfile.mkdtemp(prefix="attribution-tests-")
    os.environ["XDG_DATA_HOME"] = scratch  # the embedded default database goes here
    os.environ["XDG_CACHE_HOME"] = scratch  # the cached licence tables go here
    os.environ.pop("ATTRIBUTION_DATABASE_URL", None)
    # No test asks Wikimedia Commons or Flickr: those that check licences at their
    # source point the profile at fakes on loopback and switch this back "on".
    os.environ["ATTRIBUTION_SOURCE_CHECKS"] = "off"
    os.environ.pop("ATTRIBUTION_FLICKR_KEY", None)


def _postgres_unavailable() -> str | None:
    """Why PostgreSQL cannot be used for tests, or None when it can."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install -e '.[test]')"
    dsn = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(dsn, connect_timeout=3):
            return None
    except psycopg.Error as error:
        return f"no PostgreSQL server at {POSTGRES_URL} ({str(error).strip().splitlines()[0]})"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each kind: a SQLite file, and a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/test.db"
        return
    with postgres_database() as url:
        yield url


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database while the block runs (the test is skipped,
    with the reason, where no server answers)."""
    reason = _postgres_unavailable()
    if reason:
        pytest.skip(f"PostgreSQL tests skipped: {reason}")
    import psycopg

    name = f"attribution_test_{uuid.uuid4().hex[:12]}"
    admin = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


PAGES = FIXTURES / "pages"

Route = Callable[[BaseHTTPRequestHandler], None]


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 whose routes the tests set."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server.requests.append((self.path, dict(self.headers.items())))
                route = server.routes.get(self.path.split("?", 1)[0])
                if route is None:
                    self.send_error(404, "Not Found")
                    return
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    route(self)

            def do_POST(self) -> None:
                self.do_GET()  # the same routes: a route reads the request's body itself

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def send(
    handler: BaseHTTPRequestHandler,
    body: bytes,
    content_type: str = "text/html; charset=utf-8",
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> None:
    """Send a complete response."""
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def redirect(location: str) -> Route:
    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return route


def slow(seconds: float) -> Route:
    def route(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        send(handler, b"<html><body>late</body></html>")

    return route


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    """A fresh loopback HTTP server for one test."""
    httpd = LoopbackServer()
    yield httpd
    httpd.close()


def command() -> list[str]:
    """The installed ``attribution`` command (falls back to ``python -m attribution``)."""
    installed = shutil.which("attribution", path=str(Path(sys.executable).parent))
    return [installed] if installed else [sys.executable, "-m", "attribution"]


def run_cli(
    *args: str,
    stdin: str | None = None,
    timeout: float = 60,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the installed command and capture its output."""
    return subprocess.run(
        [*command(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def faults() -> Iterator[FaultServer]:
    """A fresh fault-injecting loopback server (tests/faultserver.py) for one test."""
    httpd = FaultServer()
    yield httpd
    httpd.close()


@pytest.fixture
def second_host() -> Iterator[FaultServer]:
    """A fault server on 127.0.0.2: another host at a private (loopback) address."""
    try:
        httpd = FaultServer("127.0.0.2")
    except OSError as error:
        pytest.skip(f"cannot listen on 127.0.0.2 ({error.strerror})")
    yield httpd
    httpd.close()


@pytest.fixture
def scan_site() -> Iterator[ScanSite]:
    """A started loopback publisher's site of twelve articles (tests/scansite.py), with
    sitemaps, feeds and robots.txt; stopped after the test."""
    with ScanSite() as site:
        yield site


@pytest.fixture
def scan_site_factory() -> Iterator[Callable[..., ScanSite]]:
    """Starts sites with the options given (as ``ScanSite(pages, **options)``); every
    site started is stopped after the test."""
    sites: list[ScanSite] = []

    def start(pages: int = 12, **options: object) -> ScanSite:
        site = ScanSite(pages, **options).start()  # type: ignore[arg-type]
        sites.append(site)
        return site

    yield start
    for site in sites:
        site.stop()


@pytest.fixture(scope="session")
def _audit_template(tmp_path_factory: pytest.TempPathFactory) -> AuditScenario:
    """The audit scenario made once on SQLite, copied for each test that takes it."""
    from auditscenario import build_audit_scenario  # it runs the command conftest gives

    folder = tmp_path_factory.mktemp("audit-scenario")
    return build_audit_scenario(f"sqlite:///{folder}/scenario.db", folder)


@pytest.fixture(scope="session")
def _audit_postgres_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuditScenario]:
    """The audit scenario made once in a PostgreSQL database, the template of each
    test's copy; dropped after the tests."""
    import psycopg
    from auditscenario import build_audit_scenario

    reason = _postgres_unavailable()
    if reason:
        pytest.skip(f"PostgreSQL tests skipped: {reason}")
    name = f"attribution_audit_{uuid.uuid4().hex[:12]}"
    admin = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        folder = tmp_path_factory.mktemp("audit-scenario-pg")
        yield build_audit_scenario(f"{POSTGRES_URL.rsplit('/', 1)[0]}/{name}", folder)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def audit_scenario(database_url: str, request: pytest.FixtureRequest) -> AuditScenario:
    """The audit scenario (tests/auditscenario.py) in a database of each kind, copied
    from one made once for the session: the SQLite file, or the PostgreSQL database
    (as a template)."""
    if database_url.startswith("sqlite:///"):
        template: AuditScenario = request.getfixturevalue("_audit_template")
        source = Path(template.database_url.removeprefix("sqlite:///"))
        target = Path(database_url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            if source.with_name(source.name + suffix).exists():
                shutil.copyfile(
                    source.with_name(source.name + suffix), target.with_name(target.name + suffix)
                )
        return dataclasses.replace(template, database_url=database_url)
    import psycopg

    template = request.getfixturevalue("_audit_postgres_template")
    name, original = database_url.rsplit("/", 1)[1], template.database_url.rsplit("/", 1)[1]
    admin = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE "{name}"')
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{original}"')
    return dataclasses.replace(template, database_url=database_url)
