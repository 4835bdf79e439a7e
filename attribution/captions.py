"""Separate a credit from the caption text it is printed in (:func:`split_caption_credit`).

Publishers run the credit into the caption in many ways: after a label ("Photo
credit:", "Photograph:", "Credit…", "Foto:"), as an agency suffix ("(AP Photo/…)",
"REUTERS/…", "EPA-EFE/…"), as a copyright line ("© 2021 …"), or as a bare
"Name/Agency" at the end. Captions that merely mention an agency or contain a slash
("the 9/11 memorial") keep their text.
"""

from __future__ import annotations

import re

from attribution.credits import parse_credit, strip_label
from attribution.licences import KnowledgeBase, default_knowledge_base
from attribution.textutil import clean_text, none_if_empty

_LABEL_WORDS = (
    r"(?:photo(?:graph)?s?\s*credits?|image\s*credits?|picture\s*credits?|photo(?:graph)?s?"
    r"|pictures?|images?\s*source|image|illustrations?|graphic|credits?|source|fotos?"
    r"|fotograf[íi]as?|bild(?:er)?|bildquelle|quelle|cr[ée]dits?\s*(?:photos?)?|photos?\s*cr[ée]dits?"
    r"|fuente|zdj[eę]cie|фото|copyright)"
)
# A label that starts a credit inside a caption: after the start, a sentence end, a
# separator or an opening bracket; "Credit…"/"Credit..." needs no following space.
_INNER_LABEL = re.compile(
    r"(?:^|(?<=[.!?”\"')\]])\s*|\s+[|•·–—-]\s+|\s+|(?<=[.!?”\"')\]]))(?P<open>[(\[]\s*)?"
    r"(?P<label>" + _LABEL_WORDS + r"\s*(?::|…|\.\.\.|,(?=\s))\s*)",
    re.IGNORECASE,
)
_BY_LABEL = re.compile(
    r"(?:^|(?<=[.!?”\"')\]])\s*|\s+[|•·–—-]\s+)(?P<open>[(\[]\s*)?"
    r"(?P<label>(?:(?:staff\s+|pool\s+|file\s+)?(?:photo(?:graph)?s?|images?|illustrations?)\s+(?:by|courtesy\s+of)"
    r"|courtesy\s+(?:of\s+)?|foto\s+von|photo\s+de)\s+)",
    re.IGNORECASE,
)
_COPYRIGHT_TAIL = re.compile(r"(?:^|(?<=[.!?”\"')\]])\s*|\s+[|•·–—-]\s+|\s)(?P<credit>©\s*\S.*)$")
_AGENCY_TAIL = re.compile(
    r"(?:^|\s|(?<=[.!?”\"]))(?P<open>[(\[])?\s*(?P<credit>(?:AP\s+Photo|REUTERS|Reuters|EPA(?:-EFE)?|AFP|"
    r"ANP|dpa|XINHUA|Xinhua|ANSA|SIPA|ZUMA|IMAGO|KYODO|YONHAP|TASS|ABACA|PA(?:\s+(?:Wire|Media|Images))?|"
    r"Anadolu(?:\s+Agency)?|Bloomberg|Getty\s+Images|Pool)\s*/\s*[^/()\[\]]{1,120}(?:/[^/()\[\]]{1,80}){0,3})"
    r"(?P<close>[)\]])?\s*\.?$"
)
_PAREN_TAIL = re.compile(r"\s*[(\[](?P<credit>[^()\[\]]{2,160})[)\]]\s*\.?$")
_LAST_SENTENCE = re.compile(
    r"(?:(?<=[.!?”\"])\s+|\s+[|•·–—-]\s+|(?<=[a-z.])(?=[A-Z][^\s/]*/))(?P<credit>[^.!?|•]{2,160})$"
)


def split_caption_credit(
    text: str, kb: KnowledgeBase | None = None
) -> tuple[str | None, str | None]:
    """Split caption text into (caption, credit); either is None when absent.

    The credit comes back without its label and without surrounding brackets.
    """
    kb = kb or default_knowledge_base()
    text = clean_text(text)
    if not text:
        return None, None
    for finder in (_labelled, _copyright_tail, _agency_tail, _bracketed_tail, _bare_tail):
        found = finder(text, kb)
        if found is not None:
            caption, credit = found
            credit_text = _tidy_credit(credit)
            if credit_text:
                return none_if_empty(_tidy_caption(caption)), credit_text
    return none_if_empty(_tidy_caption(text)), None


def _labelled(text: str, kb: KnowledgeBase) -> tuple[str, str] | None:
    best: re.Match[str] | None = None
    for pattern in (_INNER_LABEL, _BY_LABEL):
        for match in pattern.finditer(text):
            label_start = match.start("label")
            if label_start > 0 and not _boundary_before(text, label_start, match.group("open")):
                continue
            remainder = text[match.end() :]
            if not re.search(r"\w", remainder):
                continue
            if pattern is _INNER_LABEL and not _label_is_credit(
                match.group("label"), remainder, kb
            ):
                continue
            if best is None or match.start("label") < best.start("label"):
                best = match
            break
    if best is None:
        return None
    start = best.start("open") if best.group("open") else best.start("label")
    credit = text[best.start("label") :]
    if best.group("open"):
        credit = credit.rstrip(" .")
        credit = credit[:-1] if credit.endswith((")", "]")) else credit
    if best.re is _BY_LABEL:
        credit = credit.strip()
        if re.match(r"courtesy", credit, re.IGNORECASE) is None:
            credit = text[best.start("label") :]
        return text[:start], credit
    return text[:start], strip_label(credit)


def _boundary_before(text: str, index: int, opened: str | None) -> bool:
    before = text[:index].rstrip()
    if opened:
        return True
    if not before:
        return True
    if before[-1] in ".!?”\"')]|•·–—-:":
        return True
    # Run together with no separator: "…the Kremlin Photo: X" (a capitalised label).
    return text[index].isupper()


def _label_is_credit(label: str, remainder: str, kb: KnowledgeBase) -> bool:
    word = label.strip().lower()
    if word.startswith(("source", "quelle", "fuente", "copyright", "image", "graphic")):
        # Weak labels: only when what follows reads like a credit, not a sentence.
        return len(remainder.split()) <= 8 and not remainder.rstrip().endswith("?")
    return True


def _copyright_tail(text: str, kb: KnowledgeBase) -> tuple[str, str] | None:
    match = _COPYRIGHT_TAIL.search(text)
    if match is None or len(match.group("credit")) > 160:
        return None
    return text[: match.start("credit")], match.group("credit")


def _agency_tail(text: str, kb: KnowledgeBase) -> tuple[str, str] | None:
    match = _AGENCY_TAIL.search(text)
    if match is None:
        return None
    if bool(match.group("open")) != bool(match.group("close")):
        return None
    start = match.start("open") if match.group("open") else match.start("credit")
    return text[:start], match.group("credit")


def _bracketed_tail(text: str, kb: KnowledgeBase) -> tuple[str, str] | None:
    match = _PAREN_TAIL.search(text)
    if match is None:
        return None
    inner = match.group("credit").strip()
    if not _reads_as_credit(inner, kb):
        return None
    return text[: match.start()], inner


def _bare_tail(text: str, kb: KnowledgeBase) -> tuple[str, str] | None:
    match = _LAST_SENTENCE.search(text)
    if match is None:
        candidate, start = text, 0
    else:
        candidate, start = match.group("credit"), match.start("credit")
    candidate = candidate.strip()
    if "/" not in candidate and not _names_a_provider_only(candidate, kb):
        return None
    if not _reads_as_credit(candidate, kb):
        return None
    return text[:start], candidate


def _reads_as_credit(text: str, kb: KnowledgeBase) -> bool:
    """Whether a short fragment is a credit: it names a provider and no sentence."""
    if len(text.split()) > 12 or re.search(r"\b\d{1,2}/\d{1,2}\b", text):
        return False
    credit = parse_credit(text, kb=kb)
    if credit.licence:
        return True
    if credit.provider is None:
        return (
            "/" in text
            and bool(credit.creators)
            and credit.confidence >= 0.6
            and all(part.strip()[:1].isupper() for part in text.split("/") if part.strip())
        )
    return credit.confidence >= 0.6


def _names_a_provider_only(text: str, kb: KnowledgeBase) -> bool:
    return kb.provider_by_alias(text.strip(" .")) is not None and text[:1].isupper()


def _tidy_credit(credit: str) -> str | None:
    credit = clean_text(credit).strip(" |•·–—-")
    while len(credit) > 1 and credit[0] in "([" and credit[-1] in ")]":
        credit = credit[1:-1].strip()
    credit = credit.rstrip(" ;,")
    if credit.endswith(".") and not re.search(r"\b[A-Z]\.$|\b(?:Inc|Ltd|Co|Jr|Sr)\.$", credit):
        credit = credit[:-1]
    return none_if_empty(credit)


def _tidy_caption(caption: str) -> str:
    caption = clean_text(caption)
    caption = re.sub(r"^(?:image\s+)?caption\s*[,:]\s*", "", caption, flags=re.IGNORECASE)
    return caption.rstrip(" |•·–—-,;(")
