"""Opening databases and migrating them.

Which database is used is decided only by :func:`resolve_url`:
``ATTRIBUTION_DATABASE_URL``, else the profile's ``database.url``, else the embedded
default. SQLite is the embedded default: a file in the user's data directory, created
and upgraded automatically on first use, with WAL, foreign keys and a busy timeout so
that an editor's check and a long scan can write at the same time. PostgreSQL (or any
other URL) is created and upgraded only by ``attribution db upgrade``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from platformdirs import user_data_dir
from sqlalchemy import Connection, Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from attribution.errors import ConfigError, StorageError

if TYPE_CHECKING:
    from alembic.config import Config

ENVIRONMENT_VARIABLE = "ATTRIBUTION_DATABASE_URL"
SQLITE_BUSY_TIMEOUT_MS = 30_000

# The migration the models match: the newest in alembic/versions. Opening a database
# compares its revision with this, without loading Alembic (a test checks that it is
# Alembic's head, so a new migration must change it here).
SCHEMA_REVISION = "0010"

# The databases this process has found at SCHEMA_REVISION: each is checked once.
_checked_urls: set[str] = set()


def migrations_dir() -> Path:
    """The Alembic scripts: inside the installed package, else the source tree."""
    packaged = Path(__file__).resolve().parent.parent / "_data" / "alembic"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "alembic"


def default_sqlite_path() -> Path:
    """Where the embedded database lives when nothing else is configured."""
    return Path(user_data_dir("attribution", appauthor=False)) / "attribution.db"


class ResolvedUrl(NamedTuple):
    """The database to use, and whether it is the embedded SQLite default."""

    url: str
    embedded: bool


def resolve_url(configured: str | None = None) -> ResolvedUrl:
    """Decide which database to use: the one place that does.

    ``ATTRIBUTION_DATABASE_URL`` wins, so that operations can redirect a run without
    editing files; then ``configured`` (the profile's ``database.url``); then the
    embedded SQLite file, whose directory is created here.
    """
    url = os.environ.get(ENVIRONMENT_VARIABLE) or configured
    if url:
        return ResolvedUrl(url, embedded=False)
    path = default_sqlite_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StorageError(
            f"database sqlite:///{path}: its folder cannot be created ({error.strerror})"
        ) from None
    return ResolvedUrl(f"sqlite:///{path}", embedded=True)


def _sqlite_pragmas(connection: Any, _record: object) -> None:
    connection.isolation_level = None  # SQLAlchemy's "begin" event issues BEGIN itself
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    reader = conn.get_execution_options().get(READ_ONLY, False)
    conn.exec_driver_sql("BEGIN" if reader else "BEGIN IMMEDIATE")


# The statements each SQLite connection keeps prepared (Python's default is 128). A
# batch of n pages is inserted by statements made for n rows, each prepared as a program
# of thousands of steps: a long check that records batches of every size kept over a
# hundred of them, and its memory grew with its pages. The dozen statements a batch
# sends are fewer than this, so those of the same size are still found prepared.
SQLITE_STATEMENTS_KEPT = 16

# The execution option of a session that only reads (see Database.reading).
READ_ONLY = "attribution_read_only"


def make_engine(
    url: str, *, quick_commits: bool = False, connections: int = 5, pre_ping: bool = True
) -> Engine:
    """An engine for ``url``; SQLite connections get WAL, foreign keys and a busy timeout.
    A server's pool keeps ``connections`` open (twice as many at a peak): one for each
    thread that writes at once (a worker's). ``pre_ping`` checks that a pooled
    connection is alive each time it is taken (a round trip): without it, a connection
    the server dropped fails its first statement (a
    :class:`~attribution.errors.DatabaseUnavailable`, which a worker's task retries).

    ``quick_commits`` is for recording checked pages, which a resumed run can check
    again: PostgreSQL then answers a commit before its log reaches the disk
    (``synchronous_commit`` off, as SQLite's ``synchronous=NORMAL`` already does): a
    crash of the server may lose the last moments of commits, never consistency. What
    people decide (waivers, the rights register) is always committed durably."""
    try:
        if url.startswith("sqlite"):
            connect = {
                "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
                "cached_statements": SQLITE_STATEMENTS_KEPT,
            }
            engine = create_engine(url, connect_args=connect)
            event.listen(engine, "connect", _sqlite_pragmas)
            # Take the write lock at BEGIN, so two writers queue instead of deadlocking;
            # a reader (Database.reading) takes none, and reads one snapshot (WAL).
            event.listen(engine, "begin", _sqlite_begin)
            return engine
        if url.startswith("postgresql"):
            return _postgres_engine(
                url, quick_commits=quick_commits, connections=connections, pre_ping=pre_ping
            )
        return create_engine(url, pool_pre_ping=pre_ping, pool_size=connections)
    except (ArgumentError, ImportError, SQLAlchemyError) as error:
        raise ConfigError(f"database URL {safe_url(url)!r}: {error}") from None


def _postgres_engine(
    url: str, *, quick_commits: bool, connections: int = 5, pre_ping: bool = True
) -> Engine:
    """An engine for a PostgreSQL ``url``.

    With the psycopg (3) driver, statements are sent with PostgreSQL's own ``$1``
    placeholders through psycopg's raw cursor. With its default ``%(name)s`` style,
    psycopg rewrites every statement in Python before sending it and caches only short
    ones, so the long multi-row inserts of a batch of pages were rewritten every time:
    about half the CPU of recording them."""
    options: dict[str, Any] = {}
    if quick_commits:
        options["options"] = "-c synchronous_commit=off"
    pool = {"pool_size": connections, "max_overflow": connections}
    if make_url(url).get_driver_name() != "psycopg":
        return create_engine(url, pool_pre_ping=pre_ping, connect_args=options, **pool)
    import psycopg  # only with its driver named in the URL

    options["cursor_factory"] = psycopg.RawCursor
    engine = create_engine(
        url, pool_pre_ping=pre_ping, connect_args=options, paramstyle="numeric_dollar", **pool
    )
    # Named (server-side) cursors, which streamed results use, must take the same
    # placeholders: psycopg's default ServerCursor knows only its own %s style.
    event.listen(engine, "connect", _raw_server_cursors)
    return engine


def _raw_server_cursors(connection: Any, _record: object) -> None:
    import psycopg

    connection.server_cursor_factory = psycopg.RawServerCursor


def safe_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in credentials else url


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration that uses this engine and the packaged scripts."""
    from alembic.config import Config  # Alembic is loaded only to migrate

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    # The options are a ConfigParser's: "%" (as in a URL-quoted password) must be doubled.
    url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
    config.set_main_option("sqlalchemy.url", url)
    return config


def head_revision(engine: Engine) -> str | None:
    """The newest migration the scripts know (read by Alembic from alembic/versions)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def unreachable(url: str, error: DBAPIError, doing: str = "cannot connect") -> StorageError:
    """The one-line error for a database that failed: its URL without the password, what
    could not be done, and the first line of the driver's reason."""
    reason = str(error.orig).strip().splitlines()
    detail = f" ({reason[0].strip()})" if reason else ""
    return StorageError(f"database {safe_url(url)}: {doing}{detail}")


def _url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (None for an empty database);
    :class:`StorageError` when it cannot be reached."""
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            revisions = connection.execute(text("SELECT version_num FROM alembic_version"))
            return next((str(row[0]) for row in revisions), None)
    except OperationalError as error:
        raise unreachable(_url_of(engine), error) from None


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to ``revision``; :class:`StorageError` when the database
    cannot be reached or refuses them."""
    from alembic import command

    try:
        _migrate(engine, command.upgrade, revision)
    except OperationalError as error:
        raise unreachable(_url_of(engine), error) from None
    except DBAPIError as error:
        raise unreachable(_url_of(engine), error, "cannot be upgraded") from None


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Undo migrations down to ``revision``."""
    from alembic import command

    _migrate(engine, command.downgrade, revision)


def _migrate(engine: Engine, step: Callable[[Config, str], None], revision: str) -> None:
    """Run one Alembic command in one transaction.

    On SQLite, altering a table copies it and drops the old one, and dropping a table
    with foreign keys on would fire its ON DELETE actions (emptying the tables that
    refer to it). So foreign keys are off during the migration, outside its
    transaction as SQLite requires, and checked before it commits.
    """
    config = alembic_config(engine)
    sqlite = engine.dialect.name == "sqlite"
    _checked_urls.clear()  # the revision changes
    with engine.connect() as connection:
        raw: Any = connection.connection.driver_connection
        if sqlite:
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                step(config, revision)
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise StorageError(
                        f"database {safe_url(_url_of(engine))}: the migration to {revision} "
                        "would leave rows pointing at missing rows; nothing was changed"
                    )
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys=ON")


@dataclass
class Database:
    """An open database: its engine and a session factory."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    def reading(self) -> Session:
        """A session that only reads, from one consistent snapshot of the database,
        without keeping writers waiting: what a long report reads through while a scan
        records pages."""
        options: dict[str, Any] = {READ_ONLY: True}
        if self.engine.dialect.name == "postgresql":
            options["isolation_level"] = "REPEATABLE READ"
        return Session(bind=self.engine.execution_options(**options))

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()


def open_database(
    configured_url: str | None = None,
    *,
    auto_upgrade: bool | None = None,
    quick_commits: bool = False,
    connections: int = 5,
    pre_ping: bool = True,
) -> Database:
    """Open the database :func:`resolve_url` chooses for ``configured_url`` (the
    profile's ``database.url``), upgrading the embedded default automatically.

    Any other database must be at the newest migration already (unless
    ``auto_upgrade``); otherwise a :class:`ConfigError` says to run
    ``attribution db upgrade``. ``quick_commits``, ``connections`` and ``pre_ping``:
    see :func:`make_engine`. The
    revision is read once per database per process
    (one query; Alembic is loaded only when a migration is due).
    """
    url, embedded_default = resolve_url(configured_url)
    engine = make_engine(
        url, quick_commits=quick_commits, connections=connections, pre_ping=pre_ping
    )
    if url in _checked_urls:
        return Database(
            url=url, engine=engine, sessions=sessionmaker(engine, expire_on_commit=False)
        )
    try:
        current = current_revision(engine)
        if current != SCHEMA_REVISION:
            if auto_upgrade or (auto_upgrade is None and embedded_default):
                upgrade(engine)
            else:
                state = "empty" if current is None else f"at migration {current}"
                raise ConfigError(
                    f"database {safe_url(url)} is {state}, not {SCHEMA_REVISION}: "
                    "run 'attribution db upgrade'"
                )
    except OperationalError as error:
        engine.dispose()
        raise unreachable(url, error) from None
    except (ConfigError, StorageError):
        engine.dispose()
        raise
    _checked_urls.add(url)
    return Database(url=url, engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
