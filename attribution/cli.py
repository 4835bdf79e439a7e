"""The ``attribution`` command: a thin layer that parses arguments, calls the library
and maps errors to exit codes (0 clean, 1 findings, 2 usage/configuration, 3 operational).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Never

from tqdm import tqdm

from attribution import __version__
from attribution.cli_store import add_commands as add_store_commands
from attribution.cli_store import run_command as run_store_command
from attribution.config import find_profile, load_profile
from attribution.credits import parse_credit
from attribution.errors import AttributionError, ConfigError, UsageError
from attribution.fetch import FetchSettings
from attribution.licences import default_knowledge_base
from attribution.output import (
    render_csv,
    render_html,
    render_json,
    render_text,
    terminal_safe,
)
from attribution.pipeline import TargetOutcome, check_targets
from attribution.recorder import Recorder
from attribution.records import Profile
from attribution.rules import RULE_IDS, RULES, rules_markdown
from attribution.serialize import credit_json

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_OPERATIONAL = 0, 1, 2, 3
STORE_COMMANDS = frozenset({"db", "findings", "waive", "rights", "runs"})
FAIL_ON = {"error": 2, "warning": 1, "notice": 0, "never": 99}

DESCRIPTION = """\
Find every image on a page, read its credit, know its licence, and say whether the
publication may use it and what to fix.

examples:
  attribution check https://example.com/news/story.html
  attribution check saved-page.html --format json
  curl -s https://example.com/story | attribution check - --base-url https://example.com/story
  echo "Photo: Jane Doe/CC BY-SA 3.0 via Wikimedia Commons" | attribution credits parse
  attribution licences show CC-BY-NC-2.0

exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
            2 usage or configuration error, 3 a target could not be fetched or read
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every sub-command."""
    parser = argparse.ArgumentParser(
        prog="attribution",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"attribution {__version__}")
    parser.add_argument(
        "--config",
        metavar="FILE",
        type=Path,
        help="publication profile (default: ./attribution.toml when present)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser(
        "check",
        help="check pages (URLs, HTML files or - for stdin) and report each image",
        description="Check one or more pages: list every content image with its caption "
        "and credit, and the findings of the licence rules.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage error, "
        "3 a target could not be fetched or read",
    )
    check.add_argument("targets", nargs="*", metavar="TARGET", help="URL, HTML file, or -")
    check.add_argument(
        "--format",
        choices=("text", "json", "html", "csv"),
        default="text",
        help="text for people (default), json for machines (attribution.check/1), "
        "html for a report to share, csv for a spreadsheet (one row per finding)",
    )
    check.add_argument(
        "--fail-on",
        choices=tuple(FAIL_ON),
        default="error",
        help="lowest severity that makes the exit code 1 (default: error)",
    )
    use = check.add_mutually_exclusive_group()
    use.add_argument(
        "--commercial",
        dest="commercial",
        action="store_true",
        default=None,
        help="check as commercial use (the default)",
    )
    use.add_argument(
        "--non-commercial",
        dest="commercial",
        action="store_false",
        help="check as non-commercial use",
    )
    check.add_argument(
        "--base-url",
        metavar="URL",
        help="address of a page read from a file or stdin, to resolve its links",
    )
    check.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="give up on a page after this many seconds (default 30)",
    )
    check.add_argument(
        "--no-images",
        action="store_true",
        help="do not read the image files' embedded metadata (EXIF, IPTC, XMP, C2PA)",
    )
    check.add_argument(
        "--config",
        dest="check_config",
        metavar="FILE",
        type=Path,
        help="publication profile (default: ./attribution.toml when present)",
    )
    check.add_argument(
        "--no-store",
        action="store_true",
        help="do not record the results in the database",
    )
    check.add_argument(
        "--resume",
        metavar="RUN",
        type=int,
        help="take up an interrupted run where it stopped: check the targets it had not "
        "finished (see 'attribution runs')",
    )

    credits = commands.add_parser("credits", help="work with credit lines")
    credit_commands = credits.add_subparsers(dest="credits_command", metavar="ACTION")
    parse = credit_commands.add_parser(
        "parse",
        help="parse credit lines into JSON (one object per line)",
        description="Parse credit lines as printed under photos into structured facts. "
        "Reads one credit per line from stdin when no TEXT is given; prints one JSON "
        "object per line (JSON Lines).",
    )
    parse.add_argument("texts", nargs="*", metavar="TEXT")

    add_store_commands(commands)

    rules = commands.add_parser(
        "rules",
        help="list every rule with its id, severity and what it means",
        description="Every rule attribution applies, with its id, default severity and an "
        "explanation for editors. Change a severity or switch a rule off in the [rules] "
        'table of attribution.toml, e.g. "licence-not-linked" = "notice".',
    )
    rules.add_argument("--format", choices=("text", "json", "markdown"), default="text")

    licences = commands.add_parser("licences", help="the licence knowledge base")
    licence_commands = licences.add_subparsers(dest="licences_command", metavar="ACTION")
    listing = licence_commands.add_parser("list", help="list every licence attribution knows")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    show = licence_commands.add_parser("show", help="show one licence's terms and sources")
    show.add_argument("licence_id", metavar="ID")
    show.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            return _check(args)
        if args.command in STORE_COMMANDS:
            profile = load_profile(args.config or find_profile(), known_rules=RULE_IDS)
            done = run_store_command(args, database_url(profile))
            if done is not None:
                return done
        if args.command == "rules":
            return _rules(args)
        if args.command == "credits" and args.credits_command == "parse":
            return _credits_parse(args)
        if args.command == "licences" and args.licences_command == "list":
            return _licences_list(args)
        if args.command == "licences" and args.licences_command == "show":
            return _licences_show(args)
    except UsageError as error:
        _error(str(error))
        return EXIT_USAGE
    except ConfigError as error:
        _error(f"configuration error: {error}")
        return EXIT_USAGE
    except AttributionError as error:
        _error(str(error))
        return EXIT_OPERATIONAL
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, as Unix tools do.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces the closed stream
        return EXIT_OK
    parser.print_help(sys.stderr)
    return EXIT_USAGE


def progress_bar(total: int, unit: str) -> tqdm[Never]:
    """A progress bar on stderr for work on several targets; silent when stderr is not a
    terminal (cron, CI, pipes) or when there is only one target."""
    disable = total < 2 or not sys.stderr.isatty()
    return tqdm(total=total, unit=unit, file=sys.stderr, disable=disable, leave=False)


def database_url(profile: Profile) -> str | None:
    """The profile's database.url; the store decides whether ATTRIBUTION_DATABASE_URL
    overrides it (attribution.store.resolve_url)."""
    return profile.database_url


def _error(message: str) -> None:
    print(f"attribution: {terminal_safe(message)}", file=sys.stderr)


def _check(args: argparse.Namespace) -> int:
    profile = load_profile(args.check_config or args.config or find_profile(), known_rules=RULE_IDS)
    if args.commercial is not None:
        profile = replace(profile, commercial=args.commercial)
    recorder: Recorder | None = None
    if args.resume is not None:
        if args.targets or args.no_store:
            raise UsageError(
                "--resume RUN takes the run's own targets; give no TARGET or --no-store"
            )
        recorder, targets = Recorder.resume(database_url(profile), args.resume)
        if not targets:
            recorder.close("finished")
            print(f"run {args.resume} has nothing left to check", file=sys.stderr)
            return EXIT_OK
        args.targets = targets
    elif not args.targets:
        raise UsageError("give at least one TARGET (a URL, an HTML file or -), or --resume RUN")
    elif not args.no_store:
        recorder = Recorder.open(database_url(profile), profile, args.targets)
    if recorder is not None:
        profile = replace(profile, rights=profile.rights + recorder.rights())
    settings = FetchSettings()
    if args.timeout is not None:
        if args.timeout <= 0:
            raise UsageError("--timeout must be a positive number of seconds")
        settings = FetchSettings(total_timeout=args.timeout, read_timeout=min(10.0, args.timeout))

    progress = progress_bar(len(args.targets), "pages")

    def report_failure(outcome: TargetOutcome) -> None:
        if outcome.error is not None:
            with progress.external_write_mode():
                _error(str(outcome.error))
        if recorder is not None:
            recorder.record(outcome)
        progress.update()

    try:
        outcomes = check_targets(
            args.targets,
            profile,
            base_url=args.base_url,
            settings=settings,
            read_images=not args.no_images,
            on_done=report_failure,
        )
    except BaseException:
        progress.close()
        if recorder is not None:
            recorder.close("interrupted")
        raise
    progress.close()
    if recorder is not None:
        recorder.close("finished")
    pages = [o.result for o in outcomes if o.result is not None]
    if args.format == "json":
        print(render_json(pages, profile))
    elif args.format == "html":
        print(render_html(pages, profile))
    elif args.format == "csv":
        print(render_csv(pages), end="")
    elif pages:
        print(render_text(pages, profile))
    if any(o.error is not None for o in outcomes):
        return EXIT_OPERATIONAL
    threshold = FAIL_ON[args.fail_on]
    worst = max((f.severity.rank for page in pages for f in page.all_findings()), default=-1)
    return EXIT_FINDINGS if worst >= threshold else EXIT_OK


def _rules(args: argparse.Namespace) -> int:
    if args.format == "markdown":
        print(rules_markdown(), end="")
        return EXIT_OK
    if args.format == "json":
        rows = [
            {
                "id": r.id,
                "severity": r.severity.value,
                "summary": r.summary,
                "explanation": r.explanation,
            }
            for r in RULES
        ]
        print(json.dumps(rows, indent=2))
        return EXIT_OK
    for rule in RULES:
        print(f"{rule.id}  ({rule.severity.value})")
        print(textwrap.fill(rule.summary, 88, initial_indent="  ", subsequent_indent="  "))
        print(textwrap.fill(rule.explanation, 88, initial_indent="    ", subsequent_indent="    "))
        print()
    return EXIT_OK


def _credits_parse(args: argparse.Namespace) -> int:
    kb = default_knowledge_base()
    lines = args.texts or (line.rstrip("\n") for line in sys.stdin)
    for line in lines:
        if not line.strip():
            continue
        record = credit_json(parse_credit(line, kb=kb))
        print(json.dumps(record, ensure_ascii=False))
    return EXIT_OK


def _licences_list(args: argparse.Namespace) -> int:
    kb = default_knowledge_base()
    licences = sorted(kb.licences.values(), key=lambda lic: lic.id)
    if args.format == "json":
        print(json.dumps([_licence_json(lic) for lic in licences], indent=2))
        return EXIT_OK
    for licence in licences:
        terms = ("commercial" if licence.commercial_use else "NON-COMMERCIAL") + (
            ", adapt" if licence.adaptation else ", NO adaptation"
        )
        print(f"{licence.id:34} {terms:32} {licence.name}")
    print(f"\n{len(licences)} licences in {len(kb.families)} families")
    return EXIT_OK


def _licence_json(licence: object) -> dict[str, object]:
    from dataclasses import asdict

    data = asdict(licence)  # type: ignore[call-overload]
    data["sources"] = dict(data["sources"])
    data["attribution"] = list(data["attribution"])
    return dict(data)


def _licences_show(args: argparse.Namespace) -> int:
    kb = default_knowledge_base()
    licence = kb.licence(args.licence_id)
    if licence is None:
        matches = [i for i in kb.licences if i.casefold() == args.licence_id.casefold()]
        licence = kb.licence(matches[0]) if matches else None
    if licence is None:
        family = kb.family(args.licence_id)
        hint = (
            f" (a family: its licences are {', '.join(family.licence_ids[:6])}…)"
            if family
            else "; see 'attribution licences list'"
        )
        raise UsageError(f"no licence with id {args.licence_id!r}{hint}")
    if args.format == "json":
        print(json.dumps(_licence_json(licence), indent=2))
        return EXIT_OK
    yes_no = {True: "yes", False: "no"}
    print(f"{licence.id} — {licence.name}")
    print(f"  url:              {licence.url}")
    print(f"  commercial use:   {yes_no[licence.commercial_use]}")
    print(f"  adaptation:       {yes_no[licence.adaptation]}")
    print(f"  share-alike:      {yes_no[licence.share_alike]}")
    print(f"  attribution:      {', '.join(licence.attribution) or 'not required'}")
    if licence.notes:
        print(f"  notes:            {licence.notes}")
    print("  sources:")
    for fact, source in licence.sources:
        print(f"    {fact}: {source}")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
