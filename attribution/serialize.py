"""Records as plain JSON-ready dictionaries: the one place JSON is shaped.

The ``attribution.check/1`` contract, stored findings, the rights register, licences
and rules: the JSON and CSV formats, the database and the API all take their shapes
from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, Protocol

from attribution.records import (
    Severity,
)

if TYPE_CHECKING:
    from attribution.licences import Licence
    from attribution.records import (
        Credit,
        DiffEntry,
        Embedded,
        Finding,
        FindingChange,
        ImageEvidence,
        LicenceChange,
        PageResult,
        PageSnapshot,
        PageSource,
        Profile,
        ReportFinding,
        ReportImage,
        ReportScope,
        RightsChange,
        RightsEntry,
        RunDiff,
        RunSummary,
        SourceAnswer,
        SourceEvidence,
        StoredFinding,
        Waiver,
    )
    from attribution.rules import Rule

CHECK_SCHEMA = "attribution.check/1"
REPORT_SCHEMA = "attribution.report/1"
DIFF_SCHEMA = "attribution.diff/1"


def credit_json(credit: Credit | None) -> dict[str, Any] | None:
    """The ``credit`` object of the JSON contract."""
    if credit is None:
        return None
    return {
        "text": credit.text,
        "creator": credit.creator,
        "provider": credit.provider,
        "licence": credit.licence,
        "licence_url": credit.licence_url,
        "kind": credit.kind,
        "creators": list(credit.creators),
        "via": credit.via,
        "source": credit.source,
        "holder": credit.holder,
        "licence_problem": credit.licence_problem,
        "licence_source": credit.licence_source,
        "confidence": credit.confidence,
    }


def embedded_json(embedded: Embedded | None) -> dict[str, Any] | None:
    """The ``embedded`` object of the JSON contract: what the image file declares."""
    if embedded is None:
        return None
    credentials = embedded.content_credentials
    return {
        "format": embedded.format,
        "creator": embedded.creator,
        "copyright": embedded.copyright,
        "credit": embedded.credit,
        "source": embedded.source,
        "caption": embedded.caption,
        "licence_url": embedded.licence_url,
        "usage_terms": embedded.usage_terms,
        "web_statement": embedded.web_statement,
        "attribution_name": embedded.attribution_name,
        "licensor": embedded.licensor,
        "digital_source_type": embedded.digital_source_type,
        "content_credentials": None
        if credentials is None
        else {
            "present": credentials.present,
            "valid": credentials.valid,
            "ai_generated": credentials.ai_generated,
            "issuer": credentials.issuer,
            "claim_generator": credentials.claim_generator,
            "statuses": list(credentials.statuses),
            "problem": credentials.problem,
        },
        "problem": embedded.problem,
    }


def finding_json(finding: Finding) -> dict[str, Any]:
    """One finding as the JSON contract shapes it."""
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "message": finding.message,
        "fix": finding.fix,
    }


class ReportTally:
    """Running counts of a report's pages, images and findings by severity, so that a
    report written page by page can end with its summary without keeping the pages."""

    def __init__(self) -> None:
        self.pages = 0
        self.images = 0
        self.by_severity = dict.fromkeys(Severity, 0)

    def add(self, page: PageResult) -> None:
        """Count one more page."""
        self.pages += 1
        self.images += len(page.images)
        for finding in page.all_findings():
            self.by_severity[finding.severity] += 1

    def as_json(self, failed: int = 0) -> dict[str, int]:
        """The ``summary`` object of the ``attribution.check/1`` document."""
        counts = {"pages": self.pages, "failed": failed, "images": self.images}
        for severity in Severity:
            counts[severity.value] = self.by_severity[severity]
        return counts


def summary_json(pages: Sequence[PageResult], failed: int = 0) -> dict[str, int]:
    """Counts of pages checked, targets that ``failed``, images and findings by severity."""
    tally = ReportTally()
    for page in pages:
        tally.add(page)
    return tally.as_json(failed)


def page_source_json(source: PageSource) -> dict[str, Any]:
    """How a page was read: the addresses asked for and answered, status, time, hash."""
    return {
        "requested_url": source.requested,
        "final_url": source.final,
        "http_status": source.status,
        "fetched_at": source.fetched_at.isoformat(),
        "sha256": source.sha256,
        "size": source.size,
    }


def checked_page_json(page: PageResult) -> dict[str, Any]:
    """One page of the ``attribution.check/1`` document: its images with credits,
    embedded metadata and findings, its own findings and notices."""
    return {
        "url": page.url,
        "title": page.title,
        "source": page_source_json(page.source) if page.source else None,
        "images": [
            {
                "src": item.image.src,
                "alt": item.image.alt,
                "caption": item.image.caption,
                "credit": credit_json(item.credit),
                "embedded": embedded_json(item.embedded),
                "at_source": at_source_json(item.at_source),
                "findings": [finding_json(f) for f in item.findings],
                "origin": item.image.origin,
                "role": item.image.role,
            }
            for item in page.images
        ],
        "findings": [finding_json(f) for f in page.findings],
        "notices": list(page.notices),
    }


def at_source_json(evidence: SourceEvidence | None) -> dict[str, Any] | None:
    """The ``at_source`` object of the JSON contract: what an image's source (Wikimedia
    Commons, Flickr) said of it, when, and the licence changes known."""
    if evidence is None:
        return None
    ref = evidence.ref
    return {
        "service": ref.service,
        "item": ref.key,
        "page": ref.page_url,
        "found_in": ref.found_in,
        "cached": evidence.cached,
        "first_shown": evidence.first_shown.isoformat() if evidence.first_shown else None,
        "first_shown_by": evidence.first_shown_by,
        "answer": source_answer_json(evidence.answer),
        "last_found": source_answer_json(evidence.last_found) if evidence.last_found else None,
        "changes": [licence_change_json(change) for change in evidence.changes],
    }


def source_answer_json(answer: SourceAnswer) -> dict[str, Any]:
    """One answer of a source, with its time: what the record keeps of it."""
    return {
        "id": answer.id,
        "service": answer.service,
        "item": answer.key,
        "asked_at": answer.asked_at.isoformat(),
        "status": answer.status,
        "page": answer.page_url,
        "licence": answer.licence,
        "licence_name": answer.licence_name,
        "licence_url": answer.licence_url,
        "authors": list(answer.authors),
        "author_url": answer.author_url,
        "credit": answer.credit,
        "usage_terms": answer.usage_terms,
        "attribution_required": answer.attribution_required,
        "restrictions": answer.restrictions,
        "posted": answer.posted.isoformat() if answer.posted else None,
        "history": [licence_change_json(change) for change in answer.history],
        "detail": answer.detail,
    }


def licence_change_json(change: LicenceChange) -> dict[str, Any]:
    """One change of a licence at its source."""
    return {
        "on": change.on.isoformat(),
        "since": change.since.isoformat() if change.since else None,
        "before": change.before,
        "after": change.after,
        "before_name": change.before_name,
        "after_name": change.after_name,
    }


def failed_json(failed: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    """The targets that could not be checked, as (target, reason), in target order."""
    return [{"target": target, "reason": reason} for target, reason in failed]


def check_json(
    pages: Sequence[PageResult],
    profile: Profile,
    failed: Sequence[tuple[str, str]] = (),
) -> dict[str, Any]:
    """The whole ``attribution.check/1`` document for a run: the pages checked, and
    the targets that ``failed`` as (target, reason), in the order they were given."""
    return {
        "schema": CHECK_SCHEMA,
        "profile": {"publication": profile.publication, "commercial": profile.commercial},
        "pages": [checked_page_json(page) for page in pages],
        "failed": failed_json(failed),
        "summary": summary_json(pages, len(failed)),
    }


def stored_finding_json(finding: StoredFinding) -> dict[str, Any]:
    """A recorded finding with its identity, history and waiver."""
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
        "waiver_by": finding.waiver_by,
        "waiver_id": finding.waiver_id,
        "evidence": evidence_json(finding.evidence) if finding.evidence else None,
        "history": [finding_change_json(change) for change in finding.history],
    }


def finding_change_json(change: FindingChange) -> dict[str, Any]:
    """One change in a finding's history."""
    return {
        "at": change.at.isoformat(),
        "event": change.event,
        "status": change.status,
        "run": change.run_id,
        "by": change.actor,
        "note": change.note,
    }


def evidence_json(evidence: ImageEvidence) -> dict[str, Any]:
    """What a page showed of an image, and how the page and the image were read."""
    return {
        "page": evidence.page_url,
        "image": evidence.image_url,
        "first_seen": evidence.first_seen.isoformat(),
        "last_seen": evidence.last_seen.isoformat(),
        "run": evidence.run_id,
        "alt": evidence.alt,
        "role": evidence.role,
        "caption": evidence.caption,
        "credit_text": evidence.credit_text,
        "page_fetch": {
            "requested_url": evidence.requested_url,
            "final_url": evidence.final_url,
            "http_status": evidence.http_status,
            "fetched_at": evidence.fetched_at.isoformat() if evidence.fetched_at else None,
            "sha256": evidence.page_sha256,
        },
        "image_file": {
            "sha256": evidence.image_sha256,
            "bytes_read": evidence.image_bytes,
            "embedded": dict(evidence.embedded) if evidence.embedded is not None else None,
        },
        "at_source": dict(evidence.at_source) if evidence.at_source is not None else None,
    }


def snapshot_json(snapshot: PageSnapshot) -> dict[str, Any]:
    """One reading of a page and the images it showed, in order."""
    return {
        "run": snapshot.run_id,
        "fetched_at": snapshot.fetched_at.isoformat(),
        "requested_url": snapshot.requested_url,
        "final_url": snapshot.final_url,
        "http_status": snapshot.http_status,
        "sha256": snapshot.sha256,
        "title": snapshot.title,
        "images": [
            {
                "image": shown.image_url,
                "role": shown.role,
                "alt": shown.alt,
                "caption": shown.caption,
                "credit_text": shown.credit_text,
                "sha256": shown.image_sha256,
                "bytes_read": shown.image_bytes,
                "embedded": dict(shown.embedded) if shown.embedded is not None else None,
                "at_source": dict(shown.at_source) if shown.at_source is not None else None,
            }
            for shown in snapshot.images
        ],
        "unchanged": snapshot.unchanged,
        "declared_images": [
            {
                "image": declared.url,
                "caption": declared.caption,
                "title": declared.title,
                "licence": declared.licence,
                "sitemap": declared.source,
            }
            for declared in snapshot.declared
        ],
    }


def waiver_json(waiver: Waiver) -> dict[str, Any]:
    """A waiver: the finding it accepts, why, by whom, until when, and its revocation."""
    return {
        "id": waiver.id,
        "finding": waiver.finding_id,
        "rule": waiver.rule,
        "page": waiver.page_url,
        "image": waiver.image_url,
        "reason": waiver.reason,
        "by": waiver.created_by,
        "created_at": waiver.created_at.isoformat(),
        "until": waiver.until.isoformat() if waiver.until else None,
        "revoked_at": waiver.revoked_at.isoformat() if waiver.revoked_at else None,
        "revoked_by": waiver.revoked_by,
        "revoke_reason": waiver.revoke_reason,
    }


def rights_json(entry: RightsEntry) -> dict[str, Any]:
    """An agreement of the rights register."""
    return {
        "id": entry.id,
        "provider": entry.provider,
        "scope": entry.scope,
        "valid_from": entry.valid_from.isoformat() if entry.valid_from else None,
        "valid_until": entry.valid_until.isoformat() if entry.valid_until else None,
        "reference": entry.reference,
        "provider_name": entry.provider_name,
        "added_at": entry.added_at.isoformat() if entry.added_at else None,
        "added_by": entry.added_by,
        "note": entry.note,
        "removed_at": entry.removed_at.isoformat() if entry.removed_at else None,
        "removed_by": entry.removed_by,
        "removed_reason": entry.removed_reason,
    }


def rights_change_json(change: RightsChange) -> dict[str, Any]:
    """A change to the rights register, with the agreement as it stood after it."""
    entry = rights_json(change.entry)
    return {
        "entry": change.entry_id,
        "at": change.at.isoformat(),
        "action": change.action,
        "by": change.actor,
        "reason": change.reason,
        "agreement": {key: entry[key] for key in _AGREEMENT_TERMS},
    }


_AGREEMENT_TERMS = ("provider", "provider_name", "scope", "valid_from", "valid_until", "reference")


def licence_json(licence: Licence) -> dict[str, Any]:
    """A licence of the knowledge base with its terms and the source of each fact."""
    data = asdict(licence)
    data["sources"] = dict(data["sources"])
    data["attribution"] = list(data["attribution"])
    return data


def rule_json(rule: Rule) -> dict[str, Any]:
    """A rule's id, default severity and explanation."""
    return {
        "id": rule.id,
        "severity": rule.severity.value,
        "summary": rule.summary,
        "explanation": rule.explanation,
    }


# --- the audit report (attribution.report/1) and what changed (attribution.diff/1) ------


def _moment(value: Any) -> str | None:
    """A day or a moment as ISO 8601 text, or None."""
    return value.isoformat() if value is not None else None


def scope_json(scope: ReportScope) -> dict[str, Any]:
    """What part of the record a report covers, and the same in words."""
    return {
        "run": scope.run_id,
        "since": _moment(scope.since),
        "until": _moment(scope.until),
        "section": scope.section,
        "page": scope.page,
        "statuses": list(scope.statuses),
        "description": scope.describe(),
    }


def run_summary_json(run: RunSummary) -> dict[str, Any]:
    """A recorded run: what it checked, when, and how far it got."""
    return {
        "id": run.id,
        "kind": run.kind,
        "status": run.status,
        "started_at": run.started_at.isoformat(),
        "finished_at": _moment(run.finished_at),
        "targets": list(run.targets),
        "pages_done": run.pages_done,
        "pages_failed": run.pages_failed,
        "pages_unchanged": run.pages_unchanged,
        "pages_skipped": run.pages_skipped,
        "pending": run.pending,
        "images": run.images,
        "errors": run.errors,
        "warnings": run.warnings,
        "notices": run.notices,
    }


def report_finding_json(finding: ReportFinding) -> dict[str, Any]:
    """A finding of an audit report with its evidence, fix and waiver."""
    return {
        "id": finding.id,
        "rule": finding.rule,
        "severity": finding.severity.value,
        "status": finding.status,
        "page": finding.page_url,
        "page_title": finding.page_title,
        "image": finding.image_url,
        "message": finding.message,
        "fix": finding.fix,
        "first_seen": finding.first_seen.isoformat(),
        "last_seen": finding.last_seen.isoformat(),
        "caption": finding.caption,
        "credit_text": finding.credit_text,
        "provider": finding.provider,
        "licence": finding.licence,
        "corrected_line": finding.corrected_line,
        "corrected_html": finding.corrected_html,
        "waiver_reason": finding.waiver_reason,
        "waiver_until": _moment(finding.waiver_until),
        "waiver_by": finding.waiver_by,
    }


def report_image_json(image: ReportImage) -> dict[str, Any]:
    """An image on a page of an audit report, as the page last showed it."""
    return {
        "page": image.page_url,
        "image": image.image_url,
        "role": image.role,
        "first_seen": image.first_seen.isoformat(),
        "last_seen": image.last_seen.isoformat(),
        "caption": image.caption,
        "alt": image.alt,
        "credit_text": image.credit_text,
        "creator": image.creator,
        "provider": image.provider,
        "credit_kind": image.credit_kind,
        "licence": image.licence,
    }


def diff_entry_json(entry: DiffEntry) -> dict[str, Any]:
    """A finding that is new, resolved or changed between two runs; a changed one with
    each fact that differs."""
    return {
        "finding_id": entry.finding_id,
        "rule": entry.rule,
        "severity": entry.severity.value,
        "page_url": entry.page_url,
        "image_url": entry.image_url,
        "message": entry.message,
        "changes": [
            {"field": change.field, "before": change.before, "after": change.after}
            for change in entry.changes
        ],
    }


def changes_json(diff: RunDiff) -> dict[str, Any]:
    """What changed from one run to another: the runs, when they ended, and the new,
    resolved and changed findings."""
    from attribution.records import DIFF_CHANGES  # only what writes a diff loads its records

    return {
        "before_run": diff.before,
        "after_run": diff.after,
        "before_ended": diff.before_ended.isoformat(),
        "after_ended": diff.after_ended.isoformat(),
        **{change: [diff_entry_json(e) for e in diff.of(change)] for change in DIFF_CHANGES},
    }


def diff_json(diff: RunDiff) -> dict[str, Any]:
    """The ``attribution.diff/1`` document."""
    return {"schema": DIFF_SCHEMA, **changes_json(diff)}


class ProviderFacts(Protocol):
    """What the audit report knows of a provider whose pictures its pages show (the
    render layer's ``ProviderUse``, described here so that this lower layer need not
    import it)."""

    @property
    def name(self) -> str: ...
    @property
    def images(self) -> int: ...
    @property
    def pages(self) -> int: ...
    @property
    def errors(self) -> int: ...
    @property
    def warnings(self) -> int: ...
    @property
    def notices(self) -> int: ...
    @property
    def kinds(self) -> tuple[str, ...]: ...
    @property
    def agreement(self) -> RightsEntry | None: ...
    @property
    def needs_agreement(self) -> bool: ...


def provider_use_json(use: ProviderFacts) -> dict[str, Any]:
    """A provider's pictures in an audit report: how many, where, the open findings
    about them, and the agreement that covers them (null: none)."""
    agreement = use.agreement
    return {
        "provider": use.name,
        "images": use.images,
        "pages": use.pages,
        "errors": use.errors,
        "warnings": use.warnings,
        "notices": use.notices,
        "kinds": list(use.kinds),
        "needs_agreement": use.needs_agreement,
        "unlicensed": use.needs_agreement and agreement is None,
        "agreement": rights_json(agreement) if agreement is not None else None,
    }
