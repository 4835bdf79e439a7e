"""One scan of a site at a time, wherever the scans run: a lock the database keeps.

On PostgreSQL it is a session-level advisory lock held by a connection of its own for
as long as the scan runs: scans on several machines (cron on two hosts, pods of a
Kubernetes CronJob) see it, and the server lets it go when that connection ends, even
when the scan's process is killed outright. On SQLite, whose scans share the machine
that holds the file, it is an advisory ``flock`` on a file beside the database, which
the system releases when the process ends, however it ends.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.engine import make_url

from attribution.errors import SiteBusy

try:  # POSIX systems
    import fcntl
except ImportError:  # pragma: no cover - not on the systems this runs on
    fcntl = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from attribution.store.database import Database


def _key(site: str) -> int:
    """The lock's number: 64 bits of the site's hash, signed as PostgreSQL wants."""
    digest = hashlib.sha256(f"attribution scan\x1f{site}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class SiteLock:
    """The lock of one site's scans in database ``db``; :meth:`acquire` raises
    :class:`SiteBusy` at once when another scan holds it."""

    def __init__(self, db: Database, site: str) -> None:
        self.db = db
        self.site = site
        self._connection: Any = None
        self._handle: int | None = None

    def acquire(self) -> SiteLock:
        """Take the lock, or raise :class:`SiteBusy`."""
        url = make_url(self.db.url)
        if url.get_backend_name() == "postgresql":
            self._acquire_advisory()
        elif url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            self._acquire_file(Path(str(url.database)))
        return self

    def _acquire_advisory(self) -> None:
        connection = self.db.engine.connect()
        try:
            taken = connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": _key(self.site)}
            ).scalar()
            connection.commit()
        except BaseException:
            connection.close()
            raise
        if not taken:
            connection.close()
            raise SiteBusy(self._busy())
        self._connection = connection

    def _acquire_file(self, database: Path) -> None:
        if fcntl is None:
            return
        name = hashlib.sha256(self.site.encode("utf-8")).hexdigest()[:16]
        path = database.with_name(f"{database.name}.scan-{name}.lock")
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            raise SiteBusy(self._busy()) from None
        self._handle = handle

    def _busy(self) -> str:
        return f"another scan of {self.site} is running; this one did nothing"

    def release(self) -> None:
        """Let the lock go."""
        if self._connection is not None:
            # A connection that is gone has let the lock go with it: nothing to undo.
            with contextlib.suppress(Exception):
                self._connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": _key(self.site)}
                )
                self._connection.commit()
            with contextlib.suppress(Exception):
                self._connection.close()
            self._connection = None
        if self._handle is not None:
            os.close(self._handle)
            self._handle = None

    def __enter__(self) -> SiteLock:
        return self.acquire()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.release()
