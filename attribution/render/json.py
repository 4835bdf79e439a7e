"""The JSON format: the shapes of :mod:`attribution.serialize`, as text."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from attribution.records import PageSnapshot, RightsChange, RightsEntry, StoredFinding, Waiver
from attribution.render.report import CheckReport
from attribution.serialize import (
    check_json,
    licence_json,
    rights_change_json,
    rights_json,
    rule_json,
    snapshot_json,
    stored_finding_json,
    waiver_json,
)

if TYPE_CHECKING:
    from attribution.licences import Licence
    from attribution.rules import Rule


def dumps(data: Any) -> str:
    """Indented JSON that keeps non-ASCII text readable."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def check_report(report: CheckReport) -> str:
    """The ``attribution.check/1`` document."""
    return dumps(check_json(report.pages, report.profile, report.failed))


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
