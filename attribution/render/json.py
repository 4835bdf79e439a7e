"""The JSON format: the shapes of :mod:`attribution.serialize`, as text."""

from __future__ import annotations

import io
import json
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from attribution.render.report import render_whole
from attribution.serialize import (
    ReportTally,
    check_json,
    checked_page_json,
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
    from attribution.records import (
        PageResult,
        PageSnapshot,
        Profile,
        RightsChange,
        RightsEntry,
        StoredFinding,
        Waiver,
    )
    from attribution.render.report import CheckReport, Sink
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
