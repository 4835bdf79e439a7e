"""Recognise licences named in credit text and in the links beside it.

Creative Commons names follow a grammar (family elements BY/NC/ND/SA, a version, an
optional jurisdiction port) and are recognised by it in every common spelling:
"CC BY-NC 2.0", "CC-BY-SA-4.0", "Creative Commons Attribution-ShareAlike 4.0
International", "CC BY-SA 3.0 DE" and links to creativecommons.org. Every other
licence is recognised by the aliases in its knowledge-base file. Whether a named
version or port exists is decided by the knowledge base, never by the grammar.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from attribution.credits.needles import grouped_alternation, lazy_compile, needle_alternation
from attribution.credits.vocabulary import NOT_A_LICENCE_AFTER
from attribution.textutil import any_of

if TYPE_CHECKING:
    from attribution.licences import KnowledgeBase


@dataclass(frozen=True)
class LicenceMention:
    """A licence named in a credit: where, what it resolved to, or why it did not."""

    start: int
    end: int
    licence: str | None
    url: str | None
    kind: str
    problem: str | None = None


_CC_ELEMENT = r"(?:BY|NC|ND|SA)"
_CC_ABBREVIATED = lazy_compile(
    r"(?<![\w])(?:CC|Creative\s+Commons)[\s_-]*(?P<elements>BY(?:[\s_-]*+(?:NC|ND|SA)){0,2})(?![\w])"
    r"(?:[\s_/-]*(?:v(?:ersion)?\s*)?(?P<version>\d\.\d{1,2}|\d)(?!\.\d)(?![\w]))?"
    r"(?:[\s_/-]*(?P<port>[A-Z]{2,3}|IGO|Scotland|International|Generic|Unported)(?![\w]))?",
    re.IGNORECASE,
)
_BY_WORDS = (
    r"(?:Attribution|Namensnennung|Reconocimiento|Paternit[ée]|Attribuzione|Naamsvermelding"
    r"|Uznanie\s+autorstwa|Atribuci[óo]n|Atribui[çc][ãa]o)"
)
_ELEMENT_WORDS = (
    r"(?:Non[\s-]*+Commercial|No[\s-]*+Deriv(?:s|atives|ative\s++Works)|Share[\s-]*+Alike"
    r"|Nicht[\s-]*+kommerziell|Keine\s++Bearbeitungen?|Weitergabe\s++unter\s++gleichen\s++Bedingungen"
    r"|No\s*+Comercial|Sin\s*+Obra\s*+Derivada|Compartir\s*+Igual"
    r"|Pas\s++d['’]Utilisation\s++Commerciale|Pas\s++de\s++Modification"
    r"|Partage\s++dans\s++les\s++M[êe]mes\s++Conditions|Non\s++commerciale|Non\s++opere\s++derivate"
    r"|Condividi\s++allo\s++stesso\s++modo|Gelijk[\s-]*+Delen|Niet[\s-]*+Commercieel"
    r"|Geen\s++Afgeleide\s++Werken|Na\s++tych\s++samych\s++warunkach|U[żz]ycie\s++niekomercyjne"
    r"|Bez\s++utwor[óo]w\s++zale[żz]nych|Partage\s++des\s++Conditions\s++Initiales\s++[àa]\s++l['’]Identique"
    r"|Compartilha[\s-]*+Igual|N[ãa]o[\s-]*+Comercial|Sem\s++Deriva[çc][õo]es)"
)
_COUNTRY_PORTS = {
    "australia": "AU", "austria": "AT", "österreich": "AT", "belgium": "BE", "brazil": "BR",
    "brasil": "BR", "canada": "CA", "chile": "CL", "china": "CN", "germany": "DE",
    "deutschland": "DE", "spain": "ES", "españa": "ES", "france": "FR", "italy": "IT",
    "italia": "IT", "japan": "JP", "netherlands": "NL", "nederland": "NL", "poland": "PL",
    "polska": "PL", "portugal": "PT", "switzerland": "CH", "schweiz": "CH", "suisse": "CH",
    "united states": "US", "england and wales": "UK", "england & wales": "UK",
    "scotland": "SCOTLAND", "new zealand": "NZ", "ireland": "IE", "mexico": "MX",
    "méxico": "MX", "argentina": "AR", "india": "IN", "south africa": "ZA", "taiwan": "TW",
    "korea": "KR", "greece": "GR", "czech republic": "CZ", "norway": "NO", "sweden": "SE",
    "denmark": "DK", "finland": "FI", "israel": "IL", "singapore": "SG", "hong kong": "HK",
    "croatia": "HR", "romania": "RO", "serbia": "RS", "luxembourg": "LU", "philippines": "PH",
}  # fmt: skip
_CC_SPELLED = lazy_compile(
    r"(?:Creative[\s-]+Commons[\s-]+(?:licen[cs]e\s+)?)?"
    r"(?P<elements>" + _BY_WORDS + r"(?:[\s,–—-]*+" + _ELEMENT_WORDS + r"){0,2})"
    r"(?:[\s,–—-]*(?:v(?:ersion)?\s*)?(?P<version>\d\.\d{1,2}|\d)(?!\.\d))?"
    r"(?:[\s-]+(?P<port>International|Internationaal|Internacional|Internazionale"
    r"|Mi[ęe]dzynarodowe|Generic|Gen[ée]rica|G[ée]n[ée]rique|Unported|IGO|"
    + "|".join(sorted((re.escape(c) for c in _COUNTRY_PORTS), key=len, reverse=True))
    + r"|[A-Z]{2}(?![\w])))?"
    r"(?:[\s-]+Licen[cs]e)?",
    re.IGNORECASE,
)
_CC_ZERO = lazy_compile(
    r"(?<![\w])(?:CC[\s-]*0|CC[\s-]*Zero|Creative\s+Commons\s+(?:Zero|0|CC0))"
    r"(?:[\s-]*(?:v\s*)?(?P<version>1\.0))?(?:\s+Universal)?(?:[\s-]+(?:Public\s+Domain\s+Dedication))?(?![\w])",
    re.IGNORECASE,
)
_CC_BARE = lazy_compile(
    r"(?<![\w])(?:Creative\s+Commons(?:\s+licen[cs]e)?|CC\s+licen[cs]e)(?![\w-])", re.IGNORECASE
)
_PDM = lazy_compile(
    r"(?<![\w])Public[\s-]+Domain[\s-]+Mark(?:[\s-]*(?P<version>1\.0))?(?![\w])", re.IGNORECASE
)
# Wikimedia Commons' public-domain templates: "PD-old-70", "PD-US-expired", "PD-self".
_PD_TEMPLATE = lazy_compile(
    r"(?<![\w])PD-(?:US(?:Gov)?|old|self|author|art|ineligible)[\w-]*(?![\w])", re.IGNORECASE
)
_US_GOVERNMENT = lazy_compile(
    r"(?<![\w])(?:work\s+of\s+(?:the|a|an)\s+(?:U\.?S\.?|United\s+States)\s+(?:federal\s+)?government"
    r"(?:\s+employee)?"
    r"|(?:U\.?S\.?|United\s+States)\s+(?:federal\s+)?government\s+work|PD-USGov[\w-]*)(?![\w])",
    re.IGNORECASE,
)
_GFDL = lazy_compile(
    r"(?<![\w])(?:GFDL|GNU\s+FDL|(?-i:FDL)|GNU\s+Free\s+Documentation\s+Licen[cs]e)"
    r"(?:[\s,-]*(?:v(?:ersion)?\s*)?(?P<version>1\.[123]))?"
    r"(?P<later>(?:\s*(?:or\s+(?:any\s+)?later(?:\s+version)?|\+))|-or-later)?(?P<only>-only)?(?![\w])",
    re.IGNORECASE,
)
_OGL = lazy_compile(
    r"(?<![\w])(?:Open\s+Government\s+Licen[cs]e|OGL)(?:[\s-]*(?:UK)?)"
    r"(?:[\s-]*(?:v(?:ersion)?\s*)?(?P<version>[123])(?:\.0)?)?(?![\w])(?!\.\d)",
    re.IGNORECASE,
)
_LAL = lazy_compile(
    r"(?<![\w])(?:Free\s+Art\s+Licen[cs]e|Licence\s+Art\s+Libre|LAL|(?-i:FAL))"
    r"(?:[\s-]*(?:v(?:ersion)?\s*)?(?P<version>1\.[23]))?(?![\w.])",
    re.IGNORECASE,
)
_SPELLED_ELEMENTS = (
    (
        re.compile(
            r"non[\s-]*commercial|nicht[\s-]*kommerziell|no\s*comercial"
            r"|utilisation\s+commerciale|non\s+commerciale|niet[\s-]*commercieel|niekomercyjne"
            r"|n[ãa]o[\s-]*comercial",
            re.IGNORECASE,
        ),
        "NC",
    ),
    (
        re.compile(
            r"no[\s-]*deriv|keine\s+bearbeitung|sin\s*obra|pas\s+de\s+modification|non\s+opere"
            r"|geen\s+afgeleide|bez\s+utwor|sem\s+deriva",
            re.IGNORECASE,
        ),
        "ND",
    ),
    (
        re.compile(
            r"share[\s-]*alike|gleichen\s+bedingungen|compartir\s*igual|m[êe]mes\s+conditions"
            r"|stesso\s+modo|gelijk[\s-]*delen|tych\s+samych\s+warunkach|conditions\s+initiales"
            r"|compartilha[\s-]*igual",
            re.IGNORECASE,
        ),
        "SA",
    ),
)


def _spelled_elements(text: str) -> list[str]:
    """The CC elements (NC, ND, SA) a spelled-out licence name contains."""
    return [code for pattern, code in _SPELLED_ELEMENTS if pattern.search(text)]


_PORT_WORDS = frozenset(
    {
        "INTERNATIONAL", "INTERNATIONAAL", "INTERNACIONAL", "INTERNAZIONALE", "MIĘDZYNARODOWE",
        "MIEDZYNARODOWE", "GENERIC", "GENÉRICA", "GENERICA", "GÉNÉRIQUE", "GENERIQUE",
        "UNPORTED",
    }
)  # fmt: skip


def cc_family(elements: list[str]) -> str:
    """The SPDX-style family id for a set of CC elements (``["BY", "SA"]`` → ``CC-BY-SA``)."""
    present = {e.upper() for e in elements}
    family = "CC-BY"
    if "NC" in present:
        family += "-NC"
    if "ND" in present:
        family += "-ND"
    elif "SA" in present:
        family += "-SA"
    return family


def _resolve_cc(
    kb: KnowledgeBase, family: str, version: str | None, port: str | None
) -> tuple[str | None, str | None, str | None]:
    """(licence id, licence URL, problem) for a CC family, version and port."""
    written = family.replace("-", " ", 1)
    if port and port.upper() in _PORT_WORDS:
        port = None
    if version and "." not in version:
        version = f"{version}.0"
    if version is None:
        if kb.family(family) is None:
            return None, None, f"{written} is not a Creative Commons licence"
        return family, None, None
    licence = (port and kb.cc_licence(family, version, port)) or kb.cc_licence(
        family, version, None
    )
    if licence is not None:
        return licence.id, licence.url, None
    return None, None, f"{written} {version} does not exist"


def _is_port_of(kb: KnowledgeBase, licence_id: str | None, port: str) -> bool:
    """Whether ``port`` was consumed as part of the licence (a real port or a port word)."""
    if port.upper() in _PORT_WORDS:
        return True
    licence = kb.licence(licence_id) if licence_id else None
    return licence is not None and (licence.port or "").upper() == port.upper()


_CC_NEEDLES = re.compile(
    needle_alternation(
        "cc", "creative", "attribution", "namensnennung", "reconocimiento", "paternit",
        "attribuzione", "naamsvermelding", "uznanie", "atribuci", "atribui",
    )
)  # fmt: skip
# The words of _BY_WORDS: _CC_SPELLED cannot match without one. In ASCII text a pattern
# that ignores case finds a word only where the lower-cased text has it; elsewhere case
# folding joins more characters ("ſ" and "s", "İ" and "i") and the patterns decide.
_SPELLED_NEEDLES = re.compile(
    needle_alternation(
        "attribution", "namensnennung", "reconocimiento", "paternit", "attribuzione",
        "naamsvermelding", "uznanie", "atribuci", "atribui",
    )
)  # fmt: skip


def _cc_mentions(text: str, lowered: str, kb: KnowledgeBase) -> list[LicenceMention]:
    mentions: list[LicenceMention] = []
    if not _CC_NEEDLES.search(lowered):
        return mentions
    folded_only = not text.isascii()
    # _CC_ZERO, _CC_ABBREVIATED and _CC_BARE each begin with "CC" or "Creative".
    named = folded_only or "cc" in lowered or "creative" in lowered
    spelled = folded_only or _SPELLED_NEEDLES.search(lowered) is not None
    if not named and not spelled:
        return mentions
    for match in _CC_ZERO.finditer(text) if named else ():
        licence = kb.licence("CC0-1.0")
        mentions.append(
            LicenceMention(
                match.start(),
                match.end(),
                "CC0-1.0",
                licence.url if licence else None,
                "public-domain",
            )
        )
    patterns = (_CC_ABBREVIATED,) * named + (_CC_SPELLED,) * spelled
    for pattern in patterns:
        for match in pattern.finditer(text):
            if _overlaps(mentions, match.start(), match.end()):
                continue
            raw = match.group("elements")
            if pattern is _CC_ABBREVIATED:
                elements = re.findall(_CC_ELEMENT, raw, re.IGNORECASE)
            else:
                if not (match.group("version") or match.group(0).lower().startswith("creative")):
                    continue  # "Attribution" alone is a word, not a licence
                elements = ["BY", *_spelled_elements(raw)]
            family, version, port = cc_family(elements), match.group("version"), match.group("port")
            port = _COUNTRY_PORTS.get((port or "").lower(), port)
            licence_id, url, problem = _resolve_cc(kb, family, version, port)
            end = match.end()
            if port and not _is_port_of(kb, licence_id, port):
                end = match.start("port")
            mentions.append(
                LicenceMention(match.start(), end, licence_id, url, "creative-commons", problem)
            )
    for match in _CC_BARE.finditer(text) if named else ():
        if not _overlaps(mentions, match.start(), match.end()):
            mentions.append(
                LicenceMention(
                    match.start(),
                    match.end(),
                    None,
                    None,
                    "creative-commons",
                    "a Creative Commons licence is named without saying which one",
                )
            )
    return mentions


def _simple(
    kb: KnowledgeBase, licence_id: str, start: int, end: int, kind: str | None = None
) -> LicenceMention:
    licence = kb.licence(licence_id)
    if licence is None:
        family = kb.family(licence_id)
        family_kind = _credit_kind(family.kind) if family else "unknown"
        return LicenceMention(start, end, licence_id if family else None, None, family_kind)
    return LicenceMention(start, end, licence.id, licence.url, kind or _credit_kind(licence.kind))


def _credit_kind(licence_kind: str) -> str:
    return {
        "creative-commons": "creative-commons",
        "public-domain": "public-domain",
        "copyleft": "creative-commons",
        "government-open": "creative-commons",
        "stock": "stock",
        "all-rights-reserved": "copyright",
    }.get(licence_kind, "unknown")


_PDM_NEEDLES = any_of("mark")
_PD_TEMPLATE_NEEDLES = any_of("pd-")
_US_GOVERNMENT_NEEDLES = any_of("government", "pd-usgov")
_GFDL_NEEDLES = any_of("gfdl", "fdl", "documentation")
_OGL_NEEDLES = any_of("ogl", "open government")
_LAL_NEEDLES = any_of("lal", "art", "fal")
# Every word above: most credits have none, and one test then does for all six
_OTHER_NEEDLES = re.compile(
    needle_alternation(
        "mark", "pd-", "government", "pd-usgov", "gfdl", "fdl", "documentation", "ogl",
        "open government", "lal", "art", "fal",
    )
)  # fmt: skip


def _finds(
    pattern: re.Pattern[str], text: str, lowered: str, needles: re.Pattern[str]
) -> Iterator[re.Match[str]]:
    """``pattern``'s matches, skipping the regex when no word it needs is in the text."""
    if needles.search(lowered):
        yield from pattern.finditer(text)


def _other_mentions(text: str, low: str, kb: KnowledgeBase) -> list[LicenceMention]:
    found = _named_mentions(text, low, kb) if _OTHER_NEEDLES.search(low) else []
    pattern, ids = _alias_matcher(kb)
    needles = _alias_needles(kb)
    if pattern is not None and (needles is None or not text.isascii() or needles.search(low)):
        for match in pattern.finditer(text):
            if not _overlaps(found, match.start(), match.end()):
                licence_id = ids[_alias_text_key(match.group(0))]
                found.append(_simple(kb, licence_id, match.start(), match.end()))
    return found


def _named_mentions(text: str, low: str, kb: KnowledgeBase) -> list[LicenceMention]:
    """The licences outside Creative Commons that have patterns of their own."""
    found: list[LicenceMention] = []
    for match in _finds(_PDM, text, low, _PDM_NEEDLES):
        found.append(_simple(kb, "CC-PDM-1.0", match.start(), match.end()))
    for match in _finds(_US_GOVERNMENT, text, low, _US_GOVERNMENT_NEEDLES):
        found.append(_simple(kb, "LicenseRef-US-Government-Work", match.start(), match.end()))
    for match in _finds(_PD_TEMPLATE, text, low, _PD_TEMPLATE_NEEDLES):
        if not _overlaps(found, match.start(), match.end()):
            found.append(_simple(kb, "LicenseRef-Public-Domain", match.start(), match.end()))
    for match in _finds(_GFDL, text, low, _GFDL_NEEDLES):
        version = match.group("version")
        if version is None:
            found.append(_simple(kb, "GFDL", match.start(), match.end()))
        else:
            suffix = "or-later" if match.group("later") else "only"
            found.append(_simple(kb, f"GFDL-{version}-{suffix}", match.start(), match.end()))
    for match in _finds(_OGL, text, low, _OGL_NEEDLES):
        version = match.group("version")
        licence_id = f"OGL-UK-{version}.0" if version else "OGL-UK"
        found.append(_simple(kb, licence_id, match.start(), match.end()))
    for match in _finds(_LAL, text, low, _LAL_NEEDLES):
        version = match.group("version")
        found.append(
            _simple(kb, f"LAL-{version}" if version else "LAL", match.start(), match.end())
        )
    return found


def _alias_spelling(alias: str) -> str:
    """An alias as a pattern: a space in it stands for any white space."""
    return re.escape(alias).replace(r"\ ", r"\s+")


def _alias_text_key(text: str) -> str:
    return " ".join(text.casefold().split())


@cache
def _alias_matcher(kb: KnowledgeBase) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """One pattern for the aliases of every licence family outside Creative Commons (whose
    names the grammar above reads), with the licence id each alias names.

    A family's alias names its only licence, or the family when it has several versions.
    Aliases of three letters or fewer ("PD" is also a German press service) and the
    names of providers ("Unsplash" names the platform; "Unsplash License" the licence)
    are not looked for in running text.
    """
    ids: dict[str, str] = {}
    for family in kb.families.values():
        if family.id.startswith("CC"):
            continue
        family_target = family.licence_ids[0] if len(family.licence_ids) == 1 else family.id
        for alias in family.aliases:
            ids.setdefault(_alias_text_key(alias), family_target)
        for alias, licence_id in family.version_aliases:
            ids.setdefault(_alias_text_key(alias), licence_id)
    usable = _usable_aliases(kb, ids)
    if not usable:
        return None, ids
    spellings = grouped_alternation(
        sorted(usable, key=len, reverse=True), _alias_spelling, ignore_case=True
    )
    not_after = "".join(f"(?<!{re.escape(word)}\\s)" for word in NOT_A_LICENCE_AFTER)
    return lazy_compile(rf"(?<![\w]){not_after}{spellings}(?![\w])", re.I), ids


_ASCII_RUN = lazy_compile(r"[a-z0-9]+")


@cache
def _alias_needles(kb: KnowledgeBase) -> re.Pattern[str] | None:
    """A quick test for ASCII text that the pattern of :func:`_alias_matcher` can match:
    each alias has the longest run of ASCII letters and digits in it (lower case)
    tested; None when some alias has no such run (the pattern is then always tried)."""
    pattern, ids = _alias_matcher(kb)
    if pattern is None:
        return None
    needles: set[str] = set()
    for alias in _usable_aliases(kb, ids):
        runs = _ASCII_RUN.findall(alias.lower())
        if not runs:
            return None
        needles.add(max(runs, key=len))
    return lazy_compile(needle_alternation(*sorted(needles)))


def _usable_aliases(kb: KnowledgeBase, ids: dict[str, str]) -> list[str]:
    """The aliases looked for in running text (see :func:`_alias_matcher`)."""
    return [alias for alias in ids if len(alias) > 3 and kb.provider_by_alias(alias) is None]


def _overlaps(mentions: list[LicenceMention], start: int, end: int) -> bool:
    return any(m.start < end and start < m.end for m in mentions)


def find_licences_in_text(text: str, kb: KnowledgeBase) -> list[LicenceMention]:
    """Every licence named in ``text``, in the order printed, without overlaps."""
    lowered = text.lower()
    mentions = _cc_mentions(text, lowered, kb)
    for mention in _other_mentions(text, lowered, kb):
        if not _overlaps(mentions, mention.start, mention.end):
            mentions.append(mention)
    return sorted(mentions, key=lambda m: m.start)


_CC_URL = lazy_compile(
    r"^/licen[cs]es/(?P<slug>[a-z-]+)/(?P<version>\d\.\d)(?:/(?P<port>[a-z]{2,8}))?(?:/|$)"
)


def licence_from_url(href: str, kb: KnowledgeBase) -> LicenceMention | None:
    """The licence a link points to (creativecommons.org, gnu.org, …), or None."""
    try:
        parts = urlsplit(href.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").removeprefix("www.")
    path = parts.path.lower()
    if host == "creativecommons.org":
        if path.startswith("/publicdomain/zero/"):
            return _simple(kb, "CC0-1.0", 0, 0, "public-domain")
        if path.startswith("/publicdomain/mark/"):
            return _simple(kb, "CC-PDM-1.0", 0, 0, "public-domain")
        match = _CC_URL.match(path)
        if match is None:
            return None
        elements = [
            e for e in match.group("slug").split("-") if e.upper() in {"BY", "NC", "ND", "SA"}
        ]
        if "by" not in match.group("slug").split("-"):
            return None
        port = match.group("port")
        if port in {"deed", "legalcode"}:
            port = None
        licence_id, url, problem = _resolve_cc(
            kb, cc_family(elements), match.group("version"), port
        )
        return LicenceMention(0, 0, licence_id, url or href, "creative-commons", problem)
    return _url_index(kb).get(_url_key(href))


def _url_key(url: str) -> str:
    parts = urlsplit(url.strip().lower())
    host = (parts.hostname or "").removeprefix("www.")
    path = re.sub(
        r"(?:/deed(?:\.[a-z_-]+)?|/legalcode(?:\.[a-z_-]+)?|\.html?|\.en)$", "", parts.path
    )
    return host + path.rstrip("/")


@cache
def _url_index(kb: KnowledgeBase) -> dict[str, LicenceMention]:
    index: dict[str, LicenceMention] = {}
    for licence in kb.licences.values():
        if licence.family.startswith("CC-") or licence.id == "CC0-1.0":
            continue
        index.setdefault(
            _url_key(licence.url),
            LicenceMention(0, 0, licence.id, licence.url, _credit_kind(licence.kind)),
        )
    return index
