"""The text format: reports people read top to bottom in a terminal or an e-mail.
Everything taken from a page or the database passes :func:`terminal_safe`."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from attribution.records import (
    SOCIAL_ROLE,
    Severity,
)
from attribution.render.atsource import source_summary
from attribution.render.escape import terminal_safe
from attribution.render.report import render_whole
from attribution.serialize import ReportTally, at_source_json

if TYPE_CHECKING:
    from attribution.licences import Licence
    from attribution.records import (
        Credit,
        Embedded,
        Finding,
        ImageResult,
        PageResult,
        PageSnapshot,
        Profile,
        RightsChange,
        RightsEntry,
        RunDiff,
        RunSummary,
        StoredFinding,
        Waiver,
        WorkerStatus,
    )
    from attribution.render.report import CheckReport, Sink
    from attribution.rules import Rule

_MARK = {Severity.ERROR: "ERROR", Severity.WARNING: "WARNING", Severity.NOTICE: "notice"}
# ANSI styles of the severity marks on a terminal that wants colour.
_COLOUR = {Severity.ERROR: "1;31", Severity.WARNING: "33", Severity.NOTICE: "36"}


def _mark(severity: Severity, colour: bool) -> str:
    mark = _MARK[severity]
    return f"\x1b[{_COLOUR[severity]}m{mark}\x1b[0m" if colour else mark


def _finding_lines(findings: Iterable[Finding], indent: str, colour: bool) -> list[str]:
    lines = []
    for finding in findings:
        text = terminal_safe(f"[{finding.rule}] {finding.message}")
        lines.append(f"{indent}{_mark(finding.severity, colour)} {text}")
        if finding.fix:
            lines.append(terminal_safe(f"{indent}  fix: {finding.fix}"))
    return lines


def check_report(report: CheckReport) -> str:
    """Each page, each image with caption, credit and findings, then a summary line;
    empty when no page could be checked."""
    buffer = io.StringIO()
    render_whole(TextCheckWriter(buffer, report.profile, colour=report.colour), report)
    return buffer.getvalue()


class TextCheckWriter:
    """The text check report written page by page (see :class:`CheckWriter`): each
    page's block as it comes, the summary line at the end, nothing when no page could
    be checked."""

    def __init__(self, sink: Sink, profile: Profile, *, colour: bool = False) -> None:
        self.sink = sink
        self.profile = profile
        self.colour = colour
        self.tally = ReportTally()

    def page(self, page: PageResult) -> None:
        """Write one page's block."""
        self.tally.add(page)
        self.sink.write("\n".join(page_lines(page, self.colour)) + "\n\n")

    def finish(self, failed: Sequence[tuple[str, str]]) -> None:
        """Write the summary line (the failures are told on stderr as they happen)."""
        if self.tally.pages:
            self.sink.write(tally_line(self.tally, self.profile) + "\n")


def page_lines(page: PageResult, colour: bool = False) -> list[str]:
    """The lines of one page in the text check report: its content images, then apart
    the pictures it only declares for sharing on social media."""
    title = f" — {page.title}" if page.title else ""
    out = [terminal_safe(f"{page.url}{title}")]
    out.extend(terminal_safe(f"  notice: {notice}") for notice in page.notices)
    content, social = split_by_role(page.images)
    if not content:
        out.append("  no content images found")
    for number, item in enumerate(content, 1):
        out.extend(_image_lines(number, item, colour))
    if social:
        out.append(f"  {SOCIAL_HEADING}:")
        for number, item in enumerate(social, len(content) + 1):
            out.extend(_image_lines(number, item, colour))
    out.extend(_finding_lines(page.findings, "  ", colour))
    return out


SOCIAL_HEADING = (
    "shared on social media (declared in the page's metadata, not shown in the article)"
)


def split_by_role(images: Sequence[ImageResult]) -> tuple[list[ImageResult], list[ImageResult]]:
    """A page's images as (content images, pictures only declared for social media),
    each in page order."""
    content = [item for item in images if item.image.role != SOCIAL_ROLE]
    social = [item for item in images if item.image.role == SOCIAL_ROLE]
    return content, social


def _image_lines(number: int, item: ImageResult, colour: bool) -> list[str]:
    image = item.image
    out = [f"  [{number}] {terminal_safe(image.src)}"]
    if image.caption:
        out.append(f"      caption: {terminal_safe(image.caption)}")
    if item.credit is None:
        out.append("      credit:  (none)")
    else:
        out.append(f"      credit:  {terminal_safe(item.credit.text)}")
        facts = credit_facts(item.credit)
        if facts:
            out.append(f"               {terminal_safe(facts)}")
    if item.embedded is not None:
        out.append(f"      file:    {terminal_safe(_embedded_facts(item.embedded))}")
    if item.at_source is not None:
        summary = source_summary(at_source_json(item.at_source) or {})
        out.append(f"      source:  {terminal_safe(summary)}")
    out.extend(_finding_lines(item.findings, "      ", colour))
    return out


def credit_facts(credit: Credit) -> str:
    """The parsed facts of a credit on one line: creator · provider · licence · kind."""
    parts = []
    if credit.creator:
        parts.append(f"creator: {credit.creator}")
    if credit.provider:
        via = f" via {credit.via}" if credit.via else ""
        parts.append(f"provider: {credit.provider}{via}")
    if credit.licence:
        inferred = " (inferred from the provider)" if credit.licence_source == "inferred" else ""
        parts.append(f"licence: {credit.licence}{inferred}")
    elif credit.licence_problem:
        parts.append(f"licence: ? ({credit.licence_problem})")
    if credit.kind != "unknown":
        parts.append(f"kind: {credit.kind}")
    return " · ".join(parts)


def summary_line(pages: Sequence[PageResult], profile: Profile) -> str:
    """ "2 page(s), 5 image(s): 1 error(s), … — checked as commercial use"."""
    tally = ReportTally()
    for page in pages:
        tally.add(page)
    return tally_line(tally, profile)


def tally_line(tally: ReportTally, profile: Profile) -> str:
    """The summary line of counted pages (see :func:`summary_line`)."""
    counts = tally.as_json()
    use = "commercial" if profile.commercial else "non-commercial"
    return (
        f"{counts['pages']} page(s), {counts['images']} image(s): {counts['error']} error(s), "
        f"{counts['warning']} warning(s), {counts['notice']} notice(s) — checked as {use} use"
    )


def _embedded_facts(embedded: Embedded) -> str:
    parts = []
    for label, value in (
        ("creator", embedded.creator),
        ("copyright", embedded.copyright),
        ("credit", embedded.credit),
        ("licence", embedded.licence_url),
    ):
        if value:
            parts.append(f"{label}: {value}")
    credentials = embedded.content_credentials
    if credentials is not None:
        state = {True: "valid", False: "invalid", None: "not validated"}[credentials.valid]
        ai = ", declares AI" if credentials.ai_generated else ""
        parts.append(f"Content Credentials ({state}{ai})")
    if embedded.problem:
        parts.append(f"unreadable: {embedded.problem}" if not parts else f"({embedded.problem})")
    return " · ".join(parts) or "no metadata"


def findings(found: Sequence[StoredFinding]) -> str:
    """Recorded findings, most serious first, with a count."""
    lines = [terminal_safe(_stored_finding(f)) for f in found]
    lines.append(f"{len(found)} finding(s)")
    return "\n".join(lines) + "\n"


def _stored_finding(finding: StoredFinding) -> str:
    status = finding.status.upper() if finding.status != "open" else "open"
    waiver = ""
    if finding.waiver_reason:
        until = f" until {finding.waiver_until}" if finding.waiver_until else ""
        who = f" by {finding.waiver_by}" if finding.waiver_by else ""
        number = f" (waiver #{finding.waiver_id})" if finding.waiver_id else ""
        waiver = f"\n      waived{who}{until}{number}: {finding.waiver_reason}"
    return (
        f"#{finding.id} {finding.identity[:10]} {finding.severity.value:7} {status:8} "
        f"[{finding.rule}] last seen {finding.last_seen:%Y-%m-%d}\n"
        f"      {finding.page_url}\n      {finding.message}{waiver}"
    )


def rights_entry(entry: RightsEntry) -> str:
    """One agreement: "AP (Associated Press) [editorial] 2026-01-01 – 2026-12-31 (AP-17)"."""
    valid = f"{entry.valid_from or '…'} – {entry.valid_until or '…'}"
    reference = f" ({entry.reference})" if entry.reference else ""
    known = (
        f" ({entry.provider_name})"
        if entry.provider_name and entry.provider_name != entry.provider
        else ""
    )
    return f"{entry.provider}{known} [{entry.scope}] {valid}{reference}"


def rights(entries: Sequence[RightsEntry]) -> str:
    """The rights register, an agreement a line (who added it, when), with a count."""
    lines = []
    for entry in entries:
        added = f"{entry.added_at:%Y-%m-%d}" if entry.added_at else ""
        who = f" by {entry.added_by}" if entry.added_by else ""
        line = f"#{entry.id} {rights_entry(entry)}"
        if added:
            line += f" — added {added}{who}"
        if entry.removed_at:
            line += f"; removed {entry.removed_at:%Y-%m-%d} by {entry.removed_by or '?'}"
        lines.append(terminal_safe(line))
    lines.append(f"{len(entries)} agreement(s)")
    return "\n".join(lines) + "\n"


def rights_history(changes: Sequence[RightsChange]) -> str:
    """Changes to the rights register, oldest first: when, what, who, why."""
    lines = []
    for change in changes:
        who = f" by {change.actor}" if change.actor else ""
        why = f": {change.reason}" if change.reason else ""
        lines.append(
            terminal_safe(
                f"{change.at:%Y-%m-%d %H:%M} #{change.entry_id} {change.action}{who}{why}\n"
                f"      {rights_entry(change.entry)}"
            )
        )
    lines.append(f"{len(changes)} change(s)")
    return "\n".join(lines) + "\n"


def waivers(found: Sequence[Waiver]) -> str:
    """Waivers, newest first: the finding, why, by whom, until when, revoked or not."""
    lines = []
    for waiver in found:
        until = f" until {waiver.until}" if waiver.until else " (no end date)"
        who = f" by {waiver.created_by}" if waiver.created_by else ""
        line = (
            f"waiver #{waiver.id} on finding #{waiver.finding_id} [{waiver.rule}]{until}, "
            f"{waiver.created_at:%Y-%m-%d}{who}\n      {waiver.page_url}\n"
            f"      {waiver.reason}"
        )
        if waiver.revoked_at:
            line += (
                f"\n      REVOKED {waiver.revoked_at:%Y-%m-%d} by {waiver.revoked_by or '?'}: "
                f"{waiver.revoke_reason}"
            )
        lines.append(terminal_safe(line))
    lines.append(f"{len(found)} waiver(s)")
    return "\n".join(lines) + "\n"


def page_history(snapshots: Sequence[PageSnapshot]) -> str:
    """What a page showed each time it was read, newest first, image by image."""
    lines = []
    for snapshot in snapshots:
        status = f"HTTP {snapshot.http_status}" if snapshot.http_status else "file"
        moved = f" → {snapshot.final_url}" if snapshot.final_url != snapshot.requested_url else ""
        digest = f" sha256 {snapshot.sha256[:16]}…" if snapshot.sha256 else ""
        run = f"run #{snapshot.run_id}, " if snapshot.run_id else ""
        shown_images = (
            "unchanged, not parsed again (its images are those of the reading before)"
            if snapshot.unchanged
            else f"{len(snapshot.images)} image(s)"
        )
        lines.append(
            f"{snapshot.fetched_at:%Y-%m-%d %H:%M} ({run}{status}{digest}) "
            f"{snapshot.requested_url}{moved}: {shown_images}"
        )
        for declared in snapshot.declared:
            said = "; ".join(
                f"{label}: {textwrap.shorten(value, 120)}"
                for label, value in (
                    ("caption", declared.caption),
                    ("title", declared.title),
                    ("licence", declared.licence),
                )
                if value
            )
            lines.append(f"  sitemap {declared.source} declares {declared.url}")
            if said:
                lines.append(f"     {said}")
        for place, shown in enumerate(snapshot.images, start=1):
            social = " (shared on social media, not shown)" if shown.role == SOCIAL_ROLE else ""
            lines.append(f"  {place}. {shown.image_url}{social}")
            if shown.credit_text:
                lines.append(f"     credit: {shown.credit_text}")
            if shown.caption:
                lines.append(f"     caption: {textwrap.shorten(shown.caption, 160)}")
            if shown.at_source:
                lines.append(f"     source: {source_summary(shown.at_source)}")
    lines.append(f"{len(snapshots)} reading(s)")
    return "\n".join(terminal_safe(line) for line in lines) + "\n"


# A running worker not heard of for this long is shown as silent (lost, or stuck): it
# tells the record it is alive every few seconds.
WORKER_SILENT_SECONDS = 60


def runs(found: Sequence[RunSummary], now: datetime | None = None) -> str:
    """Recent runs with their progress, the workers of a scan on workers (alive or
    silent, how busy), and how to resume an interrupted run."""
    now = now or datetime.now(UTC)
    lines = []
    for run in found:
        left = f", {run.pending} not reached" if run.pending else ""
        scanned = ""
        if run.kind == "scan":
            scanned = f", {run.pages_unchanged} unchanged, {run.pages_skipped} skipped"
        lines.append(
            f"#{run.id} {run.kind:5} {run.status:11} {run.started_at:%Y-%m-%d %H:%M} "
            f"pages {run.pages_done} done{scanned}, {run.pages_failed} failed{left}; "
            f"images {run.images}; {run.errors} error(s), {run.warnings} warning(s)"
        )
        lines += [f"    {worker_line(worker, now)}" for worker in run.workers]
        stopped = run.status in ("interrupted", "limited")
        if stopped and (run.pending or run.pages_failed):
            command = "scan" if run.kind == "scan" else "check"
            lines.append(f"    resume it with: attribution {command} --resume {run.id}")
    return "".join(line + "\n" for line in lines)


def worker_line(worker: WorkerStatus, now: datetime) -> str:
    """One worker of a scan on workers: whether it is alive, how busy, what it did."""
    silent = (now - worker.last_seen).total_seconds()
    if worker.status == "stopped":
        state = "stopped"
    elif silent > WORKER_SILENT_SECONDS:
        state = f"SILENT for {_duration(silent)} (lost?)"
    else:
        state = f"alive, heard {_duration(silent)} ago"
    return terminal_safe(
        f"worker {worker.name}: {state}; {worker.in_hand} page(s) in hand of "
        f"{worker.concurrency}; {worker.pages} recorded, {worker.failures} failed "
        f"since {worker.started_at:%Y-%m-%d %H:%M}"
    )


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{max(seconds, 0):.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.0f} h"


def run_pages(run_id: int, pages: Sequence[str]) -> str:
    """The pages one run recorded, with a count."""
    lines = [terminal_safe(url) for url in pages]
    lines.append(f"run {run_id}: {len(pages)} page(s) recorded")
    return "\n".join(lines) + "\n"


def licences(known: Sequence[Licence]) -> str:
    """Every licence with its terms on one line each, and how many families they form."""
    lines = []
    for licence in known:
        terms = ("commercial" if licence.commercial_use else "NON-COMMERCIAL") + (
            ", adapt" if licence.adaptation else ", NO adaptation"
        )
        lines.append(f"{licence.id:34} {terms:32} {licence.name}")
    families = len({licence.family for licence in known})
    lines.append(f"\n{len(known)} licences in {families} families")
    return "\n".join(lines) + "\n"


def licence(known: Licence) -> str:
    """One licence's terms, attribution requirements and the source of each fact."""
    yes_no = {True: "yes", False: "no"}
    lines = [
        f"{known.id} — {known.name}",
        f"  url:              {known.url}",
        f"  commercial use:   {yes_no[known.commercial_use]}",
        f"  adaptation:       {yes_no[known.adaptation]}",
        f"  share-alike:      {yes_no[known.share_alike]}",
        f"  attribution:      {', '.join(known.attribution) or 'not required'}",
    ]
    if known.notes:
        lines.append(f"  notes:            {known.notes}")
    lines.append("  sources:")
    lines.extend(f"    {fact}: {source}" for fact, source in known.sources)
    return "\n".join(lines) + "\n"


def rules(known: Sequence[Rule]) -> str:
    """Every rule: id, default severity, summary and explanation."""
    lines = []
    for rule in known:
        lines.append(f"{rule.id}  ({rule.severity.value})")
        lines.append(textwrap.fill(rule.summary, 88, initial_indent="  ", subsequent_indent="  "))
        lines.append(
            textwrap.fill(rule.explanation, 88, initial_indent="    ", subsequent_indent="    ")
        )
        lines.append("")
    return "\n".join(lines) + "\n"


_DIFF_HEADINGS = {
    "new": "New findings",
    "resolved": "Resolved findings",
    "changed": "Changed findings",
}


def run_diff(diff: RunDiff) -> str:
    """What changed between two runs, for people: counts, then each new, resolved and
    changed finding with its rule, page and image (and for a changed one, what
    changed)."""
    counts = ", ".join(f"{len(diff.of(change))} {change}" for change in _DIFF_HEADINGS)
    lines = [
        f"Run {diff.before} (ended {diff.before_ended.astimezone(UTC):%Y-%m-%d %H:%M} UTC) → "
        f"run {diff.after} (ended {diff.after_ended.astimezone(UTC):%Y-%m-%d %H:%M} UTC): "
        f"{counts}."
    ]
    for change, heading in _DIFF_HEADINGS.items():
        entries = diff.of(change)
        if not entries:
            continue
        lines += ["", f"{heading}:"]
        for entry in entries:
            lines.append(
                f"  #{entry.finding_id} {entry.severity.value.upper()} [{entry.rule}] "
                f"{terminal_safe(entry.page_url)}"
            )
            if entry.image_url:
                lines.append(f"      image: {terminal_safe(entry.image_url)}")
            for field in entry.changes:
                lines.append(
                    f"      {field.field}: {terminal_safe(field.before or '—')} → "
                    f"{terminal_safe(field.after or '—')}"
                )
            if not entry.changes:
                lines.append(f"      {terminal_safe(entry.message)}")
    return "\n".join(lines) + "\n"
