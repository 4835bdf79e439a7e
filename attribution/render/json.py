"""The JSON format: the shapes of :mod:`attribution.serialize`, as text."""

from __future__ import annotations

import io
import json
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from attribution.render.audit import SEVERITIES, AuditTally
from attribution.render.report import copy_spool, render_whole, spool
from attribution.serialize import (
    REPORT_SCHEMA,
    ReportTally,
    changes_json,
    check_json,
    checked_page_json,
    diff_json,
    licence_json,
    provider_use_json,
    report_finding_json,
    report_image_json,
    rights_change_json,
    rights_json,
    rule_json,
    run_summary_json,
    scope_json,
    snapshot_json,
    stored_finding_json,
    waiver_json,
)

if TYPE_CHECKING:
    from attribution.licences import Licence
    from attribution.records import (
        PageResult,
        PageSnapshot,
        Profile,
        RightsChange,
        RightsEntry,
        RunDiff,
        StoredFinding,
        Waiver,
    )
    from attribution.render.audit import AuditReport
    from attribution.render.report import CheckReport, Sink, Spool
    from attribution.rules import Rule


def dumps(data: Any) -> str:
    """Indented JSON that keeps non-ASCII text readable."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def check_report(report: CheckReport) -> str:
    """The ``attribution.check/1`` document."""
    buffer = io.StringIO()
    render_whole(JsonCheckWriter(buffer, report.profile), report)
    return buffer.getvalue()


# Stands in for the pages in a document rendered around them (no page's JSON holds a
# NUL: dumps escapes it).
_PAGES_MARK = "\x00pages\x00"


class JsonCheckWriter:
    """The ``attribution.check/1`` document written page by page (see
    :class:`CheckWriter`): the text is the same as :func:`check_report`'s, as if
    :func:`dumps` had rendered it whole."""

    def __init__(self, sink: Sink, profile: Profile) -> None:
        self.sink = sink
        self.profile = profile
        self.tally = ReportTally()

    def _around_pages(self, failed: Sequence[tuple[str, str]]) -> tuple[str, str]:
        """The document's text before and after its pages' items."""
        document = check_json((), self.profile, failed)
        document["pages"] = [_PAGES_MARK]
        document["summary"] = self.tally.as_json(len(failed))
        before, _, after = dumps(document).partition(f"    {json.dumps(_PAGES_MARK)}\n")
        return before, after

    def page(self, page: PageResult) -> None:
        """Write one page as the next item of ``pages``."""
        if self.tally.pages == 0:
            self.sink.write(self._around_pages(())[0])
        else:
            self.sink.write(",\n")
        self.tally.add(page)
        text = json.dumps(checked_page_json(page), indent=2, ensure_ascii=False)
        self.sink.write(textwrap.indent(text, "    ", lambda _line: True))

    def finish(self, failed: Sequence[tuple[str, str]]) -> None:
        """Write the failed targets and the summary, closing the document."""
        if self.tally.pages == 0:
            document = check_json((), self.profile, failed)
            self.sink.write(dumps(document))
            return
        self.sink.write("\n" + self._around_pages(failed)[1])


def findings(found: Sequence[StoredFinding]) -> str:
    """Recorded findings as a JSON array."""
    return dumps([stored_finding_json(f) for f in found])


def rights(entries: Sequence[RightsEntry]) -> str:
    """The rights register as a JSON array."""
    return dumps([rights_json(e) for e in entries])


def licences(known: Sequence[Licence]) -> str:
    """Licences of the knowledge base as a JSON array."""
    return dumps([licence_json(licence) for licence in known])


def licence(known: Licence) -> str:
    """One licence as a JSON object."""
    return dumps(licence_json(known))


def rules(known: Sequence[Rule]) -> str:
    """The rules as a JSON array."""
    return dumps([rule_json(rule) for rule in known])


def waivers(found: Sequence[Waiver]) -> str:
    """Waivers as a JSON array."""
    return dumps([waiver_json(w) for w in found])


def rights_history(changes: Sequence[RightsChange]) -> str:
    """Changes to the rights register as a JSON array, oldest first."""
    return dumps([rights_change_json(c) for c in changes])


def page_history(snapshots: Sequence[PageSnapshot]) -> str:
    """A page's readings as a JSON array, newest first."""
    return dumps([snapshot_json(s) for s in snapshots])


def run_diff(diff: RunDiff) -> str:
    """The ``attribution.diff/1`` document: what changed between two runs."""
    return dumps(diff_json(diff))


class _Items:
    """The items of one list of a document, set aside in a spool as they stream past,
    each indented as :func:`dumps` indents the items of a top-level list."""

    def __init__(self) -> None:
        self.spool: Spool = spool()
        self.count = 0

    def add(self, item: dict[str, Any]) -> None:
        """Set aside one more item."""
        if self.count:
            self.spool.write(",\n")
        self.count += 1
        text = json.dumps(item, indent=2, ensure_ascii=False)
        self.spool.write(textwrap.indent(text, "    ", lambda _line: True))

    def placeholder(self, mark: str) -> list[str]:
        """What stands in for the items in the document around them."""
        return [mark] if self.count else []


def audit_report(report: AuditReport, sink: Sink) -> None:
    """Write the ``attribution.report/1`` document to ``sink``: the same text as
    :func:`dumps` would give for the whole document. The findings and images are read
    once each, counted, and set aside in spools until the summary before them is
    known."""
    tally = AuditTally()
    findings, images = _Items(), _Items()
    try:
        for finding in report.findings():
            tally.add_finding(finding)
            findings.add(report_finding_json(finding))
        for image in report.images():
            tally.add_image(image)
            images.add(report_image_json(image))
        document = audit_document(report, tally)
        document["images"] = images.placeholder(_IMAGES_MARK)
        document["findings"] = findings.placeholder(_FINDINGS_MARK)
        text = dumps(document)
        for mark, items in ((_IMAGES_MARK, images), (_FINDINGS_MARK, findings)):
            before, _, text = text.partition(f"    {json.dumps(mark)}\n")
            sink.write(before)
            if items.count:
                copy_spool(items.spool, sink.write)
                sink.write("\n")
        sink.write(text)
    finally:
        findings.spool.close()
        images.spool.close()


# Stand in for the images and findings in the document written around them.
_IMAGES_MARK = "\x00images\x00"
_FINDINGS_MARK = "\x00findings\x00"


def audit_document(report: AuditReport, tally: AuditTally) -> dict[str, Any]:
    """The ``attribution.report/1`` document, once the findings and images have been
    counted into ``tally``, without its ``images`` and ``findings`` (they come last)."""
    return {
        "schema": REPORT_SCHEMA,
        "publication": report.publication,
        "scope": scope_json(report.scope),
        "generated_at": report.generated_at.isoformat(),
        "summary": summary_json(tally),
        "changes": changes_json(report.diff) if report.diff else None,
        "trend": [run_summary_json(run) for run in report.trend],
        "waivers": [waiver_json(w) for w in report.waivers],
        "expiring_waivers": [waiver_json(w) for w in report.expiring],
        "providers": [provider_use_json(use) for use in report.provider_uses(tally)],
        "rights": [rights_json(entry) for entry in report.rights],
    }


def summary_json(tally: AuditTally) -> dict[str, Any]:
    """The report's ``summary``: open and waived findings by severity, images, pages,
    the rules and providers with most open findings, and the riskiest pages."""
    return {
        "open": {level.value: tally.open[level] for level in SEVERITIES},
        "waived": {level.value: tally.waived[level] for level in SEVERITIES},
        "images": tally.images,
        "pages": len(tally.pages),
        "by_rule": [
            {"rule": rule, "severity": level.value, "open": count}
            for level in SEVERITIES
            for rule, count in tally.rules(level)
        ],
        "providers_at_risk": [
            {"provider": name, "errors": count} for name, count in tally.providers_at_risk()
        ],
        "riskiest_pages": [
            {"page": url, "errors": errors, "warnings": warnings, "notices": notices}
            for url, errors, warnings, notices in tally.riskiest_pages()
        ],
    }
