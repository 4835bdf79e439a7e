"""Turn a credit line as printed into structured facts (:func:`parse_credit`).

The parser reads a credit the way a rights clerk does: note the licence named in the
text or linked beside it; note how the picture was obtained (handout, pool,
screenshot, illustration, courtesy, staff); drop the labels ("Photo:", "Foto:",
"U.S. Army photo by"); then read the remaining pieces — split at slashes, "via",
"for", "by", "on" — as agencies, platforms and bodies known to the provider table,
as the people credited, or as an organisation holding the rights. It is pure, never
raises, and bounds its work on any input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import urlsplit

from attribution.credits.house import compact, named_forms
from attribution.credits.licence_names import (
    find_licences_in_text,
    licence_from_url,
)
from attribution.credits.needles import (
    dispatched_alternation,
    lazy_compile,
    needle_alternation,
    scan_alternation,
    words_within,
)
from attribution.credits.vocabulary import (
    BY_WORDS,
    COPYRIGHT_MARKS,
    COURTESY_PHRASES,
    GENERIC_LABELS,
    GIVEN_NAMES,
    KIND_LABELS,
    LABEL_SEPARATORS,
    LEADING_BY_WORDS,
    LOWER_PARTICLES,
    MADE_BY_NOUNS,
    MARKER_NEEDLES,
    MARKERS,
    MORE_GENERIC_LABELS,
    NAME_JOINERS,
    NAMELESS_KIND_LABELS,
    NOT_NAMES,
    ORGANISATION_ARTICLES,
    ORGANISATION_ENDINGS,
    ORGANISATION_WORDS,
    OWN_WORK_PHRASES,
    PARSER_GENERIC_LABELS,
    PLACES,
    POSITION_LABELS,
    PROVIDER_FILLER,
    PUBLICATION_WORDS,
    ROLES,
    TITLE_WORDS,
    TITLES,
    TOP_LEVEL_DOMAINS,
    UNPUNCTUATED_LABELS,
    VENUE_CITIES,
    WIRE_NEEDLES,
    WIRE_NOTES,
)
from attribution.licences import Provider, alias_key, default_knowledge_base
from attribution.records import Credit
from attribution.textutil import alternatives, clean_text

if TYPE_CHECKING:
    from attribution.credits.licence_names import (
        LicenceMention,
    )
    from attribution.licences import KnowledgeBase

MAX_CREDIT_CHARS = 1000
US_GOVERNMENT = "LicenseRef-US-Government-Work"
PUBLIC_DOMAIN = "LicenseRef-Public-Domain"
ALL_RIGHTS_RESERVED = "LicenseRef-All-Rights-Reserved"

_LABEL_WORDS = dispatched_alternation(
    (*GENERIC_LABELS, *MORE_GENERIC_LABELS, *PARSER_GENERIC_LABELS, *KIND_LABELS, *POSITION_LABELS),
    re.IGNORECASE,
)
LABEL = re.compile(
    r"^\s*+(?:[(\[]\s*+)?"
    + _LABEL_WORDS
    + r"(?:\s*+\d{1,2}(?!\d))?"  # a numbered label: "Bild 2:", "Photo 3:"
    # two jobs: "Foto und Styling:", "Photo and text:" (only before a colon)
    + r"(?:\s++(?:and|und|et|y|&)\s++[^\W\d]{2,20}+(?=\s*:))?"
    + r"\s*(?:"
    + "|".join(LABEL_SEPARATORS)
    + r"|\s[-–—/]\s)\s*"
    r"|^\s*+" + alternatives(*UNPUNCTUATED_LABELS) + r"\s*",
    re.IGNORECASE,
)
_LABEL_ONLY = re.compile(_LABEL_WORDS + r"(?:\s*+\d{1,2})?\s*(?::|…|\.\.\.|,)?", re.IGNORECASE)
# "Photo by", "U.S. Army photo by", "Official White House Photo by", "Bild von", …
_MADE_BY = lazy_compile(
    r"^(?P<org>[^,;]{0,80}?)\s*\b"
    + alternatives(*MADE_BY_NOUNS)
    + r"(?:\s+illustrations?)?\s+(?:"
    + "|".join(BY_WORDS)
    + r"|from\s+video\s+by)\s+",
    re.IGNORECASE,
)
_LEADING_BY = re.compile(
    r"^"
    + alternatives(
        *LEADING_BY_WORDS, r"illustrated\s+by", r"photographed\s+by", r"drawn\s+by", r"shot\s+by"
    )
    + r"\s+",
    re.IGNORECASE,
)
# The title before the author in Creative Commons' "Title by Author is licensed under …"
_TITLE_BY = lazy_compile(
    r"^[^/|;]{1,120}?\s" + alternatives(*LEADING_BY_WORDS) + r"\s++(?=\S)", re.IGNORECASE
)
# A user name in brackets after a person's name ("Jane Roe (jroe_photos) on Flickr")
_BRACKETED_HANDLE = lazy_compile(r"(?<=\w)\s*+\(\s*+(?P<handle>@?[a-z0-9_.\-]{2,40})\s*+\)")
_ORG_NOISE = lazy_compile(
    r"\b(?:official|staff|file|pool|handout|still|from|a|an|the|video|posted|obtained|on"
    r"|earth\s+observatory|press)\b",
    re.IGNORECASE,
)
_COURTESY = lazy_compile(
    r"(?:^|,\s*+|\s++|/\s*+)(?:photos?\s++|images?\s++|foto:?\s++)?"
    + alternatives(*COURTESY_PHRASES)
    + r"\s*:?\s*(?P<source>[^/;]+?)\s*(?=/|;|$|\s+via\s|(?<=[a-z]{3})\.\s+[A-Z])",
    re.IGNORECASE,
)
_URL = lazy_compile(r"https?://\S+|\bwww\.\S+", re.IGNORECASE)
_COPYRIGHT = re.compile(
    alternatives(*COPYRIGHT_MARKS) + r"\s*:?\s*"
    r"(?:(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)?\d\d)?\s*,?\s*)?",
    re.IGNORECASE,
)
_WIRE_NOTES = lazy_compile(r"\b" + alternatives(*WIRE_NOTES) + r"\b", re.IGNORECASE)
_KIND_LABEL = re.compile(
    r"^" + alternatives(*NAMELESS_KIND_LABELS) + r"\s*:\s*(?=\S)", re.IGNORECASE
)
_GUILLEMETS = lazy_compile(r"(?<=\s)«\s*([^»]{1,80}?)\s*»")
_PUBLICATION = lazy_compile(r"\b" + alternatives(*PUBLICATION_WORDS) + r"\b", re.IGNORECASE)
_DOMAIN = lazy_compile(r"^(?:[\w-]++\.)+" + alternatives(*TOP_LEVEL_DOMAINS) + "$", re.I)
_AGENCY_PHOTO = lazy_compile(r"^(?P<agency>[A-Z][A-Z-]{1,12})\s+(?:PHOTO|FOTO)\s+(?=[A-Z]{2})")
_EMBARGO = lazy_compile(r"\b(?:[A-Z]{2,}+\s++){1,3}OUT\b")  # "SOUTH KOREA OUT", "JAPAN OUT"
_TRADE_NAME = lazy_compile(
    r"\s++(?:photography|fotografie|photographie|fotograf[íi]a)$", re.IGNORECASE
)
_TRADE_NAME_WORDS = ("photography", "fotografie", "photographie", "fotografia")
_TRAILING_YEAR = re.compile(r"[\s,]++(?:19|20)\d\d\s*$")
_TITLE_QUOTE = lazy_compile(r"^\s*[\"“'‘„«](?P<title>[^\"”’“»]{1,200})[\"”'’“»]\s*,?\s*")
_LICENCE_FILLER = lazy_compile(
    r",?\s*+(?:is\s++|are\s++)?(?:licen[cs]ed|available|released|used|marked|dedicated|reproduced)"
    r"\s+(?:for\s+reuse\s+)?(?:under|with|to)\s*(?:a|an|the|this)?(?:\s+creative\s+commons)?"
    r"(?:\s+licen[cs]e)?\s*:?\s*"
    r"|,?\s*+(?:lizenziert|ver[öo]ffentlicht|licenci[ée]e?|licenciad[oa]|publicad[oa]|publi[ée]e?)"
    r"\s+(?:unter|sous|bajo)\b"
    r"|\bsome\s+rights\s+reserved\b|\bno\s+known\s+copyright\s+restrictions\b"
    r"|\bbestimmte\s+rechte\s+vorbehalten\b|\balgunos\s+derechos\s+reservados\b"
    r"|\bcertains\s+droits\s+r[ée]serv[ée]s\b"
    r"|\bunder\s+(?:a|an|the)\b|\b(?:under|unter|sous|bajo)\s*(?=/|$)"
    r"|\bvia\s+(?:a\s+)?(?:creative\s+commons|cc)\s+licen[cs]e\b|\bthis\s+file\b"
    r"|\b(?:licen[cs]e[ds]?|lizenz|licencja|licencia|licenza)\b(?:\s+cc)?\s*:?"
    r"|\b(?:contains\s+(?:modified\s+)?|processed\s+by\b)",
    re.IGNORECASE,
)
# The words the quick tests of reading a credit need, by test: the licence filler
# (_LICENCE_FILLER), the markers (_MARKERS) and the notes _read takes out. One pass over
# the lower-cased text tells which of them can be there (most credits have none).
_READ_NEEDLES: dict[str, tuple[str, ...]] = {
    "filler": (
        "licen", "lizenz", "rights", "restriction", "under", "this file", "contains", "processed",
        "available", "released", "used", "marked", "dedicated", "reproduced", "unter", "sous",
        "bajo", "rechte", "derechos", "droits", "ffentlicht", "publicad", "publié", "publie",
    ),
    "marker": MARKER_NEEDLES,
    "edit": (
        "crop", "resiz", "correct", "retouch", "edited", "modified", "changes made", "caption",
        "attention", "image id", "ausschnitt", "honorarfrei",
    ),
    "own-work": ("work", "werk", "personnel", "propi", "własna", "wlasna", "arbete"),
    "courtesy": (
        "courtesy", "cortes", "aimable", "genehmigung", "supplied", "provided", "submitted",
        "handout", "care of",
    ),
    "wire": WIRE_NEEDLES,
}  # fmt: skip
_READ_SCAN = re.compile(scan_alternation(*(w for ws in _READ_NEEDLES.values() for w in ws)))
_READ_NEEDLE_GROUPS = words_within(_READ_NEEDLES)
_LONG_NUMBER = re.compile(r"\d{7}")
_MADE_BY_HINT = re.compile(r"\s(?:" + "|".join(BY_WORDS) + r")\s", re.IGNORECASE)
_BY_WORD_SET = frozenset(BY_WORDS)
_IMAGE_CAPTION_TAIL = lazy_compile(r"\s*+image\s+caption\s*,.*$", re.IGNORECASE)
# One pass over the text finds every marker: (?P<pool>…)|(?P<handout>…)|…, each tried
# only where a letter that begins one of them stands (_MARKER_LETTERS, checked by a test).
_MARKER_LETTERS = "abcdfghikmprsuvz"
_MARKERS = lazy_compile(
    f"(?=[{_MARKER_LETTERS}])(?:"
    + "|".join(f"(?P<{name}>{pattern})" for name, pattern in MARKERS.items())
    + ")",
    re.IGNORECASE,
)
_TITLES = lazy_compile(r"^" + alternatives(*TITLES) + r"\s+", re.IGNORECASE)
# A figure taken from a paper, credited as it is cited: "Okafor, et al. 2014", "From
# Okafor et al. (2014)".
_CITED_AUTHORS = re.compile(
    r"\s*+(?:from\s++)?(?P<authors>[^\W\d_][\w'’.-]{0,40}+,?\s++et\s++al\.?)"
    r"(?:,?\s*+\(?\d{4}[a-z]?\)?)?\s*+\.?",
    re.IGNORECASE,
)
# The full stop is tested before the letters behind it: the pattern is tried at every
# position, and few are full stops.
_SEGMENT_SPLIT = re.compile(r"(?:\s*+(?:[/|;\\]|\.(?<=[a-z]{4}\.)\s++(?=[A-Z]))|\s++[-–—]\s)\s*+")
_SEGMENT_MARK = re.compile(r"[/|;\\.\-–—]")  # one of them is in every place a credit splits
_NAME_LIST_SPLIT = re.compile(r"(?:\s*+,\s*+(?:and\s++|&\s++)?|\s++(?:&|and|und|et|y)\s)\s*+")
# Words of letters, digits and a few marks, each perhaps after "@": str.split's white
# space is the pattern's \s.
_NAME_WORDS = re.compile(r"\s*+@?[\w'’.\-ʻ]++(?:\s++@?[\w'’.\-ʻ]++)*+\s*+")
_ASCII_DIGIT = re.compile(r"[0-9]")
# A picture's number, not a user's name: "UNI498213", "RTR4JDW4"
_PICTURE_NUMBER = re.compile(r"[A-Z]++\d++|(?=[A-Z0-9]{6,}$)[A-Z]++\d[A-Z0-9]*+")
_PLATFORM_HANDLE = lazy_compile(
    r"^(?P<platform>[\w .]+?)\s++(?:channel\s++|account\s++|user\s++)?(?P<handle>@[\w.]+)$",
    re.IGNORECASE,
)
# "Jane Roe's Instagram page", "the council's Facebook account"
_OWNER_OF_ACCOUNT = lazy_compile(
    r"^(?P<owner>[^'’]{1,80})['’]s\s++(?P<platform>[\w .]{2,30}?)"
    r"(?:\s++(?:page|account|feed|channel|profile|post))?$",
    re.IGNORECASE,
)
_USER_OF_PLATFORM = lazy_compile(
    r"^(?P<platform>[\w ]+?)\s+user\s+['\"“‘]?(?P<name>[^'\"”’]+?)['\"”’]?$", re.IGNORECASE
)
_STAFF_RANK = re.compile(r"\bstaff\s+(?:sgt|sergeant)\b", re.IGNORECASE)
_EMPTY_BRACKETS = re.compile(r"[(\[]\s*(?:/\s*+)*[)\]]")
_BRACKET = re.compile(r"[()\[\]]")
_VIA_GETTY = lazy_compile(r"\bvia\s+getty\b(?!\s+images)", re.IGNORECASE)
_VIA = re.compile(r"\s++(?:via|über|vía)\s++|/\s*+via\s++", re.IGNORECASE)
_BRACKETED = lazy_compile(r"\s*+[(\[][^)\]]*[)\]]")
_ARTICLE = re.compile(r"^(?:the|la|le|les|el|die|der|das)\s+", re.IGNORECASE)
_WORD = re.compile(r"[\w'’-]+")
_LEADING_AND = lazy_compile(r"^(?:and|und|et|y)\s+", re.IGNORECASE)
_TRAILING_AND = re.compile(r"\s++(?:and|und|et|y|&)$", re.IGNORECASE)
_TRAILING_AND_WORDS = ("and", "und", "et", "y", "&")
_HANDLE = re.compile(r"^[\w.]+$")
# A user name that begins with digits ("2630ben"): letters after them, no more than a
# picture's number has ("RTR4JDW4", all capitals, is one).
_DIGIT_HANDLE = re.compile(r"\d{1,8}+[a-z][a-z0-9_.]{1,30}")
# A site's or a desk's short name in lower case ("ccnull", "nh")
_SHORT_NAME = re.compile(r"[a-z]{2,12}")
# People's initials, one or a list ("DW", "KEH, CK")
_INITIALS_LIST = re.compile(r"[A-Z]{2,4}(?:\s*+,\s*+[A-Z]{2,4}){0,3}")
# A brand with a full stop inside its capitals ("E.ON"); initials ("J.R.") have one
# after each letter.
_DOTTED_BRAND = re.compile(r"[A-Z]\.[A-Z]{2,}")
_TRAILING_MARKER = re.compile(
    r",?\s*+\b(?:file(?:\s+photo)?|files|handout|pool|stringer)\b\.?$", re.IGNORECASE
)
_TRAILING_MARKER_WORDS = ("file", "files", "photo", "handout", "pool", "stringer")
_FOR_WORDS = frozenset(("for", "pour", "für", "para", "per"))
_FOR = lazy_compile(r"\s++(?:for|pour|für|para|per)\s++(?=\S)", re.IGNORECASE)
_FOR_NEEDLES = re.compile(needle_alternation(*_FOR_WORDS))
_ON_WORDS = frozenset(("on", "from", "auf", "en", "sur", "su", "op", "at", "da"))
_ON = re.compile(r"\s++(?:on|from|auf|en|sur|su|op|at|da)\s++(?=\S)", re.IGNORECASE)
# Wikimedia Commons' "By X - Own work" in other languages
_OWN_WORK = lazy_compile(r"\b" + alternatives(*OWN_WORK_PHRASES) + r"\b", re.IGNORECASE)
_OWN_WORK_BY = lazy_compile(
    r"^" + alternatives(*LEADING_BY_WORDS, "di", "autorstwa", "av", "af") + r"\s+(?=\S)",
    re.IGNORECASE,
)
# Wikimedia Commons' note on a file whose author it read from the uploader's claims:
# "No machine-readable author provided. Jane Roe~commonswiki assumed (based on copyright
# claims)." The author is the name before "assumed".
_ASSUMED_AUTHOR = lazy_compile(
    r"\bno\s++machine-readable\s++author\s++provided\.?\s*+(?P<name>[^()\[\]/.~]{1,80}?)"
    r"(?:~\w{1,20})?\s++assumed\b(?:\s*+\(based\s++on\s++copyright\s++claims\))?\.?",
    re.IGNORECASE,
)
# A credit's label after a full stop begins the next piece ("©Ev. Quelle: Unsplash"),
# however short the word before the stop.
_LABEL_AFTER_STOP = lazy_compile(
    r"\.\s++(?=" + alternatives(*GENERIC_LABELS) + r"\s*+:)", re.IGNORECASE
)
# Notes on what was done to the picture, and editors' boilerplate: not who made it.
_EDIT_NOTES = lazy_compile(
    r"\b(?:ausschnitt\b|(?:and\s+)?(?:cropped|resized|colou?r[\s-]corrected|retouched|edited|modified)"
    r"(?:\s+(?:and\s+)?(?:cropped|resized|colou?r[\s-]corrected|retouched))?"
    r"(?:\s+from\s+(?:the\s+)?original)?|changes\s+made|(?:hide|toggle|show)\s+caption"
    r"|attention\s+editors?\b.*$|image\s+id\s*:\s*\w+|(?<=\s)\d{7,}\b"
    # a press picture's terms of use after the credit: "honorarfrei - Verwendung gemäß …"
    r"|honorarfrei\b.*$)",
    re.IGNORECASE,
)


# Printable ASCII text (most credits) needs the repairs of clean_text only where a space
# is doubled, comes before punctuation or after an opening bracket.
_UNCLEAN_ASCII = re.compile(r" [ ,.;:!?)\]]|[(\[] ")


def _clean(text: str) -> str:
    """:func:`~attribution.textutil.clean_text`, with a quicker test for plain text:
    credits are cleaned at every step of reading them, and are mostly clean already."""
    if text.isascii() and text.isprintable() and _UNCLEAN_ASCII.search(text) is None:
        return text.strip()
    return clean_text(text)


# A label ends at a separator (its first character here) or a dash or slash between
# spaces, or is one of the UNPUNCTUATED_LABELS ("Fot.", "Capture d'écran"): text with
# none of these characters has no label to look for.
_LABEL_END = re.compile(
    "[" + "".join(re.escape(sep.replace("\\", "")[:1]) for sep in LABEL_SEPARATORS) + "./\\-–—]"
)


def strip_label(text: str) -> str:
    """``text`` without a leading credit label ("Photo credit:", "Foto:", "Credit…")."""
    if _LABEL_END.search(text) is None and "capture" not in text.lower():
        return text
    label = LABEL.match(text)  # (every branch is anchored: what sub would take)
    stripped = text[label.end() :] if label else text
    return stripped if stripped != text and stripped.strip() else text


def parse_credit(
    text: str,
    link_hrefs: Iterable[str] = (),
    kb: KnowledgeBase | None = None,
    house: tuple[str, ...] = (),
) -> Credit:
    """Parse one credit line into a :class:`Credit`.

    ``link_hrefs`` are the hrefs of links inside or beside the credit; a licence (and a
    platform) is read from them as well as from the text. ``house`` holds the names the
    page gives its own publisher (:attr:`attribution.records.ExtractedPage.house`): a
    piece of the credit that names the house, or its initials ("[DS]" on the Daily
    Star's page), gives the house as provider, a publisher. Never raises: text that
    cannot be read as a credit gives ``kind="unknown"`` and a low confidence.
    """
    kb = kb or default_knowledge_base()
    cleaned = _clean(text[: MAX_CREDIT_CHARS * 4])[:MAX_CREDIT_CHARS]
    return _parse_cached(cleaned, tuple(link_hrefs)[:20], kb, named_forms(cleaned, house))


# Credits repeat heavily across pages and spreadsheets ("AP Photo/…", "Getty Images");
# parsing is pure and its records are immutable, so equal inputs share one result.
_parse_cached = lru_cache(maxsize=16384)(
    lambda text, hrefs, kb, house: _parse(text, hrefs, kb, house)
)


@dataclass
class _Reading:
    """What the non-licence part of a credit says."""

    creators: list[str] = field(default_factory=list)
    providers: list[Provider] = field(default_factory=list)
    printed: dict[str, str] = field(default_factory=dict)
    via: Provider | None = None
    source: str | None = None
    holder: str | None = None
    unread: list[str] = field(default_factory=list)
    publisher_for: bool = False
    # names that are people's whatever their form: read after a body was named
    # ("WZV/Kessler", a photographer's family name), or listed together ("Roe & Moe")
    known_people: set[str] = field(default_factory=set)
    licensed: bool = False  # a licence is stated
    house: dict[str, str | None] = field(default_factory=dict)  # (see house.house_forms)
    house_named: Provider | None = None  # the house, where the credit names it


class _Words(NamedTuple):
    """What the words of a credit say, before any link beside it is read. (A named
    tuple: made once for every credit parsed, and quicker to make than a frozen
    dataclass.)"""

    body: str
    urls: tuple[str, ...]
    labelled: bool
    mentions: tuple[LicenceMention, ...]
    rest: str
    markers: frozenset[str]
    copyright_sign: bool
    needles: frozenset[str]  # the groups of _READ_NEEDLES with a word in ``rest``


def _read_words(text: str, kb: KnowledgeBase) -> _Words:
    lowered = text.lower()
    found = _needle_groups(lowered)
    body = _IMAGE_CAPTION_TAIL.sub("", text) if "caption" in lowered else text
    if "«" in body:  # "pour « Le Monde »": the quotes name a publication, not a title
        body = _GUILLEMETS.sub(r"\1", body)
    urls: list[str] = []
    if "http" in lowered or "www." in lowered:
        urls = _URL.findall(body)
        body = _URL.sub(" ", body)
    mentions = find_licences_in_text(body, kb)
    rest = _remove_spans(body, mentions)
    # (the words of the rest: those of the text, unless something was taken out of it)
    needles = found if rest == text else _needle_groups(rest.lower())
    if "filler" in needles:
        without_filler = _LICENCE_FILLER.sub(" ", rest)
        if without_filler != rest:
            rest, needles = without_filler, _needle_groups(without_filler.lower())
    without_ranks = _STAFF_RANK.sub("", rest) if "staff" in lowered else rest
    markers = (
        frozenset(m.lastgroup for m in _MARKERS.finditer(without_ranks) if m.lastgroup)
        if "marker" in found
        else frozenset()
    )
    return _Words(
        body=body,
        urls=tuple(urls),
        labelled=strip_label(body) != body,
        mentions=tuple(mentions),
        rest=rest,
        markers=markers,
        copyright_sign=_has_copyright_mark(rest),
        needles=needles,
    )


def _has_copyright_mark(text: str) -> bool:
    if text.isascii():  # every mark but "©" has "(c)" or "copyright" in it
        lowered = text.lower()
        if "(c)" not in lowered and "copyright" not in lowered:
            return False
    return _COPYRIGHT.search(text) is not None


# Extraction reads a credit's words while it splits captions, before the links beside the
# credit are known; the check then parses it with its links. The words are read once.
_words_cached = lru_cache(maxsize=16384)(lambda text, kb: _read_words(text, kb))
# Whether a licence is stated changes how the rest is read (see _read), links or not.
# (the needles are those of the rest: the same rest has the same needles)
_read_cached = lru_cache(maxsize=16384)(
    lambda rest, kb, platform_credit, needles, house: _read(
        rest, kb, platform_credit=platform_credit, needles=needles, house=house
    )
)


def _parse(
    text: str, hrefs: tuple[str, ...], kb: KnowledgeBase, house: tuple[tuple[str, str | None], ...]
) -> Credit:
    words: _Words = _words_cached(text, kb)
    urls, markers = words.urls, words.markers
    link_mentions = [m for m in (licence_from_url(h, kb) for h in (*hrefs, *urls)) if m]
    licence, licence_url, problem, licence_kind = _combine_licences(words.mentions, link_mentions)
    copyrighted = words.copyright_sign or licence == ALL_RIGHTS_RESERVED

    reading: _Reading = _read_cached(words.rest, kb, licence is not None, words.needles, house)
    provider = reading.providers[0] if reading.providers else None
    if provider is None:
        provider = _provider_from_links((*hrefs, *urls), kb)
    implied = False
    if (
        provider is not None
        and provider.licence
        and not problem
        and (licence is None or (licence == PUBLIC_DOMAIN and provider.licence == US_GOVERNMENT))
    ):
        # The provider's own terms put its pictures under one licence (Unsplash, NASA).
        implied = licence is None
        found = kb.licence(provider.licence)
        if found is not None:
            licence, licence_url = found.id, found.url
    if licence and licence_kind is None and not implied:
        licence_kind = "public-domain"
    if "handout" in markers and reading.creators:
        # "Tesla/Handout via REUTERS": a one-word source of a handout is a company or a
        # body that handed the picture out, not a photographer
        creators = [name for name in reading.creators if " " in name.strip()]
        reading = replace(reading, creators=creators)  # the cached reading stays as it was
    kind = _kind(licence, licence_kind, implied, markers, provider, reading, copyrighted)
    return Credit(
        text=text,
        creators=tuple(dict.fromkeys(reading.creators)),
        provider=provider.name if provider else None,
        via=reading.via.name if reading.via else None,
        source=reading.source,
        holder=reading.holder,
        licence=licence,
        licence_url=licence_url,
        licence_problem=problem,
        licence_source=None if licence is None else ("inferred" if implied else "stated"),
        kind=kind,
        confidence=_confidence(reading, licence, provider, words.labelled, problem),
    )


def _combine_licences(
    mentions: Sequence[LicenceMention], link_mentions: Sequence[LicenceMention]
) -> tuple[str | None, str | None, str | None, str | None]:
    """(licence expression, URL, problem, kind) from text mentions and licence links."""
    if not mentions and not link_mentions:
        return None, None, None, None
    ids: list[str] = []
    url: str | None = None
    problem: str | None = None
    kind: str | None = None
    resolved_links = [m for m in link_mentions if m.licence]
    specific = [m for m in mentions if m.licence not in (PUBLIC_DOMAIN, None)]
    for mention in mentions:
        if mention.licence is None:
            problem = problem or mention.problem
            continue
        if mention.licence == PUBLIC_DOMAIN and specific:
            continue  # "CC0 Public Domain", "US government work … in the public domain"
        licence_id = mention.licence
        # A bare family in the text ("CC BY-SA") is made exact by a link to a version.
        for link in resolved_links:
            if link.licence and link.licence.startswith(licence_id + "-"):
                licence_id, url = link.licence, link.url
        if licence_id not in ids:
            ids.append(licence_id)
        url = url or mention.url
        kind = kind or mention.kind
    if not ids:
        for link in resolved_links:
            if link.licence and link.licence not in ids:
                ids.append(link.licence)
                url = url or link.url
                kind = kind or link.kind
    elif url is None and resolved_links:
        url = resolved_links[0].url
    if not ids and problem is None:
        problem = next((m.problem for m in link_mentions if m.problem), None)
    return (" AND ".join(ids) or None), url, (problem if not ids else None), kind


def _remove_spans(text: str, mentions: Sequence[LicenceMention]) -> str:
    for mention in sorted(mentions, key=lambda m: m.start, reverse=True):
        text = text[: mention.start] + " / " + text[mention.end :]
    return _EMPTY_BRACKETS.sub(" ", text) if "(" in text or "[" in text else text


def _read(
    text: str,
    kb: KnowledgeBase,
    *,
    platform_credit: bool,
    needles: frozenset[str],
    house: tuple[tuple[str, str | None], ...] = (),
) -> _Reading:
    """Read people, providers, a source and a rights holder from the licence-free text.

    With ``platform_credit`` (a licence is stated and a platform such as Flickr is
    named) other bodies named are the work's authors, not its providers. ``needles``
    are :func:`_needle_groups` of the lower-cased text (read with its words); ``house``
    the forms of the page's own publisher it may name (:func:`house.named_forms`).
    """
    reading = _Reading(licensed=platform_credit, house=dict(house))
    cited = _CITED_AUTHORS.fullmatch(strip_label(text)) if "et al" in text else None
    if cited:  # "From Okafor, et al. 2014": a paper's authors, named as cited
        reading.creators.append(cited.group("authors"))
        return reading
    lowered = text.lower()
    if "own-work" in needles and _OWN_WORK.search(text):
        text = _OWN_WORK_BY.sub("", _OWN_WORK.sub(" / ", text), count=1)
    if "edit" in needles or _LONG_NUMBER.search(text):
        text = _EDIT_NOTES.sub(" / ", text)
    if "machine-readable" in lowered:
        text = _ASSUMED_AUTHOR.sub(r"\g<name> / ", text)
    if " PHOTO " in text or " FOTO " in text:
        text = _AGENCY_PHOTO.sub(r"\g<agency> / ", text)  # "BELGA PHOTO WARD VAN LAERE"
    if "wire" in needles:
        text = _WIRE_NOTES.sub(" / ", text)
    if " OUT" in text:
        text = _EMBARGO.sub(" / ", text)
    if "©" in text or "(c)" in lowered or "copyright" in lowered:
        text = _COPYRIGHT.sub(" / ", text)
    if ". " in text and ":" in text:
        text = _LABEL_AFTER_STOP.sub(" / ", text)
    text = cleaned = _clean(text)
    if text[:1] in "\"“'‘„«":
        text = _TITLE_QUOTE.sub("", text)
    if "(" in text:
        text = _BRACKETED_HANDLE.sub(lambda m: _drop_handle(m, kb), text)
    if "(" in text or "[" in text or ")" in text or "]" in text:
        text = _BRACKET.sub(" / ", text)
    if "getty" in lowered:
        text = _VIA_GETTY.sub("via Getty Images", text)
    if text != cleaned or not text.isascii():  # (clean ASCII text stays as it is)
        text = _clean(text)
    text = text.strip(" ,.;:/|-–—")
    courtesy = _COURTESY.search(text) if "courtesy" in needles else None
    if courtesy:
        source = _tidy_org(courtesy.group("source"))
        text = text[: courtesy.start()] + " / " + text[courtesy.end() :]
        owner = _account_owner(source, kb, reading)
        source = owner or source
        reading.source = source or None
        found = _lookup_provider(source, kb) if source and owner is None else None
        if found is not None:
            reading.providers.append(found)
    named_before = len(reading.providers)  # (an account's platform, named with its owner)
    via_text = None
    parts = _VIA.split(text, maxsplit=1) if _may_say_via(text) else [text]
    if len(parts) == 2:
        text, via_text = parts
    segments = _joined_providers(_segments(text)[:12], kb)
    initialled = _initials_after_short_name(segments, kb) if len(segments) == 2 else None
    if initialled is not None:  # "sidm / DW": a site's short name and its photographer's
        reading.holder, initials = initialled
        reading.creators.extend(initials)
        segments = []
    for segment in segments:
        _read_segment(segment, kb, reading)
    via = _lookup_provider(via_text, kb) if via_text else None
    if via is None and via_text:
        for segment in _segments(via_text)[:6]:
            _read_segment(segment, kb, reading)
    if reading.house_named is not None:
        _credit_the_house(reading, reading.house_named)
    _users_of_platforms(reading, kb, reading.providers[named_before:])
    if not platform_credit:
        _lone_word_to_holder(reading, via)
    _short_name_beside_person(reading, via)
    _order_providers(reading, via, platform_credit)
    return reading


def _credit_the_house(reading: _Reading, house: Provider) -> None:
    """The page's own publisher, where the credit names it, is the provider; beside
    another provider ("Photo illustration by Slate. Photo by X/Reuters") it holds the
    rights to its own work made from the other's picture, whose provider comes first."""
    if reading.providers:
        reading.holder = reading.holder or house.name
    else:
        reading.providers.append(house)


def _users_of_platforms(reading: _Reading, kb: KnowledgeBase, named: list[Provider]) -> None:
    """Beside a platform or a stock library (among ``named``, the providers the credit's
    pieces name), the person a courtesy names is its user who made the picture ("Courtesy
    of Jane Roe/Flickr", "… of Jane Roe on Flickr"), and so is a user name that begins
    with digits ("2630ben / iStock"). The owner of an account a courtesy names ("Courtesy
    of Jane Roe's Facebook page") stays its source."""
    naming = [p for p in named if p.kind in _USER_KINDS]
    source = reading.source
    if source and not naming:
        on_split = _ON.split(source, maxsplit=1) if " " in source else []
        platform = _lookup_provider(on_split[1], kb) if len(on_split) == 2 else None
        if platform is not None and platform.kind in _USER_KINDS:
            reading.providers.append(platform)
            naming, source = [platform], on_split[0]
    if source and naming and _names(source) == [source] and " " in source:
        reading.creators.append(source)
        reading.source = None
    if naming and reading.unread:
        handles = [piece for piece in reading.unread if _DIGIT_HANDLE.fullmatch(piece)]
        reading.creators.extend(handles)
        reading.unread = [piece for piece in reading.unread if piece not in handles]


def _initials_after_short_name(
    segments: list[str], kb: KnowledgeBase
) -> tuple[str, list[str]] | None:
    """(source, initials) for a credit of a site's short name in lower case and then
    capitals ("sidm / DW", "ccnull / KEH, CK"): a house credits its own photographers by
    their initials. An agency's, a stock library's or a platform's acronym ("AP") is
    still theirs; a publisher's ("DW") reads as initials here. None for any other
    credit."""
    source = strip_label(segments[0].strip(" ,.;:"))
    if not _SHORT_NAME.fullmatch(source) or source in GIVEN_NAMES or source in NOT_NAMES:
        return None
    initials = segments[1].strip(" ,.;:")
    if not _INITIALS_LIST.fullmatch(initials) or _lookup_provider(source, kb) is not None:
        return None
    agency = _lookup_provider(initials, kb)
    if agency is not None and agency.kind in _NAMING_KINDS:
        return None  # "zvg / AP": a wire's picture, handed on
    return source, [name.strip() for name in initials.split(",")]


def _short_name_beside_person(reading: _Reading, via: Provider | None) -> None:
    """A lower-case word beside a person's full name names where the picture is from, a
    site's or a desk's short name ("ccnull/Marco Verch", "Martin Sehmisch | nh"), unless
    an agency, a stock library or a platform is named: then it is a user's name."""
    if reading.holder or reading.source or via is not None:
        return
    if any(p.kind in _NAMING_KINDS for p in reading.providers):
        return
    people = [name for name in reading.creators if " " in name.strip()]
    short = [
        word
        for word in (*reading.creators, *reading.unread)
        if _SHORT_NAME.fullmatch(word) and word not in GIVEN_NAMES
    ]
    if len(people) == 1 and len(short) == 1:
        reading.holder = short[0]
        reading.creators = [name for name in reading.creators if name != short[0]]
        reading.unread = [piece for piece in reading.unread if piece != short[0]]


def _lone_word_to_holder(reading: _Reading, via: Provider | None) -> None:
    """Read a one-word name as the body that holds the rights ("Photo: Nordwerk",
    "© PixelForge", "@CityTraffic"), unless it follows a body ("WZV/Kessler": the
    photographer's family name), is listed with other names ("Roe & Moe": family names),
    is a given name ("Rosa"), or stands beside an agency, a stock library or a platform,
    whose photographers and users it names ("NAME/Agency", "user/Flickr"). A distributor
    after "via" tells nothing ("Keystone via Getty Images")."""
    if reading.holder or reading.source or not reading.creators:
        return
    if any(p.kind in _NAMING_KINDS for p in reading.providers) or (
        via is not None and via.kind in _USER_KINDS
    ):
        return
    alone = len(reading.creators) == 1 and not reading.providers
    bodies = [
        name
        for name in reading.creators
        if name not in reading.known_people
        and _is_lone_body_name(name)
        and (alone or not name.startswith("@"))
    ]
    if len(bodies) == len(reading.creators):  # "Datawrapper / Statista": bodies, all
        reading.holder, reading.creators = " / ".join(bodies), []
    elif bodies:  # "Jane Roe / Quillfeather": a person and a body
        reading.holder = bodies[0]
        reading.creators.remove(bodies[0])


# The kinds of provider a one-word name beside which is a photographer's or a user's.
_NAMING_KINDS = frozenset(("platform", "stock", "agency"))
# The kinds of provider whose pictures their users make (a platform's, a stock library's)
_USER_KINDS = frozenset(("platform", "stock"))


def _is_lone_body_name(name: str) -> bool:
    """A capitalised word that is no given name ("Nordwerk", "PixelForge", "KALMAR-Gruppe")
    or an @handle: a body's name when nothing else tells it is a person's."""
    if " " in name or "." in name or _ASCII_DIGIT.search(name) or not name[:1].isupper():
        return name.startswith("@") and len(name) > 1
    return name.casefold() not in GIVEN_NAMES


def _account_owner(text: str, kb: KnowledgeBase, reading: _Reading) -> str | None:
    """The owner of "Owner's Instagram page", its platform noted as a provider; None
    when ``text`` names no account on a platform the provider table knows."""
    if "'" not in text and "’" not in text:
        return None  # most credits: no possessive to read
    match = _OWNER_OF_ACCOUNT.match(text)
    platform = _lookup_provider(match.group("platform"), kb) if match else None
    if match is None or platform is None or platform.kind != "platform":
        return None
    reading.providers.append(platform)
    return match.group("owner").strip()


def _drop_handle(match: re.Match[str], kb: KnowledgeBase) -> str:
    """A user name in brackets after a name is the same person's ("Jane Roe (jroe)");
    a body in brackets stays ("Jane Roe (dpa)")."""
    handle = match.group("handle")
    return match.group(0) if _lookup_provider(handle, kb) is not None else ""


def _needle_groups(lowered: str) -> frozenset[str]:
    """The names of the groups of _READ_NEEDLES that have a word in ``lowered``."""
    found = _READ_SCAN.findall(lowered)
    if not found:
        return frozenset()
    return frozenset().union(*(_READ_NEEDLE_GROUPS[word] for word in found))


def _segments(text: str) -> list[str]:
    """``text`` split where a credit changes from one piece to the next ("/", "|", …)."""
    return _SEGMENT_SPLIT.split(text) if _SEGMENT_MARK.search(text) else [text]


def _may_say_via(text: str) -> bool:
    """False only when ``text`` has no "via" (nor "über", "vía") to split at."""
    return not text.isascii() or "via" in text.lower()


def _joined_providers(segments: list[str], kb: KnowledgeBase) -> list[str]:
    """Segments with neighbours joined where together they name one provider that the
    split cut apart ("EC - Audiovisual Service")."""
    if len(segments) < 2:
        return segments
    joined: list[str] = []
    for segment in segments:
        if joined and _lookup_provider(joined[-1], kb) is None:
            both = f"{joined[-1]} {segment}"
            if kb.provider_by_alias(both) is not None:
                joined[-1] = both
                continue
        joined.append(segment)
    return joined


def _read_segment(segment: str, kb: KnowledgeBase, reading: _Reading) -> None:
    segment = strip_label(segment.strip(" ,.;:"))
    # Labels that stay in the credit as printed (they say what the picture is) but name
    # no one: "Cartoon: X", "Photo illustration: X"
    if ":" in segment:
        segment = _KIND_LABEL.sub("", segment, count=1) or segment
    # In ASCII text a word that _MADE_BY_HINT, _FOR or _ON looks for is one of the text's
    # words (between white space, in lower case): the words, split once, tell which of
    # those patterns can match, and only those are tried. Other text goes to the patterns.
    words = segment.lower().split() if segment.isascii() else None
    hinted = words is None or not _BY_WORD_SET.isdisjoint(words)
    cut = False
    made_by = _MADE_BY.match(segment) if hinted and _MADE_BY_HINT.search(f" {segment} ") else None
    if made_by:
        org = _tidy_org(_ORG_NOISE.sub(" ", made_by.group("org")))
        segment, cut = segment[made_by.end() :], True
        org_provider = _lookup_provider(org, kb) if org else None
        if org_provider is not None:
            reading.providers.append(org_provider)
        elif org:
            reading.holder = reading.holder or org
    else:
        leading_by = _LEADING_BY.match(segment)  # (anchored: what sub would take)
        titled = _TITLE_BY.match(segment) if reading.licensed and hinted else None
        if leading_by:
            segment, cut = segment[leading_by.end() :], True
        elif titled:  # "Sunset Pier by Jane Roe" licensed under CC BY: the title goes
            segment, cut = segment[titled.end() :], True
    if not cut and words is not None and len(words) > 1 and words[0] in _ON_WORDS:
        on_provider = _lookup_provider(segment.split(None, 1)[1], kb)
        if on_provider is not None:  # "… (handle) on Flickr": the bracket cut it off
            reading.providers.append(on_provider)
            return
    handle = _PLATFORM_HANDLE.match(segment) if "@" in segment else None
    platform = _lookup_provider(handle.group("platform"), kb) if handle else None
    if handle and platform is not None:
        # "Instagram @luisa.paints", "Telegram channel @dnepr_watch"
        reading.providers.append(platform)
        reading.creators.append(handle.group("handle"))
        return
    lowered = segment.lower()
    user = _USER_OF_PLATFORM.match(segment) if "user" in lowered else None
    if user:
        platform = _lookup_provider(user.group("platform"), kb)
        if platform is not None:
            reading.providers.append(platform)
            reading.creators.append(user.group("name").strip())
            return
    if cut:
        words = lowered.split() if segment.isascii() else None
    # Both splits need a word with more text after it.
    if words is None:
        for_split = _FOR.split(segment, maxsplit=1) if _FOR_NEEDLES.search(lowered) else [segment]
    elif _FOR_WORDS.isdisjoint(words[:-1]):
        for_split = [segment]
    else:
        for_split = _FOR.split(segment, maxsplit=1)
    if len(for_split) == 2:
        left, right = for_split
        client = _lookup_provider(right, kb)
        left_provider = _lookup_provider(left, kb)
        if left_provider is None:
            reading.publisher_for = reading.publisher_for or client is not None
            if client is not None:
                reading.providers.append(client)
        _read_piece(left, kb, reading)
        return
    on_split = (
        [segment]
        if words is not None and _ON_WORDS.isdisjoint(words[:-1])
        else _ON.split(segment, maxsplit=1)
    )
    if len(on_split) == 2 and _lookup_provider(on_split[1], kb) is not None:
        _read_piece(on_split[0], kb, reading)
        _read_piece(on_split[1], kb, reading)
        return
    _read_piece(segment, kb, reading)


def _read_piece(piece: str, kb: KnowledgeBase, reading: _Reading) -> None:
    piece = _clean(piece).strip(" ,.;:")
    if not piece or piece.casefold() in NOT_NAMES:
        return
    if _LABEL_ONLY.fullmatch(piece):
        return
    provider = _lookup_provider(piece, kb)
    if provider is None and reading.house:
        house = _house_provider(piece, reading.house)
        if house is not None:
            reading.house_named = reading.house_named or house
            return
    if provider is not None:
        reading.providers.append(provider)
        reading.printed.setdefault(provider.name, piece)
        return
    if "," in piece and any(_lookup_provider(p, kb) for p in piece.split(",")):
        for part in piece.split(","):
            _read_piece(part, kb, reading)
        return
    owner = _account_owner(piece, kb, reading)
    if owner is not None:  # "Jane Roe's Instagram account"
        _read_piece(owner, kb, reading)
        return
    suffixed = _provider_suffix(piece, kb)
    if suffixed is not None:
        person, provider = suffixed
        reading.providers.append(provider)
        reading.creators.extend(_names(person))
        return
    names = _names(piece, cleaned=True)
    if names:
        if reading.providers or reading.holder or reading.house_named is not None or len(names) > 1:
            reading.known_people.update(names)
        reading.creators.extend(names)
        return
    if "," in piece:
        for part in piece.split(","):
            _read_piece(part, kb, reading)
        return
    if _is_organisation(piece) or _is_acronym(piece) or _is_numbered_name(piece):
        reading.holder = reading.holder or _tidy_org(piece, name=True)
    elif not _is_marker_only(piece):
        reading.unread.append(piece)


def _house_provider(piece: str, house: dict[str, str | None]) -> Provider | None:
    """The page's own publisher when ``piece`` names it (one of the ``house`` forms):
    under the name its initials stand for, else as printed. A name that begins with a
    given name is a person's, whose site is named for her ("Foto: Anna Berg" on Anna
    Berg's blog)."""
    key = compact(piece)
    if key not in house or piece.split(None, 1)[0].casefold() in GIVEN_NAMES:
        return None
    return Provider(name=house[key] or piece.strip(), kind="publisher", aliases=())


def _provider_suffix(piece: str, kb: KnowledgeBase) -> tuple[str, Provider] | None:
    """("Name", provider) for "Name-USA TODAY Sports" and "Flickr: Name" forms."""
    if ":" in piece:
        head, _, tail = piece.partition(":")
        provider = _lookup_provider(head, kb)
        if provider is not None and tail.strip():
            return tail.strip(), provider
    if "-" not in piece or len(piece) > 120:
        return None
    position = piece.find("-")
    for _ in range(6):  # bounded: a provider's name has few hyphens of its own
        if position == -1:
            break
        provider = _lookup_provider(piece[position + 1 :], kb)
        if provider is not None and position > 0:
            return piece[:position], provider
        position = piece.find("-", position + 1)
    return None


def _order_providers(reading: _Reading, via: Provider | None, platform_credit: bool) -> None:
    """Decide which named body is the provider and which the distributor ("via")."""
    if via is None and not reading.providers:
        return  # no body named: nothing to order
    unique = list(dict.fromkeys(reading.providers))
    platforms = [p for p in [*unique, via] if p is not None and p.kind == "platform"]
    if platform_credit and platforms:
        platform = platforms[0]
        others = [reading.printed.get(p.name, p.name) for p in unique if p is not platform]
        holder = [reading.holder] if reading.holder else []
        reading.creators = others + holder + reading.creators
        reading.holder = None
        reading.providers, reading.via = [platform], None
        return
    sources = [p for p in unique if not p.distributor]
    channels = [p for p in unique if p.distributor]
    ordered = sources + channels if sources else channels
    if via is not None and via not in ordered:
        if not ordered:
            ordered = [via]
            via = None
    elif via is not None:
        via = None
    if via is None and len(ordered) > 1 and ordered[-1].distributor:
        via = ordered[-1]
    reading.providers = ordered
    if via is not None and ordered and via is not ordered[0]:
        reading.via = via


def _tidy_org(text: str, *, name: bool = False) -> str:
    """A body's name without brackets, and without a leading article; a ``name`` as
    printed keeps an article other than "the" ("La República", "Le Monde", "Die Zeit"
    are the names)."""
    if "(" in text or "[" in text:
        text = _BRACKETED.sub("", text)
    text = _clean(text)
    if text[:1] in ("tT" if name else "tTlLeEdD"):  # the first letters of the articles
        text = _ARTICLE.sub("", text)
    return text.strip(" ,.;:/")


def _lookup_provider(text: str, kb: KnowledgeBase) -> Provider | None:
    """The provider that ``text`` names as a whole, or with only filler words beside it."""
    return _lookup_cached(text.strip(" ,.;:"), kb)


@lru_cache(maxsize=32768)
def _lookup_cached(text: str, kb: KnowledgeBase) -> Provider | None:
    # The same pieces ("Getty Images", "AP") are looked up again and again.
    if not text:
        return None
    key = alias_key(text)
    exact = kb.provider_by_key(key)
    if exact is not None:
        return exact
    tidy = _tidy_org(text)
    if tidy != text:  # the same text has the same key, looked up above
        exact = kb.provider_by_alias(tidy)
        if exact is not None:
            return exact
    # "Shutterstock.com", "RollingNews.ie", "stock.adobe.com"
    if "." in text and _DOMAIN.fullmatch(text):
        return kb.provider_by_domain(text.lower()) or kb.provider_by_alias(text.rsplit(".", 1)[0])
    tokens = key.split()
    starts = kb.alias_first_words()
    if len(tokens) > 8 or starts.isdisjoint(tokens):
        return None  # (every window below begins with a word some alias begins with)
    # A provider's name with only filler words beside it: the name must cover every
    # word that is not filler, so only windows spanning those words are tried.
    meaningful = [i for i, token in enumerate(tokens) if token.strip(",") not in PROVIDER_FILLER]
    first, last = (meaningful[0], meaningful[-1]) if meaningful else (len(tokens), -1)
    for size in range(min(len(tokens), 5), 0, -1):
        for start in range(max(0, last - size + 1), min(first, len(tokens) - size) + 1):
            if tokens[start] not in starts:
                continue  # no alias begins with this word
            provider = kb.provider_by_key(" ".join(tokens[start : start + size]))
            if provider is not None:
                return provider
    return None


def _is_marker_only(text: str) -> bool:
    words = _WORD.findall(text.casefold())
    return bool(words) and all(w in NOT_NAMES for w in words)


# The marks _is_organisation strips from the ends of words: most names have none.
_WORD_EDGE_MARK = re.compile(r"[.,'’()]")


def _is_organisation(text: str) -> bool:
    # (case folding makes no white space and takes none away: the same words)
    folded = text.casefold()
    words = folded.split()
    stripped = [w.strip(".,'’()") for w in words] if _WORD_EDGE_MARK.search(folded) else words
    if not ORGANISATION_WORDS.isdisjoint(stripped) or (text.isupper() and len(words) >= 4):
        return True
    return _has_organisation_form(text, folded, words, stripped)


def _has_organisation_form(text: str, folded: str, words: list[str], stripped: list[str]) -> bool:
    """Whether ``text`` is written as a body's name: a word that ends as one
    ("Tourismusverband", "KALMAR-Gruppe"), a site's domain ("example.de"), a possessive
    before more words ("Tim's Gadgets"), an article that is no given name first ("The
    Grand Alpenhof"; not "La", "Les": "La Toya", "Les" for Leslie), a short acronym
    before words not in capitals ("PLK Maritime"), "X of the Y" ("Garden of the Winds").
    Names of people look like these too: a family name that is a city ("Lyon") or a
    word ("House"), two names joined by "&", are left to be people. ``folded`` is
    ``text`` case folded, ``words`` its words and ``stripped`` those without
    punctuation around them."""
    for word in stripped:
        if word.endswith(ORGANISATION_ENDINGS):
            return True
    if "-" in folded and any(
        not ORGANISATION_WORDS.isdisjoint(word.split("-")) for word in stripped if "-" in word
    ):
        return True
    if len(words) == 1:
        return "." in text and _DOMAIN.fullmatch(text.strip(" .")) is not None
    if "'s " in folded or "’s " in folded:
        return True  # (a possessive before another word)
    if words[0] in ORGANISATION_ARTICLES and text.split(None, 2)[1][:1].isupper():
        return True
    if len(words) <= 3 and stripped[-1] in VENUE_CITIES and stripped[0] not in GIVEN_NAMES:
        return True  # "Rosewood Vienna": a venue, named for its brand and its city
    if _DOTTED_BRAND.fullmatch(text.split(None, 1)[0]):
        return True  # "E.ON Climate": a brand written with a full stop inside
    if text[:3].isupper() and stripped[0] not in GIVEN_NAMES:
        first = text.split(None, 1)[0]
        if 3 <= len(first) <= 5 and first.isalpha() and first.isupper() and not text.isupper():
            return True  # (not "DELANEY McCoy": a family name in capitals)
    if " of the " not in folded:
        return False
    # "Garden of the Winds", "Bank of the West": a name, its words capitalised (not a
    # sentence: "visit the interactive version of the 2014 map")
    return all(w[:1].isupper() or w in NAME_JOINERS for w in text.split())


def _is_numbered_name(text: str) -> bool:
    """A number before capitalised words ("4 Pfoten", "9 Inseln"): a brand's or a body's
    name, as no person's name begins with a number. (A number after a name, "Kenji 5",
    may be a user's name or a picture's number: it says nothing.)"""
    words = text.split()
    if not 2 <= len(words) <= 4 or not words[0].isdecimal():
        return False
    return all(w.isalpha() and w[:1].isupper() for w in words[1:])


def _is_acronym(text: str) -> bool:
    """A short all-capitals word such as "CSA": an organisation, not a person."""
    return " " not in text and len(text) <= 6 and sum(ch.isupper() for ch in text) >= 2


# The engine tries a pattern anchored at the end ("…$") at every position of the text;
# these words let a plain test on the end of the text skip it.
_ENDING_CHARS = 12  # as long as the longest of the words


def _may_end_with(text: str, words: tuple[str, ...]) -> bool:
    """False only when ``text`` cannot end with one of ``words`` (lower-case ASCII) as a
    pattern that ignores case reads it; characters outside ASCII leave it to the pattern
    (case folding joins "ſ" and "s", "İ" and "i")."""
    tail = text[-_ENDING_CHARS:]
    return not tail.isascii() or tail.lower().endswith(words)


def _names(text: str, *, cleaned: bool = False) -> list[str]:
    """The people a piece of credit names, or [] when it does not look like names.
    ``cleaned`` text has been through :func:`_clean` (and maybe stripped): in ASCII it
    is then clean already."""
    if not (cleaned and text.isascii()):
        text = _clean(text)
    if text[-1:].isdecimal():
        text = _TRAILING_YEAR.sub("", text)
    text = text.strip(" ,.;:")
    if _may_end_with(text, _TRAILING_MARKER_WORDS):
        text = _TRAILING_MARKER.sub("", text)
    text = text.strip(" ,.")
    if not text or text.casefold() in NOT_NAMES or text.casefold() in PLACES:
        return []
    not_organisation = None  # a text known to be no organisation's name
    if text.split(" ", 1)[0].rstrip(".").casefold() not in TITLE_WORDS:
        if _is_organisation(text):
            return []  # (a rank such as "Navy Petty Officer" is checked once it is taken off)
        not_organisation = text
    if _may_end_with(text, _TRADE_NAME_WORDS):
        text = _TRADE_NAME.sub("", text)
    names: list[str] = []
    for part in _name_list(text):
        part = part.strip(" ,.;:")
        if part[:1] in "aAuUeEyY":
            part = _LEADING_AND.sub("", part)
        if _may_end_with(part, _TRAILING_AND_WORDS):
            part = _TRAILING_AND.sub("", part)
        while part.split(" ", 1)[0].rstrip(".").casefold() in TITLE_WORDS:
            shorter = _TITLES.sub("", part, count=1)
            if shorter == part:
                break
            part = shorter
        part = part.strip(" ,.")
        if not part or part.casefold() in NOT_NAMES:
            continue
        if names and part.rsplit(" ", 1)[-1].casefold() in ROLES:
            continue  # "Jane Roe, Staff Artist": her role, not another person
        if part != not_organisation and _is_organisation(part):
            return []
        if not _looks_like_name(part) or _is_acronym(part):
            return []
        names.append(part)
    return names


def _name_list(text: str) -> list[str]:
    """Clean ``text`` split where it lists several people ("A, B and C")."""
    if "," in text or "&" in text:
        return _NAME_LIST_SPLIT.split(text)
    spaced = f" {text} "  # only single spaces are left in clean text
    if " and " in spaced or " und " in spaced or " et " in spaced or " y " in spaced:
        return _NAME_LIST_SPLIT.split(text)
    return [text]


def _looks_like_name(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= 5 or len(text) > 60:
        return False
    if not _NAME_WORDS.fullmatch(text):
        return False
    if text.startswith("@"):
        return len(words) == 1
    if _ASCII_DIGIT.search(text) if text.isascii() else any(ch.isdigit() for ch in text):
        # A user name ("jdoe1987"), not a picture number ("14567890a", "UNI498213")
        return (
            len(words) == 1
            and bool(_HANDLE.match(text))
            and not text[0].isdigit()
            and not _PICTURE_NUMBER.fullmatch(text)
        )
    if len(words) == 1 and len(text.rstrip(".")) <= 3 and text.islower():
        return False  # desk initials ("nym."), not a name
    if words[0] in ("The", "the") and len(words) > 1:
        return False  # "The Denver Post": a publication, not a person
    capitalised = sum(1 for w in words if w[:1].isupper() or w.casefold() in LOWER_PARTICLES)
    if capitalised == len(words):
        return not all(w.casefold() in LOWER_PARTICLES for w in words)
    # Platform user names ("arctic penguin") are often printed in lower case.
    return len(words) <= 2 and text.islower()


def _provider_from_links(hrefs: Sequence[str], kb: KnowledgeBase) -> Provider | None:
    for href in hrefs:
        try:
            host = urlsplit(href if "//" in href else "//" + href).hostname or ""
        except ValueError:
            continue
        if host.endswith("creativecommons.org"):
            continue
        provider = kb.provider_by_domain(host) if host else None
        if provider is not None:
            return provider
    return None


_PROVIDER_KINDS = {
    "agency": "agency",
    "stock": "stock",
    "government": "government",
    "platform": "platform",
    "publisher": "staff",
    "organisation": "unknown",
}
_MARKER_ORDER = ("pool", "handout", "screenshot", "illustration", "courtesy")


def _kind(
    licence: str | None,
    licence_kind: str | None,
    implied: bool,
    markers: frozenset[str],
    provider: Provider | None,
    reading: _Reading,
    copyrighted: bool,
) -> str:
    """The basis on which the picture is used; a stated licence decides first."""
    if licence and not implied and licence != ALL_RIGHTS_RESERVED and licence_kind:
        if licence_kind == "stock" or (provider is not None and provider.kind == "stock"):
            return "stock"
        return licence_kind
    for marker in _MARKER_ORDER:
        if marker in markers:
            return marker
    if reading.source is not None and (provider is None or provider.kind != "stock"):
        return "courtesy"
    if provider is not None and provider.kind in ("agency", "stock"):
        return provider.kind
    if "staff" in markers or reading.publisher_for:
        return "staff"
    if (
        provider is None
        and reading.holder
        and reading.creators
        and _PUBLICATION.search(reading.holder)
    ):
        return "staff"  # "Name/The Columbus Dispatch": a newsroom's own photographer
    if provider is not None and provider.kind != "organisation":
        return _PROVIDER_KINDS[provider.kind]
    if copyrighted and (reading.creators or reading.holder or licence or provider):
        return "copyright"
    return "unknown"


def _confidence(
    reading: _Reading,
    licence: str | None,
    provider: Provider | None,
    labelled: bool,
    problem: str | None,
) -> float:
    if not (reading.creators or provider or licence or reading.source or reading.holder):
        return 0.1 if labelled else 0.0
    score = 0.5
    if provider is not None or licence is not None:
        score += 0.3
    if reading.creators:
        score += 0.1
    if labelled:
        score += 0.1
    score -= 0.2 * min(len(reading.unread), 2)
    if problem:
        score -= 0.1
    return round(max(0.1, min(1.0, score)), 2)
