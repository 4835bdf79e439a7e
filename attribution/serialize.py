"""Records as plain JSON-ready dictionaries: the shapes of the ``attribution.check/1``
contract, shared by the reports and the database."""

from __future__ import annotations

from typing import Any

from attribution.records import Credit, Embedded


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
