"""Separate a credit from the caption text it is printed in (:func:`split_caption_credit`).

Publishers run the credit into the caption in many ways: after a label ("Photo
credit:", "Photograph:", "Credit…", "Foto:"), as an agency suffix ("(AP Photo/…)",
"REUTERS/…", "EPA-EFE/…"), as a copyright line ("© 2021 …"), as a last sentence that
is a credit ("Courtesy of the family", "Handout via Reuters"), or as a bare
"Name/Agency" at the end. Captions that merely mention an agency or contain a slash
("the 9/11 memorial", "the AP/NORC poll") keep their text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from attribution.credits.needles import lazy_compile
from attribution.credits.parse import parse_credit
from attribution.credits.vocabulary import (
    AGENCY_TAIL_NAMES,
    AI_WORDS,
    BRACKET_LABELS,
    CAPTION_DROPPED_KIND_LABELS,
    CAPTION_TAGS,
    CREDIT_WORDS,
    GENERIC_LABELS,
    MADE_BY_LABELS,
    MORE_GENERIC_LABELS,
    PICTURE_BY_LABELS,
    WEAK_LABELS,
)
from attribution.licences import KnowledgeBase, default_knowledge_base
from attribution.textutil import alternatives, clean_text, none_if_empty

if TYPE_CHECKING:
    from attribution.records import Credit

# Labels that only say "this is the credit"; labels that carry meaning ("Screenshot:",
# "Courtesy") stay in the credit text.
_GENERIC_LABEL = alternatives(*GENERIC_LABELS, *CAPTION_DROPPED_KIND_LABELS, *MORE_GENERIC_LABELS)
# White space is taken whole (``*+``, ``++``): labels start with a letter, and trying
# every split of a long run against every label would take time squared.
_SEPARATOR = r"(?:^|(?<=[.!?”\"')\]])\s*+|\s++[|•·–—-]\s++|\s++)"
# What may follow a label's word before its colon, as the parser reads labels
# (``parse.LABEL``): a number ("Bild 2:", "Bild2:") and a second job ("Foto und Styling:").
_LABEL_ADDITIONS = (
    r"(?:\s*+\d{1,2}(?!\d)(?=\s*:))?(?:\s++(?:and|und|et|y|&)\s++[^\W\d]{2,20}+(?=\s*:))?"
)
_INNER_LABEL = lazy_compile(
    _SEPARATOR
    + r"(?P<open>[(\[]\s*+)?(?P<label>"
    + _GENERIC_LABEL
    + _LABEL_ADDITIONS
    + r"\s*(?::|…|\.\.\.|,(?=\s))\s*)",
    re.IGNORECASE,
)
# After a comma too: "Gwyneth Paltrow, photographed by Ada Lens for the May issue".
_BY_LABEL = lazy_compile(
    r"(?:^|(?<=[.!?”\"')\],])\s*+|\s++[|•·–—-]\s++)(?P<open>[(\[]\s*+)?"
    r"(?P<label>" + alternatives(*MADE_BY_LABELS) + r"\s+by\s+)",
    re.IGNORECASE,
)
_BY_PHRASE = lazy_compile(
    r"(?:^|\s)" + alternatives(*MADE_BY_LABELS, *PICTURE_BY_LABELS) + r"\s+by\s+", re.I
)
_LEADING_BY_LABEL = lazy_compile(r"^\s*" + alternatives(*MADE_BY_LABELS) + r"\s+by\s+", re.I)
_COPYRIGHT_TAIL = lazy_compile(
    r"(?:^|(?<=[.!?”\"')\]])\s*+|\s++[|•·–—-]\s++|\s)(?P<credit>©\s*\S.*)$"
)
_AGENCY_TAIL = lazy_compile(
    r"(?:^|\s|(?<=[.!?”\"]))(?P<open>[(\[])?\s*+(?P<credit>"
    + alternatives(*AGENCY_TAIL_NAMES)
    + r"\s*/\s*[^/()\[\]]{1,120}(?:/[^/()\[\]]{1,80}){0,3})(?P<close>[)\]])?\s*\.?$"
)
_COPYRIGHT_LEAD = lazy_compile(
    r"(?:^|[.!?]\s+)(?P<lead>(?:map\s+data|photo(?:graph)?|image|picture|foto|bild|data|tiles)\s*)$",
    re.IGNORECASE,
)
_LEADING_BRACKET = lazy_compile(r"^\s*[(\[](?P<credit>[^()\[\]]{2,120})[)\]]\s*(?P<caption>\S.*)$")
_TRAILING_BRACKET = lazy_compile(r"\s*+[(\[](?P<credit>[^()\[\]]{2,160})[)\]]\s*\.?$")
_SENTENCE_END = lazy_compile(r"(?<=[.!?])\s++(?=\S)|(?<=[.!?][”\"])\s++(?=\S)|\s++[|•·–—]\s++")
_CAPTION_WIDGETS = lazy_compile(r"\b(?:hide|toggle|show)\s+caption\b", re.IGNORECASE)
_REPEATED_TAIL = lazy_compile(r"(\S[^.]{2,80}?)\s+\1\s*$")
_REPEATED_MOST = 81  # the longest phrase _REPEATED_TAIL takes


def may_end_repeated(text: str) -> bool:
    """False only when ``text`` cannot end with a phrase printed twice, as
    ``_REPEATED_TAIL`` reads one (tried at every place in the text, that pattern cost a
    third of splitting a caption).

    Such a phrase, as it ends the text, starts a word (after white space) within its last
    81 characters and has no "." but as its first character, and the text before the
    white space in front of it ends with the same phrase; a test of each such word
    tells. (White space here is what ``\\s`` matches: ``str.isspace``.)"""
    end = len(text.rstrip())
    start = end - 1
    while start > 0 and end - start <= _REPEATED_MOST:
        if not text[start].isspace() and text[start - 1].isspace():
            before = start - 1
            while before > 0 and text[before - 1].isspace():
                before -= 1
            if text.endswith(text[start:end], 0, before):
                return True
        if text[start] == ".":
            return False  # (a phrase beginning before it would hold it)
        start -= 1
    return False


_BBC_CAPTION = lazy_compile(r"\s*+\bimage\s+caption\s*,\s*", re.IGNORECASE)

Finder = Callable[[str, KnowledgeBase], "tuple[str, str] | None"]


def split_caption_credit(
    text: str, kb: KnowledgeBase | None = None
) -> tuple[str | None, str | None]:
    """Split caption text into (caption, credit); either is None when absent.

    The credit comes back without a generic label ("Photo:") and without surrounding
    brackets; labels that carry meaning ("Illustration:", "Courtesy of") are kept.
    """
    kb = kb or default_knowledge_base()
    text = _CAPTION_WIDGETS.sub(" ", clean_text(text))
    if may_end_repeated(text):  # NPR prints the credit twice
        text = _REPEATED_TAIL.sub(r"\1", text)
    text = clean_text(text)
    if not text:
        return None, None
    parts = _BBC_CAPTION.split(text, maxsplit=1)
    if len(parts) == 2 and parts[0].strip():
        # BBC: "Image source, Getty Images Image caption, The caption"
        credit = _tidy_credit(_strip_generic_label(parts[0], kb))
        return none_if_empty(parts[1]), credit
    finders: tuple[Finder, ...] = (
        _labelled,
        _leading_bracket,
        _last_sentence,
        _copyright_tail,
        _agency_tail,
        _bracketed_tail,
        _bare_tail,
        _whole_text,
    )
    if text.rstrip(" .").endswith((")", "]")):
        # A credit in brackets at the end is the clearest sign there is: try it before
        # sentence boundaries, which abbreviations fake ("… in St. Norbert (Submitted …)")
        finders = (_labelled, _leading_bracket, _bracketed_tail, *finders[2:])
    for finder in finders:
        found = finder(text, kb)
        if found is None:
            continue
        caption, credit = found
        credit_text = _tidy_credit(credit)
        if credit_text:
            return none_if_empty(_tidy_caption(caption)), credit_text
    return none_if_empty(_tidy_caption(text)), None


_LEADING_GENERIC_LABEL = lazy_compile(
    r"^\s*+(?:[(\[]\s*+)?" + _GENERIC_LABEL + _LABEL_ADDITIONS + r"\s*(?::|…|\.\.\.|,|\s/\s)\s*",
    re.I,
)


def _strip_generic_label(text: str, kb: KnowledgeBase) -> str:
    match = _LEADING_GENERIC_LABEL.match(text)
    if match and text[match.end() :].strip():
        return text[match.end() :]
    by = _LEADING_BY_LABEL.match(text)
    if by and text[by.end() :].strip():
        return text[by.end() :]
    bare = re.match(r"^\s*(?:foto|photo)\s+(?=[A-Z]{2,}\s*/|©)", text, re.I)  # "Foto ANSA/…"
    if bare:
        return text[bare.end() :]
    taken_from = re.match(r"^\s*(?:photo|image|picture)s?\s+from\s+(?=\S)", text, re.I)
    if taken_from:  # "(Photo from Pattaya City Facebook page)"
        return text[taken_from.end() :]
    polish = re.match(r"^\s*fot\.\s+(?=\S)", text, re.I)  # "Fot. PAP/Leszek Szymczak"
    if polish:
        return text[polish.end() :]
    agency = re.match(r"^\s*foto\s+(?=\S)", text, re.I)  # "foto Ansa", "Foto LaPresse"
    if agency and parse_credit(text[agency.end() :], kb=kb).provider is not None:
        return text[agency.end() :]
    return text


def _labelled(text: str, kb: KnowledgeBase) -> tuple[str, str] | None:
    best: re.Match[str] | None = None
    for pattern in (_INNER_LABEL, _BY_LABEL):
        for match in pattern.finditer(text):
            label_start = match.start("label")
            after_comma = pattern is _BY_LABEL and text[:label_start].rstrip().endswith(",")
            if after_comma and not _ends_as_credit(text[match.end() :]):
                continue  # "The bride, photographed by her father, walks down the aisle"
            opened = match.group("open")
            if label_start > 0 and not (after_comma or _boundary_before(text, label_start, opened)):
                continue
            if not re.search(r"\w", text[match.end() :]):
                continue
            if not _label_is_credit(match.group("label"), text[match.end() :]):
                continue
            if best is None or label_start < best.start("label"):
                best = match
            break
    if best is None:
        return None
    start = best.start("open") if best.group("open") else best.start("label")
    credit = text[best.end() :]
    owner = _OWNER_PREFIX.search(text[:start])
    if owner and not best.group("open"):
        # "… in 2027. ST PHOTO: GAVIN FOO": the owner's initials belong to the credit
        return text[: owner.start("owner")], text[owner.start("owner") :]
    before = text[:start].strip()
    if before and _BY_START.match(before) and _reads_as_credit(before, kb):
        # "Illustration by X / Outlet. Sources: Getty": all of it is the credit
        return "", text
    if best.group("open"):
        close = re.search(r"[)\]]", credit)
        if close:  # "(Photo: X) Caption text" or "Caption (Photo: X)."
            before, after = text[:start], credit[close.end() :]
            return f"{before} {after}", credit[: close.start()]
    return text[:start].rstrip().removesuffix(","), credit


def _ends_as_credit(rest: str) -> bool:
    """Whether what follows "…, photographed by" is a credit that ends the caption: a
    capitalised name, with no clause after it."""
    rest = rest.strip()
    return rest[:1].isupper() and "," not in rest and ";" not in rest


_OWNER_PREFIX = lazy_compile(r"(?:^|[.!?”\"]\s+(?:\|\s+)?)(?P<owner>[A-Z]{2,5})\s+$")
_BY_START = lazy_compile(
    r"^(?:photo(?:graph)?s?|images?|illustrations?|graphics?|cartoons?|drawings?|maps?|charts?)"
    r"\s+by\s+",
    re.IGNORECASE,
)


def _boundary_before(text: str, index: int, opened: str | None) -> bool:
    before = text[:index].rstrip()
    if opened or not before:
        return True
    if before[-1] in ".!?”\"')]|•·–—-:":
        return True
    # Run together with no separator: "…the Kremlin Photo: X" (a capitalised label).
    return text[index].isupper()


def _label_is_credit(label: str, remainder: str) -> bool:
    word = label.strip().lower()
    if re.match(r"(?:the|a|an|our|all|more)\s", remainder.strip()):
        return False  # "Photos: the best images of the week" is a headline ("The Hindu" is not)
    if word.startswith(WEAK_LABELS):
        # Weak labels: only when what follows reads like a credit, not a sentence.
        return len(remainder.split()) <= 8 and not remainder.rstrip().endswith("?")
    return True


def _leading_bracket(text: str, kb: KnowledgeBase) -> tuple[str, str] | None:
    match = _LEADING_BRACKET.match(text)
    if match is None or not _reads_as_credit(match.group("credit"), kb):
        return None
    return match.group("caption"), _strip_generic_label(match.group("credit"), kb)


def _last_sentence(text: str, kb: KnowledgeBase) -> tuple[str, str] | None:
    """The last sentence, when it is a credit ("… . Courtesy of the Ortega family")."""
    found: re.Match[str] | None = None
    for boundary in reversed(list(_SENTENCE_END.finditer(text))[-4:]):
        # The longest run of final sentences that reads as a credit ("… . U.S. Army
        # photo by Sgt. Jane Doe" has a full stop inside the credit).
        tail = text[boundary.end() :].strip().lstrip("|•·–— ")  # "… months. | BLOOMBERG"
        piped = "|" in text[boundary.start() : boundary.end() + 2]
        if piped and (_is_name_only(tail, kb) or _provider_in_capitals(tail, kb)):
            # "… in the rain. | JANE ROE", "… at the port | REUTERS": a person's name, or a
            # provider's in capitals, after a bar
            found = boundary
            continue
        if not re.match(r"[^\W\d_]|[©(\[\"“']", tail) or not _reads_as_credit(tail, kb):
            if found is not None:
                break
            continue
        found = boundary
    if found is None:
        return None
    credit = text[found.end() :].strip().lstrip("|•·–— ")
    return text[: found.start()], _strip_generic_label(credit, kb)


# A short name in capitals, as outlets and agencies print themselves after a bar (the look
# behind keeps a search linear: a match starts only after a space).
_CAPITALS_TAIL = lazy_compile(r"(?<!\S)(?=[^a-z]*+$)[^\W\d_][\w.&'’-]++(?:\s[\w.&'’-]++){0,3}")
# Initials in square brackets, as tabloids print their agency's ("[XS]", "[ABC]").
_BRACKETED_INITIALS = lazy_compile(r"[A-Z]{2,4}")


def _provider_in_capitals(text: str, kb: KnowledgeBase) -> bool:
    """Whether ``text`` is a short name in capitals that the provider table knows ("| AFP",
    "| GETTY IMAGES"); capitals it does not know may be a place or a section ("| NEW
    YORK", "| GOAL")."""
    return (
        _CAPITALS_TAIL.fullmatch(text) is not None
        and parse_credit(text, kb=kb).provider is not None
    )


def _bracketed_initials(text: str) -> bool:
    """Whether square-bracketed ``text`` is an agency's initials: two to four capitals
    that are not a tag of the story ("[VIDEO]", "[NEW]", "[MAP]")."""
    return _BRACKETED_INITIALS.fullmatch(text) is not None and text.lower() not in CAPTION_TAGS


def _is_name_only(text: str, kb: KnowledgeBase) -> bool:
    """Whether ``text`` is nothing but the names of people."""
    if not text or len(text.split()) > 6:
        return False
    creators = parse_credit(text, kb=kb).creators
    return bool(creators) and ", ".join(creators).replace(",", "") == text.replace(",", "")


def _whole_text(text: str, kb: KnowledgeBase) -> tuple[str, str] | None:
    """A text that is nothing but a credit ("Getty Images", "Courtesy of the artist")."""
    if len(text.split()) > 10 or not _reads_as_credit(text, kb):
        return None
    bracket = _TRAILING_BRACKET.search(text)
    if bracket and _expands_to(text[: bracket.start()], bracket.group("credit").strip()):
        return None  # "The summit of the World Health Organization (WHO)"
    return "", _strip_generic_label(text, kb)


def _copyright_tail(text: str, kb: KnowledgeBase) -> tuple[str, str] | None:
    match = _COPYRIGHT_TAIL.search(text)
    if match is None or len(match.group("credit")) > 160:
        return None
    start = match.start("credit")
    lead = _COPYRIGHT_LEAD.search(text[:start])
    if lead:  # "… Port Sgeir. Map data © OpenStreetMap contributors"
        start = lead.start("lead")
    return text[:start], text[start:]


def _agency_tail(text: str, kb: KnowledgeBase) -> tuple[str, str] | None:
    match = _AGENCY_TAIL.search(text)
    if match is None or bool(match.group("open")) != bool(match.group("close")):
        return None
    if len(lowercase_words(match.group("credit"))) > 1:
        return None  # "Reuters/Ipsos polling shows a tight race": a sentence, not a credit
    start = match.start("open") if match.group("open") else match.start("credit")
    return text[:start], match.group("credit")


def _bracketed_tail(text: str, kb: KnowledgeBase) -> tuple[str, str] | None:
    match = _TRAILING_BRACKET.search(text)
    if match is None:
        return None
    inner = match.group("credit").strip()
    if _expands_to(text[: match.start()], inner):
        return None  # "… of the World Health Organization (WHO)": the name's short form
    labelled = _BRACKET_LABEL.match(inner) is not None  # "(Fot. materiały prasowe …)"
    # "… the harbour reopened on Friday. (Jane Doe)": a person's name in brackets after
    # the caption's last sentence is its photographer.
    named_after_sentence = text[: match.start()].rstrip().endswith(
        (".", "!", "?")
    ) and _is_name_only(inner, kb)
    # "… on the pier [XS]": initials in square brackets, as tabloids print their agency's
    capitals = text[match.start() :].lstrip().startswith("[") and _bracketed_initials(inner)
    if not (
        labelled
        or named_after_sentence
        or capitals
        or _names_and_slashes(inner, kb)
        or _reads_as_credit(inner, kb)
        or _names_an_organisation(inner, kb)
    ):
        return None
    if labelled:
        return text[: match.start()], _strip_generic_label(inner, kb)
    before = text[: match.start()]
    # "… Kim Jong Un. arctic penguin / Flickr (CC BY-NC 2.0)": the licence in brackets
    # ends a "creator / platform" credit that has no label.
    boundaries = list(_SENTENCE_END.finditer(before))
    if boundaries:
        # "… in Madrid. Borja Sánchez-Trillo (EFE)": a name before the bracket is part
        # of the credit
        lead = before[boundaries[-1].end() :].strip()
        whole = f"{lead} ({inner})"
        credit = parse_credit(whole, kb=kb)
        lead_credit = parse_credit(lead, kb=kb)
        named = (
            "/" in lead
            or " ".join(lead_credit.creators) == lead
            or lead_credit.provider is not None
            or (lead_credit.holder is not None and all(w[:1].isupper() for w in lead.split()))
            or bool(_AI_WORDS.search(lead))
        )
        if (
            len(lead.split()) <= 6
            and not lead.endswith((".", "!", "?"))
            and named
            and (credit.creators or credit.provider or credit.holder or credit.kind != "unknown")
            and (credit.provider or credit.licence or credit.kind == "illustration")
        ):
            return before[: boundaries[-1].start() + 1], whole
    return before, _strip_generic_label(inner, kb)


def _names_and_slashes(text: str, kb: KnowledgeBase) -> bool:
    """Whether bracketed text is a person, by full name, and where the picture came
    from, parted by slashes, every part capitalised: "(Jane Doe/The Example Ledger)"."""
    parts = [part.strip() for part in text.split("/")]
    if not 2 <= len(parts) <= 4 or not all(part[:1].isupper() for part in parts):
        return False
    if len(text.split()) > 10 or len(lowercase_words(text)) > 1:
        return False
    # The person first, by full name ("Home/Away" and "Simon/Garfunkel" are not credits).
    return len(parts[0].split()) >= 2 and parts[0] in parse_credit(text, kb=kb).creators


def _expands_to(before: str, initials: str) -> bool:
    """Whether the words before a bracket spell out the initials in it ("World Health
    Organization (WHO)"): small words such as "of" and "the" are passed over."""
    if not 2 <= len(initials) <= 6 or not initials.isalpha() or not initials.isupper():
        return False
    words = [w for w in re.findall(r"[^\W\d_]+", before) if w[:1].isupper()]
    return "".join(w[0] for w in words[-len(initials) :]).upper() == initials


_BRACKET_LABEL = lazy_compile(
    alternatives(*BRACKET_LABELS) + r"(?:\s*:|(?<=\.)|\s+from\b)\s*\S", re.IGNORECASE
)


def _names_an_organisation(text: str, kb: KnowledgeBase) -> bool:
    """Whether bracketed text at the end of a caption is a body's name, as credits print
    it: "(Washington Metropolitan Area Transit Authority)", "(Tasmania Police)"."""
    words = text.split()
    if not 2 <= len(words) <= 8 or not all(w[:1].isupper() or w in CREDIT_WORDS for w in words):
        return False
    credit = parse_credit(text, kb=kb)
    return credit.holder is not None and not credit.creators


# Where a credit of up to four capitalised words and a slash starts, run on to the text.
_BARE_TAIL = lazy_compile(r"(?<=[a-z.])\s*(?=[A-Z][^\s/]*+(?:\s++[A-Z][^\s/]*+){0,3}\s*/)")


def _bare_tail(text: str, kb: KnowledgeBase) -> tuple[str, str] | None:
    """A credit run on without a separator: "… on Tuesday Jane Doe/AFP"."""
    match = _BARE_TAIL.search(text)
    if match is None or len(text[: match.start()].split()) < 4:
        return None
    candidate = text[match.end() :].strip()
    if "/" not in candidate or not _reads_as_credit(candidate, kb):
        return None
    return text[: match.start()], candidate


def _reads_as_credit(text: str, kb: KnowledgeBase) -> bool:
    """Whether a short fragment is a credit: it names a provider, licence, or a kind of
    credit, and it is not a sentence."""
    text = text.strip()
    words = text.split()
    if not words or len(words) > 16 or re.search(r"\b\d{1,2}/\d{1,2}\b|%", text):
        return False
    if len(lowercase_words(text)) > 1:
        return False
    credit = parse_credit(text, kb=kb)
    return _is_credit(credit, text)


_AI_WORDS = lazy_compile(r"\b" + alternatives(*AI_WORDS) + r"\b", re.IGNORECASE)
_OWNED_FILE_PHOTO = lazy_compile(
    r"^(?!(?:file|archive)\s)(?:[\w.&'’-]++\s++){1,3}file\s+(?:photo(?:graph)?|image|picture)s?$",
    re.IGNORECASE,
)
_HANDLE = lazy_compile(r"@[\w.]+")
# Names with dots between their parts ("stock.adobe.com"): the parts before the last are
# taken whole (each ends at a dot), so only the last can be given back to find a boundary.
_DOTTED_NAME = lazy_compile(r"\b[\w-]++(?:\.[\w-]++)*\.[\w-]+\b")
_LETTERS = lazy_compile(r"[^\W\d]+")
_DATA_CREDIT = lazy_compile(r"^(?:data|chart|graphic|map)s?\s*:\s*\S", re.IGNORECASE)


def lowercase_words(text: str) -> list[str]:
    """The lower-case words of ``text`` that credits do not use: a sign of a sentence."""
    text = _HANDLE.sub(" ", text)  # social-media handles ("@marisol.travels")
    text = _DOTTED_NAME.sub(" ", text)  # domains ("stock.adobe.com")
    return [w for w in _LETTERS.findall(text) if w.islower() and w not in CREDIT_WORDS]


def _is_credit(credit: Credit, text: str) -> bool:
    if credit.licence or credit.licence_problem:
        return True
    if credit.kind in {"courtesy", "handout", "pool", "screenshot", "government", "stock"}:
        return True
    if credit.kind in {"illustration", "staff"} and credit.creators and " by " in f" {text} ":
        return True
    if re.fullmatch(r"staff\s+(?:photo(?:graph)?|image|picture)s?", text, re.I):
        return True
    if _OWNED_FILE_PHOTO.fullmatch(text):
        return True  # "ST FILE PHOTO", "Courier file photo" (a bare "file photo" is a note)
    if _DATA_CREDIT.match(text) and len(text.split()) <= 12:
        return True  # "Data: Federal Reserve; Chart: Example Axios Visuals"
    if "©" in text and (credit.creators or credit.holder):
        return True
    if credit.provider is not None:
        return credit.confidence >= 0.6
    if text.startswith("©"):
        return True
    by_phrase = _BY_PHRASE.search(text)
    if by_phrase and credit.creators and len(text.split()) <= 8:
        return True  # "Photo by X", "Express photo by X"
    if credit.kind == "illustration" and _AI_WORDS.search(text):
        return True  # "Image generated with Midjourney"
    return (
        "/" in text
        and bool(credit.creators)
        and credit.confidence >= 0.6
        and all(
            part.strip()[:1].isupper() or part.strip()[:1] == "@"
            for part in text.split("/")
            if part.strip()
        )
    )


def _tidy_credit(credit: str) -> str | None:
    credit = clean_text(credit).strip(" |•·–—-")
    while len(credit) > 1 and credit[0] in "([" and credit[-1] in ")]":
        credit = credit[1:-1].strip()
    if credit.endswith(")") and credit.count(")") > credit.count("("):
        credit = credit[:-1]
    credit = credit.rstrip(" ;,")
    if credit.endswith(".") and not re.search(r"\b[A-Z]\.$|\b(?:Inc|Ltd|Co|Jr|Sr)\.$", credit):
        credit = credit[:-1]
    return none_if_empty(credit)


def _tidy_caption(caption: str) -> str:
    caption = clean_text(caption).lstrip("/|•· ")  # "Enlarge / Firefly's rocket…"
    caption = re.sub(r"^(?:image\s+)?caption\s*[,:]\s*", "", caption, flags=re.IGNORECASE)
    return caption.rstrip(" |•·–—-,;(")
