"""What a check report is rendered from, and how it is written page by page."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from attribution.records import PageResult, Profile


@dataclass(frozen=True)
class CheckReport:
    """The pages a check produced and the profile they were checked against.

    ``failed`` holds the targets that could not be checked, as (target, reason).
    ``colour`` asks the text format for coloured severities (a terminal that wants them).
    """

    pages: tuple[PageResult, ...]
    profile: Profile
    colour: bool = False
    failed: tuple[tuple[str, str], ...] = ()


class Sink(Protocol):
    """Where a report is written: a text stream (``sys.stdout``, an open file, a
    :class:`io.StringIO`)."""

    def write(self, text: str, /) -> object:
        """Write ``text``."""


class CheckWriter(Protocol):
    """Writes a check report as its pages come, so that a check of thousands of pages
    never holds them all: :meth:`page` for each page checked, in target order, then
    :meth:`finish` once with the targets that failed. Each format has one; writing a
    whole :class:`CheckReport` through it gives the same text as rendering it."""

    def page(self, page: PageResult) -> None:
        """Write (or set aside) one checked page."""

    def finish(self, failed: Sequence[tuple[str, str]]) -> None:
        """Write the end of the report: what failed and the summary."""


def render_whole(writer: CheckWriter, report: CheckReport) -> None:
    """Write every page of ``report`` and its end through ``writer``."""
    for page in report.pages:
        writer.page(page)
    writer.finish(report.failed)


class Spool(Protocol):
    """A text file that parts of a report wait in until its beginning is known."""

    def write(self, text: str, /) -> object: ...
    def seek(self, offset: int, /) -> object: ...
    def read(self, size: int = -1, /) -> str: ...
    def close(self) -> None: ...


# Parts of a report past this size wait on disk rather than in memory.
SPOOL_BYTES = 8 * 1024 * 1024


def spool() -> Spool:
    """A text file for a report's later parts: in memory, on disk past a few MiB."""
    import tempfile  # here: every command loads this module, few of them spool

    return tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+", encoding="utf-8")


def copy_spool(source: Spool, sink: Callable[[str], object]) -> None:
    """Write what ``source`` holds to ``sink`` in pieces, and close it."""
    source.seek(0)
    while chunk := source.read(1024 * 1024):
        sink(chunk)
    source.close()
