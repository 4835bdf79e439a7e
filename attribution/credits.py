"""Turn a credit line as printed into structured facts (:func:`parse_credit`).

The parser works the way a rights clerk reads a credit: drop the label ("Photo:"),
note the licence named in the text or linked beside it, set aside the markers of how
the picture was obtained (handout, pool, screenshot, courtesy, staff), then read the
remaining pieces — split at slashes, "via", "for", "by", "from", "on" — as agencies,
platforms and publishers known to the provider table, or as the people credited.
It is pure, never raises, and bounds its work on any input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from attribution.licence_names import (
    LicenceMention,
    find_licences_in_text,
    licence_from_url,
)
from attribution.licences import KnowledgeBase, Provider, default_knowledge_base
from attribution.records import Credit
from attribution.textutil import clean_text

MAX_CREDIT_CHARS = 1000

LABEL = re.compile(
    r"^\s*[(\[]?\s*(?:"
    r"(?:staff\s+|file\s+)?photo(?:graph)?s?\s*credits?|image\s*credits?|picture\s*credits?"
    r"|photo(?:graph)?s?|pictures?|images?\s*source|images?|illustrations?|graphics?|artwork"
    r"|credits?|source|courtesy|copyright|fotos?|fotograf[íi]as?|bild(?:er)?|bildquelle"
    r"|quelle|cr[ée]dits?\s*(?:photos?)?|photos?\s*cr[ée]dits?|illustration\s*cr[ée]dit"
    r"|fuente|zdj[eę]cie|fot\.|фото|φωτ\.?|foto\s*credit|kuva|billede|afbeelding"
    r")\s*(?::|…|\.\.\.|,|\s-\s|\s–\s|\s—\s|/(?=\s*\S))\s*",
    re.IGNORECASE,
)

_BY_PHRASE = re.compile(
    r"^(?:(?:official\s+)?(?:white\s+house\s+|staff\s+|pool\s+|file\s+|handout\s+|press\s+|courtesy\s+)?"
    r"(?:(?:u\.?s\.?\s+)?(?:army|navy|air\s+force|marine\s+corps|coast\s+guard|national\s+guard"
    r"|space\s+force|department\s+of\s+defense|dod)\s+)?"
    r"(?:photo(?:graph)?s?|images?|pictures?|illustrations?|graphics?|artwork|video|fotos?)"
    r"|(?:illustrated|photographed|shot|drawn|taken)|fotos?|bild)\s+(?:by|von|de|par|di|por)\s+",
    re.IGNORECASE,
)
_COURTESY = re.compile(r"^(?:photos?\s+|images?\s+)?courtesy(?:\s+of)?\s*:?\s*", re.IGNORECASE)
_COURTESY_SUFFIX = re.compile(r"[,/\s]+(?:courtesy|handout)\s*$", re.IGNORECASE)
_COPYRIGHT = re.compile(
    r"(?:©|\(c\)(?=\s)|copyright\b)\s*(?:(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)?\d\d)?\s*,?\s*)?",
    re.IGNORECASE,
)
_YEAR_ONLY = re.compile(r"^(?:19|20)\d\d$")
_TASL = re.compile(
    r"^(?:[\"“'‘](?P<title>[^\"”’]{1,200})[\"”'’]\s*,?\s*)?(?:(?:photo|image)\s+)?by\s+(?P<creator>.+?)"
    r"\s*,?\s*(?:(?:is\s+|are\s+)?licen[cs]ed\s+under|under|\(?(?:CC|Creative))",
    re.IGNORECASE,
)
_LICENCE_FILLER = re.compile(
    r"(?:,?\s*(?:is\s+|are\s+)?(?:licen[cs]ed|available|released)\s+(?:under|with)\s*(?:a|an|the)?"
    r"(?:\s+creative\s+commons)?(?:\s+licen[cs]e)?\s*:?\s*|\bsome\s+rights\s+reserved\b"
    r"|\bvia\s+(?:a\s+)?(?:creative\s+commons|cc)\s+licen[cs]e\b|\(\s*licen[cs]e\s*\)"
    r"|\blicen[cs]e[ds]?\b\s*:?)",
    re.IGNORECASE,
)
_MARKERS = {
    "handout": re.compile(r"\b(?:handouts?|hand\s*out|press\s+release\s+photo)\b", re.IGNORECASE),
    "pool": re.compile(r"\bpool\b", re.IGNORECASE),
    "screenshot": re.compile(
        r"\b(?:screen\s*(?:shot|grab|capture)s?|video\s+(?:still|grab)|still\s+from\s+video)\b",
        re.IGNORECASE,
    ),
    "illustration": re.compile(
        r"\b(?:illustrat(?:ion|ed|ions)|graphics?|artwork|cartoon|rendering|collage)\b",
        re.IGNORECASE,
    ),
    "staff": re.compile(r"\bstaff\b", re.IGNORECASE),
}
_NOT_NAMES = frozenset(
    {
        "staff",
        "stringer",
        "file",
        "file photo",
        "files",
        "handout",
        "pool",
        "photo",
        "photos",
        "image",
        "images",
        "screenshot",
        "screen grab",
        "courtesy",
        "various sources",
        "archive",
        "archives",
        "archiv",
        "illustration",
        "photo illustration",
        "photo-illustration",
        "graphic",
        "composite",
        "montage",
        "handout photo",
        "reader submitted",
        "supplied",
        "provided",
        "unknown",
        "unknown author",
        "anonymous",
        "n/a",
        "creative commons",
        "public domain",
        "ap photo",
        "photographer",
        "own work",
    }
)
_TITLES = re.compile(
    r"^(?:(?:staff|master|technical|chief\s+master|senior\s+master|first|command)\s+sgt\.?"
    r"|sgt\.?|sergeant|spc\.?|specialist|pfc\.?|pvt\.?|cpl\.?|corporal|lt\.?|1st\s+lt\.?|2nd\s+lt\.?"
    r"|lieutenant|capt\.?|captain|maj\.?|major|col\.?|lt\.\s*col\.?|colonel|gen\.?|adm\.?"
    r"|ens\.?|cmdr\.?|cdr\.?|(?:senior\s+)?airman(?:\s+(?:1st|first|basic)\s+class)?"
    r"|petty\s+officer(?:\s+(?:1st|2nd|3rd|first|second|third)\s+class)?"
    r"|(?:chief\s+)?mass\s+communication\s+specialist(?:\s+(?:1st|2nd|3rd|seaman)(?:\s+class)?)?"
    r"|mc[123]|mcsn|seaman|lance\s+cpl\.?|lance\s+corporal|dr\.?|prof\.?|mr\.?|mrs\.?|ms\.?"
    r"|sir|dame|rev\.?|photographer|photojournalist|staff\s+photographer|contributor"
    r"|freelance(?:r|\s+photographer)?)\s+",
    re.IGNORECASE,
)
_SEGMENT_SPLIT = re.compile(r"\s*(?:/|\||;|\s[-–—]\s|\\)\s*")
_NAME_LIST_SPLIT = re.compile(r"\s*(?:,|\s&\s|\sand\s|\sund\s|\set\s|\sy\s)\s*", re.IGNORECASE)
_NAME_WORD = re.compile(r"^[\w'’.\-]+$")
_LOWER_PARTICLES = frozenset(
    {
        "van",
        "von",
        "der",
        "den",
        "de",
        "da",
        "di",
        "du",
        "del",
        "della",
        "le",
        "la",
        "bin",
        "al",
        "el",
        "ten",
        "ter",
        "dos",
        "das",
        "y",
        "zu",
        "of",
        "the",
        "st.",
    }
)
_TRAILING_NOISE = re.compile(
    r"(?:[\s,;:/|-]*(?:\bfile(?:\s+photo)?\b|\bfiles\b|\barchive\b|\bvia\b|\bfor\b|\bby\b|\bon\b"
    r"|\bfrom\b|\band\b))+[\s,;:/|.-]*$",
    re.IGNORECASE,
)


def strip_label(text: str) -> str:
    """``text`` without a leading credit label ("Photo credit:", "Foto:", "Credit…")."""
    stripped = LABEL.sub("", text, count=1)
    return stripped if stripped != text and stripped.strip() else text


def parse_credit(
    text: str, link_hrefs: Iterable[str] = (), kb: KnowledgeBase | None = None
) -> Credit:
    """Parse one credit line into a :class:`Credit`.

    ``link_hrefs`` are the hrefs of links inside or beside the credit; a licence is
    read from them as well as from the text. Never raises: text that cannot be read
    as a credit gives ``kind="unknown"`` and a low confidence.
    """
    kb = kb or default_knowledge_base()
    try:
        return _parse(
            clean_text(text[: MAX_CREDIT_CHARS * 4])[:MAX_CREDIT_CHARS], tuple(link_hrefs), kb
        )
    except RecursionError:  # pragma: no cover - defensive: the parser does not recurse deeply
        return Credit(text=text)


def _parse(text: str, hrefs: tuple[str, ...], kb: KnowledgeBase) -> Credit:
    body = strip_label(text)
    labelled = body != text
    mentions = find_licences_in_text(body, kb)
    link_mentions = [m for m in (licence_from_url(h, kb) for h in hrefs[:20]) if m is not None]
    licence, licence_url, problem, licence_kind = _combine_licences(mentions, link_mentions)
    rest = _remove_spans(body, mentions)
    rest = _LICENCE_FILLER.sub(" ", rest)

    markers = {name for name, pattern in _MARKERS.items() if pattern.search(rest)}
    if re.search(r"\bcourtesy\b", rest, re.IGNORECASE):
        markers.add("courtesy")
    copyrighted = bool(_COPYRIGHT.search(rest)) or licence == "LicenseRef-All-Rights-Reserved"

    reading = _read_people_and_providers(rest, kb, platform_credit=licence is not None)
    provider, via = reading.provider, reading.via
    if provider is None:
        provider = _provider_from_links(hrefs, kb)
    if provider and licence is None and provider.licence and not problem:
        implied = kb.licence(provider.licence)
        if implied is not None:
            licence, licence_url, licence_kind = implied.id, implied.url, None
    kind = _kind(licence, licence_kind, problem, markers, provider, reading, copyrighted)
    confidence = _confidence(reading, licence, provider, labelled, problem)
    return Credit(
        text=text,
        creators=reading.creators,
        provider=provider.name if provider else None,
        via=via.name if via else None,
        source=reading.source,
        licence=licence,
        licence_url=licence_url,
        licence_problem=problem,
        kind=kind,
        confidence=confidence,
    )


def _combine_licences(
    mentions: Sequence[LicenceMention], link_mentions: Sequence[LicenceMention]
) -> tuple[str | None, str | None, str | None, str | None]:
    """(licence expression, URL, problem, kind) from text mentions and licence links."""
    ids: list[str] = []
    url: str | None = None
    problem: str | None = None
    kind: str | None = None
    resolved_links = [m for m in link_mentions if m.licence]
    for mention in mentions:
        if mention.licence is None:
            problem = problem or mention.problem
            kind = kind or mention.kind
            continue
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
        if ids:
            problem = None
    elif url is None and resolved_links:
        url = resolved_links[0].url
    if not ids and problem is None:
        for link in link_mentions:
            problem = problem or link.problem
    return (" AND ".join(ids) or None), url, problem if not ids else None, kind


def _remove_spans(text: str, mentions: Sequence[LicenceMention]) -> str:
    for mention in sorted(mentions, key=lambda m: m.start, reverse=True):
        text = text[: mention.start] + " / " + text[mention.end :]
    text = re.sub(r"[(\[]\s*(?:/\s*)*[)\]]", " ", text)
    return text


class _Reading:
    """What the non-licence part of a credit says: people, providers, a source."""

    def __init__(self) -> None:
        self.creators: tuple[str, ...] = ()
        self.provider: Provider | None = None
        self.via: Provider | None = None
        self.source: str | None = None
        self.unread: list[str] = []
        self.pieces = 0
        self.publisher_for = False


def _read_people_and_providers(
    text: str, kb: KnowledgeBase, *, platform_credit: bool = False
) -> _Reading:
    """Read people and providers; with ``platform_credit`` (a free licence is stated and
    a platform such as Flickr is named) other bodies named are the work's authors."""
    reading = _Reading()
    text = _COPYRIGHT.sub(" ", text)
    text = clean_text(re.sub(r"[()\[\]]", " / ", text)).strip(" ,.;:/|-–—")
    text = re.sub(r"\bvia\s+getty$", "via Getty Images", text, flags=re.IGNORECASE)
    tasl = _TASL.match(text)
    if tasl:
        text = tasl.group("creator")
    via_text = None
    via_split = re.split(
        r"\s+(?:via|über|vía|par\s+l'interm[ée]diaire\s+de)\s+",
        text,
        maxsplit=1,
        flags=re.IGNORECASE,
    )
    if len(via_split) == 2:
        text, via_text = via_split
    courtesy = _COURTESY.match(text)
    if courtesy:
        source = clean_text(text[courtesy.end() :]).strip(" ,.;:/")
        reading.source = source or None
        reading.provider = _lookup_provider(source, kb) if source else None
        if via_text:
            reading.via = _lookup_provider(via_text, kb)
        return reading
    text = _COURTESY_SUFFIX.sub("", text)
    providers: list[Provider] = []
    people: list[str] = []
    for piece in _pieces(text):
        reading.pieces += 1
        provider = _lookup_provider(piece.text, kb)
        if provider is not None:
            if piece.role == "for":
                reading.publisher_for = True
            providers.append(provider)
            continue
        names = _names(piece.text, piece.role)
        if names:
            people.extend(names)
        elif piece.text.casefold() not in _NOT_NAMES and not _is_marker_only(piece.text):
            reading.unread.append(piece.text)
    via = _lookup_provider(via_text, kb) if via_text else None
    platforms = [p for p in [*providers, via] if p is not None and p.kind == "platform"]
    if platform_credit and platforms:
        platform = platforms[0]
        authors = [
            piece.text
            for piece, provider in zip(_pieces(text), _piece_providers(text, kb), strict=True)
            if provider is not None and provider is not platform
        ]
        people = [*authors, *people]
        providers = [platform]
        via = None
    if (
        via_text
        and via is None
        and not providers
        and re.search(r"\bhandout\b", via_text, re.IGNORECASE) is None
        and _names(via_text, "")
    ):
        reading.source = via_text
    unique: list[Provider] = []
    for provider in providers:
        if provider not in unique:
            unique.append(provider)
    if unique:
        reading.provider = unique[0]
        others = unique[1:]
        if via is None and others:
            via = others[0]
    elif via is not None:
        reading.provider, via = via, None
    if via is not None and via != reading.provider:
        reading.via = via
    reading.creators = tuple(dict.fromkeys(people))
    return reading


def _piece_providers(text: str, kb: KnowledgeBase) -> list[Provider | None]:
    return [_lookup_provider(piece.text, kb) for piece in _pieces(text)]


class _Piece:
    def __init__(self, text: str, role: str = "") -> None:
        self.text = text
        self.role = role


def _pieces(text: str) -> list[_Piece]:
    """Split the credit into pieces at slashes and at "for", "by", "from", "on"."""
    pieces: list[_Piece] = []
    for segment in _SEGMENT_SPLIT.split(text)[:12]:
        segment = segment.strip(" ,.;:")
        if not segment:
            continue
        by = _BY_PHRASE.match(segment)
        if by:
            segment = segment[by.end() :]
        elif re.match(r"^by\s+", segment, re.IGNORECASE):
            segment = segment[3:]
        parts = re.split(
            r"\s+(for|from|on|at|of)\s+(?=\S)", segment, maxsplit=1, flags=re.IGNORECASE
        )
        if len(parts) == 3 and parts[1].lower() in {"for", "from", "on", "at"}:
            pieces.append(_Piece(parts[0].strip(" ,.")))
            pieces.append(_Piece(parts[2].strip(" ,."), parts[1].lower()))
        else:
            pieces.append(_Piece(segment))
    return [p for p in pieces if p.text]


def _lookup_provider(text: str, kb: KnowledgeBase) -> Provider | None:
    """The provider that ``text`` names as a whole, or that a run of its words names."""
    text = clean_text(text).strip(" ,.;:")
    if not text:
        return None
    exact = kb.provider_by_alias(text)
    if exact is not None:
        return exact
    words = text.split()
    if len(words) > 8:
        return None
    best: tuple[int, Provider] | None = None
    for size in range(min(len(words), 5), 0, -1):
        for start in range(len(words) - size + 1):
            gram = " ".join(words[start : start + size])
            provider = kb.provider_by_alias(gram)
            if provider is None:
                continue
            leftover = words[:start] + words[start + size :]
            if all(w.casefold().strip(",.") in _PROVIDER_FILLER for w in leftover):
                return provider
            if best is None:
                best = (size, provider)
    return None


_PROVIDER_FILLER = frozenset(
    {
        "photo",
        "photos",
        "images",
        "image",
        "file",
        "stock",
        "the",
        "news",
        "press",
        "wire",
        "agency",
        "archive",
        "via",
        "pool",
        "handout",
        "live",
        "photographer",
        "staff",
        "foto",
        "photo/file",
        "illustration",
        "video",
        "screenshot",
        "picture",
        "pictures",
        "contributor",
        "collection",
        "library",
        "de",
        "la",
        "prensa",
        "ag",
        "inc",
        "ltd",
        "plus",
        "creative",
        "editorial",
    }
)


def _is_marker_only(text: str) -> bool:
    words = re.findall(r"[\w'’-]+", text.casefold())
    return bool(words) and all(w in _NOT_NAMES or w in {"photo", "via", "file"} for w in words)


def _names(text: str, role: str) -> list[str]:
    """The people a piece of credit names, or [] when it does not look like names."""
    text = clean_text(text).strip(" ,.;:")
    text = re.sub(
        r",?\s*\b(?:file(?:\s+photo)?|files|handout|pool|stringer)\b\.?$",
        "",
        text,
        flags=re.IGNORECASE,
    ).strip(" ,.")
    if not text or text.casefold() in _NOT_NAMES or _YEAR_ONLY.match(text):
        return []
    names: list[str] = []
    for part in _NAME_LIST_SPLIT.split(text):
        part = part.strip(" ,.;:")
        while True:
            shorter = _TITLES.sub("", part, count=1)
            if shorter == part:
                break
            part = shorter
        part = re.sub(r"^(?:(?:19|20)\d\d\s+)", "", part).strip(" ,.")
        if not part or part.casefold() in _NOT_NAMES:
            continue
        if not _looks_like_name(part):
            return []
        names.append(part)
    return names


def _looks_like_name(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= 6 or len(text) > 60:
        return False
    if not all(_NAME_WORD.match(w) for w in words):
        return False
    if any(ch.isdigit() for ch in text) and not re.match(r"^@?[\w.]+$", text):
        return False
    capitalised = sum(1 for w in words if w[:1].isupper() or w.casefold() in _LOWER_PARTICLES)
    if capitalised == len(words):
        return True
    # Platform user names ("arctic penguin", "@jdoe") are printed in lower case.
    return len(words) <= 3 and (text.islower() or text.startswith("@"))


def _provider_from_links(hrefs: Sequence[str], kb: KnowledgeBase) -> Provider | None:
    for href in hrefs[:20]:
        try:
            host = urlsplit(href).hostname or ""
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
    "organisation": "courtesy",
}


def _kind(
    licence: str | None,
    licence_kind: str | None,
    problem: str | None,
    markers: set[str],
    provider: Provider | None,
    reading: _Reading,
    copyrighted: bool,
) -> str:
    if licence and licence != "LicenseRef-All-Rights-Reserved" and licence_kind:
        if provider is not None and provider.kind == "stock" and provider.licence == licence:
            return "stock"
        return licence_kind
    if licence and licence_kind is None:
        return "stock" if provider is not None and provider.kind == "stock" else "public-domain"
    if problem and licence_kind:
        return licence_kind
    for marker in ("pool", "handout", "screenshot", "illustration", "courtesy"):
        if marker in markers:
            return marker
    if reading.source is not None:
        return "courtesy"
    if "staff" in markers or reading.publisher_for:
        return "staff"
    if provider is not None:
        if provider.kind == "organisation":
            return "copyright" if copyrighted else "courtesy" if reading.source else "unknown"
        return _PROVIDER_KINDS[provider.kind]
    if copyrighted and (reading.creators or licence):
        return "copyright"
    return "unknown"


def _confidence(
    reading: _Reading,
    licence: str | None,
    provider: Provider | None,
    labelled: bool,
    problem: str | None,
) -> float:
    if not (reading.creators or provider or licence or reading.source):
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
