"""A scan's summary as operations staff read it: a few lines for a terminal, cron's mail
or a journal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from attribution.render.escape import terminal_safe

if TYPE_CHECKING:
    from attribution.records import ScanSummary

# Failures and problems listed one a line before "… and N more".
LISTED = 20


def scan_text(summary: ScanSummary) -> str:
    """The summary: a headline with every count, then the failures, skipped pages by
    reason, the sources that could not be read and the new findings, each one a line.
    Text from pages and servers is made safe for a terminal."""
    took = summary.finished_at - summary.started_at
    minutes, seconds = divmod(int(took.total_seconds()), 60)
    state = {
        "finished": "finished",
        "limited": "stopped at its limit",
        "interrupted": "interrupted",
    }
    headline = (
        f"scan of {summary.site} (run {summary.run_id}) "
        f"{state.get(summary.status, summary.status)} in {minutes}m{seconds:02d}s: "
        f"{summary.checked} checked, {summary.unchanged} unchanged, "
        f"{len(summary.failed)} failed, {summary.skipped_total} skipped; "
        f"{_new(summary)}, {summary.resolved_findings} resolved"
    )
    lines = [headline]
    if summary.status == "limited" or summary.status == "interrupted":
        lines.append(f"  pages are left to check: attribution scan --resume {summary.run_id}")
    lines += _listed("failed", [f"{url}: {reason}" for url, reason in summary.failed])
    if summary.skipped:
        lines.append(
            "  skipped: " + "; ".join(f"{count} {reason}" for reason, count in summary.skipped)
        )
    lines += _listed("source problem", list(summary.problems))
    lines += _listed(
        "new",
        [
            f"{finding.severity.value} [{finding.rule}] {finding.page_url}"
            + (f" {finding.image_url}" if finding.image_url else "")
            for finding in summary.new_findings
        ],
    )
    return "\n".join(terminal_safe(line) for line in lines) + "\n"


def _new(summary: ScanSummary) -> str:
    counts: dict[str, int] = {}
    for finding in summary.new_findings:
        counts[finding.severity.value] = counts.get(finding.severity.value, 0) + 1
    total = len(summary.new_findings)
    if not total:
        return "no new findings"
    detail = ", ".join(f"{count} {severity}" for severity, count in counts.items())
    return f"{total} new finding{'s' if total != 1 else ''} ({detail})"


def _listed(label: str, items: list[str]) -> list[str]:
    lines = [f"  {label}: {item}" for item in items[:LISTED]]
    if len(items) > LISTED:
        lines.append(f"  … and {len(items) - LISTED} more {label} lines (attribution runs)")
    return lines
