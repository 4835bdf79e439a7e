"""The result of checking a page: each image with its credit and findings, and how the
page was obtained."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: each record module loads on its own
    from attribution.records.atsource import SourceEvidence
    from attribution.records.credit import Credit
    from attribution.records.embedded import Embedded
    from attribution.records.extracted import ExtractedImage
    from attribution.records.finding import Finding


@dataclass(frozen=True)
class ImageResult:
    """One image with its interpreted credit and the rules' findings; what its file
    declares and what its source says, when they were read."""

    image: ExtractedImage
    credit: Credit | None
    findings: tuple[Finding, ...] = ()
    embedded: Embedded | None = None
    at_source: SourceEvidence | None = None


@dataclass(frozen=True)
class PageSource:
    """How a page was obtained, kept as evidence: the address asked for (a URL, a
    file's path, ``-``), the address that answered (after redirects; a file's own
    address), the HTTP status (None for a file), when, and a hash of the bytes read."""

    requested: str
    final: str
    status: int | None
    fetched_at: datetime
    sha256: str
    size: int
    content_type: str | None = None
    # The validators the server gave (ETag, Last-Modified), for a later conditional request.
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class LastReading:
    """What was recorded of a page's last full reading, for an incremental scan: the
    validators its server gave (sent back in a conditional request) and the hash and
    size of its bytes (a page that sends the same bytes again is not parsed again)."""

    sha256: str
    size: int
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class UnchangedPage:
    """A page found as it was at its last reading (304 Not Modified, or the same
    bytes): ``url`` is its identity, ``source`` how it was asked for this time."""

    url: str
    source: PageSource


@dataclass(frozen=True)
class PageResult:
    """The result of checking one page. ``url`` is the page's identity: its canonical
    URL, or for a saved file the address it declares or its path; ``source`` says how
    it was obtained, when known; ``notices`` are extraction's notices about the page
    (images left unchecked)."""

    url: str
    title: str | None
    images: tuple[ImageResult, ...]
    findings: tuple[Finding, ...] = ()
    source: PageSource | None = None
    notices: tuple[str, ...] = ()

    def all_findings(self) -> tuple[Finding, ...]:
        """Page-level findings followed by every image's findings."""
        return self.findings + tuple(f for image in self.images for f in image.findings)
