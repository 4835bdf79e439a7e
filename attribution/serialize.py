"""Records as plain JSON-ready dictionaries: the one place JSON is shaped.

The ``attribution.check/1`` contract, stored findings, the rights register, licences
and rules: the JSON and CSV formats, the database and the API all take their shapes
from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from attribution.records import (
    Credit,
    Embedded,
    Finding,
    PageResult,
    Profile,
    RightsEntry,
    Severity,
    StoredFinding,
)

if TYPE_CHECKING:
    from attribution.licences import Licence
    from attribution.rules import Rule

CHECK_SCHEMA = "attribution.check/1"


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


def summary_json(pages: Sequence[PageResult], failed: int = 0) -> dict[str, int]:
    """Counts of pages checked, targets that ``failed``, images and findings by severity."""
    counts = {
        "pages": len(pages),
        "failed": failed,
        "images": sum(len(p.images) for p in pages),
    }
    for severity in Severity:
        counts[severity.value] = sum(
            1 for p in pages for f in p.all_findings() if f.severity is severity
        )
    return counts


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
        "pages": [
            {
                "url": page.url,
                "title": page.title,
                "images": [
                    {
                        "src": item.image.src,
                        "alt": item.image.alt,
                        "caption": item.image.caption,
                        "credit": credit_json(item.credit),
                        "embedded": embedded_json(item.embedded),
                        "findings": [finding_json(f) for f in item.findings],
                        "origin": item.image.origin,
                    }
                    for item in page.images
                ],
                "findings": [finding_json(f) for f in page.findings],
            }
            for page in pages
        ],
        "failed": [{"target": target, "reason": reason} for target, reason in failed],
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
    }


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
