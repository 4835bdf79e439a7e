"""The JSON documents the tool writes match their schemas in docs/json/.

Every document is produced by the real command, against pages served on loopback, a
saved page under tests/fixtures and a new SQLite database, with data made so that the
nullable fields of each document are seen both null and set. A JSON format added to
the render registry without a schema fails here, as does a schema that is not itself a
valid JSON Schema (draft 2020-12). Nothing is fetched: the schemas refer only to
their own ``$defs``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import FIXTURES, LoopbackServer, run_cli, send
from imagefactory import CAMERA_SOURCE_TYPE, Metadata, c2pa_signed_jpeg, jpeg, xmp_packet
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.exceptions import NoSuchResource
from sourceapis import add_penguin_photo, serving_fakes

import attribution.render as registry
from attribution.records import (
    ExtractedImage,
    Finding,
    ImageResult,
    NewFinding,
    PageResult,
    ScanSummary,
    Severity,
)
from attribution.render.alerts import alert_json

SCHEMAS = Path(__file__).parent.parent / "docs" / "json"
GUIDE = SCHEMAS.parent / "json.md"
SAVED_PAGE = FIXTURES / "pages" / "ap-style.html"

# Documents that are not in the render registry: `credits parse` writes JSON Lines, and a
# scan POSTs its alert to a webhook.
OUTSIDE_REGISTRY = {"alert", "credit"}


# --- formats ------------------------------------------------------------------------------

_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})", re.ASCII
)
FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    """RFC 3339: a date, a time and an offset (jsonschema checks none without an extra)."""
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.fullmatch(value):
        return False
    return datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None


@FORMATS.checks("uri", raises=ValueError)
def _uri(value: object) -> bool:
    """An absolute URI without spaces (jsonschema checks none without an extra)."""
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and (parts.netloc or parts.path)) and not re.search(r"\s", value)


def _no_retrieval(uri: str) -> Any:
    raise NoSuchResource(ref=uri)


def schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))


def validator(name: str) -> Draft202012Validator:
    # An empty registry that refuses to retrieve anything: no $ref can reach the network.
    return Draft202012Validator(
        schema(name), format_checker=FORMATS, registry=Registry(retrieve=_no_retrieval)
    )


def assert_valid(name: str, document: Any) -> None:
    errors = sorted(validator(name).iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(
        f"{name}: /{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:10]
    )


# --- the registry and the schemas ---------------------------------------------------------


def json_documents() -> dict[str, str]:
    """Each table of the render registry with a "json" format: schema name → table."""
    found = {}
    for attribute in registry.__all__:
        table = getattr(registry, attribute)
        if attribute.endswith("_FORMATS") and isinstance(table, Mapping) and "json" in table:
            found[attribute.removesuffix("_FORMATS").lower().replace("_", "-")] = attribute
    return found


def schema_names() -> list[str]:
    return sorted(path.name.removesuffix(".schema.json") for path in SCHEMAS.glob("*.schema.json"))


def test_every_json_format_of_the_registry_has_a_schema_and_a_section() -> None:
    documents = json_documents()
    assert len(documents) >= 9
    guide = GUIDE.read_text(encoding="utf-8")
    for name, table in documents.items():
        assert (SCHEMAS / f"{name}.schema.json").is_file(), (
            f"{table} renders JSON but docs/json/{name}.schema.json does not describe it"
        )
        assert f"json/{name}.schema.json" in guide, f"docs/json.md does not explain {name}"


def test_every_schema_belongs_to_a_document() -> None:
    assert set(schema_names()) == set(json_documents()) | OUTSIDE_REGISTRY


@pytest.mark.parametrize("name", schema_names())
def test_each_schema_is_a_valid_draft_2020_12_schema(name: str) -> None:
    document = schema(name)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(document)
    assert document["$id"] == f"urn:attribution:{name}/1"
    assert document["title"] == f"attribution.{name}/1"
    refs = re.findall(r'"\$ref": "([^"]*)"', json.dumps(document))
    assert refs and all(ref.startswith("#/$defs/") for ref in refs), "only local references"


@pytest.mark.parametrize(
    ("definition", "names"),
    [
        ("credit", ["check", "credit"]),
        ("content_credentials", ["check", "findings", "history"]),
        ("embedded_recorded", ["findings", "history"]),
        ("licence", ["licence", "licences"]),
        ("severity", ["check", "findings", "waivers", "rules", "alert"]),
        ("rule_id", ["check", "findings", "waivers", "rules", "alert"]),
    ],
)
def test_shared_definitions_are_the_same_in_every_schema(definition: str, names: list[str]) -> None:
    """The schemas are self-contained, so a shape used by several documents is written in
    each; they must not drift apart."""
    first, *others = (schema(name)["$defs"][definition] for name in names)
    assert all(other == first for other in others)


def test_recorded_embedded_metadata_has_the_fields_of_the_check_document() -> None:
    check = schema("check")["$defs"]["embedded"]["properties"]
    for name in ("findings", "history"):
        assert schema(name)["$defs"]["embedded_recorded"]["properties"] == check


def test_the_check_document_leaves_room_at_its_top_level_and_summary() -> None:
    check = schema("check")
    assert "additionalProperties" not in check
    assert "additionalProperties" not in check["properties"]["summary"]


# --- real output --------------------------------------------------------------------------

USAGE_TERMS = (
    b"<xmpRights:UsageTerms><rdf:Alt><rdf:li xml:lang='x-default'>Editorial use only"
    b"</rdf:li></rdf:Alt></xmpRights:UsageTerms>"
)
FULL = Metadata(
    artist="Jane Doe",
    copyright="© 2024 Jane Doe",
    description="Harbour at dawn",
    credit="Example Agency",
    source="Example Agency",
    xmp=xmp_packet(
        creator="Jane Doe",
        rights="© 2024 Jane Doe",
        web_statement="https://example.org/rights",
        cc_license="https://creativecommons.org/licenses/by-nc/2.0/",
        attribution_name="Jane Doe",
        licensor="Example Agency",
        digital_source_type=CAMERA_SOURCE_TYPE,
    ).replace(b"</dc:creator>", b"</dc:creator>" + USAGE_TERMS),
)
# Credits that name a distributor, a source, a rights holder and a licence that does
# not exist: the credit fields that are null for most pictures.
UNUSUAL_CREDITS = (
    "Johannes EISELE / AFP via Getty Images",
    "Handout photo courtesy of the Smith family",
    "© Meridian Films Ltd",
    "Jane Doe / CC BY 5.0",
)


def figure(src: str, credit: str | None, alt: str | None = None) -> str:
    alt_attribute = f" alt='{alt}'" if alt else ""
    caption = f"<figcaption>The harbour. Photo: {credit}</figcaption>" if credit else ""
    return f"<figure><img src='{src}' width='800' height='600'{alt_attribute}>{caption}</figure>"


def article(title: str | None, figures: list[str]) -> bytes:
    head = f"<head><title>{title}</title></head>" if title else "<head></head>"
    return f"<html>{head}<body><article>{''.join(figures)}</article></body></html>".encode()


class Site:
    """The pages and images on loopback; the story can lose and regain a picture."""

    def __init__(self, server: LoopbackServer) -> None:
        self.server = server
        self.with_agency_picture = True
        self.files = {
            "/harbour.jpg": jpeg(FULL),
            "/made.jpg": c2pa_signed_jpeg(ai_generated=True, metadata=Metadata(artist="Ann Roe")),
            "/agency.jpg": jpeg(Metadata(artist="Evan Vucci", credit="AP")),
        }
        for path, body in self.files.items():
            server.routes[path] = self._image(body)
        server.routes["/story"] = lambda handler: send(handler, self.story())
        server.routes["/untitled"] = lambda handler: send(
            handler,
            article(
                None,
                [figure("/plain.jpg", None)]
                + [figure(f"/{n}.jpg", credit) for n, credit in enumerate(UNUSUAL_CREDITS)],
            ),
        )

    @staticmethod
    def _image(body: bytes) -> Any:
        def route(handler: BaseHTTPRequestHandler) -> None:
            send(handler, body, "image/jpeg")

        return route

    def story(self) -> bytes:
        figures = [
            figure("/harbour.jpg", "Jane Doe/CC BY-NC 2.0", alt="Boats in the harbour"),
            figure("/made.jpg", "Ann Roe/Reuters"),
            figure("/missing.jpg", None),  # 404: the file's problem is recorded
        ]
        if self.with_agency_picture:
            figures.append(figure("/agency.jpg", "(AP Photo/Evan Vucci)", alt="A rally"))
        return article("Harbour", figures)

    def url(self, path: str) -> str:
        return self.server.url(path)


def cli_json(*args: str, env: dict[str, str], code: int = 0) -> Any:
    result = run_cli(*args, env=env)
    assert result.returncode == code, f"{args}: {result.returncode} {result.stderr}"
    return json.loads(result.stdout)


def ok(*args: str, env: dict[str, str]) -> None:
    result = run_cli(*args, env=env)
    assert result.returncode == 0, f"{args}: {result.returncode} {result.stderr}"


SOURCED_PAGE = "https://sourced.example/penguins"


def sources_scenario(tmp: Path, env: dict[str, str], docs: dict[str, list[Any]]) -> str:
    """Checks of a saved page whose pictures come from Wikimedia Commons and Flickr,
    against the fakes of both APIs: found, a licence changed at Flickr (to one the
    knowledge base does not know, and back to one it does), a licence changed on Commons
    between two checks, then both deleted; and once without a database. The page's URL."""
    page = tmp / "penguins.html"
    page.write_text(
        f'<html><head><title>Penguins</title><link rel="canonical" href="{SOURCED_PAGE}">'
        "</head><body><article><h1>Penguins</h1><p>On the ice.</p><figure>"
        '<img src="https://live.staticflickr.com/65535/5550001234_abcdef1234_b.jpg" alt="A">'
        "<figcaption>Photo: Arctic Penguin/Flickr (CC BY 2.0)</figcaption></figure><figure>"
        '<img src="https://upload.wikimedia.org/wikipedia/commons/a/ab/Colony.jpg" alt="B">'
        "<figcaption>Jane Doe / Wikimedia Commons, CC BY-SA 4.0</figcaption></figure>"
        "</article></body></html>",
        encoding="utf-8",
    )
    with serving_fakes(flickr_key="fakeflickrkey1") as fakes:
        profile = tmp / "sources.toml"
        profile.write_text(
            "[publication]\ncommercial = false\n[sources]\ncache_days = 0.000001\n"
            f'flickr_key = "fakeflickrkey1"\ncommons_api = "{fakes.commons.url}"\n'
            f'flickr_api = "{fakes.flickr.url}"\nper_second = 50\n',
            encoding="utf-8",
        )

        def commons_file(licence: str, url: str) -> None:
            fakes.commons.add_file(
                "File:Colony.jpg",
                licence_short_name=licence,
                licence_url=url,
                artist_html='<a href="//commons.wikimedia.org/wiki/User:Jane">Jane Doe</a>',
                credit_html="Own work",
                usage_terms=licence,
                restrictions="trademarked",
            )

        commons_file("CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0")
        add_penguin_photo(fakes.flickr)
        fakes.flickr.change_licence("5550001234", 7, 1590969600)  # no known restrictions
        fakes.flickr.change_licence("5550001234", 5, 1622505600)  # CC BY-SA 2.0
        on = {**env, "ATTRIBUTION_SOURCE_CHECKS": "on"}
        check = (
            "check",
            "--format",
            "json",
            "--no-images",
            "--fail-on",
            "notice",
            "--config",
            str(profile),
        )
        docs["check"].append(cli_json(*check, str(page), env=on, code=1))
        commons_file("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0")
        docs["check"].append(cli_json(*check, str(page), env=on, code=1))
        fakes.commons.delete_file("File:Colony.jpg")
        fakes.flickr.delete_photo("5550001234")
        docs["check"].append(cli_json(*check, str(page), env=on, code=1))
        docs["check"].append(cli_json(*check, "--no-store", str(page), env=on, code=1))
    return SOURCED_PAGE


def by_id(findings: list[dict[str, Any]], rule: str, image_path: str) -> int:
    return next(f["id"] for f in findings if f["rule"] == rule and f["image"].endswith(image_path))


def library_recorded_page(db_url: str, today: date, until: date) -> None:
    """A page recorded as a library caller would: without a reading's source (so no HTTP
    status and no hash), with a page-level finding (its image null, so no evidence) that
    is waived until ``until`` and seen again after that day, so that its waiver expires.
    No current rule gives a page-level finding and a check cannot be run on another day.
    """
    from attribution.store import open_database, record_page, start_run, waive

    page = PageResult(
        url="https://expiry.example/story",
        title=None,
        images=(
            ImageResult(
                ExtractedImage(src="https://expiry.example/a.jpg"),
                None,
                (Finding("missing-credit", Severity.WARNING, "No credit.", "Credit it."),),
            ),
        ),
        findings=(Finding("missing-credit", Severity.WARNING, "No credit on the page.", None),),
    )  # without a source: the reading has no HTTP status and no hash
    db = open_database(db_url)
    try:
        record_page(db, start_run(db, "check", [page.url], {}), page, today=today)
        (finding,) = [f for f in _listed(db) if f.page_url == page.url and not f.image_url]
        waive(db, str(finding.id), "Agreed with the desk", until, by="Desk", today=today)
        later = until + timedelta(days=1)
        record_page(db, start_run(db, "check", [page.url], {}), page, today=later)
    finally:
        db.close()


def _listed(db: Any) -> list[Any]:
    from attribution.store import FindingFilter, list_findings

    return list_findings(db, FindingFilter(statuses=("open", "waived", "resolved")))


def audit_documents(db_url: str, story: str) -> tuple[list[Any], list[Any]]:
    """Audit reports (``attribution.report/1``) and diffs (``attribution.diff/1``) of the
    record, written by ``attribution report`` and ``attribution diff``, over scopes that
    set and leave each of their fields: the findings standing now (for a publication
    named in its profile), the first run (no earlier run to compare with), a section, a
    page pattern and some days, resolved findings too."""
    today = date.today().isoformat()
    env = {"ATTRIBUTION_DATABASE_URL": db_url}
    named = {**env, "ATTRIBUTION_CONFIG": str(FIXTURES / "profiles" / "daily-courier.toml")}
    scopes = [
        (named, ()),
        (env, ("--run", "1")),
        (env, ("--section", "/story", "--since", today, "--until", today)),
        (
            env,
            (
                "--page",
                "*/story*",
                "--status",
                "open",
                "--status",
                "waived",
                "--status",
                "resolved",
            ),
        ),
        (env, ("--section", "https://expiry.example/")),
    ]
    reports = [
        json.loads(_command(environment, "report", "--format", "json", *options))
        for environment, options in scopes
    ]
    diffs = [
        json.loads(_command(env, "diff", "--format", "json", *runs, codes=(0, 1)))
        for runs in (("1", "3"), ("3", "4"), ())
    ]
    return reports, diffs


def _command(env: dict[str, str], *args: str, codes: tuple[int, ...] = (0,)) -> str:
    """What the installed command printed, once it exited with one of ``codes``."""
    result = run_cli(*args, env=env)
    assert result.returncode in codes, (args, result.stderr)
    return result.stdout


def scan_summaries() -> list[ScanSummary]:
    """A scan's alert is built from its summary (the scan command sends it): one that
    found everything an alert lists, and an unrecorded one that found nothing new."""
    started = datetime(2026, 11, 3, 2, 0, tzinfo=UTC)
    found = (
        NewFinding(
            "missing-credit",
            Severity.WARNING,
            "https://www.example.com/a",
            "https://www.example.com/a.jpg",
            "No credit.",
        ),
        NewFinding(
            "nc-commercial-use",
            Severity.ERROR,
            "https://www.example.com/b",
            None,
            "NC licence on a commercial page.",
        ),
    )
    return [
        ScanSummary(
            run_id=12, site="www.example.com", status="finished", started_at=started,
            finished_at=started + timedelta(minutes=14), checked=120, unchanged=800,
            failed=(("https://www.example.com/gone", "HTTP 404 Not Found — check the URL"),),
            skipped=(("robots.txt", 3),), problems=("https://www.example.com/feed: HTTP 500",),
            new_findings=found, resolved_findings=4,
        ),
        ScanSummary(
            run_id=None, site="www.example.com", status="limited", started_at=started,
            finished_at=started, checked=0, unchanged=0, failed=(), skipped=(), problems=(),
            new_findings=(), resolved_findings=0,
        ),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, list[Any]]]:
    """Every kind of JSON document, as the command writes it, by schema name."""
    tmp = tmp_path_factory.mktemp("json-schemas")
    db_url = f"sqlite:///{tmp}/record.db"
    env = {"ATTRIBUTION_DATABASE_URL": db_url}
    assert run_cli("db", "upgrade", env=env).returncode == 0
    profile = tmp / "attribution.toml"
    profile.write_text('[publication]\nname = "Example Daily"\ncommercial = false\n')
    server = LoopbackServer()
    site = Site(server)
    docs: dict[str, list[Any]] = {name: [] for name in schema_names()}
    try:
        story, untitled = site.url("/story"), site.url("/untitled")
        # The check document: image files read (embedded metadata, Content Credentials,
        # a missing file), then without them, with a profile, a saved page and a failure.
        docs["check"].append(cli_json("check", "--format", "json", story, env=env, code=1))
        docs["check"].append(
            cli_json(
                "check", "--format", "json", "--no-images", "--config", str(profile),
                untitled, str(SAVED_PAGE), site.url("/gone"), env=env, code=3,
            )
        )  # fmt: skip
        # Resolved, then found again; each check is a check document too.
        site.with_agency_picture = False
        docs["check"].append(cli_json("check", "--format", "json", story, env=env, code=1))
        site.with_agency_picture = True
        docs["check"].append(cli_json("check", "--format", "json", story, env=env, code=1))
        site.with_agency_picture = False  # and resolved again, as it stays
        docs["check"].append(cli_json("check", "--format", "json", story, env=env, code=1))
        sourced = sources_scenario(tmp, env, docs)

        # Waivers: one in force with an end date, one revoked, one that expired.
        found = cli_json("findings", "--format", "json", env=env)
        nc = by_id(found, "nc-commercial-use", "/harbour.jpg")
        ai = by_id(found, "ai-generated", "/made.jpg")
        until = (date.today() + timedelta(days=30)).isoformat()
        ok("waive", str(nc), "--reason", "By phone", "--until", until, "--by", "J. Smith", env=env)
        ok("waive", str(ai), "--reason", "Labelled as AI in the caption", env=env)
        waivers = cli_json("waivers", "list", "--format", "json", env=env)
        revoke = next(w["id"] for w in waivers if w["finding"] == ai)
        ok("waivers", "revoke", str(revoke), "--reason", "No label", env=env)
        library_recorded_page(db_url, date.today(), date.today() + timedelta(days=3))
        docs["waivers"].append(cli_json("waivers", "list", "--format", "json", env=env))
        docs["waivers"].append(cli_json("waivers", "list", "--all", "--format", "json", env=env))

        for status in ("all", "open"):
            docs["findings"].append(
                cli_json("findings", "--status", status, "--format", "json", env=env)
            )

        docs["history"].append(cli_json("history", story, "--format", "json", env=env))
        docs["history"].append(cli_json("history", untitled, "--format", "json", env=env))
        saved = docs["check"][1]["pages"][1]["url"]
        docs["history"].append(cli_json("history", saved, "--format", "json", env=env))
        docs["history"].append(
            cli_json("history", "https://expiry.example/story", "--format", "json", env=env)
        )
        docs["history"].append(cli_json("history", sourced, "--format", "json", env=env))
        # A scan whose image sitemap declares the story's pictures, one with everything a
        # sitemap may say of it and one with its address only; then a rescan.
        image_sitemap = (
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
            ' xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"><url>'
            f"<loc>{story}</loc><image:image><image:loc>{site.url('/harbour.jpg')}</image:loc>"
            "<image:caption>The harbour at dawn</image:caption><image:title>Harbour</image:title>"
            "<image:license>https://creativecommons.org/licenses/by-nc/2.0/</image:license>"
            f"</image:image><image:image><image:loc>{site.url('/made.jpg')}</image:loc>"
            "</image:image></url></urlset>"
        ).encode()
        server.routes["/sitemap.xml"] = lambda h: send(h, image_sitemap, "application/xml")
        server.routes["/robots.txt"] = lambda h: send(h, b"", "text/plain")
        for _ in range(2):
            scanned = run_cli("scan", site.url("/sitemap.xml"), "-q", env=env)
            assert scanned.returncode in (0, 1), scanned.stderr
        docs["history"].append(cli_json("history", story, "--format", "json", env=env))

        # The rights register: added, imported, updated, removed.
        ok("rights", "add", "AP", "--scope", "editorial", "--from", "2026-01-01",
           "--until", "2026-12-31", "--reference", "AP-17", "--note", "Signed", "--by", "Ann",
           env=env)  # fmt: skip
        ok("rights", "add", "Jane Doe Photography", "--yes", env=env)
        agreements = tmp / "agreements.csv"
        header = "provider,scope,valid_from,valid_until,reference\n"
        agreements.write_text(header + "Reuters,editorial,2026-01-01,,R-9\n")
        ok("rights", "import", str(agreements), "--by", "legal", env=env)
        agreements.write_text(header + "Reuters,editorial,2026-01-01,2026-12-31,R-9\n")
        ok("rights", "import", str(agreements), env=env)
        listed = cli_json("rights", "list", "--format", "json", env=env)
        jane = next(e["id"] for e in listed if e["provider"] == "Jane Doe Photography")
        ok("rights", "remove", str(jane), "--reason", "Ended", env=env)
        for on in ((), ("--at", date.today().isoformat())):
            docs["rights"].append(cli_json("rights", "list", *on, "--format", "json", env=env))
        docs["rights-history"].append(cli_json("rights", "history", "--format", "json", env=env))
        docs["rights-history"].append(
            cli_json("rights", "history", str(jane), "--format", "json", env=env)
        )
        docs["report"], docs["diff"] = audit_documents(db_url, story)
    finally:
        server.close()

    # Documents of the knowledge base and the parser.
    docs["licences"].append(cli_json("licences", "list", "--format", "json", env=env))
    for licence in ("CC-BY-NC-2.0", "CC-BY-SA-3.0-DE", "CC0-1.0"):
        docs["licence"].append(cli_json("licences", "show", licence, "--format", "json", env=env))
    docs["rules"].append(cli_json("rules", "--format", "json", env=env))
    corpus = FIXTURES.parent / "corpus" / "credits.jsonl"
    texts = [json.loads(line)["text"] for line in corpus.read_text(encoding="utf-8").splitlines()]
    parsed = run_cli("credits", "parse", stdin="\n".join(texts) + "\n", env=env)
    assert parsed.returncode == 0, parsed.stderr
    docs["credit"] = [json.loads(line) for line in parsed.stdout.splitlines()]
    assert len(docs["credit"]) == len([t for t in texts if t.strip()])
    docs["alert"] = [alert_json(summary) for summary in scan_summaries()]
    yield docs


@pytest.mark.parametrize("name", schema_names())
def test_real_output_matches_its_schema(name: str, documents: dict[str, list[Any]]) -> None:
    assert documents[name], f"no real {name} document was produced"
    for document in documents[name]:
        assert_valid(name, document)


def test_the_data_reaches_every_value_the_schemas_name(documents: dict[str, list[Any]]) -> None:
    """The scenario is worth what it covers: every status, event and action occurs."""
    findings = [f for document in documents["findings"] for f in document]
    assert {f["status"] for f in findings} == {"open", "resolved", "waived"}
    events = {change["event"] for f in findings for change in f["history"]}
    assert events == set(schema("findings")["$defs"]["change"]["properties"]["event"]["enum"])
    actions = {c["action"] for document in documents["rights-history"] for c in document}
    assert actions == {"added", "imported", "updated", "removed"}
    severities = {f["severity"] for f in findings}
    assert severities == {"error", "warning", "notice"}


# What a source said of an image: the fields of an answer are seen both ways in the
# newest answer; the last answer that showed a deleted item repeats them. A source's own
# licence history never has `since` (only a change noticed between two of attribution's
# answers does, in `changes`). A check always knows the day the page first showed an
# image (today at the latest): null is for a library caller's own evidence.
_ANSWER_FIELDS = (
    "attribution_required", "author_url", "credit", "detail", "id", "licence",
    "licence_name", "licence_url", "page", "posted", "restrictions", "usage_terms",
    "history[].after", "history[].before", "history[].since",
)  # fmt: skip


# Of those, the ones the scenario's last answers do show both ways.
_LAST_FOUND_BOTH_WAYS = {
    "attribution_required", "credit", "history[].after", "history[].before", "restrictions",
    "usage_terms",
}  # fmt: skip


def _at_source_exempt(prefix: str) -> set[str]:
    exempt = {
        f"{prefix}.last_found.{field}"
        for field in _ANSWER_FIELDS
        if field not in _LAST_FOUND_BOTH_WAYS
    }
    return exempt | {f"{prefix}.answer.history[].since", f"{prefix}.first_shown"}


# Nullable fields the real command cannot practically be made to write both ways, and why.
NOT_BOTH_WAYS = {
    "check": {
        # No current rule gives a page-level finding, so pages[].findings is always empty.
        "pages[].findings[].fix",
        # valid is null only when the manifest could not be validated (the c2pa library
        # missing, a file over 25 MiB); a signed test file always names its issuer and
        # generator.
        "pages[].images[].embedded.content_credentials.valid",
        "pages[].images[].embedded.content_credentials.issuer",
        "pages[].images[].embedded.content_credentials.claim_generator",
        "pages[].images[].embedded.content_credentials.problem",
        # Every rule gives a fix.
        "pages[].images[].findings[].fix",
        # The command always reads the page; null is for a library caller's own results.
        "pages[].source",
        *_at_source_exempt("pages[].images[].at_source"),
    },
    "findings": {
        "[].evidence.image_file.embedded.content_credentials.valid",
        "[].evidence.image_file.embedded.content_credentials.issuer",
        "[].evidence.image_file.embedded.content_credentials.claim_generator",
        "[].evidence.image_file.embedded.content_credentials.problem",
        # Every image recorded now has its page reading: these are null only for images
        # recorded before readings were kept.
        "[].evidence.page_fetch.requested_url",
        "[].evidence.page_fetch.final_url",
        "[].evidence.page_fetch.fetched_at",
        # The evidence is the last sighting: by then the scenario's sources deleted both
        # pictures, so their answers say so; what a found answer holds is seen both ways
        # in attribution.check/1 and attribution.history/1.
        *_at_source_exempt("[].evidence.at_source"),
        "[].evidence.at_source.last_found",
        *(f"[].evidence.at_source.answer.{field}" for field in _ANSWER_FIELDS),
    },
    "history": {
        # Every reading is recorded by a run.
        "[].run",
        *_at_source_exempt("[].images[].at_source"),
        # An answer recorded with a reading always has its number in the record.
        "[].images[].at_source.answer.id",
        "[].images[].embedded.content_credentials.valid",
        "[].images[].embedded.content_credentials.issuer",
        "[].images[].embedded.content_credentials.claim_generator",
        "[].images[].embedded.content_credentials.problem",
    },
    # Who made a change is the login name when --by is not given: null only on a system
    # without one.
    "waivers": {"[].by"},
    "rights": {"[].added_by"},
    "rights-history": {"[].by"},
    # Every licence of the knowledge base has notes.
    "licence": {"notes"},
    "licences": {"[].notes"},
    # No finding of the record changes its severity, credit or licence between two runs,
    # so no `changed` entry (tests/test_report_formats.py validates one made by hand), and
    # `changes` is empty for new and resolved ones; no current rule gives a page-level
    # finding that is new or resolved between two runs (its image null).
    "diff": {
        "changed[].changes[].after",
        "changed[].changes[].before",
        "changed[].image_url",
        "new[].changes[].after",
        "new[].changes[].before",
        "new[].image_url",
        "resolved[].changes[].after",
        "resolved[].changes[].before",
        "resolved[].image_url",
    },
    "report": {
        # What changed: as in attribution.diff/1 above.
        "changes.changed[].changes[].after",
        "changes.changed[].changes[].before",
        "changes.changed[].image_url",
        "changes.new[].changes[].after",
        "changes.new[].changes[].before",
        "changes.new[].image_url",
        "changes.resolved[].changes[].after",
        "changes.resolved[].changes[].before",
        "changes.resolved[].image_url",
        # Only waivers in force are listed: never revoked; an expiring one always ends.
        # The other fields of a waiver are seen both ways in attribution.waivers/1.
        "waivers[].by",
        "waivers[].until",
        "waivers[].revoked_at",
        "waivers[].revoked_by",
        "waivers[].revoke_reason",
        "expiring_waivers[].by",
        "expiring_waivers[].until",
        "expiring_waivers[].revoked_at",
        "expiring_waivers[].revoked_by",
        "expiring_waivers[].revoke_reason",
        # The register as it is now: no agreement in it is removed; the other fields of
        # an agreement are seen both ways in attribution.rights/1.
        "rights[].added_by",
        "rights[].note",
        "rights[].provider_name",
        "rights[].reference",
        "rights[].removed_at",
        "rights[].removed_by",
        "rights[].removed_reason",
        "rights[].valid_from",
        "rights[].valid_until",
        "providers[].agreement.added_by",
        "providers[].agreement.note",
        "providers[].agreement.provider_name",
        "providers[].agreement.reference",
        "providers[].agreement.removed_at",
        "providers[].agreement.removed_by",
        "providers[].agreement.removed_reason",
        "providers[].agreement.valid_from",
        "providers[].agreement.valid_until",
        # The trend shows the runs the commands ran, and each of them ended.
        "trend[].finished_at",
    },
}


def nullable_paths(node: Any, defs: dict[str, Any], path: str = "") -> Iterator[str]:
    """The path of every property the schema lets be null ("[]" stands for any item)."""
    if "$ref" in node:
        node = defs[node["$ref"].removeprefix("#/$defs/")]
    for option in node.get("anyOf", []):
        yield from nullable_paths(option, defs, path)
    if "items" in node:
        yield from nullable_paths(node["items"], defs, f"{path}[]")
    for key, child in node.get("properties", {}).items():
        where = f"{path}.{key}" if path else key
        types = child.get("type", [])
        options = child.get("anyOf", [])
        if "null" in types or {"type": "null"} in options:
            yield where
        yield from nullable_paths(child, defs, where)


def observed(
    value: Any, path: str = "", seen: dict[str, set[str]] | None = None
) -> dict[str, set[str]]:
    """Whether each path was seen null or set."""
    seen = {} if seen is None else seen
    if isinstance(value, list):
        for item in value:
            observed(item, f"{path}[]", seen)
    elif isinstance(value, dict):
        for key, child in value.items():
            where = f"{path}.{key}" if path else key
            seen.setdefault(where, set()).add("null" if child is None else "set")
            observed(child, where, seen)
    return seen


@pytest.mark.parametrize("name", schema_names())
def test_nullable_fields_are_seen_both_null_and_set(
    name: str, documents: dict[str, list[Any]]
) -> None:
    document_schema = schema(name)
    paths = set(nullable_paths(document_schema, document_schema.get("$defs", {})))
    seen: dict[str, set[str]] = {}
    for document in documents[name]:
        observed(document, "", seen)
    exempt = NOT_BOTH_WAYS.get(name, set())
    assert exempt <= paths, f"exemptions that are not nullable fields: {exempt - paths}"
    missing = {
        path: sorted(seen.get(path, set()))
        for path in sorted(paths - exempt)
        if seen.get(path, set()) != {"null", "set"}
    }
    assert not missing, f"{name}: nullable fields not seen both ways: {missing}"
    stale = sorted(path for path in exempt if seen.get(path) == {"null", "set"})
    assert not stale, f"{name}: seen both ways now, no longer exempt: {stale}"
