"""Immutable records that flow between the stages of the pipeline.

Each stage is a pure function from one kind of record to the next:
``ExtractedPage`` (extract) → ``Credit`` (credits) → ``Finding`` (rules) →
``PageResult`` (pipeline). Records never hold parser or network objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class Severity(StrEnum):
    """How serious a finding is; ordered from most to least serious."""

    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"

    @property
    def rank(self) -> int:
        """2 for error, 1 for warning, 0 for notice: higher is more serious."""
        return {"error": 2, "warning": 1, "notice": 0}[self.value]


@dataclass(frozen=True)
class ExtractedImage:
    """One content image found on a page, before its credit is interpreted.

    ``src`` is the absolute URL of the picture as displayed; ``variants`` holds every
    other URL the page uses for the same picture (srcset sizes, og:image, fallbacks).
    ``credit`` is the credit text as printed, with its label ("Photo:") removed;
    ``credit_links`` are the hrefs of links inside or beside the credit, such as a
    ``rel="license"`` link. ``structured`` holds schema.org ImageObject facts from
    JSON-LD (``creditText``, ``creator``, ``copyrightNotice``, ``license``,
    ``acquireLicensePage``) when the page declares them.
    """

    src: str
    alt: str | None = None
    caption: str | None = None
    credit: str | None = None
    credit_links: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()
    origin: str = "img"
    structured: tuple[tuple[str, str], ...] = ()

    def structured_value(self, key: str) -> str | None:
        """The value of one schema.org ImageObject property, or None."""
        for name, value in self.structured:
            if name == key:
                return value
        return None


@dataclass(frozen=True)
class ExtractedPage:
    """What extraction found on one page: its title, its content images, and the date
    the page says it was first published (``article:published_time``, schema.org
    ``datePublished``), when it says one. ``notices`` say what extraction could not do
    with the page (a page with more images than are checked)."""

    url: str
    title: str | None
    images: tuple[ExtractedImage, ...]
    declared_url: str | None = None  # the http(s) address the page gives for itself
    published: date | None = None
    notices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Credit:
    """A credit line turned into structured facts.

    ``creators`` are the people credited; ``provider`` the agency, platform or
    organisation under its canonical name; ``via`` a distributor named after the
    provider ("AFP via Getty Images"); ``source`` the named source of a courtesy or
    handout picture; ``holder`` an organisation named as rights holder that is not in
    the provider table ("© Meridian Films Ltd"). ``licence`` is an SPDX id, a
    ``LicenseRef-`` id or an SPDX expression joining several with ``AND``.
    ``licence_problem`` says why a licence that was named could not be accepted (for
    example a version that does not exist).
    """

    text: str
    creators: tuple[str, ...] = ()
    provider: str | None = None
    via: str | None = None
    source: str | None = None
    holder: str | None = None
    licence: str | None = None
    licence_url: str | None = None
    licence_problem: str | None = None
    kind: str = "unknown"
    confidence: float = 0.0

    @property
    def creator(self) -> str | None:
        """The creators joined for display, or None when no person is named."""
        return ", ".join(self.creators) if self.creators else None


@dataclass(frozen=True)
class ContentCredentials:
    """A C2PA manifest store found in an image file, and what validating it showed.

    ``valid`` is None when the manifest could not be validated (``problem`` says why);
    a signer missing from the trust list does not make it invalid, tampering does.
    """

    present: bool = True
    valid: bool | None = None
    ai_generated: bool = False
    issuer: str | None = None
    claim_generator: str | None = None
    statuses: tuple[str, ...] = ()
    problem: str | None = None


@dataclass(frozen=True)
class Embedded:
    """What an image file declares about itself (EXIF, IPTC, XMP, C2PA).

    ``problem`` is set when the file, or part of its metadata, could not be read: the
    other fields hold whatever was readable. ``sha256`` is the hash of the bytes read
    (the whole file, or its first bytes when only those were fetched).
    """

    format: str | None = None
    creator: str | None = None
    copyright: str | None = None
    credit: str | None = None
    source: str | None = None
    caption: str | None = None
    licence_url: str | None = None
    usage_terms: str | None = None
    web_statement: str | None = None
    attribution_name: str | None = None
    licensor: str | None = None
    digital_source_type: str | None = None
    content_credentials: ContentCredentials | None = None
    problem: str | None = None
    sha256: str | None = None
    bytes_read: int = 0

    @property
    def names(self) -> tuple[str, ...]:
        """Every creator or rights holder the file names."""
        values = (self.creator, self.copyright, self.credit, self.attribution_name, self.licensor)
        return tuple(v for v in values if v)

    @property
    def suggested_credit(self) -> str | None:
        """A credit line built from the file, for images published without one."""
        creator = self.creator or self.attribution_name
        agency = self.credit or self.source or self.licensor
        if creator and agency and agency.casefold() not in creator.casefold():
            return f"{creator}/{agency}"
        return creator or agency or self.copyright


@dataclass(frozen=True)
class Finding:
    """One problem found by a rule, with the evidence and what to do about it."""

    rule: str
    severity: Severity
    message: str
    fix: str | None = None


@dataclass(frozen=True)
class ImageResult:
    """One image with its interpreted credit and the rules' findings."""

    image: ExtractedImage
    credit: Credit | None
    findings: tuple[Finding, ...] = ()
    embedded: Embedded | None = None


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


# The scopes an agreement in the rights register may have, as (dimension, meaning).
# A scope is one term or several ("editorial, web"): terms of one dimension are
# alternatives ("web, print" is either medium), terms of different dimensions must all
# hold ("editorial, web" is editorial use on the web), and a dimension the scope does
# not name is not restricted. "any" covers every use. The pages attribution checks are
# articles on the web: editorial use, in the medium "web", by a publication that is
# commercial or not as its profile says.
RIGHTS_SCOPES: Mapping[str, tuple[str, str]] = {
    "any": ("any", "every use, in every medium"),
    "editorial": (
        "purpose",
        "editorial use (articles, news, comment), by a commercial publication or not",
    ),
    "commercial": (
        "purpose",
        "commercial use (advertising, promotion, sponsored content) and editorial use",
    ),
    "non-commercial": ("purpose", "use by a non-commercial publication only"),
    "web": ("medium", "the publication's websites"),
    "print": ("medium", "the publication's print editions"),
    "social": ("medium", "the publication's social media accounts"),
}
_SCOPE_SEPARATORS = str.maketrans({",": " ", "+": " ", ";": " ", "/": " "})


def scope_terms(scope: str) -> tuple[str, ...]:
    """The terms of a scope, lower-cased, in order ("Editorial, Web" → editorial, web);
    an empty scope is "any"."""
    terms = tuple(dict.fromkeys(scope.translate(_SCOPE_SEPARATORS).casefold().split()))
    return terms or ("any",)


def unknown_scope_terms(scope: str) -> tuple[str, ...]:
    """The terms of a scope that are not in :data:`RIGHTS_SCOPES`."""
    return tuple(term for term in scope_terms(scope) if term not in RIGHTS_SCOPES)


@dataclass(frozen=True)
class RightsEntry:
    """An agreement with a provider: who, for what use, from when until when.

    ``scope`` is written in the terms of :data:`RIGHTS_SCOPES` ("any", "editorial",
    "print", "editorial, web", …).
    """

    provider: str
    scope: str = "any"
    valid_from: date | None = None
    valid_until: date | None = None
    reference: str | None = None
    id: int | None = None
    provider_name: str | None = None  # the provider table's name for ``provider``
    added_at: datetime | None = None
    added_by: str | None = None
    note: str | None = None
    removed_at: datetime | None = None
    removed_by: str | None = None
    removed_reason: str | None = None

    def in_force(self, on: date) -> bool:
        """Whether the agreement is valid on the day ``on`` (whoever it is with)."""
        if self.valid_from and on < self.valid_from:
            return False
        return not (self.valid_until and on > self.valid_until)

    def scope_covers(self, medium: str, *, commercial: bool) -> bool:
        """Whether the scope covers editorial use in ``medium`` ("web", "print",
        "social") by a publication that is ``commercial`` or not.

        A scope with a term outside :data:`RIGHTS_SCOPES` covers nothing: nobody can
        tell what it allows.
        """
        terms = scope_terms(self.scope)
        if unknown_scope_terms(self.scope):
            return False
        if "any" in terms:
            return True
        media = {t for t in terms if RIGHTS_SCOPES[t][0] == "medium"}
        purposes = {t for t in terms if RIGHTS_SCOPES[t][0] == "purpose"}
        if media and medium not in media:
            return False
        if not purposes:
            return True
        return bool(purposes & {"editorial", "commercial"}) or not commercial

    def covers(self, provider: str, on: date) -> bool:
        """Whether this agreement is with ``provider`` (its exact name, in any case) and
        in force on the day ``on``. The rules also match the provider's aliases and the
        scope (see :mod:`attribution.rules.agreements`)."""
        return self.provider.casefold() == provider.casefold() and self.in_force(on)


@dataclass(frozen=True)
class RightsChange:
    """A change to the rights register: an agreement added, imported, changed or
    removed; who, when, why, and the agreement as it stood after the change."""

    entry_id: int
    at: datetime
    action: str
    entry: RightsEntry
    actor: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class RightsImport:
    """What importing a list of agreements did: how many were added, changed, or
    already in the register as they are."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class Limits:
    """How much one page may cost, and which internal hosts may be reached: the
    profile's ``[limits]`` table.

    ``page_seconds`` bounds a page's whole check on the wall clock (fetching it, reading
    its images, parsing, rules); ``page_cpu_seconds`` the CPU its parsing and rules use;
    ``page_memory_mb`` the memory of the process that parses pages. A page over any of
    them is reported as too complex to check. At most ``max_images`` images of a page are
    checked. ``allowed_hosts`` names internal hosts (an editors' preview server) that
    pages may lead the checker to although they are on private addresses.
    """

    page_seconds: float = 60.0
    page_cpu_seconds: float = 30.0
    page_memory_mb: int = 2048
    max_images: int = 500
    allowed_hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Profile:
    """The publication whose use of images is being checked.

    ``severity_overrides`` maps rule ids to "error", "warning", "notice" or "off".
    """

    publication: str | None = None
    commercial: bool = True
    adapts_images: bool = False
    staff_credits: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    severity_overrides: tuple[tuple[str, str], ...] = ()
    rights: tuple[RightsEntry, ...] = ()
    database_url: str | None = None
    limits: Limits = field(default_factory=Limits)


# The states of a recorded finding: seen in the latest check of its page, accepted with
# a reason, or no longer found.
FINDING_STATUSES = ("open", "resolved", "waived")


@dataclass(frozen=True)
class StoredFinding:
    """A finding as the database keeps it: stable identity, history and status."""

    id: int
    identity: str
    rule: str
    severity: Severity
    status: str
    page_url: str
    image_url: str | None
    message: str
    fix: str | None
    first_seen: datetime
    last_seen: datetime
    waiver_reason: str | None = None
    waiver_until: date | None = None
    waiver_by: str | None = None
    waiver_id: int | None = None
    evidence: ImageEvidence | None = None
    history: tuple[FindingChange, ...] = ()


@dataclass(frozen=True)
class FindingChange:
    """One change in a finding's history: found, resolved, found again, waived, waiver
    revoked or expired; in which run or by whom, and why."""

    at: datetime
    event: str
    status: str
    run_id: int | None = None
    actor: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class ImageEvidence:
    """What a page showed of an image, as a lawyer would ask for it: when it was first
    and last seen there, the caption and credit as seen the last time, how the page was
    read then (addresses, HTTP status, time, hash of its bytes) and the image file as
    read then (hash of the bytes read, their number, the embedded metadata)."""

    page_url: str
    image_url: str
    first_seen: datetime
    last_seen: datetime
    run_id: int
    alt: str | None = None
    caption: str | None = None
    credit_text: str | None = None
    requested_url: str | None = None
    final_url: str | None = None
    http_status: int | None = None
    fetched_at: datetime | None = None
    page_sha256: str | None = None
    image_sha256: str | None = None
    image_bytes: int | None = None
    embedded: Mapping[str, object] | None = None


@dataclass(frozen=True)
class Waiver:
    """A decision to accept a finding: why, by whom, until when, and whether it was
    revoked (by whom, when, why)."""

    id: int
    finding_id: int
    rule: str
    page_url: str
    image_url: str | None
    reason: str
    created_at: datetime
    created_by: str | None = None
    until: date | None = None
    revoked_at: datetime | None = None
    revoked_by: str | None = None
    revoke_reason: str | None = None

    def active(self, on: date) -> bool:
        """Whether the waiver holds on the day ``on``."""
        return self.revoked_at is None and (self.until is None or self.until >= on)


@dataclass(frozen=True)
class PageSnapshot:
    """What one reading of a page showed: how it was read and its images in order."""

    run_id: int | None
    fetched_at: datetime
    requested_url: str
    final_url: str
    http_status: int | None
    sha256: str | None
    title: str | None
    images: tuple[ImageEvidence, ...]


@dataclass(frozen=True)
class RunSummary:
    """A recorded run: what was checked, when, and how far it got."""

    id: int
    kind: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    targets: tuple[str, ...]
    pages_done: int
    pages_failed: int
    images: int
    errors: int
    warnings: int
    notices: int
    pending: int = 0  # targets the run has not got to (an interrupted run can resume them)
