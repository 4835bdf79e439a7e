"""The publication being checked: its profile, its limits and its agreements (the
rights register's entries)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from attribution.records.scopes import RIGHTS_SCOPES, scope_terms, unknown_scope_terms


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
class ScanSettings:
    """How the site is scanned: the profile's ``[scan]`` table.

    ``sources`` are what ``attribution scan`` reads when none are named (sitemaps,
    feeds, a site's address, files listing URLs); ``contact`` is a URL or e-mail address
    put in the User-Agent so that a site's operators can reach whoever runs the scan.
    At most ``per_host`` pages are fetched from one host at once, at least ``delay``
    seconds apart (a robots.txt Crawl-delay may ask for more). A run stops at
    ``max_pages`` pages, after ``max_minutes`` or ``max_megabytes`` downloaded (None:
    no such limit). ``notify`` lists where alerts go (webhooks, ``slack:…``,
    ``mailto:…``); ``smtp`` is the mail server (``smtp://[user@]host:port``, or
    ``smtp+starttls://…`` to secure the connection first; its password comes from
    ``ATTRIBUTION_SMTP_PASSWORD``) and ``mail_from`` the sender. ``workers`` is where
    pages are checked: "local" (this process) or "celery" (workers of a task queue:
    ``broker`` is its RabbitMQ, ``redis`` the Redis that holds the politeness all workers
    share, ``queue`` the name of the queue; the environment's ``ATTRIBUTION_BROKER_URL``
    and ``ATTRIBUTION_REDIS_URL`` come first, and where neither says, the servers on
    this machine).
    """

    sources: tuple[str, ...] = ()
    contact: str | None = None
    per_host: int = 2
    delay: float = 0.0
    max_pages: int | None = None
    max_minutes: float | None = None
    max_megabytes: float | None = None
    notify: tuple[str, ...] = ()
    smtp: str = "smtp://localhost:25"
    mail_from: str | None = None
    workers: str = "local"
    broker: str | None = None
    redis: str | None = None
    queue: str = "attribution"


@dataclass(frozen=True)
class ServeSettings:
    """How ``attribution serve`` serves editors and the publishing system: the profile's
    ``[serve]`` table.

    ``trusted_user_header`` names the header a reverse proxy sets to the signed-in user
    (``X-Remote-User``) after its own login: when set, every request but the health
    check must carry it (the proxy must overwrite what clients send). At most
    ``checks_per_client`` checks of one client (its user, token or address) run at
    once, and at most ``checks_at_once`` in all; a request body over ``max_body_kb``
    is refused. The token of the API is a secret and is not kept here: it comes from
    the environment (``ATTRIBUTION_SERVE_TOKEN``).
    """

    trusted_user_header: str | None = None
    checks_per_client: int = 2
    checks_at_once: int = 4
    max_body_kb: int = 10 * 1024


@dataclass(frozen=True)
class SourceSettings:
    """How images' licences are checked at their source (Wikimedia Commons, Flickr):
    the profile's ``[sources]`` table.

    ``check`` says whether sources are asked at all; ``offline`` uses only the answers
    the record kept, whatever their age, and asks nothing. An answer kept is used for
    ``cache_days`` days before the source is asked again. ``flickr_key`` is the key of
    Flickr's API (the environment's ``ATTRIBUTION_FLICKR_KEY`` comes first; without
    one, Flickr is not asked). ``commons_api`` and ``flickr_api`` are the APIs'
    addresses; each is asked at most ``per_second`` times a second.
    """

    check: bool = True
    offline: bool = False
    cache_days: float = 7.0
    flickr_key: str | None = None
    commons_api: str = "https://commons.wikimedia.org/w/api.php"
    flickr_api: str = "https://api.flickr.com/services/rest/"
    per_second: float = 1.0


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
    scan: ScanSettings = field(default_factory=ScanSettings)
    serve: ServeSettings = field(default_factory=ServeSettings)
    sources: SourceSettings = field(default_factory=SourceSettings)
