"""The publication profile (``attribution.toml``): who publishes, how images are used,
which agreements cover which providers, and how severe each rule is.

Where the profile is looked for is decided by :func:`find_profile`. A missing profile
means the safe default: a commercial publication that does not
adapt images. A bad profile raises :class:`~attribution.errors.ConfigError` naming the
file, the key and what is expected.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from attribution.errors import ConfigError
from attribution.records import (
    RIGHTS_SCOPES,
    Limits,
    Profile,
    RightsEntry,
    ScanSettings,
    ServeSettings,
    SourceSettings,
    unknown_scope_terms,
)
from attribution.textutil import is_header_name

PROFILE_NAME = "attribution.toml"
CONFIG_VARIABLE = "ATTRIBUTION_CONFIG"
SEVERITY_SETTINGS = frozenset({"error", "warning", "notice", "off"})
_TOP_KEYS = frozenset(
    {"publication", "rules", "rights", "database", "limits", "scan", "serve", "sources"}
)
_PUBLICATION_KEYS = frozenset({"name", "commercial", "adapts_images", "staff_credits", "domains"})
_RIGHTS_KEYS = frozenset({"provider", "scope", "valid_from", "valid_until", "reference"})


def find_profile(
    start: Path | None = None, environ: Mapping[str, str] | None = None
) -> Path | None:
    """The profile to use when none is named: ``attribution.toml`` in the working
    directory, else the file named by ``ATTRIBUTION_CONFIG``, else ``attribution.toml``
    in the user's config folder (``~/.config/attribution/`` on Linux); None for none.

    A file named by ``ATTRIBUTION_CONFIG`` that does not exist is a :class:`ConfigError`.
    """
    environ = os.environ if environ is None else environ
    candidate = (start or Path.cwd()) / PROFILE_NAME
    if candidate.is_file():
        return candidate
    named = environ.get(CONFIG_VARIABLE)
    if named:
        path = Path(named).expanduser()
        if not path.is_file():
            raise ConfigError(f"{path}: no such profile file (named by {CONFIG_VARIABLE})")
        return path
    from platformdirs import user_config_path

    user = user_config_path("attribution", appauthor=False) / PROFILE_NAME
    return user if user.is_file() else None


def load_profile(path: Path | None, *, known_rules: frozenset[str] = frozenset()) -> Profile:
    """Read and validate a profile file; ``None`` gives the default profile."""
    if path is None:
        return Profile()
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such profile file") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read ({error.strerror})") from None
    return profile_from_mapping(data, str(path), known_rules=known_rules)


def _fail(source: str, key: str, expected: str) -> ConfigError:
    return ConfigError(f"{source}: {key}: {expected}")


def _unknown(source: str, where: str, table: Mapping[str, Any], allowed: frozenset[str]) -> None:
    for key in table:
        if key not in allowed:
            raise _fail(
                source,
                f"{where}{key}",
                f"unknown key; expected one of {', '.join(sorted(allowed))}",
            )


def _bool(source: str, key: str, value: object, default: bool) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise _fail(source, key, f"must be true or false, not {value!r}")
    return value


def _strings(source: str, key: str, value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(source, key, 'must be a list of non-empty strings, e.g. ["Staff"]')
    return tuple(v.strip() for v in value)


def _date(source: str, key: str, value: object) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise _fail(source, key, f"must be a date written YYYY-MM-DD, not {value!r}")


def profile_from_mapping(
    data: Mapping[str, Any],
    source: str = PROFILE_NAME,
    *,
    known_rules: frozenset[str] = frozenset(),
) -> Profile:
    """Build a :class:`Profile` from parsed TOML, validating every key."""
    _unknown(source, "", data, _TOP_KEYS)
    publication = data.get("publication", {})
    if not isinstance(publication, dict):
        raise _fail(source, "publication", "must be a table ([publication])")
    _unknown(source, "publication.", publication, _PUBLICATION_KEYS)
    name = publication.get("name")
    if name is not None and not isinstance(name, str):
        raise _fail(source, "publication.name", "must be a string")
    rules = data.get("rules", {})
    if not isinstance(rules, dict):
        raise _fail(
            source, "rules", 'must be a table, e.g. [rules] "licence-not-linked" = "notice"'
        )
    overrides = []
    for rule, setting in rules.items():
        if known_rules and rule not in known_rules:
            raise _fail(source, f"rules.{rule}", "no such rule (see 'attribution rules')")
        if setting not in SEVERITY_SETTINGS:
            raise _fail(source, f"rules.{rule}", "must be one of error, warning, notice, off")
        overrides.append((rule, str(setting)))
    rights = data.get("rights", [])
    if not isinstance(rights, list):
        raise _fail(source, "rights", "must be an array of tables ([[rights]])")
    entries = []
    for index, entry in enumerate(rights):
        where = f"rights[{index}]"
        if not isinstance(entry, dict):
            raise _fail(source, where, "must be a table")
        _unknown(source, f"{where}.", entry, _RIGHTS_KEYS)
        provider = entry.get("provider")
        if not isinstance(provider, str) or not provider.strip():
            raise _fail(source, f"{where}.provider", "is required: the provider's name")
        scope = entry.get("scope", "any")
        if not isinstance(scope, str):
            raise _fail(source, f"{where}.scope", 'must be a string such as "editorial"')
        unknown = unknown_scope_terms(scope)
        if unknown:
            raise _fail(
                source,
                f"{where}.scope",
                f"{unknown[0]!r} is not a scope; use one or more of "
                f'{", ".join(RIGHTS_SCOPES)} (e.g. "editorial, web")',
            )
        valid_from = _date(source, f"{where}.valid_from", entry.get("valid_from"))
        valid_until = _date(source, f"{where}.valid_until", entry.get("valid_until"))
        if valid_from and valid_until and valid_until < valid_from:
            raise _fail(source, f"{where}.valid_until", "is before valid_from")
        reference = entry.get("reference")
        if reference is not None and not isinstance(reference, str):
            raise _fail(source, f"{where}.reference", "must be a string")
        entries.append(
            RightsEntry(
                provider=provider.strip(),
                scope=scope,
                valid_from=valid_from,
                valid_until=valid_until,
                reference=reference,
            )
        )
    database = data.get("database", {})
    if not isinstance(database, dict):
        raise _fail(source, "database", 'must be a table, e.g. [database] url = "postgresql://…"')
    _unknown(source, "database.", database, frozenset({"url"}))
    database_url = database.get("url")
    if database_url is not None and (
        not isinstance(database_url, str) or "://" not in database_url
    ):
        raise _fail(source, "database.url", "must be a database URL such as postgresql+psycopg://…")
    return Profile(
        publication=name,
        database_url=database_url,
        commercial=_bool(source, "publication.commercial", publication.get("commercial"), True),
        adapts_images=_bool(
            source, "publication.adapts_images", publication.get("adapts_images"), False
        ),
        staff_credits=_strings(
            source, "publication.staff_credits", publication.get("staff_credits")
        ),
        domains=_strings(source, "publication.domains", publication.get("domains")),
        severity_overrides=tuple(overrides),
        rights=tuple(entries),
        limits=_limits(source, data.get("limits", {})),
        scan=_scan(source, data.get("scan", {})),
        serve=_serve(source, data.get("serve", {})),
        sources=_sources(source, data.get("sources", {})),
    )


_LIMIT_NUMBERS = {
    "page_seconds": "seconds a page's whole check may take",
    "page_cpu_seconds": "CPU seconds a page's parsing may take",
    "page_memory_mb": "megabytes the page parser may use",
    "max_images": "images checked on one page",
}


def _limits(source: str, table: object) -> Limits:
    """The ``[limits]`` table: each number positive, hosts a list of names."""
    if not isinstance(table, dict):
        raise _fail(source, "limits", "must be a table, e.g. [limits] page_seconds = 60")
    _unknown(source, "limits.", table, frozenset({*_LIMIT_NUMBERS, "allowed_hosts"}))
    defaults = Limits()
    values: dict[str, Any] = {}
    for key, meaning in _LIMIT_NUMBERS.items():
        if key not in table:
            continue
        value = table[key]
        whole = isinstance(getattr(defaults, key), int)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (whole and not isinstance(value, int))
            or not 0 < value < 10**7
        ):
            kind = "a positive whole number" if whole else "a positive number"
            raise _fail(source, f"limits.{key}", f"must be {kind} ({meaning})")
        values[key] = value if whole else float(value)
    hosts = _strings(source, "limits.allowed_hosts", table.get("allowed_hosts"))
    values["allowed_hosts"] = tuple(host.strip().lower().rstrip(".") for host in hosts)
    return replace(defaults, **values)


_SCAN_NUMBERS = {
    "per_host": "pages fetched at once from one host",
    "delay": "seconds between two fetches from one host",
    "max_pages": "pages a scan checks at most",
    "max_minutes": "minutes a scan runs at most",
    "max_megabytes": "megabytes a scan downloads at most",
}
_SCAN_KEYS = frozenset(
    {
        *_SCAN_NUMBERS,
        "sources",
        "contact",
        "notify",
        "smtp",
        "mail_from",
        "workers",
        "broker",
        "redis",
        "queue",
    }
)
# How a scan checks its pages: in its own process, or on workers of a task queue.
SCAN_WORKERS = ("local", "celery")


def _scan(source: str, table: object) -> ScanSettings:
    """The ``[scan]`` table: sources and alerts as lists of strings, numbers in range,
    the contact a URL or an e-mail address."""
    if not isinstance(table, dict):
        raise _fail(source, "scan", 'must be a table, e.g. [scan] sources = ["https://…"]')
    _unknown(source, "scan.", table, _SCAN_KEYS)
    defaults = ScanSettings()
    values: dict[str, Any] = {}
    for key, meaning in _SCAN_NUMBERS.items():
        if key not in table:
            continue
        value = table[key]
        whole = key in ("per_host", "max_pages")
        low = 0 if key == "delay" else 1e-9
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (whole and not isinstance(value, int))
            or not low <= value < 10**9
            or (key == "per_host" and value > 64)
        ):
            kind = "a positive whole number" if whole else "a positive number"
            if key == "delay":
                kind = "a number of seconds, 0 or more"
            raise _fail(source, f"scan.{key}", f"must be {kind} ({meaning})")
        values[key] = value if whole else float(value)
    values["sources"] = _strings(source, "scan.sources", table.get("sources"))
    values["notify"] = _strings(source, "scan.notify", table.get("notify"))
    for key in ("contact", "smtp", "mail_from"):
        value = table.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip() or not value.isprintable():
            raise _fail(source, f"scan.{key}", "must be a non-empty line of text")
        values[key] = value.strip()
    contact = values.get("contact")
    if contact is not None and not (
        contact.startswith(("https://", "http://", "mailto:")) or "@" in contact
    ):
        raise _fail(
            source,
            "scan.contact",
            "must be a URL or an e-mail address where the site's operators can reach you",
        )
    smtp = values.get("smtp")
    if smtp is not None and not smtp.startswith(("smtp://", "smtp+starttls://")):
        raise _fail(source, "scan.smtp", "must be smtp://host:port or smtp+starttls://host:port")
    values.update(_scan_workers(source, table))
    return replace(defaults, **values)


def _scan_workers(source: str, table: Mapping[str, Any]) -> dict[str, Any]:
    """The keys of ``[scan]`` for scans on workers: which, the broker, Redis, the queue."""
    values: dict[str, Any] = {}
    workers = table.get("workers")
    if workers is not None:
        if workers not in SCAN_WORKERS:
            raise _fail(source, "scan.workers", 'must be "local" (the default) or "celery"')
        values["workers"] = workers
    schemes = {
        "broker": (("amqp://", "amqps://", "pyamqp://"), "amqp://user@host:5672//"),
        "redis": (("redis://", "rediss://", "unix://"), "redis://host:6379/0"),
    }
    for key, (prefixes, example) in schemes.items():
        value = table.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip().startswith(prefixes):
            raise _fail(source, f"scan.{key}", f"must be a URL such as {example}")
        values[key] = value.strip()
    queue = table.get("queue")
    if queue is not None:
        if not isinstance(queue, str) or not re.fullmatch(r"[A-Za-z0-9_.:-]{1,200}", queue):
            raise _fail(
                source,
                "scan.queue",
                "must be a queue name of letters, digits and . _ : - (e.g. attribution)",
            )
        values["queue"] = queue
    return values


_SERVE_NUMBERS = {
    "checks_per_client": "checks one client may run at once",
    "checks_at_once": "checks the server runs at once",
    "max_body_kb": "kilobytes a request's body may hold",
}


def _serve(source: str, table: object) -> ServeSettings:
    """The ``[serve]`` table: whole numbers in range, the trusted header an HTTP name."""
    if not isinstance(table, dict):
        raise _fail(source, "serve", "must be a table, e.g. [serve] checks_per_client = 2")
    _unknown(source, "serve.", table, frozenset({*_SERVE_NUMBERS, "trusted_user_header"}))
    values: dict[str, Any] = {}
    for key, meaning in _SERVE_NUMBERS.items():
        if key not in table:
            continue
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= 10**6:
            raise _fail(source, f"serve.{key}", f"must be a positive whole number ({meaning})")
        values[key] = value
    header = table.get("trusted_user_header")
    if header is not None:
        if not isinstance(header, str) or not is_header_name(header.strip()):
            raise _fail(
                source,
                "serve.trusted_user_header",
                'must be the name of the header your reverse proxy sets, e.g. "X-Remote-User"',
            )
        values["trusted_user_header"] = header.strip()
    return replace(ServeSettings(), **values)


def _sources(source: str, table: object) -> SourceSettings:
    """The ``[sources]`` table: switches, the cache's lifetime and the pace as numbers
    in range, the APIs' addresses as http(s) URLs, the Flickr key a line of text."""
    if not isinstance(table, dict):
        raise _fail(source, "sources", "must be a table, e.g. [sources] cache_days = 7")
    keys = ("check", "offline", "cache_days", "flickr_key", "commons_api", "flickr_api")
    _unknown(source, "sources.", table, frozenset({*keys, "per_second"}))
    defaults = SourceSettings()
    values: dict[str, Any] = {
        key: _bool(source, f"sources.{key}", table.get(key), getattr(defaults, key))
        for key in ("check", "offline")
    }
    for key, meaning, most in (
        ("cache_days", "days an answer of a source is used before asking again", 3650),
        ("per_second", "requests a second to each source's API", 100),
    ):
        value = table.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= most:
            raise _fail(
                source, f"sources.{key}", f"must be a number above 0, at most {most} ({meaning})"
            )
        values[key] = float(value)
    for key in ("commons_api", "flickr_api"):
        value = table.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip().startswith(("https://", "http://")):
            raise _fail(source, f"sources.{key}", "must be the API's http(s) address")
        values[key] = value.strip()
    key_value = table.get("flickr_key")
    if key_value is not None:
        if not isinstance(key_value, str) or not re.fullmatch(r"[A-Za-z0-9]{8,64}", key_value):
            raise _fail(
                source, "sources.flickr_key", "must be a Flickr API key (letters and digits)"
            )
        values["flickr_key"] = key_value
    return replace(defaults, **values)
