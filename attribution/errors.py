"""The one exception hierarchy of attribution.

Every error the library raises on purpose derives from :class:`AttributionError`
and carries a message that names the input and says what to do. The CLI maps the
classes to exit codes: configuration and usage errors to 2, operational failures
(a target that cannot be fetched or read) to 3. :class:`Interrupted` is apart: it is
not an error but a check stopped by a signal (exit code 128 + the signal's number).
"""

from __future__ import annotations


class AttributionError(Exception):
    """Base class of every error attribution raises on purpose."""


class UsageError(AttributionError):
    """The command line or a library call was given arguments that make no sense."""


class ConfigError(AttributionError):
    """A profile, licence data file or other configuration is invalid."""


class LicenceDataError(ConfigError):
    """A file of the licence knowledge base is invalid (names the file and field)."""


class TargetError(AttributionError):
    """A target page could not be fetched or read (an operational failure)."""

    def __init__(self, target: str, reason: str) -> None:
        super().__init__(f"{target}: {reason}")
        self.target = target
        self.reason = reason


class FetchError(TargetError):
    """An HTTP fetch failed: unreachable, error status, wrong type, too large, too slow.

    ``status`` is the HTTP status of an answer that was an error (None for other
    failures): a scan slows down for a server that says 429 or 503."""

    def __init__(self, target: str, reason: str, *, status: int | None = None) -> None:
        super().__init__(target, reason)
        self.status = status


class PageTooComplex(TargetError):
    """A page that would cost more than its budget (time, CPU or memory) to check."""


class SourceError(AttributionError):
    """A source of pages to scan (a sitemap, a feed, robots.txt, a list of URLs) could
    not be fetched or read; the scan goes on with its other sources."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class SourceLookupError(AttributionError):
    """The source of an image (Wikimedia Commons, Flickr) could not be asked, or gave
    an answer that cannot be read: the image's licence is not checked at its source
    this time, and the check goes on. ``service`` names the source as people know it."""

    def __init__(self, service: str, reason: str) -> None:
        super().__init__(f"{service}: {reason}")
        self.service = service
        self.reason = reason


class SiteBusy(AttributionError):
    """Another scan of the same site is still running: this one does nothing."""


class ServerBusy(AttributionError):
    """Every place for a check on the server is taken and stayed taken while the
    request waited (the web server answers 503: try again in a moment)."""


class StorageError(AttributionError):
    """The database could not be reached or refused an operation (an operational failure)."""


class DatabaseUnavailable(StorageError):
    """The database could not be reached, or not in time (a lost connection, a pool of
    connections all in use): what was asked may succeed once tried again, unlike a
    value it refuses."""


class SharedStateError(StorageError):
    """The Redis server that scans on several workers share their politeness through
    could not be reached or refused an operation (an operational failure, like a
    database that cannot be reached: the message names its URL without the password)."""


class Interrupted(BaseException):
    """A check stopped by a signal (SIGTERM; SIGINT arrives as KeyboardInterrupt).

    Derived from :class:`BaseException`, like :class:`KeyboardInterrupt`, so that code
    which handles ordinary errors does not swallow it: it unwinds the check, which marks
    its run interrupted on the way out, and the command line exits with
    ``128 + signal_number``.
    """

    def __init__(self, signal_number: int) -> None:
        super().__init__(f"stopped by signal {signal_number}")
        self.signal_number = signal_number
