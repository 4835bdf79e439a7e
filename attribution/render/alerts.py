"""The alerts a scan sends: a JSON summary for a webhook, a Slack message, an e-mail.

Each is built from a :class:`~attribution.records.ScanSummary` and names the findings
that are new since the previous scan, the pages that could not be checked and the
sources that could not be read. Nothing here does I/O: :mod:`attribution.fetch.webhook`
and :mod:`attribution.fetch.mail` send what these functions build.

Text taken from pages (finding messages quote credits and captions, URLs are the
page's own) is hostile. Every alert is bounded whatever the pages say: lists are
capped and say how many they left out, long texts are shortened, and text from pages
is made one line (no line breaks, controls or direction overrides) wherever a line
break or a markup character could change what the alert says: in a mail's headers
and body, and in Slack's mrkdwn, where ``&``, ``<`` and ``>`` are escaped as Slack
requires so that no page can mention ``<!channel>`` or make a link.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import TYPE_CHECKING, Any

from attribution.errors import UsageError
from attribution.records import Severity
from attribution.render.escape import terminal_safe
from attribution.textutil import clean_text, whole_characters

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from attribution.records import NewFinding, ScanSummary

ALERT_SCHEMA = "attribution.alert/1"

# How much of each list an alert carries; the rest is counted in its "more_…" field.
MAX_FINDINGS = 200
MAX_FAILED = 50
MAX_PROBLEMS = 20
# How long a text may be (in characters) before it is shortened with "…".
MAX_MESSAGE = 500
MAX_URL = 1000
MAX_REASON = 300
MAX_SITE = 100

# Slack's limits: 3000 characters in a section's text and 50 blocks in a message.
# Slack also refuses messages whose blocks hold more than about 13,000 characters in
# all ("msg_blocks_too_long", undocumented), so each part of the message has a budget
# that keeps the whole well under it.
SLACK_SECTION_CHARS = 3000
SLACK_MAX_BLOCKS = 50
SLACK_BUDGETS = {"findings": 7000, "failed": 2500, "problems": 1000}
_SLACK_FIELD = {"message": 600, "url": 500, "reason": 400}

_ELLIPSIS = "…"


# --- shared -------------------------------------------------------------------------------


def alert_headline(summary: ScanSummary) -> str:
    """One line that says what the scan found, e.g. ``attribution: 3 new findings on
    www.example.com (run 12)``: the subject of the mail and the first line of every
    alert. It holds no line break, whatever the site's name."""
    count = len(summary.new_findings)
    found = _plural(count, "new finding") if count else "no new findings"
    run = [f"run {summary.run_id}"] if summary.run_id is not None else []
    if summary.status != "finished":
        run.append(_one_line(summary.status, 30))
    where = f" ({', '.join(run)})" if run else ""
    troubles = _troubles(summary)
    rest = f"; {', '.join(troubles)}" if troubles else ""
    return f"attribution: {found} on {_one_line(summary.site, MAX_SITE)}{where}{rest}"


def _troubles(summary: ScanSummary) -> list[str]:
    troubles = []
    if summary.failed:
        troubles.append(f"{_plural(len(summary.failed), 'page')} could not be checked")
    if summary.problems:
        troubles.append(f"{_plural(len(summary.problems), 'source')} could not be read")
    return troubles


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + _ELLIPSIS


def _url(url: str) -> str:
    """A URL as the JSON document carries it: whole characters, at most ``MAX_URL``."""
    return _shorten(whole_characters(url), MAX_URL)


def _one_line(text: str, limit: int) -> str:
    """Page text as one line: white space (line breaks too) collapsed, controls and
    direction overrides taken out, shortened to ``limit`` characters."""
    line = terminal_safe(clean_text(text[: limit * 2]))
    if len(text) > limit * 2:  # cut before it was cleaned: say so even if it is short now
        return line[: limit - 1] + _ELLIPSIS
    return _shorten(line, limit)


def _iso(moment: datetime) -> str:
    """RFC 3339 in UTC; a naive time is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC).isoformat()
    return moment.astimezone(UTC).isoformat()


def _by_severity(findings: Sequence[NewFinding]) -> list[NewFinding]:
    """Most serious first, in the scan's order otherwise: a capped list drops notices
    before it drops errors."""
    return sorted(findings, key=lambda finding: -Severity(finding.severity).rank)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


# --- JSON ---------------------------------------------------------------------------------


def alert_json(summary: ScanSummary) -> dict[str, Any]:
    """The ``attribution.alert/1`` document a ``--notify`` webhook receives (described
    in docs/json.md and docs/json/alert.schema.json).

    At most :data:`MAX_FINDINGS` new findings (most serious first),
    :data:`MAX_FAILED` failed pages and :data:`MAX_PROBLEMS` source problems are
    listed; ``more_new_findings``, ``more_failed`` and ``more_problems`` count the
    rest. Messages and reasons are one line; long texts end in "…".
    """
    findings = _by_severity(summary.new_findings)
    severities = {severity.value: 0 for severity in Severity}
    for finding in findings:
        severities[Severity(finding.severity).value] += 1
    return {
        "schema": ALERT_SCHEMA,
        "headline": alert_headline(summary),
        "run": summary.run_id,
        "site": _url(summary.site),
        "status": summary.status,
        "started_at": _iso(summary.started_at),
        "finished_at": _iso(summary.finished_at),
        "counts": {
            "checked": summary.checked,
            "unchanged": summary.unchanged,
            "failed": len(summary.failed),
            "skipped": summary.skipped_total,
            "new_findings": len(findings),
            "resolved_findings": summary.resolved_findings,
        },
        "new_by_severity": severities,
        "new_findings": [_finding_json(finding) for finding in findings[:MAX_FINDINGS]],
        "more_new_findings": max(0, len(findings) - MAX_FINDINGS),
        "failed": [
            {"target": _url(target), "reason": _one_line(reason, MAX_REASON)}
            for target, reason in summary.failed[:MAX_FAILED]
        ],
        "more_failed": max(0, len(summary.failed) - MAX_FAILED),
        "skipped": [
            {"reason": _one_line(reason, MAX_REASON), "count": count}
            for reason, count in summary.skipped
        ],
        "problems": [_one_line(problem, MAX_REASON) for problem in summary.problems[:MAX_PROBLEMS]],
        "more_problems": max(0, len(summary.problems) - MAX_PROBLEMS),
    }


def _finding_json(finding: NewFinding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "severity": Severity(finding.severity).value,
        "page_url": _url(finding.page_url),
        "image_url": None if finding.image_url is None else _url(finding.image_url),
        "message": _one_line(finding.message, MAX_MESSAGE),
    }


# --- Slack --------------------------------------------------------------------------------


_SLACK_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def slack_escape(text: str, limit: int | None = None) -> str:
    """``text`` with ``&``, ``<`` and ``>`` escaped as Slack requires, made one line
    and, with ``limit``, shortened so that the escaped text has at most ``limit``
    characters, ending in "…" (never cutting an entity in two)."""
    cut = limit is not None and len(text) > 2 * limit
    if limit is not None:  # an escaped text is never shorter than the text
        text = text[: 2 * limit]
    text = terminal_safe(clean_text(text))
    if limit is None:
        return "".join(_SLACK_ENTITIES.get(character, character) for character in text)
    pieces: list[str] = []
    size = 0
    for character in text:
        piece = _SLACK_ENTITIES.get(character, character)
        if size + len(piece) > limit:
            cut = True
            break
        pieces.append(piece)
        size += len(piece)
    if not cut:
        return "".join(pieces)
    while pieces and size + len(_ELLIPSIS) > limit:
        size -= len(pieces.pop())
    return "".join(pieces) + _ELLIPSIS


def slack_payload(summary: ScanSummary) -> dict[str, Any]:
    """A Slack incoming-webhook message: ``text`` (the headline, what notifications
    show) and ``blocks`` of mrkdwn sections: the counts, then the new findings (most
    serious first), the pages that could not be checked and the sources that could not
    be read, each list ending with how many it left out.

    Every text is escaped (:func:`slack_escape`) and the sections are ``verbatim``, so
    Slack neither links nor mentions anything a page wrote; links are not unfurled. A
    section holds at most 3000 characters and the message at most 50 blocks; the
    lists have budgets (:data:`SLACK_BUDGETS`) that keep the message under Slack's
    total.
    """
    blocks: list[dict[str, Any]] = [_section(_slack_counts(summary))]
    findings = _by_severity(summary.new_findings)
    groups = (
        (
            "findings",
            f"*New findings ({len(findings)})*",
            len(findings),
            (_slack_finding(finding) for finding in findings),
        ),
        (
            "failed",
            f"*Pages that could not be checked ({len(summary.failed)})*",
            len(summary.failed),
            (_slack_failure(target, reason) for target, reason in summary.failed),
        ),
        (
            "problems",
            f"*Sources that could not be read ({len(summary.problems)})*",
            len(summary.problems),
            (f"• {slack_escape(problem, _SLACK_FIELD['reason'])}" for problem in summary.problems),
        ),
    )
    for budget, title, total, lines in groups:
        if total:
            blocks.extend(_slack_list(title, lines, total, SLACK_BUDGETS[budget]))
    return {
        "text": slack_escape(alert_headline(summary)),
        "blocks": blocks[:SLACK_MAX_BLOCKS],
        "unfurl_links": False,
        "unfurl_media": False,
    }


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}


def _slack_counts(summary: ScanSummary) -> str:
    started, finished = _iso(summary.started_at), _iso(summary.finished_at)
    lines = [
        f"*{slack_escape(alert_headline(summary), 1000)}*",
        f"Scan {slack_escape(summary.status, 30)}, from {started} to {finished}",
        f"Pages checked {summary.checked}, unchanged {summary.unchanged}, "
        f"failed {len(summary.failed)}, skipped {summary.skipped_total}; "
        f"{_plural(summary.resolved_findings, 'finding')} resolved",
    ]
    return "\n".join(lines)


def _slack_finding(finding: NewFinding) -> str:
    severity = Severity(finding.severity).value
    lines = [
        f"• *{severity}* `{slack_escape(finding.rule, 80)}` "
        f"{slack_escape(finding.message, _SLACK_FIELD['message'])}",
        f"    page: {slack_escape(finding.page_url, _SLACK_FIELD['url'])}",
    ]
    if finding.image_url is not None:
        lines.append(f"    image: {slack_escape(finding.image_url, _SLACK_FIELD['url'])}")
    return "\n".join(lines)


def _slack_failure(target: str, reason: str) -> str:
    return (
        f"• {slack_escape(target, _SLACK_FIELD['url'])}: "
        f"{slack_escape(reason, _SLACK_FIELD['reason'])}"
    )


def _slack_list(title: str, lines: Iterator[str], total: int, budget: int) -> list[dict[str, Any]]:
    """Sections holding ``title`` and as many of the ``total`` ``lines`` as fit in
    ``budget`` characters, then a line that counts the others."""
    sections: list[list[str]] = [[title]]
    size = used = len(title)
    shown = 0
    for line in lines:
        if used + len(line) + 1 > budget:
            break
        if size + len(line) + 1 > SLACK_SECTION_CHARS:
            sections.append([])
            size = -1
        sections[-1].append(line)
        size += len(line) + 1
        used += len(line) + 1
        shown += 1
    blocks = [_section("\n".join(section)) for section in sections]
    if shown < total:
        blocks.append(_section(f"_…and {total - shown} more, not shown here_"))
    return blocks


# --- mail ---------------------------------------------------------------------------------


def alert_text(summary: ScanSummary) -> str:
    """The alert as plain text, for people: the body of the mail. Text from pages is
    one line per field, without controls or direction overrides; lists are capped as
    in :func:`alert_json`."""
    lines = [
        alert_headline(summary),
        "",
        f"Site:     {_one_line(summary.site, MAX_URL)}",
        f"Run:      {summary.run_id if summary.run_id is not None else '-'}"
        f" ({_one_line(summary.status, 30)})",
        f"Started:  {_iso(summary.started_at)}",
        f"Finished: {_iso(summary.finished_at)}",
        f"Pages:    {summary.checked} checked, {summary.unchanged} unchanged, "
        f"{len(summary.failed)} failed, {summary.skipped_total} skipped",
        f"Resolved: {_plural(summary.resolved_findings, 'finding')} no longer found",
    ]
    findings = _by_severity(summary.new_findings)
    if findings:
        lines += ["", f"New findings ({len(findings)}):"]
        for finding in findings[:MAX_FINDINGS]:
            lines += [
                "",
                f"[{Severity(finding.severity).value}] {_one_line(finding.rule, 80)}: "
                f"{_one_line(finding.message, MAX_MESSAGE)}",
                f"  page:  {_one_line(finding.page_url, MAX_URL)}",
            ]
            if finding.image_url is not None:
                lines.append(f"  image: {_one_line(finding.image_url, MAX_URL)}")
        lines += _more(len(findings) - MAX_FINDINGS, "new finding")
    if summary.failed:
        lines += ["", f"Pages that could not be checked ({len(summary.failed)}):"]
        lines += [
            f"  {_one_line(target, MAX_URL)}: {_one_line(reason, MAX_REASON)}"
            for target, reason in summary.failed[:MAX_FAILED]
        ]
        lines += _more(len(summary.failed) - MAX_FAILED, "page")
    if summary.problems:
        lines += ["", f"Sources that could not be read ({len(summary.problems)}):"]
        lines += [f"  {_one_line(problem, MAX_REASON)}" for problem in summary.problems]
        lines += _more(len(summary.problems) - MAX_PROBLEMS, "source")
    return "\n".join(lines) + "\n"


def _more(count: int, noun: str) -> list[str]:
    return [f"  …and {_plural(count, noun)} more, not listed here"] if count > 0 else []


def alert_mail(
    summary: ScanSummary,
    sender: str,
    recipients: Sequence[str],
    *,
    attach_json: bool = False,
) -> EmailMessage:
    """The alert as an e-mail from ``sender`` to ``recipients``: the headline as its
    subject, :func:`alert_text` as its plain-text body and, with ``attach_json``, the
    :func:`alert_json` document attached as ``attribution-alert.json``.

    No text from a page reaches a header: the subject is the headline (counts, run and
    the site's name made one line). An address that is not a plain ``name@domain``
    (line breaks, spaces, several at once) is a :class:`UsageError`.
    """
    for address in (sender, *recipients):
        if not _plain_address(address):
            raise UsageError(f"not an e-mail address: {address!r} (give name@domain)")
    if not recipients:
        raise UsageError("an alert by mail needs at least one recipient")
    message = EmailMessage()
    message["Subject"] = alert_headline(summary)
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    finished = summary.finished_at
    message["Date"] = format_datetime(
        finished.replace(tzinfo=UTC) if finished.tzinfo is None else finished.astimezone(UTC)
    )
    message["Message-ID"] = make_msgid("attribution", domain=sender.rpartition("@")[2])
    # RFC 3834: an automatic message, so that out-of-office replies do not answer it.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(alert_text(summary))
    if attach_json:
        document = json.dumps(alert_json(summary), ensure_ascii=False, indent=2) + "\n"
        message.add_attachment(
            document.encode("utf-8"),
            maintype="application",
            subtype="json",
            filename="attribution-alert.json",
        )
    return message


def _plain_address(address: str) -> bool:
    """Whether ``address`` is one ``local@domain`` without space, controls, brackets,
    quotes or separators (what an alert's sender and recipients must be)."""
    local, at, domain = address.rpartition("@")
    if not (at and local and domain) or "@" in local or not address.isprintable():
        return False
    return not any(character in address for character in ' \t<>()[],;:"\\')
