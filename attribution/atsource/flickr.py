"""What Flickr says of its photos: the questions to ask, and its answers read.

The application calls Flickr's REST API (``https://api.flickr.com/services/rest/``) with
:func:`flickr_params` for each method, and hands the decoded JSON here: the licence list
to :func:`read_licence_list` (asked once, kept: Flickr adds licences, as it did the
Creative Commons 4.0 ones in 2025, so no table of its licence ids is written here), and
a photo's information and licence history to :func:`read_flickr`. Nothing here does I/O.

The shapes read, and where they are documented:

- https://www.flickr.com/services/api/flickr.photos.getInfo.html : ``photo`` with
  ``license`` (an id of the licence list), ``owner`` (``nsid``, ``username``,
  ``realname``, ``path_alias``), ``dates`` (``posted`` in Unix seconds, ``taken``,
  ``lastupdate``), ``urls.url`` (``type`` and ``_content``: the ``photopage``) and
  ``visibility`` (``ispublic``); error 1 "Photo not found", 2 "Permission denied".
- https://www.flickr.com/services/api/flickr.photos.licenses.getInfo.html :
  ``licenses.license``, each ``id``, ``name`` and ``url`` (empty for All Rights
  Reserved).
- https://www.flickr.com/services/api/flickr.photos.licenses.getLicenseHistory.html :
  ``license_history``, each ``date_change`` (Unix seconds), ``old_license``,
  ``old_license_url``, ``new_license``, ``new_license_url``.
- https://www.flickr.com/services/api/response.json.html : with ``format=json`` and
  ``nojsoncallback=1`` the answer is plain JSON with ``"stat": "ok"``, or
  ``"stat": "fail"`` with ``code`` and ``message``; a text node is ``{"_content": …}``,
  and a list of one element may come as that element alone.
- https://www.flickr.com/services/api/misc.urls.html : photo page addresses (and, in
  :mod:`attribution.atsource.locate`, short links and image files).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from attribution.atsource.locate import flickr_page_url
from attribution.atsource.recognise import recognise
from attribution.records.atsource import (
    FLICKR,
    FOUND,
    MISSING,
    PRIVATE,
    LicenceChange,
    SourceAnswer,
)
from attribution.textutil import clean_text

if TYPE_CHECKING:
    from attribution.licences import KnowledgeBase

API_URL = "https://api.flickr.com/services/rest/"
# Error codes of flickr.photos.getInfo and getLicenseHistory.
PHOTO_NOT_FOUND = 1
PERMISSION_DENIED = 2
# The parameters every call has: an argument may not change them.
_FIXED_PARAMS = frozenset({"method", "api_key", "format", "nojsoncallback"})
# Dates before Flickr (2004) or after 9999 are not real.
_LATEST_SECONDS = 253_402_300_799
# A history longer than this is not read further.
MAX_HISTORY = 1000


def flickr_params(method: str, api_key: str, **arguments: str) -> dict[str, str]:
    """The query string of one call of a Flickr API method, answered as plain JSON."""
    clash = _FIXED_PARAMS.intersection(arguments)
    if clash:
        raise ValueError(f"{', '.join(sorted(clash))} cannot be an argument")
    return {
        "method": method,
        "api_key": api_key,
        "format": "json",
        "nojsoncallback": "1",
        **arguments,
    }


@dataclass(frozen=True)
class FlickrLicences:
    """Flickr's licence list: each licence id (as text, "0", "11") with its name and
    address (empty when Flickr gives none)."""

    licences: Mapping[str, tuple[str, str]]

    def get(self, licence_id: object) -> tuple[str, str] | None:
        """The (name, url) of a licence id (a number or its text), or None."""
        return self.licences.get(_text_id(licence_id))

    def url_named(self, name: str) -> str | None:
        """The address the list gives beside a licence name (compared without case)."""
        wanted = name.strip().casefold()
        for listed, url in self.licences.values():
            if listed.strip().casefold() == wanted:
                return url or None
        return None


def read_licence_list(payload: Mapping[str, Any]) -> FlickrLicences:
    """The licence list of ``flickr.photos.licenses.getInfo``."""
    _require_ok(payload, "the licence list")
    licenses = payload.get("licenses")
    entries = licenses.get("license") if isinstance(licenses, Mapping) else None
    if isinstance(entries, Mapping):
        entries = [entries]
    if not isinstance(entries, list):
        raise ValueError("the licence list has no licenses.license")
    licences: dict[str, tuple[str, str]] = {}
    for entry in entries:
        if not isinstance(entry, Mapping):
            raise ValueError("a licence of the list is not an object")
        licence_id = _text_id(entry.get("id"))
        name, url = _text(entry.get("name")), _text(entry.get("url"))
        if not licence_id or name is None or url is None:
            raise ValueError("a licence of the list has no id, name or url")
        licences[licence_id] = (clean_text(name), url.strip())
    return FlickrLicences(licences)


def flickr_failure(payload: Mapping[str, Any]) -> tuple[int, str] | None:
    """The error code and message of a failed call (``"stat": "fail"``), else None."""
    if not isinstance(payload, Mapping):
        raise ValueError("the answer is not a JSON object")
    if payload.get("stat") != "fail":
        return None
    code = payload.get("code")
    if isinstance(code, bool) or not isinstance(code, int | str):
        raise ValueError("a failed answer has no error code")
    try:
        number = int(code)
    except ValueError:
        raise ValueError("a failed answer's error code is not a number") from None
    message = _text(payload.get("message"))
    return number, clean_text(message or "")[:500]


def read_flickr(
    photo_id: str,
    info: Mapping[str, Any],
    history: Mapping[str, Any] | None,
    licences: FlickrLicences,
    asked_at: datetime,
    kb: KnowledgeBase,
) -> SourceAnswer:
    """What Flickr said of one photo: ``info`` is the answer of ``flickr.photos.getInfo``,
    ``history`` that of ``flickr.photos.licenses.getLicenseHistory`` (None when it was
    not asked). A photo not found is MISSING, one not shown to the public PRIVATE; any
    other failure, or an answer not of the documented shape, raises :class:`ValueError`.
    """
    failure = flickr_failure(info)
    if failure is not None:
        code, message = failure
        if code == PHOTO_NOT_FOUND:
            return SourceAnswer(FLICKR, photo_id, asked_at, MISSING, detail=message or None)
        if code == PERMISSION_DENIED:
            return SourceAnswer(FLICKR, photo_id, asked_at, PRIVATE, detail=message or None)
        raise ValueError(f"Flickr answered error {code}: {message}")
    _require_ok(info, "the photo's information")
    photo = info.get("photo")
    if not isinstance(photo, Mapping):
        raise ValueError("the photo's information has no photo")
    if "id" in photo and _text_id(photo["id"]) != photo_id:
        raise ValueError(f"the information is of photo {photo['id']!r}, not {photo_id!r}")
    if _visibility(photo) is False:
        return SourceAnswer(
            FLICKR, photo_id, asked_at, PRIVATE, detail="the photo is not public on Flickr"
        )
    licence_id = _text_id(photo.get("license"))
    if not licence_id:
        raise ValueError("the photo's information has no licence")
    listed = licences.get(licence_id)
    licence: str | None = None
    licence_name: str | None = f"Flickr licence {licence_id}"  # not in the list asked
    licence_url: str | None = None
    if listed is not None:
        licence_name, licence_url = listed[0] or None, listed[1] or None
        licence = recognise(kb, licence_url, licence_name)
    owner = photo.get("owner", {})
    if not isinstance(owner, Mapping):
        raise ValueError("the photo's owner is not an object")
    nsid, alias = _name(owner, "nsid"), _name(owner, "path_alias")
    profile = alias or nsid
    dates = photo.get("dates", {})
    if not isinstance(dates, Mapping):
        raise ValueError("the photo's dates are not an object")
    return SourceAnswer(
        FLICKR,
        photo_id,
        asked_at,
        FOUND,
        page_url=_photo_page(photo) or flickr_page_url(photo_id, profile),
        licence=licence,
        licence_name=licence_name,
        licence_url=licence_url,
        authors=_authors(owner),
        author_url=f"https://www.flickr.com/photos/{quote(profile, safe='@')}/"
        if profile
        else None,
        posted=_moment(dates["posted"], "the photo's posting date")
        if dates.get("posted") not in (None, "")
        else None,
        history=read_history(history, licences, kb) if history is not None else (),
    )


def read_history(
    payload: Mapping[str, Any], licences: FlickrLicences, kb: KnowledgeBase
) -> tuple[LicenceChange, ...]:
    """The licence changes of ``flickr.photos.licenses.getLicenseHistory``, oldest first.

    A change whose old and new licence are the same is left out, and so is an entry
    with no old licence or no new one (the photo's licence as first set, not a change
    of it)."""
    _require_ok(payload, "the licence history")
    entries = payload.get("license_history", [])
    if isinstance(entries, Mapping):
        entries = [entries]
    if not isinstance(entries, list):
        raise ValueError("the licence history is not a list")
    changes: list[LicenceChange] = []
    for entry in entries[:MAX_HISTORY]:
        if not isinstance(entry, Mapping):
            raise ValueError("a change of the licence history is not an object")
        on = _moment(entry.get("date_change"), "a change's date")
        old_name, old_url = _history_licence(entry, "old_license")
        new_name, new_url = _history_licence(entry, "new_license")
        if (not old_name and not old_url) or (not new_name and not new_url):
            continue
        before = _history_id(old_name, old_url, licences, kb)
        after = _history_id(new_name, new_url, licences, kb)
        if before is not None and before == after:
            continue
        if before is None and after is None and _same(old_name, new_name, old_url, new_url):
            continue
        changes.append(
            LicenceChange(
                on=on,
                before=before,
                after=after,
                before_name=old_name or old_url,
                after_name=new_name or new_url,
            )
        )
    return tuple(sorted(changes, key=lambda change: change.on))


def _history_licence(entry: Mapping[str, Any], key: str) -> tuple[str, str]:
    name, url = _text(entry.get(key, "")), _text(entry.get(f"{key}_url", ""))
    if name is None or url is None:
        raise ValueError(f"a change's {key} is not text")
    return clean_text(name), url.strip()


def _history_id(name: str, url: str, licences: FlickrLicences, kb: KnowledgeBase) -> str | None:
    """A licence of the history: by its address, its name, then the address the licence
    list gives beside that name."""
    found = recognise(kb, url or None, name or None)
    if found is None and name:
        found = recognise(kb, licences.url_named(name))
    return found


def _same(old_name: str, new_name: str, old_url: str, new_url: str) -> bool:
    return old_name.casefold() == new_name.casefold() and old_url == new_url


def _authors(owner: Mapping[str, Any]) -> tuple[str, ...]:
    names: list[str] = []
    for key in ("realname", "username", "path_alias"):
        name = _name(owner, key)
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return tuple(names)


def _name(owner: Mapping[str, Any], key: str) -> str | None:
    value = _text(owner.get(key))
    if not value:
        return None
    return clean_text(value)[:200] or None


def _photo_page(photo: Mapping[str, Any]) -> str | None:
    urls = photo.get("urls")
    entries = urls.get("url") if isinstance(urls, Mapping) else None
    if isinstance(entries, Mapping):
        entries = [entries]
    for entry in entries if isinstance(entries, list) else ():
        if isinstance(entry, Mapping) and entry.get("type") == "photopage":
            page = _text(entry)
            if page and page.strip().lower().startswith(("https://", "http://")):
                return page.strip()
    return None


def _visibility(photo: Mapping[str, Any]) -> bool | None:
    visibility = photo.get("visibility")
    if not isinstance(visibility, Mapping) or "ispublic" not in visibility:
        return None
    return str(visibility["ispublic"]) not in ("0", "False", "false")


def _require_ok(payload: Mapping[str, Any], what: str) -> None:
    failure = flickr_failure(payload)
    if failure is not None:
        raise ValueError(f"Flickr answered error {failure[0]} for {what}: {failure[1]}")
    if payload.get("stat") != "ok":
        raise ValueError(f"{what} is not a Flickr answer (no stat)")


def _text(value: object) -> str | None:
    """A text value: a string, or Flickr's text node ``{"_content": …}``."""
    if isinstance(value, Mapping):
        value = value.get("_content")
    return value if isinstance(value, str) else None


def _text_id(value: object) -> str:
    """An id given as a number or as text, as text ("" when it is neither)."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return value.strip()
    return ""


def _moment(value: object, what: str) -> datetime:
    """Unix seconds (a number or its text) as a time in UTC."""
    seconds = _text_id(value)
    if not seconds or int(seconds) > _LATEST_SECONDS:
        raise ValueError(f"{what} is not a time: {str(value)[:40]!r}")
    return datetime.fromtimestamp(int(seconds), UTC)
