"""The storage sub-commands: ``db``, ``findings``, ``waive``, ``rights`` and ``runs``.

Thin: they parse arguments, call the store, and print text, JSON or CSV.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from attribution.errors import UsageError
from attribution.output import spreadsheet_safe, terminal_safe
from attribution.records import RightsEntry, StoredFinding
from attribution.store import (
    STATUSES,
    FindingFilter,
    add_rights,
    current_revision,
    head_revision,
    import_rights,
    list_findings,
    list_rights,
    list_runs,
    make_engine,
    open_database,
    parse_rights_csv,
    remove_rights,
    resolve_url,
    run_pages,
    safe_url,
    upgrade,
    waive,
)


def iso_date(value: str) -> date:
    """An argparse type for YYYY-MM-DD dates."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the storage sub-commands to the main parser."""
    db = commands.add_parser("db", help="the results database (create, upgrade, show)")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION")
    db_commands.add_parser(
        "upgrade",
        help="create the database or apply new migrations",
        description="Create the schema or bring it up to date. The embedded SQLite database "
        "is upgraded automatically; PostgreSQL (database.url in attribution.toml or "
        "ATTRIBUTION_DATABASE_URL) only with this command.",
    )
    db_commands.add_parser("status", help="which database is used and its migration")

    findings = commands.add_parser(
        "findings",
        help="list recorded findings (open by default) with filters",
        description="List the findings recorded by earlier checks. A finding keeps its "
        "identity (rule, page, image) across runs; a re-check that no longer finds it "
        "marks it resolved.",
    )
    findings.add_argument("--status", choices=(*STATUSES, "all"), default="open")
    findings.add_argument("--rule", action="append", default=[], help="repeatable")
    findings.add_argument(
        "--severity", action="append", default=[], choices=("error", "warning", "notice")
    )
    findings.add_argument("--page", metavar="TEXT", help="pages whose URL contains TEXT")
    findings.add_argument(
        "--since", type=iso_date, metavar="DATE", help="seen on or after this date (YYYY-MM-DD)"
    )
    findings.add_argument("--limit", type=int, default=None)
    findings.add_argument("--format", choices=("text", "json", "csv"), default="text")

    waiver = commands.add_parser(
        "waive",
        help="accept a finding, with a reason (and an end date)",
        description="Record that a finding is accepted. It stays out of the open list until "
        "--until (if given); a later check that still finds it keeps it waived.",
    )
    waiver.add_argument("finding", metavar="FINDING", help="number or identity (prefix)")
    waiver.add_argument("--reason", required=True)
    waiver.add_argument("--until", type=iso_date, metavar="DATE")

    rights = commands.add_parser("rights", help="the rights register of agreements")
    rights_commands = rights.add_subparsers(dest="rights_command", metavar="ACTION")
    add = rights_commands.add_parser("add", help="add an agreement with a provider")
    add.add_argument("provider", help="canonical name, e.g. 'Associated Press'")
    add.add_argument("--scope", default="any", help="e.g. editorial")
    add.add_argument("--from", dest="valid_from", type=iso_date, metavar="DATE")
    add.add_argument("--until", dest="valid_until", type=iso_date, metavar="DATE")
    add.add_argument("--reference", help="contract number or note")
    listing = rights_commands.add_parser("list", help="list the agreements")
    listing.add_argument("--format", choices=("text", "json", "csv"), default="text")
    remove = rights_commands.add_parser("remove", help="remove an agreement by number")
    remove.add_argument("entry", type=int, metavar="NUMBER")
    importing = rights_commands.add_parser(
        "import",
        help="add agreements from a CSV file",
        description="Add agreements from a CSV file whose first row names the columns: "
        "provider (required), scope, valid_from, valid_until, reference.",
    )
    importing.add_argument("file", type=Path, metavar="FILE.csv")

    runs = commands.add_parser("runs", help="recorded runs, and the pages a run finished")
    runs.add_argument(
        "run", nargs="?", type=int, metavar="RUN", help="show the pages this run finished"
    )
    runs.add_argument("--limit", type=int, default=20)


def run_command(args: argparse.Namespace, database_url: str | None) -> int | None:
    """Run a storage sub-command; None when ``args`` names none of them."""
    if args.command == "db" and args.db_command == "upgrade":
        return _db_upgrade(database_url)
    if args.command == "db" and args.db_command == "status":
        return _db_status(database_url)
    if args.command == "findings":
        return _findings(args, database_url)
    if args.command == "waive":
        return _waive(args, database_url)
    if args.command == "rights" and args.rights_command:
        return _rights(args, database_url)
    if args.command == "runs":
        return _runs(args, database_url)
    return None


def _db_upgrade(database_url: str | None) -> int:
    url, _ = resolve_url(database_url)
    engine = make_engine(url)
    try:
        before = current_revision(engine)
        upgrade(engine)
        after = current_revision(engine)
    finally:
        engine.dispose()
    state = "already at" if before == after else f"upgraded from {before or 'empty'} to"
    print(f"{safe_url(url)}: {state} migration {after}")
    return 0


def _db_status(database_url: str | None) -> int:
    url, embedded = resolve_url(database_url)
    engine = make_engine(url)
    try:
        current, head = current_revision(engine), head_revision(engine)
    finally:
        engine.dispose()
    kind = "embedded SQLite (default)" if embedded else "configured"
    print(f"database: {safe_url(url)} ({kind})")
    print(f"migration: {current or 'none (empty)'}; newest known: {head}")
    return 0


def _findings(args: argparse.Namespace, database_url: str | None) -> int:
    statuses = STATUSES if args.status == "all" else (args.status,)
    since = datetime.combine(args.since, datetime.min.time(), UTC) if args.since else None
    query = FindingFilter(
        statuses=statuses,
        rules=tuple(args.rule),
        severities=tuple(args.severity),
        page=args.page,
        since=since,
        limit=args.limit,
    )
    db = open_database(database_url)
    try:
        found = list_findings(db, query)
    finally:
        db.close()
    if args.format == "json":
        print(json.dumps([_finding_json(f) for f in found], indent=2, ensure_ascii=False))
    elif args.format == "csv":
        print(_findings_csv(found), end="")
    else:
        for finding in found:
            print(terminal_safe(_finding_text(finding)))
        print(f"{len(found)} finding(s)")
    return 0


def _finding_json(finding: StoredFinding) -> dict[str, object]:
    return {
        "id": finding.id,
        "identity": finding.identity,
        "rule": finding.rule,
        "severity": finding.severity.value,
        "status": finding.status,
        "page": finding.page_url,
        "image": finding.image_url,
        "message": finding.message,
        "fix": finding.fix,
        "first_seen": finding.first_seen.isoformat(),
        "last_seen": finding.last_seen.isoformat(),
        "waiver_reason": finding.waiver_reason,
        "waiver_until": finding.waiver_until.isoformat() if finding.waiver_until else None,
    }


FINDING_COLUMNS = (
    "id", "identity", "rule", "severity", "status", "page", "image", "message", "fix",
    "first_seen", "last_seen", "waiver_reason", "waiver_until",
)  # fmt: skip


def _findings_csv(found: list[StoredFinding]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(FINDING_COLUMNS)
    for finding in found:
        row = _finding_json(finding)
        writer.writerow(
            [spreadsheet_safe(None if row[c] is None else str(row[c])) for c in FINDING_COLUMNS]
        )
    return buffer.getvalue()


def _finding_text(finding: StoredFinding) -> str:
    status = finding.status.upper() if finding.status != "open" else "open"
    waiver = ""
    if finding.waiver_reason:
        until = f" until {finding.waiver_until}" if finding.waiver_until else ""
        waiver = f"\n      waived{until}: {finding.waiver_reason}"
    return (
        f"#{finding.id} {finding.identity[:10]} {finding.severity.value:7} {status:8} "
        f"[{finding.rule}] last seen {finding.last_seen:%Y-%m-%d}\n"
        f"      {finding.page_url}\n      {finding.message}{waiver}"
    )


def _waive(args: argparse.Namespace, database_url: str | None) -> int:
    db = open_database(database_url)
    try:
        finding = waive(db, args.finding, args.reason, args.until)
    finally:
        db.close()
    until = f" until {finding.waiver_until}" if finding.waiver_until else ""
    print(terminal_safe(f"waived #{finding.id} [{finding.rule}]{until}: {finding.waiver_reason}"))
    return 0


def _rights(args: argparse.Namespace, database_url: str | None) -> int:
    db = open_database(database_url)
    try:
        if args.rights_command == "add":
            if args.valid_from and args.valid_until and args.valid_until < args.valid_from:
                raise UsageError("--until is before --from")
            entry = add_rights(
                db,
                RightsEntry(
                    args.provider, args.scope, args.valid_from, args.valid_until, args.reference
                ),
            )
            print(f"added #{entry.id}: {_rights_text(entry)}")
        elif args.rights_command == "remove":
            remove_rights(db, args.entry)
            print(f"removed #{args.entry}")
        elif args.rights_command == "import":
            try:
                text = args.file.read_text(encoding="utf-8-sig")
            except OSError as error:
                raise UsageError(f"{args.file}: cannot be read ({error.strerror})") from None
            count = import_rights(db, parse_rights_csv(text, str(args.file)))
            print(f"imported {count} agreement(s) from {args.file}")
        else:
            _print_rights(list_rights(db), args.format)
    finally:
        db.close()
    return 0


def _rights_text(entry: RightsEntry) -> str:
    valid = f"{entry.valid_from or '…'} – {entry.valid_until or '…'}"
    reference = f" ({entry.reference})" if entry.reference else ""
    return f"{entry.provider} [{entry.scope}] {valid}{reference}"


def _print_rights(entries: tuple[RightsEntry, ...], fmt: str) -> None:
    rows = [
        {
            "id": e.id,
            "provider": e.provider,
            "scope": e.scope,
            "valid_from": e.valid_from.isoformat() if e.valid_from else None,
            "valid_until": e.valid_until.isoformat() if e.valid_until else None,
            "reference": e.reference,
        }
        for e in entries
    ]
    if fmt == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(["id", "provider", "scope", "valid_from", "valid_until", "reference"])
        for row in rows:
            writer.writerow([spreadsheet_safe(None if v is None else str(v)) for v in row.values()])
    else:
        for entry in entries:
            print(terminal_safe(f"#{entry.id} {_rights_text(entry)}"))
        print(f"{len(entries)} agreement(s)")


def _runs(args: argparse.Namespace, database_url: str | None) -> int:
    db = open_database(database_url)
    try:
        if args.run is not None:
            pages = run_pages(db, args.run)
            for url in pages:
                print(terminal_safe(url))
            print(f"run {args.run}: {len(pages)} page(s) recorded")
            return 0
        for run in list_runs(db, args.limit):
            left = f", {run.pending} not reached" if run.pending else ""
            print(
                f"#{run.id} {run.kind:5} {run.status:11} {run.started_at:%Y-%m-%d %H:%M} "
                f"pages {run.pages_done} done, {run.pages_failed} failed{left}; "
                f"images {run.images}; {run.errors} error(s), {run.warnings} warning(s)"
            )
            if run.status == "interrupted" and (run.pending or run.pages_failed):
                print(f"    resume it with: attribution check --resume {run.id}")
    finally:
        db.close()
    return 0
