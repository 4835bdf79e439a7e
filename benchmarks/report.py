"""Audit reports over a large record: ``python benchmarks/report.py`` (or
``python benchmarks/run.py report``).

A SQLite database in the migrated schema is filled with ``BENCH_FINDINGS`` findings
(default 100,000) on a tenth as many pages, each page with four images shown in two
scans, bulk-inserted with SQLAlchemy Core. Then each task runs in a fresh process, so
that its peak memory (``ru_maxrss``) is its own:

- the baseline: a raw SQL export of the same findings (open and waived) joined to
  their page, image, latest appearance and waiver, written as CSV with the sqlite3
  module;
- the import of the report's modules alone (what any report pays before a row);
- streaming every finding and image through ``open_report(...).findings()`` and
  ``images()`` into an :class:`AuditTally` (with the diff of the last two scans);
- ``attribution report --format html|xlsx|csv|json --output FILE``, for each format
  the installed command offers (a line says why one is skipped).

Time and peak memory are printed as ratios to the baseline, with absolute figures.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
ROOT = HERE.parent.parent
IMAGES_PER_PAGE = 4
# The findings of one page: (image index, rule, severity); ten a page.
PAGE_FINDINGS = (
    (0, "agency-not-licensed", "error"),
    (1, "nc-commercial-use", "error"),
    (1, "attribution-incomplete", "warning"),
    (1, "licence-not-linked", "warning"),
    (2, "attribution-incomplete", "warning"),
    (2, "licence-not-linked", "warning"),
    (2, "missing-source-link", "notice"),
    (3, "unparsed-credit", "warning"),
    (3, "missing-credit", "error"),
    (3, "all-rights-reserved", "error"),
)
CREDITS = (
    ("AP Photo/Jane Doe {n}", {"provider": "Associated Press", "kind": "agency"}),
    ("John Smith {n} / CC BY-NC 2.0", {"licence": "CC-BY-NC-2.0", "kind": "creative-commons"}),
    ("Jane Roe {n}, CC BY 4.0", {"licence": "CC-BY-4.0", "kind": "creative-commons"}),
    ("© Studio {n}", {"provider": "Studio {n}", "kind": "copyright"}),
)
FORMATS = ("html", "xlsx", "csv", "json")


# --- the record -----------------------------------------------------------------------


def _chunks(rows: list[dict[str, Any]], size: int = 5_000) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _insert(connection: Any, model: Any, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` into ``model``'s table, a few thousand a statement batch."""
    for chunk in _chunks(rows):
        connection.execute(model.__table__.insert(), chunk)


def _page_url(n: int) -> str:
    section = "news" if n % 2 else "sport"
    return f"https://www.example.com/{section}/2026/story-{n}.html"


def _pages_and_images(
    pages: int, t0: datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The pages (half in /news/, half in /sport/) and their images."""
    from attribution.store.models import url_key

    page_rows, image_rows = [], []
    for n in range(1, pages + 1):
        url = _page_url(n)
        page_rows.append(
            {
                "id": n,
                "url": url,
                "url_key": url_key(url),
                "title": f"Story {n}",
                "first_seen": t0,
                "last_checked": t0 + timedelta(days=1),
            }
        )
        for k in range(IMAGES_PER_PAGE):
            image = f"https://cdn.example.com/img/{n}-{k}.jpg"
            image_rows.append(
                {
                    "id": (n - 1) * IMAGES_PER_PAGE + k + 1,
                    "url": image,
                    "url_key": url_key(image),
                    "first_seen": t0,
                    "last_seen": t0 + timedelta(days=1),
                }
            )
    return page_rows, image_rows


def _fetch_id(run: int, page: int, pages: int) -> int:
    return (run - 1) * pages + page


def _fetches(pages: int, runs: tuple[datetime, datetime]) -> list[dict[str, Any]]:
    """Each page read in both scans (the reading its images belong to)."""
    rows = []
    for run, at in enumerate(runs, start=1):
        for n in range(1, pages + 1):
            url = _page_url(n)
            rows.append(
                {
                    "id": _fetch_id(run, n, pages),
                    "run_id": run,
                    "page_id": n,
                    "requested_url": url,
                    "final_url": url,
                    "http_status": 200,
                    "fetched_at": at,
                    "sha256": hashlib.sha256(f"{run}-{n}".encode()).hexdigest(),
                    "size": 40_000,
                    "images": IMAGES_PER_PAGE,
                    "unchanged": False,
                }
            )
    return rows


def _appearances(pages: int, runs: tuple[datetime, datetime]) -> list[dict[str, Any]]:
    """Each image on its page in both scans; a tenth of the credits renamed in the second."""
    rows = []
    for run, at in enumerate(runs, start=1):
        for n in range(1, pages + 1):
            for k in range(IMAGES_PER_PAGE):
                text, facts = CREDITS[k]
                name = n + 1 if run == 2 and n % 10 == 0 else n
                credit = {key: value.format(n=name) for key, value in facts.items()}
                rows.append(
                    {
                        "run_id": run,
                        "fetch_id": _fetch_id(run, n, pages),
                        "page_id": n,
                        "image_id": (n - 1) * IMAGES_PER_PAGE + k + 1,
                        "position": k,
                        "role": "content",
                        "caption": f"Picture {k} of story {n}.",
                        "credit_text": text.format(n=name),
                        "credit": credit,
                        "checked_at": at,
                    }
                )
    return rows


def _findings(pages: int, runs: tuple[datetime, datetime]) -> tuple[list[dict[str, Any]], ...]:
    """The findings (a tenth resolved in the second scan, a tenth waived), their
    events and the waivers."""
    findings, events, waivers = [], [], []
    first, second = runs
    ident = 0
    for n in range(1, pages + 1):
        for k, rule, severity in PAGE_FINDINGS:
            ident += 1
            image = (n - 1) * IMAGES_PER_PAGE + k + 1
            status = {0: "resolved", 1: "waived"}.get(ident % 10, "open")
            findings.append(
                {
                    "id": ident,
                    "identity": hashlib.sha256(f"{rule}|{n}|{k}".encode()).hexdigest(),
                    "rule": rule,
                    "severity": severity,
                    "page_id": n,
                    "image_id": image,
                    "message": f"Image {n}-{k}.jpg: {rule}.",
                    "fix": _fix(rule, n),
                    "status": status,
                    "first_seen": first,
                    "last_seen": first if status == "resolved" else second,
                    "first_run_id": 1,
                    "last_run_id": 1 if status == "resolved" else 2,
                    "resolved_at": second if status == "resolved" else None,
                }
            )
            events.append(_event(ident, first, "found", "open", severity, 1))
            if status == "resolved":
                events.append(_event(ident, second, "resolved", "resolved", severity, 2))
            elif status == "waived":
                events.append(
                    _event(ident, first + timedelta(hours=1), "waived", "waived", severity, None)
                )
                waivers.append(
                    {
                        "finding_id": ident,
                        "reason": "Agreed by e-mail",
                        "created_by": "legal",
                        "created_at": first + timedelta(hours=1),
                        "until": (first + timedelta(days=20)).date() if ident % 20 == 1 else None,
                    }
                )
    return findings, events, waivers


def _fix(rule: str, n: int) -> str:
    if rule == "attribution-incomplete":
        return (
            f"Use the complete attribution: Photo: Jane Roe {n} (link), CC BY 4.0 — in HTML: "
            f'Photo: <a href="#">Jane Roe {n}</a>, <a rel="license" href="#">CC BY 4.0</a>'
        )
    return "Add the agreement to the rights register, or replace the image."


def _event(
    finding: int, at: datetime, event: str, status: str, severity: str, run: int | None
) -> dict[str, Any]:
    return {
        "finding_id": finding,
        "at": at,
        "event": event,
        "status": status,
        "severity": severity,
        "run_id": run,
        "actor": None if run else "legal",
    }


def build_record(path: Path, findings: int) -> None:
    """Fill a new SQLite database at ``path`` with ``findings`` findings."""
    from attribution.store import open_database
    from attribution.store.models import (
        Appearance,
        FindingEvent,
        FindingRow,
        Image,
        Page,
        PageFetch,
        Run,
        Waiver,
    )

    pages = max(1, findings // len(PAGE_FINDINGS))
    t0 = datetime(2026, 11, 1, 3, tzinfo=UTC)
    runs = (t0, t0 + timedelta(days=1))
    db = open_database(f"sqlite:///{path}", auto_upgrade=True)
    page_rows, image_rows = _pages_and_images(pages, t0)
    finding_rows, events, waivers = _findings(pages, runs)
    with db.engine.begin() as connection:
        _insert(connection, Run, [_run(at) for at in runs])
        _insert(connection, Page, page_rows)
        _insert(connection, Image, image_rows)
        _insert(connection, PageFetch, _fetches(pages, runs))
        _insert(connection, Appearance, _appearances(pages, runs))
        _insert(connection, FindingRow, finding_rows)
        _insert(connection, FindingEvent, events)
        _insert(connection, Waiver, waivers)
    db.close()


def _run(at: datetime) -> dict[str, Any]:
    return {
        "kind": "scan",
        "started_at": at,
        "finished_at": at + timedelta(hours=1),
        "status": "finished",
        "targets": [],
        "options": {},
        "host": "bench",
        "pid": 1,
    }


# --- the tasks, each in its own process ----------------------------------------------

BASELINE_SQL = """
WITH latest AS (
  SELECT page_id, image_id, max(id) AS id FROM appearances GROUP BY page_id, image_id
)
SELECT f.id, f.rule, f.severity, f.status, p.url, p.title, i.url, f.message, f.fix,
       f.first_seen, f.last_seen, a.caption, a.credit_text,
       json_extract(a.credit, '$.provider'), json_extract(a.credit, '$.licence'),
       w.reason, w.until, w.created_by
FROM findings f
JOIN pages p ON p.id = f.page_id
LEFT JOIN images i ON i.id = f.image_id
LEFT JOIN latest l ON l.page_id = f.page_id AND l.image_id = f.image_id
LEFT JOIN appearances a ON a.id = l.id
LEFT JOIN waivers w ON w.finding_id = f.id AND w.revoked_at IS NULL
WHERE f.status IN ('open', 'waived')
ORDER BY CASE f.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,
         f.rule, p.url, f.id
"""


def task_baseline(database: Path, output: Path) -> dict[str, Any]:
    """The raw export: the findings with their evidence as CSV, with sqlite3 and csv."""
    import csv
    import sqlite3

    connection = sqlite3.connect(database)
    rows = 0
    with output.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        for row in connection.execute(BASELINE_SQL):
            writer.writerow(row)
            rows += 1
    connection.close()
    return {"findings": rows}


def task_imports(database: Path, output: Path) -> dict[str, Any]:
    """Only the imports the streamed report needs."""
    import importlib

    from attribution.store import open_database

    for module in ("attribution.app.report", "attribution.store.reports"):
        importlib.import_module(module)

    open_database(f"sqlite:///{database}").close()
    return {}


def task_stream(database: Path, output: Path) -> dict[str, Any]:
    """Every finding and image of the report through an AuditTally."""
    from attribution.app.report import open_report
    from attribution.records import Profile, ReportScope
    from attribution.render.audit import AuditTally
    from attribution.store import open_database

    db = open_database(f"sqlite:///{database}")
    tally = AuditTally()
    with open_report(db, Profile(), ReportScope()) as report:
        for finding in report.findings():
            tally.add_finding(finding)
        for image in report.images():
            tally.add_image(image)
        providers = len(report.provider_uses(tally))
        changed = len(report.diff.entries) if report.diff else 0
    db.close()
    if not tally.images:  # a report that finds no pictures measures nothing worth having
        raise SystemExit("the report found none of the record's images")
    return {
        "findings": tally.findings,
        "images": tally.images,
        "providers": providers,
        "diff_entries": changed,
    }


def task_command(database: Path, output: Path, fmt: str) -> dict[str, Any]:
    """``attribution report --format FMT --output FILE``, as a child (its peak memory is
    this process's children's)."""
    env = {**os.environ, "ATTRIBUTION_DATABASE_URL": f"sqlite:///{database}"}
    command = [
        sys.executable,
        "-m",
        "attribution",
        "report",
        "--format",
        fmt,
        "--output",
        str(output),
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "failed")
    return {"bytes": output.stat().st_size, "children": True}


def task_build(database: Path, output: Path, findings: str) -> dict[str, Any]:
    """Fill the record (in a child too, so that the parent stays small: a child's peak
    memory counts what it shared with its parent before it started)."""
    build_record(database, int(findings))
    return {}


TASKS: dict[str, Callable[..., dict[str, Any]]] = {
    "build": task_build,
    "baseline": task_baseline,
    "imports": task_imports,
    "stream": task_stream,
    "command": task_command,
}


def child_main(name: str, database: str, output: str, *extra: str) -> None:
    """Run one task in this (fresh) process and print its figures as JSON."""
    started = time.perf_counter()
    figures = TASKS[name](Path(database), Path(output), *extra)
    figures["seconds"] = time.perf_counter() - started
    who = resource.RUSAGE_CHILDREN if figures.pop("children", False) else resource.RUSAGE_SELF
    figures["peak_kib"] = resource.getrusage(who).ru_maxrss
    print(json.dumps(figures))


def run_task(name: str, database: Path, output: Path, *extra: str) -> dict[str, Any]:
    """Run a task in a fresh interpreter; its figures."""
    done = subprocess.run(
        [sys.executable, str(HERE), "--task", name, str(database), str(output), *extra],
        capture_output=True,
        text=True,
        check=False,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        },
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "failed")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --- the benchmark --------------------------------------------------------------------


def report_formats() -> tuple[list[str], str | None]:
    """The formats ``attribution report`` offers, or why none can be measured."""
    done = subprocess.run(
        [sys.executable, "-m", "attribution", "report", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return [], "no 'attribution report' command in this version"
    return [fmt for fmt in FORMATS if fmt in done.stdout], None


def line(label: str, figures: dict[str, Any], base: dict[str, Any]) -> str:
    """One task's figures beside the baseline's."""
    seconds, peak = figures["seconds"], figures["peak_kib"] / 1024
    return (
        f"  {label:34}: {seconds:6.2f} s ({seconds / base['seconds']:5.1f}x), "
        f"peak {peak:6.0f} MiB ({figures['peak_kib'] / base['peak_kib']:4.1f}x)"
    )


def bench_report() -> None:
    """Build the record, then time each task beside the raw export."""
    findings = int(os.environ.get("BENCH_FINDINGS", "100000"))
    folder = Path(tempfile.mkdtemp(prefix="attribution-bench-report-"))
    database = folder / "report.db"
    built = run_task("build", database, folder / "none", str(findings))
    print(
        f"report: {findings} findings on {findings // len(PAGE_FINDINGS)} pages, built in {built['seconds']:.1f} s"
    )
    base = run_task("baseline", database, folder / "baseline.csv")
    print(
        f"  {'raw SQL export to CSV (baseline)':34}: {base['seconds']:6.2f} s, "
        f"peak {base['peak_kib'] / 1024:6.0f} MiB, {base['findings']} findings"
    )
    imports = run_task("imports", database, folder / "none")
    print(line("imports and opening only", imports, base))
    stream = run_task("stream", database, folder / "none")
    print(line("open_report, findings+images tally", stream, base))
    print(
        f"    ({stream['findings']} findings, {stream['images']} images, "
        f"{stream['providers']} providers, {stream['diff_entries']} changes since the last scan)"
    )
    formats, why = report_formats()
    for fmt in FORMATS:
        if fmt not in formats:
            print(f"  attribution report --format {fmt}: skipped ({why or 'format not offered'})")
            continue
        with contextlib.suppress(RuntimeError):
            figures = run_task("command", database, folder / f"audit.{fmt}", fmt)
            print(
                line(f"attribution report --format {fmt}", figures, base)
                + f", {figures['bytes'] / 1e6:.1f} MB"
            )
            continue
        print(f"  attribution report --format {fmt}: failed")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--task"]:
        child_main(*sys.argv[2:])
    else:
        sys.path.insert(0, str(ROOT))
        bench_report()
