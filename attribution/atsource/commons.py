"""What Wikimedia Commons says of its files: the question to ask, and its answer read.

The application asks the MediaWiki Action API (``https://commons.wikimedia.org/w/api.php``)
with :func:`commons_params` and hands the decoded JSON to :func:`read_commons`, which
returns one :class:`~attribution.records.atsource.SourceAnswer` per title asked. Nothing
here does I/O.

The shapes read, and where they are documented:

- https://www.mediawiki.org/wiki/API:Imageinfo : ``prop=imageinfo`` with
  ``iiprop=extmetadata|url`` gives each page an ``imageinfo`` list whose first entry
  holds ``url``, ``descriptionurl`` and ``extmetadata`` (filtered by
  ``iiextmetadatafilter``, in the language ``iiextmetadatalanguage``); a file whose
  content was deleted by revision deletion has ``filehidden``. Pages that do not exist
  have ``missing`` (and ``known`` when a file exists elsewhere under that name), titles
  that cannot exist have ``invalid`` with ``invalidreason``; titles given in another
  form are listed in ``query.normalized`` (``from`` → ``to``), redirects followed in
  ``query.redirects``.
- https://www.mediawiki.org/wiki/Extension:CommonsMetadata : the ``extmetadata`` fields
  read from the file's description page (``LicenseShortName``, ``LicenseUrl``,
  ``License``, ``UsageTerms``, ``Artist``, ``Credit``, ``AttributionRequired``,
  ``Restrictions``, ``Copyrighted``), each ``{"value": …, "source": …, "hidden": …}``,
  values being HTML; ``DateTime`` is MediaWiki's own (the upload of the file's current
  version). ``DateTimeOriginal`` (when the work was made, free text) is not read: it is
  not when the file was published on Commons.
- https://www.mediawiki.org/wiki/API:JSON_version_2 : with ``formatversion=2`` pages are
  a list, flags are JSON booleans (``"missing": true``) and an empty object may be
  written ``[]``.
- https://www.mediawiki.org/wiki/Manual:Maxlag_parameter : ``maxlag=5`` makes a lagged
  server answer with the error ``maxlag`` instead of working; any top-level ``error``
  (its ``code`` and ``info``) is raised as :class:`CommonsError`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from attribution.atsource.locate import commons_page_url
from attribution.atsource.markup import markup_link, markup_text
from attribution.atsource.recognise import recognise
from attribution.records.atsource import COMMONS, FOUND, MISSING, SourceAnswer

if TYPE_CHECKING:
    from attribution.licences import KnowledgeBase

API_URL = "https://commons.wikimedia.org/w/api.php"
# The API takes at most 50 titles in one query (500 for bots).
MAX_TITLES = 50
# The extmetadata fields read, in the order they are consulted.
EXTMETADATA_FIELDS = (
    "LicenseShortName",
    "LicenseUrl",
    "License",
    "UsageTerms",
    "Artist",
    "Credit",
    "AttributionRequired",
    "Restrictions",
    "Copyrighted",
    "DateTime",
)
# The licence of a file Commons says is not copyrighted when nothing names a better one.
NOT_COPYRIGHTED_LICENCE = "LicenseRef-Public-Domain"


class CommonsError(ValueError):
    """The API answered with an error (``maxlag``, ``ratelimited``, …): its code and
    words. A :class:`ValueError`, like every answer that cannot be read."""

    def __init__(self, code: str, info: str) -> None:
        super().__init__(f"Wikimedia Commons answered {code}: {info}")
        self.code = code
        self.info = info


def commons_params(titles: Sequence[str]) -> dict[str, str]:
    """The query string of one request for the licence facts of up to 50 file titles."""
    if isinstance(titles, str):
        raise ValueError("titles must be a sequence of titles, not one string")
    if not titles:
        raise ValueError("no titles to ask about")
    if len(titles) > MAX_TITLES:
        raise ValueError(f"{len(titles)} titles: at most {MAX_TITLES} fit in one query")
    for title in titles:
        if not isinstance(title, str) or not title.strip() or "|" in title:
            raise ValueError(f"not a title: {title!r}")
    return {
        "action": "query",
        "prop": "imageinfo",
        "iiprop": "extmetadata|url",
        "iiextmetadatafilter": "|".join(EXTMETADATA_FIELDS),
        "iiextmetadatalanguage": "en",
        "titles": "|".join(titles),
        "format": "json",
        "formatversion": "2",
        "maxlag": "5",
    }


def read_commons(
    payload: Mapping[str, Any], titles: Sequence[str], asked_at: datetime, kb: KnowledgeBase
) -> dict[str, SourceAnswer]:
    """What Commons answered of each title asked, keyed by the title as asked.

    Raises :class:`CommonsError` (a :class:`ValueError`) when the API answered with an
    error, and :class:`ValueError` when the answer is not the documented shape or does
    not speak of a title asked.
    """
    if not isinstance(payload, Mapping):
        raise ValueError("the answer is not a JSON object")
    error = payload.get("error")
    if error is not None:
        if not isinstance(error, Mapping):
            raise CommonsError("unknown", str(error)[:200])
        raise CommonsError(str(error.get("code", "unknown")), str(error.get("info", ""))[:500])
    query = payload.get("query")
    if not isinstance(query, Mapping):
        raise ValueError("the answer has no query")
    pages = _pages(query)
    renamed = {**_renames(query, "normalized"), **_renames(query, "converted")}
    redirects = _renames(query, "redirects")
    answers: dict[str, SourceAnswer] = {}
    for title in titles:
        name = renamed.get(title, title)
        name = redirects.get(name, name)
        page = pages.get(name)
        if page is None:
            raise ValueError(f"the answer does not speak of {title!r}")
        answers[title] = _answer(title, page, asked_at, kb)
    return answers


def _pages(query: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    pages = query.get("pages")
    if not isinstance(pages, list):
        raise ValueError("the answer's pages are not a list")
    found: dict[str, Mapping[str, Any]] = {}
    for page in pages:
        if not isinstance(page, Mapping) or not isinstance(page.get("title"), str):
            raise ValueError("a page of the answer has no title")
        found[page["title"]] = page
    return found


def _renames(query: Mapping[str, Any], key: str) -> dict[str, str]:
    entries = query.get(key, [])
    if not isinstance(entries, list):
        raise ValueError(f"the answer's {key} is not a list")
    renames: dict[str, str] = {}
    for entry in entries:
        if not isinstance(entry, Mapping):
            raise ValueError(f"an entry of the answer's {key} is not an object")
        old, new = entry.get("from"), entry.get("to")
        if not isinstance(old, str) or not isinstance(new, str):
            raise ValueError(f"an entry of the answer's {key} has no from and to")
        renames[old] = new
    return renames


def _answer(
    title: str, page: Mapping[str, Any], asked_at: datetime, kb: KnowledgeBase
) -> SourceAnswer:
    def missing(detail: str) -> SourceAnswer:
        return SourceAnswer(COMMONS, title, asked_at, MISSING, detail=detail)

    if page.get("invalid"):
        reason = page.get("invalidreason")
        return missing(str(reason)[:500] if reason else "the title cannot name a file")
    if page.get("missing"):
        return missing("no file of this name on Wikimedia Commons (deleted, or never uploaded)")
    infos = page.get("imageinfo")
    if infos is None:
        return missing("the page on Wikimedia Commons holds no file")
    if not isinstance(infos, list):
        raise ValueError(f"the imageinfo of {title!r} is not a list")
    if not infos:
        return missing("the page on Wikimedia Commons holds no file")
    info = infos[0]
    if not isinstance(info, Mapping):
        raise ValueError(f"the imageinfo of {title!r} is not an object")
    if info.get("filehidden"):
        return missing("the file on Wikimedia Commons has been hidden (deleted from view)")
    fields = _extmetadata(title, info.get("extmetadata"))
    licence_url = _web_address(fields.get("LicenseUrl"))
    licence_name = markup_text(fields.get("LicenseShortName"))
    usage_terms = markup_text(fields.get("UsageTerms"))
    licence = recognise(
        kb, licence_url, licence_name, usage_terms, markup_text(fields.get("License"))
    )
    if licence is None and _flag(fields.get("Copyrighted")) is False:
        licence = NOT_COPYRIGHTED_LICENCE if kb.licence(NOT_COPYRIGHTED_LICENCE) else None
    artist = fields.get("Artist")
    author = markup_text(artist)
    description = info.get("descriptionurl")
    return SourceAnswer(
        COMMONS,
        title,
        asked_at,
        FOUND,
        page_url=_web_address(description) or commons_page_url(str(page["title"])),
        licence=licence,
        licence_name=licence_name,
        licence_url=licence_url,
        authors=(author,) if author else (),
        author_url=markup_link(artist),
        credit=markup_text(fields.get("Credit")),
        usage_terms=usage_terms,
        attribution_required=_flag(fields.get("AttributionRequired")),
        restrictions=markup_text(fields.get("Restrictions")),
        posted=_timestamp(markup_text(fields.get("DateTime"))),
    )


def _extmetadata(title: str, extmetadata: object) -> dict[str, str]:
    """The fields read, as strings (markup left in)."""
    if extmetadata is None or extmetadata == []:
        return {}
    if not isinstance(extmetadata, Mapping):
        raise ValueError(f"the extmetadata of {title!r} is not an object")
    fields: dict[str, str] = {}
    for name in EXTMETADATA_FIELDS:
        field = extmetadata.get(name)
        if field is None:
            continue
        if not isinstance(field, Mapping) or "value" not in field:
            raise ValueError(f"the {name} of {title!r} has no value")
        value = field["value"]
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValueError(f"the {name} of {title!r} is not text")
        fields[name] = str(value)
    return fields


def _flag(value: str | None) -> bool | None:
    text = (markup_text(value) or "").lower()
    return {"true": True, "false": False}.get(text)


def _web_address(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = markup_text(value)
    if text is None or " " in text:
        return None
    if text.startswith("//"):
        text = "https:" + text
    return text if text.lower().startswith(("http://", "https://")) else None


def _timestamp(text: str | None) -> datetime | None:
    """MediaWiki's timestamps ("2014-06-13 20:52:06", ISO 8601), in UTC."""
    if not text or len(text) > 40:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
