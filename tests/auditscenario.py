"""A newsroom's record for the tests of audit reports, made through the installed
``attribution`` command against pages served on loopback.

:func:`build_audit_scenario` fills the database at a URL (SQLite or PostgreSQL) with
three runs over four pages in two sections:

``/news/harbour.html``
    an AP picture (agency-not-licensed, an error: the register has no agreement with
    AP), a CC BY-NC picture (nc-commercial-use, an error, with attribution-incomplete
    and licence-not-linked warnings) and a staff picture (no findings).
``/news/gallery.html``
    a Reuters picture whose caption holds ``<script>…</script>`` as text (no findings:
    the register has an agreement with Reuters) and a picture whose caption holds an
    ``<img … onerror=…>`` as text and whose credit is a spreadsheet formula
    (unparsed-credit, a warning; waived without end).
``/sport/match.html``
    a CC BY picture without a licence link (two warnings; its attribution-incomplete
    waived until ten days from today) and a staff picture.
``/sport/final.html``
    a Getty Images picture (agency-not-licensed).

Runs: 1 a check of the four pages; 2 a scan of the same list; then the pages change
(the Getty picture is replaced by a staff one: resolved; an AP picture is added to
``/sport/match.html``: new; the CC BY-NC picture's photographer is renamed: its
findings' credit changes) and 3 is a scan with a stricter profile (licence-not-linked
an error: those findings' severity changes). The Reuters agreement is recorded
before the first run; the waivers between the first and the second.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from conftest import LoopbackServer, run_cli, send
from imagefactory import Metadata, jpeg

PROFILE = Path(__file__).parent / "fixtures" / "profiles" / "daily-courier.toml"
# The stricter profile of the last run: a licence named and not linked is an error.
STRICT_PROFILE_TEXT = (
    "# The Daily Courier after legal's review: unlinked licences are errors.\n"
    '[publication]\nname = "Daily Courier"\n\n[rules]\n"licence-not-linked" = "error"\n'
)

SCRIPT_CAPTION = "<script>window.__pwned=1</script>"
ONERROR_CAPTION = '<img src=x onerror="window.__pwned=1">'
FORMULA_CREDIT = '=HYPERLINK("http://evil","x")'
AP_CREDIT = "AP Photo/Jane Doe"
AP_CREDIT_ADDED = "AP Photo/John Roe"
NC_CREDIT = "John Smith / CC BY-NC 2.0"
NC_CREDIT_RENAMED = "Jon Smyth / CC BY-NC 2.0"
BY_CREDIT = "Jane Roe, CC BY 4.0"
STAFF_CREDIT = "Maria Berg/Daily Courier"
GETTY_CREDIT = "Getty Images"
REUTERS_CREDIT = "Reuters/Tom Lee"
WAIVER_REASON = "Credit under review with the picture desk"
EXPIRING_REASON = "Photographer agreed by e-mail; full credit follows"
EXPIRING_DAYS = 10
IMAGES = ("ap", "ap2", "nc", "by", "staff", "staff2", "staff3", "rt", "formula", "getty")


@dataclass(frozen=True)
class AuditScenario:
    """The record the scenario made: where it is, the profiles its runs used, its runs
    (a check, then two scans) and its pages by name (harbour, gallery, match, final)."""

    database_url: str
    profile: Path
    strict_profile: Path
    runs: tuple[int, int, int]
    pages: Mapping[str, str]
    base: str
    today: date

    def image(self, name: str) -> str:
        """The address of one of the scenario's pictures (``ap``, ``nc``, ``by``…)."""
        return f"{self.base}/img/{name}.jpg"

    @property
    def env(self) -> dict[str, str]:
        """The environment that points the command at this record and its profile."""
        return {
            "ATTRIBUTION_DATABASE_URL": self.database_url,
            "ATTRIBUTION_CONFIG": str(self.profile),
        }


def figure(image: str, caption: str, credit: str) -> str:
    """One picture with its caption and credit, escaped as a CMS escapes text (so
    that markup in a caption is text a reader sees, not markup)."""
    from html import escape

    return (
        f"<figure><img src='/img/{image}.jpg' width=800 height=600>"
        f"<figcaption>{escape(caption)} Photo: {escape(credit)}</figcaption></figure>"
    )


def article(title: str, *figures: str) -> bytes:
    """An article page holding ``figures``."""
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        + "".join(figures)
        + "</article></body></html>"
    ).encode()


def first_pages() -> dict[str, bytes]:
    """The four pages as the first two runs read them, by name."""
    return {
        "harbour": article(
            "Harbour talks",
            figure("ap", "Summit talks.", AP_CREDIT),
            figure("nc", "The quay.", NC_CREDIT),
            figure("staff", "The mayor.", STAFF_CREDIT),
        ),
        "gallery": article(
            "Gallery",
            figure("rt", f"{SCRIPT_CAPTION} Crowds.", REUTERS_CREDIT),
            figure("formula", f"{ONERROR_CAPTION} Boats.", FORMULA_CREDIT),
        ),
        "match": article(
            "The match",
            figure("by", "The pier.", BY_CREDIT),
            figure("staff2", "The coach.", STAFF_CREDIT),
        ),
        "final": article("The final", figure("getty", "Fans.", GETTY_CREDIT)),
    }


def last_pages() -> dict[str, bytes]:
    """The pages as the last run reads them: Getty replaced, AP added, NC renamed."""
    pages = first_pages()
    pages["harbour"] = article(
        "Harbour talks",
        figure("ap", "Summit talks.", AP_CREDIT),
        figure("nc", "The quay.", NC_CREDIT_RENAMED),
        figure("staff", "The mayor.", STAFF_CREDIT),
    )
    pages["match"] = article(
        "The match",
        figure("by", "The pier.", BY_CREDIT),
        figure("staff2", "The coach.", STAFF_CREDIT),
        figure("ap2", "The winning goal.", AP_CREDIT_ADDED),
    )
    pages["final"] = article("The final", figure("staff3", "Fans.", STAFF_CREDIT))
    return pages


PATHS = {
    "harbour": "/news/harbour.html",
    "gallery": "/news/gallery.html",
    "match": "/sport/match.html",
    "final": "/sport/final.html",
}


def _body(pages: dict[str, bytes], name: str) -> Callable[[BaseHTTPRequestHandler], None]:
    return lambda handler: send(handler, pages[name])


def serve_site(server: LoopbackServer, pages: dict[str, bytes]) -> None:
    """Serve ``pages`` (changed later in place), their pictures and robots.txt."""
    server.routes["/robots.txt"] = lambda handler: send(handler, b"", "text/plain")
    for number, name in enumerate(IMAGES):
        picture = jpeg(Metadata(), padding=number * 16)  # each its own bytes

        def route(handler: BaseHTTPRequestHandler, picture: bytes = picture) -> None:
            send(handler, picture, "image/jpeg")

        server.routes[f"/img/{name}.jpg"] = route
    for name, path in PATHS.items():
        server.routes[path] = _body(pages, name)


def cli(env: dict[str, str], *args: str, expect: tuple[int, ...] = (0,)) -> str:
    """Run the command; check its exit code; give its standard output."""
    result = run_cli(*args, env=env)
    assert result.returncode in expect, (args, result.returncode, result.stdout, result.stderr)
    return result.stdout


def run_ids(env: dict[str, str]) -> list[int]:
    """The runs in the record, oldest first."""
    listing = cli(env, "runs").splitlines()
    return sorted(int(line.split()[0].lstrip("#")) for line in listing if line.startswith("#"))


def finding_id(env: dict[str, str], rule: str, image: str) -> int:
    """The id of the finding of ``rule`` about the picture at ``image``."""
    listed: list[dict[str, Any]] = json.loads(
        cli(env, "findings", "--status", "all", "--format", "json")
    )
    (found,) = [f["id"] for f in listed if f["rule"] == rule and f["image"] == image]
    return int(found)


def build_audit_scenario(database_url: str, folder: Path | None = None) -> AuditScenario:
    """Make the scenario's record in the (empty) database at ``database_url``; the
    stricter profile and the scans' list of pages go in ``folder``."""
    folder = folder or Path(tempfile.mkdtemp(prefix="audit-scenario-"))
    strict = folder / "daily-courier-strict.toml"
    strict.write_text(STRICT_PROFILE_TEXT, encoding="utf-8")
    env = {"ATTRIBUTION_DATABASE_URL": database_url, "ATTRIBUTION_CONFIG": str(PROFILE)}
    today = date.today()
    pages = first_pages()
    server = LoopbackServer()
    try:
        serve_site(server, pages)
        urls = {name: server.url(path) for name, path in PATHS.items()}
        listed = folder / "urls.txt"
        listed.write_text("".join(f"{urls[name]}\n" for name in PATHS), encoding="utf-8")
        cli(env, "db", "upgrade")
        cli(env, "rights", "add", "Reuters", "--reference", "RT-2026-1", "--by", "legal")
        cli(env, "check", *urls.values(), expect=(1,))
        _waive(env, server.url("/img/formula.jpg"), server.url("/img/by.jpg"), today)
        cli(env, "scan", str(listed), "-q", expect=(0, 1))
        pages.update(last_pages())
        cli(env, "scan", str(listed), "-q", "--full", "--config", str(strict), expect=(0, 1))
        first, second, third = run_ids(env)
        return AuditScenario(
            database_url=database_url,
            profile=PROFILE,
            strict_profile=strict,
            runs=(first, second, third),
            pages=urls,
            base=server.base,
            today=today,
        )
    finally:
        server.close()


def _waive(env: dict[str, str], formula_image: str, by_image: str, today: date) -> None:
    """Waive the formula credit's finding without end, and the CC BY picture's
    incomplete attribution until ten days from ``today``."""
    cli(
        env,
        "waive",
        str(finding_id(env, "unparsed-credit", formula_image)),
        "--reason",
        WAIVER_REASON,
        "--by",
        "J. Smith",
    )
    until = today + timedelta(days=EXPIRING_DAYS)
    cli(
        env,
        "waive",
        str(finding_id(env, "attribution-incomplete", by_image)),
        "--reason",
        EXPIRING_REASON,
        "--until",
        until.isoformat(),
        "--by",
        "legal",
    )
