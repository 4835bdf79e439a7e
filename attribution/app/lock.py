"""One scan of a site at a time on a machine: a lock file per site, held by the scan's
process while it runs and released by the system when that process ends, even by
``kill -9`` (an advisory ``flock``, not a file whose existence is the lock)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from types import TracebackType

from attribution.errors import SiteBusy

try:  # POSIX systems; elsewhere the database's record of running scans stands alone
    import fcntl
except ImportError:  # pragma: no cover - not on the systems this runs on
    fcntl = None  # type: ignore[assignment]


def lock_folder() -> Path:
    """Where the lock files live: beside the user's state (``XDG_STATE_HOME``)."""
    from platformdirs import user_state_path

    return user_state_path("attribution") / "locks"


class SiteLock:
    """The lock of one site's scans; :meth:`acquire` raises :class:`SiteBusy` at once
    when another process holds it."""

    def __init__(self, site: str, folder: Path | None = None) -> None:
        self.site = site
        name = hashlib.sha256(site.encode("utf-8")).hexdigest()[:24]
        self.path = (folder or lock_folder()) / f"scan-{name}.lock"
        self._handle: int | None = None

    def acquire(self) -> SiteLock:
        """Take the lock, or raise :class:`SiteBusy`."""
        if fcntl is None:
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            raise SiteBusy(
                f"another scan of {self.site} is running on this machine; this one did nothing"
            ) from None
        os.ftruncate(handle, 0)
        os.write(handle, f"{os.getpid()}\n".encode())
        self._handle = handle
        return self

    def release(self) -> None:
        """Let the lock go (closing the file releases it)."""
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
