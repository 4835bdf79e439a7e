"""What an image's source said of it, in one line for people: the text output, the
page history and the audit report share it. It reads the JSON shape of
:func:`attribution.serialize.at_source_json`, which is also what the record keeps."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attribution.records.services import FOUND, MISSING, SERVICE_NAMES


def source_summary(data: Mapping[str, Any]) -> str:
    """ "Flickr photo 123: CC BY 2.0 by Jane Doe (answer of 2026-12-07 06:00 UTC) ·
    licence changed from … to … on …"; the text is the source's and must be escaped
    where it is shown."""
    service = SERVICE_NAMES.get(str(data.get("service")), str(data.get("service")))
    item = data.get("item") or "?"
    label = f"{service} photo {item}" if data.get("service") == "flickr" else f"{service} {item}"
    answer: Mapping[str, Any] = data.get("answer") or {}
    status = answer.get("status")
    when = _stamp(answer.get("asked_at"))
    kept = ", kept from an earlier check" if data.get("cached") else ""
    if status == FOUND:
        licence = answer.get("licence_name") or answer.get("licence") or "no licence stated"
        authors = answer.get("authors") or []
        by = f" by {authors[0]}" if authors else ""
        said = f"{label}: {licence}{by} (answer of {when}{kept})"
    else:
        state = "deleted or never there" if status == MISSING else "not public"
        said = f"{label}: {state} (answer of {when}{kept})"
        last: Mapping[str, Any] | None = data.get("last_found")
        if last:
            licence = last.get("licence_name") or last.get("licence") or "no licence stated"
            said += f"; last shown {_stamp(last.get('asked_at'))} with {licence}"
    changes = [
        f"{change.get('before_name')} → {change.get('after_name')} "
        + (
            "between two of our answers"
            if change.get("since")
            else f"on {str(change.get('on'))[:10]}"
        )
        for change in data.get("changes") or []
    ]
    if changes:
        said += " · licence changed: " + "; ".join(changes)
    return said


def _stamp(moment: object) -> str:
    """An ISO time as "2026-12-07 06:00 UTC" (as given when it cannot be read)."""
    text = str(moment or "?")
    return f"{text[:10]} {text[11:16]} UTC" if len(text) >= 16 else text
