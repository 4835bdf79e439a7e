"""The licence knowledge base: the data files in ``licences/``, loaded and validated.

Each ``*.toml`` file describes one licence family (see ``licences/README.md``);
``providers.toml`` lists agencies, stock libraries, platforms and other bodies with
the ways their names are printed. Loading validates every field and raises
:class:`~attribution.errors.LicenceDataError` naming the file and the field.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from attribution.errors import LicenceDataError

FAMILY_SCHEMA = "attribution.licence-family/1"
PROVIDER_SCHEMA = "attribution.providers/1"
LICENCE_KINDS = frozenset(
    {
        "creative-commons",
        "public-domain",
        "copyleft",
        "government-open",
        "stock",
        "all-rights-reserved",
    }
)
PROVIDER_KINDS = frozenset(
    {"agency", "stock", "platform", "government", "publisher", "organisation"}
)
ATTRIBUTION_ELEMENTS = frozenset(
    {
        "creator",
        "title",
        "source-link",
        "licence-name",
        "licence-link",
        "indicate-changes",
        "keep-notices",
        "copyright-notice",
    }
)
TERMS = ("commercial_use", "adaptation", "share_alike", "attribution_required")


@dataclass(frozen=True)
class Licence:
    """One licence (a family at one version, and port where there is one)."""

    id: str
    family: str
    name: str
    kind: str
    version: str
    port: str | None
    url: str
    commercial_use: bool
    adaptation: bool
    share_alike: bool
    attribution_required: bool
    attribution: tuple[str, ...]
    sources: tuple[tuple[str, str], ...]
    notes: str | None = None

    def source_of(self, fact: str) -> str | None:
        """Where the knowledge base says ``fact`` is stated, or None."""
        return dict(self.sources).get(fact)


@dataclass(frozen=True)
class Family:
    """A licence family: the id used when a credit names it without a version."""

    id: str
    name: str
    kind: str
    file: str
    aliases: tuple[str, ...]
    licence_ids: tuple[str, ...]
    version_aliases: tuple[tuple[str, str], ...]
    commercial_use: bool
    adaptation: bool
    share_alike: bool
    attribution_required: bool


@dataclass(frozen=True)
class Provider:
    """An agency, stock library, platform, government body or publisher.

    A ``distributor`` (Getty Images, picture alliance, …) sells other agencies'
    pictures: named beside another provider, it is the channel, not the source.
    """

    name: str
    kind: str
    aliases: tuple[str, ...]
    domains: tuple[str, ...] = ()
    licence: str | None = None
    source: str | None = None
    distributor: bool = False


@dataclass(frozen=True, eq=False)
class KnowledgeBase:
    """Every licence and provider attribution knows, with lookups by id and name."""

    licences: Mapping[str, Licence]
    families: Mapping[str, Family]
    providers: tuple[Provider, ...]

    def licence(self, licence_id: str) -> Licence | None:
        """The licence with this exact id, or None."""
        return self.licences.get(licence_id)

    def family(self, family_id: str) -> Family | None:
        """The family with this id (``CC-BY-SA``, ``GFDL``), or None."""
        return self.families.get(family_id)

    def cc_licence(self, family_id: str, version: str, port: str | None) -> Licence | None:
        """The Creative Commons licence of a family, version and optional port."""
        return _cc_index(self).get((family_id, version, port.upper() if port else None))

    def provider(self, name: str) -> Provider | None:
        """The provider whose canonical name is ``name``, or None."""
        return _provider_index(self).get(name.casefold())

    def provider_named(self, name: str) -> Provider | None:
        """The provider a name means: its canonical name or any of its aliases, compared
        without regard to case, dots or extra spaces ("AP", "AP Photo" and "Associated
        Press" all name the Associated Press); None when the provider table does not know
        the name. The rights register and the rules match providers by this."""
        return self.provider(name) or self.provider_by_alias(name)

    def provider_by_alias(self, text: str) -> Provider | None:
        """The provider one of whose aliases is ``text`` (case-insensitive), or None."""
        return _alias_index(self).get(alias_key(text))

    def provider_by_key(self, key: str) -> Provider | None:
        """The provider with this normalised alias (see :func:`alias_key`), or None."""
        return _alias_index(self).get(key)

    def alias_first_words(self) -> frozenset[str]:
        """The first word of every normalised alias: a word that can begin a provider."""
        return _alias_first_words(self)

    def provider_by_domain(self, host: str) -> Provider | None:
        """The provider that owns ``host`` (or a parent domain of it), or None."""
        host = host.lower().removeprefix("www.")
        for provider in self.providers:
            for domain in provider.domains:
                if host == domain or host.endswith("." + domain):
                    return provider
        return None

    def provider_aliases(self) -> tuple[tuple[str, Provider], ...]:
        """Every (alias, provider) pair, longest alias first, for scanning text."""
        return _sorted_aliases(self)


_ALIAS_SPACE = re.compile(r"[\s.]+")


def alias_key(text: str) -> str:
    """An alias as compared: case-folded, dots and runs of spaces made single spaces."""
    folded = text.casefold()
    if "." not in folded and "  " not in folded and "\t" not in folded and "\n" not in folded:
        return folded.strip(" ,;:")
    return _ALIAS_SPACE.sub(" ", text.casefold()).strip(" .,;:")


@cache
def _cc_index(kb: KnowledgeBase) -> dict[tuple[str, str, str | None], Licence]:
    return {(lic.family, lic.version, lic.port or None): lic for lic in kb.licences.values()}


@cache
def _provider_index(kb: KnowledgeBase) -> dict[str, Provider]:
    return {p.name.casefold(): p for p in kb.providers}


@cache
def _alias_index(kb: KnowledgeBase) -> dict[str, Provider]:
    index: dict[str, Provider] = {}
    for provider in kb.providers:
        for alias in (provider.name, *provider.aliases):
            index.setdefault(alias_key(alias), provider)
    return index


@cache
def _alias_first_words(kb: KnowledgeBase) -> frozenset[str]:
    return frozenset(key.split()[0] for key in _alias_index(kb) if key.split())


@cache
def _sorted_aliases(kb: KnowledgeBase) -> tuple[tuple[str, Provider], ...]:
    pairs = {(alias, p) for p in kb.providers for alias in (p.name, *p.aliases)}
    return tuple(sorted(pairs, key=lambda pair: (-len(pair[0]), pair[0])))


def data_dir() -> Path:
    """The folder of licence data: inside the installed package, else the source tree."""
    packaged = Path(__file__).resolve().parent / "_data" / "licences"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "licences"


@cache
def default_knowledge_base() -> KnowledgeBase:
    """The knowledge base shipped with attribution (loaded once per process).

    The tables read from its files are kept in the user's cache folder (see
    :func:`load_knowledge_base`), so that a command need not parse the TOML again."""
    return load_knowledge_base(data_dir(), cache=cache_folder())


def cache_folder() -> Path | None:
    """The user's cache folder for attribution: ``$XDG_CACHE_HOME/attribution``, else
    ``%LOCALAPPDATA%\\attribution`` on Windows, else ``~/.cache/attribution``; None when
    there is no home folder to put it in."""
    # Not platformdirs (which places the database): importing it costs more than this
    # cache saves on the start of a command that only parses credits.
    base = os.environ.get("XDG_CACHE_HOME") or (
        os.environ.get("LOCALAPPDATA") if os.name == "nt" else None
    )
    if base:
        return Path(base) / "attribution"
    try:
        return Path.home() / ".cache" / "attribution"
    except RuntimeError:
        return None


def load_knowledge_base(folder: Path, *, cache: Path | None = None) -> KnowledgeBase:
    """Load and validate every family file and the provider table in ``folder``.

    With ``cache``, the tables parsed from the files are kept in that folder, and read
    from there while the files hold the same bytes; the records are built and validated
    from them exactly as from the files. A cache that cannot be read or written is
    passed over without a word."""
    licences: dict[str, Licence] = {}
    families: dict[str, Family] = {}
    providers: tuple[Provider, ...] = ()
    paths = sorted(folder.glob("*.toml"))
    if not paths:
        raise LicenceDataError(f"{folder}: no licence data files (*.toml) found")
    tables = _read_tables(paths, cache)
    for path in paths:
        data = tables[path.name]
        if path.name == "providers.toml":
            providers = _load_providers(path, data)
            continue
        family, members = _load_family(path, data)
        if family.id in families:
            raise LicenceDataError(f"{path.name}: family {family.id!r} is defined twice")
        families[family.id] = family
        for licence in members:
            if licence.id in licences:
                raise LicenceDataError(f"{path.name}: licence id {licence.id!r} is defined twice")
            licences[licence.id] = licence
    kb = KnowledgeBase(licences=licences, families=families, providers=providers)
    for provider in providers:
        if provider.licence and provider.licence not in licences:
            raise LicenceDataError(
                f"providers.toml: provider {provider.name!r}: licence {provider.licence!r} "
                "is not a licence id of the knowledge base"
            )
    return kb


# Bump when what is cached changes shape; the Python version is part of the key too
# (marshal's format and tomllib's output are Python's).
_CACHE_FORMAT = b"attribution.licence-tables/2"


def _read_tables(paths: list[Path], cache: Path | None) -> dict[str, dict[str, Any]]:
    """Each file's table by file name: from the cache when it was made from these exact
    bytes, else parsed (and then cached)."""
    contents = {path.name: _read_bytes(path) for path in paths}
    if cache is None:
        return {name: _parse_toml(name, raw) for name, raw in contents.items()}
    key = _tables_key(contents)
    file = cache / f"licence-tables-{zlib.crc32(key.encode()):08x}.marshal"
    cached = _read_cached_tables(file, key, set(contents))
    if cached is not None:
        return cached
    tables = {name: _parse_toml(name, raw) for name, raw in contents.items()}
    _write_cached_tables(file, key, tables)
    return tables


def _tables_key(contents: Mapping[str, bytes]) -> str:
    """What the cached tables were made from: the cache's format, the Python version
    (marshal's format and tomllib's output are Python's), and each file's name, size and
    CRC-32 (a cache, not a defence: whoever can write it can change the files too)."""
    described = [_CACHE_FORMAT.decode(), sys.version.split()[0]]
    described += [f"{name}:{len(raw)}:{zlib.crc32(raw):08x}" for name, raw in contents.items()]
    return ";".join(described)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise LicenceDataError(f"{path.name}: cannot be read ({error.strerror})") from None


def _parse_toml(name: str, raw: bytes) -> dict[str, Any]:
    import tomllib  # only when the tables are not cached

    try:
        return tomllib.loads(raw.decode())
    except tomllib.TOMLDecodeError as error:
        raise LicenceDataError(f"{name}: not valid TOML ({error})") from None


def _read_cached_tables(file: Path, key: str, names: set[str]) -> dict[str, dict[str, Any]] | None:
    """The tables cached in ``file`` for ``key``, or None (absent, unreadable, damaged,
    or for other files). The payload is checked against its CRC-32 before it is read."""
    import marshal

    try:
        blob = file.read_bytes()
    except OSError:
        return None
    header, _, payload = blob.partition(b"\n")
    if header != f"{key} {zlib.crc32(payload):08x}".encode():
        return None
    try:
        tables = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    if not isinstance(tables, dict) or set(tables) != names:
        return None
    if not all(isinstance(table, dict) for table in tables.values()):
        return None
    return tables


def _write_cached_tables(file: Path, key: str, tables: dict[str, dict[str, Any]]) -> None:
    """Keep ``tables`` in ``file``, written whole or not at all; older caches go."""
    import marshal

    try:
        payload = marshal.dumps(tables)
    except ValueError:  # a value marshal cannot keep (a TOML date): no cache
        return
    blob = f"{key} {zlib.crc32(payload):08x}\n".encode() + payload
    partial = file.with_name(f".{file.name}.{os.getpid()}.tmp")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(blob)
        os.replace(partial, file)
        for old in file.parent.glob("licence-tables-*.marshal"):
            if old != file:
                old.unlink(missing_ok=True)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)


class _Fields:
    """Typed access to one TOML table, with errors that name the file and field."""

    def __init__(self, file: str, where: str, table: Mapping[str, Any], allowed: Iterable[str]):
        self.file, self.where, self.table = file, where, table
        unknown = sorted(set(table) - set(allowed))
        if unknown:
            self.fail(unknown[0], "is not a known field")

    def fail(self, field: str, problem: str) -> None:
        where = f"{self.where}." if self.where else ""
        raise LicenceDataError(f"{self.file}: {where}{field} {problem}")

    def text(self, field: str, *, required: bool = True, default: str = "") -> str:
        value = self.table.get(field, None)
        if value is None:
            if required:
                self.fail(field, "is missing")
            return default
        if not isinstance(value, str):
            self.fail(field, f"must be a string, not {type(value).__name__}")
        return str(value)

    def flag(self, field: str, default: bool | None = None) -> bool:
        value = self.table.get(field, default)
        if not isinstance(value, bool):
            self.fail(field, "must be true or false" if field in self.table else "is missing")
        return bool(value)

    def texts(self, field: str) -> tuple[str, ...]:
        value = self.table.get(field, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(field, "must be a list of strings")
        return tuple(value)

    def one_of(self, field: str, allowed: frozenset[str]) -> str:
        value = self.text(field)
        if value not in allowed:
            self.fail(field, f"is {value!r}; expected one of {', '.join(sorted(allowed))}")
        return value


_FAMILY_FIELDS = (
    "schema",
    "family",
    "name",
    "kind",
    "aliases",
    *TERMS,
    "sources",
    "versions",
)
_VERSION_FIELDS = (
    "version",
    "id",
    "name",
    "url",
    "unported",
    "ports",
    "spdx_ports",
    "attribution",
    "source",
    "sources",
    "aliases",
    "notes",
    *TERMS,
)


def _load_family(path: Path, data: Mapping[str, Any]) -> tuple[Family, list[Licence]]:
    fields = _Fields(path.name, "", data, _FAMILY_FIELDS)
    if fields.text("schema") != FAMILY_SCHEMA:
        fields.fail("schema", f"must be {FAMILY_SCHEMA!r}")
    family_id = fields.text("family")
    kind = fields.one_of("kind", LICENCE_KINDS)
    terms = {term: fields.flag(term) for term in TERMS}
    sources_table = data.get("sources", {})
    if not isinstance(sources_table, dict):
        fields.fail("sources", "must be a table")
    sources = _Fields(path.name, "sources", sources_table, TERMS)
    family_sources = tuple((term, sources.text(term)) for term in TERMS)
    versions = data.get("versions")
    if not isinstance(versions, list) or not versions:
        fields.fail("versions", "must be a non-empty array of tables ([[versions]])")
    members: list[Licence] = []
    version_aliases: list[tuple[str, str]] = []
    for index, table in enumerate(versions or []):
        if not isinstance(table, dict):
            fields.fail(f"versions[{index}]", "must be a table")
        entry = _Fields(path.name, f"versions[{index}]", table, _VERSION_FIELDS)
        for licence in _expand_version(entry, family_id, kind, terms, family_sources):
            members.append(licence)
        for alias in entry.texts("aliases"):
            version_aliases.append((alias, members[-1].id if not members[-1].port else ""))
    family = Family(
        id=family_id,
        name=fields.text("name"),
        kind=kind,
        file=path.name,
        aliases=fields.texts("aliases"),
        licence_ids=tuple(m.id for m in members),
        version_aliases=tuple(pair for pair in version_aliases if pair[1]),
        **terms,
    )
    return family, members


def _expand_version(
    entry: _Fields,
    family_id: str,
    kind: str,
    family_terms: Mapping[str, bool],
    family_sources: tuple[tuple[str, str], ...],
) -> list[Licence]:
    """One version entry as its unported licence plus one licence per port."""
    version = entry.text("version", required=False)
    url = entry.text("url")
    if not url.startswith(("https://", "http://")):
        entry.fail("url", f"must be an http(s) URL, not {url!r}")
    attribution = entry.texts("attribution")
    unknown = sorted(set(attribution) - ATTRIBUTION_ELEMENTS)
    if unknown:
        entry.fail(
            "attribution",
            f"has {unknown[0]!r}; expected elements of {', '.join(sorted(ATTRIBUTION_ELEMENTS))}",
        )
    terms = {term: entry.flag(term, family_terms[term]) for term in TERMS}
    sources = (*_version_sources(entry, family_sources), ("attribution", entry.text("source")))
    notes = entry.text("notes", required=False) or None
    name = entry.text("name")
    base_id = entry.text("id", required=False) or (
        f"{family_id}-{version}" if version else family_id
    )
    ports = entry.texts("ports")
    spdx_ports = set(entry.texts("spdx_ports"))
    if spdx_ports - set(ports):
        entry.fail("spdx_ports", f"names ports not in ports: {sorted(spdx_ports - set(ports))}")
    unported = Licence(
        id=base_id,
        family=family_id,
        name=name,
        kind=kind,
        version=version,
        port=None,
        url=url,
        commercial_use=terms["commercial_use"],
        adaptation=terms["adaptation"],
        share_alike=terms["share_alike"],
        attribution_required=terms["attribution_required"],
        attribution=attribution,
        sources=sources,
        notes=notes,
    )
    licences = [unported] if entry.flag("unported", True) else []
    port_url = url if url.endswith("/") else url + "/"
    port_name = name.removesuffix(" Generic").removesuffix(" Unported")
    for port in ports:
        # Built whole rather than with dataclasses.replace, which costs several times as
        # much: the knowledge base has hundreds of ports, built at every start.
        licences.append(
            Licence(
                id=(
                    f"{family_id}-{version}-{port}"
                    if port in spdx_ports
                    else f"LicenseRef-{family_id}-{version}-{port}"
                ),
                family=family_id,
                name=f"{port_name} ({port})",
                kind=kind,
                version=version,
                port=port,
                url=f"{port_url}{port.lower()}/",
                commercial_use=unported.commercial_use,
                adaptation=unported.adaptation,
                share_alike=unported.share_alike,
                attribution_required=unported.attribution_required,
                attribution=attribution,
                sources=sources,
                notes=notes,
            )
        )
    return licences


def _version_sources(
    entry: _Fields, family_sources: tuple[tuple[str, str], ...]
) -> tuple[tuple[str, str], ...]:
    """The source of each fact for one version: its own ``[versions.sources]`` where it
    has one (a version whose legal code is not the one the family's sources cite), else
    the family's."""
    table = entry.table.get("sources", {})
    if not isinstance(table, dict):
        entry.fail("sources", "must be a table")
    own = _Fields(entry.file, f"{entry.where}.sources", table, TERMS)
    overrides = {term: own.text(term) for term in TERMS if term in table}
    for term, url in overrides.items():
        if not url.startswith(("https://", "http://")):
            own.fail(term, f"must be an http(s) URL, not {url!r}")
    return tuple((term, overrides.get(term, url)) for term, url in family_sources)


_PROVIDER_FIELDS = ("name", "kind", "aliases", "domains", "licence", "source", "distributor")


def _load_providers(path: Path, data: Mapping[str, Any]) -> tuple[Provider, ...]:
    top = _Fields(path.name, "", data, ("schema", "provider"))
    if top.text("schema") != PROVIDER_SCHEMA:
        top.fail("schema", f"must be {PROVIDER_SCHEMA!r}")
    tables = data.get("provider")
    if not isinstance(tables, list):
        top.fail("provider", "must be an array of tables ([[provider]])")
    providers: list[Provider] = []
    for index, table in enumerate(tables or []):
        if not isinstance(table, dict):
            top.fail(f"provider[{index}]", "must be a table")
        entry = _Fields(path.name, f"provider[{index}]", table, _PROVIDER_FIELDS)
        licence = entry.text("licence", required=False) or None
        source = entry.text("source", required=False) or None
        if licence and not source:
            entry.fail("source", "is missing (required when licence is set)")
        providers.append(
            Provider(
                name=entry.text("name"),
                kind=entry.one_of("kind", PROVIDER_KINDS),
                aliases=entry.texts("aliases"),
                domains=tuple(d.lower() for d in entry.texts("domains")),
                licence=licence,
                source=source,
                distributor=entry.flag("distributor", False),
            )
        )
    return tuple(providers)
